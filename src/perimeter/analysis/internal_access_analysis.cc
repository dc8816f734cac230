#include "perimeter/analysis/internal_access_analysis.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "perimeter/aws/canonical_user_id.h"
#include "perimeter/base/text.h"
#include "perimeter/eval/request.h"
#include "perimeter/json/document.h"
#include "perimeter/policy/policy_parser.h"
#include "perimeter/resources/dynamodb_stream.h"
#include "perimeter/resources/dynamodb_table.h"
#include "perimeter/resources/rds_snapshot.h"
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
        AddS3BucketAcl(resource, out);
        break;
      case resources::ResourceType::kS3ExpressDirectoryBucket:
        out.targets = resources::S3ExpressDirectoryBucketTargets(resource);
        member = "bucketPolicy";
        AddAccessPointsUndecided(resource, out);
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
        out.targets = resources::RdsDbSnapshotTargets(resource);
        AddSnapshotShares(resource, out);
        return out;
      case resources::ResourceType::kRdsDbClusterSnapshot:
        out.targets = resources::RdsDbClusterSnapshotTargets(resource);
        AddSnapshotShares(resource, out);
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

  // The bucket's ACL as a resource policy for the engine (reasoning::InternalResource::grants): one
  // Allow statement per grant that can reach a principal of the zone, on the actions the
  // permission maps to (resources::S3AclPermissionActions: S3 User Guide, "Access control list
  // (ACL) overview", "Mapping of ACL permissions and access policy permissions"), on the bucket
  // and its objects. Grantees (ibid., "Who is a grantee?"):
  // - the AllUsers and AuthenticatedUsers groups: every principal ("*"; IAM principals are
  //   authenticated), unless Block Public Access's IgnorePublicAcls (bucket or account) is on;
  // - the canonical id of another account of the zone (an `account` record's canonicalUserId, or
  //   the id Perimeter derives, aws/canonical_user_id.h): that account ({"AWS": account}), whose
  //   principals still need an identity-based Allow, as for a bucket policy naming the account;
  // - the owner's canonical id: a grant to the account itself, not to its IAM principals, which get
  //   access from their policies (ibid., "How Amazon S3 authorizes a request for a bucket
  //   operation", example 3: the parent account grants its principals through the user policy);
  // - the LogDelivery group: the S3 log delivery service, no principal of the zone.
  // A canonical id no account record of the zone names while some zone account has no known id,
  // and an e-mail grantee, may name an account of the zone: each gives an error finding
  // (`undecided`), never silence.
  void AddS3BucketAcl(const resources::Resource& resource, reasoning::InternalResource& out) {
    resources::S3BucketAccessConfiguration config =
        resources::ReadS3BucketAccessConfiguration(resource);
    AddAccessPointsUndecided(config.access_point_arns, resource, out);
    bool ignore_public_acls = config.block.has_value() && config.block->ignore_public_acls;
    const resources::AccountSettings* owner = inventory_.FindAccount(resource.owner_account);
    if (owner != nullptr && owner->s3_public_access_block.has_value())
      ignore_public_acls |= owner->s3_public_access_block->ignore_public_acls;
    std::set<std::string> owner_ids = {aws::DerivedCanonicalUserId(resource.owner_account)};
    if (config.owner_canonical_id.has_value()) owner_ids.insert(*config.owner_canonical_id);
    if (owner != nullptr && owner->canonical_user_id.has_value())
      owner_ids.insert(*owner->canonical_user_id);
    std::map<std::string, std::string> zone_account_of_id;
    bool every_id_known = true;
    for (const std::string& account : zone_.Accounts()) {
      zone_account_of_id[aws::DerivedCanonicalUserId(account)] = account;
      const resources::AccountSettings* record = inventory_.FindAccount(account);
      if (record != nullptr && record->canonical_user_id.has_value()) {
        zone_account_of_id[*record->canonical_user_id] = account;
      } else {
        every_id_known = false;
      }
    }
    std::string statements;
    std::vector<base::SourcePosition> positions;
    for (const resources::S3AclGrant& grant : config.acl) {
      std::vector<std::string> actions = resources::S3AclPermissionActions(grant.permission);
      if (actions.empty()) continue;  // the inventory's check reports the permission
      std::string principal;
      if (grant.uri.has_value()) {
        if (*grant.uri == "http://acs.amazonaws.com/groups/s3/LogDelivery") continue;
        if (ignore_public_acls) continue;
        principal = "\"*\"";
      } else if (grant.id.has_value()) {
        if (owner_ids.contains(*grant.id)) continue;
        auto it = zone_account_of_id.find(*grant.id);
        if (it == zone_account_of_id.end()) {
          if (!every_id_known) {
            out.undecided.push_back(
                base::Concat("the ACL of ", resource.arn, " grants ", grant.permission,
                             " to the canonical user ", *grant.id,
                             ", which no account record of the zone names: it may be an account "
                             "of the zone (give each account record its canonicalUserId)"));
          }
          continue;
        }
        principal = base::Concat("{\"AWS\":\"", it->second, "\"}");
      } else if (grant.email.has_value()) {
        out.undecided.push_back(base::Concat(
            "the ACL of ", resource.arn, " grants ", grant.permission, " to the e-mail address ",
            *grant.email, ", which may be an account of the zone"));
        continue;
      } else {
        continue;
      }
      std::string action_list;
      for (const std::string& action : actions)
        action_list += base::Concat(action_list.empty() ? "" : ",", "\"", action, "\"");
      if (!statements.empty()) statements += ",";
      statements += base::Concat("{\"Sid\":\"BucketAclGrant", grant.index,
                                 "\",\"Effect\":\"Allow\",\"Principal\":", principal,
                                 ",\"Action\":[", action_list, "],\"Resource\":[\"", resource.arn,
                                 "\",\"", resource.arn, "/*\"]}");
      positions.push_back(resource.location.Locate(grant.position));
    }
    if (statements.empty()) return;
    std::optional<NamedPolicy> acl =
        Parse("acl", base::Concat("{\"Version\":\"2012-10-17\",\"Statement\":[", statements, "]}"),
              policy::PolicyKind::kResource, resource.location.Locate(base::SourcePosition{}));
    if (!acl.has_value()) return;  // ARNs of a readable record always parse
    for (size_t i = 0; i < acl->policy.statements.size() && i < positions.size(); ++i)
      acl->policy.statements[i].position = positions[i];
    out.grants = std::move(acl);
    out.grants_source = findings::FindingSource{findings::FindingSourceType::kBucketAcl,
                                                std::nullopt, std::nullopt};
  }

  // An RDS snapshot has no resource policy: the principals of its own account reach it with their
  // identity-based policies, and those of an account its "restore" attribute shares it with get
  // the copy and restore actions (resources::RdsSnapshotSharedActions) when their identity-based
  // policies allow them too (RDS User Guide, "Sharing a DB snapshot"; IAM User Guide,
  // "Cross-account policy evaluation logic"). The shares are written for the engine as a resource
  // policy (reasoning::InternalResource::grants, label "restore attribute"): {"AWS": account} for
  // each account of the zone it names ("all": every one).
  void AddSnapshotShares(const resources::Resource& resource, reasoning::InternalResource& out) {
    std::string action_list;
    for (const std::string& action : resources::RdsSnapshotSharedActions(resource.type))
      action_list += base::Concat(action_list.empty() ? "" : ",", "\"", action, "\"");
    std::string statements;
    size_t index = 0;
    std::set<std::string> accounts;
    for (const std::string& account : resources::RdsSnapshotRestoreAccounts(resource)) {
      if (account != "all") {
        accounts.insert(account);
        continue;
      }
      // Shared with every account: each still needs its own identity-based Allow, so "all" is
      // every other account of the zone, not "*" (which would reach the owner's principals
      // without one).
      for (const std::string& zone_account : zone_.Accounts()) accounts.insert(zone_account);
    }
    for (const std::string& account : accounts) {
      if (account == resource.owner_account || !zone_.ContainsAccount(account)) continue;
      std::string principal = base::Concat("{\"AWS\":\"", account, "\"}");
      if (!statements.empty()) statements += ",";
      statements += base::Concat(
          "{\"Sid\":\"RestoreShare", index++, "\",\"Effect\":\"Allow\",\"Principal\":", principal,
          ",\"Action\":[", action_list, "],\"Resource\":\"", resource.arn, "\"}");
    }
    if (statements.empty()) return;
    out.grants =
        Parse("restore attribute",
              base::Concat("{\"Version\":\"2012-10-17\",\"Statement\":[", statements, "]}"),
              policy::PolicyKind::kResource, resource.location.Locate(base::SourcePosition{}));
  }

  // Requests through a bucket's access points (resource ARN the access point's) are decided by the
  // access point's policy and the bucket's together (S3 User Guide, "Configuring IAM policies for
  // using access points"): not analyzed for internal access yet, so each access point is an error
  // finding for the bucket, never silence.
  void AddAccessPointsUndecided(const std::vector<std::string>& arns,
                                const resources::Resource& resource,
                                reasoning::InternalResource& out) {
    for (const std::string& arn : arns) {
      out.undecided.push_back(base::Concat("requests to ", resource.arn,
                                           " through the access point ", arn,
                                           " are not analyzed for internal access yet"));
    }
  }
  void AddAccessPointsUndecided(const resources::Resource& resource,
                                reasoning::InternalResource& out) {
    std::vector<std::string> arns;
    if (std::optional<json::Value> points = resource.configuration.Find("accessPoints");
        points.has_value() && points->is_object()) {
      for (const json::Value& point : points->members()) arns.emplace_back(point.key());
    }
    AddAccessPointsUndecided(arns, resource, out);
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
