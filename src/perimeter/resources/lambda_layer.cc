#include "perimeter/resources/lambda_layer.h"

#include "perimeter/resources/internal/findings_builder.h"
#include "perimeter/resources/internal/policy_resource.h"

namespace perimeter::resources {
namespace {

const internal::PolicyResourceSpec &Spec() {
  static const internal::PolicyResourceSpec kSpec{"lambdaLayerVersion",
                                                  "layerVersionPolicy",
                                                  {},
                                                  policy::PolicyKind::kResource,
                                                  &LambdaLayerVersionTargets};
  return kSpec;
}

}  // namespace

std::vector<reasoning::ResourceTarget> LambdaLayerVersionTargets(const Resource &resource) {
  static const std::vector<std::string> kLayerVersionActions =
      internal::CatalogActions("lambda", "layerVersion");
  return {reasoning::ResourceTarget{{resource.arn}, kLayerVersionActions}};
}

std::vector<base::Issue> CheckLambdaLayerVersionConfiguration(const json::Value &configuration,
                                                              const RecordLocation &location) {
  return internal::CheckPolicyResource(Spec(), configuration, location);
}

ResourceAnalysis AnalyzeLambdaLayerVersion(const Resource &resource,
                                           const AccountSettings * /*account*/,
                                           const reasoning::ZoneOfTrust &zone,
                                           PolicyAnalysisMemo *memo) {
  return internal::AnalyzePolicyResource(Spec(), resource, zone, memo);
}

}  // namespace perimeter::resources
