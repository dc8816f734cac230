#include "perimeter/service/access_preview.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "perimeter/aws/arn.h"
#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"
#include "perimeter/findings/lifecycle.h"
#include "perimeter/json/document.h"
#include "perimeter/json/writer.h"
#include "perimeter/resources/analyze_resource.h"
#include "perimeter/resources/inventory.h"
#include "perimeter/resources/registry.h"

namespace perimeter::service {

std::string_view AccessPreviewStatusName(AccessPreviewStatus status) {
  switch (status) {
    case AccessPreviewStatus::kCreating:
      return "CREATING";
    case AccessPreviewStatus::kCompleted:
      return "COMPLETED";
    case AccessPreviewStatus::kFailed:
      return "FAILED";
  }
  return "FAILED";
}

std::optional<AccessPreviewStatus> ParseAccessPreviewStatus(std::string_view name) {
  for (AccessPreviewStatus status :
       {AccessPreviewStatus::kCreating, AccessPreviewStatus::kCompleted,
        AccessPreviewStatus::kFailed}) {
    if (AccessPreviewStatusName(status) == name) return status;
  }
  return std::nullopt;
}

std::string_view AccessPreviewFailureName(AccessPreviewFailure failure) {
  switch (failure) {
    case AccessPreviewFailure::kInternalError:
      return "INTERNAL_ERROR";
    case AccessPreviewFailure::kInvalidConfiguration:
      return "INVALID_CONFIGURATION";
  }
  return "INTERNAL_ERROR";
}

std::optional<AccessPreviewFailure> ParseAccessPreviewFailure(std::string_view name) {
  for (AccessPreviewFailure failure :
       {AccessPreviewFailure::kInternalError, AccessPreviewFailure::kInvalidConfiguration}) {
    if (AccessPreviewFailureName(failure) == name) return failure;
  }
  return std::nullopt;
}

namespace {

// Whether `arn` names a resource of `type`: the service and the resource part's form of the type's
// ARNs (Service Authorization Reference, the resource types of each service).
// The ARNs of every resource type a preview takes are printable ASCII (bucket, queue, topic, role,
// key, secret, repository, file system, snapshot and table names all are): a key with a control
// character or a byte outside ASCII names no resource, and would not survive the JSON of the record
// unchanged (the writer replaces bytes that are not UTF-8).
bool IsPrintableAscii(std::string_view text) {
  for (char c : text) {
    if (c <= 0x20 || c >= 0x7f) return false;
  }
  return true;
}

bool ArnFitsType(resources::ResourceType type, const aws::Arn& arn) {
  std::string_view service = arn.service, resource = arn.resource;
  switch (type) {
    case resources::ResourceType::kS3Bucket:
      return service == "s3" && arn.region.empty() && arn.account.empty() && !resource.empty() &&
             resource.find('/') == std::string_view::npos;
    case resources::ResourceType::kS3ExpressDirectoryBucket:
      return service == "s3express" && resource.starts_with("bucket/");
    case resources::ResourceType::kIamRole:
      return service == "iam" && resource.starts_with("role/");
    case resources::ResourceType::kKmsKey:
      return service == "kms" && resource.starts_with("key/");
    case resources::ResourceType::kLambdaFunction:
      return service == "lambda" && resource.starts_with("function:");
    case resources::ResourceType::kLambdaLayerVersion:
      return service == "lambda" && resource.starts_with("layer:");
    case resources::ResourceType::kSqsQueue:
      return service == "sqs" && !resource.empty() && resource.find('/') == std::string_view::npos;
    case resources::ResourceType::kSnsTopic:
      return service == "sns" && !resource.empty() && resource.find('/') == std::string_view::npos;
    case resources::ResourceType::kSecretsManagerSecret:
      return service == "secretsmanager" && resource.starts_with("secret:");
    case resources::ResourceType::kEcrRepository:
      return service == "ecr" && resource.starts_with("repository/");
    case resources::ResourceType::kEfsFileSystem:
      return service == "elasticfilesystem" && resource.starts_with("file-system/");
    case resources::ResourceType::kDynamoDbTable:
      return service == "dynamodb" && resource.starts_with("table/") &&
             resource.find("/stream/") == std::string_view::npos;
    case resources::ResourceType::kDynamoDbStream:
      return service == "dynamodb" && resource.starts_with("table/") &&
             resource.find("/stream/") != std::string_view::npos;
    case resources::ResourceType::kEbsSnapshot:
      return service == "ec2" && resource.starts_with("snapshot/");
    case resources::ResourceType::kRdsDbSnapshot:
      return service == "rds" && resource.starts_with("snapshot:");
    case resources::ResourceType::kRdsDbClusterSnapshot:
      return service == "rds" && resource.starts_with("cluster-snapshot:");
  }
  return false;
}

// A policy member set to "" proposes deleting the policy (S3BucketConfiguration and the other
// configuration shapes): the member is left out of the record.
bool IsDeletedPolicy(const json::Value& member) {
  return member.is_string() && member.text().empty() && member.key().ends_with("Policy");
}

// Writes the object `proposed` with the members of `current` it lacks (members the proposal does
// not mention keep their current value); `accessPoints` maps are merged by access point ARN, each
// access point merged the same way.
void WriteMerged(json::Writer& w, const json::Value& proposed,
                 const std::optional<json::Value>& current) {
  w.BeginObject();
  std::set<std::string_view> written;
  for (json::Value member : proposed.members()) {
    written.insert(member.key());
    if (IsDeletedPolicy(member)) continue;
    std::optional<json::Value> old = current ? current->Find(member.key()) : std::nullopt;
    if (member.key() == "accessPoints" && member.is_object() && old && old->is_object()) {
      w.Key(member.key()).BeginObject();
      std::set<std::string_view> points;
      for (json::Value point : member.members()) {
        points.insert(point.key());
        std::optional<json::Value> old_point = old->Find(point.key());
        w.Key(point.key());
        if (point.is_object() && old_point && old_point->is_object()) {
          WriteMerged(w, point, old_point);
        } else {
          w.Copy(point);
        }
      }
      for (json::Value point : old->members()) {
        if (!points.contains(point.key())) w.Key(point.key()).Copy(point);
      }
      w.EndObject();
      continue;
    }
    w.Key(member.key()).Copy(member);
  }
  if (current && current->is_object()) {
    for (json::Value member : current->members()) {
      if (!written.contains(member.key())) w.Key(member.key()).Copy(member);
    }
  }
  w.EndObject();
}

struct ReadConfiguration {
  resources::Inventory inventory;  // one resource when ok
  std::string error;               // why the configuration is invalid; "" when ok
};

// The inventory record of the resource under its proposed configuration.
ReadConfiguration ReadProposed(const ProposedConfiguration& proposed, const PreviewScope& scope,
                               const PreviewState& state) {
  ReadConfiguration out;
  const std::string& arn_text = proposed.resource_arn;
  json::ParseResult parsed = json::Parse(proposed.configuration_json);
  if (!parsed.ok() || !parsed.document.root().is_object() || parsed.document.root().size() != 1) {
    out.error = base::Concat("the configuration of ", arn_text,
                             " must be an object with exactly one member (s3Bucket, iamRole, ...)");
    return out;
  }
  json::Value member = *parsed.document.root().members().begin();
  const resources::ResourceModule* module = resources::FindModuleByMember(member.key());
  if (module == nullptr) {
    out.error = base::Concat("unknown configuration member \"", member.key(), "\" for ", arn_text);
    return out;
  }
  if (!member.is_object()) {
    out.error =
        base::Concat("the ", member.key(), " configuration of ", arn_text, " must be an object");
    return out;
  }
  std::optional<aws::Arn> arn = aws::ParseArn(arn_text);
  if (!IsPrintableAscii(arn_text) || !arn || !ArnFitsType(module->type, *arn)) {
    out.error = base::Concat("\"", arn_text, "\" is not the ARN of a resource of type ",
                             module->type_name, " (configuration ", member.key(), ")");
    return out;
  }
  if (!arn->account.empty() && arn->account != scope.account_id) {
    out.error = base::Concat("the resource ", arn_text, " belongs to account ", arn->account,
                             ": an access preview of the analyzer of account ", scope.account_id,
                             " previews only that account's resources");
    return out;
  }
  const resources::Resource* current =
      state.current_resource ? state.current_resource(arn_text) : nullptr;
  if (current != nullptr && current->type != module->type) current = nullptr;
  std::string region;
  if (module->type == resources::ResourceType::kS3Bucket) {
    region = current != nullptr ? current->region : scope.region;
  } else if (module->type != resources::ResourceType::kIamRole) {
    region = std::string(arn->region);
  }
  json::Writer w;
  w.BeginObject()
      .Key("kind")
      .String("resource")
      .Key("resourceArn")
      .String(arn_text)
      .Key("resourceOwnerAccount")
      .String(scope.account_id);
  if (!region.empty()) w.Key("region").String(region);
  w.Key("configuration").BeginObject().Key(member.key());
  WriteMerged(
      w, member,
      current != nullptr ? std::optional<json::Value>(current->configuration) : std::nullopt);
  w.EndObject().EndObject();
  out.inventory = resources::ReadInventory(arn_text, std::move(w).Take());
  if (base::HasErrors(out.inventory.issues) || out.inventory.resources.size() != 1) {
    std::string message = base::Concat("the configuration of ", arn_text, " is invalid");
    for (const base::Issue& issue : out.inventory.issues) {
      if (issue.severity == base::Severity::kError) message += base::Concat(": ", issue.message);
    }
    out.error = std::move(message);
  }
  return out;
}

// The preview findings of one resource: its fresh analysis through the lifecycle against the
// analyzer's current findings of it.
void CompareWithCurrent(std::string_view arn, std::span<const findings::Finding> fresh,
                        const PreviewScope& scope, const PreviewState& state,
                        std::vector<findings::AccessPreviewFinding>& out) {
  std::vector<findings::FindingRecord> current;
  for (const findings::FindingRecord& record : state.existing) {
    if (record.finding.resource == arn) current.push_back(record);
  }
  findings::LifecycleOptions options;
  options.scope = scope.scope;
  options.archive_rules = state.archive_rules;
  findings::LifecycleResult result = findings::ApplyAnalysis(current, fresh, scope.now, options);
  std::map<std::string_view, const findings::FindingRecord*> by_id;
  for (const findings::FindingRecord& record : result.records) by_id[record.id()] = &record;
  std::string preview_scope = base::Concat(scope.scope, "/access-preview/", scope.preview_id);
  for (const findings::FindingChange& change : result.changes) {
    auto it = by_id.find(change.id);
    if (it == by_id.end()) continue;  // deleted: an error gone, or a RESOLVED finding expired
    findings::AccessPreviewFinding preview;
    switch (change.kind) {
      case findings::FindingChangeKind::kCreated:
        preview.change_type = findings::FindingChangeType::kNew;
        break;
      case findings::FindingChangeKind::kUnchanged:
        // A RESOLVED finding whose access is still absent is no access of the proposal.
        if (change.previous_status == findings::FindingStatus::kResolved) continue;
        preview.change_type = findings::FindingChangeType::kUnchanged;
        break;
      case findings::FindingChangeKind::kResolved:
      case findings::FindingChangeKind::kReactivated:
        preview.change_type = findings::FindingChangeType::kChanged;
        break;
      case findings::FindingChangeKind::kDeleted:
        continue;
    }
    if (preview.change_type != findings::FindingChangeType::kNew) {
      preview.existing_finding_id = change.id;
      preview.existing_finding_status = change.previous_status;
    }
    preview.record = *it->second;
    preview.record.finding.id = findings::LifecycleFindingId(preview_scope, preview.record.finding);
    preview.record.created_at = preview.record.analyzed_at = preview.record.updated_at = scope.now;
    out.push_back(std::move(preview));
  }
}

}  // namespace

AccessPreviewResult ComputeAccessPreview(std::span<const ProposedConfiguration> proposed,
                                         const PreviewScope& scope, const PreviewState& state) {
  AccessPreviewResult result;
  auto fail = [&](std::string message) {
    result.status = AccessPreviewStatus::kFailed;
    result.failure = AccessPreviewFailure::kInvalidConfiguration;
    result.message = std::move(message);
    result.findings.clear();
    return result;
  };
  std::vector<findings::AccessPreviewFinding> found;
  for (const ProposedConfiguration& entry : proposed) {
    ReadConfiguration read = ReadProposed(entry, scope, state);
    result.issues.insert(result.issues.end(), read.inventory.issues.begin(),
                         read.inventory.issues.end());
    if (!read.error.empty()) return fail(std::move(read.error));
    const resources::Resource& resource = read.inventory.resources.front();
    resources::ResourceAnalysis analysis =
        resources::AnalyzeResource(resource, state.account, *state.zone);
    result.issues.insert(result.issues.end(), analysis.issues.begin(), analysis.issues.end());
    if (base::HasErrors(analysis.issues)) {
      std::string message =
          base::Concat("the configuration of ", entry.resource_arn, " is invalid");
      for (const base::Issue& issue : analysis.issues) {
        if (issue.severity == base::Severity::kError) message += base::Concat(": ", issue.message);
      }
      return fail(std::move(message));
    }
    CompareWithCurrent(entry.resource_arn, analysis.findings, scope, state, found);
  }
  std::sort(found.begin(), found.end(),
            [](const findings::AccessPreviewFinding& a, const findings::AccessPreviewFinding& b) {
              return std::tie(a.record.finding.resource, a.record.finding.id) <
                     std::tie(b.record.finding.resource, b.record.finding.id);
            });
  result.findings = std::move(found);
  return result;
}

absl::StatusOr<AccessPreviewResult> PreviewForAnalyzer(
    store::Store& store, const store::Analyzer& analyzer, const Environment& environment,
    const ResourceCatalog& catalog, std::span<const ProposedConfiguration> proposed,
    std::string_view preview_id, absl::Time now) {
  std::optional<reasoning::ZoneOfTrust> zone = ZoneOf(analyzer, environment);
  if (!zone) {
    AccessPreviewResult failed;
    failed.status = AccessPreviewStatus::kFailed;
    failed.failure = AccessPreviewFailure::kInternalError;
    failed.message = base::Concat("the analyzer ", analyzer.arn, " has no organization to analyze");
    return failed;
  }
  ASSIGN_OR_RETURN(std::vector<store::ArchiveRuleRecord> rule_records,
                   store.ListArchiveRules(analyzer.arn));
  std::vector<findings::ArchiveRule> rules = ParseArchiveRules(rule_records);
  std::vector<findings::FindingRecord> existing;
  for (const ProposedConfiguration& entry : proposed) {
    ASSIGN_OR_RETURN(std::vector<findings::FindingRecord> records,
                     store.ListFindingsForResource(analyzer.arn, entry.resource_arn));
    existing.insert(existing.end(), std::make_move_iterator(records.begin()),
                    std::make_move_iterator(records.end()));
  }
  PreviewScope scope{analyzer.account_id, analyzer.region, analyzer.arn, std::string(preview_id),
                     now};
  PreviewState state;
  state.zone = &*zone;
  state.current_resource = [&](std::string_view arn) {
    return catalog.FindRecord(arn, analyzer.account_id);
  };
  state.account = catalog.FindAccountSettings(analyzer.account_id);
  state.existing = existing;
  state.archive_rules = rules;
  return ComputeAccessPreview(proposed, scope, state);
}

}  // namespace perimeter::service
