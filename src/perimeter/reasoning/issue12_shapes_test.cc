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
  // The witness must carry these condition keys, each with this value ("=" + another key: the same
  // value).
  std::vector<std::pair<std::string, std::string>> witness_keys;
};

class Issue12ShapeTest : public testing::TestWithParam<ShapeCase> {};

// The queue policy made of `statement`, analyzed in the owner's account zone.
AnalysisResult AnalyzeQueueStatement(const std::string& statement) {
  std::string text = R"({"Version":"2012-10-17","Statement":[)" + statement + "]}";
  policy::PolicyParseResult parsed =
      policy::ParsePolicy(text, {.kind = policy::PolicyKind::kResource});
  EXPECT_TRUE(parsed.policy.has_value());
  if (!parsed.policy.has_value()) return {};
  AccessModel model;
  model.resource_arn = kQueue;
  model.resource_type = "AWS::SQS::Queue";
  model.owner_account = kOwner;
  model.targets = {ResourceTarget{{kQueue}, {"sqs:SendMessage"}}};
  model.policy = &*parsed.policy;
  ZoneOfTrust zone = ZoneOfTrust::ForAccount(kOwner);
  return AnalyzeExternalAccess(model, zone);
}

// arn-wildcards: a glob on aws:PrincipalArn whose '*' crosses ':' names users whose path holds the
// rest ("user/:role/…", a valid IAM path): the engine decides it (was declined: "candidate
// principal arn:aws:iam::…:user/:role/ is not a principal").
TEST(Issue12Shapes, PrincipalArnGlobWithWildcardAccountIsDecided) {
  for (const char* op : {"StringLike", "ArnLike"}) {
    AnalysisResult result = AnalyzeQueueStatement(
        std::string(
            R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{")") +
        op + R"(":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}})");
    ASSERT_FALSE(result.findings.empty()) << op;
    for (const findings::Finding& f : result.findings) {
      EXPECT_FALSE(f.error.has_value()) << op << ": " << f.error_reason;
    }
  }
}

// arn-non-arn-values: aws:PrincipalAccount compared with a value that is no account id (an ARN
// operator reads it as matching nothing; a string operator matches no account): decided, not
// declined ("… is not a single account id"). The Allow matches nobody; a negated one (the Deny's
// idiom) everybody.
TEST(Issue12Shapes, PrincipalAccountWithANonAccountValueIsDecided) {
  struct Row {
    const char* op;
    const char* value;
    bool finds;
  };
  for (const Row& row :
       {Row{"ArnLike", "arn:aws:iam::123456789012:root", false},
        Row{"ArnEquals", "deploy-role", false}, Row{"StringEquals", "not-an-arn", false},
        Row{"StringNotEquals", "deploy-role", true}, Row{"ArnNotLike", "arn:aws:s3", true},
        Row{"ArnLike", "arn:AAAA*", false}, Row{"StringLike", "arn:*", false},
        Row{"StringNotLike", "arn:*", true}}) {
    AnalysisResult result = AnalyzeQueueStatement(
        std::string(
            R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{")") +
        row.op + R"(":{"aws:PrincipalAccount":")" + row.value + R"("}}})");
    for (const findings::Finding& f : result.findings) {
      EXPECT_FALSE(f.error.has_value()) << row.op << " " << row.value << ": " << f.error_reason;
    }
    EXPECT_EQ(!result.findings.empty(), row.finds) << row.op << " " << row.value;
  }
}

TEST_P(Issue12ShapeTest, WitnessIsAllowedByThePolicyAsWritten) {
  const ShapeCase& c = GetParam();
  AnalysisResult result = AnalyzeQueueStatement(c.statement);
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
        ShapeCase{
            "PrincipalTagEqualsResourceTag",
            R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*",)"
            R"("Condition":{"StringEquals":{"aws:PrincipalTag/team":"${aws:ResourceTag/team}"}}})",
            {{"aws:resourcetag/team", "=aws:PrincipalTag/team"}}},
        // policy-variables: a Resource that holds a variable, read as '*' (".../teams/${...}/*" in
        // the corpus): the witness carries the variable's key with the value '*' matched, here "".
        ShapeCase{
            "ResourceVariableInsideAWildcard",
            R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage",)"
            R"("Resource":"arn:aws:sqs:us-east-1:123456789012:${aws:PrincipalTag/team}queue"})",
            {{"aws:principaltag/team", ""}}}),
    [](const testing::TestParamInfo<ShapeCase>& info) { return info.param.name; });

}  // namespace
}  // namespace perimeter::reasoning
