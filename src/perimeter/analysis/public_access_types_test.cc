#include "perimeter/analysis/public_access_types.h"

#include <string>

#include "gtest/gtest.h"
#include "perimeter/analysis/policy_checks.h"
#include "perimeter/policy/policy_parser.h"

namespace perimeter::analysis {
namespace {

// Every type the API accepts is checked, with actions for each of its groups of requests: a group
// without actions would pass any policy unseen. 26 values in the model's AccessCheckResourceType
// (IAM Access Analyzer API Reference, CheckNoPublicAccess).
TEST(PublicAccessTypesTest, EveryApiTypeIsCheckedWithActions) {
  size_t in_api = 0;
  for (const PublicAccessType& type : PublicAccessTypes()) {
    in_api += type.in_api_enum ? 1 : 0;
    ASSERT_FALSE(type.targets.empty()) << type.name;
    for (const reasoning::ResourceTarget& target : type.targets) {
      EXPECT_FALSE(target.actions.empty()) << type.name << " " << target.arn_patterns.front();
    }
  }
  EXPECT_EQ(in_api, 26u);
  for (std::string_view name : {"AWS::Kinesis::StreamConsumer", "AWS::S3::Glacier",
                                "AWS::S3Outposts::AccessPoint", "AWS::CloudTrail::Dashboard"}) {
    EXPECT_TRUE(IsAccessCheckResourceType(name)) << name;
  }
  EXPECT_FALSE(IsAccessCheckResourceType("AWS::ECR::Repository")) << "the CLI's only";
  EXPECT_NE(FindPublicAccessType("AWS::ECR::Repository"), nullptr);
}

TEST(PublicAccessTypesTest, UnknownTypeIsNotFound) {
  EXPECT_EQ(FindPublicAccessType("AWS::Nope::Thing"), nullptr);
}

struct TypeCase {
  std::string name;
  std::string type;
  std::string statement;  // one statement of the policy
  bool pass;
};

class CheckedTypeTest : public testing::TestWithParam<TypeCase> {};

TEST_P(CheckedTypeTest, DecidesPublicAccess) {
  const TypeCase& c = GetParam();
  std::string text = R"({"Version":"2012-10-17","Statement":[)" + c.statement + "]}";
  policy::PolicyParseResult parsed =
      policy::ParsePolicy(text, {.kind = policy::PolicyKind::kResource});
  ASSERT_TRUE(parsed.policy.has_value());
  absl::StatusOr<CheckResult> result = CheckNoPublicAccess(*parsed.policy, c.type);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->pass, c.pass) << result->message;
}

// For each type only checked (not analyzed for findings): public to anyone, and the same grant
// restricted to an organization or named to one account, which is not public.
#define ALLOW_ANY(action, resource) \
  R"({"Effect":"Allow","Principal":"*","Action":")" action R"(","Resource":")" resource R"("})"
#define ALLOW_ORG(action, resource)                                                     \
  R"({"Effect":"Allow","Principal":"*","Action":")" action R"(","Resource":")" resource \
  R"(","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1234567890"}}})"
#define ALLOW_ACCOUNT(action, resource)                                       \
  R"({"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":")" action \
  R"(","Resource":")" resource R"("})"

INSTANTIATE_TEST_SUITE_P(
    Types, CheckedTypeTest,
    testing::Values(
        TypeCase{"OpenSearchPublic", "AWS::OpenSearchService::Domain",
                 ALLOW_ANY("es:ESHttpGet", "arn:aws:es:us-east-1:111122223333:domain/d/*"), false},
        TypeCase{"OpenSearchOrg", "AWS::OpenSearchService::Domain",
                 ALLOW_ORG("es:ESHttp*", "arn:aws:es:us-east-1:111122223333:domain/d/*"), true},
        TypeCase{
            "OpenSearchSourceIp", "AWS::OpenSearchService::Domain",
            R"({"Effect":"Allow","Principal":{"AWS":"*"},"Action":"es:ESHttp*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"192.0.2.0/24"}}})",
            true},
        TypeCase{"KinesisStreamPublic", "AWS::Kinesis::Stream",
                 ALLOW_ANY("kinesis:GetRecords", "*"), false},
        TypeCase{"KinesisStreamAccount", "AWS::Kinesis::Stream", ALLOW_ACCOUNT("kinesis:*", "*"),
                 true},
        // Any action counts for the types only checked, as AWS's check reads them: its recorded
        // answer fails a table bucket policy allowing "s3:*" to everyone.
        TypeCase{"KinesisStreamActionOfAnotherService", "AWS::Kinesis::Stream",
                 ALLOW_ANY("sqs:SendMessage", "*"), false},
        TypeCase{"TableBucketAllowsS3Star", "AWS::S3Tables::TableBucket", ALLOW_ANY("s3:*", "*"),
                 false},
        TypeCase{"CodeArtifactActionWithoutResourceType", "AWS::CodeArtifact::Domain",
                 ALLOW_ANY("codeartifact:CreateRepository",
                           "arn:aws:codeartifact:us-east-2:123456789012:domain/*"),
                 false},
        TypeCase{"ConsumerPolicyCheckedAsStream", "AWS::Kinesis::Stream",
                 ALLOW_ANY("kinesis:SubscribeToShard",
                           "arn:aws:kinesis:us-west-2:123456789012:stream/example/consumer/c:1"),
                 false},
        TypeCase{"DeniedEverywhere", "AWS::Kinesis::Stream",
                 ALLOW_ANY("sqs:SendMessage",
                           "*") R"(,{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"})",
                 true},
        TypeCase{"KinesisConsumerPublic", "AWS::Kinesis::StreamConsumer",
                 ALLOW_ANY("kinesis:SubscribeToShard", "*"), false},
        TypeCase{"KinesisConsumerOrg", "AWS::Kinesis::StreamConsumer",
                 ALLOW_ORG("kinesis:SubscribeToShard", "*"), true},
        TypeCase{
            "GlacierPublic", "AWS::S3::Glacier",
            ALLOW_ANY("glacier:InitiateJob", "arn:aws:glacier:us-east-1:111122223333:vaults/v"),
            false},
        TypeCase{"GlacierAccount", "AWS::S3::Glacier", ALLOW_ACCOUNT("glacier:*", "*"), true},
        TypeCase{"OutpostsBucketPublic", "AWS::S3Outposts::Bucket",
                 ALLOW_ANY("s3-outposts:GetObject", "*"), false},
        TypeCase{"OutpostsBucketOrg", "AWS::S3Outposts::Bucket", ALLOW_ORG("s3-outposts:*", "*"),
                 true},
        TypeCase{"OutpostsAccessPointPublic", "AWS::S3Outposts::AccessPoint",
                 ALLOW_ANY("s3-outposts:GetObject", "*"), false},
        TypeCase{"OutpostsAccessPointAccount", "AWS::S3Outposts::AccessPoint",
                 ALLOW_ACCOUNT("s3-outposts:*", "*"), true},
        TypeCase{"TableBucketPublic", "AWS::S3Tables::TableBucket",
                 ALLOW_ANY("s3tables:GetTableData",
                           "arn:aws:s3tables:us-east-1:111122223333:bucket/b/table/*"),
                 false},
        TypeCase{"TableBucketOrg", "AWS::S3Tables::TableBucket", ALLOW_ORG("s3tables:*", "*"),
                 true},
        TypeCase{"TablePublic", "AWS::S3Tables::Table", ALLOW_ANY("s3tables:GetTableData", "*"),
                 false},
        TypeCase{"TableOrganizationOnly", "AWS::S3Tables::Table", ALLOW_ORG("s3tables:*", "*"),
                 true},
        TypeCase{"RestApiPublic", "AWS::ApiGateway::RestApi",
                 ALLOW_ANY("execute-api:Invoke", "arn:aws:execute-api:us-east-1:111122223333:a1/*"),
                 false},
        TypeCase{
            "RestApiSourceIp", "AWS::ApiGateway::RestApi",
            R"({"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"IpAddress":{"aws:SourceIp":["192.0.2.0/24"]}}})",
            true},
        TypeCase{
            "RestApiSourceVpce", "AWS::ApiGateway::RestApi",
            R"({"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}})",
            true},
        TypeCase{"CodeArtifactPublic", "AWS::CodeArtifact::Domain",
                 ALLOW_ANY("codeartifact:GetAuthorizationToken", "*"), false},
        TypeCase{"CodeArtifactOrg", "AWS::CodeArtifact::Domain",
                 ALLOW_ORG("codeartifact:GetAuthorizationToken", "*"), true},
        TypeCase{"BackupVaultPublic", "AWS::Backup::BackupVault",
                 ALLOW_ANY("backup:CopyIntoBackupVault", "*"), false},
        TypeCase{
            "BackupVaultDenyOnly", "AWS::Backup::BackupVault",
            R"({"Effect":"Deny","Principal":"*","Action":"backup:DeleteRecoveryPoint","Resource":"*"})",
            true},
        TypeCase{"DashboardPublic", "AWS::CloudTrail::Dashboard",
                 ALLOW_ANY("cloudtrail:StartDashboardRefresh", "*"), false},
        TypeCase{"DashboardAccount", "AWS::CloudTrail::Dashboard",
                 ALLOW_ACCOUNT("cloudtrail:*", "*"), true},
        TypeCase{"EventDataStorePublic", "AWS::CloudTrail::EventDataStore",
                 ALLOW_ANY("cloudtrail:StartQuery", "*"), false},
        TypeCase{"EventDataStoreOrg", "AWS::CloudTrail::EventDataStore",
                 ALLOW_ORG("cloudtrail:StartQuery", "*"), true}),
    [](const testing::TestParamInfo<TypeCase>& info) { return info.param.name; });

}  // namespace
}  // namespace perimeter::analysis
