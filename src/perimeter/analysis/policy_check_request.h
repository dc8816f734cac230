// The request model of the custom policy checks (IAM Access Analyzer API Reference:
// CheckNoNewAccess, CheckNoPublicAccess, CheckAccessNotGranted), read once for both front ends: the
// server's operations (api/policy_check_operations.cc) and the CLI's check commands
// (cli/check_commands.cc). Both report the same problems with the same wording and limits; each
// presents them in its own way (a ValidationException, or lines on standard error).
#ifndef PERIMETER_ANALYSIS_POLICY_CHECK_REQUEST_H_
#define PERIMETER_ANALYSIS_POLICY_CHECK_REQUEST_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/analysis/policy_checks.h"
#include "perimeter/json/document.h"
#include "perimeter/policy/policy.h"

namespace perimeter::analysis {

// A member of a check request that breaks a constraint of the API model: the member's path
// ("access.actions") and the constraint, in AWS's wording ("Member must hold strings").
struct MemberViolation {
  std::string member;
  std::string constraint;
};

// policyType: IDENTITY_POLICY or RESOURCE_POLICY (the model's PolicyType enum for these checks);
// nullopt for any other name, whose violation is kPolicyTypeConstraint.
std::optional<CheckPolicyType> ParseCheckPolicyType(std::string_view name);
inline constexpr std::string_view kPolicyTypeConstraint =
    "Member must satisfy enum value set: [IDENTITY_POLICY, RESOURCE_POLICY]";

// How a check's policy document is parsed: an identity or a resource policy; for
// CheckNoPublicAccess of AWS::IAM::AssumeRolePolicyDocument a role trust policy.
policy::PolicyKind PolicyKindOf(CheckPolicyType type);
policy::PolicyKind PublicAccessPolicyKind(std::string_view resource_type);

// CheckAccessNotGranted's `access`: the actions and resources that must not be granted.
struct AccessToCheck {
  std::vector<std::string> actions;
  std::vector<std::string> resources;
};

// The model's limits on `access`: a list of at most one Access, each with at most 100 actions and
// 100 resources, at least one of the two given.
inline constexpr size_t kMaxAccesses = 1;
inline constexpr size_t kMaxAccessEntries = 100;

// What `access` may be: the model's list of at most one {actions, resources} (the API), or also a
// single {actions, resources} object (the CLI's --access, docs/analyze.md).
enum class AccessForm { kList, kListOrObject };

// Reads `access`. Every problem found is appended to `violations`; the result is meaningful only
// when none was.
AccessToCheck ReadAccessToCheck(const json::Value& access, AccessForm form,
                                std::vector<MemberViolation>& violations);

}  // namespace perimeter::analysis

#endif  // PERIMETER_ANALYSIS_POLICY_CHECK_REQUEST_H_
