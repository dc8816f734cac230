// The shapes of issue #12 that the project's corpus generator draws (docs/corpus.md: org-paths,
// policy-variables): each finding's witness is a request the policy as written allows.
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/policy/policy_parser.h"
#include "perimeter/reasoning/external_access.h"

namespace perimeter::reasoning {
namespace {

constexpr char kOwner[] = "123456789012";
constexpr char kQueue[] = "arn:aws:sqs:us-east-1:123456789012:queue";

struct ShapeCase {
  std::string name;
  std::string statement;  // one statement of a queue policy
  // The witness must carry these condition keys, each with this value ("=" + another key: the same value).
  std::vector<std::pair<std::string, std::string>> witness_keys;
};

class Issue12ShapeTest : public testing::TestWithParam<ShapeCase> {};

TEST_P(Issue12ShapeTest, WitnessIsAllowedByThePolicyAsWritten) {
  const ShapeCase& c = GetParam();
  std::string text = R"({"Version":"2012-10-17","Statement":[)" + c.statement + "]}";
  policy::PolicyParseResult parsed = policy::ParsePolicy(text, {.kind = policy::PolicyKind::kResource});
  ASSERT_TRUE(parsed.policy.has_value());
  AccessModel model;
  model.resource_arn = kQueue;
  model.resource_type = "AWS::SQS::Queue";
  model.owner_account = kOwner;
  model.targets = {ResourceTarget{{kQueue}, {"sqs:SendMessage"}}};
  model.policy = &*parsed.policy;
  ZoneOfTrust zone = ZoneOfTrust::ForAccount(kOwner);
  AnalysisResult result = AnalyzeExternalAccess(model, zone);
  ASSERT_EQ(result.findings.size(), 1u);
  const findings::Finding& finding = result.findings.front();
  ASSERT_FALSE(finding.error.has_value()) << finding.error_reason;
  ASSERT_TRUE(finding.witness.has_value());
  const findings::Witness& witness = *finding.witness;
  for (const auto& [key, value] : c.witness_keys) {
    auto it = witness.context.find(key);
    ASSERT_NE(it, witness.context.end()) << key;
    ASSERT_EQ(it->second.size(), 1u) << key;
    if (!value.empty() && value.front() == '=') {
      auto other = witness.context.find(value.substr(1));
      ASSERT_NE(other, witness.context.end()) << value;
      EXPECT_EQ(it->second, other->second) << key;
    } else {
      EXPECT_EQ(it->second.front(), value) << key;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Shapes, Issue12ShapeTest,
    testing::Values(
        // policy-variables: the resource's tag the condition names is bound to the caller's tag.
        ShapeCase{"PrincipalTagEqualsResourceTag",
                  R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*",)"
                  R"("Condition":{"StringEquals":{"aws:PrincipalTag/team":"${aws:ResourceTag/team}"}}})",
                  {{"aws:resourcetag/team", "=aws:PrincipalTag/team"}}},
        // policy-variables: a Resource that holds a variable, read as '*' (".../teams/${...}/*" in the
        // corpus): the witness carries the variable's key with the value '*' matched, here "".
        ShapeCase{"ResourceVariableInsideAWildcard",
                  R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage",)"
                  R"("Resource":"arn:aws:sqs:us-east-1:123456789012:${aws:PrincipalTag/team}queue"})",
                  {{"aws:principaltag/team", ""}}}),
    [](const testing::TestParamInfo<ShapeCase>& info) { return info.param.name; });

}  // namespace
}  // namespace perimeter::reasoning
