// The inventory reader: good records are read, every unreadable record is an
// issue at its line and column, with a reason, and the rest is still read.
#include "perimeter/resources/inventory.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/base/text.h"
#include "perimeter/resources/analyze_resource.h"

namespace perimeter::resources {
namespace {

const std::string kQueue =
    R"({"kind":"resource","resourceArn":"arn:aws:sqs:us-east-1:123456789012:q","resourceOwnerAccount":"123456789012","region":"us-east-1","configuration":{"sqsQueue":{"queuePolicy":""}}})";

// "line:column code" of every issue, one per line.
std::string IssueList(const Inventory &inventory) {
  std::string out;
  for (const base::Issue &issue : inventory.issues) {
    if (!out.empty()) out += "\n";
    out += base::Concat(base::ToString(issue.position), " ", issue.code);
  }
  return out;
}

struct InventoryCase {
  std::string name;
  std::string text;
  std::string expected_issues;  // IssueList()
  size_t resources;
  size_t skipped;
  std::string message_part = "";  // a substring of the first issue's message
  // When set, "{col}" in expected_issues stands for the column where `anchor`
  // first occurs on its line.
  std::string anchor = "";
};

std::string Expand(const InventoryCase &c) {
  if (c.anchor.empty()) return c.expected_issues;
  size_t at = c.text.find(c.anchor);
  size_t line_start = c.text.rfind('\n', at);
  size_t column = line_start == std::string::npos ? at + 1 : at - line_start;
  std::string out = c.expected_issues;
  out.replace(out.find("{col}"), 5, std::to_string(column));
  return out;
}

class InventoryTest : public testing::TestWithParam<InventoryCase> {};

TEST_P(InventoryTest, ReadsWhatItCanAndPositionsTheRest) {
  const InventoryCase &c = GetParam();
  Inventory inventory = ReadInventory("inventory.jsonl", c.text);
  EXPECT_EQ(IssueList(inventory), Expand(c));
  EXPECT_EQ(inventory.resources.size(), c.resources);
  EXPECT_EQ(inventory.skipped_records, c.skipped);
  if (!c.message_part.empty()) {
    ASSERT_FALSE(inventory.issues.empty());
    EXPECT_NE(inventory.issues[0].message.find(c.message_part), std::string::npos)
        << inventory.issues[0].message;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, InventoryTest,
    testing::Values(
        InventoryCase{"OneResource", kQueue + "\n", "", 1, 0},
        InventoryCase{"BlankLinesAreNotRecords", "\n\n" + kQueue + "\n   \n", "", 1, 0},
        InventoryCase{"SyntaxErrorOnLineThree", kQueue + "\n\n{\"kind\": }\n" + kQueue,
                      "3:10 json.unexpected-character\n4:1 inventory.duplicate", 1, 2},
        InventoryCase{"UnknownRecordField",
                      R"({"kind":"account","accountId":"123456789012","colour":"blue"})",
                      "1:{col} inventory.unknown-member", 0, 1, "unknown record member 'colour'",
                      "\"colour\""},
        InventoryCase{"UnknownKind", R"({"kind":"bucket"})", "1:9 inventory.invalid-value", 0, 1,
                      "unknown record kind"},
        InventoryCase{
            "CollectionErrorIsAnErrorNamingTheGap",
            kQueue + "\n" +
                R"({"kind":"collectionError","errorKind":"AccessDenied","accountId":"123456789012","region":"eu-west-1","service":"Secrets Manager","operation":"GetResourcePolicy","resource":"arn:aws:secretsmanager:eu-west-1:123456789012:secret:s","message":"denied"})",
            "2:9 inventory.collection-gap", 1, 1,
            "the collector could not read Secrets Manager GetResourcePolicy of "
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:s in account "
            "123456789012 (eu-west-1): AccessDenied: denied"},
        InventoryCase{"MissingKind", R"({"accountId":"123456789012"})",
                      "1:1 inventory.missing-member", 0, 1},
        InventoryCase{
            "UnknownConfigurationMember",
            R"({"kind":"resource","resourceArn":"arn:aws:sqs:us-east-1:123456789012:q","resourceOwnerAccount":"123456789012","configuration":{"sqsQueueX":{}}})",
            "1:{col} inventory.unknown-member", 0, 1, "unknown configuration member \"sqsQueueX\"",
            "\"sqsQueueX\""},
        // An access point of a directory bucket keyed by an S3 (not s3express) ARN: the record's
        // error, at the key.
        InventoryCase{
            "DirectoryBucketAccessPointOfAnotherService",
            R"({"kind":"resource","resourceArn":"arn:aws:s3express:us-east-1:123456789012:bucket/b--use1-az4--x-s3","resourceOwnerAccount":"123456789012","configuration":{"s3ExpressDirectoryBucket":{"accessPoints":{"arn:aws:s3:us-east-1:123456789012:accesspoint/wrong":{}}}}})",
            "1:{col} inventory.invalid-value", 0, 1,
            "the key must be an access point ARN (arn:aws:s3express:", "\"arn:aws:s3:us-east-1"},
        InventoryCase{
            "TwoConfigurationMembers",
            R"({"kind":"resource","resourceArn":"arn:aws:sqs:us-east-1:123456789012:q","resourceOwnerAccount":"123456789012","configuration":{"sqsQueue":{},"snsTopic":{}}})",
            "1:{col} inventory.invalid-value", 0, 1, "", "{\"sqsQueue\":{},"},
        InventoryCase{
            "TypeDisagreesWithMember",
            R"({"kind":"resource","resourceArn":"arn:aws:sqs:us-east-1:123456789012:q","resourceType":"AWS::SNS::Topic","resourceOwnerAccount":"123456789012","configuration":{"sqsQueue":{}}})",
            "1:{col} inventory.invalid-value", 0, 1, "does not agree", "\"AWS::SNS::Topic\""},
        InventoryCase{
            "UnknownFieldInsideTheConfiguration",
            R"({"kind":"resource","resourceArn":"arn:aws:sqs:us-east-1:123456789012:q","resourceOwnerAccount":"123456789012","configuration":{"sqsQueue":{"queuePolicyy":"{}"}}})",
            "1:{col} inventory.unknown-member", 0, 1, "unknown sqsQueue member 'queuePolicyy'",
            "\"queuePolicyy\""},
        InventoryCase{
            "WrongTypeInsideTheConfiguration",
            R"({"kind":"resource","resourceArn":"arn:aws:s3:::b","resourceOwnerAccount":"123456789012","configuration":{"s3Bucket":{"bucketPublicAccessBlock":{"ignorePublicAcls":"yes"}}}})",
            "1:{col} inventory.type", 0, 1, "", "\"yes\""},
        InventoryCase{
            "BadOwnerAccount",
            R"({"kind":"resource","resourceArn":"arn:aws:sqs:us-east-1:123456789012:q","resourceOwnerAccount":"1234","configuration":{"sqsQueue":{}}})",
            "1:{col} inventory.invalid-value", 0, 1, "", "\"1234\""},
        InventoryCase{
            "NotAnArn",
            R"({"kind":"resource","resourceArn":"queue-q","resourceOwnerAccount":"123456789012","configuration":{"sqsQueue":{}}})",
            "1:{col} inventory.invalid-value", 0, 1, "", "\"queue-q\""},
        InventoryCase{
            "BadSnapshotGroup",
            R"({"kind":"resource","resourceArn":"arn:aws:ec2:us-east-1::snapshot/snap-1","resourceOwnerAccount":"123456789012","configuration":{"ebsSnapshot":{"groups":["everyone"]}}})",
            "1:{col} inventory.invalid-value", 0, 1, "", "\"everyone\""},
        InventoryCase{
            "BadKmsGrantOperation",
            R"({"kind":"resource","resourceArn":"arn:aws:kms:us-east-1:123456789012:key/k","resourceOwnerAccount":"123456789012","configuration":{"kmsKey":{"grants":[{"operations":["Fly"],"granteePrincipal":"999988887777","issuingAccount":"123456789012"}]}}})",
            "1:{col} inventory.invalid-value", 0, 1, "unknown operation \"Fly\"", "[\"Fly\"]"},
        InventoryCase{"DuplicateAccount",
                      "{\"kind\":\"account\",\"accountId\":\"123456789012\"}\n{"
                      "\"kind\":\"account\",\"accountId\":\"123456789012\"}",
                      "2:1 inventory.duplicate", 0, 1},
        InventoryCase{
            "Organization",
            R"({"kind":"organization","organizationId":"o-a1b2c3d4e5","managementAccount":"123456789012","accounts":[{"accountId":"123456789012","ouPath":"o-a1b2c3d4e5/r-ab12/"}]})",
            "", 0, 0},
        InventoryCase{
            "ManagedPolicy",
            R"({"kind":"managedPolicy","accountId":"123456789012","arn":"arn:aws:iam::123456789012:policy/p","policyName":"p","defaultVersionId":"v1","attachmentCount":2,"policyVersionList":[{"versionId":"v1","isDefaultVersion":true,"document":{"Version":"2012-10-17","Statement":[]}}]})",
            "", 0, 0},
        InventoryCase{
            "ManagedPolicyOfAnotherAccount",
            R"({"kind":"managedPolicy","accountId":"123456789012","arn":"arn:aws:iam::999988887777:policy/p","policyName":"p","defaultVersionId":"v1","policyVersionList":[]})",
            "1:1 inventory.invalid-value", 0, 1, "is not a managed policy ARN of account"},
        InventoryCase{
            "ManagedPolicyBadCount",
            R"({"kind":"managedPolicy","accountId":"123456789012","arn":"arn:aws:iam::aws:policy/p","policyName":"p","defaultVersionId":"v1","attachmentCount":-1,"policyVersionList":[]})",
            "1:{col} inventory.type", 0, 1, "attachmentCount", "-1"},
        InventoryCase{
            "ManagedPolicyBadDate",
            R"({"kind":"managedPolicy","accountId":"123456789012","arn":"arn:aws:iam::aws:policy/p","policyName":"p","defaultVersionId":"v1","createDate":"yesterday","policyVersionList":[]})",
            "1:{col} inventory.invalid-value", 0, 1, "createDate", "\"yesterday\""},
        InventoryCase{"ArrayFormat", "[\n" + kQueue + ",\n {\"kind\":\"nope\"}\n]",
                      "3:10 inventory.invalid-value", 1, 1},
        InventoryCase{"BrokenArray", "[\n" + kQueue + ",\n", "3:1 json.unexpected-end", 0, 1}),
    [](const testing::TestParamInfo<InventoryCase> &info) { return info.param.name; });

TEST(InventoryTest, AccountSettingsAreRead) {
  Inventory inventory = ReadInventory(
      "a.jsonl",
      R"({"kind":"account","accountId":"123456789012","s3PublicAccessBlock":{"blockPublicPolicy":true,"restrictPublicBuckets":true,"blockPublicAcls":false,"ignorePublicAcls":true},"enabledRegions":["us-east-1","eu-west-1"],"canonicalUserId":"abc"})");
  ASSERT_TRUE(inventory.issues.empty()) << inventory.issues[0].message;
  const AccountSettings *account = inventory.FindAccount("123456789012");
  ASSERT_NE(account, nullptr);
  ASSERT_TRUE(account->s3_public_access_block.has_value());
  EXPECT_TRUE(account->s3_public_access_block->restrict_public_buckets);
  EXPECT_TRUE(account->s3_public_access_block->ignore_public_acls);
  EXPECT_FALSE(account->s3_public_access_block->block_public_acls);
  EXPECT_EQ(account->enabled_regions, (std::vector<std::string>{"us-east-1", "eu-west-1"}));
  EXPECT_EQ(account->canonical_user_id, "abc");
  EXPECT_EQ(inventory.FindAccount("999988887777"), nullptr);
}

TEST(InventoryTest, PrincipalsGroupsAndOrganizationPoliciesAreRead) {
  Inventory inventory = ReadInventory(
      "p.jsonl",
      R"({"kind":"principal","arn":"arn:aws:iam::123456789012:user/alice","inlinePolicies":{"read":{"Version":"2012-10-17","Statement":[]}},"attachedManagedPolicies":["arn:aws:iam::aws:policy/ReadOnlyAccess"],"groups":["devs"],"permissionsBoundary":"arn:aws:iam::123456789012:policy/b","tags":{"team":"a"}}
{"kind":"group","arn":"arn:aws:iam::123456789012:group/devs","inlinePolicies":{"g":"{\"Version\":\"2012-10-17\",\"Statement\":[]}"}}
{"kind":"organizationPolicy","policyType":"RESOURCE_CONTROL_POLICY","id":"p-rcp1","name":"deny","content":{"Version":"2012-10-17","Statement":[]},"targets":["r-ab12","ou-ab12-11111111","123456789012"]}
{"kind":"principal","arn":"arn:aws:s3:::not-a-principal"}
{"kind":"organizationPolicy","policyType":"TAG_POLICY","id":"p-2","content":"{}","targets":["x"]})");
  EXPECT_EQ(
      IssueList(inventory),
      "4:1 inventory.invalid-value\n5:43 inventory.invalid-value\n5:1 inventory.invalid-value");
  ASSERT_EQ(inventory.principals.size(), 1u);
  const IamPrincipalRecord &alice = inventory.principals[0];
  EXPECT_EQ(alice.account_id, "123456789012");
  EXPECT_EQ(alice.inline_policies.at("read"), R"({"Version":"2012-10-17","Statement":[]})");
  EXPECT_EQ(alice.groups, std::vector<std::string>{"devs"});
  EXPECT_EQ(alice.permissions_boundary.value_or(""), "arn:aws:iam::123456789012:policy/b");
  EXPECT_EQ(alice.tags.at("team"), "a");
  ASSERT_EQ(inventory.groups.size(), 1u);
  EXPECT_EQ(inventory.groups[0].inline_policies.at("g"),
            R"({"Version":"2012-10-17","Statement":[]})");
  ASSERT_EQ(inventory.organization_policies.size(), 1u);
  EXPECT_EQ(inventory.organization_policies[0].type,
            OrganizationPolicyType::kResourceControlPolicy);
  EXPECT_EQ(inventory.organization_policies[0].targets.size(), 3u);
  EXPECT_EQ(inventory.skipped_records, 2u);
}

// A policy that cannot be parsed does not drop the resource: analyzing it gives
// an error finding that names the ARN and the reason, with an issue at the
// policy's line, and the next resource is unaffected.
TEST(InventoryTest, UnreadablePolicyGivesAnErrorFindingForThatResourceOnly) {
  std::string text =
      kQueue + "\n" +
      R"({"kind":"resource","resourceArn":"arn:aws:sqs:us-east-1:123456789012:bad","resourceOwnerAccount":"123456789012","configuration":{"sqsQueue":{"queuePolicy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"sqs:*\"}]"}}})" +
      "\n" +
      R"({"kind":"resource","resourceArn":"arn:aws:sqs:us-east-1:123456789012:ok","resourceOwnerAccount":"123456789012","configuration":{"sqsQueue":{"queuePolicy":{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEqualz":{"aws:SourceVpc":"vpc-1"}}}]}}}})" +
      "\n";
  Inventory inventory = ReadInventory("inv.jsonl", text);
  ASSERT_EQ(inventory.issues.size(), 0u) << inventory.issues[0].message;
  ASSERT_EQ(inventory.resources.size(), 3u);
  reasoning::ZoneOfTrust zone = reasoning::ZoneOfTrust::ForAccount("123456789012");

  ResourceAnalysis first = AnalyzeResource(inventory.resources[0], nullptr, zone);
  EXPECT_TRUE(first.findings.empty());
  EXPECT_FALSE(first.has_errors());

  ResourceAnalysis bad = AnalyzeResource(inventory.resources[1], nullptr, zone);
  ASSERT_EQ(bad.findings.size(), 1u);
  EXPECT_EQ(bad.findings[0].error, "INTERNAL_ERROR");
  EXPECT_NE(bad.findings[0].error_reason.find("arn:aws:sqs:us-east-1:123456789012:bad"),
            std::string::npos);
  EXPECT_NE(bad.findings[0].error_reason.find("inv.jsonl:2:"), std::string::npos)
      << bad.findings[0].error_reason;
  ASSERT_FALSE(bad.issues.empty());
  EXPECT_EQ(bad.issues[0].position.line, 2u);
  EXPECT_EQ(bad.issues[0].code, "configuration.invalid-policy");

  // A policy given as an object: the issue points at the operator itself.
  ResourceAnalysis unknown_operator = AnalyzeResource(inventory.resources[2], nullptr, zone);
  ASSERT_EQ(unknown_operator.findings.size(), 1u);
  EXPECT_TRUE(unknown_operator.findings[0].error.has_value());
  ASSERT_FALSE(unknown_operator.issues.empty());
  EXPECT_EQ(unknown_operator.issues[0].code, "policy.unknown-operator");
  EXPECT_EQ(unknown_operator.issues[0].position.line, 3u);
  std::string line3 = text.substr(text.find("\n", text.find("\n") + 1) + 1);
  EXPECT_EQ(line3.substr(unknown_operator.issues[0].position.column - 1, 14), "\"StringEqualz\"");
}

// Which lines a streaming reader may leave to the workers: only certain resource records. Anything
// else (another kind, a kind written with escapes, a line that is not an object) is read first.
struct KindCase {
  std::string name;
  std::string line;
  bool resource;
};

class ResourceRecordLineTest : public testing::TestWithParam<KindCase> {};

TEST_P(ResourceRecordLineTest, SaysResourceOnlyWhenCertain) {
  EXPECT_EQ(IsResourceRecordLine(GetParam().line), GetParam().resource) << GetParam().line;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ResourceRecordLineTest,
    testing::Values(
        KindCase{"KindFirst", kQueue, true},
        KindCase{"Spaced", R"(  { "kind" : "resource", "x": 1})", true},
        KindCase{
            "KindAfterNestedMembers",
            R"({"a":{"kind":"account","b":[1,"}",{"c":"\"kind\""}]},"n":-1.5e3,"t":true,"kind":"resource"})",
            true},
        KindCase{"Account", R"({"kind":"account","accountId":"123456789012"})", false},
        KindCase{"Organization", R"({"kind":"organization"})", false},
        KindCase{"ResourcePrefixOfAnotherKind", R"({"kind":"resources"})", false},
        KindCase{"EscapedValue", R"({"kind":"\u0072esource"})", false},
        KindCase{"EscapedKey", R"({"\u006bind":"resource"})", false},
        KindCase{"KindOnlyNested", R"({"a":{"kind":"resource"}})", false},
        KindCase{"NoKind", R"({"resourceArn":"arn:aws:s3:::b"})", false},
        KindCase{"NotAnObject", R"(["kind","resource"])", false},
        KindCase{"NotJson", "kind resource", false}, KindCase{"Blank", "   ", false},
        KindCase{"Unterminated", R"({"a":"x)", false}),
    [](const testing::TestParamInfo<KindCase> &info) { return info.param.name; });

// Line by line, the reader gives what ReadInventory gives for the whole text (it is what
// ReadInventory uses); a duplicate resource is reported with DuplicateResourceIssue's text.
TEST(InventoryLineReaderTest, DuplicateResourceIssueIsTheReadersOwn) {
  std::string text = "\n" + kQueue + "\n  " + kQueue + "\n";
  Inventory whole = ReadInventory("inv.jsonl", text);
  ASSERT_EQ(whole.resources.size(), 1u);
  ASSERT_EQ(whole.issues.size(), 1u);
  Resource second = whole.resources[0];
  second.position = base::SourcePosition{3, 3, static_cast<uint32_t>(kQueue.size() + 4)};
  base::Issue expected = DuplicateResourceIssue(second);
  EXPECT_EQ(whole.issues[0].code, expected.code);
  EXPECT_EQ(whole.issues[0].message, expected.message);
  EXPECT_EQ(base::ToString(whole.issues[0].position), base::ToString(expected.position));
  EXPECT_EQ(whole.resources[0].position.line, 2u);
}

}  // namespace
}  // namespace perimeter::resources
