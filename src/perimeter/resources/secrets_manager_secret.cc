#include "perimeter/resources/secrets_manager_secret.h"

#include "perimeter/resources/internal/findings_builder.h"
#include "perimeter/resources/internal/policy_resource.h"

namespace perimeter::resources {
namespace {

const internal::PolicyResourceSpec &Spec() {
  static const internal::PolicyResourceSpec kSpec{"secretsManagerSecret",
                                                  "secretPolicy",
                                                  {"kmsKeyId"},
                                                  policy::PolicyKind::kResource,
                                                  &SecretsManagerSecretTargets};
  return kSpec;
}

}  // namespace

std::vector<reasoning::ResourceTarget> SecretsManagerSecretTargets(const Resource &resource) {
  static const std::vector<std::string> kSecretActions =
      internal::CatalogActions("secretsmanager", "Secret");
  return {reasoning::ResourceTarget{{resource.arn}, kSecretActions}};
}

std::vector<base::Issue> CheckSecretsManagerSecretConfiguration(const json::Value &configuration,
                                                                const RecordLocation &location) {
  return internal::CheckPolicyResource(Spec(), configuration, location);
}

ResourceAnalysis AnalyzeSecretsManagerSecret(const Resource &resource,
                                             const AccountSettings * /*account*/,
                                             const reasoning::ZoneOfTrust &zone,
                                             PolicyAnalysisMemo *memo) {
  return internal::AnalyzePolicyResource(Spec(), resource, zone, memo);
}

}  // namespace perimeter::resources
