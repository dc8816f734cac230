// Amazon SNS topics (AWS::SNS::Topic): the topic policy and its conditions (IAM
// User Guide, "IAM Access Analyzer resource types for external access: Amazon
// SNS topics"; AddPermission also writes the topic policy). Actions: the
// catalogue's SNS actions on resource type "topic".
#ifndef PERIMETER_RESOURCES_SNS_TOPIC_H_
#define PERIMETER_RESOURCES_SNS_TOPIC_H_

#include <vector>

#include "perimeter/json/document.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources {

class PolicyAnalysisMemo;  // policy_analysis_memo.h

// The actions of the type and the ARNs a request names to perform them on
// `resource`.
std::vector<reasoning::ResourceTarget> SnsTopicTargets(const Resource &resource);

// Checks the shape of the `snsTopic` configuration member ({"topicPolicy":
// policy}).
std::vector<base::Issue> CheckSnsTopicConfiguration(const json::Value &configuration,
                                                    const RecordLocation &location);

// Every external access the configuration grants. Never fails: problems become
// error findings + issues.
ResourceAnalysis AnalyzeSnsTopic(const Resource &resource, const AccountSettings *account,
                                 const reasoning::ZoneOfTrust &zone, PolicyAnalysisMemo *memo);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_SNS_TOPIC_H_
