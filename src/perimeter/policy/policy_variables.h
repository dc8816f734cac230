// Policy variables in Resource and in condition values of Version 2012-10-17 policies (IAM User
// Guide, "IAM policy elements: Variables and tags").
//
//   ${aws:username}               the value of the request context key, case-insensitive key
//   ${aws:PrincipalTag/team}      tag keys too
//   ${aws:username, 'anonymous'}  a default used when the key is absent
//   ${*} ${?} ${$}                a literal '*', '?' or '$'
//
// Syntax details (ibid., "Specifying default values": "surround the default value with single
// quotes
// (' '), and separate the variable text and the default value with a comma and space (, )"):
// - whitespace around the key and around the quoted default is ignored: ${ aws:username , 'x' };
// - inside a default, '' stands for one quote (the only way to write one);
// - the key is case-insensitive (ibid.: "Key names are case-insensitive"), the default is not;
// - substitution is one pass: a value or default containing "${...}" is not expanded again;
// - anything else that starts with "${" (no closing '}', empty key, key with blanks, unquoted
// default)
//   is not a variable and stays literal text.
#ifndef PERIMETER_POLICY_POLICY_VARIABLES_H_
#define PERIMETER_POLICY_POLICY_VARIABLES_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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

// A value with policy variables, parsed once and substituted per request.
class VariableTemplate {
 public:
  struct Segment {
    enum class Kind { kText, kVariable };
    Kind kind = Kind::kText;
    WildcardPattern text;   // kText: glob or literal text, escapes already applied
    std::string key_lower;  // kVariable
    std::optional<std::string> default_value;  // kVariable, literal
  };

  // When `glob` is true, '*' and '?' outside variables are wildcards.
  static VariableTemplate Parse(std::string_view text, bool glob);

  // nullopt when a variable has no value and no default.
  std::optional<WildcardPattern> Substitute(const VariableResolver& resolver) const;

  // True when at least one segment is a variable (escapes alone do not count: they are resolved
  // at parse time).
  bool has_variables() const;
  const std::vector<Segment>& segments() const { return segments_; }

 private:
  std::vector<Segment> segments_;
};

// Substitutes the variables of `text`. When `glob` is true, '*' and '?' outside variables are
// wildcards (Resource, StringLike, ArnLike); otherwise all text is literal. Substituted values and
// escapes are always literal.
// Returns nullopt when a variable has no value and no default: IAM then treats the element as not
// matching (ibid., principal key table: "not present means that the value is not in the current
// request information, and any attempt to match it fails and causes the statement to be invalid").
// A malformed variable ("${" without "}") is left as literal text.
std::optional<WildcardPattern> SubstituteVariables(std::string_view text,
                                                   const VariableResolver& resolver, bool glob);

}  // namespace perimeter::policy

#endif  // PERIMETER_POLICY_POLICY_VARIABLES_H_
