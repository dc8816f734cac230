#include "perimeter/resources/efs_file_system.h"

#include "perimeter/resources/internal/findings_builder.h"
#include "perimeter/resources/internal/policy_resource.h"

namespace perimeter::resources {
namespace {

const internal::PolicyResourceSpec &Spec() {
  static const internal::PolicyResourceSpec kSpec{"efsFileSystem",
                                                  "fileSystemPolicy",
                                                  {},
                                                  policy::PolicyKind::kResource,
                                                  &EfsFileSystemTargets};
  return kSpec;
}

}  // namespace

std::vector<reasoning::ResourceTarget> EfsFileSystemTargets(const Resource &resource) {
  static const std::vector<std::string> kFileSystemActions =
      internal::CatalogActions("elasticfilesystem", "file-system");
  return {reasoning::ResourceTarget{{resource.arn}, kFileSystemActions}};
}

std::vector<base::Issue> CheckEfsFileSystemConfiguration(const json::Value &configuration,
                                                         const RecordLocation &location) {
  return internal::CheckPolicyResource(Spec(), configuration, location);
}

ResourceAnalysis AnalyzeEfsFileSystem(const Resource &resource, const AccountSettings * /*account*/,
                                      const reasoning::ZoneOfTrust &zone,
                                      PolicyAnalysisMemo *memo) {
  return internal::AnalyzePolicyResource(Spec(), resource, zone, memo);
}

}  // namespace perimeter::resources
