// The IAM policy model: what a policy document says, element by element, with where each element
// was written. Produced by ParsePolicy (policy_parser.h) and immutable afterwards.
//
// Grammar: IAM User Guide, "IAM JSON policy element reference" and "Grammar of the IAM JSON policy
// language". Case rules (ibid., and "IAM JSON policy elements: Condition operators"): element names
// are case-sensitive, action names and condition keys are case-insensitive, values are
// case-sensitive unless the operator says otherwise (StringEqualsIgnoreCase, ...).
#ifndef PERIMETER_POLICY_POLICY_H_
#define PERIMETER_POLICY_POLICY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/source_position.h"

namespace perimeter::policy {

// Which kind of policy a document is: decides which elements are required or forbidden and the
// size limit AWS enforces.
enum class PolicyKind {
  kIdentity,             // identity-based (managed or inline): no Principal; Resource required
  kResource,             // resource-based (bucket, queue, key, function, ...): Principal required
  kRoleTrust,            // IAM role trust policy: Principal required; Resource not used
  kPermissionsBoundary,  // as identity-based
  kSession,          // session policy passed to AssumeRole*/GetFederationToken: as identity-based
  kServiceControl,   // SCP: no Principal (and no NotPrincipal); conditions allowed
  kResourceControl,  // RCP: Principal must be "*"; only Deny statements are meaningful besides
                     // RCPFullAWSAccess
  kVpcEndpoint,      // VPC endpoint policy: Principal allowed, usually "*"
};

std::string_view PolicyKindName(PolicyKind kind);

// "2012-10-17" enables policy variables; "2008-10-17" (and a missing Version, which IAM treats as
// 2008-10-17) leaves ${...} as literal text. IAM User Guide, "IAM JSON policy elements: Version".
enum class PolicyVersion { k2008_10_17, k2012_10_17 };

enum class Effect { kAllow, kDeny };

std::string_view EffectName(Effect effect);

// A string value as written in the policy, and where.
struct Text {
  std::string value;
  base::SourcePosition position;
};

// The principal kinds of the Principal element (IAM User Guide, "AWS JSON policy elements:
// Principal").
enum class PrincipalKind { kAws, kService, kFederated, kCanonicalUser };

std::string_view PrincipalKindName(
    PrincipalKind kind);  // "AWS", "Service", "Federated", "CanonicalUser"

struct PrincipalValue {
  PrincipalKind kind = PrincipalKind::kAws;
  // As written: "*", an account id ("123456789012"), an ARN, a service ("s3.amazonaws.com"), an
  // identity provider ("cognito-identity.amazonaws.com", "arn:aws:iam::1:saml-provider/x"), a
  // canonical user id.
  std::string value;
  base::SourcePosition position;
};

// Principal or NotPrincipal.
struct PrincipalSpec {
  bool negated = false;  // NotPrincipal
  // "Principal": "*" — everyone, including anonymous callers. {"AWS": "*"} is stored as a
  // PrincipalValue{kAws, "*"} and means the same (IAM User Guide: "AWS JSON policy elements:
  // Principal").
  bool wildcard = false;
  std::vector<PrincipalValue> values;
  base::SourcePosition position;  // of the element's key
};

// Action/NotAction or Resource/NotResource: a list of patterns with '*' and '?' wildcards.
struct PatternList {
  bool negated = false;  // NotAction / NotResource
  std::vector<Text> patterns;
  base::SourcePosition position;  // of the element's key
};

// Every condition operator AWS documents (IAM User Guide, "IAM JSON policy elements: Condition
// operators"). The IfExists suffix and ForAllValues/ForAnyValue qualifiers are kept apart, in
// ConditionOperatorSpec.
enum class ConditionOperator {
  kStringEquals,
  kStringNotEquals,
  kStringEqualsIgnoreCase,
  kStringNotEqualsIgnoreCase,
  kStringLike,
  kStringNotLike,
  kNumericEquals,
  kNumericNotEquals,
  kNumericLessThan,
  kNumericLessThanEquals,
  kNumericGreaterThan,
  kNumericGreaterThanEquals,
  kDateEquals,
  kDateNotEquals,
  kDateLessThan,
  kDateLessThanEquals,
  kDateGreaterThan,
  kDateGreaterThanEquals,
  kBool,
  kBinaryEquals,
  kIpAddress,
  kNotIpAddress,
  kArnEquals,
  kArnLike,
  kArnNotEquals,
  kArnNotLike,
  kNull,
};

// The operator's name without qualifier or suffix, as AWS spells it ("StringEquals").
std::string_view ConditionOperatorName(ConditionOperator op);

// True for the operators AWS documents as negated (StringNotEquals, StringNotLike,
// NumericNotEquals, DateNotEquals, NotIpAddress, ArnNotEquals, ArnNotLike,
// StringNotEqualsIgnoreCase): they match when the key's value matches none of the condition's
// values.
bool IsNegatedOperator(ConditionOperator op);

// How an operator reads and compares values. A negated operator has the family of its positive twin
// and is evaluated as "matches none of the values" (IAM User Guide, "Conditions with multiple
// context keys or values": "If a single negated matching condition operator includes multiple
// values for a context key, those values are evaluated using a logical NOR"). Shared by the
// concrete evaluator and the symbolic oracle so that both read operators alike.
enum class OperatorFamily {
  kString,
  kStringIgnoreCase,
  kStringLike,
  kNumeric,
  kDate,
  kBool,
  kBinary,
  kIp,
  kArn,
  kNull
};
enum class OperatorComparison { kEqual, kLess, kLessEqual, kGreater, kGreaterEqual };

struct OperatorTraits {
  OperatorFamily family;
  OperatorComparison comparison;
};

OperatorTraits TraitsOfOperator(ConditionOperator op);

enum class SetQualifier { kNone, kForAllValues, kForAnyValue };

struct ConditionOperatorSpec {
  ConditionOperator op = ConditionOperator::kStringEquals;
  SetQualifier qualifier = SetQualifier::kNone;
  bool if_exists = false;  // the ...IfExists suffix; never set for Null
  std::string as_written;  // e.g. "ForAnyValue:StringLikeIfExists"
  base::SourcePosition position;
};

// Parses an operator name such as "ForAllValues:StringNotEqualsIgnoreCaseIfExists". Operator names
// and qualifiers are matched case-sensitively, as IAM does. Returns nullopt for an unknown
// operator.
std::optional<ConditionOperatorSpec> ParseConditionOperator(std::string_view text);

// One condition value. JSON numbers and booleans are accepted by IAM and stored as their literal
// text ("true", "42").
struct ConditionValue {
  std::string value;
  base::SourcePosition position;
};

// One (operator, key) pair of a Condition block; its values are ORed (for non-negated operators).
struct Condition {
  ConditionOperatorSpec op;
  std::string key;        // as written, e.g. "aws:PrincipalOrgID"
  std::string key_lower;  // lower-cased, for lookup: condition keys are case-insensitive
  std::vector<ConditionValue> values;
  base::SourcePosition key_position;
};

struct Statement {
  size_t index = 0;  // position in the Statement list, 0-based
  std::optional<std::string> sid;
  Effect effect = Effect::kAllow;
  std::optional<PrincipalSpec> principal;  // Principal or NotPrincipal, when present
  PatternList action;                      // Action or NotAction (one of them is required)
  std::optional<PatternList> resource;     // Resource or NotResource, when present
  std::vector<Condition> conditions;       // all must hold (AND)
  base::SourcePosition position;           // of the statement object
};

struct Policy {
  PolicyVersion version = PolicyVersion::k2008_10_17;
  bool version_present = false;
  std::optional<std::string> id;
  std::vector<Statement> statements;
};

}  // namespace perimeter::policy

#endif  // PERIMETER_POLICY_POLICY_H_
