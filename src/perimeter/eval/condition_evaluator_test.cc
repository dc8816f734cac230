#include "perimeter/eval/condition_evaluator.h"

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace perimeter::eval {
namespace {

using Values = std::vector<std::string>;

std::string LowerAscii(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

// Builds a Condition as the parser would: value i sits at line 1, column 10 * i + 1.
policy::Condition MakeCondition(const std::string& op, const std::string& key,
                                const Values& values) {
  std::optional<policy::ConditionOperatorSpec> spec = policy::ParseConditionOperator(op);
  EXPECT_TRUE(spec.has_value()) << op;
  policy::Condition condition;
  if (spec) condition.op = *spec;
  condition.key = key;
  condition.key_lower = LowerAscii(key);
  for (size_t i = 0; i < values.size(); ++i) {
    base::SourcePosition position{1, static_cast<uint32_t>(10 * i + 1),
                                  static_cast<uint32_t>(10 * i)};
    condition.values.push_back(policy::ConditionValue{values[i], position});
  }
  return condition;
}

enum class Shape { kSingle, kMulti };
constexpr Shape kS = Shape::kSingle;
constexpr Shape kM = Shape::kMulti;
const std::optional<Values> kAbsent = std::nullopt;

struct Case {
  std::string op;
  std::string key;
  Values policy_values;
  std::optional<Values> request;  // nullopt: key absent
  Shape shape;
  bool expected;
};

std::ostream& operator<<(std::ostream& out, const Case& c) {
  out << c.op << " " << c.key << " [";
  for (const auto& v : c.policy_values) out << v << ",";
  out << "] request=";
  if (!c.request) return out << "absent";
  out << (c.shape == kM ? "multi[" : "single[");
  for (const auto& v : *c.request) out << v << ",";
  return out << "]";
}

RequestContext ContextFor(const Case& c) {
  RequestContext context;
  context.Set("aws:username", "alice");
  context.SetMultivalued("aws:tagkeys-list-for-vars", {"x", "y"});
  if (c.request) {
    if (c.shape == kM) {
      context.SetMultivalued(c.key, *c.request);
    } else {
      EXPECT_EQ(c.request->size(), 1u) << "a single-valued key has one value";
      context.Set(c.key, c.request->at(0));
    }
  }
  return context;
}

class ConditionTableTest : public testing::TestWithParam<Case> {};

TEST_P(ConditionTableTest, Evaluates) {
  const Case& c = GetParam();
  std::vector<base::Issue> issues;
  CompiledCondition compiled =
      CompiledCondition::Compile(MakeCondition(c.op, c.key, c.policy_values),
                                 /*variables_enabled=*/true, issues);
  EXPECT_TRUE(issues.empty()) << issues[0].message;
  EXPECT_EQ(compiled.Evaluate(ContextFor(c)), c.expected) << c;
}

// clang-format off
INSTANTIATE_TEST_SUITE_P(Strings, ConditionTableTest, testing::Values(
    Case{"StringEquals", "aws:PrincipalTag/team", {"blue", "red"}, Values{"red"}, kS, true},
    Case{"StringEquals", "aws:PrincipalTag/team", {"blue", "red"}, Values{"Red"}, kS, false},
    Case{"StringEquals", "aws:PrincipalTag/team", {"blue"}, kAbsent, kS, false},
    Case{"StringEquals", "aws:PrincipalTag/team", {"b*"}, Values{"blue"}, kS, false},  // no wildcards
    Case{"StringEquals", "aws:PrincipalTag/team", {"b*"}, Values{"b*"}, kS, true},
    Case{"StringNotEquals", "aws:SourceVpce", {"vpce-1", "vpce-2"}, Values{"vpce-3"}, kS, true},
    Case{"StringNotEquals", "aws:SourceVpce", {"vpce-1", "vpce-2"}, Values{"vpce-2"}, kS, false},  // NOR
    Case{"StringNotEquals", "aws:SourceVpce", {"vpce-1"}, kAbsent, kS, true},  // absent: negated is true
    Case{"StringEqualsIgnoreCase", "k", {"Blue"}, Values{"bLUE"}, kS, true},
    Case{"StringEqualsIgnoreCase", "k", {"Blue"}, Values{"green"}, kS, false},
    Case{"StringEqualsIgnoreCase", "k", {"Blue"}, kAbsent, kS, false},
    Case{"StringEqualsIgnoreCase", "k", {"\xc3\x89"}, Values{"\xc3\xa9"}, kS, false},  // ASCII folding only
    Case{"StringNotEqualsIgnoreCase", "k", {"Blue"}, Values{"BLUE"}, kS, false},
    Case{"StringNotEqualsIgnoreCase", "k", {"Blue"}, Values{"green"}, kS, true},
    Case{"StringNotEqualsIgnoreCase", "k", {"Blue"}, kAbsent, kS, true},
    Case{"StringLike", "s3:prefix", {"home/*", "t?mp"}, Values{"home/a/b"}, kS, true},
    Case{"StringLike", "s3:prefix", {"home/*", "t?mp"}, Values{"tmp"}, kS, false},
    Case{"StringLike", "s3:prefix", {"home/*"}, Values{"HOME/a"}, kS, false},  // case-sensitive
    Case{"StringLike", "s3:prefix", {"home/*"}, kAbsent, kS, false},
    Case{"StringNotLike", "s3:prefix", {"home/*", "t?mp"}, Values{"temp"}, kS, false},
    Case{"StringNotLike", "s3:prefix", {"home/*", "t?mp"}, Values{"other"}, kS, true},
    Case{"StringNotLike", "s3:prefix", {"home/*"}, kAbsent, kS, true}));

INSTANTIATE_TEST_SUITE_P(Numbers, ConditionTableTest, testing::Values(
    Case{"NumericEquals", "s3:max-keys", {"10"}, Values{"10.0"}, kS, true},
    Case{"NumericEquals", "s3:max-keys", {"10"}, Values{"010"}, kS, true},
    Case{"NumericEquals", "s3:max-keys", {"10"}, Values{"11"}, kS, false},
    Case{"NumericEquals", "s3:max-keys", {"10"}, Values{"ten"}, kS, false},
    Case{"NumericEquals", "s3:max-keys", {"10"}, kAbsent, kS, false},
    Case{"NumericNotEquals", "s3:max-keys", {"10", "20"}, Values{"15"}, kS, true},
    Case{"NumericNotEquals", "s3:max-keys", {"10", "20"}, Values{"20"}, kS, false},
    Case{"NumericNotEquals", "s3:max-keys", {"10"}, Values{"ten"}, kS, true},  // unreadable: matches none
    Case{"NumericNotEquals", "s3:max-keys", {"10"}, kAbsent, kS, true},
    Case{"NumericLessThan", "s3:max-keys", {"10"}, Values{"9.99"}, kS, true},
    Case{"NumericLessThan", "s3:max-keys", {"10"}, Values{"10"}, kS, false},
    Case{"NumericLessThan", "s3:max-keys", {"10"}, Values{"9"}, kS, true},  // numeric, not lexical ("9" > "10")
    Case{"NumericLessThan", "s3:max-keys", {"10"}, kAbsent, kS, false},
    Case{"NumericLessThanEquals", "s3:max-keys", {"10"}, Values{"10"}, kS, true},
    Case{"NumericLessThanEquals", "s3:max-keys", {"10"}, Values{"10.5"}, kS, false},
    Case{"NumericLessThanEquals", "s3:max-keys", {"10"}, kAbsent, kS, false},
    Case{"NumericGreaterThan", "k", {"-1.5"}, Values{"-1"}, kS, true},
    Case{"NumericGreaterThan", "k", {"-1.5"}, Values{"-2"}, kS, false},
    Case{"NumericGreaterThan", "k", {"-1.5"}, kAbsent, kS, false},
    Case{"NumericGreaterThanEquals", "k", {"0"}, Values{"-0"}, kS, true},
    Case{"NumericGreaterThanEquals", "k", {"0"}, Values{"-0.0001"}, kS, false},
    Case{"NumericGreaterThanEquals", "k", {"0"}, kAbsent, kS, false}));

INSTANTIATE_TEST_SUITE_P(Dates, ConditionTableTest, testing::Values(
    Case{"DateEquals", "aws:CurrentTime", {"2020-01-01T00:00:00Z"}, Values{"1577836800"}, kS, true},
    Case{"DateEquals", "aws:CurrentTime", {"2020-01-01"}, Values{"2020-01-01T01:00:00+01:00"}, kS, true},
    Case{"DateEquals", "aws:CurrentTime", {"2020-01-01"}, Values{"2020-01-02"}, kS, false},
    Case{"DateEquals", "aws:CurrentTime", {"2020-01-01"}, kAbsent, kS, false},
    Case{"DateNotEquals", "aws:CurrentTime", {"2020-01-01"}, Values{"2020-01-02"}, kS, true},
    Case{"DateNotEquals", "aws:CurrentTime", {"2020-01-01"}, Values{"1577836800"}, kS, false},
    Case{"DateNotEquals", "aws:CurrentTime", {"2020-01-01"}, kAbsent, kS, true},
    Case{"DateLessThan", "aws:CurrentTime", {"2020-06-30T23:59:59Z"}, Values{"2020-06-30T23:59:58.999Z"}, kS, true},
    Case{"DateLessThan", "aws:CurrentTime", {"2020-06-30T23:59:59Z"}, Values{"2020-07-01T00:00:00Z"}, kS, false},
    Case{"DateLessThan", "aws:CurrentTime", {"2020-06-30T23:59:59Z"}, kAbsent, kS, false},
    Case{"DateLessThanEquals", "aws:EpochTime", {"1577836800"}, Values{"2020-01-01T00:00:00Z"}, kS, true},
    Case{"DateLessThanEquals", "aws:EpochTime", {"1577836800"}, Values{"1577836801"}, kS, false},
    Case{"DateLessThanEquals", "aws:EpochTime", {"1577836800"}, kAbsent, kS, false},
    Case{"DateGreaterThan", "aws:TokenIssueTime", {"2020-01-01T00:00:01Z"}, Values{"2020-01-01T00:00:02Z"}, kS, true},
    Case{"DateGreaterThan", "aws:TokenIssueTime", {"2020-01-01T00:00:01Z"}, Values{"not a date"}, kS, false},
    Case{"DateGreaterThan", "aws:TokenIssueTime", {"2020-01-01T00:00:01Z"}, kAbsent, kS, false},
    Case{"DateGreaterThanEquals", "aws:CurrentTime", {"2020-01-01T00:00:00-05:00"}, Values{"2020-01-01T05:00:00Z"}, kS, true},
    Case{"DateGreaterThanEquals", "aws:CurrentTime", {"2020-01-01T00:00:00-05:00"}, Values{"2020-01-01T04:59:59Z"}, kS, false},
    Case{"DateGreaterThanEquals", "aws:CurrentTime", {"2020-01-01"}, kAbsent, kS, false}));

INSTANTIATE_TEST_SUITE_P(BoolBinaryIpArnNull, ConditionTableTest, testing::Values(
    Case{"Bool", "aws:SecureTransport", {"false"}, Values{"false"}, kS, true},
    Case{"Bool", "aws:SecureTransport", {"false"}, Values{"true"}, kS, false},
    Case{"Bool", "aws:SecureTransport", {"true"}, Values{"TRUE"}, kS, true},
    Case{"Bool", "aws:SecureTransport", {"true"}, Values{"yes"}, kS, false},
    Case{"Bool", "aws:SecureTransport", {"false"}, kAbsent, kS, false},
    Case{"BinaryEquals", "k", {"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}, Values{"QmluYXJ5VmFsdWVJbkJhc2U2NA"}, kS, true},
    Case{"BinaryEquals", "k", {"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}, Values{"QmluYXJ5"}, kS, false},
    Case{"BinaryEquals", "k", {"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}, kAbsent, kS, false},
    Case{"IpAddress", "aws:SourceIp", {"203.0.113.0/24", "2001:DB8:1234:5678::/64"}, Values{"203.0.113.7"}, kS, true},
    Case{"IpAddress", "aws:SourceIp", {"203.0.113.0/24", "2001:DB8:1234:5678::/64"}, Values{"2001:db8:1234:5678:1::2"}, kS, true},
    Case{"IpAddress", "aws:SourceIp", {"203.0.113.0/24"}, Values{"203.0.114.1"}, kS, false},
    Case{"IpAddress", "aws:SourceIp", {"203.0.113.9"}, Values{"203.0.113.9"}, kS, true},  // no prefix: /32
    Case{"IpAddress", "aws:SourceIp", {"203.0.113.9"}, Values{"203.0.113.10"}, kS, false},
    Case{"IpAddress", "aws:SourceIp", {"10.0.0.0/8"}, Values{"::ffff:10.1.2.3"}, kS, true},  // IPv4-mapped
    Case{"IpAddress", "aws:SourceIp", {"::/0"}, Values{"10.1.2.3"}, kS, false},  // families apart
    Case{"IpAddress", "aws:SourceIp", {"10.0.0.0/8"}, kAbsent, kS, false},
    Case{"NotIpAddress", "aws:SourceIp", {"10.0.0.0/8", "192.168.0.0/16"}, Values{"8.8.8.8"}, kS, true},
    Case{"NotIpAddress", "aws:SourceIp", {"10.0.0.0/8", "192.168.0.0/16"}, Values{"192.168.3.3"}, kS, false},
    Case{"NotIpAddress", "aws:SourceIp", {"10.0.0.0/8"}, kAbsent, kS, true},
    Case{"ArnLike", "aws:SourceArn", {"arn:aws:sns:*:123456789012:topic-*"}, Values{"arn:aws:sns:us-east-1:123456789012:topic-a"}, kS, true},
    Case{"ArnLike", "aws:SourceArn", {"arn:aws:sns:*:123456789012:topic-*"}, Values{"arn:aws:sns:us-east-1:210987654321:topic-a"}, kS, false},
    Case{"ArnLike", "aws:SourceArn", {"arn:aws:someservice:*:111122223333:finance/*"},
         Values{"arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}, kS, false},
    Case{"ArnLike", "aws:SourceArn", {"arn:aws:sns:*:*:*"}, kAbsent, kS, false},
    Case{"ArnEquals", "aws:SourceArn", {"arn:aws:sns:*:123456789012:t"}, Values{"arn:aws:sns:eu-west-1:123456789012:t"}, kS, true},  // same as ArnLike
    Case{"ArnEquals", "aws:SourceArn", {"arn:aws:sns:*:123456789012:t"}, Values{"arn:aws:sns:eu-west-1:123456789012:u"}, kS, false},
    Case{"ArnEquals", "aws:SourceArn", {"arn:aws:sns:*:123456789012:t"}, kAbsent, kS, false},
    Case{"ArnNotEquals", "aws:SourceArn", {"arn:aws:sns:*:1:t"}, Values{"arn:aws:sns:x:1:t"}, kS, false},
    Case{"ArnNotEquals", "aws:SourceArn", {"arn:aws:sns:*:1:t"}, Values{"arn:aws:sns:x:2:t"}, kS, true},
    Case{"ArnNotEquals", "aws:SourceArn", {"arn:aws:sns:*:1:t"}, kAbsent, kS, true},
    Case{"ArnNotLike", "aws:PrincipalArn", {"arn:aws:iam::*:role/Admin*"}, Values{"arn:aws:iam::1:role/AdminX"}, kS, false},
    Case{"ArnNotLike", "aws:PrincipalArn", {"arn:aws:iam::*:role/Admin*"}, Values{"arn:aws:iam::1:user/AdminX"}, kS, true},
    Case{"ArnNotLike", "aws:PrincipalArn", {"arn:aws:iam::*:role/Admin*"}, kAbsent, kS, true},
    // A value without the six ARN components is no ARN pattern: it matches no ARN ([OPS], ARN
    // condition operators), so the positive operators never hold and the negated ones always do.
    Case{"ArnLike", "aws:SourceArn", {"*"}, Values{"arn:aws:sns:us-east-1:1:t"}, kS, false},
    Case{"ArnEquals", "aws:SourceArn", {"arn:aws:sns:*"}, Values{"arn:aws:sns:us-east-1:1:t"}, kS, false},
    Case{"ArnLike", "aws:SourceArn", {"*", "arn:aws:sns:*:1:t"}, Values{"arn:aws:sns:us-east-1:1:t"}, kS, true},
    Case{"ArnNotLike", "aws:SourceArn", {"*"}, Values{"arn:aws:sns:us-east-1:1:t"}, kS, true},
    Case{"ArnNotEquals", "aws:SourceArn", {"my-topic"}, Values{"my-topic"}, kS, true},
    Case{"ArnLike", "aws:SourceArn", {"${aws:username}"}, Values{"alice"}, kS, false},
    Case{"Null", "aws:TokenIssueTime", {"true"}, kAbsent, kS, true},
    Case{"Null", "aws:TokenIssueTime", {"true"}, Values{"2020-01-01T00:00:00Z"}, kS, false},
    Case{"Null", "aws:TokenIssueTime", {"false"}, Values{"2020-01-01T00:00:00Z"}, kS, true},
    Case{"Null", "aws:TokenIssueTime", {"false"}, kAbsent, kS, false},
    Case{"Null", "aws:TagKeys", {"false"}, Values{}, kM, false},  // empty set counts as null
    Case{"Null", "aws:TagKeys", {"true"}, Values{}, kM, true}));

INSTANTIATE_TEST_SUITE_P(IfExists, ConditionTableTest, testing::Values(
    Case{"StringLikeIfExists", "ec2:InstanceType", {"t2.*"}, kAbsent, kS, true},
    Case{"StringLikeIfExists", "ec2:InstanceType", {"t2.*"}, Values{"t2.micro"}, kS, true},
    Case{"StringLikeIfExists", "ec2:InstanceType", {"t2.*"}, Values{"m5.large"}, kS, false},
    Case{"StringNotEqualsIfExists", "k", {"a"}, kAbsent, kS, true},
    Case{"StringNotEqualsIfExists", "k", {"a"}, Values{"a"}, kS, false},
    Case{"NumericLessThanIfExists", "k", {"5"}, kAbsent, kS, true},
    Case{"NumericLessThanIfExists", "k", {"5"}, Values{"6"}, kS, false},
    Case{"DateGreaterThanIfExists", "k", {"2020-01-01"}, kAbsent, kS, true},
    Case{"BoolIfExists", "aws:MultiFactorAuthPresent", {"true"}, kAbsent, kS, true},
    Case{"BoolIfExists", "aws:MultiFactorAuthPresent", {"true"}, Values{"false"}, kS, false},
    Case{"IpAddressIfExists", "aws:SourceIp", {"10.0.0.0/8"}, kAbsent, kS, true},
    Case{"ArnLikeIfExists", "aws:SourceArn", {"arn:*:*:*:*:*"}, kAbsent, kS, true},
    Case{"BinaryEqualsIfExists", "k", {"AA=="}, kAbsent, kS, true}));

INSTANTIATE_TEST_SUITE_P(SetQualifiers, ConditionTableTest, testing::Values(
    // ForAllValues: vacuous truth on absent and empty; otherwise every request value matches some policy value.
    Case{"ForAllValues:StringLike", "aws:TagKeys", {"Post*", "Message"}, kAbsent, kM, true},
    Case{"ForAllValues:StringLike", "aws:TagKeys", {"Post*", "Message"}, Values{}, kM, true},
    Case{"ForAllValues:StringLike", "aws:TagKeys", {"Post*", "Message"}, Values{"PostDateTime", "Message"}, kM, true},
    Case{"ForAllValues:StringLike", "aws:TagKeys", {"Post*", "Message"}, Values{"PostDateTime", "UserName"}, kM, false},
    Case{"ForAllValues:StringEquals", "aws:RequestTag/team", {"blue"}, Values{"blue"}, kS, true},  // one-element set
    Case{"ForAllValues:StringEquals", "aws:RequestTag/team", {"blue"}, Values{"red"}, kS, false},
    // ForAnyValue: false on absent and empty; otherwise some request value matches some policy value.
    Case{"ForAnyValue:StringLike", "aws:TagKeys", {"ID", "Post*"}, kAbsent, kM, false},
    Case{"ForAnyValue:StringLike", "aws:TagKeys", {"ID", "Post*"}, Values{}, kM, false},
    Case{"ForAnyValue:StringLike", "aws:TagKeys", {"ID", "Post*"}, Values{"UserName", "PostDateTime"}, kM, true},
    Case{"ForAnyValue:StringLike", "aws:TagKeys", {"ID", "Post*"}, Values{"UserName"}, kM, false},
    // Negated base operators.
    Case{"ForAllValues:StringNotLike", "aws:TagKeys", {"Owner:*", "State:??"}, kAbsent, kM, true},
    Case{"ForAllValues:StringNotLike", "aws:TagKeys", {"Owner:*", "State:??"}, Values{"owner:Legal"}, kM, true},
    Case{"ForAllValues:StringNotLike", "aws:TagKeys", {"Owner:*", "State:??"}, Values{"owner:Legal", "State:NY"}, kM, false},
    Case{"ForAnyValue:StringNotLike", "aws:TagKeys", {"Owner:*", "State:??"}, kAbsent, kM, false},
    Case{"ForAnyValue:StringNotLike", "aws:TagKeys", {"Owner:*", "State:??"}, Values{"Owner:Legal", "State:NY"}, kM, false},
    Case{"ForAnyValue:StringNotLike", "aws:TagKeys", {"Owner:*", "State:??"}, Values{"owner:Legal", "Owner:Legal"}, kM, true},
    Case{"ForAnyValue:StringNotEquals", "aws:TagKeys", {"a"}, Values{"a", "a"}, kM, false},
    Case{"ForAllValues:StringNotEquals", "aws:TagKeys", {"a"}, Values{"b", "c"}, kM, true},
    // Set qualifiers with other families.
    Case{"ForAnyValue:ArnLike", "logs:LogGeneratingResourceArns", {"arn:aws:iam::1:role/*"}, Values{"arn:aws:ec2:x:1:i", "arn:aws:iam::1:role/R"}, kM, true},
    Case{"ForAllValues:ArnLike", "logs:LogGeneratingResourceArns", {"arn:aws:iam::1:role/*"}, Values{"arn:aws:ec2:x:1:i", "arn:aws:iam::1:role/R"}, kM, false},
    Case{"ForAnyValue:NumericGreaterThan", "k", {"10"}, Values{"1", "11"}, kM, true},
    Case{"ForAllValues:NumericGreaterThan", "k", {"10"}, Values{"1", "11"}, kM, false},
    // With IfExists.
    Case{"ForAnyValue:StringEqualsIfExists", "aws:TagKeys", {"a"}, kAbsent, kM, true},
    Case{"ForAnyValue:StringEqualsIfExists", "aws:TagKeys", {"a"}, Values{}, kM, false},  // present, empty
    Case{"ForAllValues:StringEqualsIfExists", "aws:TagKeys", {"a"}, kAbsent, kM, true},
    Case{"ForAllValues:StringEqualsIfExists", "aws:TagKeys", {"a"}, Values{"b"}, kM, false},
    // A multivalued key without a set qualifier: carrying exactly one value, it is compared as that
    // value (issue #12, docs/simulate.md); with several values or none, it does not match
    // (condition_evaluator.cc).
    Case{"StringEquals", "aws:TagKeys", {"a"}, Values{"a"}, kM, true},
    Case{"StringEquals", "aws:TagKeys", {"b"}, Values{"a"}, kM, false},
    Case{"StringNotEquals", "aws:TagKeys", {"a"}, Values{"b"}, kM, true},
    Case{"StringNotEquals", "aws:TagKeys", {"a"}, Values{"a"}, kM, false},
    Case{"StringLike", "aws:PrincipalOrgPaths", {"o-other/*"}, Values{"o-other/r-ab12/ou-ab12-1/"}, kM, true},
    Case{"StringLike", "aws:PrincipalOrgPaths", {"o-other/*"}, Values{"o-other/r-1/", "o-mine/r-2/"}, kM, false},
    Case{"StringEquals", "aws:TagKeys", {"a"}, Values{"a", "b"}, kM, false},
    Case{"StringNotEquals", "aws:TagKeys", {"a"}, Values{"b", "c"}, kM, false},
    Case{"StringEquals", "aws:TagKeys", {"a"}, Values{}, kM, false},
    Case{"StringEqualsIfExists", "aws:TagKeys", {"a"}, Values{"a", "b"}, kM, false}));

INSTANTIATE_TEST_SUITE_P(PolicyVariables, ConditionTableTest, testing::Values(
    Case{"StringLike", "s3:prefix", {"home/${aws:username}/*"}, Values{"home/alice/x"}, kS, true},
    Case{"StringLike", "s3:prefix", {"home/${aws:username}/*"}, Values{"home/bob/x"}, kS, false},
    Case{"StringEquals", "aws:PrincipalTag/owner", {"${aws:username}"}, Values{"alice"}, kS, true},
    Case{"StringEquals", "aws:PrincipalTag/owner", {"${AWS:UserName}"}, Values{"alice"}, kS, true},
    Case{"StringEqualsIgnoreCase", "k", {"${aws:username}"}, Values{"ALICE"}, kS, true},
    Case{"StringEquals", "k", {"${aws:userid, 'anonymous'}"}, Values{"anonymous"}, kS, true},
    Case{"StringEquals", "k", {"${aws:userid}", "x"}, Values{"x"}, kS, false},  // unresolved: condition false
    Case{"StringNotEquals", "k", {"${aws:userid}"}, Values{"x"}, kS, false},  // ... negated too
    Case{"StringEquals", "k", {"${aws:tagkeys-list-for-vars}"}, Values{"x"}, kS, false},  // multivalued: no value
    Case{"StringLike", "k", {"a${*}b"}, Values{"a*b"}, kS, true},  // escapes are literal
    Case{"StringLike", "k", {"a${*}b"}, Values{"aXb"}, kS, false},
    Case{"StringEquals", "k", {"${$}{x}"}, Values{"${x}"}, kS, true},
    Case{"ArnLike", "aws:PrincipalArn", {"arn:aws:iam::*:user/${aws:username}"}, Values{"arn:aws:iam::1:user/alice"}, kS, true},
    Case{"ArnLike", "aws:PrincipalArn", {"arn:aws:iam::*:user/${aws:username}"}, Values{"arn:aws:iam::1:user/bob"}, kS, false},
    Case{"Bool", "k", {"${aws:username, 'true'}"}, Values{"false"}, kS, false},
    Case{"Bool", "k", {"${aws:absent, 'true'}"}, Values{"true"}, kS, true}));
// clang-format on

TEST(ConditionEvaluatorTest, VariablesAreLiteralBeforeVersion2012) {
  std::vector<base::Issue> issues;
  CompiledCondition compiled = CompiledCondition::Compile(
      MakeCondition("StringEquals", "k", {"${aws:username}"}), /*variables_enabled=*/false, issues);
  RequestContext context;
  context.Set("aws:username", "alice");
  context.Set("k", "alice");
  EXPECT_FALSE(compiled.Evaluate(context));
  context.Set("k", "${aws:username}");
  EXPECT_TRUE(compiled.Evaluate(context));
}

TEST(ConditionEvaluatorTest, KeyNamesAreCaseInsensitive) {
  std::vector<base::Issue> issues;
  CompiledCondition compiled = CompiledCondition::Compile(
      MakeCondition("StringEquals", "AWS:PrincipalTag/Team", {"x"}), true, issues);
  RequestContext context;
  context.Set("aws:principaltag/TEAM", "x");
  EXPECT_TRUE(compiled.Evaluate(context));
  EXPECT_EQ(compiled.source().key, "AWS:PrincipalTag/Team");
}

struct InvalidCase {
  std::string op;
  Values values;
  std::string code;
  size_t bad_index;  // which value is reported
};

class InvalidValueTest : public testing::TestWithParam<InvalidCase> {};

TEST_P(InvalidValueTest, ReportsIssueAtValuePosition) {
  const InvalidCase& c = GetParam();
  std::vector<base::Issue> issues;
  CompiledCondition compiled =
      CompiledCondition::Compile(MakeCondition(c.op, "k", c.values), true, issues);
  ASSERT_EQ(issues.size(), 1u) << c.op;
  EXPECT_EQ(issues[0].code, c.code);
  EXPECT_EQ(issues[0].severity, base::Severity::kError);
  EXPECT_EQ(issues[0].position.column, 10 * c.bad_index + 1);
  EXPECT_NE(issues[0].message.find(c.values[c.bad_index]), std::string::npos) << issues[0].message;
  EXPECT_FALSE(compiled.valid());
  // Fails closed whatever the request holds, negated or not.
  RequestContext context;
  EXPECT_FALSE(compiled.Evaluate(context));
  context.Set("k", "1");
  EXPECT_FALSE(compiled.Evaluate(context));
}

INSTANTIATE_TEST_SUITE_P(
    Table, InvalidValueTest,
    testing::Values(
        InvalidCase{"NumericEquals", {"1", "ten"}, "condition.invalid-number", 1},
        InvalidCase{"NumericNotEquals", {"1e3"}, "condition.invalid-number", 0},
        InvalidCase{"NumericLessThan", {"0x10"}, "condition.invalid-number", 0},
        InvalidCase{"NumericEquals", {"${aws:username}"}, "condition.invalid-number", 0},
        InvalidCase{"DateLessThan", {"2020-13-01"}, "condition.invalid-date", 0},
        InvalidCase{"DateNotEquals", {"2020-01-01", "yesterday"}, "condition.invalid-date", 1},
        InvalidCase{"Bool", {"yes"}, "condition.invalid-bool", 0},
        InvalidCase{"IpAddress", {"10.0.0.0/33"}, "condition.invalid-ip", 0},
        InvalidCase{"NotIpAddress", {"10.0.0.0/8", "300.1.1.1"}, "condition.invalid-ip", 1},
        InvalidCase{"BinaryEquals", {"not base64!"}, "condition.invalid-base64", 0}));

TEST(ConditionEvaluatorTest, InvalidNullValueIsReported) {
  std::vector<base::Issue> issues;
  CompiledCondition compiled =
      CompiledCondition::Compile(MakeCondition("Null", "k", {"maybe"}), true, issues);
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].code, "condition.invalid-null-value");
  EXPECT_FALSE(compiled.valid());
}

TEST(ConditionEvaluatorTest, CompiledConditionIsMovable) {
  std::vector<base::Issue> issues;
  CompiledCondition a = CompiledCondition::Compile(
      MakeCondition("NumericEquals", "k", {"12345678901234567"}), true, issues);
  CompiledCondition b = std::move(a);
  RequestContext context;
  context.Set("k", "12345678901234567.000");
  EXPECT_TRUE(b.Evaluate(context));  // number views survive the move
}

// Property: on a present single-valued key, each negated operator is exactly NOT its positive twin.
TEST(ConditionEvaluatorPropertyTest, NegatedOperatorIsNotOfPositiveTwin) {
  const std::vector<std::pair<std::string, std::string>> twins = {
      {"StringEquals", "StringNotEquals"}, {"StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"},
      {"StringLike", "StringNotLike"},     {"NumericEquals", "NumericNotEquals"},
      {"DateEquals", "DateNotEquals"},     {"IpAddress", "NotIpAddress"},
      {"ArnLike", "ArnNotLike"},           {"ArnEquals", "ArnNotEquals"}};
  std::mt19937 random(7);
  const std::string alphabet = "aA:*?0.1/-";
  auto random_string = [&](size_t max_length) {
    std::string s;
    size_t length = random() % (max_length + 1);
    for (size_t i = 0; i < length; ++i) s.push_back(alphabet[random() % alphabet.size()]);
    return s;
  };
  // Values that are also valid for numeric, date and IP operators, mixed with random strings.
  const Values typed = {"1",          "0.10",       "10.0.0.0/8",   "10.1.1.1",
                        "2020-01-01", "1577836800", "arn:a:b:c:d:e"};
  for (int round = 0; round < 3000; ++round) {
    const auto& [positive, negative] = twins[random() % twins.size()];
    Values policy_values;
    size_t count = 1 + random() % 3;
    for (size_t i = 0; i < count; ++i) {
      policy_values.push_back(random() % 2 ? typed[random() % typed.size()] : random_string(6));
    }
    std::string request = random() % 2 ? typed[random() % typed.size()] : random_string(8);
    std::vector<base::Issue> issues;
    CompiledCondition p =
        CompiledCondition::Compile(MakeCondition(positive, "k", policy_values), true, issues);
    CompiledCondition n =
        CompiledCondition::Compile(MakeCondition(negative, "k", policy_values), true, issues);
    if (!p.valid()) continue;  // invalid policy values fail closed for both; nothing to compare
    RequestContext context;
    context.Set("k", request);
    ASSERT_EQ(n.Evaluate(context), !p.Evaluate(context))
        << positive << " " << policy_values[0] << " (" << count << " values) vs " << request;
  }
}

// The one reading of which operators take policy variables, shared with
// reasoning/z3/cover_oracle.cc.
TEST(AllowsPolicyVariablesTest, StringArnAndBoolOnly) {
  using Family = policy::OperatorFamily;
  for (Family family : {Family::kString, Family::kStringIgnoreCase, Family::kStringLike,
                        Family::kArn, Family::kBool}) {
    EXPECT_TRUE(AllowsPolicyVariables(family)) << static_cast<int>(family);
  }
  for (Family family :
       {Family::kNumeric, Family::kDate, Family::kBinary, Family::kIp, Family::kNull}) {
    EXPECT_FALSE(AllowsPolicyVariables(family)) << static_cast<int>(family);
  }
}

}  // namespace
}  // namespace perimeter::eval
