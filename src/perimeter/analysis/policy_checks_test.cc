#include "perimeter/analysis/policy_checks.h"

#include <set>
#include <string>

#include "gtest/gtest.h"
#include "perimeter/policy/policy_parser.h"

namespace perimeter::analysis {
namespace {

policy::Policy Parse(const std::string& text, policy::PolicyKind kind) {
  policy::PolicyParseResult parsed = policy::ParsePolicy(text, {.kind = kind});
  EXPECT_TRUE(parsed.policy.has_value())
      << (parsed.issues.empty() ? "" : parsed.issues.front().message);
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
  policy::PolicyKind kind = c.type == "AWS::IAM::AssumeRolePolicyDocument"
                                ? policy::PolicyKind::kRoleTrust
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
        PublicCase{
            "PublicBucketRead", "AWS::S3::Bucket",
            POLICY(
                R"({"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})"),
            false, "Public"},
        PublicCase{
            "CrossAccountIsNotPublic", "AWS::S3::Bucket",
            POLICY(
                R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"})"),
            true, ""},
        PublicCase{
            "OrgConditionIsNotPublic", "AWS::SQS::Queue",
            POLICY(
                R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1234567890"}}})"),
            true, ""},
        PublicCase{
            "SourceIpIsNotPublic", "AWS::SNS::Topic",
            POLICY(
                R"({"Effect":"Allow","Principal":"*","Action":"sns:Publish","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}})"),
            true, ""},
        PublicCase{
            "RefererDoesNotProtect", "AWS::S3::Bucket",
            POLICY(
                R"({"Sid":"Web","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringLike":{"aws:Referer":"https://example.com/*"}}})"),
            false, "Web"},
        PublicCase{
            "DeniedPublicGrant", "AWS::KMS::Key",
            POLICY(
                R"({"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*"})"),
            true, ""},
        PublicCase{
            "TrustedByAnyone", "AWS::IAM::AssumeRolePolicyDocument",
            POLICY(
                R"({"Sid":"Any","Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"})"),
            false, "Any"},
        PublicCase{
            "GithubWithoutSub", "AWS::IAM::AssumeRolePolicyDocument",
            POLICY(
                R"({"Sid":"Gh","Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}})"),
            false, "Gh"},
        PublicCase{
            "PublicAccessPointObjects", "AWS::S3::AccessPoint",
            POLICY(
                R"({"Sid":"Objects","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/*"})"),
            false, "Objects"},
        PublicCase{
            "AccessPointForOneAccount", "AWS::S3::AccessPoint",
            POLICY(
                R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/*"})"),
            true, ""},
        PublicCase{
            "PublicDirectoryAccessPoint", "AWS::S3Express::AccessPoint",
            POLICY(
                R"({"Sid":"Sessions","Effect":"Allow","Principal":"*","Action":"s3express:CreateSession","Resource":"arn:aws:s3express:us-east-1:111122223333:accesspoint/ap--use1-az4--xa-s3"})"),
            false, "Sessions"},
        PublicCase{
            "GithubWithSub", "AWS::IAM::AssumeRolePolicyDocument",
            POLICY(
                R"({"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:sub":"repo:org/app:ref:refs/heads/main"}}})"),
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
  policy::PolicyKind kind = c.type == CheckPolicyType::kIdentityPolicy
                                ? policy::PolicyKind::kIdentity
                                : policy::PolicyKind::kResource;
  absl::StatusOr<CheckResult> result =
      CheckAccessNotGranted(Parse(c.policy, kind), c.type, c.actions, c.resources);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->pass, c.pass);
}

constexpr CheckPolicyType kId = CheckPolicyType::kIdentityPolicy;
constexpr CheckPolicyType kRes = CheckPolicyType::kResourcePolicy;

INSTANTIATE_TEST_SUITE_P(
    Cases, AccessNotGrantedTest,
    testing::Values(
        GrantedCase{"WildcardGrants",
                    kId,
                    POLICY(R"({"Effect":"Allow","Action":"s3:Get*","Resource":"*"})"),
                    {"s3:GetObject"},
                    {},
                    false},
        GrantedCase{"OtherActionPasses",
                    kId,
                    POLICY(R"({"Effect":"Allow","Action":"s3:Get*","Resource":"*"})"),
                    {"s3:PutObject"},
                    {},
                    true},
        GrantedCase{"NotActionGrants",
                    kId,
                    POLICY(R"({"Effect":"Allow","NotAction":"iam:*","Resource":"*"})"),
                    {"s3:DeleteBucket"},
                    {},
                    false},
        GrantedCase{
            "DeniedPasses",
            kId,
            POLICY(
                R"({"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:PassRole","Resource":"*"})"),
            {"iam:PassRole"},
            {},
            true},
        GrantedCase{
            "OtherResourcePasses",
            kId,
            POLICY(
                R"({"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::1:role/x"})"),
            {"iam:PassRole"},
            {"arn:aws:iam::1:role/other"},
            true},
        GrantedCase{
            "SameResourceFails",
            kId,
            POLICY(
                R"({"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::1:role/*"})"),
            {"iam:PassRole"},
            {"arn:aws:iam::1:role/other"},
            false},
        GrantedCase{
            "ConditionedGrantStillFails",
            kId,
            POLICY(
                R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}})"),
            {"s3:GetObject"},
            {},
            false},
        GrantedCase{
            "ResourcePolicyToAccount",
            kRes,
            POLICY(
                R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sqs:SendMessage","Resource":"*"})"),
            {"sqs:SendMessage"},
            {},
            false},
        GrantedCase{
            "ResourcePolicyToService",
            kRes,
            POLICY(
                R"({"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*"})"),
            {"sqs:SendMessage"},
            {},
            false}),
    [](const testing::TestParamInfo<GrantedCase>& info) { return info.param.name; });

struct NewAccessCase {
  std::string name;
  CheckPolicyType type;
  std::string new_policy;
  std::string existing_policy;
  bool pass;
  std::vector<size_t> failing_statements;  // the statement indexes the reasons name, in order
};

class NoNewAccessTest : public testing::TestWithParam<NewAccessCase> {};

TEST_P(NoNewAccessTest, DecidesLikeCheckNoNewAccess) {
  const NewAccessCase& c = GetParam();
  policy::PolicyKind kind = c.type == CheckPolicyType::kIdentityPolicy
                                ? policy::PolicyKind::kIdentity
                                : policy::PolicyKind::kResource;
  absl::StatusOr<CheckResult> result =
      CheckNoNewAccess(Parse(c.new_policy, kind), Parse(c.existing_policy, kind), c.type);
  ASSERT_TRUE(result.ok()) << result.status();
  std::string reasons;
  std::vector<size_t> indexes;
  for (const CheckReason& reason : result->reasons) {
    reasons += reason.description + "\n";
    if (reason.statement_index.has_value()) indexes.push_back(*reason.statement_index);
  }
  EXPECT_EQ(result->pass, c.pass) << reasons;
  EXPECT_EQ(indexes, c.failing_statements) << reasons;
  EXPECT_EQ(
      result->message,
      c.pass ? "The modified permissions do not grant new access compared to your existing policy."
             : "The modified permissions grant new access compared to your existing policy.");
}

// The AWS CLI's example for check-no-new-access: s3:GetObjectAcl added to statement 0.
#define S3_DOC_STATEMENT(actions)           \
  R"({"Effect":"Allow","Action":[)" actions \
  R"(],"Resource":["arn:aws:s3:::DOC-EXAMPLE-BUCKET","arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"]})"

INSTANTIATE_TEST_SUITE_P(
    Cases, NoNewAccessTest,
    testing::Values(
        NewAccessCase{
            "AwsCliExampleAddsAnAction",
            kId,
            POLICY(S3_DOC_STATEMENT(R"("s3:GetObject","s3:GetObjectAcl","s3:ListBucket")")),
            POLICY(S3_DOC_STATEMENT(R"("s3:GetObject","s3:ListBucket")")),
            false,
            {0}},
        NewAccessCase{"Identical",
                      kId,
                      POLICY(S3_DOC_STATEMENT(R"("s3:GetObject","s3:ListBucket")")),
                      POLICY(S3_DOC_STATEMENT(R"("s3:GetObject","s3:ListBucket")")),
                      true,
                      {}},
        NewAccessCase{"FewerActions",
                      kId,
                      POLICY(S3_DOC_STATEMENT(R"("s3:GetObject")")),
                      POLICY(S3_DOC_STATEMENT(R"("s3:GetObject","s3:ListBucket")")),
                      true,
                      {}},
        NewAccessCase{
            "NarrowerResource",
            kId,
            POLICY(
                R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/reports/*"})"),
            POLICY(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})"),
            true,
            {}},
        NewAccessCase{
            "WiderResource",
            kId,
            POLICY(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b*"})"),
            POLICY(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})"),
            false,
            {0}},
        NewAccessCase{
            "RemovesACondition",
            kId,
            POLICY(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*"})"),
            POLICY(
                R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}})"),
            false,
            {0}},
        NewAccessCase{
            "AddsACondition",
            kId,
            POLICY(
                R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}})"),
            POLICY(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*"})"),
            true,
            {}},
        NewAccessCase{
            "NarrowsAConditionValue",
            kId,
            POLICY(
                R"({"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}})"),
            POLICY(
                R"({"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*","Condition":{"StringLike":{"aws:RequestedRegion":"eu-*"}}})"),
            true,
            {}},
        NewAccessCase{
            "WidensAConditionValue",
            kId,
            POLICY(
                R"({"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*","Condition":{"StringLike":{"aws:RequestedRegion":"eu-*"}}})"),
            POLICY(
                R"({"Effect":"Allow","Action":"ec2:RunInstances","Resource":"*","Condition":{"StringEquals":{"aws:RequestedRegion":"eu-west-1"}}})"),
            false,
            {0}},
        NewAccessCase{
            "AddsADeny",
            kId,
            POLICY(
                R"({"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"})"),
            POLICY(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})"),
            true,
            {}},
        NewAccessCase{
            "RemovesADeny",
            kId,
            POLICY(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})"),
            POLICY(
                R"({"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"})"),
            false,
            {0}},
        NewAccessCase{"DenyOnlyNewPolicy",
                      kId,
                      POLICY(R"({"Effect":"Deny","Action":"*","Resource":"*"})"),
                      POLICY(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*"})"),
                      true,
                      {}},
        NewAccessCase{
            "WildcardActionCoversSpecific",
            kId,
            POLICY(
                R"({"Effect":"Allow","Action":["s3:GetObject","S3:listbucket"],"Resource":"*"})"),
            POLICY(R"({"Effect":"Allow","Action":["s3:Get*","s3:List*"],"Resource":"*"})"),
            true,
            {}},
        NewAccessCase{
            "WildcardActionIsNotCoveredByAList",
            kId,
            POLICY(R"({"Effect":"Allow","Action":"s3:GetObject*","Resource":"*"})"),
            POLICY(
                R"({"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectAcl"],"Resource":"*"})"),
            false,
            {0}},
        NewAccessCase{
            "OnlyTheStatementsThatGrantNewAccess",
            kId,
            POLICY(
                R"({"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"Write","Effect":"Allow","Action":"s3:PutObject","Resource":"*"},{"Sid":"Iam","Effect":"Allow","Action":"iam:PassRole","Resource":"*"})"),
            POLICY(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})"),
            false,
            {2}},
        NewAccessCase{"NotActionAgainstAction",
                      kId,
                      POLICY(R"({"Effect":"Allow","NotAction":"iam:*","Resource":"*"})"),
                      POLICY(R"({"Effect":"Allow","Action":"s3:*","Resource":"*"})"),
                      false,
                      {0}},
        NewAccessCase{
            "ActionAgainstNotAction",
            kId,
            POLICY(R"({"Effect":"Allow","Action":["s3:*","ec2:Describe*"],"Resource":"*"})"),
            POLICY(R"({"Effect":"Allow","NotAction":["iam:*","organizations:*"],"Resource":"*"})"),
            true,
            {}},
        NewAccessCase{
            "NotResourceAgainstResource",
            kId,
            POLICY(
                R"({"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"})"),
            POLICY(
                R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::public/*"})"),
            false,
            {0}},
        NewAccessCase{
            "ResourceAgainstNotResource",
            kId,
            POLICY(
                R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::public/*"})"),
            POLICY(
                R"({"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"})"),
            true,
            {}},
        NewAccessCase{
            "VariableWithinTheReference",
            kId,
            POLICY(
                R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"})"),
            POLICY(
                R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/*"})"),
            true,
            {}},
        NewAccessCase{
            "VariableWidensTheNewPolicy",
            kId,
            POLICY(
                R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/${aws:username}/*"})"),
            POLICY(
                R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::home/alice/*"})"),
            false,
            {0}},
        NewAccessCase{
            "ResourcePolicyIdentical",
            kRes,
            POLICY(
                R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sqs:SendMessage","Resource":"*"})"),
            POLICY(
                R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sqs:SendMessage","Resource":"*"})"),
            true,
            {}},
        NewAccessCase{
            "ResourcePolicyNewAccount",
            kRes,
            POLICY(
                R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sqs:SendMessage","Resource":"*"},{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sqs:SendMessage","Resource":"*"})"),
            POLICY(
                R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sqs:SendMessage","Resource":"*"})"),
            false,
            {1}},
        NewAccessCase{
            "ResourcePolicyRoleWithinTheAccount",
            kRes,
            POLICY(
                R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})"),
            POLICY(
                R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})"),
            true,
            {}},
        NewAccessCase{
            "ResourcePolicyReferenceWithWildcardPrincipal",
            kRes,
            POLICY(
                R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"sts:AssumeRole"})"),
            POLICY(
                R"({"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalAccount":"111122223333"}}})"),
            true,
            {}},
        NewAccessCase{
            "ResourcePolicyOrgConditionRemoved",
            kRes,
            POLICY(
                R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"})"),
            POLICY(
                R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}})"),
            false,
            {0}},
        NewAccessCase{
            "ResourcePolicyNewService",
            kRes,
            POLICY(
                R"({"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*"})"),
            POLICY(
                R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sqs:SendMessage","Resource":"*"})"),
            false,
            {0}},
        NewAccessCase{
            "ResourcePolicyPartialAccountWildcardIsUndecided",
            kRes,
            POLICY(
                R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sqs:SendMessage","Resource":"*"})"),
            POLICY(
                R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1111*:root"},"Action":"sqs:SendMessage","Resource":"*"})"),
            false,
            {}}),
    [](const testing::TestParamInfo<NewAccessCase>& info) { return info.param.name; });

TEST(NoNewAccessTest, ReasonsNameTheStatementLikeAws) {
  policy::Policy existing =
      Parse(POLICY(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*"})"),
            policy::PolicyKind::kIdentity);
  policy::Policy updated = Parse(
      POLICY(
          R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"},{"Sid":"S3ReadWrite","Effect":"Allow","Action":"s3:DeleteObject","Resource":"*"})"),
      policy::PolicyKind::kIdentity);
  absl::StatusOr<CheckResult> result = CheckNoNewAccess(updated, existing, kId);
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->reasons.size(), 2u);
  EXPECT_EQ(result->reasons[0].description, "New access in the statement with index: 1.");
  EXPECT_EQ(result->reasons[0].statement_index, 1u);
  EXPECT_FALSE(result->reasons[0].statement_id.has_value());
  EXPECT_EQ(result->reasons[1].description, "New access in the statement with sid: S3ReadWrite.");
  EXPECT_EQ(result->reasons[1].statement_index, 2u);
  EXPECT_EQ(result->reasons[1].statement_id.value_or(""), "S3ReadWrite");
}

TEST(NoNewAccessTest, PolicyVariablesAreComparedConservativelyAndSaySo) {
  std::string home = POLICY(
      R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"})");
  std::string docs = POLICY(
      R"({"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/docs/*"})");
  policy::Policy home_policy = Parse(home, policy::PolicyKind::kIdentity);
  policy::Policy docs_policy = Parse(docs, policy::PolicyKind::kIdentity);
  // The same statement in both: compared as written.
  absl::StatusOr<CheckResult> same = CheckNoNewAccess(home_policy, home_policy, kId);
  ASSERT_TRUE(same.ok());
  EXPECT_TRUE(same->pass);
  absl::StatusOr<CheckResult> narrower = CheckNoNewAccess(docs_policy, home_policy, kId);
  ASSERT_TRUE(narrower.ok());
  EXPECT_FALSE(
      narrower->pass);  // docs/ lies inside the home folder, but only as bounds are compared
  ASSERT_EQ(narrower->reasons.size(), 1u);
  EXPECT_NE(narrower->reasons[0].description.find("policy variables"), std::string::npos)
      << narrower->reasons[0].description;
}

// Reasons name the statement in AWS's words (tf-policy-validator's recorded answers of the
// service): by Sid when it has one, else by index.
TEST(CheckReasonWordingTest, FollowsAws) {
  policy::Policy public_policy = Parse(
      POLICY(
          R"({"Sid":"Open","Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"},)"
          R"({"Effect":"Allow","Principal":"*","Action":"sqs:ReceiveMessage","Resource":"*"})"),
      policy::PolicyKind::kResource);
  absl::StatusOr<CheckResult> open = CheckNoPublicAccess(public_policy, "AWS::SQS::Queue");
  ASSERT_TRUE(open.ok());
  std::set<std::string> descriptions;  // in the engine's finding order
  for (const CheckReason& reason : open->reasons) descriptions.insert(reason.description);
  EXPECT_EQ(descriptions, (std::set<std::string>{
                              "Public access granted in the following statement with sid: Open.",
                              "Public access granted in the following statement with index: 1."}));
  policy::Policy identity =
      Parse(POLICY(R"({"Effect":"Allow","Action":"s3:GetObject","Resource":"*"})"),
            policy::PolicyKind::kIdentity);
  absl::StatusOr<CheckResult> granted =
      CheckAccessNotGranted(identity, CheckPolicyType::kIdentityPolicy, {"s3:GetObject"}, {});
  ASSERT_TRUE(granted.ok());
  ASSERT_EQ(granted->reasons.size(), 1u);
  EXPECT_EQ(granted->reasons[0].description,
            "One or more of the listed actions in the statement with index: 0.");
  absl::StatusOr<CheckResult> by_resource =
      CheckAccessNotGranted(identity, CheckPolicyType::kIdentityPolicy, {}, {"arn:aws:s3:::b/k"});
  ASSERT_TRUE(by_resource.ok());
  ASSERT_EQ(by_resource->reasons.size(), 1u);
  EXPECT_EQ(by_resource->reasons[0].description,
            "One or more of the listed resources in the statement with index: 0.");
  absl::StatusOr<CheckResult> by_both = CheckAccessNotGranted(
      identity, CheckPolicyType::kIdentityPolicy, {"s3:GetObject"}, {"arn:aws:s3:::b/k"});
  ASSERT_TRUE(by_both.ok());
  ASSERT_EQ(by_both->reasons.size(), 1u);
  EXPECT_EQ(by_both->reasons[0].description,
            "One or more of the listed actions and/or resources in the statement with index: 0.");
}

}  // namespace
}  // namespace perimeter::analysis
