// AWS KMS keys (AWS::KMS::Key): the key policy and the grants (IAM User Guide,
// "IAM Access Analyzer resource types for external access: AWS KMS keys";
// Access Analyzer API, "KmsKeyConfiguration", "KmsGrantConfiguration").
// - Key policies (`keyPolicies`, name → policy; KMS keys have one, "default"):
// analyzed by the engine
//   with the catalogue's kms actions on "key"; kms:CallerAccount names the
//   caller's account.
// - Grants: a grantee principal outside the zone gets a finding with the
// grant's operations as actions
//   ("kms:" + operation); a retiring principal outside the zone gets
//   kms:RetireGrant. Grant constraints (encryption context) are chosen by the
//   caller, so they restrict nothing (docs/access-analyzer-rules.md §5.4) and
//   do not appear in `condition`. Service principals are not reported. Grants
//   and the key policy merge into one finding when principal and condition
//   agree (KMS findings have no `sources`).
#ifndef PERIMETER_RESOURCES_KMS_KEY_H_
#define PERIMETER_RESOURCES_KMS_KEY_H_

#include <vector>

#include "perimeter/json/document.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources {

class PolicyAnalysisMemo;  // policy_analysis_memo.h

std::vector<reasoning::ResourceTarget> KmsKeyTargets(const Resource &resource);

std::vector<base::Issue> CheckKmsKeyConfiguration(const json::Value &configuration,
                                                  const RecordLocation &location);

ResourceAnalysis AnalyzeKmsKey(const Resource &resource, const AccountSettings *account,
                               const reasoning::ZoneOfTrust &zone, PolicyAnalysisMemo *memo);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_KMS_KEY_H_
