// Policy variables in a resource-based policy ("${aws:username}", "${aws:PrincipalTag/team}") take
// their values from the request, and for a caller outside the zone of trust those values are the
// caller's to choose (an external account names its users and tags its principals as it likes). The
// engine therefore over-approximates them, so that no access is ever hidden:
// - in an Allow statement, each variable becomes '*' (Resource, *Like/*Equals string and ARN
//   values, with *Equals turned into *Like); a condition of another kind that holds a variable, or a
//   negated one, is dropped (the caller can make it hold);
// - a Deny statement with a variable anywhere is dropped (the caller can make it not apply).
// Every change is listed, so findings can say which of their conditions were assumed.
#ifndef PERIMETER_REASONING_POLICY_ABSTRACTION_H_
#define PERIMETER_REASONING_POLICY_ABSTRACTION_H_

#include <string>
#include <vector>

#include "perimeter/policy/policy.h"

namespace perimeter::reasoning {

struct AbstractedPolicy {
  policy::Policy policy;  // statements keep their original `index`
  std::vector<std::string> notes;  // one line per change, for explanations
  bool changed = false;
};

// REQUIRES: a successfully parsed policy. Policies of Version 2008-10-17 have no variables: returned
// unchanged.
AbstractedPolicy AbstractCallerChosenVariables(const policy::Policy& policy);

}  // namespace perimeter::reasoning

#endif  // PERIMETER_REASONING_POLICY_ABSTRACTION_H_
