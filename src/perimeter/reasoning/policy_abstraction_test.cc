#include "perimeter/reasoning/policy_abstraction.h"

#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "perimeter/base/text.h"
#include "perimeter/eval/compiled_policy.h"
#include "perimeter/policy/policy_parser.h"

namespace perimeter::reasoning {
namespace {

// Whether `policy` alone allows s3:GetObject on `resource` for a caller named `username`.
bool Allows(const policy::Policy& policy, const std::string& resource,
            const std::optional<std::string>& username) {
  std::vector<base::Issue> issues;
  eval::CompiledPolicy compiled =
      eval::CompiledPolicy::Compile(policy, policy::PolicyKind::kIdentity, issues);
  eval::Request request;
  request.action = "s3:GetObject";
  request.resource_arn = resource;
  if (username) request.context.Set("aws:username", *username);
  bool allowed = false;
  for (size_t i = 0; i < compiled.statement_count(); ++i) {
    if (!compiled.Matches(i, request, "s3:getobject")) continue;
    if (policy.statements[i].effect == policy::Effect::kDeny) return false;
    allowed = true;
  }
  return allowed;
}

struct BoundCase {
  std::string name;
  std::string statements;
  VariableBound bound;
  std::string resource;
  std::optional<std::string> username;
  bool bounded_allows;
};

class BoundVariablesTest : public testing::TestWithParam<BoundCase> {};

// Each case checks the bound's direction on one request (kAllowMore: allowed before ⇒ allowed
// after; kAllowLess: allowed after ⇒ allowed before) and what the bound decides.
TEST_P(BoundVariablesTest, BoundsThePolicy) {
  const BoundCase& c = GetParam();
  std::optional<policy::Policy> policy =
      policy::ParsePolicy(
          base::Concat(R"({"Version":"2012-10-17","Statement":[)", c.statements, "]}"))
          .policy;
  ASSERT_TRUE(policy.has_value());
  AbstractedPolicy bounded = BoundVariables(*policy, c.bound);
  EXPECT_TRUE(bounded.changed);
  EXPECT_FALSE(bounded.notes.empty());
  bool before = Allows(*policy, c.resource, c.username);
  bool after = Allows(bounded.policy, c.resource, c.username);
  if (c.bound == VariableBound::kAllowMore) {
    EXPECT_TRUE(!before || after);
  } else {
    EXPECT_TRUE(!after || before);
  }
  EXPECT_EQ(after, c.bounded_allows);
}

constexpr VariableBound kMore = VariableBound::kAllowMore;
constexpr VariableBound kLess = VariableBound::kAllowLess;
#define HOME_ALLOW(element)                                \
  R"({"Effect":"Allow","Action":"s3:GetObject",")" element \
  R"(":"arn:aws:s3:::b/${aws:username}/*"})"
#define ANY_ALLOW R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*"})"
#define HOME_DENY(element) \
  R"({"Effect":"Deny","Action":"s3:GetObject",")" element R"(":"arn:aws:s3:::b/${aws:username}/*"})"

INSTANTIATE_TEST_SUITE_P(
    Cases, BoundVariablesTest,
    testing::Values(
        BoundCase{"AllowResourceWidened", HOME_ALLOW("Resource"), kMore, "arn:aws:s3:::b/bob/k",
                  "alice", true},
        BoundCase{"AllowResourceDropped", HOME_ALLOW("Resource"), kLess, "arn:aws:s3:::b/alice/k",
                  "alice", false},
        // A wider NotResource pattern would exclude alice's folder from bob's grant: the pattern is
        // dropped.
        BoundCase{"AllowNotResourceDropped", HOME_ALLOW("NotResource"), kMore,
                  "arn:aws:s3:::b/alice/k", "bob", true},
        BoundCase{"AllowNotResourceWidened", HOME_ALLOW("NotResource"), kLess,
                  "arn:aws:s3:::b/alice/k", "bob", false},
        BoundCase{"AllowNotResourceKeepsOthers", HOME_ALLOW("NotResource"), kLess,
                  "arn:aws:s3:::c/k", "bob", true},
        BoundCase{"DenyDroppedForMore", ANY_ALLOW "," HOME_DENY("Resource"), kMore,
                  "arn:aws:s3:::b/alice/k", "alice", true},
        BoundCase{"DenyResourceWidenedForLess", ANY_ALLOW "," HOME_DENY("Resource"), kLess,
                  "arn:aws:s3:::b/bob/k", "alice", false},
        BoundCase{"DenyNotResourceDroppedForLess", ANY_ALLOW "," HOME_DENY("NotResource"), kLess,
                  "arn:aws:s3:::b/alice/k", "alice", false},
        BoundCase{
            "AllowConditionWidened",
            R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"${aws:username}/"}}})",
            kMore, "arn:aws:s3:::b/k", std::nullopt, false},
        // Without a value for the variable the whole condition is false, "alice" or not.
        BoundCase{
            "AllowConditionWithAVariableDropsTheStatement",
            R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:username":["${aws:PrincipalTag/name}","alice"]}}})",
            kLess, "arn:aws:s3:::b/k", "alice", false},
        BoundCase{
            "AllowNegatedConditionDropsTheStatement",
            R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringNotEquals":{"aws:username":"${aws:PrincipalTag/name}"}}})",
            kLess, "arn:aws:s3:::b/k", "alice", false}),
    [](const testing::TestParamInfo<BoundCase>& info) { return info.param.name; });

TEST(AbstractCallerChosenVariablesTest, IsTheUpperBound) {
  std::optional<policy::Policy> policy =
      policy::ParsePolicy(
          base::Concat(R"({"Version":"2012-10-17","Statement":[)", HOME_ALLOW("NotResource"), "]}"))
          .policy;
  ASSERT_TRUE(policy.has_value());
  // Bob may read alice's folder: the engine's abstraction must keep that access.
  EXPECT_TRUE(Allows(*policy, "arn:aws:s3:::b/alice/k", "bob"));
  EXPECT_TRUE(
      Allows(AbstractCallerChosenVariables(*policy).policy, "arn:aws:s3:::b/alice/k", "bob"));
}

// A single-valued operator on a multivalued key: the evaluator never matches it; an Allow reads it
// as ForAnyValue (IAM may match a request carrying one value), a Deny keeps the evaluator's
// reading.
TEST(AbstractCallerChosenVariablesTest,
     ReadsASingleValuedOperatorOnAMultivaluedKeyAsForAnyValueInAnAllow) {
  std::optional<policy::Policy> policy =
      policy::ParsePolicy(
          base::Concat(
              R"({"Version":"2012-10-17","Statement":[)",
              R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:PrincipalOrgPaths":"o-x/*"}}},)",
              R"({"Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:PrincipalOrgPaths":"o-x/r-1/*"}}},)",
              R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringNotLike":{"aws:TagKeys":"a"}}}]})"))
          .policy;
  ASSERT_TRUE(policy.has_value());
  AbstractedPolicy abstracted = AbstractCallerChosenVariables(*policy);
  EXPECT_TRUE(abstracted.changed);
  ASSERT_EQ(abstracted.policy.statements.size(), 3u);
  EXPECT_EQ(abstracted.policy.statements[0].conditions[0].op.qualifier,
            policy::SetQualifier::kForAnyValue);
  EXPECT_EQ(abstracted.policy.statements[1].conditions[0].op.qualifier,
            policy::SetQualifier::kNone);  // a Deny
  // A negated operator holds for an absent key as written; ForAnyValue would not: kept.
  EXPECT_EQ(abstracted.policy.statements[2].conditions[0].op.qualifier,
            policy::SetQualifier::kNone);
  ASSERT_EQ(abstracted.notes.size(), 1u);
  EXPECT_NE(abstracted.notes[0].find("ForAnyValue:StringLike"), std::string::npos)
      << abstracted.notes[0];
}

}  // namespace
}  // namespace perimeter::reasoning
