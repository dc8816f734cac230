// AWS Lambda functions (AWS::Lambda::Function): the function policy, with the
// conditions AddPermission writes (aws:SourceArn, aws:SourceAccount,
// lambda:EventSourceToken, lambda:FunctionUrlAuthType) (IAM User Guide, "IAM
// Access Analyzer resource types for external access: AWS Lambda functions and
// layers"; Lambda Developer Guide, "Security and auth model for Lambda function
// URLs"). A permission on a qualified ARN (version or alias,
// "<function>:<qualifier>") is reported under the function's ARN. Actions:
// lambda on "function".
#ifndef PERIMETER_RESOURCES_LAMBDA_FUNCTION_H_
#define PERIMETER_RESOURCES_LAMBDA_FUNCTION_H_

#include <vector>

#include "perimeter/json/document.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources {

class PolicyAnalysisMemo;  // policy_analysis_memo.h

// The actions of the type and the ARNs a request names to perform them on
// `resource`.
std::vector<reasoning::ResourceTarget> LambdaFunctionTargets(const Resource &resource);

// Checks the shape of the `lambdaFunction` configuration member
// ({"functionPolicy": policy}).
std::vector<base::Issue> CheckLambdaFunctionConfiguration(const json::Value &configuration,
                                                          const RecordLocation &location);

// Every external access the configuration grants. Never fails: problems become
// error findings + issues.
ResourceAnalysis AnalyzeLambdaFunction(const Resource &resource, const AccountSettings *account,
                                       const reasoning::ZoneOfTrust &zone,
                                       PolicyAnalysisMemo *memo);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_LAMBDA_FUNCTION_H_
