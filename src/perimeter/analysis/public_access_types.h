// The resource types CheckNoPublicAccess accepts: every value of the model's
// AccessCheckResourceType (IAM Access Analyzer API Reference, CheckNoPublicAccess, resourceType),
// each with what a policy of the type can grant. A policy of the type is checked as the policy of a
// resource that stands for every resource of the type (its ARN is a glob over names, regions and
// accounts), so the policy's own Resource element decides what it reaches.
//
// Types Perimeter also analyzes for findings (resources/) reuse that module's targets; the others
// take their actions from the IAM catalogue (the service's actions on the named resource types),
// as their resource policies name them. The rule for each type and its AWS source are in
// docs/access-analyzer-rules.md, "CheckNoPublicAccess".
#ifndef PERIMETER_ANALYSIS_PUBLIC_ACCESS_TYPES_H_
#define PERIMETER_ANALYSIS_PUBLIC_ACCESS_TYPES_H_

#include <string>
#include <string_view>
#include <vector>

#include "perimeter/policy/policy.h"
#include "perimeter/reasoning/external_access.h"

namespace perimeter::analysis {

// What CheckNoPublicAccess analyzes for one resource type.
struct PublicAccessType {
  std::string_view name;  // AWS's name: "AWS::SQS::Queue"
  // A glob that matches the ARN of every resource of the type ("arn:aws:sqs:*:*:*").
  std::string_view arn;
  policy::PolicyKind kind;
  // The requests a policy of the type can allow: actions and the ARNs they name.
  std::vector<reasoning::ResourceTarget> targets;
  // A value of AWS's AccessCheckResourceType (the API accepts it); false for the types only the
  // CLI checks.
  bool in_api_enum = true;
  // Whether an Allowed action of any service counts, beyond `targets` (policy_checks.cc): true for
  // the types only checked, as AWS's check reads them (docs/access-analyzer-rules.md §7.1).
  bool any_action_counts = false;
};

// Every type of AccessCheckResourceType, in the model's order, then those only the CLI checks.
const std::vector<PublicAccessType>& PublicAccessTypes();

// Whether `name` is a value of AWS's AccessCheckResourceType.
bool IsAccessCheckResourceType(std::string_view name);

// The type named `name`, or nullptr.
const PublicAccessType* FindPublicAccessType(std::string_view name);

}  // namespace perimeter::analysis

#endif  // PERIMETER_ANALYSIS_PUBLIC_ACCESS_TYPES_H_
