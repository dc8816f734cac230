#include "perimeter/resources/s3_bucket.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

#include "perimeter/aws/canonical_user_id.h"
#include "perimeter/base/text.h"
#include "perimeter/eval/request.h"
#include "perimeter/policy/arn.h"
#include "perimeter/resources/internal/access_point.h"
#include "perimeter/resources/internal/config_reader.h"
#include "perimeter/resources/internal/findings_builder.h"

namespace perimeter::resources {
namespace {

using findings::Finding;
using findings::FindingSource;
using findings::FindingSourceType;

constexpr std::string_view kAllUsers = "http://acs.amazonaws.com/groups/global/AllUsers";
constexpr std::string_view kAuthenticatedUsers =
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
constexpr std::string_view kLogDelivery = "http://acs.amazonaws.com/groups/s3/LogDelivery";

using AclGrant = S3AclGrant;

struct AccessPoint {
  std::string arn;
  std::string account;        // from the ARN
  bool multi_region = false;  // arn:aws:s3::<account>:accesspoint/<alias>
  std::optional<internal::PolicySource> policy;
  S3PublicAccessBlock block{true, true, true, true};  // S3's default for access points
  std::optional<std::string> vpc_id;
  base::SourcePosition position;
};

struct S3BucketConfiguration {
  std::optional<internal::PolicySource> policy;
  std::vector<AclGrant> acl;
  std::optional<S3PublicAccessBlock> block;
  std::vector<AccessPoint> access_points;
  std::optional<std::string> owner_canonical_id;
};

std::optional<S3PublicAccessBlock> ReadBlock(const json::Value &value, std::string what,
                                             internal::Diagnostics &diagnostics) {
  internal::ObjectReader reader(value, std::move(what), diagnostics);
  if (!reader.is_object()) return std::nullopt;
  S3PublicAccessBlock block;
  block.ignore_public_acls = reader.Bool("ignorePublicAcls").value_or(false);
  block.restrict_public_buckets = reader.Bool("restrictPublicBuckets").value_or(false);
  block.block_public_acls = reader.Bool("blockPublicAcls").value_or(false);
  block.block_public_policy = reader.Bool("blockPublicPolicy").value_or(false);
  reader.Finish();
  return block;
}

S3BucketConfiguration ReadS3Bucket(const json::Value &configuration,
                                   internal::Diagnostics &diagnostics) {
  S3BucketConfiguration config;
  internal::ObjectReader reader(configuration, "s3Bucket", diagnostics);
  config.policy = internal::ReadPolicyMember(reader, "bucketPolicy");
  config.owner_canonical_id = reader.String("ownerCanonicalId");
  if (std::optional<json::Value> grants = reader.Member("bucketAclGrants")) {
    if (!grants->is_array()) {
      diagnostics.Error(internal::kWrongType, grants->position(),
                        "s3Bucket.bucketAclGrants must be an array");
    } else {
      size_t index = 0;
      for (const json::Value &value : grants->children()) {
        std::string what = base::Concat("s3Bucket.bucketAclGrants[", index, "]");
        internal::ObjectReader grant_reader(value, what, diagnostics);
        AclGrant grant;
        grant.index = index++;
        grant.position = value.position();
        grant.permission = grant_reader.String("permission", true).value_or("");
        if (!grant.permission.empty() && S3AclPermissionActions(grant.permission).empty()) {
          diagnostics.Error(internal::kInvalidValue, value.Find("permission")->position(),
                            base::Concat(what,
                                         ".permission must be READ, WRITE, READ_ACP, "
                                         "WRITE_ACP or FULL_CONTROL"));
        }
        if (std::optional<json::Value> grantee = grant_reader.Member("grantee", true)) {
          internal::ObjectReader grantee_reader(*grantee, what + ".grantee", diagnostics);
          grant.id = grantee_reader.String("id");
          grant.uri = grantee_reader.String("uri");
          grant.email = grantee_reader.String("emailAddress");
          grantee_reader.Finish();
          int members = grant.id.has_value() + grant.uri.has_value() + grant.email.has_value();
          if (grantee->is_object() && members != 1) {
            diagnostics.Error(
                internal::kInvalidValue, grantee->position(),
                base::Concat(what, ".grantee must have exactly one of id, uri, emailAddress"));
          }
          if (grant.uri.has_value() && *grant.uri != kAllUsers &&
              *grant.uri != kAuthenticatedUsers && *grant.uri != kLogDelivery) {
            diagnostics.Error(
                internal::kInvalidValue, grantee->position(),
                base::Concat(what, ".grantee.uri is not an Amazon S3 group: \"", *grant.uri, "\""));
          }
        }
        grant_reader.Finish();
        config.acl.push_back(std::move(grant));
      }
    }
  }
  if (std::optional<json::Value> block = reader.Member("bucketPublicAccessBlock")) {
    config.block = ReadBlock(*block, "s3Bucket.bucketPublicAccessBlock", diagnostics);
  }
  if (std::optional<json::Value> points = reader.Object("accessPoints")) {
    for (const json::Value &value : points->members()) {
      std::string what = base::Concat("s3Bucket.accessPoints[\"", value.key(), "\"]");
      AccessPoint point;
      point.arn = std::string(value.key());
      point.position = value.key_position();
      if (std::optional<internal::AccessPointKey> key =
              internal::ReadAccessPointKey(value, "s3", what, diagnostics)) {
        point.account = key->account;
        point.multi_region = key->multi_region;
      }
      internal::ObjectReader point_reader(value, what, diagnostics);
      point.policy = internal::ReadPolicyMember(point_reader, "accessPointPolicy");
      if (point.policy.has_value()) point.policy->field = what + ".accessPointPolicy";
      if (std::optional<json::Value> block = point_reader.Member("publicAccessBlock")) {
        if (std::optional<S3PublicAccessBlock> read =
                ReadBlock(*block, what + ".publicAccessBlock", diagnostics)) {
          point.block = *read;
        }
      }
      point.vpc_id = internal::ReadNetworkOrigin(point_reader, what);
      if (point.vpc_id.has_value() && point.multi_region) {
        diagnostics.Error(
            internal::kInvalidValue, value.position(),
            base::Concat(what, ": a multi-Region access point has no VPC network origin"));
      }
      point_reader.Finish();
      config.access_points.push_back(std::move(point));
    }
  }
  reader.Finish();
  return config;
}

// ---------------------------------------------------------------------------------------------------
// ACL grants.

void ReportAcl(const Resource &resource, const S3BucketConfiguration &config,
               const AccountSettings *account, bool ignore_public_acls,
               const reasoning::ZoneOfTrust &zone, std::vector<Finding> &out) {
  std::optional<std::string> owner_id = config.owner_canonical_id;
  if (!owner_id.has_value() && account != nullptr) owner_id = account->canonical_user_id;
  // The owner's canonical id as Perimeter derives it (aws/canonical_user_id.h): what the server's
  // ListBuckets answers, so an ACL a client builds from it grants the owner, not someone external.
  std::string derived_owner_id = aws::DerivedCanonicalUserId(resource.owner_account);
  std::set<std::string> zone_ids;  // the derived ids of the zone's accounts, when first needed
  std::string partition = internal::PartitionOf(resource.arn);
  for (const AclGrant &grant : config.acl) {
    internal::DirectGrant direct;
    eval::PrincipalType type = eval::PrincipalType::kCanonicalUser;
    std::string witness_principal;
    if (grant.uri.has_value()) {
      if (*grant.uri == kLogDelivery) continue;  // the S3 log delivery service
      if (ignore_public_acls) continue;          // IgnorePublicAcls: public ACL grants are ignored
      direct.principal = {{"AWS", "*"}};
      direct.is_public = true;
      if (*grant.uri == kAllUsers) {
        type = eval::PrincipalType::kAnonymous;
      } else {
        type = eval::PrincipalType::kAccountRoot;
        witness_principal = base::Concat("arn:", partition,
                                         ":iam::", internal::SampleExternalAccount(zone), ":root");
      }
    } else if (grant.id.has_value()) {
      if (owner_id.has_value() && *owner_id == *grant.id) continue;
      if (!resource.owner_account.empty() && *grant.id == derived_owner_id) continue;
      // The derived id of another account of the zone of trust names that account: its grant is
      // not external access either. (Computed once per bucket, for its first such grant.)
      if (zone_ids.empty()) {
        for (const std::string &account : zone.Accounts())
          zone_ids.insert(aws::DerivedCanonicalUserId(account));
        zone_ids.insert("");  // marks the set as computed
      }
      if (zone_ids.contains(*grant.id)) continue;
      direct.principal = {{"CanonicalUser", *grant.id}};
      witness_principal = *grant.id;
    } else if (grant.email.has_value()) {
      direct.principal = {{"EmailAddress", *grant.email}};
      witness_principal = *grant.email;
    } else {
      continue;
    }
    direct.actions = S3AclPermissionActions(grant.permission);
    direct.sources = {FindingSource{FindingSourceType::kBucketAcl, std::nullopt, std::nullopt}};
    direct.witness.principal = witness_principal;
    direct.witness.principal_type = std::string(eval::PrincipalTypeName(type));
    direct.witness.action = direct.actions.front();
    direct.witness.resource =
        direct.witness.action == "s3:PutObject" || direct.witness.action == "s3:DeleteObject"
            ? resource.arn + "/object"
            : resource.arn;
    direct.explanation.policy = "acl";
    direct.explanation.index = grant.index;
    direct.explanation.position = resource.location.Locate(grant.position);
    internal::MergeFinding(out, internal::DirectFinding(resource, std::move(direct)));
  }
}

// ---------------------------------------------------------------------------------------------------
// Access points.

// The access point as requests through it see it.
internal::AccessPointIdentity Identity(const AccessPoint &point) {
  return internal::AccessPointIdentity{"s3", point.arn, point.account, point.vpc_id};
}

// Requests through `point`: on the access point and on objects through it, and
// the bucket ARNs the bucket policy sees for them.
std::vector<reasoning::ResourceTarget> AccessPointTargets(const Resource &bucket,
                                                          const AccessPoint &point) {
  std::vector<reasoning::ResourceTarget> targets = S3AccessPointTargets(point.arn);
  targets[0].gate_map = reasoning::ArnPrefixMap{point.arn, bucket.arn};
  targets[1].gate_map = reasoning::ArnPrefixMap{point.arn + "/object/", bucket.arn + "/"};
  return targets;
}

}  // namespace

std::vector<reasoning::ResourceTarget> S3BucketTargets(const Resource &resource) {
  static const std::vector<std::string> kBucketActions = internal::CatalogActions("s3", "bucket");
  static const std::vector<std::string> kObjectActions = internal::CatalogActions("s3", "object");
  return {reasoning::ResourceTarget{{resource.arn}, kBucketActions},
          reasoning::ResourceTarget{{resource.arn + "/*"}, kObjectActions}};
}

std::vector<reasoning::ResourceTarget> S3AccessPointTargets(const std::string &access_point_arn) {
  static const std::vector<std::string> kAccesspointActions =
      internal::CatalogActions("s3", "accesspoint");
  static const std::vector<std::string> kAccesspointobjectActions =
      internal::CatalogActions("s3", "accesspointobject");
  return {reasoning::ResourceTarget{{access_point_arn}, kAccesspointActions},
          reasoning::ResourceTarget{{access_point_arn + "/object/*"}, kAccesspointobjectActions}};
}

std::vector<std::string> S3AclPermissionActions(std::string_view permission) {
  std::vector<std::string> read = {"s3:ListBucket", "s3:ListBucketMultipartUploads",
                                   "s3:ListBucketVersions"};
  std::vector<std::string> write = {"s3:DeleteObject", "s3:PutObject"};
  if (permission == "READ") return read;
  if (permission == "WRITE") return write;
  if (permission == "READ_ACP") return {"s3:GetBucketAcl"};
  if (permission == "WRITE_ACP") return {"s3:PutBucketAcl"};
  if (permission == "FULL_CONTROL") {
    std::vector<std::string> all = read;
    all.insert(all.end(), write.begin(), write.end());
    all.push_back("s3:GetBucketAcl");
    all.push_back("s3:PutBucketAcl");
    std::sort(all.begin(), all.end());
    return all;
  }
  return {};
}

S3BucketAccessConfiguration ReadS3BucketAccessConfiguration(const Resource &resource) {
  internal::Diagnostics diagnostics(resource.location);
  S3BucketConfiguration config = ReadS3Bucket(resource.configuration, diagnostics);
  S3BucketAccessConfiguration out;
  out.acl = std::move(config.acl);
  out.owner_canonical_id = std::move(config.owner_canonical_id);
  out.block = config.block;
  for (const AccessPoint &point : config.access_points) out.access_point_arns.push_back(point.arn);
  return out;
}

std::vector<base::Issue> CheckS3BucketConfiguration(const json::Value &configuration,
                                                    const RecordLocation &location) {
  internal::Diagnostics diagnostics(location);
  ReadS3Bucket(configuration, diagnostics);
  return diagnostics.TakeIssues();
}

ResourceAnalysis AnalyzeS3Bucket(const Resource &resource, const AccountSettings *account,
                                 const reasoning::ZoneOfTrust &zone,
                                 PolicyAnalysisMemo * /*memo*/) {
  ResourceAnalysis analysis;
  internal::Diagnostics diagnostics(resource.location);
  S3BucketConfiguration config = ReadS3Bucket(resource.configuration, diagnostics);
  std::optional<policy::Policy> bucket_policy;
  std::map<std::string, policy::Policy> point_policies;
  // Every policy of a readable configuration is parsed, so that all their errors are reported at
  // once.
  const bool readable = !diagnostics.has_errors();
  if (readable && config.policy.has_value()) {
    bucket_policy =
        internal::ParsePolicySource(*config.policy, policy::PolicyKind::kResource, diagnostics);
  }
  for (const AccessPoint &point : config.access_points) {
    if (!readable || !point.policy.has_value() || point.account != resource.owner_account) continue;
    if (std::optional<policy::Policy> parsed = internal::ParsePolicySource(
            *point.policy, policy::PolicyKind::kResource, diagnostics)) {
      point_policies.emplace(point.arn, std::move(*parsed));
    }
  }
  if (diagnostics.has_errors()) {
    analysis.findings.push_back(
        internal::ErrorFinding(resource, internal::DescribeErrors(resource, diagnostics.issues())));
    analysis.issues = diagnostics.TakeIssues();
    return analysis;
  }

  S3PublicAccessBlock bucket_block = config.block.value_or(S3PublicAccessBlock{});
  if (account != nullptr && account->s3_public_access_block.has_value()) {
    const S3PublicAccessBlock &account_block = *account->s3_public_access_block;
    bucket_block.ignore_public_acls |= account_block.ignore_public_acls;
    bucket_block.restrict_public_buckets |= account_block.restrict_public_buckets;
  }

  // The bucket policy.
  bool policy_public = false;
  if (bucket_policy.has_value()) {
    reasoning::AnalysisResult result = internal::AnalyzePolicy(
        resource, *bucket_policy, policy::PolicyKind::kResource, S3BucketTargets(resource),
        {FindingSource{FindingSourceType::kPolicy, std::nullopt, std::nullopt}}, "bucketPolicy",
        zone);
    analysis.policies_decided_by_oracle += result.stats.decided_by_oracle;
    for (const Finding &finding : result.findings)
      policy_public |= !finding.error.has_value() && finding.is_public;
    bool blocked = bucket_block.restrict_public_buckets && policy_public;
    for (Finding &finding : result.findings) {
      if (finding.error.has_value()) {
        analysis.findings.push_back(std::move(finding));
        continue;
      }
      if (blocked) continue;
      // Grants that only apply through access points of a named account.
      std::optional<std::string> ap_account;
      std::optional<std::string> ap_arn;  // one access point
      std::optional<std::string>
          ap_pattern;  // the access points of one account whose ARN matches it
      bool through_access_point = false;
      for (const auto &[key, value] : finding.condition) {
        std::string lower = base::AsciiLower(key);
        if (lower == "s3:dataaccesspointaccount") {
          through_access_point = true;
          if (internal::IsAccountIdText(value)) ap_account = value;
        } else if (lower == "s3:dataaccesspointarn") {
          through_access_point = true;
          // An ARN pattern that names its account ("arn:aws:s3:*:111122223333:accesspoint/*") still
          // names the access points of that account only.
          std::optional<policy::Arn> arn = policy::ParseArn(value);
          if (arn.has_value() && internal::IsAccountIdText(arn->account)) {
            ap_account = std::string(arn->account);
            if (value.find_first_of("*?") == std::string::npos) {
              ap_arn = value;
            } else {
              ap_pattern = value;
            }
          }
        }
      }
      if (!through_access_point || !ap_account.has_value()) {
        internal::MergeFinding(analysis.findings, std::move(finding));
        continue;
      }
      if (*ap_account == resource.owner_account)
        continue;  // analyzed with the owner's access points below
      // Delegation to a cross-account access point: its owner decides who gets
      // in.
      std::vector<std::string> arns;
      if (ap_arn.has_value()) {
        arns.push_back(*ap_arn);
      } else {
        for (const AccessPoint &point : config.access_points) {
          bool named =
              !ap_pattern.has_value() ||
              policy::ArnMatches(policy::WildcardPattern::FromGlob(*ap_pattern), point.arn);
          if (point.account == *ap_account && named) arns.push_back(point.arn);
        }
      }
      if (arns.empty()) arns.push_back("");
      for (const std::string &arn : arns) {
        Finding delegated = finding;
        delegated.sources = {FindingSource{
            FindingSourceType::kS3AccessPointAccount,
            arn.empty() ? std::nullopt : std::optional<std::string>(arn), *ap_account}};
        if (bucket_block.restrict_public_buckets) {
          delegated.principal = {{"AWS", *ap_account}};
          delegated.is_public = false;
          if (zone.ContainsAccount(*ap_account)) continue;
        } else {
          delegated.principal = {{"AWS", "*"}};
          delegated.is_public = true;
        }
        delegated.id = findings::StableFindingId(delegated);
        internal::MergeFinding(analysis.findings, std::move(delegated));
      }
    }
  }

  // The ACL.
  ReportAcl(resource, config, account, bucket_block.ignore_public_acls, zone, analysis.findings);

  // The owner's access points: both the access point's policy and the bucket
  // policy must allow.
  for (const AccessPoint &point : config.access_points) {
    if (point.account != resource.owner_account) continue;
    auto policy_it = point_policies.find(point.arn);
    if (policy_it == point_policies.end() || !bucket_policy.has_value()) continue;
    if (bucket_block.restrict_public_buckets && policy_public) continue;
    internal::AccessPointIdentity identity = Identity(point);
    internal::AccessPointPolicies policies =
        internal::PoliciesThrough(policy_it->second, *bucket_policy, identity);
    bool restrict = point.block.restrict_public_buckets || bucket_block.restrict_public_buckets;
    if (restrict) {
      // RestrictPublicBuckets: an access point whose own policy is public
      // serves no one outside the owner's account.
      reasoning::AnalysisResult alone = internal::AnalyzePolicy(
          resource, policies.point_policy, policy::PolicyKind::kResource,
          AccessPointTargets(resource, point),
          {FindingSource{FindingSourceType::kS3AccessPoint, point.arn, std::nullopt}}, point.arn,
          zone);
      bool point_public =
          std::any_of(alone.findings.begin(), alone.findings.end(),
                      [](const Finding &f) { return !f.error.has_value() && f.is_public; });
      if (point_public) continue;
    }
    analysis.policies_decided_by_oracle += internal::AnalyzeThroughAccessPoint(
        resource, policies, identity, AccessPointTargets(resource, point), zone, analysis.findings);
  }
  analysis.issues = diagnostics.TakeIssues();
  return analysis;
}

}  // namespace perimeter::resources
