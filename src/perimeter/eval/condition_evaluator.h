// Conditions, compiled once and evaluated many times against request contexts.
//
// Semantics (IAM User Guide, "IAM JSON policy elements: Condition operators", "Condition with
// multiple context keys or values", "Single-valued vs. multivalued context keys", "...IfExists
// condition operators"):
// - multiple values of one key are ORed; for negated operators (StringNotEquals, ...) the key must
//   match none of them (NOR);
// - a key absent from the request: the rule for each operator family is in condition_evaluator.cc,
//   with its source; ...IfExists makes an absent key true; Null tests presence; ForAllValues is
//   true when the key is absent or empty, ForAnyValue false.
// - numbers, dates, IPs, booleans, base64 binaries and ARNs are parsed from the policy at compile
//   time; a policy value the operator cannot read is reported as an Issue at its position.
#ifndef PERIMETER_EVAL_CONDITION_EVALUATOR_H_
#define PERIMETER_EVAL_CONDITION_EVALUATOR_H_

#include <memory>
#include <vector>

#include "perimeter/base/issue.h"
#include "perimeter/eval/request_context.h"
#include "perimeter/policy/policy.h"

namespace perimeter::eval {

class CompiledCondition {
 public:
  // Compiles one condition of a policy. `variables_enabled` is true for Version 2012-10-17
  // policies. Invalid values (a NumericEquals value that is not a number, a bad CIDR, ...) are
  // appended to `issues` with their positions; the returned condition then evaluates to false for
  // Allow purposes and its `valid()` is false, so callers can fail closed.
  static CompiledCondition Compile(const policy::Condition& condition, bool variables_enabled,
                                   std::vector<base::Issue>& issues);

  CompiledCondition(CompiledCondition&&) noexcept;
  CompiledCondition& operator=(CompiledCondition&&) noexcept;
  ~CompiledCondition();

  // Whether the condition holds for `context`. Thread-safe.
  bool Evaluate(const RequestContext& context) const;

  bool valid() const;
  const policy::Condition& source() const;

 private:
  struct Impl;
  explicit CompiledCondition(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Whether values of an operator of `family` may hold policy variables (in a Version 2012-10-17
// policy): with the String and ARN operators (IAM User Guide, "IAM policy elements: Variables and
// tags", Condition element: "You can use a policy variable for Condition values in any condition
// that involves the string operators or the ARN operators") and with Bool ("IAM JSON policy
// elements: Condition operators", Boolean condition operators: "You can use a policy variable with
// the Boolean condition operator"; the Variables page lists Boolean among the operators that cannot
// — we follow the operator's own section). Not with Numeric, Date, Binary, IP or Null (each of
// those sections says so). The evaluator substitutes them; the reasoning layer reads them the same
// way.
bool AllowsPolicyVariables(policy::OperatorFamily family);

}  // namespace perimeter::eval

#endif  // PERIMETER_EVAL_CONDITION_EVALUATOR_H_
