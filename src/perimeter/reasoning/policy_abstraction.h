// Policy variables in a resource-based policy ("${aws:username}", "${aws:PrincipalTag/team}") take
// their values from the request, and for a caller outside the zone of trust those values are the
// caller's to choose (an external account names its users and tags its principals as it likes). The
// engine therefore over-approximates them, so that no access is ever hidden:
// - in an Allow statement, each variable becomes '*' (Resource, *Like/*Equals string and ARN
//   values, with *Equals turned into *Like); a NotResource pattern with a variable is dropped (a
//   wider pattern would exclude more, not less); a condition of another kind that holds a variable,
//   or a negated one, is dropped (the caller can make it hold);
// - a Deny statement with a variable anywhere is dropped (the caller can make it not apply).
// Every change is listed, so findings can say which of their conditions were assumed.
#ifndef PERIMETER_REASONING_POLICY_ABSTRACTION_H_
#define PERIMETER_REASONING_POLICY_ABSTRACTION_H_

#include <string>
#include <vector>

#include "perimeter/policy/policy.h"

namespace perimeter::reasoning {

struct AbstractedPolicy {
  policy::Policy policy;           // statements keep their original `index`
  std::vector<std::string> notes;  // one line per change, for explanations
  bool changed = false;
};

// BoundVariables(policy, VariableBound::kAllowMore), and one more widening the external-access
// engine needs: in an Allow, a positive operator without a set qualifier on a multivalued key
// ("StringLike": {"aws:PrincipalOrgPaths": "o-x/*"}) is read as ForAnyValue — IAM's reading is not
// documented; the evaluator compares a key carrying one value as that value and matches nothing
// with several (docs/simulate.md), so ForAnyValue agrees with it on one value and is wider on
// several, and an engine must not miss access (docs/access-analyzer-rules.md §3.3). REQUIRES: a
// successfully parsed policy. Policies of Version 2008-10-17 have no variables: only the second
// widening applies.
AbstractedPolicy AbstractCallerChosenVariables(const policy::Policy& policy);

// Which way a variable-free rewriting of a policy may err, whatever values its variables take.
enum class VariableBound {
  kAllowMore,  // the rewriting allows every request the policy allows (and perhaps more)
  kAllowLess,  // the rewriting allows only requests the policy allows (and perhaps fewer)
};

// A policy without policy variables that bounds `policy` from above or below, for comparing two
// policies soundly (new_access.h widens the policy that must not grant more and narrows the one it
// is compared against). Each rewriting moves a statement's scope one way only:
// - an Allow, kAllowMore: a Resource pattern reads each variable as '*'; a NotResource pattern with
// a
//   variable is dropped (the statement excludes less); a condition as AbstractCallerChosenVariables
//   rewrites it (widened into *Like, or dropped: assumed to hold);
// - an Allow, kAllowLess: a Resource pattern with a variable is dropped; a NotResource pattern
// reads
//   each variable as '*' (excludes more); a condition with a variable, or no Resource pattern left,
//   drops the statement (such a condition is false whenever a variable has no value);
// - a Deny, kAllowMore: dropped when it has a variable anywhere (it may not apply);
// - a Deny, kAllowLess: a Resource pattern reads each variable as '*'; a NotResource pattern with a
//   variable is dropped; a condition as in an Allow of kAllowMore (it may hold wherever it did).
// REQUIRES: a successfully parsed policy. Version 2008-10-17 policies are returned unchanged.
AbstractedPolicy BoundVariables(const policy::Policy& policy, VariableBound bound);

}  // namespace perimeter::reasoning

#endif  // PERIMETER_REASONING_POLICY_ABSTRACTION_H_
