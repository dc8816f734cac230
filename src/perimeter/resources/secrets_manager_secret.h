// AWS Secrets Manager secrets (AWS::SecretsManager::Secret): the secret's
// resource policy (IAM User Guide, "IAM Access Analyzer resource types for
// external access: AWS Secrets Manager secrets"). The KMS key
// (`kmsKeyId`) does not remove a finding: a secret encrypted with
// aws/secretsmanager cannot be read from another account (Secrets Manager User
// Guide, "Access AWS Secrets Manager secrets from a different account"), but
// the policy still grants the access and Access Analyzer reports it
// (docs/access-analyzer-rules.md Q11). Actions: the catalogue's actions on
// resource type "Secret".
#ifndef PERIMETER_RESOURCES_SECRETS_MANAGER_SECRET_H_
#define PERIMETER_RESOURCES_SECRETS_MANAGER_SECRET_H_

#include <vector>

#include "perimeter/json/document.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources {

class PolicyAnalysisMemo;  // policy_analysis_memo.h

// The actions of the type and the ARNs a request names to perform them on
// `resource`.
std::vector<reasoning::ResourceTarget> SecretsManagerSecretTargets(const Resource &resource);

// Checks the shape of the `secretsManagerSecret` configuration member
// ({"secretPolicy": policy}).
std::vector<base::Issue> CheckSecretsManagerSecretConfiguration(const json::Value &configuration,
                                                                const RecordLocation &location);

// Every external access the configuration grants. Never fails: problems become
// error findings + issues.
ResourceAnalysis AnalyzeSecretsManagerSecret(const Resource &resource,
                                             const AccountSettings *account,
                                             const reasoning::ZoneOfTrust &zone,
                                             PolicyAnalysisMemo *memo);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_SECRETS_MANAGER_SECRET_H_
