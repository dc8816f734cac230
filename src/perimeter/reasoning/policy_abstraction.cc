#include "perimeter/reasoning/policy_abstraction.h"

#include <optional>
#include <vector>

#include "perimeter/base/text.h"
#include "perimeter/policy/policy_variables.h"
#include "perimeter/reasoning/key_domain.h"

namespace perimeter::reasoning {
namespace {

using policy::ConditionOperator;

// `text` with every "${...}" replaced by '*'.
std::string WidenVariables(const std::string& text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 2, "${") == 0) {
      size_t close = text.find('}', i + 2);
      if (close != std::string::npos) {
        out.push_back('*');
        i = close + 1;
        continue;
      }
    }
    out.push_back(text[i++]);
  }
  return out;
}

// The *Like twin of a positive string or ARN operator, or nullopt when a variable in its values
// cannot be widened into a pattern (negated operators, numbers, dates, IPs, ...).
std::optional<ConditionOperator> WideningOperator(ConditionOperator op) {
  switch (op) {
    case ConditionOperator::kStringEquals:
    case ConditionOperator::kStringLike:
      return ConditionOperator::kStringLike;
    case ConditionOperator::kArnEquals:
    case ConditionOperator::kArnLike:
      return ConditionOperator::kArnLike;
    // No case-insensitive *Like operator exists to widen into: the condition is assumed to hold.
    case ConditionOperator::kStringEqualsIgnoreCase:
    case ConditionOperator::kStringNotEquals:
    case ConditionOperator::kStringNotEqualsIgnoreCase:
    case ConditionOperator::kStringNotLike:
    case ConditionOperator::kNumericEquals:
    case ConditionOperator::kNumericNotEquals:
    case ConditionOperator::kNumericLessThan:
    case ConditionOperator::kNumericLessThanEquals:
    case ConditionOperator::kNumericGreaterThan:
    case ConditionOperator::kNumericGreaterThanEquals:
    case ConditionOperator::kDateEquals:
    case ConditionOperator::kDateNotEquals:
    case ConditionOperator::kDateLessThan:
    case ConditionOperator::kDateLessThanEquals:
    case ConditionOperator::kDateGreaterThan:
    case ConditionOperator::kDateGreaterThanEquals:
    case ConditionOperator::kBool:
    case ConditionOperator::kBinaryEquals:
    case ConditionOperator::kIpAddress:
    case ConditionOperator::kNotIpAddress:
    case ConditionOperator::kArnNotEquals:
    case ConditionOperator::kArnNotLike:
    case ConditionOperator::kNull:
      return std::nullopt;
  }
  return std::nullopt;
}

bool ConditionHasVariables(const policy::Condition& condition) {
  for (const policy::ConditionValue& value : condition.values) {
    if (policy::HasPolicyVariables(value.value)) return true;
  }
  return false;
}

bool StatementHasVariables(const policy::Statement& statement) {
  if (statement.resource.has_value()) {
    for (const policy::Text& pattern : statement.resource->patterns) {
      if (policy::HasPolicyVariables(pattern.value)) return true;
    }
  }
  for (const policy::Condition& condition : statement.conditions) {
    if (ConditionHasVariables(condition)) return true;
  }
  return false;
}

std::string Where(const policy::Statement& statement) {
  return statement.sid.has_value() && !statement.sid->empty()
             ? base::Concat("statement \"", *statement.sid, "\"")
             : base::Concat("statement ", statement.index);
}

// The conditions of `statement` made to hold at least where they held: each one with a variable is
// widened into a *Like operator with '*' for each variable, or dropped (assumed to hold) when no
// such operator exists.
std::vector<policy::Condition> WidenConditions(const policy::Statement& statement,
                                               std::vector<std::string>& notes) {
  std::vector<policy::Condition> out;
  for (const policy::Condition& condition : statement.conditions) {
    if (!ConditionHasVariables(condition)) {
      out.push_back(condition);
      continue;
    }
    std::optional<ConditionOperator> like = WideningOperator(condition.op.op);
    if (!like.has_value() || condition.op.qualifier != policy::SetQualifier::kNone) {
      notes.push_back(base::Concat(Where(statement), ": condition ", condition.op.as_written,
                                   " on ", condition.key,
                                   " with policy variables is assumed to hold"));
      continue;
    }
    policy::Condition copy = condition;
    copy.op.op = *like;
    for (policy::ConditionValue& value : copy.values) value.value = WidenVariables(value.value);
    notes.push_back(base::Concat(Where(statement), ": condition ", condition.op.as_written, " on ",
                                 condition.key, " with policy variables read as ",
                                 policy::ConditionOperatorName(*like),
                                 " with '*' for each variable"));
    out.push_back(std::move(copy));
  }
  return out;
}

// Whether every condition of `statement` is free of variables. A condition with one cannot be
// narrowed by dropping its variable values: it is false as a whole when a variable has no value in
// the request (eval/condition_evaluator.cc, [VARS]), which the values left would not be.
bool ConditionsWithoutVariables(const policy::Statement& statement,
                                std::vector<std::string>& notes) {
  for (const policy::Condition& condition : statement.conditions) {
    if (!ConditionHasVariables(condition)) continue;
    notes.push_back(base::Concat(Where(statement), ": condition ", condition.op.as_written, " on ",
                                 condition.key,
                                 " with policy variables may not hold: the statement is left out"));
    return false;
  }
  return true;
}

}  // namespace

AbstractedPolicy BoundVariables(const policy::Policy& source, VariableBound bound) {
  AbstractedPolicy out;
  out.policy = source;
  if (source.version != policy::PolicyVersion::k2012_10_17) return out;
  out.policy.statements.clear();
  for (const policy::Statement& statement : source.statements) {
    if (!StatementHasVariables(statement)) {
      out.policy.statements.push_back(statement);
      continue;
    }
    out.changed = true;
    bool allow = statement.effect == policy::Effect::kAllow;
    if (!allow && bound == VariableBound::kAllowMore) {
      out.notes.push_back(
          base::Concat(Where(statement), ": a Deny with policy variables is assumed not to apply"));
      continue;
    }
    // Whether the rewritten statement must match more requests (a Deny of a lower bound, an Allow
    // of an upper bound) or fewer.
    bool match_more = allow == (bound == VariableBound::kAllowMore);
    policy::Statement bounded = statement;
    if (bounded.resource.has_value()) {
      // Widening a pattern makes Resource match more and NotResource exclude more; dropping one
      // does the opposite.
      bool widen = match_more != bounded.resource->negated;
      std::vector<policy::Text> kept;
      for (const policy::Text& pattern : bounded.resource->patterns) {
        if (!policy::HasPolicyVariables(pattern.value)) {
          kept.push_back(pattern);
        } else if (widen) {
          kept.push_back({WidenVariables(pattern.value), pattern.position});
          out.notes.push_back(base::Concat(Where(statement), ": \"", pattern.value, "\" read as \"",
                                           kept.back().value, "\""));
        } else {
          out.notes.push_back(base::Concat(Where(statement), ": \"", pattern.value, "\" left out"));
        }
      }
      bounded.resource->patterns = std::move(kept);
      if (!bounded.resource->negated && bounded.resource->patterns.empty()) {
        out.notes.push_back(
            base::Concat(Where(statement), ": no resource left, the statement is left out"));
        continue;
      }
    }
    if (match_more) {
      bounded.conditions = WidenConditions(statement, out.notes);
    } else if (!ConditionsWithoutVariables(statement, out.notes)) {
      continue;
    }
    out.policy.statements.push_back(std::move(bounded));
  }
  return out;
}

AbstractedPolicy AbstractCallerChosenVariables(const policy::Policy& policy) {
  AbstractedPolicy out = BoundVariables(policy, VariableBound::kAllowMore);
  // A positive operator without a set qualifier on a multivalued key ("StringLike":
  // {"aws:PrincipalOrgPaths": "o-x/*"}): what IAM does is not documented ("Multivalued context keys
  // require a condition set operator", IAM User Guide, "Single-valued vs. multivalued context
  // keys"). The evaluator compares a request carrying one value as that value and matches nothing
  // with several (eval/condition_evaluator.cc, docs/simulate.md). In an Allow, read as ForAnyValue,
  // which holds wherever that reading holds for a present key. (A Deny keeps the evaluator's
  // reading.)
  for (policy::Statement& statement : out.policy.statements) {
    if (statement.effect != policy::Effect::kAllow) continue;
    for (policy::Condition& condition : statement.conditions) {
      if (condition.op.qualifier != policy::SetQualifier::kNone ||
          !IsMultivaluedKey(condition.key_lower) || condition.op.op == ConditionOperator::kNull ||
          policy::IsNegatedOperator(condition.op.op)) {
        continue;
      }
      condition.op.qualifier = policy::SetQualifier::kForAnyValue;
      out.changed = true;
      out.notes.push_back(base::Concat(
          Where(statement), ": condition ", condition.op.as_written, " on ", condition.key,
          ", a multivalued key, read as ForAnyValue:", condition.op.as_written));
    }
  }
  return out;
}

}  // namespace perimeter::reasoning
