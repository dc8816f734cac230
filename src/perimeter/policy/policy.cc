#include "perimeter/policy/policy.h"

#include <array>
#include <utility>

namespace perimeter::policy {

std::string_view PolicyKindName(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::kIdentity:
      return "identity";
    case PolicyKind::kResource:
      return "resource";
    case PolicyKind::kRoleTrust:
      return "role-trust";
    case PolicyKind::kPermissionsBoundary:
      return "permissions-boundary";
    case PolicyKind::kSession:
      return "session";
    case PolicyKind::kServiceControl:
      return "service-control";
    case PolicyKind::kResourceControl:
      return "resource-control";
    case PolicyKind::kVpcEndpoint:
      return "vpc-endpoint";
  }
  return "unknown";
}

std::string_view EffectName(Effect effect) {
  switch (effect) {
    case Effect::kAllow:
      return "Allow";
    case Effect::kDeny:
      return "Deny";
  }
  return "Deny";
}

std::string_view PrincipalKindName(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::kAws:
      return "AWS";
    case PrincipalKind::kService:
      return "Service";
    case PrincipalKind::kFederated:
      return "Federated";
    case PrincipalKind::kCanonicalUser:
      return "CanonicalUser";
  }
  return "AWS";
}

namespace {

constexpr std::array<std::pair<ConditionOperator, std::string_view>, 27> kOperatorNames = {{
    {ConditionOperator::kStringEquals, "StringEquals"},
    {ConditionOperator::kStringNotEquals, "StringNotEquals"},
    {ConditionOperator::kStringEqualsIgnoreCase, "StringEqualsIgnoreCase"},
    {ConditionOperator::kStringNotEqualsIgnoreCase, "StringNotEqualsIgnoreCase"},
    {ConditionOperator::kStringLike, "StringLike"},
    {ConditionOperator::kStringNotLike, "StringNotLike"},
    {ConditionOperator::kNumericEquals, "NumericEquals"},
    {ConditionOperator::kNumericNotEquals, "NumericNotEquals"},
    {ConditionOperator::kNumericLessThan, "NumericLessThan"},
    {ConditionOperator::kNumericLessThanEquals, "NumericLessThanEquals"},
    {ConditionOperator::kNumericGreaterThan, "NumericGreaterThan"},
    {ConditionOperator::kNumericGreaterThanEquals, "NumericGreaterThanEquals"},
    {ConditionOperator::kDateEquals, "DateEquals"},
    {ConditionOperator::kDateNotEquals, "DateNotEquals"},
    {ConditionOperator::kDateLessThan, "DateLessThan"},
    {ConditionOperator::kDateLessThanEquals, "DateLessThanEquals"},
    {ConditionOperator::kDateGreaterThan, "DateGreaterThan"},
    {ConditionOperator::kDateGreaterThanEquals, "DateGreaterThanEquals"},
    {ConditionOperator::kBool, "Bool"},
    {ConditionOperator::kBinaryEquals, "BinaryEquals"},
    {ConditionOperator::kIpAddress, "IpAddress"},
    {ConditionOperator::kNotIpAddress, "NotIpAddress"},
    {ConditionOperator::kArnEquals, "ArnEquals"},
    {ConditionOperator::kArnLike, "ArnLike"},
    {ConditionOperator::kArnNotEquals, "ArnNotEquals"},
    {ConditionOperator::kArnNotLike, "ArnNotLike"},
    {ConditionOperator::kNull, "Null"},
}};

}  // namespace

std::string_view ConditionOperatorName(ConditionOperator op) {
  for (const auto& [candidate, name] : kOperatorNames) {
    if (candidate == op) return name;
  }
  return "";
}

bool IsNegatedOperator(ConditionOperator op) {
  switch (op) {
    case ConditionOperator::kStringNotEquals:
    case ConditionOperator::kStringNotEqualsIgnoreCase:
    case ConditionOperator::kStringNotLike:
    case ConditionOperator::kNumericNotEquals:
    case ConditionOperator::kDateNotEquals:
    case ConditionOperator::kNotIpAddress:
    case ConditionOperator::kArnNotEquals:
    case ConditionOperator::kArnNotLike:
      return true;
    case ConditionOperator::kStringEquals:
    case ConditionOperator::kStringEqualsIgnoreCase:
    case ConditionOperator::kStringLike:
    case ConditionOperator::kNumericEquals:
    case ConditionOperator::kNumericLessThan:
    case ConditionOperator::kNumericLessThanEquals:
    case ConditionOperator::kNumericGreaterThan:
    case ConditionOperator::kNumericGreaterThanEquals:
    case ConditionOperator::kDateEquals:
    case ConditionOperator::kDateLessThan:
    case ConditionOperator::kDateLessThanEquals:
    case ConditionOperator::kDateGreaterThan:
    case ConditionOperator::kDateGreaterThanEquals:
    case ConditionOperator::kBool:
    case ConditionOperator::kBinaryEquals:
    case ConditionOperator::kIpAddress:
    case ConditionOperator::kArnEquals:
    case ConditionOperator::kArnLike:
    case ConditionOperator::kNull:
      return false;
  }
  return false;
}

std::optional<ConditionOperatorSpec> ParseConditionOperator(std::string_view text) {
  ConditionOperatorSpec spec;
  spec.as_written = std::string(text);
  std::string_view rest = text;
  constexpr std::string_view kForAll = "ForAllValues:";
  constexpr std::string_view kForAny = "ForAnyValue:";
  constexpr std::string_view kIfExists = "IfExists";
  if (rest.substr(0, kForAll.size()) == kForAll) {
    spec.qualifier = SetQualifier::kForAllValues;
    rest.remove_prefix(kForAll.size());
  } else if (rest.substr(0, kForAny.size()) == kForAny) {
    spec.qualifier = SetQualifier::kForAnyValue;
    rest.remove_prefix(kForAny.size());
  }
  if (rest.size() > kIfExists.size() && rest.substr(rest.size() - kIfExists.size()) == kIfExists) {
    spec.if_exists = true;
    rest.remove_suffix(kIfExists.size());
  }
  for (const auto& [op, name] : kOperatorNames) {
    if (name == rest) {
      // IAM has no NullIfExists: Null already asks whether the key exists.
      if (op == ConditionOperator::kNull && spec.if_exists) return std::nullopt;
      spec.op = op;
      return spec;
    }
  }
  return std::nullopt;
}

OperatorTraits TraitsOfOperator(ConditionOperator op) {
  switch (op) {
    case ConditionOperator::kStringEquals:
    case ConditionOperator::kStringNotEquals:
      return {OperatorFamily::kString, OperatorComparison::kEqual};
    case ConditionOperator::kStringEqualsIgnoreCase:
    case ConditionOperator::kStringNotEqualsIgnoreCase:
      return {OperatorFamily::kStringIgnoreCase, OperatorComparison::kEqual};
    case ConditionOperator::kStringLike:
    case ConditionOperator::kStringNotLike:
      return {OperatorFamily::kStringLike, OperatorComparison::kEqual};
    case ConditionOperator::kNumericEquals:
    case ConditionOperator::kNumericNotEquals:
      return {OperatorFamily::kNumeric, OperatorComparison::kEqual};
    case ConditionOperator::kNumericLessThan:
      return {OperatorFamily::kNumeric, OperatorComparison::kLess};
    case ConditionOperator::kNumericLessThanEquals:
      return {OperatorFamily::kNumeric, OperatorComparison::kLessEqual};
    case ConditionOperator::kNumericGreaterThan:
      return {OperatorFamily::kNumeric, OperatorComparison::kGreater};
    case ConditionOperator::kNumericGreaterThanEquals:
      return {OperatorFamily::kNumeric, OperatorComparison::kGreaterEqual};
    case ConditionOperator::kDateEquals:
    case ConditionOperator::kDateNotEquals:
      return {OperatorFamily::kDate, OperatorComparison::kEqual};
    case ConditionOperator::kDateLessThan:
      return {OperatorFamily::kDate, OperatorComparison::kLess};
    case ConditionOperator::kDateLessThanEquals:
      return {OperatorFamily::kDate, OperatorComparison::kLessEqual};
    case ConditionOperator::kDateGreaterThan:
      return {OperatorFamily::kDate, OperatorComparison::kGreater};
    case ConditionOperator::kDateGreaterThanEquals:
      return {OperatorFamily::kDate, OperatorComparison::kGreaterEqual};
    case ConditionOperator::kBool:
      return {OperatorFamily::kBool, OperatorComparison::kEqual};
    case ConditionOperator::kBinaryEquals:
      return {OperatorFamily::kBinary, OperatorComparison::kEqual};
    case ConditionOperator::kIpAddress:
    case ConditionOperator::kNotIpAddress:
      return {OperatorFamily::kIp, OperatorComparison::kEqual};
    // [OPS]: "The ArnEquals and ArnLike condition operators behave identically" (and so do
    // ArnNotEquals and ArnNotLike): both match component-wise with wildcards.
    case ConditionOperator::kArnEquals:
    case ConditionOperator::kArnLike:
    case ConditionOperator::kArnNotEquals:
    case ConditionOperator::kArnNotLike:
      return {OperatorFamily::kArn, OperatorComparison::kEqual};
    case ConditionOperator::kNull:
      return {OperatorFamily::kNull, OperatorComparison::kEqual};
  }
  return {OperatorFamily::kNull, OperatorComparison::kEqual};
}

}  // namespace perimeter::policy
