#include "perimeter/resources/s3_express_directory_bucket.h"

#include <optional>
#include <string>

#include "perimeter/resources/internal/config_reader.h"
#include "perimeter/resources/internal/findings_builder.h"

namespace perimeter::resources {
namespace {

struct DirectoryBucketConfiguration {
  std::optional<internal::PolicySource> policy;
  size_t access_points = 0;
};

DirectoryBucketConfiguration Read(const json::Value &configuration, internal::Diagnostics &diagnostics) {
  DirectoryBucketConfiguration config;
  internal::ObjectReader reader(configuration, "s3ExpressDirectoryBucket", diagnostics);
  config.policy = internal::ReadPolicyMember(reader, "bucketPolicy");
  if (std::optional<json::Value> points = reader.Object("accessPoints")) config.access_points = points->size();
  reader.Finish();
  return config;
}

}  // namespace

std::vector<reasoning::ResourceTarget> S3ExpressDirectoryBucketTargets(const Resource &resource) {
  return {reasoning::ResourceTarget{{resource.arn}, internal::CatalogActions("s3express", "bucket")}};
}

std::vector<base::Issue> CheckS3ExpressDirectoryBucketConfiguration(const json::Value &configuration,
                                                                    const RecordLocation &location) {
  internal::Diagnostics diagnostics(location);
  Read(configuration, diagnostics);
  return diagnostics.TakeIssues();
}

ResourceAnalysis AnalyzeS3ExpressDirectoryBucket(const Resource &resource, const AccountSettings * /*account*/,
                                                 const reasoning::ZoneOfTrust &zone) {
  ResourceAnalysis analysis;
  internal::Diagnostics diagnostics(resource.location);
  DirectoryBucketConfiguration config = Read(resource.configuration, diagnostics);
  std::optional<policy::Policy> policy;
  if (!diagnostics.has_errors() && config.policy.has_value()) {
    policy = internal::ParsePolicySource(*config.policy, policy::PolicyKind::kResource, diagnostics);
  }
  if (diagnostics.has_errors()) {
    analysis.findings.push_back(
        internal::ErrorFinding(resource, internal::DescribeErrors(resource, diagnostics.issues())));
  } else {
    if (policy.has_value()) {
      reasoning::AnalysisResult result =
          internal::AnalyzePolicy(resource, *policy, policy::PolicyKind::kResource,
                                  S3ExpressDirectoryBucketTargets(resource), {}, "bucketPolicy", zone);
      analysis.findings = std::move(result.findings);
      analysis.policies_decided_by_oracle += result.stats.decided_by_oracle;
    }
    if (config.access_points > 0) {
      analysis.findings.push_back(internal::ErrorFinding(resource,
                                                         "access points of directory buckets are not analyzed yet: "
                                                         "the access they grant is unknown"));
    }
  }
  analysis.issues = diagnostics.TakeIssues();
  return analysis;
}

}  // namespace perimeter::resources
