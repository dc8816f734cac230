// IAM roles (AWS::IAM::Role): only the trust policy (IAM User Guide, "IAM
// Access Analyzer resource types for external access: IAM roles"). Federated
// principals (SAML, OIDC such as GitHub Actions, Cognito, Google, Facebook,
// Login with Amazon) are always external; an OIDC trust without a `sub`
// condition is public (anyone with a token of that provider) and one with it
// names who (reasoning/condition_keys.cc). Roles are global: callers report the
// findings in every Region that has an analyzer. Actions: the catalogue's sts
// actions on "role" (AssumeRole, AssumeRoleWithSAML, AssumeRoleWithWebIdentity,
// TagSession, SetSourceIdentity, SetContext).
#ifndef PERIMETER_RESOURCES_IAM_ROLE_H_
#define PERIMETER_RESOURCES_IAM_ROLE_H_

#include <vector>

#include "perimeter/json/document.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources {

class PolicyAnalysisMemo;  // policy_analysis_memo.h

// The actions of the type and the ARNs a request names to perform them on
// `resource`.
std::vector<reasoning::ResourceTarget> IamRoleTargets(const Resource &resource);

// Checks the shape of the `iamRole` configuration member ({"trustPolicy":
// policy}).
std::vector<base::Issue> CheckIamRoleConfiguration(const json::Value &configuration,
                                                   const RecordLocation &location);

// Every external access the configuration grants. Never fails: problems become
// error findings + issues.
ResourceAnalysis AnalyzeIamRole(const Resource &resource, const AccountSettings *account,
                                const reasoning::ZoneOfTrust &zone, PolicyAnalysisMemo *memo);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_IAM_ROLE_H_
