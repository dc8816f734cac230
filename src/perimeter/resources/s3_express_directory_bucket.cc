#include "perimeter/resources/s3_express_directory_bucket.h"

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "perimeter/base/text.h"
#include "perimeter/policy/arn.h"
#include "perimeter/resources/internal/access_point.h"
#include "perimeter/resources/internal/config_reader.h"
#include "perimeter/resources/internal/findings_builder.h"

namespace perimeter::resources {
namespace {

using findings::Finding;

struct DirectoryAccessPoint {
  internal::AccessPointIdentity identity;
  std::optional<internal::PolicySource> policy;
};

struct DirectoryBucketConfiguration {
  std::optional<internal::PolicySource> policy;
  std::vector<DirectoryAccessPoint> access_points;
};

DirectoryBucketConfiguration Read(const json::Value &configuration,
                                  internal::Diagnostics &diagnostics) {
  DirectoryBucketConfiguration config;
  internal::ObjectReader reader(configuration, "s3ExpressDirectoryBucket", diagnostics);
  config.policy = internal::ReadPolicyMember(reader, "bucketPolicy");
  if (std::optional<json::Value> points = reader.Object("accessPoints")) {
    for (const json::Value &value : points->members()) {
      std::string what =
          base::Concat("s3ExpressDirectoryBucket.accessPoints[\"", value.key(), "\"]");
      DirectoryAccessPoint point;
      point.identity.service = "s3express";
      point.identity.arn = std::string(value.key());
      if (std::optional<internal::AccessPointKey> key =
              internal::ReadAccessPointKey(value, "s3express", what, diagnostics)) {
        point.identity.account = key->account;
      }
      internal::ObjectReader point_reader(value, what, diagnostics);
      point.policy = internal::ReadPolicyMember(point_reader, "accessPointPolicy");
      if (point.policy.has_value()) point.policy->field = what + ".accessPointPolicy";
      point.identity.vpc_id = internal::ReadNetworkOrigin(point_reader, what);
      point_reader.Finish();
      config.access_points.push_back(std::move(point));
    }
  }
  reader.Finish();
  return config;
}

// Whether a finding of the bucket policy only holds for requests through the
// owner's access points (analyzed with each access point instead).
bool OnlyThroughOwnAccessPoints(const Finding &finding, const std::string &owner) {
  for (const auto &[key, value] : finding.condition) {
    std::string lower = base::AsciiLower(key);
    if (lower == "s3express:dataaccesspointaccount" && value == owner) return true;
    if (lower == "s3express:dataaccesspointarn") {
      // A pattern that names the owner's account in full names the owner's access points only.
      std::optional<policy::Arn> arn = policy::ParseArn(value);
      if (arn.has_value() && arn->account == owner) return true;
    }
  }
  return false;
}

}  // namespace

std::vector<reasoning::ResourceTarget> S3ExpressAccessPointTargets(
    const std::string &access_point_arn) {
  static const std::vector<std::string> kAccesspointActions =
      internal::CatalogActions("s3express", "accesspoint");
  return {reasoning::ResourceTarget{{access_point_arn}, kAccesspointActions}};
}

namespace {

// Requests through `point`, and the bucket ARN the bucket policy sees for them.
std::vector<reasoning::ResourceTarget> AccessPointTargets(const Resource &bucket,
                                                          const DirectoryAccessPoint &point) {
  std::vector<reasoning::ResourceTarget> targets = S3ExpressAccessPointTargets(point.identity.arn);
  targets[0].gate_map = reasoning::ArnPrefixMap{point.identity.arn, bucket.arn};
  return targets;
}

}  // namespace

std::vector<reasoning::ResourceTarget> S3ExpressDirectoryBucketTargets(const Resource &resource) {
  static const std::vector<std::string> kBucketActions =
      internal::CatalogActions("s3express", "bucket");
  return {reasoning::ResourceTarget{{resource.arn}, kBucketActions}};
}

std::vector<base::Issue> CheckS3ExpressDirectoryBucketConfiguration(
    const json::Value &configuration, const RecordLocation &location) {
  internal::Diagnostics diagnostics(location);
  Read(configuration, diagnostics);
  return diagnostics.TakeIssues();
}

ResourceAnalysis AnalyzeS3ExpressDirectoryBucket(const Resource &resource,
                                                 const AccountSettings * /*account*/,
                                                 const reasoning::ZoneOfTrust &zone,
                                                 PolicyAnalysisMemo *memo) {
  ResourceAnalysis analysis;
  internal::Diagnostics diagnostics(resource.location);
  DirectoryBucketConfiguration config = Read(resource.configuration, diagnostics);
  std::optional<policy::Policy> bucket_policy;
  std::map<std::string, policy::Policy> point_policies;
  // Every policy of a readable configuration is parsed, so that all their errors are reported at
  // once.
  const bool readable = !diagnostics.has_errors();
  if (readable && config.policy.has_value()) {
    bucket_policy =
        internal::ParsePolicySource(*config.policy, policy::PolicyKind::kResource, diagnostics);
  }
  for (const DirectoryAccessPoint &point : config.access_points) {
    if (!readable || !point.policy.has_value()) continue;
    if (std::optional<policy::Policy> parsed = internal::ParsePolicySource(
            *point.policy, policy::PolicyKind::kResource, diagnostics)) {
      point_policies.emplace(point.identity.arn, std::move(*parsed));
    }
  }
  if (diagnostics.has_errors()) {
    analysis.findings.push_back(
        internal::ErrorFinding(resource, internal::DescribeErrors(resource, diagnostics.issues())));
    analysis.issues = diagnostics.TakeIssues();
    return analysis;
  }
  if (!bucket_policy.has_value()) {
    // No bucket policy: nothing outside the owner's account is allowed, directly
    // or through an access point.
    analysis.issues = diagnostics.TakeIssues();
    return analysis;
  }

  // The bucket policy, for requests made to the bucket itself.
  reasoning::AnalysisResult direct = internal::AnalyzePolicy(
      resource, *bucket_policy, policy::PolicyKind::kResource,
      S3ExpressDirectoryBucketTargets(resource), {}, "bucketPolicy", zone, std::nullopt, memo);
  analysis.policies_decided_by_oracle += direct.stats.decided_by_oracle;
  for (Finding &finding : direct.findings) {
    if (!finding.error.has_value() && OnlyThroughOwnAccessPoints(finding, resource.owner_account))
      continue;
    internal::MergeFinding(analysis.findings, std::move(finding));
  }

  // Each access point: its policy, gated by the bucket policy.
  for (const DirectoryAccessPoint &point : config.access_points) {
    auto policy_it = point_policies.find(point.identity.arn);
    if (policy_it == point_policies.end())
      continue;  // no access point policy: no grant to anyone outside
    analysis.policies_decided_by_oracle += internal::AnalyzeThroughAccessPoint(
        resource, internal::PoliciesThrough(policy_it->second, *bucket_policy, point.identity),
        point.identity, AccessPointTargets(resource, point), zone, analysis.findings);
  }
  analysis.issues = diagnostics.TakeIssues();
  return analysis;
}

}  // namespace perimeter::resources
