// Amazon DynamoDB streams (AWS::DynamoDB::Stream): the stream's resource policy
// (DynamoDB Developer Guide, "Using resource-based policies"). Actions:
// dynamodb on "stream".
#ifndef PERIMETER_RESOURCES_DYNAMODB_STREAM_H_
#define PERIMETER_RESOURCES_DYNAMODB_STREAM_H_

#include <vector>

#include "perimeter/json/document.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources {

class PolicyAnalysisMemo;  // policy_analysis_memo.h

// The actions of the type and the ARNs a request names to perform them on
// `resource`.
std::vector<reasoning::ResourceTarget> DynamoDbStreamTargets(const Resource &resource);

// Checks the shape of the `dynamodbStream` configuration member
// ({"streamPolicy": policy}).
std::vector<base::Issue> CheckDynamoDbStreamConfiguration(const json::Value &configuration,
                                                          const RecordLocation &location);

// Every external access the configuration grants. Never fails: problems become
// error findings + issues.
ResourceAnalysis AnalyzeDynamoDbStream(const Resource &resource, const AccountSettings *account,
                                       const reasoning::ZoneOfTrust &zone,
                                       PolicyAnalysisMemo *memo);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_DYNAMODB_STREAM_H_
