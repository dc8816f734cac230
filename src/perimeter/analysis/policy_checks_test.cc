#include "perimeter/analysis/policy_checks.h"

#include <string>

#include "gtest/gtest.h"
#include "perimeter/policy/policy_parser.h"

namespace perimeter::analysis {
namespace {

policy::Policy Parse(const std::string& text, policy::PolicyKind kind) {
  policy::PolicyParseResult parsed = policy::ParsePolicy(text, {.kind = kind});
  EXPECT_TRUE(parsed.policy.has_value()) << (parsed.issues.empty() ? "" : parsed.issues.front().message);
  return parsed.policy.value_or(policy::Policy{});
}

struct PublicCase {
  std::string name;
  std::string type;
  std::string policy;
  bool pass;
  std::string failing_sid;  // the statement the first reason names
};

class NoPublicAccessTest : public testing::TestWithParam<PublicCase> {};

TEST_P(NoPublicAccessTest, DecidesLikeCheckNoPublicAccess) {
  const PublicCase& c = GetParam();
  policy::PolicyKind kind = c.type == "AWS::IAM::AssumeRolePolicyDocument" ? policy::PolicyKind::kRoleTrust
                                                                            : policy::PolicyKind::kResource;
  absl::StatusOr<CheckResult> result = CheckNoPublicAccess(Parse(c.policy, kind), c.type);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->pass, c.pass);
  if (!c.pass) {
    ASSERT_FALSE(result->reasons.empty());
    EXPECT_EQ(result->reasons.front().statement_id.value_or(""), c.failing_sid);
  }
}

#define POLICY(x) R"({"Version":"2012-10-17","Statement":[)" x "]}"

INSTANTIATE_TEST_SUITE_P(
    Cases, NoPublicAccessTest,
    testing::Values(
        PublicCase{"PublicBucketRead", "AWS::S3::Bucket",
                   POLICY(R"({"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})"),
                   false, "Public"},
        PublicCase{"CrossAccountIsNotPublic", "AWS::S3::Bucket",
                   POLICY(R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"})"), true, ""},
        PublicCase{"OrgConditionIsNotPublic", "AWS::SQS::Queue",
                   POLICY(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1234567890"}}})"),
                   true, ""},
        PublicCase{"SourceIpIsNotPublic", "AWS::SNS::Topic",
                   POLICY(R"({"Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}})"),
                   true, ""},
        PublicCase{"RefererDoesNotProtect", "AWS::S3::Bucket",
                   POLICY(R"({"Sid":"Web","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:Referer":"https://example.com/*"}}})"),
                   false, "Web"},
        PublicCase{"DeniedPublicGrant", "AWS::KMS::Key",
                   POLICY(R"({"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*"})"),
                   true, ""},
        PublicCase{"TrustedByAnyone", "AWS::IAM::AssumeRolePolicyDocument",
                   POLICY(R"({"Sid":"Any","Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"})"), false, "Any"},
        PublicCase{"GithubWithoutSub", "AWS::IAM::AssumeRolePolicyDocument",
                   POLICY(R"({"Sid":"Gh","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}})"),
                   false, "Gh"},
        PublicCase{"GithubWithSub", "AWS::IAM::AssumeRolePolicyDocument",
                   POLICY(R"({"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:org/app:ref:refs/heads/main"}}})"),
                   true, ""}),
    [](const testing::TestParamInfo<PublicCase>& info) { return info.param.name; });

TEST(NoPublicAccessTest, UnsupportedTypeIsAnError) {
  EXPECT_FALSE(CheckNoPublicAccess(policy::Policy{}, "AWS::Nope::Thing").ok());
}

struct GrantedCase {
  std::string name;
  CheckPolicyType type;
  std::string policy;
  std::vector<std::string> actions;
  std::vector<std::string> resources;
  bool pass;
};

class AccessNotGrantedTest : public testing::TestWithParam<GrantedCase> {};

TEST_P(AccessNotGrantedTest, DecidesLikeCheckAccessNotGranted) {
  const GrantedCase& c = GetParam();
  policy::PolicyKind kind =
      c.type == CheckPolicyType::kIdentityPolicy ? policy::PolicyKind::kIdentity : policy::PolicyKind::kResource;
  absl::StatusOr<CheckResult> result = CheckAccessNotGranted(Parse(c.policy, kind), c.type, c.actions, c.resources);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->pass, c.pass);
}

constexpr CheckPolicyType kId = CheckPolicyType::kIdentityPolicy;
constexpr CheckPolicyType kRes = CheckPolicyType::kResourcePolicy;

INSTANTIATE_TEST_SUITE_P(
    Cases, AccessNotGrantedTest,
    testing::Values(
        GrantedCase{"WildcardGrants", kId, POLICY(R"({"Effect":"Allow","Action":"s3:Get*","Resource":"*"})"), {"s3:GetObject"}, {}, false},
        GrantedCase{"OtherActionPasses", kId, POLICY(R"({"Effect":"Allow","Action":"s3:Get*","Resource":"*"})"), {"s3:PutObject"}, {}, true},
        GrantedCase{"NotActionGrants", kId, POLICY(R"({"Effect":"Allow","NotAction":"iam:*","Resource":"*"})"), {"s3:DeleteBucket"}, {}, false},
        GrantedCase{"DeniedPasses", kId,
                    POLICY(R"({"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:PassRole","Resource":"*"})"),
                    {"iam:PassRole"}, {}, true},
        GrantedCase{"OtherResourcePasses", kId, POLICY(R"({"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::1:role/x"})"),
                    {"iam:PassRole"}, {"arn:aws:iam::1:role/other"}, true},
        GrantedCase{"SameResourceFails", kId, POLICY(R"({"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::1:role/*"})"),
                    {"iam:PassRole"}, {"arn:aws:iam::1:role/other"}, false},
        GrantedCase{"ConditionedGrantStillFails", kId,
                    POLICY(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}})"),
                    {"s3:GetObject"}, {}, false},
        GrantedCase{"ResourcePolicyToAccount", kRes,
                    POLICY(R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sqs:SendMessage","Resource":"*"})"),
                    {"sqs:SendMessage"}, {}, false},
        GrantedCase{"ResourcePolicyToService", kRes,
                    POLICY(R"({"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*"})"),
                    {"sqs:SendMessage"}, {}, false}),
    [](const testing::TestParamInfo<GrantedCase>& info) { return info.param.name; });

}  // namespace
}  // namespace perimeter::analysis
