// Access Analyzer's custom policy checks, offline, on the external-access engine:
// CheckNoPublicAccess, CheckAccessNotGranted and CheckNoNewAccess (IAM Access Analyzer API
// Reference). Results have
// AWS's shape: PASS or FAIL with reasons naming the statements. A PASS is a proof: the engine's
// findings cover every allowed request (docs/engine.md), so no finding means no such access; an
// analysis the engine cannot decide is a FAIL with the reason, never a PASS.
#ifndef PERIMETER_ANALYSIS_POLICY_CHECKS_H_
#define PERIMETER_ANALYSIS_POLICY_CHECKS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "perimeter/json/writer.h"
#include "perimeter/policy/policy.h"

namespace perimeter::analysis {

struct CheckReason {
  std::string description;
  std::optional<size_t> statement_index;
  std::optional<std::string> statement_id;
};

struct CheckResult {
  bool pass = true;
  std::string message;
  std::vector<CheckReason> reasons;
};

// Writes `result` in the shape of AWS's custom policy check responses (Access Analyzer API,
// CheckNoNewAccess / CheckAccessNotGranted / CheckNoPublicAccess): {"result", "message", "reasons":
// [{"description", "statementIndex", "statementId"}]}, an empty statementId left out. The server
// answers it and the CLI prints it.
void WriteCheckResult(const CheckResult& result, json::Writer& w);

// The resource types CheckNoPublicAccess accepts here (AWS's names, e.g. "AWS::S3::Bucket",
// "AWS::IAM::AssumeRolePolicyDocument").
std::vector<std::string> SupportedPublicAccessResourceTypes();

// Whether `policy` (a resource policy of `resource_type`) can grant public access. InvalidArgument
// for a resource type not supported.
absl::StatusOr<CheckResult> CheckNoPublicAccess(const policy::Policy& policy,
                                                const std::string& resource_type);

enum class CheckPolicyType { kIdentityPolicy, kResourcePolicy };

// Whether `policy` grants any of `actions` (exact action names, case-insensitive) on any of
// `resources` (ARNs; empty: any resource) to anyone. For an identity policy, "anyone" is whoever
// the policy is attached to; for a resource policy, any principal it names.
absl::StatusOr<CheckResult> CheckAccessNotGranted(const policy::Policy& policy,
                                                  CheckPolicyType type,
                                                  const std::vector<std::string>& actions,
                                                  const std::vector<std::string>& resources);

// Whether `new_policy` grants access that `existing_policy` does not (CheckNoNewAccess; the
// existing policy is often a broader reference policy). Both are policies of `type`. PASS is a
// proof that every request the new policy allows (for an identity policy: every action, resource
// and context; for a resource policy also every principal) the existing policy allows too, each
// policy read alone. FAIL names each statement of the new policy that grants new access ("New
// access in the statement with index: 0."); a comparison that cannot be decided is a FAIL with a
// reason without statement. Method and its limits: reasoning/new_access.h.
absl::StatusOr<CheckResult> CheckNoNewAccess(const policy::Policy& new_policy,
                                             const policy::Policy& existing_policy,
                                             CheckPolicyType type);

}  // namespace perimeter::analysis

#endif  // PERIMETER_ANALYSIS_POLICY_CHECKS_H_
