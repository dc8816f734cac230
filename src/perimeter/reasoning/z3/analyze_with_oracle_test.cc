#include "perimeter/reasoning/z3/analyze_with_oracle.h"

#include <string>

#include "gtest/gtest.h"
#include "perimeter/policy/policy_parser.h"

namespace perimeter::reasoning::z3 {
namespace {

constexpr char kOwner[] = "123456789012";

// A queue policy whose condition key sqs:Probe is read both as a string and as a number: the
// finite-domain engine refuses it (key_domain.h), so the oracle must decide.
std::string MixedFamilyPolicy(const std::string& principal_account) {
  return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage",
    "Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":")" +
         principal_account +
         R"("},"StringLike":{"sqs:Probe":"1*"},"NumericLessThan":{"sqs:Probe":"5"}}}]})";
}

AnalysisResult Analyze(const policy::Policy& policy) {
  AccessModel model;
  model.resource_arn = "arn:aws:sqs:us-east-1:123456789012:queue";
  model.resource_type = "AWS::SQS::Queue";
  model.owner_account = kOwner;
  model.targets = {ResourceTarget{{model.resource_arn}, {"sqs:SendMessage", "sqs:ReceiveMessage"}}};
  model.policy = &policy;
  return AnalyzeExternalAccessWithOracle(model, ZoneOfTrust::ForAccount(kOwner),
                                         {.timeout_ms = 20000});
}

policy::Policy Parse(const std::string& text) {
  policy::PolicyParseResult parsed =
      policy::ParsePolicy(text, {.kind = policy::PolicyKind::kResource});
  EXPECT_TRUE(parsed.ok()) << (parsed.issues.empty() ? "" : parsed.issues[0].message);
  return parsed.ok() ? *parsed.policy : policy::Policy{};
}

TEST(AnalyzeWithOracleTest, EngineDecidesOrdinaryPoliciesAlone) {
  policy::Policy policy = Parse(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sqs:SendMessage","Resource":"*"}]})");
  AnalysisResult result = Analyze(policy);
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_FALSE(result.findings[0].error.has_value());
  EXPECT_TRUE(result.stats.decided);
  EXPECT_FALSE(result.stats.decided_by_oracle);
}

TEST(AnalyzeWithOracleTest, OracleProvesNoExternalAccessWhereTheEngineRefuses) {
  policy::Policy policy = Parse(MixedFamilyPolicy(kOwner));
  ASSERT_FALSE(AnalyzeExternalAccess(
                   {.resource_arn = "arn:aws:sqs:us-east-1:123456789012:queue",
                    .resource_type = "AWS::SQS::Queue",
                    .owner_account = kOwner,
                    .targets = {ResourceTarget{{"arn:aws:sqs:us-east-1:123456789012:queue"},
                                               {"sqs:SendMessage"}}},
                    .policy = &policy},
                   ZoneOfTrust::ForAccount(kOwner))
                   .stats.decided)
      << "the engine should refuse a key read as a string and as a number";
  AnalysisResult result = Analyze(policy);
  EXPECT_TRUE(result.findings.empty()) << result.findings[0].error_reason;
  EXPECT_TRUE(result.stats.decided);
  EXPECT_TRUE(result.stats.decided_by_oracle);
}

TEST(AnalyzeWithOracleTest, OracleFindsExternalAccessAndTheErrorStays) {
  policy::Policy policy = Parse(MixedFamilyPolicy("999988887777"));
  AnalysisResult result = Analyze(policy);
  ASSERT_EQ(result.findings.size(), 1u);
  ASSERT_TRUE(result.findings[0].error.has_value());
  EXPECT_NE(result.findings[0].error_reason.find("the Z3 oracle found external access"),
            std::string::npos)
      << result.findings[0].error_reason;
  EXPECT_FALSE(result.stats.decided);
  EXPECT_FALSE(result.stats.decided_by_oracle);
}

}  // namespace
}  // namespace perimeter::reasoning::z3
