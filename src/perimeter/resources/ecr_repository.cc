#include "perimeter/resources/ecr_repository.h"

#include "perimeter/resources/internal/findings_builder.h"
#include "perimeter/resources/internal/policy_resource.h"

namespace perimeter::resources {
namespace {

const internal::PolicyResourceSpec &Spec() {
  static const internal::PolicyResourceSpec kSpec{"ecrRepository",
                                                  "repositoryPolicy",
                                                  {},
                                                  policy::PolicyKind::kResource,
                                                  &EcrRepositoryTargets};
  return kSpec;
}

}  // namespace

std::vector<reasoning::ResourceTarget> EcrRepositoryTargets(const Resource &resource) {
  static const std::vector<std::string> kRepositoryActions =
      internal::CatalogActions("ecr", "repository");
  return {reasoning::ResourceTarget{{resource.arn}, kRepositoryActions}};
}

std::vector<base::Issue> CheckEcrRepositoryConfiguration(const json::Value &configuration,
                                                         const RecordLocation &location) {
  return internal::CheckPolicyResource(Spec(), configuration, location);
}

ResourceAnalysis AnalyzeEcrRepository(const Resource &resource, const AccountSettings * /*account*/,
                                      const reasoning::ZoneOfTrust &zone,
                                      PolicyAnalysisMemo *memo) {
  return internal::AnalyzePolicyResource(Spec(), resource, zone, memo);
}

}  // namespace perimeter::resources
