#include "perimeter/analysis/internal_access_analysis.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "perimeter/base/text.h"
#include "perimeter/eval/request.h"
#include "perimeter/json/document.h"
#include "perimeter/policy/policy_parser.h"
#include "perimeter/resources/dynamodb_stream.h"
#include "perimeter/resources/dynamodb_table.h"
#include "perimeter/resources/s3_bucket.h"
#include "perimeter/resources/s3_express_directory_bucket.h"

namespace perimeter::analysis {
namespace {

using reasoning::NamedPolicy;

absl::StatusOr<std::vector<std::string>> StringList(const json::Value& object,
                                                    std::string_view key) {
  std::vector<std::string> out;
  std::optional<json::Value> list = object.Find(key);
  if (!list.has_value()) return out;
  if (!list->is_array()) return absl::InvalidArgumentError(base::Concat(key, " must be an array"));
  for (const json::Value& value : list->children()) {
    if (!value.is_string())
      return absl::InvalidArgumentError(base::Concat(key, " must hold strings"));
    out.push_back(std::string(value.text()));
  }
  return out;
}

bool Lists(const std::vector<std::string>& list, std::string_view value) {
  return list.empty() || std::find(list.begin(), list.end(), value) != list.end();
}

bool Selected(const InternalAccessRule& rule, const resources::Resource& resource) {
  if (rule.inclusions.empty()) return true;
  for (const InternalAccessCriteria& criteria : rule.inclusions) {
    if (Lists(criteria.account_ids, resource.owner_account) &&
        Lists(criteria.resource_types, resources::ResourceTypeName(resource.type)) &&
        Lists(criteria.resource_arns, resource.arn))
      return true;
  }
  return false;
}

// Collects the issues of the conversion, each at the record it concerns.
class Converter {
 public:
  Converter(const resources::Inventory& inventory, const reasoning::ZoneOfTrust& zone,
            std::vector<base::Issue>& issues)
      : inventory_(inventory), zone_(zone), issues_(issues) {}

  std::optional<NamedPolicy> Parse(std::string label, const std::string& text,
                                   policy::PolicyKind kind, const base::SourcePosition& at) {
    policy::PolicyParseOptions options;
    options.kind = kind;
    policy::PolicyParseResult parsed = policy::ParsePolicy(text, options);
    if (!parsed.policy.has_value()) {
      std::string reason = parsed.issues.empty() ? "" : parsed.issues.front().message;
      Issue(at, base::Concat("the policy ", label, " cannot be read: ", reason));
      return std::nullopt;
    }
    return NamedPolicy{std::move(label), *std::move(parsed.policy)};
  }

  // The default version of a managed policy of `account`.
  std::optional<NamedPolicy> Managed(std::string_view account, const std::string& arn,
                                     std::string label_prefix, policy::PolicyKind kind,
                                     const base::SourcePosition& at) {
    const resources::ManagedPolicy* managed = inventory_.FindManagedPolicy(account, arn);
    if (managed == nullptr) {
      Issue(at, base::Concat("the managed policy ", arn, " has no managedPolicy record of account ",
                             account, ": what it allows is not known"));
      return std::nullopt;
    }
    for (const resources::ManagedPolicyVersion& version : managed->versions) {
      if (version.version_id == managed->default_version_id || version.is_default_version)
        return Parse(base::Concat(label_prefix, arn), version.document, kind, at);
    }
    Issue(at, base::Concat("the managed policy ", arn, " has no default version ",
                           managed->default_version_id));
    return std::nullopt;
  }

  void AddIdentity(const resources::IamPrincipalRecord& record, std::string_view owner,
                   std::vector<NamedPolicy>& out) {
    for (const auto& [name, text] : record.inline_policies) {
      std::string entity = record.arn.substr(record.arn.find(':', 13) + 1);  // role/x, group/y
      if (std::optional<NamedPolicy> p =
              Parse(base::Concat("identity inline:", entity, "/", name), text,
                    policy::PolicyKind::kIdentity, record.position))
        out.push_back(*std::move(p));
    }
    for (const std::string& arn : record.attached_managed_policies) {
      if (std::optional<NamedPolicy> p =
              Managed(owner, arn, "identity ", policy::PolicyKind::kIdentity, record.position))
        out.push_back(*std::move(p));
    }
  }

  std::optional<reasoning::InternalPrincipal> Principal(const resources::IamPrincipalRecord& r) {
    absl::StatusOr<eval::RequestPrincipal> parsed = eval::ParseRequestPrincipal(r.arn);
    if (!parsed.ok() || (parsed->type != eval::PrincipalType::kIamRole &&
                         parsed->type != eval::PrincipalType::kIamUser)) {
      Issue(r.position, base::Concat(r.arn, " is not a role or user ARN"));
      return std::nullopt;
    }
    reasoning::InternalPrincipal principal;
    principal.principal = *std::move(parsed);
    principal.principal.tags = r.tags;
    if (const std::optional<reasoning::Organization>& org = zone_.organization(); org.has_value()) {
      const reasoning::OrganizationMember* member = org->FindMember(r.account_id);
      if (member != nullptr || r.account_id == org->management_account) {
        principal.principal.org_id = org->id;
        if (member != nullptr && !member->ou_path.empty())
          principal.principal.org_paths = {member->ou_path};
      }
    }
    AddIdentity(r, r.account_id, principal.identity);
    for (const std::string& name : r.groups) {
      std::string suffix = "/" + name;
      auto group = std::find_if(inventory_.groups.begin(), inventory_.groups.end(),
                                [&](const resources::IamPrincipalRecord& g) {
                                  return g.account_id == r.account_id && g.arn.ends_with(suffix);
                                });
      if (group == inventory_.groups.end()) {
        Issue(r.position, base::Concat(r.arn, " is a member of the group ", name,
                                       ", which has no group record: its policies are not known"));
        continue;
      }
      AddIdentity(*group, r.account_id, principal.identity);
    }
    if (r.permissions_boundary.has_value()) {
      principal.permissions_boundary =
          Managed(r.account_id, *r.permissions_boundary, "permissionsBoundary ",
                  policy::PolicyKind::kPermissionsBoundary, r.position);
    }
    return principal;
  }

  // The SCPs and RCPs of `account`, one level per entity of its OU path.
  reasoning::AccountControls Controls(const std::string& account) {
    reasoning::AccountControls controls;
    const std::optional<reasoning::Organization>& org = zone_.organization();
    if (!org.has_value() || account == org->management_account) return controls;
    std::vector<std::string> entities;
    if (const reasoning::OrganizationMember* member = org->FindMember(account)) {
      std::string_view path = member->ou_path;
      while (!path.empty()) {
        size_t slash = path.find('/');
        std::string_view part = path.substr(0, slash);
        if (part.starts_with("r-") || part.starts_with("ou-")) entities.emplace_back(part);
        if (slash == std::string_view::npos) break;
        path.remove_prefix(slash + 1);
      }
    }
    entities.push_back(account);
    for (const std::string& entity : entities) {
      std::vector<NamedPolicy> scps, rcps;
      for (const resources::OrganizationPolicyRecord& record : inventory_.organization_policies) {
        if (std::find(record.targets.begin(), record.targets.end(), entity) == record.targets.end())
          continue;
        bool scp = record.type == resources::OrganizationPolicyType::kServiceControlPolicy;
        std::optional<NamedPolicy> p =
            Parse(base::Concat(scp ? "scp " : "rcp ", record.id), record.content,
                  scp ? policy::PolicyKind::kServiceControl : policy::PolicyKind::kResourceControl,
                  record.position);
        if (!p.has_value()) continue;
        (scp ? scps : rcps).push_back(*std::move(p));
      }
      if (!scps.empty()) controls.scps.push_back(std::move(scps));
      if (!rcps.empty()) controls.rcps.push_back(std::move(rcps));
    }
    return controls;
  }

  reasoning::InternalResource Resource(const resources::Resource& resource) {
    reasoning::InternalResource out;
    out.arn = resource.arn;
    out.resource_type = std::string(resources::ResourceTypeName(resource.type));
    out.owner_account = resource.owner_account;
    std::string_view member;
    switch (resource.type) {
      case resources::ResourceType::kS3Bucket:
        out.targets = resources::S3BucketTargets(resource);
        member = "bucketPolicy";
        break;
      case resources::ResourceType::kS3ExpressDirectoryBucket:
        out.targets = resources::S3ExpressDirectoryBucketTargets(resource);
        member = "bucketPolicy";
        break;
      case resources::ResourceType::kDynamoDbTable:
        out.targets = resources::DynamoDbTableTargets(resource);
        member = "tablePolicy";
        break;
      case resources::ResourceType::kDynamoDbStream:
        out.targets = resources::DynamoDbStreamTargets(resource);
        member = "streamPolicy";
        break;
      case resources::ResourceType::kRdsDbSnapshot:
      case resources::ResourceType::kRdsDbClusterSnapshot:
        out.error = base::Concat("internal access to ", out.resource_type,
                                 " is not analyzed yet: ", resource.arn,
                                 " may be reachable by principals of the zone");
        return out;
      case resources::ResourceType::kIamRole:
      case resources::ResourceType::kKmsKey:
      case resources::ResourceType::kLambdaFunction:
      case resources::ResourceType::kLambdaLayerVersion:
      case resources::ResourceType::kSqsQueue:
      case resources::ResourceType::kSnsTopic:
      case resources::ResourceType::kSecretsManagerSecret:
      case resources::ResourceType::kEcrRepository:
      case resources::ResourceType::kEfsFileSystem:
      case resources::ResourceType::kEbsSnapshot:
        out.error = "not a resource type of internal access";  // filtered out before
        return out;
    }
    std::optional<json::Value> policy = resource.configuration.Find(member);
    if (!policy.has_value() || (policy->is_string() && policy->text().empty())) return out;
    std::string text =
        policy->is_string() ? std::string(policy->text()) : std::string(policy->source_text());
    policy::PolicyParseOptions options;
    options.kind = policy::PolicyKind::kResource;
    policy::PolicyParseResult parsed = policy::ParsePolicy(text, options);
    if (!parsed.policy.has_value()) {
      out.error = base::Concat("the ", member, " of ", resource.arn, " cannot be read");
      return out;
    }
    out.resource_policy = NamedPolicy{"resource", *std::move(parsed.policy)};
    return out;
  }

 private:
  void Issue(const base::SourcePosition& at, std::string message) {
    issues_.push_back(
        base::Issue{base::Severity::kError, "internal-access.input", at, std::move(message)});
  }

  const resources::Inventory& inventory_;
  const reasoning::ZoneOfTrust& zone_;
  std::vector<base::Issue>& issues_;
};

}  // namespace

const std::vector<std::string_view>& InternalAccessResourceTypes() {
  static const std::vector<std::string_view> kTypes = {"AWS::S3::Bucket",
                                                       "AWS::RDS::DBSnapshot",
                                                       "AWS::RDS::DBClusterSnapshot",
                                                       "AWS::S3Express::DirectoryBucket",
                                                       "AWS::DynamoDB::Table",
                                                       "AWS::DynamoDB::Stream"};
  return kTypes;
}

absl::StatusOr<InternalAccessRule> ParseInternalAccessRule(std::string_view text) {
  json::ParseResult parsed = json::Parse(std::string(text));
  if (!parsed.ok())
    return absl::InvalidArgumentError(base::Concat("not JSON: ", parsed.issues.front().message));
  json::Value root = parsed.document.root();
  if (!root.is_object()) return absl::InvalidArgumentError("the rule must be an object");
  if (std::optional<json::Value> rule = root.Find("analysisRule")) root = *rule;
  if (!root.is_object()) return absl::InvalidArgumentError("analysisRule must be an object");
  InternalAccessRule rule;
  std::optional<json::Value> inclusions = root.Find("inclusions");
  if (!inclusions.has_value()) return rule;
  if (!inclusions->is_array()) return absl::InvalidArgumentError("inclusions must be an array");
  for (const json::Value& value : inclusions->children()) {
    if (!value.is_object()) return absl::InvalidArgumentError("each inclusion must be an object");
    for (const json::Value& member : value.members()) {
      if (member.key() != "accountIds" && member.key() != "resourceTypes" &&
          member.key() != "resourceArns")
        return absl::InvalidArgumentError(base::Concat(
            "unknown member ", member.key(), ": expected accountIds, resourceTypes, resourceArns"));
    }
    InternalAccessCriteria criteria;
    absl::StatusOr<std::vector<std::string>> accounts = StringList(value, "accountIds");
    absl::StatusOr<std::vector<std::string>> types = StringList(value, "resourceTypes");
    absl::StatusOr<std::vector<std::string>> arns = StringList(value, "resourceArns");
    for (const auto* list : {&accounts, &types, &arns}) {
      if (!list->ok()) return list->status();
    }
    for (const std::string& type : *types) {
      const auto& supported = InternalAccessResourceTypes();
      if (std::find(supported.begin(), supported.end(), type) == supported.end())
        return absl::InvalidArgumentError(
            base::Concat("resource type ", type, " is not supported for internal access"));
    }
    criteria.account_ids = *std::move(accounts);
    criteria.resource_types = *std::move(types);
    criteria.resource_arns = *std::move(arns);
    rule.inclusions.push_back(std::move(criteria));
  }
  return rule;
}

InternalAccessAnalysis AnalyzeInventoryInternalAccess(const resources::Inventory& inventory,
                                                      const reasoning::ZoneOfTrust& zone,
                                                      const InternalAccessRule& rule) {
  InternalAccessAnalysis out;
  Converter converter(inventory, zone, out.issues);
  reasoning::InternalAccessInput input;
  input.zone = zone;
  for (const resources::IamPrincipalRecord& record : inventory.principals) {
    if (!zone.ContainsAccount(record.account_id)) continue;
    if (std::optional<reasoning::InternalPrincipal> p = converter.Principal(record))
      input.principals.push_back(*std::move(p));
  }
  const std::vector<std::string_view>& types = InternalAccessResourceTypes();
  for (const resources::Resource& resource : inventory.resources) {
    if (!zone.ContainsAccount(resource.owner_account)) continue;
    if (std::find(types.begin(), types.end(), resources::ResourceTypeName(resource.type)) ==
        types.end())
      continue;
    if (!Selected(rule, resource)) continue;
    input.resources.push_back(converter.Resource(resource));
  }
  if (zone.type() == reasoning::ZoneOfTrust::Type::kOrganization ||
      zone.organization().has_value()) {
    for (const std::string& account : zone.Accounts())
      input.controls[account] = converter.Controls(account);
  }
  reasoning::InternalAccessResult result = reasoning::AnalyzeInternalAccess(std::move(input));
  out.findings = std::move(result.findings);
  out.stats = result.stats;
  return out;
}

}  // namespace perimeter::analysis
