#include "perimeter/reasoning/policy_abstraction.h"

#include "perimeter/base/text.h"
#include "perimeter/policy/policy_variables.h"

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

// The *Like twin of a positive string or ARN operator, or nullopt when a variable in its values cannot
// be widened into a pattern (negated operators, numbers, dates, IPs, ...).
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
  return statement.sid.has_value() && !statement.sid->empty() ? base::Concat("statement \"", *statement.sid, "\"")
                                                              : base::Concat("statement ", statement.index);
}

}  // namespace

AbstractedPolicy AbstractCallerChosenVariables(const policy::Policy& source) {
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
    if (statement.effect == policy::Effect::kDeny) {
      out.notes.push_back(base::Concat(Where(statement), ": a Deny with policy variables is assumed not to apply "
                                                         "(the caller chooses their values)"));
      continue;
    }
    policy::Statement widened = statement;
    if (widened.resource.has_value()) {
      for (policy::Text& pattern : widened.resource->patterns) {
        if (!policy::HasPolicyVariables(pattern.value)) continue;
        out.notes.push_back(base::Concat(Where(statement), ": Resource \"", pattern.value,
                                         "\" read as \"", WidenVariables(pattern.value), "\""));
        pattern.value = WidenVariables(pattern.value);
      }
    }
    widened.conditions.clear();
    for (const policy::Condition& condition : statement.conditions) {
      if (!ConditionHasVariables(condition)) {
        widened.conditions.push_back(condition);
        continue;
      }
      std::optional<ConditionOperator> like = WideningOperator(condition.op.op);
      if (!like.has_value() || condition.op.qualifier != policy::SetQualifier::kNone) {
        out.notes.push_back(base::Concat(Where(statement), ": condition ", condition.op.as_written, " on ",
                                         condition.key, " with policy variables is assumed to hold"));
        continue;
      }
      policy::Condition copy = condition;
      copy.op.op = *like;
      for (policy::ConditionValue& value : copy.values) value.value = WidenVariables(value.value);
      out.notes.push_back(base::Concat(Where(statement), ": condition ", condition.op.as_written, " on ",
                                       condition.key, " with policy variables read as ",
                                       policy::ConditionOperatorName(*like), " with '*' for each variable"));
      widened.conditions.push_back(std::move(copy));
    }
    out.policy.statements.push_back(std::move(widened));
  }
  return out;
}

}  // namespace perimeter::reasoning
