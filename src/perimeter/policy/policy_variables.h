// Policy variables in Resource and in condition values of Version 2012-10-17 policies (IAM User Guide,
// "IAM policy elements: Variables and tags").
//
//   ${aws:username}               the value of the request context key, case-insensitive key
//   ${aws:PrincipalTag/team}      tag keys too
//   ${aws:username, 'anonymous'}  a default used when the key is absent
//   ${*} ${?} ${$}                a literal '*', '?' or '$'
#ifndef PERIMETER_POLICY_POLICY_VARIABLES_H_
#define PERIMETER_POLICY_POLICY_VARIABLES_H_

#include <optional>
#include <string>
#include <string_view>

#include "perimeter/policy/wildcard.h"

namespace perimeter::policy {

// Supplies the values of policy variables. Keys are passed lower-cased.
class VariableResolver {
 public:
  virtual ~VariableResolver() = default;
  // The single value of `key_lower`, or nullopt when the request has no such key (or it is
  // multivalued: IAM substitutes only single-valued keys).
  virtual std::optional<std::string_view> Lookup(std::string_view key_lower) const = 0;
};

// True when `text` contains a "${" that starts a policy variable.
bool HasPolicyVariables(std::string_view text);

// Substitutes the variables of `text`. When `glob` is true, '*' and '?' outside variables are
// wildcards (Resource, StringLike, ArnLike); otherwise all text is literal. Substituted values and
// escapes are always literal.
// Returns nullopt when a variable has no value and no default: IAM then treats the element as not
// matching (ibid.: "If there is no value ... the condition / resource does not match").
// A malformed variable ("${" without "}") is left as literal text.
std::optional<WildcardPattern> SubstituteVariables(std::string_view text, const VariableResolver& resolver,
                                                   bool glob);

}  // namespace perimeter::policy

#endif  // PERIMETER_POLICY_POLICY_VARIABLES_H_
