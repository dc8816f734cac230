#include "perimeter/resources/iam_role.h"

#include "perimeter/resources/internal/findings_builder.h"
#include "perimeter/resources/internal/policy_resource.h"

namespace perimeter::resources {
namespace {

const internal::PolicyResourceSpec &Spec() {
  static const internal::PolicyResourceSpec kSpec{
      "iamRole", "trustPolicy", {}, policy::PolicyKind::kRoleTrust, &IamRoleTargets};
  return kSpec;
}

}  // namespace

std::vector<reasoning::ResourceTarget> IamRoleTargets(const Resource &resource) {
  static const std::vector<std::string> kRoleActions = internal::CatalogActions("sts", "role");
  return {reasoning::ResourceTarget{{resource.arn}, kRoleActions}};
}

std::vector<base::Issue> CheckIamRoleConfiguration(const json::Value &configuration,
                                                   const RecordLocation &location) {
  return internal::CheckPolicyResource(Spec(), configuration, location);
}

ResourceAnalysis AnalyzeIamRole(const Resource &resource, const AccountSettings * /*account*/,
                                const reasoning::ZoneOfTrust &zone, PolicyAnalysisMemo *memo) {
  return internal::AnalyzePolicyResource(Spec(), resource, zone, memo);
}

}  // namespace perimeter::resources
