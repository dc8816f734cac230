// The shape shared by the types whose access is decided by one resource-based
// policy and nothing else (SQS, SNS, Secrets Manager, ECR, EFS, DynamoDB,
// Lambda, IAM role trust, S3 directory buckets): read the configuration member,
// parse its policy, run the engine over the type's targets.
#ifndef PERIMETER_RESOURCES_INTERNAL_POLICY_RESOURCE_H_
#define PERIMETER_RESOURCES_INTERNAL_POLICY_RESOURCE_H_

#include <string_view>
#include <vector>

#include "perimeter/policy/policy.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/policy_analysis_memo.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources::internal {

struct PolicyResourceSpec {
  std::string_view member;        // the Configuration union member: "sqsQueue"
  std::string_view policy_field;  // "queuePolicy"
  // Other string members AWS's shape allows and that do not change who has
  // access ("kmsKeyId").
  std::vector<std::string_view> other_string_fields;
  policy::PolicyKind kind = policy::PolicyKind::kResource;
  // The actions of the type and the ARNs requests name to perform them.
  std::vector<reasoning::ResourceTarget> (*targets)(const Resource &resource) = nullptr;
};

std::vector<base::Issue> CheckPolicyResource(const PolicyResourceSpec &spec,
                                             const json::Value &configuration,
                                             const RecordLocation &location);

// With `memo` (may be null), the engine's result may be shared with resources of the same policy
// (policy_analysis_memo.h).
ResourceAnalysis AnalyzePolicyResource(const PolicyResourceSpec &spec, const Resource &resource,
                                       const reasoning::ZoneOfTrust &zone,
                                       PolicyAnalysisMemo *memo = nullptr);

}  // namespace perimeter::resources::internal

#endif  // PERIMETER_RESOURCES_INTERNAL_POLICY_RESOURCE_H_
