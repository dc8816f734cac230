// Condition evaluation. Every rule below cites the IAM User Guide page it comes from; the pages are
// abbreviated as:
//   [OPS]   "IAM JSON policy elements: Condition operators"
//   [MULTI] "Conditions with multiple context keys or values" (formerly "Creating a condition that
//           tests multiple key values (set operations)")
//   [SVMV]  "Single-valued vs. multivalued context keys"
//   [VARS]  "IAM policy elements: Variables and tags"
// Where AWS documents nothing, the decision is marked DECISION with its reason.
#include "perimeter/eval/condition_evaluator.h"

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "perimeter/policy/arn.h"
#include "perimeter/policy/condition_values.h"
#include "perimeter/policy/policy_variables.h"
#include "perimeter/policy/wildcard.h"

namespace perimeter::eval {
namespace {

using policy::ConditionOperator;
using policy::SetQualifier;

// The operator families and comparisons (policy.h, OperatorTraits).
using Family = policy::OperatorFamily;
using Comparison = policy::OperatorComparison;
using policy::OperatorTraits;

// Wildcards: StringLike/StringNotLike ([OPS]: "The values can include multi-character match
// wildcards (*) and single-character match wildcards (?) anywhere in the string") and the ARN
// operators ([OPS]: "each can include multi-character match wildcards (*) or single-character match
// wildcards (?)"). StringEquals treats '*' literally.
bool IsGlob(Family family) { return family == Family::kStringLike || family == Family::kArn; }

bool Satisfies(std::strong_ordering order, Comparison comparison) {
  switch (comparison) {
    case Comparison::kEqual:
      return order == 0;
    case Comparison::kLess:
      return order < 0;
    case Comparison::kLessEqual:
      return order <= 0;
    case Comparison::kGreater:
      return order > 0;
    case Comparison::kGreaterEqual:
      return order >= 0;
  }
  return false;
}

// One policy value, read once for its operator.
struct PolicyValue {
  std::string text;  // as written
  bool valid = true;
  // Variable-bearing values (String, Arn, Bool families in 2012-10-17 policies).
  std::optional<policy::VariableTemplate> variables;
  // Ready-to-use forms, by family:
  policy::WildcardPattern pattern;  // kStringLike, kString, kStringIgnoreCase (literal or glob)
  policy::ArnPattern arn;           // kArn
  policy::DecimalNumber number;     // kNumeric: views into `text` (stable: see Impl)
  policy::Timestamp date;           // kDate
  bool boolean = false;             // kBool, kNull
  policy::Cidr cidr;                // kIp
  std::string bytes;                // kBinary
};

}  // namespace

struct CompiledCondition::Impl {
  policy::Condition source;
  OperatorTraits traits{Family::kNull, Comparison::kEqual};
  bool negated = false;
  bool valid = true;
  bool has_variables = false;
  // Built once in Compile and never resized afterwards, and Impl itself lives behind a unique_ptr,
  // so the string_views inside each DecimalNumber stay valid for the Impl's lifetime.
  std::vector<PolicyValue> values;

  bool Evaluate(const RequestContext& context) const;
  // Whether request value `r` matches at least one policy value. `resolved` holds the substituted
  // patterns when has_variables (one per value), else is null.
  bool AnyValueMatches(std::string_view r,
                       const std::vector<policy::WildcardPattern>* resolved) const;
};

namespace {

void Report(std::vector<base::Issue>& issues, const policy::ConditionValue& value, std::string code,
            std::string message) {
  issues.push_back(
      base::Issue{base::Severity::kError, std::move(code), value.position, std::move(message)});
}

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

}  // namespace

CompiledCondition CompiledCondition::Compile(const policy::Condition& condition,
                                             bool variables_enabled,
                                             std::vector<base::Issue>& issues) {
  auto impl = std::make_unique<Impl>();
  impl->source = condition;
  impl->traits = policy::TraitsOfOperator(condition.op.op);
  impl->negated = policy::IsNegatedOperator(condition.op.op);
  const Family family = impl->traits.family;
  const std::string op_name(policy::ConditionOperatorName(condition.op.op));
  const bool use_variables = variables_enabled && AllowsPolicyVariables(family);
  // A hint for values such as NumericEquals "${aws:x}" that fail only because variables are not
  // substituted for the operator.
  auto variable_hint = [&](std::string_view text) -> std::string {
    if (!policy::HasPolicyVariables(text)) return "";
    return " (policy variables are not substituted in " + op_name + " conditions)";
  };

  impl->values.reserve(condition.values.size());
  for (const policy::ConditionValue& written : condition.values) {
    PolicyValue value;
    value.text = written.value;
    switch (family) {
      case Family::kString:
      case Family::kStringIgnoreCase:
      case Family::kStringLike:
      case Family::kArn: {
        const bool glob = IsGlob(family);
        if (use_variables) {
          policy::VariableTemplate parsed = policy::VariableTemplate::Parse(value.text, glob);
          if (parsed.has_variables()) {
            value.variables = std::move(parsed);
            impl->has_variables = true;
            break;
          }
          // Only escapes (or nothing): substitute them now.
          value.pattern = policy::WildcardPattern();
          for (const auto& segment : parsed.segments()) value.pattern.Append(segment.text);
        } else {
          value.pattern = glob ? policy::WildcardPattern::FromGlob(value.text)
                               : policy::WildcardPattern::FromLiteral(value.text);
        }
        if (family == Family::kArn) value.arn = policy::ArnPattern::Compile(value.pattern);
        break;
      }
      case Family::kBool: {
        if (use_variables && policy::HasPolicyVariables(value.text)) {
          policy::VariableTemplate parsed =
              policy::VariableTemplate::Parse(value.text, /*glob=*/false);
          if (parsed.has_variables()) {
            value.variables = std::move(parsed);
            impl->has_variables = true;
            break;
          }
        }
        std::optional<bool> parsed = policy::ParseBool(value.text);
        if (!parsed) {
          value.valid = false;
          Report(issues, written, "condition.invalid-bool",
                 op_name + " value " + Quoted(value.text) + " is not \"true\" or \"false\"");
          break;
        }
        value.boolean = *parsed;
        break;
      }
      case Family::kNull: {
        // [OPS], "Condition operator to check existence of condition keys": "use either true (the
        // key doesn't exist — it is null) or false (the key exists and its value is not null)".
        std::optional<bool> parsed = policy::ParseBool(value.text);
        if (!parsed) {
          value.valid = false;
          Report(issues, written, "condition.invalid-null-value",
                 "Null value " + Quoted(value.text) + " is not \"true\" or \"false\"");
          break;
        }
        value.boolean = *parsed;
        break;
      }
      case Family::kNumeric:
        // Parsed below, once the vector no longer moves its strings.
        break;
      case Family::kDate: {
        std::optional<policy::Timestamp> parsed = policy::ParseDate(value.text);
        if (!parsed) {
          value.valid = false;
          Report(issues, written, "condition.invalid-date",
                 op_name + " value " + Quoted(value.text) +
                     " is not an ISO 8601 (W3C) date or epoch time" + variable_hint(value.text));
          break;
        }
        value.date = *parsed;
        break;
      }
      case Family::kIp: {
        std::optional<policy::Cidr> parsed = policy::ParseCidr(value.text);
        if (!parsed) {
          value.valid = false;
          Report(issues, written, "condition.invalid-ip",
                 op_name + " value " + Quoted(value.text) +
                     " is not an IPv4 or IPv6 address or CIDR block" + variable_hint(value.text));
          break;
        }
        value.cidr = *parsed;
        break;
      }
      case Family::kBinary: {
        std::optional<std::string> parsed = policy::DecodeBase64(value.text);
        if (!parsed) {
          value.valid = false;
          Report(issues, written, "condition.invalid-base64",
                 op_name + " value " + Quoted(value.text) + " is not base64" +
                     variable_hint(value.text));
          break;
        }
        value.bytes = std::move(*parsed);
        break;
      }
    }
    impl->values.push_back(std::move(value));
  }
  if (family == Family::kNumeric) {
    for (size_t i = 0; i < impl->values.size(); ++i) {
      PolicyValue& value = impl->values[i];
      std::optional<policy::DecimalNumber> parsed = policy::ParseNumber(value.text);
      if (!parsed) {
        value.valid = false;
        Report(issues, condition.values[i], "condition.invalid-number",
               op_name + " value " + Quoted(value.text) + " is not an integer or decimal number" +
                   variable_hint(value.text));
        continue;
      }
      value.number = *parsed;
    }
  }
  for (const PolicyValue& value : impl->values) impl->valid = impl->valid && value.valid;
  return CompiledCondition(std::move(impl));
}

bool CompiledCondition::Impl::AnyValueMatches(
    std::string_view r, const std::vector<policy::WildcardPattern>* resolved) const {
  auto pattern_of = [&](size_t i) -> const policy::WildcardPattern& {
    return values[i].variables ? (*resolved)[i] : values[i].pattern;
  };
  // A request value the operator cannot read matches no policy value. DECISION: with a negated
  // operator that makes the condition true ("the value equals none of the values"), which keeps
  // every negated operator exactly the negation of its positive twin on a present single value.
  // AWS documents no error path for unreadable request values.
  switch (traits.family) {
    case Family::kString:
      for (size_t i = 0; i < values.size(); ++i) {
        if (pattern_of(i).Matches(r, policy::CaseMode::kSensitive)) return true;
      }
      return false;
    case Family::kStringIgnoreCase:
      // DECISION: ASCII case folding only. AWS does not say how it folds case; Unicode folding is
      // locale- and version-dependent, so non-ASCII bytes compare exactly.
      for (size_t i = 0; i < values.size(); ++i) {
        if (pattern_of(i).Matches(r, policy::CaseMode::kInsensitive)) return true;
      }
      return false;
    case Family::kStringLike:
      // [OPS]: StringLike is "Case-sensitive matching".
      for (size_t i = 0; i < values.size(); ++i) {
        if (pattern_of(i).Matches(r, policy::CaseMode::kSensitive)) return true;
      }
      return false;
    case Family::kArn:
      // [OPS], ARN condition operators: "Each of the six colon-delimited components of the ARN is
      // checked separately". A policy value without the six components (a bare "*", "my-bucket") is
      // no ARN pattern and matches no ARN, so it adds nothing to the OR of ArnLike / ArnEquals and
      // excludes nothing from the NOR of ArnNotLike / ArnNotEquals (the parser warns about it:
      // condition.not-an-arn). The same reading is in the engine's oracle (reasoning/z3).
      for (size_t i = 0; i < values.size(); ++i) {
        if (values[i].variables) {
          policy::ArnPattern substituted = policy::ArnPattern::Compile((*resolved)[i]);
          if (substituted.is_arn() && substituted.Matches(r)) return true;
        } else if (values[i].arn.is_arn() && values[i].arn.Matches(r)) {
          return true;
        }
      }
      return false;
    case Family::kNumeric: {
      // [OPS]: numeric operators compare "a key to an integer or decimal value" — as numbers.
      std::optional<policy::DecimalNumber> number = policy::ParseNumber(r);
      if (!number) return false;
      for (const PolicyValue& value : values) {
        if (Satisfies(policy::CompareNumbers(*number, value.number), traits.comparison))
          return true;
      }
      return false;
    }
    case Family::kDate: {
      // [OPS]: ISO 8601 (W3C) or epoch time, on the request side as in the policy.
      std::optional<policy::Timestamp> date = policy::ParseDate(r);
      if (!date) return false;
      for (const PolicyValue& value : values) {
        if (Satisfies(*date <=> value.date, traits.comparison)) return true;
      }
      return false;
    }
    case Family::kBool: {
      std::optional<bool> boolean = policy::ParseBool(r);
      if (!boolean) return false;
      for (size_t i = 0; i < values.size(); ++i) {
        std::optional<bool> expected = values[i].boolean;
        if (values[i].variables) {
          const policy::WildcardPattern& p = (*resolved)[i];
          expected = p.is_literal() ? policy::ParseBool(p.literal()) : std::nullopt;
        }
        if (expected && *expected == *boolean) return true;
      }
      return false;
    }
    case Family::kBinary: {
      // DECISION: the request context carries binary values as base64 text, like the policy, and
      // the decoded bytes are compared ([OPS]: "compares the value of the specified key byte for
      // byte against a base-64 encoded representation of the binary value in the policy").
      std::optional<std::string> bytes = policy::DecodeBase64(r);
      if (!bytes) return false;
      for (const PolicyValue& value : values) {
        if (value.bytes == *bytes) return true;
      }
      return false;
    }
    case Family::kIp: {
      // [OPS]: the request IP within any of the CIDR blocks; IPv4 and IPv6 both accepted.
      std::optional<policy::IpAddress> address = policy::ParseIpAddress(r);
      if (!address) return false;
      for (const PolicyValue& value : values) {
        if (value.cidr.Contains(*address)) return true;
      }
      return false;
    }
    case Family::kNull:
      assert(false);  // Null is decided in Evaluate before values are compared
      return false;
  }
  return false;
}

bool CompiledCondition::Impl::Evaluate(const RequestContext& context) const {
  const ContextValue* entry = context.Find(source.key_lower);
  // An empty multivalued key is "an empty data set" ([MULTI], Note: "If the key values in the
  // request resolve to an empty data set (for example, an empty string), a condition operator
  // modified by ForAllValues returns true, and a condition operator modified by ForAnyValue returns
  // false").
  const bool empty = entry == nullptr || entry->values.empty();

  if (traits.family == Family::kNull) {
    // [OPS], Null: true means the key is absent, false that it "exists and its value is not null".
    // DECISION: an empty multivalued key counts as null — AWS recommends Null=false precisely to
    // keep "context keys with empty values" from satisfying ForAllValues ("Multivalued context
    // keys" examples page). Any set qualifier on Null is ignored: Null asks about the key, not its
    // values.
    const bool is_null = empty;
    for (const PolicyValue& value : values) {
      if (value.valid && value.boolean == is_null) return true;
    }
    return false;
  }
  // Fail closed: an unreadable policy value (reported at compile time) makes the condition false.
  if (!valid) return false;

  // Substitute variables once per evaluation; only variable-bearing conditions pay for it.
  std::vector<policy::WildcardPattern> resolved;
  if (has_variables) {
    resolved.resize(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      if (!values[i].variables) continue;
      std::optional<policy::WildcardPattern> substituted = values[i].variables->Substitute(context);
      // [VARS]: a variable whose key is "not present" means "any attempt to match it fails and
      // causes the statement to be invalid"; "If AWS cannot resolve a variable, this might cause
      // the entire statement to be invalid". DECISION: the whole condition is false (for negated
      // operators too), so the statement does not apply.
      if (!substituted) return false;
      resolved[i] = std::move(*substituted);
    }
  }
  const std::vector<policy::WildcardPattern>* resolved_ptr = has_variables ? &resolved : nullptr;
  // For one request value: does it satisfy the operator? For a negated operator, "matches none".
  auto value_satisfies = [&](std::string_view r) {
    return AnyValueMatches(r, resolved_ptr) != negated;
  };

  switch (source.op.qualifier) {
    case SetQualifier::kNone: {
      if (entry == nullptr) {
        // [OPS], ...IfExists: "If the key is not present, evaluate the condition element as true."
        if (source.op.if_exists) return true;
        // [OPS], Important: "If the key that you specify in a policy condition is not present in
        // the request context, the values do not match and the condition is false. If the policy
        // condition requires that the key is not matched, such as StringNotLike or ArnNotLike, and
        // the right key is not present, the condition is true." (So a Deny with StringNotEquals
        // aws:SourceVpce applies to requests that do not come through a VPC endpoint at all.)
        return negated;
      }
      if (entry->multivalued && entry->values.size() != 1) {
        // [SVMV]: "Multivalued context keys require a condition set operator", and the global keys
        // page: "To compare your condition against a request context with multiple key values, you
        // must use the ForAllValues or ForAnyValue set operators." What IAM does without one on
        // several values is not documented. DECISION: the condition does not match (false, negated
        // or not), which is what the @cloud-copilot/iam-simulate engine — built from observed IAM
        // behaviour — does ("Set operator is required for a multi-value key"). The policy
        // validator should warn about such conditions.
        return false;
      }
      // DECISION (issue #12, docs/simulate.md "Single-valued operators on multivalued keys"): a
      // multivalued key that carries exactly one value in this request (aws:PrincipalOrgPaths holds
      // one path per principal) is compared as that value: the set operators are required only
      // "with multiple key values", and the engine and the Z3 oracle read the condition the same
      // way.
      return value_satisfies(entry->values.front());
    }
    case SetQualifier::kForAllValues: {
      // [MULTI]: "ForAllValues – The condition returns true if there's a match between every one of
      // the specified key values in the request and at least one value in the policy", and true
      // for an empty data set; an absent key is the empty set ("Multivalued context keys" examples:
      // "The ForAllValues set operator also returns true if there are no context keys in the
      // request"): vacuous truth. With a negated operator each request value must match none of
      // the policy values. A single-valued key is a one-element set ([SVMV] warns that set
      // operators on single-valued keys "can lead to overly permissive policies", which is this
      // reading plus the vacuous case).
      if (empty) return true;
      for (const std::string& r : entry->values) {
        if (!value_satisfies(r)) return false;
      }
      return true;
    }
    case SetQualifier::kForAnyValue: {
      // [MULTI]: "ForAnyValue – The condition returns true if any one of the key values in the
      // request matches any one of the condition values in the policy", false for an empty data
      // set. Negated base operator: some request value matches none of the policy values.
      if (entry == nullptr) {
        // [OPS], ...IfExists applies to "any condition operator name except the Null condition".
        // Note: the cloudcopilot.io operator reference claims IAM ignores IfExists under
        // ForAnyValue; AWS's own text says otherwise and is what we follow.
        return source.op.if_exists;
      }
      for (const std::string& r : entry->values) {
        if (value_satisfies(r)) return true;
      }
      return false;
    }
  }
  return false;
}

CompiledCondition::CompiledCondition(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CompiledCondition::CompiledCondition(CompiledCondition&&) noexcept = default;
CompiledCondition& CompiledCondition::operator=(CompiledCondition&&) noexcept = default;
CompiledCondition::~CompiledCondition() = default;

bool CompiledCondition::Evaluate(const RequestContext& context) const {
  return impl_->Evaluate(context);
}
bool CompiledCondition::valid() const { return impl_->valid; }
const policy::Condition& CompiledCondition::source() const { return impl_->source; }

bool AllowsPolicyVariables(policy::OperatorFamily family) {
  using Family = policy::OperatorFamily;
  switch (family) {
    case Family::kString:
    case Family::kStringIgnoreCase:
    case Family::kStringLike:
    case Family::kArn:
    case Family::kBool:
      return true;
    case Family::kNumeric:
    case Family::kDate:
    case Family::kBinary:
    case Family::kIp:
    case Family::kNull:
      return false;
  }
  return false;
}

}  // namespace perimeter::eval
