// Amazon DynamoDB tables (AWS::DynamoDB::Table): the table's resource policy,
// which also governs its indexes (DynamoDB Developer Guide, "Using
// resource-based policies"); index ARNs
// (<table>/index/<name>) fold into the table's findings. Actions: dynamodb on
// "table" and on "index".
#ifndef PERIMETER_RESOURCES_DYNAMODB_TABLE_H_
#define PERIMETER_RESOURCES_DYNAMODB_TABLE_H_

#include <vector>

#include "perimeter/json/document.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources {

class PolicyAnalysisMemo;  // policy_analysis_memo.h

// The actions of the type and the ARNs a request names to perform them on
// `resource`.
std::vector<reasoning::ResourceTarget> DynamoDbTableTargets(const Resource &resource);

// Checks the shape of the `dynamodbTable` configuration member ({"tablePolicy":
// policy}).
std::vector<base::Issue> CheckDynamoDbTableConfiguration(const json::Value &configuration,
                                                         const RecordLocation &location);

// Every external access the configuration grants. Never fails: problems become
// error findings + issues.
ResourceAnalysis AnalyzeDynamoDbTable(const Resource &resource, const AccountSettings *account,
                                      const reasoning::ZoneOfTrust &zone, PolicyAnalysisMemo *memo);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_DYNAMODB_TABLE_H_
