#include <string>

#include "fuzz/fuzz_targets.h"
#include "perimeter/base/issue.h"
#include "perimeter/policy/policy_parser.h"

namespace perimeter::fuzz {

// Invariants: the parser never crashes; it returns a policy exactly when it reports no error; every
// issue points inside the document; a parsed policy keeps every statement with its Effect and
// Action, and statement indexes are 0..n-1.
int FuzzPolicyParser(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the policy kind, so every kind's rules are fuzzed.
  static constexpr policy::PolicyKind kKinds[] = {
      policy::PolicyKind::kIdentity,        policy::PolicyKind::kResource,
      policy::PolicyKind::kRoleTrust,       policy::PolicyKind::kPermissionsBoundary,
      policy::PolicyKind::kSession,         policy::PolicyKind::kServiceControl,
      policy::PolicyKind::kResourceControl, policy::PolicyKind::kVpcEndpoint};
  policy::PolicyParseOptions options;
  options.kind = kKinds[data[0] % 8];
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  policy::PolicyParseResult result = policy::ParsePolicy(text, options);
  FuzzCheck(result.policy.has_value() == !base::HasErrors(result.issues), "policy iff no errors");
  FuzzCheck(result.policy.has_value() || !result.issues.empty(), "a rejected policy has a reason");
  for (const base::Issue& issue : result.issues) {
    FuzzCheck(issue.position.offset <= text.size(), "issue inside the document");
    FuzzCheck(!issue.code.empty() && !issue.message.empty(), "issue has a code and a message");
  }
  if (result.policy.has_value()) {
    for (size_t i = 0; i < result.policy->statements.size(); ++i) {
      const policy::Statement& statement = result.policy->statements[i];
      FuzzCheck(statement.index == i, "statement indexes are positions");
      FuzzCheck(!statement.action.patterns.empty(), "every statement keeps its actions");
      for (const policy::Condition& condition : statement.conditions) {
        FuzzCheck(!condition.values.empty(), "every condition keeps its values");
      }
    }
  }
  return 0;
}

}  // namespace perimeter::fuzz
