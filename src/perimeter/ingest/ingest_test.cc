// Each converter on samples written from AWS's and HashiCorp's documentation examples
// (tests/cases/ingest/): which resources come out, where they are reported, what the engine finds
// on them, and what is reported as unreadable or unknown.
#include "perimeter/ingest/ingest.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "perimeter/base/text.h"
#include "perimeter/ingest/internal/converters.h"
#include "perimeter/ingest/internal/inventory_builder.h"
#include "perimeter/ingest/internal/source_tree.h"
#include "perimeter/ingest/template_policies.h"
#include "perimeter/resources/analyze_resource.h"

namespace perimeter::ingest {
namespace {

using ::testing::ElementsAre;
using ::testing::UnorderedElementsAreArray;

std::string ReadSample(std::string_view name) {
  std::ifstream file(std::string(PERIMETER_SOURCE_DIR) + "/tests/cases/ingest/" + std::string(name),
                     std::ios::binary);
  std::stringstream buffer;
  buffer << file.rdbuf();
  return buffer.str();
}

// One converted resource as the test sees it: "ARN TYPE line" and its external principals
// ("*" for public ones, "error" for error findings), sorted.
struct Converted {
  std::vector<std::string> resources;
  std::map<std::string, std::vector<std::string>> findings;  // by ARN
  std::vector<std::string> issues;                           // "line:code"
  std::vector<std::string> notes;                            // codes
};

Converted Convert(std::string_view name, const IngestOptions& options = {}) {
  std::string text = ReadSample(name);
  IngestResult result = ReadDetectedInput(std::string(name), text, options);
  Converted out;
  for (const base::Issue& issue : result.inventory.issues) {
    if (issue.severity == base::Severity::kError) {
      out.issues.push_back(base::Concat(issue.position.line, ":", issue.code));
    }
  }
  for (const base::Issue& note : result.notes) out.notes.push_back(note.code);
  for (const resources::Resource& resource : result.inventory.resources) {
    out.resources.push_back(base::Concat(resource.arn, " ",
                                         resources::ResourceTypeName(resource.type), " ",
                                         resource.position.line));
    EXPECT_EQ(resource.source_name, name);
    reasoning::ZoneOfTrust zone = reasoning::ZoneOfTrust::ForAccount(resource.owner_account);
    resources::ResourceAnalysis analysis = resources::AnalyzeResource(
        resource, result.inventory.FindAccount(resource.owner_account), zone);
    std::vector<std::string>& principals = out.findings[resource.arn];
    for (const findings::Finding& finding : analysis.findings) {
      if (finding.error.has_value()) {
        principals.push_back("error");
      } else if (finding.is_public) {
        principals.push_back(
            base::Concat("*", finding.sources.empty() ? "" : "/",
                         finding.sources.empty()
                             ? std::string_view()
                             : findings::FindingSourceTypeName(finding.sources.front().type)));
      } else {
        for (const auto& [kind, value] : finding.principal) principals.push_back(value);
      }
    }
    std::sort(principals.begin(), principals.end());
  }
  return out;
}

struct DetectCase {
  const char* sample;
  InputFormat format;
};

class DetectTest : public ::testing::TestWithParam<DetectCase> {};

TEST_P(DetectTest, FindsTheFormatFromTheContent) {
  std::optional<InputFormat> format = DetectInputFormat(ReadSample(GetParam().sample));
  ASSERT_TRUE(format.has_value());
  EXPECT_EQ(InputFormatName(*format), InputFormatName(GetParam().format));
}

INSTANTIATE_TEST_SUITE_P(
    Samples, DetectTest,
    ::testing::Values(DetectCase{"config_snapshot.json", InputFormat::kAwsConfig},
                      DetectCase{"config_batch_get.json", InputFormat::kAwsConfig},
                      DetectCase{"config_select.json", InputFormat::kAwsConfig},
                      DetectCase{"iam_authorization_details.json",
                                 InputFormat::kIamAuthorizationDetails},
                      DetectCase{"cloudformation.yaml", InputFormat::kCloudFormation},
                      DetectCase{"cloudformation.json", InputFormat::kCloudFormation},
                      DetectCase{"terraform_plan.json", InputFormat::kTerraformPlan}));

TEST(DetectInputFormat, InventoriesAndUnknownText) {
  EXPECT_EQ(DetectInputFormat(R"({"kind":"account","accountId":"111122223333"})"
                              "\n{\"kind\":\"organization\"}"),
            InputFormat::kInventory);
  EXPECT_EQ(DetectInputFormat(R"([{"kind":"account","accountId":"111122223333"}])"),
            InputFormat::kInventory);
  EXPECT_EQ(DetectInputFormat(""), InputFormat::kInventory);
  EXPECT_FALSE(DetectInputFormat("hello: world\n").has_value());
  EXPECT_FALSE(DetectInputFormat(R"({"something": "else"})").has_value());
  IngestResult result = ReadDetectedInput("x.yaml", "hello: world\n");
  ASSERT_EQ(result.inventory.issues.size(), 1u);
  EXPECT_EQ(result.inventory.issues[0].code, "ingest.unknown-format");
}

TEST(AwsConfig, SnapshotBucketPolicyAclAndRoleTrust) {
  Converted c = Convert("config_snapshot.json");
  EXPECT_THAT(c.resources,
              ElementsAre("arn:aws:s3:::amzn-s3-demo-bucket AWS::S3::Bucket 32",
                          "arn:aws:iam::123456789012:role/cross-account-audit AWS::IAM::Role 66"));
  // The public bucket policy and the AllUsers READ grant are both public; the URL-encoded trust
  // policy trusts another account.
  EXPECT_THAT(c.findings["arn:aws:s3:::amzn-s3-demo-bucket"],
              ElementsAre("*/BUCKET_ACL", "*/POLICY"));
  EXPECT_THAT(c.findings["arn:aws:iam::123456789012:role/cross-account-audit"],
              ElementsAre("444455556666"));
  EXPECT_TRUE(c.issues.empty());
  EXPECT_THAT(c.notes, ElementsAre("ingest.out-of-scope"));  // the EC2 instance, counted
}

TEST(AwsConfig, BatchGetStringsAndBlockPublicAccess) {
  Converted c = Convert("config_batch_get.json");
  EXPECT_THAT(c.resources,
              ElementsAre("arn:aws:sqs:us-east-2:444455556666:queue1 AWS::SQS::Queue 15",
                          "arn:aws:s3:::amzn-s3-demo-bucket2 AWS::S3::Bucket 31"));
  EXPECT_THAT(c.findings["arn:aws:sqs:us-east-2:444455556666:queue1"],
              ElementsAre("arn:aws:iam::111122223333:role/role1",
                          "arn:aws:iam::111122223333:user/username1"));
  // The AllUsers grant is ignored: the bucket's Block Public Access ignores public ACLs.
  EXPECT_TRUE(c.findings["arn:aws:s3:::amzn-s3-demo-bucket2"].empty());
}

TEST(AwsConfig, SelectResultsWithAnUnreadableRow) {
  Converted c = Convert("config_select.json");
  EXPECT_THAT(c.resources, ElementsAre("arn:aws:iam::123456789012:role/ec2-role AWS::IAM::Role 3"));
  EXPECT_THAT(c.issues, ElementsAre("5:ingest.syntax"));  // "{not json", named with its place
  EXPECT_THAT(c.notes, ElementsAre("ingest.out-of-scope"));
}

TEST(IamAuthorizationDetails, RolesWithEncodedAndDecodedTrustPolicies) {
  Converted c = Convert("iam_authorization_details.json");
  EXPECT_THAT(c.resources,
              ElementsAre("arn:aws:iam::123456789012:role/EC2role AWS::IAM::Role 23",
                          "arn:aws:iam::123456789012:role/PartnerAccess AWS::IAM::Role 34"));
  EXPECT_TRUE(c.findings["arn:aws:iam::123456789012:role/EC2role"].empty());  // a service principal
  EXPECT_THAT(c.findings["arn:aws:iam::123456789012:role/PartnerAccess"],
              ElementsAre("444455556666"));
  EXPECT_THAT(c.issues, ElementsAre("58:ingest.invalid-value"));  // the malformed %-escape
  EXPECT_TRUE(c.notes.empty());  // the user is read as a principal (below)
}

// Users, roles, groups and managed policies become the records of internal-access analysis.
TEST(IamAuthorizationDetails, IdentitiesGroupsAndManagedPolicies) {
  std::string text = ReadSample("iam_authorization_details_identities.json");
  IngestResult result = ReadDetectedInput("identities.json", text);
  const resources::Inventory& inventory = result.inventory;
  ASSERT_TRUE(inventory.issues.empty()) << inventory.issues[0].message;
  ASSERT_EQ(inventory.principals.size(), 2u);
  const resources::IamPrincipalRecord& alice = inventory.principals[0];
  EXPECT_EQ(alice.arn, "arn:aws:iam::123456789012:user/alice");
  EXPECT_EQ(alice.inline_policies.at("own"), R"({"Version":"2012-10-17","Statement":[]})");
  EXPECT_THAT(alice.groups, ElementsAre("readers"));
  EXPECT_EQ(alice.permissions_boundary.value_or(""), "arn:aws:iam::123456789012:policy/boundary");
  EXPECT_EQ(alice.tags.at("team"), "data");
  const resources::IamPrincipalRecord& app = inventory.principals[1];
  EXPECT_EQ(app.arn, "arn:aws:iam::123456789012:role/app");
  EXPECT_NE(app.inline_policies.at("write").find("s3:PutObject"), std::string::npos);
  ASSERT_EQ(inventory.groups.size(), 1u);
  EXPECT_THAT(inventory.groups[0].attached_managed_policies,
              ElementsAre("arn:aws:iam::aws:policy/ReadOnlyAccess"));
  ASSERT_EQ(inventory.managed_policies.size(), 2u);
  EXPECT_EQ(inventory.managed_policies[0].versions.size(), 2u);
  // An AWS managed policy is recorded under the account of the output.
  EXPECT_NE(inventory.FindManagedPolicy("123456789012", "arn:aws:iam::aws:policy/ReadOnlyAccess"),
            nullptr);
  EXPECT_EQ(inventory.resources.size(), 1u);  // the role's trust policy, as before
}

TEST(CloudFormation, YamlTemplateEveryType) {
  IngestOptions options;
  options.account_id = "123456789012";
  options.region = "us-east-1";
  Converted c = Convert("cloudformation.yaml", options);
  EXPECT_THAT(
      c.resources,
      ElementsAre(
          "arn:aws:s3:::amzn-s3-demo-bucket AWS::S3::Bucket 17",
          "arn:aws:iam::123456789012:role/audit AWS::IAM::Role 38",
          "arn:aws:iam::123456789012:role/{InstanceRole} AWS::IAM::Role 48",
          "arn:aws:sqs:us-east-1:123456789012:sample-queue AWS::SQS::Queue 64",
          "arn:aws:sns:us-east-1:123456789012:sample-topic AWS::SNS::Topic 79",
          "arn:aws:kms:us-east-1:123456789012:key/{SampleKey} AWS::KMS::Key 90",
          "arn:aws:lambda:us-east-1:123456789012:function:my-function AWS::Lambda::Function 105",
          "arn:aws:lambda:us-west-2:123456789012:layer:my-layer:1 AWS::Lambda::LayerVersion 111",
          "arn:aws:secretsmanager:us-east-1:123456789012:secret:MySecret-a1b2c3 "
          "AWS::SecretsManager::Secret 122",
          "arn:aws:ecr:us-east-1:123456789012:repository/test-repository AWS::ECR::Repository 134",
          "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/{SampleFileSystem} "
          "AWS::EFS::FileSystem 149",
          "arn:aws:dynamodb:us-east-1:123456789012:table/sample-table AWS::DynamoDB::Table 165"));
  EXPECT_THAT(c.findings["arn:aws:s3:::amzn-s3-demo-bucket"], ElementsAre("*/POLICY"));
  // !Sub "arn:${AWS::Partition}:iam::${TrustedAccount}:root": the parameter has no value, so the
  // trusted account is unknown and reported (a reserved id), never assumed inside the zone.
  EXPECT_THAT(c.findings["arn:aws:iam::123456789012:role/audit"], ElementsAre("000000000001"));
  EXPECT_THAT(c.findings["arn:aws:sqs:us-east-1:123456789012:sample-queue"],
              ElementsAre("111122223333"));
  EXPECT_TRUE(c.findings["arn:aws:sns:us-east-1:123456789012:sample-topic"].empty());
  EXPECT_THAT(c.findings["arn:aws:kms:us-east-1:123456789012:key/{SampleKey}"],
              ElementsAre("arn:aws:iam::444455556666:role/partner"));
  EXPECT_THAT(c.findings["arn:aws:lambda:us-east-1:123456789012:function:my-function"],
              ElementsAre("444455556666"));
  EXPECT_THAT(c.findings["arn:aws:lambda:us-west-2:123456789012:layer:my-layer:1"],
              ElementsAre("*"));
  EXPECT_TRUE(
      c.findings["arn:aws:secretsmanager:us-east-1:123456789012:secret:MySecret-a1b2c3"].empty());
  EXPECT_THAT(c.findings["arn:aws:ecr:us-east-1:123456789012:repository/test-repository"],
              ElementsAre("arn:aws:iam::444455556666:user/Alice"));
  EXPECT_THAT(c.findings["arn:aws:dynamodb:us-east-1:123456789012:table/sample-table"],
              ElementsAre("111122223333"));
  EXPECT_TRUE(c.issues.empty());
  EXPECT_THAT(c.notes, ::testing::Contains("ingest.unknown-value"));
  EXPECT_THAT(c.notes, ::testing::Contains("ingest.unknown-account"));
}

TEST(CloudFormation, ParameterValuesGiven) {
  IngestOptions options;
  options.account_id = "123456789012";
  options.region = "us-east-1";
  options.parameters["TrustedAccount"] = "123456789012";
  Converted c = Convert("cloudformation.yaml", options);
  // The trusted account is the owner: nothing external.
  EXPECT_TRUE(c.findings["arn:aws:iam::123456789012:role/audit"].empty());
}

TEST(CloudFormation, UnknownAccountIdIsNeverTheZone) {
  // Without --account-id the owner is a reserved unknown account; its own grants stay inside its
  // own zone, and the ARNs keep the region placeholder.
  Converted c = Convert("cloudformation.json");
  ASSERT_EQ(c.resources.size(), 1u);
  EXPECT_EQ(c.resources[0], "arn:aws:sqs:{AWS-Region}:000000000001:orders AWS::SQS::Queue 9");
  EXPECT_THAT(c.findings["arn:aws:sqs:{AWS-Region}:000000000001:orders"], ElementsAre("*"));
  EXPECT_THAT(c.issues, ElementsAre("25:ingest.unresolved"));  // Fn::If: refused, not guessed
}

TEST(TerraformPlan, EveryResourceTypeAndUnknownValues) {
  IngestOptions options;
  options.account_id = "123456789012";
  options.region = "us-east-1";
  Converted c = Convert("terraform_plan.json", options);
  EXPECT_THAT(
      c.resources,
      ElementsAre("arn:aws:s3:::my-tf-test-bucket AWS::S3::Bucket 46",
                  "arn:aws:iam::123456789012:role/test_role AWS::IAM::Role 119",
                  "arn:aws:iam::123456789012:role/partner AWS::IAM::Role 145",
                  "arn:aws:kms:us-east-1:123456789012:key/{aws_kms_key.example} AWS::KMS::Key 168",
                  "arn:aws:sqs:us-east-1:123456789012:terraform-example-queue AWS::SQS::Queue 193",
                  "arn:aws:sns:us-east-1:123456789012:my-topic AWS::SNS::Topic 215",
                  "arn:aws:lambda:us-east-1:123456789012:function:lambda_function_name "
                  "AWS::Lambda::Function 238",
                  "arn:aws:secretsmanager:us-east-1:123456789012:secret:example-AbCdEf "
                  "AWS::SecretsManager::Secret 292",
                  "arn:aws:ecr:us-east-1:123456789012:repository/bar AWS::ECR::Repository 315"));
  // The bucket name, unknown in the policy resource, comes from aws_s3_bucket.example through the
  // configuration's references; the public-read ACL is ignored under ignore_public_acls.
  EXPECT_THAT(c.findings["arn:aws:s3:::my-tf-test-bucket"], ElementsAre("444455556666"));
  EXPECT_THAT(c.findings["arn:aws:iam::123456789012:role/partner"], ElementsAre("444455556666"));
  EXPECT_THAT(c.findings["arn:aws:lambda:us-east-1:123456789012:function:lambda_function_name"],
              ElementsAre("444455556666"));
  EXPECT_THAT(c.findings["arn:aws:ecr:us-east-1:123456789012:repository/bar"], ElementsAre("*"));
  // aws_sqs_queue_policy.later has a policy known only after apply: an error, never a pass.
  EXPECT_THAT(c.issues, ElementsAre("325:ingest.unknown-value"));
  EXPECT_THAT(c.notes, ElementsAre("ingest.out-of-scope"));
}

TEST(InventoryBuilder, MergesMembersAndRefusesDuplicates) {
  internal::InventoryBuilder builder("x");
  builder.AddMember(resources::ResourceType::kS3Bucket, "arn:aws:s3:::b", "111122223333",
                    "us-east-1",
                    {"bucketPublicAccessBlock", R"({"ignorePublicAcls":true})", {3, 1, 10}}, false);
  builder.AddMember(
      resources::ResourceType::kS3Bucket, "arn:aws:s3:::b", "111122223333", "us-east-1",
      {"bucketPolicy", R"("{\"Version\":\"2012-10-17\",\"Statement\":[]}")", {7, 5, 40}}, true);
  builder.AddMember(resources::ResourceType::kS3Bucket, "arn:aws:s3:::b", "111122223333",
                    "us-east-1", {"bucketPolicy", R"("")", {9, 5, 60}}, true);
  builder.AddMember(resources::ResourceType::kSqsQueue, "arn:aws:s3:::b", "111122223333",
                    "us-east-1", {"queuePolicy", R"("")", {11, 5, 80}}, true);
  std::vector<base::Issue> notes;
  resources::Inventory inventory = builder.Finish(notes);
  ASSERT_EQ(inventory.resources.size(), 1u);
  // Reported at its policy, the primary member, though the block came first.
  EXPECT_EQ(inventory.resources[0].position, (base::SourcePosition{7, 5, 40}));
  ASSERT_EQ(inventory.issues.size(), 2u);
  EXPECT_EQ(inventory.issues[0].position.line, 9u);
  EXPECT_EQ(inventory.issues[1].position.line, 11u);
}

TEST(InventoryBuilder, PolicyErrorsPointAtThePolicyInTheSourceFile) {
  internal::InventoryBuilder builder("x");
  builder.AddMember(resources::ResourceType::kSqsQueue, "arn:aws:sqs:us-east-1:111122223333:q",
                    "111122223333", "us-east-1",
                    {"queuePolicy", R"("{\"Statement\": 5}")", {12, 9, 300}}, true);
  std::vector<base::Issue> notes;
  resources::Inventory inventory = builder.Finish(notes);
  ASSERT_EQ(inventory.resources.size(), 1u);
  resources::ResourceAnalysis analysis = resources::AnalyzeResource(
      inventory.resources[0], nullptr, reasoning::ZoneOfTrust::ForAccount("111122223333"));
  ASSERT_FALSE(analysis.issues.empty());
  EXPECT_EQ(analysis.issues[0].position, (base::SourcePosition{12, 9, 300}));
}

TEST(IngestHelpers, UrlDecodeAndArnFields) {
  EXPECT_EQ(internal::UrlDecode("%7B%22a%22%3A1%7D"), "{\"a\":1}");
  EXPECT_FALSE(internal::UrlDecode("%7").has_value());
  EXPECT_FALSE(internal::UrlDecode("%zz").has_value());
  EXPECT_EQ(internal::ArnAccount("arn:aws:sqs:us-east-1:111122223333:q"), "111122223333");
  EXPECT_EQ(internal::ArnRegion("arn:aws:sqs:us-east-1:111122223333:q"), "us-east-1");
  EXPECT_EQ(internal::ArnAccount("arn:aws:s3:::b"), "");
  EXPECT_EQ(internal::Placeholder("AWS::Region"), "{AWS-Region}");
  EXPECT_TRUE(internal::IsUnknownAccountId("000000000007"));
  EXPECT_FALSE(internal::IsUnknownAccountId("000000000000"));
  EXPECT_FALSE(internal::IsUnknownAccountId("111122223333"));
}

TEST(Yaml, ShortFormTagsPositionsAndErrors) {
  internal::YamlParseResult parsed =
      internal::ParseYaml("a: !Sub 'x-${AWS::Region}'\nb: !GetAtt R.Arn\nc: 123\n");
  ASSERT_TRUE(parsed.ok());
  const internal::SourceNode* a = parsed.root.Find("a");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(a->Find("Fn::Sub"), nullptr);
  EXPECT_EQ(a->Find("Fn::Sub")->text, "x-${AWS::Region}");
  EXPECT_EQ(a->position.line, 1u);
  EXPECT_EQ(parsed.root.Find("b")->Find("Fn::GetAtt")->text, "R.Arn");
  EXPECT_EQ(parsed.root.Find("c")->kind, internal::NodeKind::kString);  // account ids stay strings
  EXPECT_EQ(parsed.root.Find("b")->position.line, 2u);

  internal::YamlParseResult bad = internal::ParseYaml("a: [1, 2\n");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.issues[0].code, "yaml.syntax");
  internal::YamlParseResult duplicate = internal::ParseYaml("a: 1\na: 2\n");
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.issues[0].code, "yaml.duplicate-key");
  EXPECT_EQ(duplicate.issues[0].position.line, 2u);
  internal::YamlParseResult unknown_tag = internal::ParseYaml("a: !Bogus x\n");
  EXPECT_FALSE(unknown_tag.ok());
}

// `perimeter validate` reads Lambda permissions as AWS's IaC validators do: a CloudFormation
// template's permissions of one function (or layer version) make one resource policy of
// AWS::Lambda::Function (AWS::Lambda::LayerVersion); each statement's values map back to the
// properties they come from.
TEST(TemplatePolicies, LambdaPermissionsOfAFunctionMakeOnePolicy) {
  const std::string text = R"({"Resources": {
  "A": {"Type": "AWS::Lambda::Permission", "Properties": {"FunctionName": "f",
        "Principal": "s3.amazonaws.com", "Action": "lambda:InvokeFunction",
        "SourceAccount": "111122223333"}},
  "B": {"Type": "AWS::Lambda::Permission", "Properties": {"FunctionName": "arn:aws:lambda:eu-west-1:111122223333:function:g",
        "Principal": "444455556666", "Action": "lambda:InvokeFunction"}},
  "C": {"Type": "AWS::Lambda::Permission", "Properties": {"FunctionName": "f",
        "Principal": "444455556666", "Action": "lambda:GetFunction"}},
  "L": {"Type": "AWS::Lambda::LayerVersionPermission", "Properties": {
        "LayerVersionArn": "arn:aws:lambda:us-east-1:111122223333:layer:l:1",
        "Principal": "*", "Action": "lambda:GetLayerVersion", "OrganizationId": "o-abc"}}}})";
  IngestOptions options;
  options.account_id = "111122223333";
  options.region = "us-east-1";
  TemplatePolicies found = FindTemplatePolicies(text, options);
  EXPECT_THAT(found.issues, testing::IsEmpty());
  ASSERT_EQ(found.policies.size(), 3u);
  const TemplatePolicy& f = found.policies[0];
  EXPECT_EQ(f.resource, "A,C");
  EXPECT_EQ(f.resource_type, "AWS::Lambda::Function");
  EXPECT_EQ(f.policy_type, "RESOURCE_POLICY");
  EXPECT_EQ(f.validate_policy_resource_type, "");
  EXPECT_EQ(f.document,
            R"({"Version":"2012-10-17","Statement":[)"
            R"({"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},)"
            R"("Action":"lambda:InvokeFunction",)"
            R"("Resource":"arn:aws:lambda:us-east-1:111122223333:function:f",)"
            R"("Condition":{"StringEquals":{"AWS:SourceAccount":"111122223333"}}},)"
            R"({"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"lambda:GetFunction",)"
            R"("Resource":"arn:aws:lambda:us-east-1:111122223333:function:f"}]})");
  // C's action, in the second statement: at C's Action property (line 8, after `"Action": `).
  size_t action = f.document.find("\"lambda:GetFunction\"");
  base::SourcePosition at = f.locate(static_cast<uint32_t>(action + 1));
  EXPECT_EQ(at.line, 8u);
  EXPECT_EQ(text.substr(at.offset, 20), "\"lambda:GetFunction\"");
  // A's condition value at A's SourceAccount; the frame at A.
  size_t account = f.document.find("\"111122223333\"}");
  EXPECT_EQ(text.substr(f.locate(static_cast<uint32_t>(account)).offset, 14), "\"111122223333\"");
  EXPECT_EQ(f.locate(0).line, 2u);
  EXPECT_EQ(found.policies[1].resource, "B");
  EXPECT_EQ(found.policies[2].resource, "L");
  EXPECT_EQ(found.policies[2].resource_type, "AWS::Lambda::LayerVersion");
  EXPECT_THAT(found.policies[2].document,
              testing::HasSubstr(R"("Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}})"));
}

// A Terraform permission is a policy of its own; one whose values are known only after apply is
// not validated, and says so.
TEST(TemplatePolicies, TerraformLambdaPermissionsAndUnknownValues) {
  const std::string text = R"({"format_version": "1.2", "resource_changes": [
  {"address": "aws_lambda_permission.a", "mode": "managed", "type": "aws_lambda_permission",
   "change": {"actions": ["create"], "before": null,
              "after": {"function_name": "f", "principal": "sns.amazonaws.com",
                        "action": "lambda:InvokeFunction", "statement_id": "Allow-SNS",
                        "source_arn": "arn:aws:sns:us-east-1:111122223333:t"},
              "after_unknown": {}}},
  {"address": "aws_lambda_permission.b", "mode": "managed", "type": "aws_lambda_permission",
   "change": {"actions": ["create"], "before": null,
              "after": {"principal": "sns.amazonaws.com", "action": "lambda:InvokeFunction"},
              "after_unknown": {"function_name": true, "source_arn": true}}}]})";
  IngestOptions options;
  options.account_id = "111122223333";
  options.region = "us-east-1";
  TemplatePolicies found = FindTemplatePolicies(text, options);
  ASSERT_EQ(found.policies.size(), 1u);
  EXPECT_EQ(found.policies[0].resource, "aws_lambda_permission.a");
  // No Sid (AWS's validator writes none; "Allow-SNS" would be an UNSUPPORTED_SID otherwise).
  EXPECT_EQ(
      found.policies[0].document,
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
      R"("Principal":{"Service":"sns.amazonaws.com"},"Action":"lambda:InvokeFunction",)"
      R"("Resource":"arn:aws:lambda:us-east-1:111122223333:function:f",)"
      R"("Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:sns:us-east-1:111122223333:t"}}}]})");
  ASSERT_EQ(found.issues.size(), 1u);
  EXPECT_EQ(found.issues[0].code, "validate.unknown-value");
  EXPECT_THAT(found.issues[0].message, testing::HasSubstr("function_name, source_arn"));
}

// A policy Fn::Sub builds from a YAML block scalar: each byte of the document maps to where the
// format string writes it, and a substituted value to its `${`.
TEST(TemplatePolicies, SubBuiltPolicyMapsIntoItsFormatString) {
  const std::string text =
      "Parameters:\n"
      "  Bucket: {Type: String, Default: b}\n"
      "Resources:\n"
      "  P:\n"
      "    Type: AWS::IAM::ManagedPolicy\n"
      "    Properties:\n"
      "      PolicyDocument: !Sub |\n"
      "        {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\",\n"
      "          \"Action\": \"s3:GetObjekt\", \"Resource\": \"arn:aws:s3:::${Bucket}/*\"}]}\n";
  TemplatePolicies found = FindTemplatePolicies(text, IngestOptions{});
  ASSERT_EQ(found.policies.size(), 1u);
  const TemplatePolicy& policy = found.policies[0];
  EXPECT_THAT(policy.document, testing::HasSubstr("\"arn:aws:s3:::b/*\""));
  size_t action = policy.document.find("s3:GetObjekt");
  base::SourcePosition at = policy.locate(static_cast<uint32_t>(action));
  EXPECT_EQ(at.line, 9u);
  EXPECT_EQ(text.substr(at.offset, 12), "s3:GetObjekt");
  size_t bucket = policy.document.find(":::b/") + 3;
  EXPECT_EQ(text.substr(policy.locate(static_cast<uint32_t>(bucket)).offset, 9), "${Bucket}");
}

}  // namespace
}  // namespace perimeter::ingest
