// Access previews computed over an inventory (service/access_preview.h): added, removed, unchanged
// and changed access for several configuration types, archive rules, new resources, and the
// configurations AWS rejects (FAILED, INVALID_CONFIGURATION).
#include "perimeter/service/access_preview.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "perimeter/base/text.h"
#include "perimeter/findings/lifecycle.h"
#include "perimeter/json/document.h"
#include "perimeter/resources/analyze_resource.h"
#include "perimeter/resources/inventory.h"

namespace perimeter::service {
namespace {

constexpr char kAccount[] = "111122223333";
constexpr char kAnalyzer[] = "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/a";
constexpr char kBucket[] = "arn:aws:s3:::preview-bucket";
constexpr char kRole[] = "arn:aws:iam::111122223333:role/deploy";
constexpr char kQueue[] = "arn:aws:sqs:us-east-1:111122223333:jobs";

// A policy as a JSON string value: one Allow statement.
std::string Policy(std::string_view principal, std::string_view action, std::string_view resource) {
  std::string statement = base::Concat(R"({\"Effect\":\"Allow\",\"Principal\":)", principal,
                                       R"(,\"Action\":\")", action, R"(\")");
  if (!resource.empty()) statement += base::Concat(R"(,\"Resource\":\")", resource, R"(\")");
  return base::Concat(R"("{\"Version\":\"2012-10-17\",\"Statement\":[)", statement, R"(}]}")");
}

constexpr char kAccount9999[] = R"({\"AWS\":\"arn:aws:iam::999988887777:root\"})";
const std::string kPublicRead = Policy(R"(\"*\")", "s3:GetObject", "arn:aws:s3:::preview-bucket/*");
const std::string kTrust9999 =
    Policy(R"({\"AWS\":\"arn:aws:iam::999988887777:root\"})", "sts:AssumeRole", "");
const std::string kTrust4444 =
    Policy(R"({\"AWS\":\"arn:aws:iam::444455556666:root\"})", "sts:AssumeRole", "");

std::string Record(std::string_view arn, std::string_view region, std::string_view configuration) {
  return base::Concat(R"({"kind":"resource","resourceArn":")", arn,
                      R"(","resourceOwnerAccount":"111122223333")",
                      region.empty() ? "" : base::Concat(R"(,"region":")", region, R"(")"),
                      R"(,"configuration":)", configuration, "}\n");
}

// The current inventory every case starts from: a public bucket and a role trusting 999988887777.
std::string CurrentInventory() {
  return Record(kBucket, "us-east-1",
                base::Concat(R"({"s3Bucket":{"bucketPolicy":)", kPublicRead, "}}")) +
         Record(kRole, "", base::Concat(R"({"iamRole":{"trustPolicy":)", kTrust9999, "}}"));
}

struct PreviewCase {
  std::string label;
  std::string resource_arn;
  std::string configuration;
  std::string archive_rules;  // a JSON array of {ruleName, filter}; "" for none
  // "CHANGE STATUS[ EXISTING] PRINCIPAL" per finding, in the preview's order; or
  // "FAILED <part of the message>".
  std::vector<std::string> expected;
  friend void PrintTo(const PreviewCase& c, std::ostream* out) { *out << c.label; }
};

std::string Line(const findings::AccessPreviewFinding& preview) {
  std::string line = base::Concat(findings::FindingChangeTypeName(preview.change_type), " ",
                                  findings::FindingStatusName(preview.record.status));
  if (preview.existing_finding_status) {
    line += base::Concat(" ", findings::FindingStatusName(*preview.existing_finding_status));
  }
  for (const auto& [type, value] : preview.record.finding.principal) {
    line += base::Concat(" ", type, "=", value);
  }
  if (preview.record.finding.error) line += base::Concat(" error=", *preview.record.finding.error);
  return line;
}

class AccessPreviewTest : public testing::TestWithParam<PreviewCase> {};

TEST_P(AccessPreviewTest, ComparesWithTheCurrentFindings) {
  const PreviewCase& c = GetParam();
  resources::Inventory inventory = resources::ReadInventory("<current>", CurrentInventory());
  ASSERT_TRUE(inventory.issues.empty()) << inventory.issues.front().message;
  reasoning::ZoneOfTrust zone = reasoning::ZoneOfTrust::ForAccount(kAccount, std::nullopt);
  std::vector<findings::ArchiveRule> rules;
  if (!c.archive_rules.empty()) {
    std::vector<base::Issue> issues;
    std::optional<std::vector<findings::ArchiveRule>> parsed =
        findings::ParseArchiveRules(c.archive_rules, issues);
    ASSERT_TRUE(parsed.has_value()) << issues.front().message;
    rules = std::move(*parsed);
  }
  // The analyzer's current findings: the continuous analysis of the current inventory.
  absl::Time then = absl::FromUnixSeconds(1700000000);
  findings::LifecycleOptions options;
  options.scope = kAnalyzer;
  options.archive_rules = rules;
  std::vector<findings::FindingRecord> existing;
  for (const resources::Resource& resource : inventory.resources) {
    resources::ResourceAnalysis analysis = resources::AnalyzeResource(resource, nullptr, zone);
    findings::LifecycleResult result =
        findings::ApplyAnalysis({}, analysis.findings, then, options);
    existing.insert(existing.end(), result.records.begin(), result.records.end());
  }
  ASSERT_EQ(existing.size(), 2u) << "the public bucket and the trusted account";

  PreviewScope scope{kAccount, "us-east-1", kAnalyzer, "5f1a0c2e-0000-4000-8000-000000000001",
                     then + absl::Hours(1)};
  PreviewState state;
  state.zone = &zone;
  state.current_resource = [&](std::string_view arn) -> const resources::Resource* {
    for (const resources::Resource& resource : inventory.resources) {
      if (resource.arn == arn) return &resource;
    }
    return nullptr;
  };
  state.existing = existing;
  state.archive_rules = rules;
  std::vector<ProposedConfiguration> proposed = {{c.resource_arn, c.configuration}};
  AccessPreviewResult result = ComputeAccessPreview(proposed, scope, state);

  std::vector<std::string> lines;
  if (result.status == AccessPreviewStatus::kFailed) {
    ASSERT_EQ(result.failure, AccessPreviewFailure::kInvalidConfiguration);
    ASSERT_EQ(c.expected.size(), 1u) << "unexpected failure: " << result.message;
    EXPECT_NE(result.message.find(c.expected[0].substr(7)), std::string::npos) << result.message;
    EXPECT_TRUE(result.findings.empty());
    return;
  }
  EXPECT_EQ(result.status, AccessPreviewStatus::kCompleted);
  for (const findings::AccessPreviewFinding& preview : result.findings) {
    lines.push_back(Line(preview));
    EXPECT_EQ(preview.record.finding.resource, c.resource_arn);
    EXPECT_EQ(preview.record.created_at, scope.now);
    // Existing ids are the analyzer's; the preview's own ids are not.
    if (preview.existing_finding_id) {
      EXPECT_TRUE(std::any_of(existing.begin(), existing.end(), [&](const auto& record) {
        return record.id() == *preview.existing_finding_id;
      }));
      EXPECT_NE(preview.record.finding.id, *preview.existing_finding_id);
    }
  }
  EXPECT_EQ(lines, c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Previews, AccessPreviewTest,
    testing::ValuesIn(std::vector<PreviewCase>{
        {"BucketPolicyKeptWhenNotProposed",
         kBucket,
         R"({"s3Bucket":{"bucketPublicAccessBlock":{"ignorePublicAcls":false,"restrictPublicBuckets":false}}})",
         "",
         {"UNCHANGED ACTIVE ACTIVE AWS=*"}},
        {"BucketPolicyDeletedByEmptyString",
         kBucket,
         R"({"s3Bucket":{"bucketPolicy":""}})",
         "",
         {"CHANGED RESOLVED ACTIVE AWS=*"}},
        {"BucketPublicAccessBlockRemovesPublicAccess",
         kBucket,
         R"({"s3Bucket":{"bucketPublicAccessBlock":{"ignorePublicAcls":true,"restrictPublicBuckets":true}}})",
         "",
         {"CHANGED RESOLVED ACTIVE AWS=*"}},
        {"BucketAclGrantAdded",
         kBucket,
         R"({"s3Bucket":{"bucketPolicy":"","bucketAclGrants":[{"permission":"READ","grantee":{"uri":"http://acs.amazonaws.com/groups/global/AllUsers"}}]}})",
         "",
         {"NEW ACTIVE AWS=*", "CHANGED RESOLVED ACTIVE AWS=*"}},
        {"RoleTrustChangesAccount",
         kRole,
         base::Concat(R"({"iamRole":{"trustPolicy":)", kTrust4444, "}}"),
         "",
         {"NEW ACTIVE AWS=444455556666", "CHANGED RESOLVED ACTIVE AWS=999988887777"}},
        {"RoleTrustSame",
         kRole,
         base::Concat(R"({"iamRole":{"trustPolicy":)", kTrust9999, "}}"),
         "",
         {"UNCHANGED ACTIVE ACTIVE AWS=999988887777"}},
        {"ArchiveRuleArchivesNewAccess",
         kRole,
         base::Concat(R"({"iamRole":{"trustPolicy":)", kTrust4444, "}}"),
         R"([{"ruleName":"partner","filter":{"principal.AWS":{"eq":["444455556666"]}}}])",
         {"NEW ARCHIVED AWS=444455556666", "CHANGED RESOLVED ACTIVE AWS=999988887777"}},
        {"ArchivedFindingStaysArchived",
         kRole,
         base::Concat(R"({"iamRole":{"trustPolicy":)", kTrust9999, "}}"),
         R"([{"ruleName":"known","filter":{"principal.AWS":{"eq":["999988887777"]}}}])",
         {"UNCHANGED ARCHIVED ARCHIVED AWS=999988887777"}},
        {"NewQueue",
         kQueue,
         base::Concat(R"({"sqsQueue":{"queuePolicy":)",
                      Policy(R"(\"*\")", "sqs:SendMessage", kQueue), "}}"),
         "",
         {"NEW ACTIVE AWS=*"}},
        {"NewQueueWithoutPolicy", kQueue, R"({"sqsQueue":{}})", "", {}},
        {"KmsGrantToAnotherAccount",
         "arn:aws:kms:us-east-1:111122223333:key/k1",
         R"({"kmsKey":{"grants":[{"operations":["Decrypt"],"granteePrincipal":"arn:aws:iam::999988887777:role/app","issuingAccount":"111122223333"}]}})",
         "",
         {"NEW ACTIVE AWS=arn:aws:iam::999988887777:role/app"}},
        {"EbsSnapshotShared",
         "arn:aws:ec2:us-east-1:111122223333:snapshot/snap-1",
         R"({"ebsSnapshot":{"userIds":["999988887777"]}})",
         "",
         {"NEW ACTIVE AWS=999988887777"}},
        {"RdsSnapshotPublic",
         "arn:aws:rds:us-east-1:111122223333:snapshot:db1",
         R"({"rdsDbSnapshot":{"attributes":{"restore":{"accountIds":["all"]}}}})",
         "",
         {"NEW ACTIVE AWS=*"}},
        {"S3ExpressDirectoryBucketShared",
         "arn:aws:s3express:us-east-1:111122223333:bucket/b--use1-az4--x-s3",
         base::Concat(R"({"s3ExpressDirectoryBucket":{"bucketPolicy":)",
                      Policy(kAccount9999, "s3express:CreateSession",
                             "arn:aws:s3express:us-east-1:111122223333:bucket/b--use1-az4--x-s3"),
                      "}}"),
         "",
         {"NEW ACTIVE AWS=999988887777"}},
        {"SecretShared",
         "arn:aws:secretsmanager:us-east-1:111122223333:secret:s-AbCdEf",
         base::Concat(R"({"secretsManagerSecret":{"secretPolicy":)",
                      Policy(kAccount9999, "secretsmanager:GetSecretValue", "*"), "}}"),
         "",
         {"NEW ACTIVE AWS=999988887777"}},
        {"TopicShared",
         "arn:aws:sns:us-east-1:111122223333:t",
         base::Concat(R"({"snsTopic":{"topicPolicy":)",
                      Policy(kAccount9999, "sns:Publish", "arn:aws:sns:us-east-1:111122223333:t"),
                      "}}"),
         "",
         {"NEW ACTIVE AWS=999988887777"}},
        {"RepositoryShared",
         "arn:aws:ecr:us-east-1:111122223333:repository/r",
         base::Concat(R"({"ecrRepository":{"repositoryPolicy":)",
                      Policy(kAccount9999, "ecr:BatchGetImage", ""), "}}"),
         "",
         {"NEW ACTIVE AWS=999988887777"}},
        {"FileSystemShared",
         "arn:aws:elasticfilesystem:us-east-1:111122223333:file-system/fs-1",
         base::Concat(R"({"efsFileSystem":{"fileSystemPolicy":)",
                      Policy(kAccount9999, "elasticfilesystem:ClientMount", ""), "}}"),
         "",
         {"NEW ACTIVE AWS=999988887777"}},
        {"TableShared",
         "arn:aws:dynamodb:us-east-1:111122223333:table/t",
         base::Concat(R"({"dynamodbTable":{"tablePolicy":)",
                      Policy(kAccount9999, "dynamodb:GetItem",
                             "arn:aws:dynamodb:us-east-1:111122223333:table/t"),
                      "}}"),
         "",
         {"NEW ACTIVE AWS=999988887777"}},
        {"StreamShared",
         "arn:aws:dynamodb:us-east-1:111122223333:table/t/stream/2024-01-01T00:00:00.000",
         base::Concat(
             R"({"dynamodbStream":{"streamPolicy":)",
             Policy(
                 kAccount9999, "dynamodb:GetRecords",
                 "arn:aws:dynamodb:us-east-1:111122223333:table/t/stream/2024-01-01T00:00:00.000"),
             "}}"),
         "",
         {"NEW ACTIVE AWS=999988887777"}},
        {"ClusterSnapshotShared",
         "arn:aws:rds:us-east-1:111122223333:cluster-snapshot:c1",
         R"({"rdsDbClusterSnapshot":{"attributes":{"restore":{"accountIds":["999988887777"]}}}})",
         "",
         {"NEW ACTIVE AWS=999988887777"}},
        {"StreamArnIsNotATable",
         "arn:aws:dynamodb:us-east-1:111122223333:table/t/stream/2024-01-01T00:00:00.000",
         R"({"dynamodbTable":{}})",
         "",
         {"FAILED is not the ARN of a resource of type"}},
        {"AccessPointAddedKeepsTheBucketPolicy",
         kBucket,
         base::Concat(
             R"({"s3Bucket":{"accessPoints":{"arn:aws:s3:us-east-1:111122223333:accesspoint/ap1":)",
             R"({"accessPointPolicy":)",
             Policy(kAccount9999, "s3:GetObject",
                    "arn:aws:s3:us-east-1:111122223333:accesspoint/ap1/object/*"),
             R"(,"networkOrigin":{"internetConfiguration":{}}}}}})"),
         "",
         {"NEW ACTIVE AWS=999988887777", "UNCHANGED ACTIVE ACTIVE AWS=*"}},
        {"MalformedKeyPolicy",
         "arn:aws:kms:us-east-1:111122223333:key/k1",
         R"({"kmsKey":{"keyPolicies":{"default":"{\"Version\":"}}})",
         "",
         {"FAILED is invalid"}},
        {"UnknownMember",
         kQueue,
         R"({"sqsQueues":{}})",
         "",
         {"FAILED unknown configuration member"}},
        {"TwoMembers",
         kQueue,
         R"({"sqsQueue":{},"snsTopic":{}})",
         "",
         {"FAILED exactly one member"}},
        {"ArnOfAnotherType",
         kQueue,
         base::Concat(R"({"iamRole":{"trustPolicy":)", kTrust9999, "}}"),
         "",
         {"FAILED is not the ARN of a resource of type AWS::IAM::Role"}},
        {"AnotherAccountsResource",
         "arn:aws:sqs:us-east-1:444455556666:jobs",
         R"({"sqsQueue":{}})",
         "",
         {"FAILED belongs to account 444455556666"}},
        {"UnknownConfigurationField",
         kQueue,
         R"({"sqsQueue":{"queuePolicyy":""}})",
         "",
         {"FAILED is invalid"}},
        // Found by the access_preview fuzz target: bytes that are not printable ASCII in the ARN
        // (here a NUL and a byte that is not UTF-8) name no resource.
        {"ArnWithBytesNoResourceNameHas",
         std::string("arn:a\0\xd8icies:sqs:us-east-1:111122223333:q", 41),
         R"({"sqsQueue":{}})",
         "",
         {"FAILED is not the ARN of a resource of type"}},
    }),
    [](const testing::TestParamInfo<PreviewCase>& info) { return info.param.label; });

}  // namespace
}  // namespace perimeter::service
