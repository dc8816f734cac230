#include "perimeter/api/access_analyzer_service.h"

#include <algorithm>
#include <cerrno>
#include <map>
#include <set>
#include <variant>

#include "perimeter/analysis/policy_checks.h"
#include "perimeter/api/sigv4/sigv4.h"
#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"
#include "perimeter/findings/archive_rule.h"
#include "perimeter/findings/finding_json.h"
#include "perimeter/findings/lifecycle.h"
#include "perimeter/findings/listing.h"
#include "perimeter/json/writer.h"
#include "perimeter/policy/policy_parser.h"

namespace perimeter::api {

namespace {

constexpr size_t kMaxArchiveRules = 100;  // per analyzer (IAM User Guide, "IAM Access Analyzer quotas")
constexpr size_t kMaxOrganizationAnalyzers = 5;
constexpr size_t kMaxTags = 50;
constexpr int kDefaultUnusedAccessAge = 90;

ApiResponse Ok(std::string body = "{}") {
  return ApiResponse{200, {{"Content-Type", "application/json"}}, std::move(body)};
}

ApiResponse Internal(const absl::Status& status) {
  return RestJsonError(InternalError(base::Concat("Internal error: ", std::string(status.message()))));
}

std::string AnalyzerArn(std::string_view region, std::string_view account, std::string_view name) {
  return base::Concat("arn:aws:access-analyzer:", region, ":", account, ":analyzer/", name);
}

struct ParsedAnalyzerArn {
  std::string region;
  std::string account;
  std::string name;
};

// arn:aws:access-analyzer:REGION:ACCOUNT:analyzer/NAME (the model's AnalyzerArn pattern, with the service
// fixed).
std::optional<ParsedAnalyzerArn> ParseAnalyzerArn(std::string_view arn) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) return std::nullopt;
    parts.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  std::string_view resource = arn.substr(start);
  if (parts[0] != "arn" || parts[2] != "access-analyzer" || !resource.starts_with("analyzer/")) return std::nullopt;
  std::string_view name = resource.substr(9);
  if (name.empty() || name.size() > 255) return std::nullopt;
  return ParsedAnalyzerArn{std::string(parts[3]), std::string(parts[4]), std::string(name)};
}

std::string Timestamp(absl::Time time) { return findings::FormatTimestamp(time); }

void WriteAnalyzer(json::Writer& w, const store::Analyzer& analyzer) {
  w.BeginObject();
  w.Key("arn").String(analyzer.arn);
  w.Key("name").String(analyzer.name);
  w.Key("type").String(store::AnalyzerTypeName(analyzer.type));
  w.Key("createdAt").String(Timestamp(analyzer.created_at));
  if (!analyzer.last_resource_analyzed.empty()) {
    w.Key("lastResourceAnalyzed").String(analyzer.last_resource_analyzed);
  }
  if (analyzer.last_resource_analyzed_at) {
    w.Key("lastResourceAnalyzedAt").String(Timestamp(*analyzer.last_resource_analyzed_at));
  }
  w.Key("tags").StringMap(analyzer.tags);
  w.Key("status").String(store::AnalyzerStatusName(analyzer.status));
  if (analyzer.status_reason) {
    w.Key("statusReason").BeginObject().Key("code").String(store::StatusReasonCodeName(*analyzer.status_reason));
    w.EndObject();
  }
  if (!analyzer.configuration_json.empty()) w.Key("configuration").Raw(analyzer.configuration_json);
  w.EndObject();
}

// Offset pagination for short lists (analyzers, rules, analyzed resources): the token is the offset.
struct Bounds {
  size_t begin = 0;
  size_t end = 0;
  std::optional<std::string> next_token;
};

std::variant<Bounds, AwsError> PageOf(size_t total, const std::optional<std::string>& token,
                                      std::optional<int64_t> max_results) {
  Bounds bounds;
  if (token) {
    char* end = nullptr;
    unsigned long long offset = std::strtoull(token->c_str(), &end, 10);
    if (token->empty() || *end != '\0' || offset > total) {
      return ValidationError("Invalid pagination token", "fieldValidationFailed",
                             {{"nextToken", "Invalid pagination token"}});
    }
    bounds.begin = static_cast<size_t>(offset);
  }
  if (max_results && *max_results < 1) {
    return ValidationError("maxResults must be at least 1", "fieldValidationFailed",
                           {{"maxResults", "Member must have value greater than or equal to 1"}});
  }
  size_t size = max_results ? static_cast<size_t>(std::min<int64_t>(*max_results, 1000)) : 100;
  bounds.end = std::min(total, bounds.begin + size);
  if (bounds.end < total) bounds.next_token = std::to_string(bounds.end);
  return bounds;
}

std::optional<int64_t> QueryInt(const RestRequest& request, std::string_view name, RequestReader& reader) {
  std::optional<std::string> text = request.Query(name);
  if (!text) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  long long value = std::strtoll(text->c_str(), &end, 10);
  if (text->empty() || *end != '\0') {
    reader.Violation(name, "Member must be an integer");
    return std::nullopt;
  }
  // The model's Integer is 32 bits: a larger number is malformed, not clamped.
  if (errno == ERANGE || value < INT32_MIN || value > INT32_MAX) {
    reader.Violation(name, "Member must be a 32-bit integer");
    return std::nullopt;
  }
  return value;
}

// Validates the AnalyzerConfiguration union for `type`; returns its JSON (defaulted for unused access),
// or "" when the type takes none.
std::optional<std::string> Configuration(store::AnalyzerType type, std::optional<json::Value> value,
                                         RequestReader& reader) {
  bool unused = type == store::AnalyzerType::kAccountUnusedAccess ||
                type == store::AnalyzerType::kOrganizationUnusedAccess;
  bool internal = type == store::AnalyzerType::kAccountInternalAccess ||
                  type == store::AnalyzerType::kOrganizationInternalAccess;
  if (!value) {
    if (unused) return base::Concat(R"({"unusedAccess":{"unusedAccessAge":)", kDefaultUnusedAccessAge, "}}");
    return std::string();
  }
  if (!value->is_object() || value->size() != 1) {
    reader.Violation("configuration", "Member must have exactly one member set");
    return std::nullopt;
  }
  json::Value member = *value->members().begin();
  if ((member.key() == "unusedAccess" && !unused) || (member.key() == "internalAccess" && !internal) ||
      (member.key() != "unusedAccess" && member.key() != "internalAccess") || !member.is_object()) {
    reader.Violation("configuration",
                     base::Concat("Configuration ", member.key(), " is not supported for analyzer type ",
                                  store::AnalyzerTypeName(type)));
    return std::nullopt;
  }
  if (member.key() == "unusedAccess") {
    if (std::optional<json::Value> age = member.Find("unusedAccessAge")) {
      int days = age->is_number() ? std::atoi(std::string(age->text()).c_str()) : 0;
      if (days < 1 || days > 365) {
        reader.Violation("configuration.unusedAccess.unusedAccessAge", "Member must be between 1 and 365");
        return std::nullopt;
      }
    }
  }
  return std::string(value->source_text());
}

// Checks a tag map against AWS's tag rules (50 tags; keys 1..128, values 0..256 characters).
void CheckTags(const std::vector<std::pair<std::string, std::string>>& tags, RequestReader& reader) {
  if (tags.size() > kMaxTags) reader.Violation("tags", "Member must have at most 50 entries");
  for (const auto& [key, value] : tags) {
    if (key.empty() || key.size() > 128) reader.Violation("tags", "Tag keys must have length between 1 and 128");
    if (value.size() > 256) reader.Violation("tags", "Tag values must have length at most 256");
  }
}

// A policy document of a custom policy check, or the InvalidParameterException (400) that names the
// member, line and column of its first error.
std::variant<policy::Policy, AwsError> ParseCheckedDocument(std::string_view member, const std::string& document,
                                                           policy::PolicyKind kind) {
  policy::PolicyParseOptions options;
  options.kind = kind;
  policy::PolicyParseResult parsed = policy::ParsePolicy(document, options);
  if (parsed.ok()) return std::move(*parsed.policy);
  const base::Issue& issue = *std::find_if(parsed.issues.begin(), parsed.issues.end(), [](const base::Issue& issue) {
    return issue.severity == base::Severity::kError;
  });
  return AwsError{400, "InvalidParameterException",
                  base::Concat(member, ":", base::ToString(issue.position), ": ", issue.message), "", {}, "", ""};
}

// A custom policy check's response: result, message, reasons.
std::string CheckResultJson(const analysis::CheckResult& result) {
  json::Writer w;
  w.BeginObject().Key("result").String(result.pass ? "PASS" : "FAIL").Key("message").String(result.message);
  w.Key("reasons").BeginArray();
  for (const analysis::CheckReason& reason : result.reasons) {
    w.BeginObject().Key("description").String(reason.description);
    if (reason.statement_index) w.Key("statementIndex").Int(static_cast<int64_t>(*reason.statement_index));
    if (reason.statement_id && !reason.statement_id->empty()) w.Key("statementId").String(*reason.statement_id);
    w.EndObject();
  }
  w.EndArray().EndObject();
  return std::move(w).Take();
}

// The policyType member of a custom policy check.
std::optional<analysis::CheckPolicyType> ReadCheckPolicyType(RequestReader& reader) {
  std::optional<std::string> name = reader.String("policyType", true);
  std::optional<analysis::CheckPolicyType> type;
  if (name == "IDENTITY_POLICY") type = analysis::CheckPolicyType::kIdentityPolicy;
  if (name == "RESOURCE_POLICY") type = analysis::CheckPolicyType::kResourcePolicy;
  if (name && !type) reader.Violation("policyType", "Member must satisfy enum value set: [IDENTITY_POLICY, RESOURCE_POLICY]");
  return type;
}

policy::PolicyKind KindOf(analysis::CheckPolicyType type) {
  return type == analysis::CheckPolicyType::kIdentityPolicy ? policy::PolicyKind::kIdentity
                                                            : policy::PolicyKind::kResource;
}

// AccessCheckResourceType (botocore data/accessanalyzer/2019-11-01/service-2.json).
constexpr std::string_view kAccessCheckResourceTypes[] = {
    "AWS::DynamoDB::Table",         "AWS::DynamoDB::Stream",          "AWS::EFS::FileSystem",
    "AWS::OpenSearchService::Domain", "AWS::Kinesis::Stream",         "AWS::Kinesis::StreamConsumer",
    "AWS::KMS::Key",                "AWS::Lambda::Function",          "AWS::S3::Bucket",
    "AWS::S3::AccessPoint",         "AWS::S3Express::DirectoryBucket", "AWS::S3::Glacier",
    "AWS::S3Outposts::Bucket",      "AWS::S3Outposts::AccessPoint",   "AWS::SecretsManager::Secret",
    "AWS::SNS::Topic",              "AWS::SQS::Queue",                "AWS::IAM::AssumeRolePolicyDocument",
    "AWS::S3Tables::TableBucket",   "AWS::ApiGateway::RestApi",       "AWS::CodeArtifact::Domain",
    "AWS::Backup::BackupVault",     "AWS::CloudTrail::Dashboard",     "AWS::CloudTrail::EventDataStore",
    "AWS::S3Tables::Table",         "AWS::S3Express::AccessPoint"};

std::optional<findings::FindingFilter> ReadFilter(RequestReader& reader, findings::FilterUse use, bool required) {
  std::optional<json::Value> value = reader.Member("filter");
  if (!value) {
    if (required) reader.Violation("filter", "Member must not be null");
    return required ? std::nullopt : std::optional<findings::FindingFilter>(findings::FindingFilter());
  }
  std::vector<base::Issue> issues;
  std::optional<findings::FindingFilter> filter = findings::ParseFindingFilter(*value, use, issues);
  reader.AddIssues("filter", issues);
  return filter;
}

}  // namespace

ApiResponse AccessAnalyzerService::Handle(const Caller& caller, const RestRequest& request) {
  const std::string& op = request.operation;
  if (op == "CreateAnalyzer") return CreateAnalyzer(caller, request);
  if (op == "GetAnalyzer") return GetAnalyzer(caller, request);
  if (op == "ListAnalyzers") return ListAnalyzers(caller, request);
  if (op == "DeleteAnalyzer") return DeleteAnalyzer(caller, request);
  if (op == "UpdateAnalyzer") return UpdateAnalyzer(caller, request);
  if (op == "TagResource" || op == "UntagResource" || op == "ListTagsForResource") return Tags(caller, request);
  if (op == "CreateArchiveRule") return CreateOrUpdateArchiveRule(caller, request, true);
  if (op == "UpdateArchiveRule") return CreateOrUpdateArchiveRule(caller, request, false);
  if (op == "GetArchiveRule") return GetArchiveRule(caller, request);
  if (op == "ListArchiveRules") return ListArchiveRules(caller, request);
  if (op == "DeleteArchiveRule") return DeleteArchiveRule(caller, request);
  if (op == "ApplyArchiveRule") return ApplyArchiveRule(caller, request);
  if (op == "ListFindings") return ListFindings(caller, request, false);
  if (op == "ListFindingsV2") return ListFindings(caller, request, true);
  if (op == "GetFinding") return GetFinding(caller, request, false);
  if (op == "GetFindingV2") return GetFinding(caller, request, true);
  if (op == "UpdateFindings") return UpdateFindings(caller, request);
  if (op == "GetFindingsStatistics") return GetFindingsStatistics(caller, request);
  if (op == "ListAnalyzedResources") return ListAnalyzedResources(caller, request);
  if (op == "GetAnalyzedResource") return GetAnalyzedResource(caller, request);
  if (op == "StartResourceScan") return StartResourceScan(caller, request);
  if (op == "CheckNoNewAccess") return CheckNoNewAccess(request);
  if (op == "CheckNoPublicAccess") return CheckNoPublicAccess(request);
  if (op == "CheckAccessNotGranted") return CheckAccessNotGranted(request);
  return RestJsonError(ValidationError(base::Concat("Perimeter does not implement ", op, " yet"), "notSupported"));
}

std::variant<store::Analyzer, AwsError> AccessAnalyzerService::FindByName(const Caller& caller,
                                                                          std::string_view name) {
  absl::StatusOr<std::optional<store::Analyzer>> analyzer =
      store_.GetAnalyzer(AnalyzerArn(caller.region, caller.account_id, name));
  if (!analyzer.ok()) return InternalError(std::string(analyzer.status().message()));
  if (!analyzer->has_value()) {
    return NotFoundError(base::Concat("Analyzer ", name, " not found"), std::string(name),
                         std::string(kAnalyzerResourceType));
  }
  return std::move(**analyzer);
}

std::variant<store::Analyzer, AwsError> AccessAnalyzerService::FindByArn(const Caller& caller, std::string_view field,
                                                                         const std::optional<std::string>& arn) {
  std::optional<ParsedAnalyzerArn> parsed = arn ? ParseAnalyzerArn(*arn) : std::nullopt;
  if (!parsed) {
    std::string message = arn ? "Member must satisfy regular expression pattern: "
                                "[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:analyzer/.{1,255}"
                              : "Member must not be null";
    return ValidationError(base::Concat("1 validation error detected: Value at '", field,
                                        "' failed to satisfy constraint: ", message),
                           "fieldValidationFailed", {{std::string(field), message}});
  }
  if (parsed->account != caller.account_id || parsed->region != caller.region) {
    return NotFoundError(base::Concat("Analyzer ", *arn, " not found"), *arn, std::string(kAnalyzerResourceType));
  }
  return FindByName(caller, parsed->name);
}

namespace {

std::string TokenScope(const Caller& caller, std::string_view operation, std::string_view token) {
  return base::Concat(caller.account_id, "/", caller.region, "/", operation, "/", token);
}

// What makes two requests "the same" for a client token: the operation, the path labels, the query and
// the body's top-level members, without the token itself and independent of member order.
std::string RequestFingerprint(const RestRequest& request) {
  std::string text = base::Concat(request.operation, "\n");
  for (const auto& [name, value] : request.labels) text.append(base::Concat(name, "=", value, "\n"));
  std::vector<std::pair<std::string, std::string>> query;
  for (const auto& entry : request.query) {
    if (entry.first != "clientToken") query.push_back(entry);
  }
  std::sort(query.begin(), query.end());
  for (const auto& [name, value] : query) text.append(base::Concat("?", name, "=", value, "\n"));
  json::ParseResult body = json::Parse(request.body.empty() ? std::string("{}") : request.body);
  if (body.ok() && body.document.root().is_object()) {
    std::vector<std::pair<std::string_view, std::string_view>> members;
    for (json::Value member : body.document.root().members()) {
      if (member.key() != "clientToken") members.emplace_back(member.key(), member.source_text());
    }
    std::sort(members.begin(), members.end());
    for (const auto& [name, value] : members) text.append(base::Concat(name, ":", value, "\n"));
  } else {
    text.append(request.body);
  }
  return sigv4::HexSha256(text);
}

}  // namespace

AccessAnalyzerService::TokenOutcome AccessAnalyzerService::SeenToken(const Caller& caller, const RestRequest& request,
                                                                     const std::optional<std::string>& token) {
  if (!token || token->empty()) return std::monostate();
  absl::StatusOr<std::optional<std::string>> seen = store_.GetClientToken(TokenScope(caller, request.operation, *token));
  if (!seen.ok() || !seen->has_value()) return std::monostate();
  // Remembered as "FINGERPRINT RESULT"; a token stored without a fingerprint matches any request.
  std::string_view remembered = **seen;
  size_t space = remembered.find(' ');
  if (space == 64) {
    if (remembered.substr(0, space) != RequestFingerprint(request)) {
      return ConflictError(
          base::Concat("Client token ", *token, " was already used for a different ", request.operation, " request"),
          *token, "ClientToken");
    }
    remembered.remove_prefix(space + 1);
  }
  return std::string(remembered);
}

void AccessAnalyzerService::RememberToken(const Caller& caller, const RestRequest& request,
                                          const std::optional<std::string>& token, std::string_view result) {
  if (!token || token->empty()) return;
  // Best effort: losing a token only makes a retry act like a new request, which AWS's own expiry does too.
  (void)store_.PutClientToken(TokenScope(caller, request.operation, *token),
                              base::Concat(RequestFingerprint(request), " ", result));
}

namespace {

// Why an organization-zone analyzer of `account` cannot run now; nullopt when it can.
struct OrganizationBlock {
  store::StatusReasonCode reason;
  AwsError error;  // what CreateAnalyzer answers
};

std::optional<OrganizationBlock> OrganizationBlocker(std::string_view account, const service::Environment& environment,
                                                     store::Store& store) {
  if (!environment.organization || !environment.IsMember(account)) {
    return OrganizationBlock{store::StatusReasonCode::kOrganizationDeleted,
                             ValidationError("Your account is not a member of an organization.", "other")};
  }
  absl::StatusOr<std::vector<store::ServiceAccess>> access = store.ListServiceAccess();
  bool enabled = false;
  if (access.ok()) {
    for (const store::ServiceAccess& entry : *access) {
      if (entry.service_principal == service::kAccessAnalyzerPrincipal) enabled = true;
    }
  }
  bool administrator = environment.organization->management_account == account;
  absl::StatusOr<std::vector<store::DelegatedAdministrator>> administrators = store.ListDelegatedAdministrators();
  if (administrators.ok()) {
    for (const store::DelegatedAdministrator& entry : *administrators) {
      if (entry.account_id == account && entry.service_principal == service::kAccessAnalyzerPrincipal) administrator = true;
    }
  }
  if (!administrator) {
    return OrganizationBlock{store::StatusReasonCode::kDelegatedAdministratorDeregistered,
                             AccessDeniedError(base::Concat("Account ", account, " is not a delegated administrator"))};
  }
  if (!enabled) {
    return OrganizationBlock{store::StatusReasonCode::kAwsServiceAccessDisabled,
                             ValidationError("Service not enabled for AWS Organizations")};
  }
  return std::nullopt;
}

}  // namespace

namespace {

// The findings of an organization analyzer whose account was deregistered as delegated administrator
// are not accessible until it is registered again (IAM User Guide, "Settings for IAM Access Analyzer":
// the former administrator "loses permission to all analyzers that were created using that account to
// analyze access across the organization. These analyzers move to a disabled state and no longer
// generate new or update existing findings. The existing findings for these analyzers are also no
// longer accessible"). The analyzer itself stays visible (GetAnalyzer shows DISABLED and the reason)
// and can be deleted. AccessDeniedException, AWS's error for a caller without permission.
std::optional<AwsError> FindingsBlocked(const store::Analyzer& analyzer) {
  if (!store::IsOrganizationType(analyzer.type) || analyzer.status != store::AnalyzerStatus::kDisabled ||
      analyzer.status_reason != store::StatusReasonCode::kDelegatedAdministratorDeregistered) {
    return std::nullopt;
  }
  return AccessDeniedError(base::Concat("Account ", analyzer.account_id,
                                        " is not a delegated administrator for ", service::kAccessAnalyzerPrincipal,
                                        ": the findings of analyzer ", analyzer.arn, " are not accessible"));
}

}  // namespace

ApiResponse AccessAnalyzerService::CreateAnalyzer(const Caller& caller, const RestRequest& request) {
  RequestReader reader(request.body);
  std::optional<std::string> name = reader.String("analyzerName", true);
  std::optional<std::string> type_name = reader.String("type", true);
  std::optional<std::string> token = reader.String("clientToken");
  std::optional<std::vector<std::pair<std::string, std::string>>> tags = reader.StringMap("tags");
  if (name && !MatchesAnalyzerName(*name)) {
    reader.Violation("analyzerName", "Member must satisfy regular expression pattern: [A-Za-z_][A-Za-z0-9_.-]*");
  }
  std::optional<store::AnalyzerType> type = type_name ? store::ParseAnalyzerType(*type_name) : std::nullopt;
  if (type_name && !type) {
    reader.Violation("type",
                     "Member must satisfy enum value set: [ACCOUNT, ORGANIZATION, ACCOUNT_UNUSED_ACCESS, "
                     "ORGANIZATION_UNUSED_ACCESS, ACCOUNT_INTERNAL_ACCESS, ORGANIZATION_INTERNAL_ACCESS]");
  }
  if (tags) CheckTags(*tags, reader);
  std::optional<std::string> configuration;
  if (type) configuration = Configuration(*type, reader.Member("configuration"), reader);
  // Inline archive rules.
  struct InlineRule {
    std::string name;
    std::string filter_json;
  };
  std::vector<InlineRule> rules;
  if (std::optional<json::Value> list = reader.Member("archiveRules")) {
    if (!list->is_array()) {
      reader.Violation("archiveRules", "Member must be a list");
    } else {
      for (json::Value rule : list->children()) {
        std::optional<json::Value> rule_name = rule.is_object() ? rule.Find("ruleName") : std::nullopt;
        std::optional<json::Value> filter = rule.is_object() ? rule.Find("filter") : std::nullopt;
        if (!rule_name || !rule_name->is_string() || !MatchesRuleName(rule_name->text())) {
          reader.Violation("archiveRules.member.ruleName",
                           "Member must satisfy regular expression pattern: [A-Za-z][A-Za-z0-9_.-]*");
          continue;
        }
        if (!filter) {
          reader.Violation("archiveRules.member.filter", "Member must not be null");
          continue;
        }
        std::vector<base::Issue> issues;
        findings::ParseFindingFilter(*filter, findings::FilterUse::kArchiveRule, issues);
        reader.AddIssues("archiveRules.member.filter", issues);
        rules.push_back(InlineRule{std::string(rule_name->text()), std::string(filter->source_text())});
      }
      if (rules.size() > kMaxArchiveRules) reader.Violation("archiveRules", "Member must have at most 100 entries");
    }
  }
  if (!reader.ok()) return RestJsonError(reader.error());

  std::lock_guard lock(write_mutex_);
  TokenOutcome seen_token = SeenToken(caller, request, token);
  if (auto* conflict = std::get_if<AwsError>(&seen_token)) return RestJsonError(*conflict);
  if (auto* seen = std::get_if<std::string>(&seen_token)) {
    absl::StatusOr<std::optional<store::Analyzer>> existing = store_.GetAnalyzer(*seen);
    if (existing.ok() && existing->has_value()) {
      json::Writer w;
      w.BeginObject().Key("arn").String(*seen).EndObject();
      return Ok(std::move(w).Take());
    }
  }
  std::string arn = AnalyzerArn(caller.region, caller.account_id, *name);
  absl::StatusOr<std::vector<store::Analyzer>> all = store_.ListAnalyzers();
  if (!all.ok()) return Internal(all.status());
  std::shared_ptr<const service::Environment> environment = environment_();
  size_t same_type = 0;
  for (const store::Analyzer& analyzer : *all) {
    if (analyzer.arn == arn) {
      return RestJsonError(ConflictError(base::Concat("Analyzer ", *name, " already exists"), *name,
                                         std::string(kAnalyzerResourceType)));
    }
    if (analyzer.type != *type || analyzer.region != caller.region) continue;
    if (store::IsOrganizationType(*type)) {
      if (environment->IsMember(analyzer.account_id)) ++same_type;
    } else if (analyzer.account_id == caller.account_id) {
      ++same_type;
    }
  }
  store::Analyzer analyzer;
  analyzer.arn = arn;
  analyzer.account_id = caller.account_id;
  analyzer.region = caller.region;
  analyzer.name = *name;
  analyzer.type = *type;
  analyzer.created_at = absl::FromUnixMillis(clock_.Now());
  analyzer.configuration_json = *configuration;
  if (tags) analyzer.tags = std::map<std::string, std::string>(tags->begin(), tags->end());
  if (store::IsOrganizationType(*type)) {
    if (std::optional<OrganizationBlock> block = OrganizationBlocker(caller.account_id, *environment, store_)) {
      return RestJsonError(block->error);
    }
  }
  size_t quota = store::IsOrganizationType(*type) ? kMaxOrganizationAnalyzers : 1;
  if (same_type >= quota) {
    return RestJsonError(QuotaExceededError(
        base::Concat("You have reached the quota of ", quota, " analyzer", quota == 1 ? "" : "s", " of type ",
                     store::AnalyzerTypeName(*type), " in ", caller.region),
        *name, std::string(kAnalyzerResourceType)));
  }
  if (absl::Status status = store_.PutAnalyzer(analyzer); !status.ok()) return Internal(status);
  for (const InlineRule& rule : rules) {
    store::ArchiveRuleRecord record{arn, rule.name, rule.filter_json, analyzer.created_at, analyzer.created_at};
    if (absl::Status status = store_.PutArchiveRule(record); !status.ok()) return Internal(status);
  }
  RememberToken(caller, request, token, arn);
  schedule_(service::ScanJob{arn, std::nullopt});
  json::Writer w;
  w.BeginObject().Key("arn").String(arn).EndObject();
  return Ok(std::move(w).Take());
}

ApiResponse AccessAnalyzerService::GetAnalyzer(const Caller& caller, const RestRequest& request) {
  auto analyzer = FindByName(caller, request.labels.at("analyzerName"));
  if (auto* error = std::get_if<AwsError>(&analyzer)) return RestJsonError(*error);
  json::Writer w;
  w.BeginObject().Key("analyzer");
  WriteAnalyzer(w, std::get<store::Analyzer>(analyzer));
  w.EndObject();
  return Ok(std::move(w).Take());
}

ApiResponse AccessAnalyzerService::ListAnalyzers(const Caller& caller, const RestRequest& request) {
  RequestReader reader("");
  std::optional<int64_t> max_results = QueryInt(request, "maxResults", reader);
  std::optional<std::string> type_name = request.Query("type");
  std::optional<store::AnalyzerType> type = type_name ? store::ParseAnalyzerType(*type_name) : std::nullopt;
  if (type_name && !type) reader.Violation("type", "Member must satisfy enum value set");
  if (!reader.ok()) return RestJsonError(reader.error());
  absl::StatusOr<std::vector<store::Analyzer>> all = store_.ListAnalyzers();
  if (!all.ok()) return Internal(all.status());
  std::vector<const store::Analyzer*> mine;
  for (const store::Analyzer& analyzer : *all) {
    if (analyzer.account_id != caller.account_id || analyzer.region != caller.region) continue;
    if (type && analyzer.type != *type) continue;
    mine.push_back(&analyzer);
  }
  auto page = PageOf(mine.size(), request.Query("nextToken"), max_results);
  if (auto* error = std::get_if<AwsError>(&page)) return RestJsonError(*error);
  const Bounds& bounds = std::get<Bounds>(page);
  json::Writer w;
  w.BeginObject().Key("analyzers").BeginArray();
  for (size_t i = bounds.begin; i < bounds.end; ++i) WriteAnalyzer(w, *mine[i]);
  w.EndArray();
  if (bounds.next_token) w.Key("nextToken").String(*bounds.next_token);
  w.EndObject();
  return Ok(std::move(w).Take());
}

ApiResponse AccessAnalyzerService::DeleteAnalyzer(const Caller& caller, const RestRequest& request) {
  std::lock_guard lock(write_mutex_);
  std::optional<std::string> token = request.Query("clientToken");
  TokenOutcome seen_token = SeenToken(caller, request, token);
  if (auto* conflict = std::get_if<AwsError>(&seen_token)) return RestJsonError(*conflict);
  if (std::holds_alternative<std::string>(seen_token)) return Ok();
  auto analyzer = FindByName(caller, request.labels.at("analyzerName"));
  if (auto* error = std::get_if<AwsError>(&analyzer)) return RestJsonError(*error);
  if (absl::Status status = store_.DeleteAnalyzer(std::get<store::Analyzer>(analyzer).arn); !status.ok()) {
    return Internal(status);
  }
  RememberToken(caller, request, token, "");
  return Ok();
}

ApiResponse AccessAnalyzerService::UpdateAnalyzer(const Caller& caller, const RestRequest& request) {
  std::lock_guard lock(write_mutex_);
  auto found = FindByName(caller, request.labels.at("analyzerName"));
  if (auto* error = std::get_if<AwsError>(&found)) return RestJsonError(*error);
  store::Analyzer analyzer = std::get<store::Analyzer>(found);
  RequestReader reader(request.body);
  std::optional<json::Value> value = reader.Member("configuration");
  std::optional<std::string> configuration;
  if (store::IsExternalAccessType(analyzer.type)) {
    if (value) reader.Violation("configuration", "Analyzers of this type have no configuration to update");
  } else {
    configuration = Configuration(analyzer.type, value, reader);
  }
  if (!reader.ok()) return RestJsonError(reader.error());
  if (configuration && value) {
    analyzer.configuration_json = *configuration;
    // Only the configuration: fields the analysis writes meanwhile stay as it wrote them.
    absl::StatusOr<bool> written = store_.ModifyAnalyzer(analyzer.arn, [&](store::Analyzer& current) {
      current.configuration_json = *configuration;
      return true;
    });
    if (!written.ok()) return Internal(written.status());
  }
  json::Writer w;
  w.BeginObject();
  if (!analyzer.configuration_json.empty()) w.Key("configuration").Raw(analyzer.configuration_json);
  w.EndObject();
  return Ok(std::move(w).Take());
}

ApiResponse AccessAnalyzerService::Tags(const Caller& caller, const RestRequest& request) {
  std::lock_guard lock(write_mutex_);
  const std::string& arn = request.labels.at("resourceArn");
  std::optional<ParsedAnalyzerArn> parsed = ParseAnalyzerArn(arn);
  if (!parsed || parsed->account != caller.account_id || parsed->region != caller.region) {
    return RestJsonError(NotFoundError(base::Concat("Resource ", arn, " not found"), arn,
                                       std::string(kAnalyzerResourceType)));
  }
  auto found = FindByName(caller, parsed->name);
  if (auto* error = std::get_if<AwsError>(&found)) return RestJsonError(*error);
  store::Analyzer analyzer = std::get<store::Analyzer>(found);
  if (request.operation == "ListTagsForResource") {
    json::Writer w;
    w.BeginObject().Key("tags").StringMap(analyzer.tags).EndObject();
    return Ok(std::move(w).Take());
  }
  RequestReader reader(request.body);
  // The tags are changed on the analyzer as stored at the write (store::Store::ModifyAnalyzer), not on
  // the copy read above: a concurrent write to its other fields is kept.
  absl::StatusOr<bool> written;
  if (request.operation == "TagResource") {
    std::optional<std::vector<std::pair<std::string, std::string>>> tags = reader.StringMap("tags", true);
    if (!reader.ok()) return RestJsonError(reader.error());
    written = store_.ModifyAnalyzer(analyzer.arn, [&](store::Analyzer& current) {
      std::map<std::string, std::string> merged = current.tags;
      for (const auto& [key, value] : *tags) merged[key] = value;
      CheckTags(std::vector<std::pair<std::string, std::string>>(merged.begin(), merged.end()), reader);
      if (!reader.ok()) return false;
      current.tags = std::move(merged);
      return true;
    });
    if (!reader.ok()) return RestJsonError(reader.error());
  } else {
    std::vector<std::string> keys = request.QueryAll("tagKeys");
    if (keys.empty()) {
      reader.Violation("tagKeys", "Member must not be null");
      return RestJsonError(reader.error());
    }
    written = store_.ModifyAnalyzer(analyzer.arn, [&](store::Analyzer& current) {
      for (const std::string& key : keys) current.tags.erase(key);
      return true;
    });
  }
  if (!written.ok()) return Internal(written.status());
  return Ok();
}

ApiResponse AccessAnalyzerService::CreateOrUpdateArchiveRule(const Caller& caller, const RestRequest& request,
                                                             bool create) {
  std::lock_guard lock(write_mutex_);
  auto found = FindByName(caller, request.labels.at("analyzerName"));
  if (auto* error = std::get_if<AwsError>(&found)) return RestJsonError(*error);
  const store::Analyzer& analyzer = std::get<store::Analyzer>(found);
  RequestReader reader(request.body);
  std::optional<std::string> rule_name =
      create ? reader.String("ruleName", true) : std::optional<std::string>(request.labels.at("ruleName"));
  std::optional<std::string> token = reader.String("clientToken");
  if (rule_name && !MatchesRuleName(*rule_name)) {
    reader.Violation("ruleName", "Member must satisfy regular expression pattern: [A-Za-z][A-Za-z0-9_.-]*");
  }
  std::optional<findings::FindingFilter> filter = ReadFilter(reader, findings::FilterUse::kArchiveRule, true);
  if (!reader.ok()) return RestJsonError(reader.error());
  TokenOutcome seen_token = SeenToken(caller, request, token);
  if (auto* conflict = std::get_if<AwsError>(&seen_token)) return RestJsonError(*conflict);
  if (std::holds_alternative<std::string>(seen_token)) return Ok();
  absl::StatusOr<std::vector<store::ArchiveRuleRecord>> rules = store_.ListArchiveRules(analyzer.arn);
  if (!rules.ok()) return Internal(rules.status());
  const store::ArchiveRuleRecord* existing = nullptr;
  for (const store::ArchiveRuleRecord& rule : *rules) {
    if (rule.rule_name == *rule_name) existing = &rule;
  }
  absl::Time now = absl::FromUnixMillis(clock_.Now());
  store::ArchiveRuleRecord record{analyzer.arn, *rule_name, std::string(reader.Member("filter")->source_text()), now,
                                  now};
  if (create) {
    if (existing != nullptr) {
      return RestJsonError(ConflictError(base::Concat("Archive rule ", *rule_name, " already exists"), *rule_name,
                                         std::string(kArchiveRuleResourceType)));
    }
    if (rules->size() >= kMaxArchiveRules) {
      return RestJsonError(QuotaExceededError("You have reached the quota of 100 archive rules for this analyzer",
                                              *rule_name, std::string(kArchiveRuleResourceType)));
    }
  } else {
    if (existing == nullptr) {
      return RestJsonError(NotFoundError(base::Concat("Archive rule ", *rule_name, " not found"), *rule_name,
                                         std::string(kArchiveRuleResourceType)));
    }
    record.created_at = existing->created_at;
  }
  if (absl::Status status = store_.PutArchiveRule(record); !status.ok()) return Internal(status);
  RememberToken(caller, request, token, "");
  return Ok();
}

namespace {

void WriteArchiveRule(json::Writer& w, const store::ArchiveRuleRecord& rule) {
  w.BeginObject().Key("ruleName").String(rule.rule_name).Key("filter");
  json::ParseResult parsed = json::Parse(rule.filter_json);
  std::vector<base::Issue> issues;
  std::optional<findings::FindingFilter> filter =
      parsed.ok() ? findings::ParseFindingFilter(parsed.document.root(), findings::FilterUse::kArchiveRule, issues)
                  : std::nullopt;
  w.Raw(filter ? findings::FilterToJson(*filter) : std::string("{}"));
  w.Key("createdAt").String(Timestamp(rule.created_at));
  w.Key("updatedAt").String(Timestamp(rule.updated_at));
  w.EndObject();
}

}  // namespace

ApiResponse AccessAnalyzerService::GetArchiveRule(const Caller& caller, const RestRequest& request) {
  auto found = FindByName(caller, request.labels.at("analyzerName"));
  if (auto* error = std::get_if<AwsError>(&found)) return RestJsonError(*error);
  const std::string& rule_name = request.labels.at("ruleName");
  absl::StatusOr<std::optional<store::ArchiveRuleRecord>> rule =
      store_.GetArchiveRule(std::get<store::Analyzer>(found).arn, rule_name);
  if (!rule.ok()) return Internal(rule.status());
  if (!rule->has_value()) {
    return RestJsonError(NotFoundError(base::Concat("Archive rule ", rule_name, " not found"), rule_name,
                                       std::string(kArchiveRuleResourceType)));
  }
  json::Writer w;
  w.BeginObject().Key("archiveRule");
  WriteArchiveRule(w, **rule);
  w.EndObject();
  return Ok(std::move(w).Take());
}

ApiResponse AccessAnalyzerService::ListArchiveRules(const Caller& caller, const RestRequest& request) {
  auto found = FindByName(caller, request.labels.at("analyzerName"));
  if (auto* error = std::get_if<AwsError>(&found)) return RestJsonError(*error);
  RequestReader reader("");
  std::optional<int64_t> max_results = QueryInt(request, "maxResults", reader);
  if (!reader.ok()) return RestJsonError(reader.error());
  absl::StatusOr<std::vector<store::ArchiveRuleRecord>> rules =
      store_.ListArchiveRules(std::get<store::Analyzer>(found).arn);
  if (!rules.ok()) return Internal(rules.status());
  auto page = PageOf(rules->size(), request.Query("nextToken"), max_results);
  if (auto* error = std::get_if<AwsError>(&page)) return RestJsonError(*error);
  const Bounds& bounds = std::get<Bounds>(page);
  json::Writer w;
  w.BeginObject().Key("archiveRules").BeginArray();
  for (size_t i = bounds.begin; i < bounds.end; ++i) WriteArchiveRule(w, (*rules)[i]);
  w.EndArray();
  if (bounds.next_token) w.Key("nextToken").String(*bounds.next_token);
  w.EndObject();
  return Ok(std::move(w).Take());
}

ApiResponse AccessAnalyzerService::DeleteArchiveRule(const Caller& caller, const RestRequest& request) {
  std::lock_guard lock(write_mutex_);
  std::optional<std::string> token = request.Query("clientToken");
  TokenOutcome seen_token = SeenToken(caller, request, token);
  if (auto* conflict = std::get_if<AwsError>(&seen_token)) return RestJsonError(*conflict);
  if (std::holds_alternative<std::string>(seen_token)) return Ok();
  auto found = FindByName(caller, request.labels.at("analyzerName"));
  if (auto* error = std::get_if<AwsError>(&found)) return RestJsonError(*error);
  const std::string& arn = std::get<store::Analyzer>(found).arn;
  const std::string& rule_name = request.labels.at("ruleName");
  absl::StatusOr<std::optional<store::ArchiveRuleRecord>> rule = store_.GetArchiveRule(arn, rule_name);
  if (!rule.ok()) return Internal(rule.status());
  if (!rule->has_value()) {
    return RestJsonError(NotFoundError(base::Concat("Archive rule ", rule_name, " not found"), rule_name,
                                       std::string(kArchiveRuleResourceType)));
  }
  if (absl::Status status = store_.DeleteArchiveRule(arn, rule_name); !status.ok()) return Internal(status);
  RememberToken(caller, request, token, "");
  return Ok();
}

ApiResponse AccessAnalyzerService::ApplyArchiveRule(const Caller& caller, const RestRequest& request) {
  std::lock_guard lock(write_mutex_);
  RequestReader reader(request.body);
  std::optional<std::string> analyzer_arn = reader.String("analyzerArn", true);
  std::optional<std::string> rule_name = reader.String("ruleName", true);
  std::optional<std::string> token = reader.String("clientToken");
  if (!reader.ok()) return RestJsonError(reader.error());
  TokenOutcome seen_token = SeenToken(caller, request, token);
  if (auto* conflict = std::get_if<AwsError>(&seen_token)) return RestJsonError(*conflict);
  if (std::holds_alternative<std::string>(seen_token)) return Ok();
  auto found = FindByArn(caller, "analyzerArn", analyzer_arn);
  if (auto* error = std::get_if<AwsError>(&found)) return RestJsonError(*error);
  if (std::optional<AwsError> blocked = FindingsBlocked(std::get<store::Analyzer>(found))) {
    return RestJsonError(*blocked);
  }
  const std::string& arn = std::get<store::Analyzer>(found).arn;
  // The rule and the findings are read in the transaction that archives them (store::ModifyFindings):
  // a finding the analysis changes meanwhile is archived as it now stands, not reverted.
  std::optional<AwsError> refusal;
  absl::Time now = absl::FromUnixMillis(clock_.Now());
  auto decide = [&](const store::FindingsSnapshot& snapshot) -> absl::StatusOr<std::optional<store::FindingChanges>> {
    if ((refusal = FindingsBlocked(snapshot.analyzer))) return std::nullopt;  // deregistered meanwhile
    const store::ArchiveRuleRecord* rule = nullptr;
    for (const store::ArchiveRuleRecord& entry : snapshot.archive_rules) {
      if (entry.rule_name == *rule_name) rule = &entry;
    }
    if (rule == nullptr) {
      refusal = NotFoundError(base::Concat("Archive rule ", *rule_name, " not found"), *rule_name,
                              std::string(kArchiveRuleResourceType));
      return std::nullopt;
    }
    json::ParseResult parsed = json::Parse(rule->filter_json);
    std::vector<base::Issue> issues;
    std::optional<findings::FindingFilter> filter =
        parsed.ok() ? findings::ParseFindingFilter(parsed.document.root(), findings::FilterUse::kArchiveRule, issues)
                    : std::nullopt;
    if (!filter) return absl::InternalError("stored archive rule does not parse");
    std::vector<findings::FindingRecord> records = snapshot.findings;
    std::vector<std::string> archived =
        findings::ApplyArchiveRuleToRecords(findings::ArchiveRule{*rule_name, std::move(*filter)}, records, now);
    std::set<std::string> changed(archived.begin(), archived.end());
    store::FindingChanges changes;
    for (findings::FindingRecord& record : records) {
      if (changed.contains(record.id())) changes.records.push_back(std::move(record));
    }
    return changes;
  };
  absl::StatusOr<bool> written = store_.ModifyFindings(arn, store::FindingSelection{}, decide);
  if (!written.ok()) return Internal(written.status());
  if (refusal) return RestJsonError(*refusal);
  if (!*written) {  // deleted since FindByArn
    return RestJsonError(NotFoundError(base::Concat("Analyzer ", arn, " not found"), arn,
                                       std::string(kAnalyzerResourceType)));
  }
  RememberToken(caller, request, token, "");
  return Ok();
}

ApiResponse AccessAnalyzerService::ListFindings(const Caller& caller, const RestRequest& request, bool v2) {
  RequestReader reader(request.body);
  std::optional<std::string> analyzer_arn = reader.String("analyzerArn", true);
  std::optional<std::string> next_token = reader.String("nextToken");
  std::optional<int64_t> max_results = reader.Int("maxResults");
  std::optional<findings::FindingFilter> filter = ReadFilter(reader, findings::FilterUse::kListFindings, false);
  findings::FindingSort sort;
  if (std::optional<json::Value> value = reader.Member("sort")) {
    std::vector<base::Issue> issues;
    std::optional<findings::FindingSort> parsed = findings::ParseFindingSort(*value, issues);
    reader.AddIssues("sort", issues);
    if (parsed) sort = *parsed;
  }
  if (!reader.ok()) return RestJsonError(reader.error());
  auto found = FindByArn(caller, "analyzerArn", analyzer_arn);
  if (auto* error = std::get_if<AwsError>(&found)) return RestJsonError(*error);
  if (std::optional<AwsError> blocked = FindingsBlocked(std::get<store::Analyzer>(found))) {
    return RestJsonError(*blocked);
  }
  // Keyset pagination in the store (store::FindingPageQuery): the same pages as findings::Paginate over
  // the sorted, filtered listing, without loading the analyzer's other findings.
  store::FindingPageQuery query;
  query.sort = sort;
  if (max_results && *max_results < 1) {
    return RestJsonError(ValidationError("maxResults must be at least 1", "fieldValidationFailed",
                                         {{"maxResults", "maxResults must be at least 1"}}));
  }
  query.limit = static_cast<size_t>(std::min<int64_t>(max_results.value_or(findings::kDefaultMaxResults),
                                                      findings::kMaxMaxResults));
  if (next_token) {
    absl::StatusOr<findings::PageToken> token = findings::DecodePageToken(*next_token);
    std::string message;
    if (!token.ok()) {
      message = std::string(token.status().message());
    } else if (token->sort.attribute != sort.attribute || token->sort.order != sort.order) {
      message = "nextToken was issued for another sort";
    }
    if (!message.empty()) {
      return RestJsonError(ValidationError(message, "fieldValidationFailed", {{"nextToken", message}}));
    }
    query.after = std::move(*token);
  }
  if (!filter->empty()) query.filter = &*filter;
  absl::StatusOr<store::FindingPage> page = store_.ListFindingsPage(std::get<store::Analyzer>(found).arn, query);
  if (!page.ok()) return Internal(page.status());
  std::optional<std::string> token;
  if (page->more) {
    const findings::FindingRecord& last = page->entries.back()->summary;
    token = findings::EncodePageToken(findings::PageToken{sort, findings::SortValue(last, sort.attribute), last.id()});
  }
  // The store keeps each finding's JSON: a ListFindings page is its texts joined; ListFindingsV2 needs
  // only the summaries.
  if (v2) {
    std::vector<findings::FindingRecord> summaries;
    summaries.reserve(page->entries.size());
    for (const auto& entry : page->entries) summaries.push_back(entry->summary);
    return Ok(findings::ListFindingsV2ResponseJson(summaries, token));
  }
  std::vector<std::string_view> objects;
  objects.reserve(page->entries.size());
  for (const auto& entry : page->entries) objects.push_back(entry->finding_json);
  return Ok(findings::ListFindingsResponseJsonFromObjects(objects, token));
}

ApiResponse AccessAnalyzerService::GetFinding(const Caller& caller, const RestRequest& request, bool v2) {
  auto found = FindByArn(caller, "analyzerArn", request.Query("analyzerArn"));
  if (auto* error = std::get_if<AwsError>(&found)) return RestJsonError(*error);
  if (std::optional<AwsError> blocked = FindingsBlocked(std::get<store::Analyzer>(found))) {
    return RestJsonError(*blocked);
  }
  const std::string& id = request.labels.at("id");
  auto not_found = [&id] {
    return RestJsonError(
        NotFoundError(base::Concat("Finding ", id, " not found"), id, std::string(kFindingResourceType)));
  };
  if (!v2) {
    // GetFinding's `finding` is what the store keeps for listings.
    absl::StatusOr<std::shared_ptr<const store::ListedFinding>> listed =
        store_.GetListedFinding(std::get<store::Analyzer>(found).arn, id);
    if (!listed.ok()) return Internal(listed.status());
    if (*listed == nullptr) return not_found();
    return Ok(findings::GetFindingResponseJsonFromObject((*listed)->finding_json));
  }
  absl::StatusOr<std::optional<findings::FindingRecord>> record =
      store_.GetFinding(std::get<store::Analyzer>(found).arn, id);
  if (!record.ok()) return Internal(record.status());
  if (!record->has_value()) return not_found();
  return Ok(findings::GetFindingV2ResponseJson(**record));
}

ApiResponse AccessAnalyzerService::UpdateFindings(const Caller& caller, const RestRequest& request) {
  std::lock_guard lock(write_mutex_);
  RequestReader reader(request.body);
  std::optional<std::string> analyzer_arn = reader.String("analyzerArn", true);
  std::optional<std::string> status_name = reader.String("status", true);
  std::optional<std::vector<std::string>> ids = reader.Strings("ids");
  std::optional<std::string> resource_arn = reader.String("resourceArn");
  std::optional<std::string> token = reader.String("clientToken");
  std::optional<findings::FindingStatus> status =
      status_name ? findings::ParseFindingStatus(*status_name) : std::nullopt;
  if (status_name && (!status || *status == findings::FindingStatus::kResolved)) {
    reader.Violation("status", "Member must satisfy enum value set: [ACTIVE, ARCHIVED]");
  }
  if (reader.ok() && !ids && !resource_arn) {
    reader.Violation("ids", "Either ids or resourceArn must be specified");
  }
  if (ids && resource_arn) reader.Violation("resourceArn", "Specify either ids or resourceArn, not both");
  if (!reader.ok()) return RestJsonError(reader.error());
  TokenOutcome seen_token = SeenToken(caller, request, token);
  if (auto* conflict = std::get_if<AwsError>(&seen_token)) return RestJsonError(*conflict);
  if (std::holds_alternative<std::string>(seen_token)) return Ok();
  auto found = FindByArn(caller, "analyzerArn", analyzer_arn);
  if (auto* error = std::get_if<AwsError>(&found)) return RestJsonError(*error);
  if (std::optional<AwsError> blocked = FindingsBlocked(std::get<store::Analyzer>(found))) {
    return RestJsonError(*blocked);
  }
  const std::string& arn = std::get<store::Analyzer>(found).arn;
  // Read, checked and written in one transaction (store::ModifyFindings): the analysis cannot write an
  // older copy of these findings between the read and the write, nor revert this change after it.
  std::optional<AwsError> refusal;
  absl::Time now = absl::FromUnixMillis(clock_.Now());
  auto decide = [&](const store::FindingsSnapshot& snapshot) -> absl::StatusOr<std::optional<store::FindingChanges>> {
    if ((refusal = FindingsBlocked(snapshot.analyzer))) return std::nullopt;  // deregistered meanwhile
    std::vector<findings::FindingRecord> targets;
    if (ids) {
      for (const std::string& id : *ids) {
        auto it = std::find_if(snapshot.findings.begin(), snapshot.findings.end(),
                               [&](const findings::FindingRecord& record) { return record.id() == id; });
        if (it == snapshot.findings.end()) {
          refusal = NotFoundError(base::Concat("Finding ", id, " not found"), id, std::string(kFindingResourceType));
          return std::nullopt;
        }
        if (std::none_of(targets.begin(), targets.end(),
                         [&](const findings::FindingRecord& record) { return record.id() == id; })) {
          targets.push_back(*it);
        }
      }
    } else {
      for (const findings::FindingRecord& record : snapshot.findings) {
        if (record.status != findings::FindingStatus::kResolved) targets.push_back(record);
      }
    }
    store::FindingChanges changes;
    for (findings::FindingRecord& record : targets) {
      absl::StatusOr<bool> updated = findings::UpdateFindingStatus(record, *status, now);
      if (!updated.ok()) {
        refusal = ValidationError(base::Concat("Finding ", record.id(), ": ", std::string(updated.status().message())),
                                  "fieldValidationFailed", {{"ids", std::string(updated.status().message())}});
        return std::nullopt;
      }
      if (*updated) changes.records.push_back(record);
    }
    return changes;
  };
  store::FindingSelection selection;
  if (ids) {
    selection.ids = *ids;
  } else {
    selection.resource_arn = *resource_arn;
  }
  absl::StatusOr<bool> written = store_.ModifyFindings(arn, selection, decide);
  if (!written.ok()) return Internal(written.status());
  if (refusal) return RestJsonError(*refusal);
  if (!*written) {  // deleted since FindByArn
    return RestJsonError(NotFoundError(base::Concat("Analyzer ", arn, " not found"), arn,
                                       std::string(kAnalyzerResourceType)));
  }
  RememberToken(caller, request, token, "");
  return Ok();
}

ApiResponse AccessAnalyzerService::GetFindingsStatistics(const Caller& caller, const RestRequest& request) {
  RequestReader reader(request.body);
  std::optional<std::string> analyzer_arn = reader.String("analyzerArn", true);
  if (!reader.ok()) return RestJsonError(reader.error());
  auto found = FindByArn(caller, "analyzerArn", analyzer_arn);
  if (auto* error = std::get_if<AwsError>(&found)) return RestJsonError(*error);
  if (std::optional<AwsError> blocked = FindingsBlocked(std::get<store::Analyzer>(found))) {
    return RestJsonError(*blocked);
  }
  const store::Analyzer& analyzer = std::get<store::Analyzer>(found);
  // Counted by the store (an aggregate query for SQLite), not by loading the findings.
  absl::StatusOr<store::FindingCounts> counted = store_.CountFindings(analyzer.arn);
  if (!counted.ok()) return Internal(counted.status());
  struct PerType {
    int64_t public_count = 0, cross_account = 0, errors = 0;
  };
  std::map<std::string, PerType> per_type;
  int64_t active = 0, archived = 0, resolved = 0;
  absl::Time last = analyzer.created_at;
  if (counted->latest) last = std::max(last, *counted->latest);
  for (const store::FindingGroupCount& group : counted->groups) {
    switch (group.status) {
      case findings::FindingStatus::kActive: {
        active += group.count;
        PerType& counts = per_type[group.resource_type];
        if (group.error) {
          counts.errors += group.count;
        } else if (group.is_public) {
          counts.public_count += group.count;
        } else {
          counts.cross_account += group.count;
        }
        break;
      }
      case findings::FindingStatus::kArchived:
        archived += group.count;
        break;
      case findings::FindingStatus::kResolved:
        resolved += group.count;
        break;
    }
  }
  json::Writer w;
  w.BeginObject().Key("findingsStatistics").BeginArray().BeginObject();
  if (store::IsExternalAccessType(analyzer.type)) {
    w.Key("externalAccessFindingsStatistics").BeginObject().Key("resourceTypeStatistics").BeginObject();
    for (const auto& [type, counts] : per_type) {
      w.Key(type).BeginObject().Key("totalActivePublic").Int(counts.public_count);
      w.Key("totalActiveCrossAccount").Int(counts.cross_account).Key("totalActiveErrors").Int(counts.errors);
      w.EndObject();
    }
    w.EndObject();
  } else if (analyzer.type == store::AnalyzerType::kAccountUnusedAccess ||
             analyzer.type == store::AnalyzerType::kOrganizationUnusedAccess) {
    w.Key("unusedAccessFindingsStatistics").BeginObject();
    w.Key("unusedAccessTypeStatistics").BeginArray().EndArray();
  } else {
    w.Key("internalAccessFindingsStatistics").BeginObject().Key("resourceTypeStatistics").BeginObject().EndObject();
  }
  w.Key("totalActiveFindings").Int(active).Key("totalArchivedFindings").Int(archived);
  w.Key("totalResolvedFindings").Int(resolved);
  w.EndObject().EndObject().EndArray();
  w.Key("lastUpdatedAt").String(Timestamp(last));
  w.EndObject();
  return Ok(std::move(w).Take());
}

ApiResponse AccessAnalyzerService::ListAnalyzedResources(const Caller& caller, const RestRequest& request) {
  RequestReader reader(request.body);
  std::optional<std::string> analyzer_arn = reader.String("analyzerArn", true);
  std::optional<std::string> resource_type = reader.String("resourceType");
  std::optional<std::string> next_token = reader.String("nextToken");
  std::optional<int64_t> max_results = reader.Int("maxResults");
  if (!reader.ok()) return RestJsonError(reader.error());
  auto found = FindByArn(caller, "analyzerArn", analyzer_arn);
  if (auto* error = std::get_if<AwsError>(&found)) return RestJsonError(*error);
  if (std::optional<AwsError> blocked = FindingsBlocked(std::get<store::Analyzer>(found))) {
    return RestJsonError(*blocked);
  }
  const store::Analyzer& analyzer = std::get<store::Analyzer>(found);
  std::shared_ptr<const service::Environment> environment = environment_();
  std::vector<service::ResourceSummary> selected;
  if (store::IsExternalAccessType(analyzer.type)) {
    for (service::ResourceSummary& resource : catalog_()->Resources()) {
      if (!service::InScope(analyzer, resource, *environment)) continue;
      if (resource_type && resource.type != *resource_type) continue;
      selected.push_back(std::move(resource));
    }
  }
  std::sort(selected.begin(), selected.end(), [](const auto& a, const auto& b) { return a.arn < b.arn; });
  auto page = PageOf(selected.size(), next_token, max_results);
  if (auto* error = std::get_if<AwsError>(&page)) return RestJsonError(*error);
  const Bounds& bounds = std::get<Bounds>(page);
  json::Writer w;
  w.BeginObject().Key("analyzedResources").BeginArray();
  for (size_t i = bounds.begin; i < bounds.end; ++i) {
    w.BeginObject().Key("resourceArn").String(selected[i].arn);
    w.Key("resourceOwnerAccount").String(selected[i].owner_account);
    w.Key("resourceType").String(selected[i].type).EndObject();
  }
  w.EndArray();
  if (bounds.next_token) w.Key("nextToken").String(*bounds.next_token);
  w.EndObject();
  return Ok(std::move(w).Take());
}

ApiResponse AccessAnalyzerService::GetAnalyzedResource(const Caller& caller, const RestRequest& request) {
  auto found = FindByArn(caller, "analyzerArn", request.Query("analyzerArn"));
  if (auto* error = std::get_if<AwsError>(&found)) return RestJsonError(*error);
  if (std::optional<AwsError> blocked = FindingsBlocked(std::get<store::Analyzer>(found))) {
    return RestJsonError(*blocked);
  }
  const store::Analyzer& analyzer = std::get<store::Analyzer>(found);
  std::optional<std::string> resource_arn = request.Query("resourceArn");
  if (!resource_arn) {
    return RestJsonError(ValidationError("1 validation error detected: Value at 'resourceArn' failed to satisfy "
                                         "constraint: Member must not be null",
                                         "fieldValidationFailed", {{"resourceArn", "Member must not be null"}}));
  }
  // The claim on the ARN this analyzer sees (an ARN without an account may have one per owner).
  std::optional<service::ResourceSummary> resource;
  std::shared_ptr<const service::Environment> environment = environment_();
  for (service::ResourceSummary& claim : catalog_()->FindClaims(*resource_arn)) {
    if (!resource && service::InScope(analyzer, claim, *environment)) resource = std::move(claim);
  }
  if (!resource || !store::IsExternalAccessType(analyzer.type)) {
    return RestJsonError(NotFoundError(base::Concat("Analyzed resource ", *resource_arn, " not found"), *resource_arn,
                                       "AWS::AccessAnalyzer::AnalyzedResource"));
  }
  absl::StatusOr<std::vector<findings::FindingRecord>> records =
      store_.ListFindingsForResource(analyzer.arn, *resource_arn);
  if (!records.ok()) return Internal(records.status());
  absl::Time created = analyzer.created_at;
  absl::Time analyzed = analyzer.last_resource_analyzed_at.value_or(analyzer.created_at);
  absl::Time updated = created;
  bool is_public = false;
  std::set<std::string> actions, shared_via;
  std::optional<std::string> status, error;
  bool first = true;
  for (const findings::FindingRecord& record : *records) {
    if (first || record.created_at < created) created = record.created_at;
    first = false;
    analyzed = std::max(analyzed, record.analyzed_at);
    updated = std::max(updated, record.updated_at);
    if (record.status == findings::FindingStatus::kResolved) continue;
    if (record.finding.error) error = *record.finding.error;
    if (record.status == findings::FindingStatus::kActive) status = "ACTIVE";
    if (!status) status = "ARCHIVED";
    is_public = is_public || record.finding.is_public;
    actions.insert(record.finding.actions.begin(), record.finding.actions.end());
    for (const findings::FindingSource& source : record.finding.sources) {
      shared_via.insert(std::string(findings::FindingSourceTypeName(source.type)));
    }
  }
  json::Writer w;
  w.BeginObject().Key("resource").BeginObject();
  w.Key("resourceArn").String(resource->arn).Key("resourceType").String(resource->type);
  w.Key("createdAt").String(Timestamp(created)).Key("analyzedAt").String(Timestamp(analyzed));
  w.Key("updatedAt").String(Timestamp(updated)).Key("isPublic").Bool(is_public);
  w.Key("actions").StringArray(std::vector<std::string>(actions.begin(), actions.end()));
  w.Key("sharedVia").StringArray(std::vector<std::string>(shared_via.begin(), shared_via.end()));
  if (status) w.Key("status").String(*status);
  w.Key("resourceOwnerAccount").String(resource->owner_account);
  if (error) w.Key("error").String(*error);
  w.EndObject().EndObject();
  return Ok(std::move(w).Take());
}

ApiResponse AccessAnalyzerService::StartResourceScan(const Caller& caller, const RestRequest& request) {
  RequestReader reader(request.body);
  std::optional<std::string> analyzer_arn = reader.String("analyzerArn", true);
  std::optional<std::string> resource_arn = reader.String("resourceArn", true);
  reader.String("resourceOwnerAccount");
  if (!reader.ok()) return RestJsonError(reader.error());
  auto found = FindByArn(caller, "analyzerArn", analyzer_arn);
  if (auto* error = std::get_if<AwsError>(&found)) return RestJsonError(*error);
  if (std::optional<AwsError> blocked = FindingsBlocked(std::get<store::Analyzer>(found))) {
    return RestJsonError(*blocked);
  }
  schedule_(service::ScanJob{std::get<store::Analyzer>(found).arn, *resource_arn});
  return Ok();
}

// CheckNoNewAccess (IAM Access Analyzer API Reference): both documents and the policy type required;
// a document that is not a policy of that type is InvalidParameterException (400) naming the member,
// line and column of the first error.
ApiResponse AccessAnalyzerService::CheckNoNewAccess(const RestRequest& request) {
  RequestReader reader(request.body);
  std::optional<std::string> new_document = reader.String("newPolicyDocument", true);
  std::optional<std::string> existing_document = reader.String("existingPolicyDocument", true);
  std::optional<analysis::CheckPolicyType> type = ReadCheckPolicyType(reader);
  if (!reader.ok()) return RestJsonError(reader.error());
  auto new_policy = ParseCheckedDocument("newPolicyDocument", *new_document, KindOf(*type));
  if (auto* error = std::get_if<AwsError>(&new_policy)) return RestJsonError(*error);
  auto existing = ParseCheckedDocument("existingPolicyDocument", *existing_document, KindOf(*type));
  if (auto* error = std::get_if<AwsError>(&existing)) return RestJsonError(*error);
  absl::StatusOr<analysis::CheckResult> result = analysis::CheckNoNewAccess(
      std::get<policy::Policy>(new_policy), std::get<policy::Policy>(existing), *type);
  if (!result.ok()) return Internal(result.status());
  return Ok(CheckResultJson(*result));
}

// CheckNoPublicAccess: the policy document and its resource type required; a type outside AWS's
// AccessCheckResourceType is a ValidationException, one AWS has but Perimeter does not check an
// InvalidParameterException listing the supported ones.
ApiResponse AccessAnalyzerService::CheckNoPublicAccess(const RestRequest& request) {
  RequestReader reader(request.body);
  std::optional<std::string> document = reader.String("policyDocument", true);
  std::optional<std::string> resource_type = reader.String("resourceType", true);
  if (resource_type && std::find(std::begin(kAccessCheckResourceTypes), std::end(kAccessCheckResourceTypes),
                                 *resource_type) == std::end(kAccessCheckResourceTypes)) {
    reader.Violation("resourceType", "Member must satisfy enum value set of AccessCheckResourceType");
  }
  if (!reader.ok()) return RestJsonError(reader.error());
  std::vector<std::string> supported = analysis::SupportedPublicAccessResourceTypes();
  if (std::find(supported.begin(), supported.end(), *resource_type) == supported.end()) {
    std::string list;
    for (const std::string& type : supported) list += (list.empty() ? "" : ", ") + type;
    return RestJsonError(AwsError{400, "InvalidParameterException",
                                  base::Concat("resourceType ", *resource_type,
                                               " is not supported by Perimeter; supported: ", list),
                                  "", {}, "", ""});
  }
  policy::PolicyKind kind = *resource_type == "AWS::IAM::AssumeRolePolicyDocument" ? policy::PolicyKind::kRoleTrust
                                                                                   : policy::PolicyKind::kResource;
  auto policy = ParseCheckedDocument("policyDocument", *document, kind);
  if (auto* error = std::get_if<AwsError>(&policy)) return RestJsonError(*error);
  absl::StatusOr<analysis::CheckResult> result =
      analysis::CheckNoPublicAccess(std::get<policy::Policy>(policy), *resource_type);
  if (!result.ok()) return Internal(result.status());
  return Ok(CheckResultJson(*result));
}

// CheckAccessNotGranted: the policy document, its type and at most one access {actions, resources}
// (each at most 100 entries, at least one of the two given).
ApiResponse AccessAnalyzerService::CheckAccessNotGranted(const RestRequest& request) {
  RequestReader reader(request.body);
  std::optional<std::string> document = reader.String("policyDocument", true);
  std::optional<analysis::CheckPolicyType> type = ReadCheckPolicyType(reader);
  std::optional<json::Value> access = reader.Member("access");
  std::vector<std::string> actions, resources;
  if (!access) {
    reader.Violation("access", "Member must not be null");
  } else if (!access->is_array() || access->size() > 1) {
    reader.Violation("access", "Member must be a list of at most 1 access");
  } else {
    for (const json::Value& item : access->children()) {
      if (!item.is_object()) {
        reader.Violation("access", "Member must hold objects {actions, resources}");
        continue;
      }
      for (const json::Value& member : item.members()) {
        std::vector<std::string>* into = member.key() == "actions"     ? &actions
                                         : member.key() == "resources" ? &resources
                                                                       : nullptr;
        if (into == nullptr || !member.is_array() || member.size() > 100) {
          reader.Violation(base::Concat("access.", member.key()), "Member must be a list of at most 100 strings");
          continue;
        }
        for (const json::Value& entry : member.children()) {
          if (entry.is_string()) {
            into->emplace_back(entry.text());
          } else {
            reader.Violation(base::Concat("access.", member.key()), "Member must hold strings");
          }
        }
      }
    }
    if (actions.empty() && resources.empty()) {
      reader.Violation("access", "Member must name at least one action or resource");
    }
  }
  if (!reader.ok()) return RestJsonError(reader.error());
  auto policy = ParseCheckedDocument("policyDocument", *document, KindOf(*type));
  if (auto* error = std::get_if<AwsError>(&policy)) return RestJsonError(*error);
  absl::StatusOr<analysis::CheckResult> result =
      analysis::CheckAccessNotGranted(std::get<policy::Policy>(policy), *type, actions, resources);
  if (!result.ok()) return Internal(result.status());
  return Ok(CheckResultJson(*result));
}

absl::Status AccessAnalyzerService::RefreshOrganizationAnalyzers() {
  std::lock_guard lock(write_mutex_);
  std::shared_ptr<const service::Environment> environment = environment_();
  ASSIGN_OR_RETURN(std::vector<store::Analyzer> analyzers, store_.ListAnalyzers());
  for (const store::Analyzer& listed : analyzers) {
    if (!store::IsOrganizationType(listed.type)) continue;
    std::optional<OrganizationBlock> block = OrganizationBlocker(listed.account_id, *environment, store_);
    bool reactivated = false;
    // Only the status, on the analyzer as stored now (the analysis may be recording its last resource).
    ASSIGN_OR_RETURN(bool written, store_.ModifyAnalyzer(listed.arn, [&](store::Analyzer& analyzer) {
      if (block && analyzer.status == store::AnalyzerStatus::kActive) {
        analyzer.status = store::AnalyzerStatus::kDisabled;
        analyzer.status_reason = block->reason;
        return true;
      }
      if (!block && analyzer.status == store::AnalyzerStatus::kDisabled) {
        analyzer.status = store::AnalyzerStatus::kActive;
        analyzer.status_reason.reset();
        reactivated = true;
        return true;
      }
      if (block && analyzer.status == store::AnalyzerStatus::kDisabled && analyzer.status_reason != block->reason) {
        analyzer.status_reason = block->reason;
        return true;
      }
      return false;
    }));
    if (written && reactivated) schedule_(service::ScanJob{listed.arn, std::nullopt});
  }
  return absl::OkStatus();
}

}  // namespace perimeter::api
