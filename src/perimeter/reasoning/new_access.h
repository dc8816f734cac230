// New access: the requests one policy allows that another does not. The question behind Access
// Analyzer's CheckNoNewAccess ("does the updated policy grant new access compared to the existing
// one?", IAM Access Analyzer API Reference, CheckNoNewAccess), decided exactly by the finite-domain
// method of the external-access engine (docs/engine.md), with both policies read alone: a request
// is allowed when an Allow statement matches it and no Deny statement does.
//
// Method. A policy compares a request only against its own constants, so each dimension of a
// request is cut into the classes that the constants of BOTH policies cannot tell apart, and one
// representative per class decides the whole class:
//   principal  (resource policies) candidate_principals.h on both policies' constants, plus one
//              service principal per Venn region of the Service values and aws:PrincipalServiceName
//              patterns; a principal ARN pattern whose account is partly a wildcard is refused
//   action     Venn regions of every Action / NotAction pattern, over all strings: an action the
//   IAM
//              catalogue does not list yet (or ever) is a request like any other
//   resource   Venn regions of every Resource / NotResource pattern (ARN syntax), over all strings
//   context    each condition key's classes (key_domain.h), from the conditions of both policies;
//              for resource policies the keys AWS derives from the caller come from the principal
// For each (principal, action, resource) class, each policy's allowed contexts are exactly
// ∪ Allow boxes − ∪ Deny boxes (box.h), and the new access there is New − Existing, exactly.
// Policy variables take values from the request, which the classes above do not follow: the new
// policy is bounded from above and the existing one from below (policy_abstraction.h,
// BoundVariables), so new access can be over-reported, never missed; a grant found only because of
// that says so.
//
// Every grant carries a witness: one concrete request that the concrete evaluator finds allowed by
// the (bounded) new policy and not by the (bounded) existing one. Anything the method cannot decide
// (a key read by operators of two types, too many classes, a witness the evaluator disagrees with)
// makes the result undecided with the reason: never a silent "no new access".
#ifndef PERIMETER_REASONING_NEW_ACCESS_H_
#define PERIMETER_REASONING_NEW_ACCESS_H_

#include <optional>
#include <string>
#include <vector>

#include "perimeter/eval/request.h"
#include "perimeter/policy/policy.h"

namespace perimeter::reasoning {

// Whose requests the compared policies speak of.
enum class ComparedPolicies {
  kIdentity,  // policies attached to a principal (no Principal element): requests of that principal
  kResource,  // resource-based or trust policies: requests of any principal
};

// One statement of the new policy that grants access the existing policy does not.
struct NewAccessGrant {
  size_t statement_index = 0;  // in the new policy's Statement list, 0-based
  std::optional<std::string> sid;
  eval::Request witness;
  // Whether the witness separates the two policies as written, not only their bounds: false only
  // when policy variables were approximated and the witness does not survive without the
  // approximation.
  bool confirmed = true;
};

struct NewAccessResult {
  // False when the comparison could not be decided; `undecided_reason` says why, and `grants` is
  // incomplete.
  bool decided = true;
  std::string undecided_reason;
  // Every statement of the new policy that grants new access, in statement order; empty and
  // decided: the existing policy allows every request the new one allows.
  std::vector<NewAccessGrant> grants;
  // How policy variables were approximated, one line per change.
  std::vector<std::string> notes;
};

struct NewAccessOptions {
  // More (principal, action, resource) classes than this is refused rather than tried.
  size_t max_cells = 5'000'000;
  // More boxes than this in one difference is refused.
  size_t max_boxes = 100'000;
};

// Compares two successfully parsed policies. Never fails: what cannot be decided is a result.
NewAccessResult FindNewAccess(const policy::Policy& new_policy,
                              const policy::Policy& existing_policy, ComparedPolicies compared,
                              const NewAccessOptions& options = {});

}  // namespace perimeter::reasoning

#endif  // PERIMETER_REASONING_NEW_ACCESS_H_
