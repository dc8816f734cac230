// Amazon SQS queues (AWS::SQS::Queue): the queue policy and its conditions
// decide external access (IAM User Guide, "IAM Access Analyzer resource types
// for external access: Amazon SQS queues"). Actions: the catalogue's SQS
// actions on resource type "queue".
#ifndef PERIMETER_RESOURCES_SQS_QUEUE_H_
#define PERIMETER_RESOURCES_SQS_QUEUE_H_

#include <vector>

#include "perimeter/json/document.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources {

class PolicyAnalysisMemo;  // policy_analysis_memo.h

// The actions of the type and the ARNs a request names to perform them on
// `resource`.
std::vector<reasoning::ResourceTarget> SqsQueueTargets(const Resource &resource);

// Checks the shape of the `sqsQueue` configuration member ({"queuePolicy":
// policy}).
std::vector<base::Issue> CheckSqsQueueConfiguration(const json::Value &configuration,
                                                    const RecordLocation &location);

// Every external access the configuration grants. Never fails: problems become
// error findings + issues.
ResourceAnalysis AnalyzeSqsQueue(const Resource &resource, const AccountSettings *account,
                                 const reasoning::ZoneOfTrust &zone, PolicyAnalysisMemo *memo);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_SQS_QUEUE_H_
