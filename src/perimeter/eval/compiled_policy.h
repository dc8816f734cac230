// A policy compiled once for evaluation against many requests: lower-cased action patterns,
// resource patterns ready for ArnMatches (or kept for policy-variable substitution), principal
// matchers and compiled conditions. Immutable after Compile; Match is const and thread-safe.
//
// Statement semantics (IAM User Guide, "IAM JSON policy element reference"):
// - Action / NotAction: action names are case-insensitive; '*' and '?' are wildcards ("Action").
//   NotAction matches every action that none of its patterns matches ("NotAction").
// - Resource / NotResource: matched component by component with ArnMatches ("Resource"); in Version
//   2012-10-17 policies ${...} policy variables are substituted from the request context first, and
//   a pattern whose variable has no value matches nothing ("Variables and tags"). A statement
//   without Resource (role trust policies) applies to any resource.
// - Principal / NotPrincipal: see PrincipalMatch below ("Principal", "NotPrincipal").
// - Condition: every condition must hold (AND across operators and keys; "Condition").
#ifndef PERIMETER_EVAL_COMPILED_POLICY_H_
#define PERIMETER_EVAL_COMPILED_POLICY_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/issue.h"
#include "perimeter/eval/condition_evaluator.h"
#include "perimeter/eval/request.h"
#include "perimeter/policy/policy.h"

namespace perimeter::eval {

// How a statement's Principal element matched the requesting principal. The evaluator needs more
// than yes/no: in a resource-based policy, a grant to the account only delegates to the account's
// identity-based policies, a grant to a role's ARN is still limited by the session's permissions
// boundary and session policy, and a grant to the principal itself is not (IAM User Guide,
// "Policy evaluation logic", table "Resource-based policies and implicit denies in other policy
// types").
enum class PrincipalMatch {
  kNone,
  kImplicit,  // the statement has no Principal: the policy is attached to the principal
              // (identity-based, permissions boundary, session policy, SCP) and applies to it
  kAccount,   // an account id or account root ARN naming the principal's account
  kRole,      // the ARN of the role whose session makes the request
  kDirect,    // "*", {"AWS": "*"}, the principal's own ARN (user, session, federated user), its
            // service name, identity provider or canonical user id; or a NotPrincipal that excludes
            // it
};

std::string_view PrincipalMatchName(PrincipalMatch match);

// The outcome of matching one statement against one request.
struct StatementMatch {
  bool matched = false;
  PrincipalMatch principal = PrincipalMatch::kNone;
  // When matched: which element values matched. Otherwise: the first element that did not match.
  std::string why;
};

struct MatchOptions {
  // True when the requesting IAM user or role has a permissions boundary. IAM User Guide,
  // "Permissions boundaries for IAM entities": "The NotPrincipal element with a Deny effect will
  // always deny any IAM principal that has a permissions boundary policy attached, regardless of
  // the values specified in the NotPrincipal element."
  bool principal_has_boundary = false;
};

// The parts of a statement, for CompiledPolicy::MatchParts.
enum MatchPart : unsigned {
  kMatchPrincipal = 1,
  kMatchAction = 2,
  kMatchResource = 4,
  kMatchConditions = 8,
  kMatchAll = 15,
};

class CompiledPolicy {
 public:
  // Compiles `policy` (a successful ParsePolicy result) of kind `kind`. Problems only evaluation
  // can find (a condition value its operator cannot read) are appended to `issues`; the statement
  // then fails closed: an Allow with such a condition never matches, a Deny treats it as holding.
  static CompiledPolicy Compile(policy::Policy policy, policy::PolicyKind kind,
                                std::vector<base::Issue>& issues);

  CompiledPolicy(CompiledPolicy&&) noexcept;
  CompiledPolicy& operator=(CompiledPolicy&&) noexcept;
  ~CompiledPolicy();

  policy::PolicyKind kind() const;
  const policy::Policy& source() const;
  size_t statement_count() const;

  // Matches statement `index` against `request`. `action_lower` is request.action lower-cased (the
  // caller lower-cases it once per request). REQUIRES: index < statement_count(). Thread-safe.
  StatementMatch Match(size_t index, const Request& request, std::string_view action_lower,
                       const MatchOptions& options = {}) const;

  // As Match(...).matched, without building the explanation: for hot loops.
  bool Matches(size_t index, const Request& request, std::string_view action_lower,
               const MatchOptions& options = {}) const;

  // The statement's scope only: how its Principal names the request's principal when its Principal,
  // Action and Resource all match, kNone otherwise. Conditions are not evaluated.
  PrincipalMatch MatchScope(size_t index, const Request& request, std::string_view action_lower,
                            const MatchOptions& options = {}) const;

  // Matches only the given parts of statement `index` (a mask of MatchPart), without explanation.
  // A part left out counts as matching. For callers that combine parts they decided separately.
  StatementMatch MatchParts(size_t index, const Request& request, std::string_view action_lower,
                            unsigned part_mask, const MatchOptions& options = {}) const;

  // The compiled conditions of statement `index`, in the statement's order. REQUIRES: index <
  // statement_count().
  const std::vector<CompiledCondition>& conditions(size_t index) const;

 private:
  struct Impl;
  explicit CompiledPolicy(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Whether `policy` alone allows `request`: some Allow statement matches and no Deny statement does
// (no other policy, no cross-account rule). What the engines check their witnesses against.
bool PolicyAloneAllows(const CompiledPolicy& policy, const Request& request);

}  // namespace perimeter::eval

#endif  // PERIMETER_EVAL_COMPILED_POLICY_H_
