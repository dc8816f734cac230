// A KMS key's policy as the inventory's `keyPolicies` member holds it: a map of policy name to
// policy, with the one name KMS uses, "default" (AWS KMS API Reference, "GetKeyPolicy": PolicyName
// "default"). Written once for AWS Config, CloudFormation and Terraform.
#ifndef PERIMETER_INGEST_INTERNAL_KMS_KEY_POLICY_H_
#define PERIMETER_INGEST_INTERNAL_KMS_KEY_POLICY_H_

#include <string>
#include <string_view>

#include "perimeter/base/text.h"

namespace perimeter::ingest::internal {

inline constexpr std::string_view kKmsKeyPoliciesMember = "keyPolicies";

// `policy_json` (a JSON value: the policy object or a string holding it) as the keyPolicies map.
inline std::string KmsKeyPolicies(std::string_view policy_json) {
  return base::Concat("{\"default\":", policy_json, "}");
}

}  // namespace perimeter::ingest::internal

#endif  // PERIMETER_INGEST_INTERNAL_KMS_KEY_POLICY_H_
