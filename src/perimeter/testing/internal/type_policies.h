// Internal to the corpus generator (src/perimeter/testing/corpus_generator.h); not an API.
// The resource policies of each type, in the shapes found in real accounts and the adversarial
// ones.
#ifndef PERIMETER_TESTING_INTERNAL_TYPE_POLICIES_H_
#define PERIMETER_TESTING_INTERNAL_TYPE_POLICIES_H_

#include <string>
#include <vector>

#include "perimeter/testing/internal/policy_document.h"
#include "perimeter/testing/internal/record_builder.h"

namespace perimeter::corpus::internal {

inline const std::vector<std::string> kS3Read = {"s3:GetObject", "s3:GetObjectVersion"};

Policy BucketPolicy(Builder& b, const std::string& arn);
Policy TrustPolicy(Builder& b);
Policy KeyPolicy(Builder& b);
Policy FunctionPolicy(Builder& b, const std::string& arn);
Policy QueuePolicy(Builder& b, const std::string& arn);
Policy TopicPolicy(Builder& b, const std::string& arn);
Policy SecretPolicy(Builder& b);
// One grant of `actions` on `resources` (ECR, EFS, DynamoDB, Lambda layers, directory buckets),
// with the usual guard rails; `service_conditions` are added to its public-conditioned variant.
Policy SimpleGrantPolicy(Builder& b, const std::string& prefix, const Values& actions,
                         const Values& resources, std::vector<Condition> service_conditions = {});

}  // namespace perimeter::corpus::internal

#endif  // PERIMETER_TESTING_INTERNAL_TYPE_POLICIES_H_
