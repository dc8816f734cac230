// AWS Lambda layer versions (AWS::Lambda::LayerVersion): the layer version
// policy, which grants lambda:GetLayerVersion to an account, an organization
// (aws:PrincipalOrgID) or everyone (IAM User Guide, "IAM Access Analyzer
// resource types for external access: AWS Lambda functions and layers"; Lambda
// Developer Guide, "Using layer permissions"). Actions: lambda on
// "layerVersion".
#ifndef PERIMETER_RESOURCES_LAMBDA_LAYER_H_
#define PERIMETER_RESOURCES_LAMBDA_LAYER_H_

#include <vector>

#include "perimeter/json/document.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources {

class PolicyAnalysisMemo;  // policy_analysis_memo.h

// The actions of the type and the ARNs a request names to perform them on
// `resource`.
std::vector<reasoning::ResourceTarget> LambdaLayerVersionTargets(const Resource &resource);

// Checks the shape of the `lambdaLayerVersion` configuration member
// ({"layerVersionPolicy": policy}).
std::vector<base::Issue> CheckLambdaLayerVersionConfiguration(const json::Value &configuration,
                                                              const RecordLocation &location);

// Every external access the configuration grants. Never fails: problems become
// error findings + issues.
ResourceAnalysis AnalyzeLambdaLayerVersion(const Resource &resource, const AccountSettings *account,
                                           const reasoning::ZoneOfTrust &zone,
                                           PolicyAnalysisMemo *memo);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_LAMBDA_LAYER_H_
