// The request context: the condition keys of one request and their values, as AWS passes them —
// strings, single- or multivalued. Operators decide how a value is read (number, date, bool, IP,
// ARN). IAM User Guide: "Single-valued vs. multivalued context keys".
#ifndef PERIMETER_EVAL_REQUEST_CONTEXT_H_
#define PERIMETER_EVAL_REQUEST_CONTEXT_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/policy/policy_variables.h"

namespace perimeter::eval {

struct ContextValue {
  std::vector<std::string> values;
  // A multivalued key (aws:TagKeys, aws:PrincipalOrgPaths, ...), possibly with one or zero values.
  // A single-valued key has exactly one value.
  bool multivalued = false;
};

class RequestContext : public policy::VariableResolver {
 public:
  // Sets a key (case-insensitive: stored lower-cased), replacing any earlier value.
  void Set(std::string_view key, std::string value);
  void SetMultivalued(std::string_view key, std::vector<std::string> values);
  void Erase(std::string_view key);

  // REQUIRES: key_lower is lower-case.
  const ContextValue* Find(std::string_view key_lower) const;
  bool Has(std::string_view key_lower) const { return Find(key_lower) != nullptr; }

  // VariableResolver: the single value of a single-valued key.
  std::optional<std::string_view> Lookup(std::string_view key_lower) const override;

  const std::map<std::string, ContextValue, std::less<>>& entries() const { return entries_; }

 private:
  std::map<std::string, ContextValue, std::less<>> entries_;
};

}  // namespace perimeter::eval

#endif  // PERIMETER_EVAL_REQUEST_CONTEXT_H_
