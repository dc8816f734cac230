#include "perimeter/resources/lambda_function.h"

#include "perimeter/resources/internal/findings_builder.h"
#include "perimeter/resources/internal/policy_resource.h"

namespace perimeter::resources {
namespace {

const internal::PolicyResourceSpec &Spec() {
  static const internal::PolicyResourceSpec kSpec{"lambdaFunction",
                                                  "functionPolicy",
                                                  {},
                                                  policy::PolicyKind::kResource,
                                                  &LambdaFunctionTargets};
  return kSpec;
}

}  // namespace

std::vector<reasoning::ResourceTarget> LambdaFunctionTargets(const Resource &resource) {
  static const std::vector<std::string> kFunctionActions =
      internal::CatalogActions("lambda", "function");
  return {reasoning::ResourceTarget{{resource.arn, resource.arn + ":*"}, kFunctionActions}};
}

std::vector<base::Issue> CheckLambdaFunctionConfiguration(const json::Value &configuration,
                                                          const RecordLocation &location) {
  return internal::CheckPolicyResource(Spec(), configuration, location);
}

ResourceAnalysis AnalyzeLambdaFunction(const Resource &resource,
                                       const AccountSettings * /*account*/,
                                       const reasoning::ZoneOfTrust &zone,
                                       PolicyAnalysisMemo *memo) {
  return internal::AnalyzePolicyResource(Spec(), resource, zone, memo);
}

}  // namespace perimeter::resources
