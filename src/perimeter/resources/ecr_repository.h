// Amazon ECR repositories (AWS::ECR::Repository): the repository policy (IAM
// User Guide, "IAM Access Analyzer resource types for external access: Amazon
// ECR repositories"). The external principal also needs
// ecr:GetAuthorizationToken in its own identity policy, which is never examined
// (external accounts are out of sight), so it is assumed. Actions: the
// catalogue's ECR actions on "repository".
#ifndef PERIMETER_RESOURCES_ECR_REPOSITORY_H_
#define PERIMETER_RESOURCES_ECR_REPOSITORY_H_

#include <vector>

#include "perimeter/json/document.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources {

class PolicyAnalysisMemo;  // policy_analysis_memo.h

// The actions of the type and the ARNs a request names to perform them on
// `resource`.
std::vector<reasoning::ResourceTarget> EcrRepositoryTargets(const Resource &resource);

// Checks the shape of the `ecrRepository` configuration member
// ({"repositoryPolicy": policy}).
std::vector<base::Issue> CheckEcrRepositoryConfiguration(const json::Value &configuration,
                                                         const RecordLocation &location);

// Every external access the configuration grants. Never fails: problems become
// error findings + issues.
ResourceAnalysis AnalyzeEcrRepository(const Resource &resource, const AccountSettings *account,
                                      const reasoning::ZoneOfTrust &zone, PolicyAnalysisMemo *memo);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_ECR_REPOSITORY_H_
