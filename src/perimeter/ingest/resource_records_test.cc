// The builders every input format shares (internal/lambda_permission.h, internal/s3_acl.h,
// internal/kms_key_policy.h): one case per line, the JSON text they produce.
#include <optional>
#include <string>

#include "gtest/gtest.h"
#include "perimeter/ingest/internal/kms_key_policy.h"
#include "perimeter/ingest/internal/lambda_permission.h"
#include "perimeter/ingest/internal/s3_acl.h"

namespace perimeter::ingest::internal {
namespace {

using Target = LambdaPermission::Target;

struct LambdaCase {
  const char* name;
  LambdaPermission permission;
  const char* statement;
};

class LambdaPermissionTest : public testing::TestWithParam<LambdaCase> {};

TEST_P(LambdaPermissionTest, Statement) {
  EXPECT_EQ(LambdaPermissionStatement(GetParam().permission), GetParam().statement);
}

INSTANTIATE_TEST_SUITE_P(
    All, LambdaPermissionTest,
    testing::Values(
        LambdaCase{
            "ServicePrincipalWithConditions",
            {.target = Target::kFunction,
             .sid = "s",
             .principal = "s3.amazonaws.com",
             .action = "lambda:InvokeFunction",
             .resource = "arn:aws:lambda:us-east-1:1:function:f",
             .source_arn = "arn:aws:s3:::b",
             .source_account = "111122223333"},
            R"({"Sid":"s","Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},)"
            R"("Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:1:function:f",)"
            R"("Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::b"},)"
            R"("StringEquals":{"AWS:SourceAccount":"111122223333"}}})"},
        LambdaCase{
            "AccountPrincipalNoSid",
            {.target = Target::kFunction,
             .principal = "444455556666",
             .action = "lambda:InvokeFunction",
             .resource = "r",
             .function_url_auth_type = "NONE"},
            R"({"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"lambda:InvokeFunction",)"
            R"("Resource":"r","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}})"},
        LambdaCase{"Everyone",
                   {.target = Target::kFunction, .principal = "*", .action = "a", .resource = "r"},
                   R"({"Effect":"Allow","Principal":"*","Action":"a","Resource":"r"})"},
        // A layer version is shared with accounts only: a service-like name is an AWS principal.
        LambdaCase{
            "LayerServiceNameIsAccount",
            {.target = Target::kLayerVersion,
             .principal = "x.amazonaws.com",
             .action = "a",
             .resource = "r"},
            R"({"Effect":"Allow","Principal":{"AWS":"x.amazonaws.com"},"Action":"a","Resource":"r"})"},
        LambdaCase{
            "LayerOrganization",
            {.target = Target::kLayerVersion,
             .sid = "o",
             .principal = "*",
             .action = "lambda:GetLayerVersion",
             .resource = "r",
             .organization_id = "o-abc"},
            R"({"Sid":"o","Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"r",)"
            R"("Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}})"}),
    [](const testing::TestParamInfo<LambdaCase>& info) { return info.param.name; });

struct CannedAclCase {
  const char* name;
  const char* canned;
  std::optional<std::string> grants;
};

class CannedAclTest : public testing::TestWithParam<CannedAclCase> {};

TEST_P(CannedAclTest, Grants) {
  std::optional<AclGrants> grants = CannedAclGrants(GetParam().canned);
  ASSERT_EQ(grants.has_value(), GetParam().grants.has_value());
  if (grants) {
    ConfigurationMember member = grants->Member({2, 3, 4});
    EXPECT_EQ(member.name, "bucketAclGrants");
    EXPECT_EQ(member.json, *GetParam().grants);
  }
}

constexpr char kAllUsersRead[] =
    R"([{"permission":"READ","grantee":{"uri":"http://acs.amazonaws.com/groups/global/AllUsers"}}])";

INSTANTIATE_TEST_SUITE_P(
    All, CannedAclTest,
    testing::Values(
        CannedAclCase{"HeaderName", "public-read", kAllUsersRead},
        CannedAclCase{"CloudFormationName", "PublicRead", kAllUsersRead},
        CannedAclCase{
            "ReadWrite", "PublicReadWrite",
            R"([{"permission":"READ","grantee":{"uri":"http://acs.amazonaws.com/groups/global/AllUsers"}},)"
            R"({"permission":"WRITE","grantee":{"uri":"http://acs.amazonaws.com/groups/global/AllUsers"}}])"},
        CannedAclCase{
            "Authenticated", "authenticated-read",
            R"([{"permission":"READ","grantee":{"uri":"http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}}])"},
        CannedAclCase{
            "LogDelivery", "LogDeliveryWrite",
            R"([{"permission":"WRITE","grantee":{"uri":"http://acs.amazonaws.com/groups/s3/LogDelivery"}},)"
            R"({"permission":"READ_ACP","grantee":{"uri":"http://acs.amazonaws.com/groups/s3/LogDelivery"}}])"},
        CannedAclCase{"Private", "private", std::nullopt},
        CannedAclCase{"BucketOwnerFullControl", "BucketOwnerFullControl", std::nullopt}),
    [](const testing::TestParamInfo<CannedAclCase>& info) { return info.param.name; });

TEST(AclGrants, EmptyAndMixedGrantees) {
  EXPECT_EQ(AclGrants().Member({}).json, "[]");
  AclGrants grants;
  grants.Add("FULL_CONTROL", "id", "abc");
  grants.Add("READ", "emailAddress", "a@example.com");
  EXPECT_EQ(grants.Member({}).json,
            R"([{"permission":"FULL_CONTROL","grantee":{"id":"abc"}},)"
            R"({"permission":"READ","grantee":{"emailAddress":"a@example.com"}}])");
}

TEST(S3GroupUri, PredefinedGroupsOnly) {
  EXPECT_EQ(S3GroupUri("LogDelivery"), "http://acs.amazonaws.com/groups/s3/LogDelivery");
  EXPECT_EQ(S3GroupUri("AllUsers"), "http://acs.amazonaws.com/groups/global/AllUsers");
  EXPECT_EQ(S3GroupUri("Everyone"), std::nullopt);
}

TEST(KmsKeyPolicies, DefaultPolicyName) {
  EXPECT_EQ(KmsKeyPolicies(R"({"Version":"2012-10-17"})"),
            R"({"default":{"Version":"2012-10-17"}})");
}

}  // namespace
}  // namespace perimeter::ingest::internal
