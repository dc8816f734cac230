// From an inventory to internal-access findings: groups, managed policies, boundaries, SCPs at the
// OU level, the analysis rule, and what the inventory lacks reported as issues.
#include "perimeter/analysis/internal_access_analysis.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/aws/canonical_user_id.h"
#include "perimeter/base/text.h"

namespace perimeter::analysis {
namespace {

const char kInventory[] = R"(
{"kind":"organization","organizationId":"o-exampleorg","managementAccount":"999999999999","accounts":[{"accountId":"111111111111","ouPath":"o-exampleorg/r-ab12/ou-ab12-work/"},{"accountId":"222222222222","ouPath":"o-exampleorg/r-ab12/ou-ab12-work/"}]}
{"kind":"resource","resourceArn":"arn:aws:s3:::data","resourceOwnerAccount":"111111111111","configuration":{"s3Bucket":{"bucketPolicy":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}}}}
{"kind":"resource","resourceArn":"arn:aws:dynamodb:us-east-1:111111111111:table/orders","resourceOwnerAccount":"111111111111","configuration":{"dynamodbTable":{"tablePolicy":""}}}
{"kind":"resource","resourceArn":"arn:aws:sqs:us-east-1:111111111111:q","resourceOwnerAccount":"111111111111","configuration":{"sqsQueue":{"queuePolicy":""}}}
{"kind":"managedPolicy","accountId":"111111111111","arn":"arn:aws:iam::111111111111:policy/read","policyName":"read","defaultVersionId":"v1","policyVersionList":[{"versionId":"v1","document":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","dynamodb:GetItem"],"Resource":"*"}]}}]}
{"kind":"group","arn":"arn:aws:iam::111111111111:group/readers","attachedManagedPolicies":["arn:aws:iam::111111111111:policy/read"]}
{"kind":"principal","arn":"arn:aws:iam::111111111111:user/alice","groups":["readers"]}
{"kind":"principal","arn":"arn:aws:iam::111111111111:role/nothing","attachedManagedPolicies":["arn:aws:iam::111111111111:policy/missing"]}
{"kind":"principal","arn":"arn:aws:iam::222222222222:role/partner","inlinePolicies":{"all":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}}}
{"kind":"organizationPolicy","policyType":"SERVICE_CONTROL_POLICY","id":"p-full","content":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]},"targets":["r-ab12","ou-ab12-work","111111111111","222222222222"]}
{"kind":"organizationPolicy","policyType":"SERVICE_CONTROL_POLICY","id":"p-nodynamo","content":{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"dynamodb:*","Resource":"*"}]},"targets":["ou-ab12-work"]}
)";

std::vector<std::string> Summaries(const InternalAccessAnalysis& analysis) {
  std::vector<std::string> out;
  for (const findings::InternalAccessFinding& f : analysis.findings) {
    std::string line = f.resource + " " + (f.principal.empty() ? "" : f.principal.at("AWS"));
    for (const std::string& action : f.actions) line += " " + action;
    out.push_back(line);
  }
  return out;
}

reasoning::Organization Org(const resources::Inventory& inventory) {
  return inventory.organizations.at(0).organization;
}

TEST(InternalAccessAnalysisTest, OrganizationZoneAppliesScpsOfTheOuPath) {
  resources::Inventory inventory = resources::ReadInventory("i.jsonl", kInventory);
  ASSERT_TRUE(inventory.issues.empty()) << inventory.issues[0].message;
  InternalAccessAnalysis analysis = AnalyzeInventoryInternalAccess(
      inventory, reasoning::ZoneOfTrust::ForOrganization(Org(inventory)));
  EXPECT_EQ(Summaries(analysis),
            (std::vector<std::string>{
                "arn:aws:s3:::data arn:aws:iam::111111111111:user/alice s3:GetObject",
                "arn:aws:s3:::data arn:aws:iam::222222222222:role/partner s3:GetObject"}));
  ASSERT_EQ(analysis.issues.size(), 1u);  // the missing managed policy
  EXPECT_NE(analysis.issues[0].message.find("policy/missing"), std::string::npos);
  std::vector<std::string> policies;
  for (const findings::StatementRef& ref : analysis.findings[0].explanation)
    policies.push_back(ref.policy);
  EXPECT_EQ(policies, (std::vector<std::string>{"scp p-full", "scp p-full", "scp p-full",
                                                "identity arn:aws:iam::111111111111:policy/read"}));
}

TEST(InternalAccessAnalysisTest, AccountZoneLeavesScpsOutAndOtherAccountsOut) {
  resources::Inventory inventory = resources::ReadInventory("i.jsonl", kInventory);
  InternalAccessAnalysis analysis = AnalyzeInventoryInternalAccess(
      inventory, reasoning::ZoneOfTrust::ForAccount("111111111111", Org(inventory)));
  EXPECT_EQ(Summaries(analysis),
            (std::vector<std::string>{
                "arn:aws:s3:::data arn:aws:iam::111111111111:user/alice s3:GetObject",
                "arn:aws:dynamodb:us-east-1:111111111111:table/orders "
                "arn:aws:iam::111111111111:user/alice dynamodb:GetItem"}));
  EXPECT_EQ(analysis.findings[1].service_control_policy_restriction,
            findings::ControlPolicyRestriction::kApplicable);
}

TEST(InternalAccessAnalysisTest, RuleSelectsTheCriticalResources) {
  resources::Inventory inventory = resources::ReadInventory("i.jsonl", kInventory);
  absl::StatusOr<InternalAccessRule> rule = ParseInternalAccessRule(
      R"({"analysisRule":{"inclusions":[{"resourceTypes":["AWS::DynamoDB::Table"]}]}})");
  ASSERT_TRUE(rule.ok()) << rule.status();
  InternalAccessAnalysis analysis = AnalyzeInventoryInternalAccess(
      inventory, reasoning::ZoneOfTrust::ForAccount("111111111111", Org(inventory)), *rule);
  ASSERT_EQ(analysis.findings.size(), 1u);
  EXPECT_EQ(analysis.findings[0].resource_type, "AWS::DynamoDB::Table");
  EXPECT_FALSE(
      ParseInternalAccessRule(R"({"inclusions":[{"resourceTypes":["AWS::SQS::Queue"]}]})").ok());
  EXPECT_FALSE(ParseInternalAccessRule(R"({"inclusions":[{"accounts":["1"]}]})").ok());
}

// S3 bucket ACLs, e-mail grantees and access points (issue #17): one triggering case and a close
// non-triggering one each. The bucket `logs` of 111111111111 has no bucket policy; `partner` of
// 222222222222 may do anything its identity allows; `nothing` of 111111111111 has no policy.
struct AclCase {
  const char* name;
  const char* configuration;          // the s3Bucket configuration
  const char* account_record;         // "" or an account record line for 111111111111
  std::vector<std::string> findings;  // Summaries(), errors as "<resource> ERROR"
  bool acl_source = false;            // the first finding has the source BUCKET_ACL
};

class InternalAccessAclTest : public testing::TestWithParam<AclCase> {};

TEST_P(InternalAccessAclTest, AclGrantsReachZonePrincipals) {
  const AclCase& c = GetParam();
  std::string text = base::Concat(
      R"({"kind":"organization","organizationId":"o-exampleorg","managementAccount":"999999999999","accounts":[{"accountId":"111111111111","ouPath":"o-exampleorg/r-ab12/ou-ab12-work/"},{"accountId":"222222222222","ouPath":"o-exampleorg/r-ab12/ou-ab12-work/"}]})",
      "\n",
      R"({"kind":"resource","resourceArn":"arn:aws:s3:::logs","resourceOwnerAccount":"111111111111","configuration":{"s3Bucket":)",
      c.configuration, "}}\n",
      R"({"kind":"principal","arn":"arn:aws:iam::111111111111:role/nothing"})", "\n",
      R"({"kind":"principal","arn":"arn:aws:iam::222222222222:role/partner","inlinePolicies":{"all":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}}})",
      "\n", c.account_record, "\n");
  resources::Inventory inventory = resources::ReadInventory("i.jsonl", text);
  ASSERT_TRUE(inventory.issues.empty()) << inventory.issues[0].message;
  InternalAccessAnalysis analysis = AnalyzeInventoryInternalAccess(
      inventory, reasoning::ZoneOfTrust::ForOrganization(Org(inventory)));
  std::vector<std::string> summaries;
  for (const findings::InternalAccessFinding& f : analysis.findings) {
    summaries.push_back(f.error.has_value() ? f.resource + " ERROR"
                                            : Summaries({{f}, {}, {}}).front());
  }
  EXPECT_EQ(summaries, c.findings);
  if (c.acl_source) {
    ASSERT_FALSE(analysis.findings.empty());
    const findings::InternalAccessFinding& f = analysis.findings[0];
    ASSERT_EQ(f.sources.size(), 1u);
    EXPECT_EQ(f.sources[0].type, findings::FindingSourceType::kBucketAcl);
    ASSERT_TRUE(f.witness.has_value());
    auto acl = std::find_if(f.explanation.begin(), f.explanation.end(),
                            [](const findings::StatementRef& ref) { return ref.policy == "acl"; });
    ASSERT_NE(acl, f.explanation.end());
    EXPECT_EQ(acl->sid, "BucketAclGrant0");
  }
}

const std::string kPartnerId = aws::DerivedCanonicalUserId("222222222222");
const std::string kOwnerId = aws::DerivedCanonicalUserId("111111111111");
const std::string kGrantToPartner =
    R"({"bucketAclGrants":[{"grantee":{"id":")" + kPartnerId + R"("},"permission":"READ"}]})";
const std::string kGrantToOwner =
    R"({"bucketAclGrants":[{"grantee":{"id":")" + kOwnerId + R"("},"permission":"FULL_CONTROL"}]})";
constexpr char kAuthenticatedRead[] =
    R"({"bucketAclGrants":[{"grantee":{"uri":"http://acs.amazonaws.com/groups/global/AuthenticatedUsers"},"permission":"WRITE"}]})";
constexpr char kIgnorePublicAcls[] =
    R"({"kind":"account","accountId":"111111111111","s3PublicAccessBlock":{"ignorePublicAcls":true}})";
constexpr char kPartnerRecord[] =
    R"({"kind":"account","accountId":"222222222222","canonicalUserId":"c0ffee"})";

INSTANTIATE_TEST_SUITE_P(
    Cases, InternalAccessAclTest,
    testing::Values(
        // Another account of the organization granted READ by canonical id: its principals
        // reach the bucket with their identity policy alone (hidden before: no bucket policy).
        AclCase{"GrantToAccountOfZone",
                kGrantToPartner.c_str(),
                "",
                {"arn:aws:s3:::logs arn:aws:iam::222222222222:role/partner s3:ListBucket "
                 "s3:ListBucketMultipartUploads s3:ListBucketVersions"},
                true},
        // The same grant to the owner's id: the account, not its principals.
        AclCase{"GrantToOwnerGivesNothing", kGrantToOwner.c_str(), "", {}},
        // AuthenticatedUsers: every principal, even one without any policy of its own.
        AclCase{"AuthenticatedUsersReachEveryPrincipal",
                kAuthenticatedRead,
                "",
                {"arn:aws:s3:::logs arn:aws:iam::111111111111:role/nothing s3:DeleteObject "
                 "s3:PutObject",
                 "arn:aws:s3:::logs arn:aws:iam::222222222222:role/partner s3:DeleteObject "
                 "s3:PutObject"},
                true},
        // IgnorePublicAcls of the owner's account: the public grant gives nothing.
        AclCase{"IgnorePublicAclsIgnoresIt", kAuthenticatedRead, kIgnorePublicAcls, {}},
        // A canonical id no record names, while the partner's real id is unknown: undecided.
        AclCase{"UnknownCanonicalIdIsUndecided",
                R"({"bucketAclGrants":[{"grantee":{"id":"beef"},"permission":"READ"}]})",
                "",
                {"arn:aws:s3:::logs ERROR"}},
        // The canonical id an account record gives the partner names the partner.
        AclCase{"RecordedIdNamesTheAccount",
                R"({"bucketAclGrants":[{"grantee":{"id":"c0ffee"},"permission":"READ_ACP"}]})",
                kPartnerRecord,
                {"arn:aws:s3:::logs arn:aws:iam::222222222222:role/partner s3:GetBucketAcl"},
                true},
        AclCase{
            "EmailGranteeIsUndecided",
            R"({"bucketAclGrants":[{"grantee":{"emailAddress":"a@example.com"},"permission":"READ"}]})",
            "",
            {"arn:aws:s3:::logs ERROR"}},
        AclCase{
            "LogDeliveryIsNoPrincipal",
            R"({"bucketAclGrants":[{"grantee":{"uri":"http://acs.amazonaws.com/groups/s3/LogDelivery"},"permission":"WRITE"}]})",
            "",
            {}},
        // Requests through an access point are not analyzed: an error finding, never silence.
        AclCase{"AccessPointIsUndecided",
                R"({"accessPoints":{"arn:aws:s3:us-east-1:111111111111:accesspoint/ap":{}}})",
                "",
                {"arn:aws:s3:::logs ERROR"}}),
    [](const testing::TestParamInfo<AclCase>& info) { return std::string(info.param.name); });

// RDS snapshots (issue #17): analyzed, no longer an error finding. The owner's principals reach a
// snapshot through their identity-based policies; another account of the organization only when
// the "restore" attribute shares it with that account, and then only copy and restore.
TEST(InternalAccessRdsTest, SnapshotSharesReachOtherAccounts) {
  for (bool shared : {true, false}) {
    std::string text = base::Concat(
        R"({"kind":"organization","organizationId":"o-exampleorg","managementAccount":"999999999999","accounts":[{"accountId":"111111111111","ouPath":"o-exampleorg/r-ab12/ou-ab12-work/"},{"accountId":"222222222222","ouPath":"o-exampleorg/r-ab12/ou-ab12-work/"}]})",
        "\n",
        R"({"kind":"resource","resourceArn":"arn:aws:rds:us-east-1:111111111111:snapshot:nightly","resourceOwnerAccount":"111111111111","region":"us-east-1","configuration":{"rdsDbSnapshot":{"attributes":{"restore":{"accountIds":[)",
        shared ? R"("222222222222")" : "", "]}}}}}\n",
        R"({"kind":"principal","arn":"arn:aws:iam::111111111111:role/dba","inlinePolicies":{"d":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"rds:DeleteDBSnapshot","Resource":"*"}]}}})",
        "\n",
        R"({"kind":"principal","arn":"arn:aws:iam::222222222222:role/partner","inlinePolicies":{"all":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"rds:*","Resource":"*"}]}}})",
        "\n");
    resources::Inventory inventory = resources::ReadInventory("i.jsonl", text);
    ASSERT_TRUE(inventory.issues.empty()) << inventory.issues[0].message;
    InternalAccessAnalysis analysis = AnalyzeInventoryInternalAccess(
        inventory, reasoning::ZoneOfTrust::ForOrganization(Org(inventory)));
    std::vector<std::string> expected = {
        "arn:aws:rds:us-east-1:111111111111:snapshot:nightly arn:aws:iam::111111111111:role/dba "
        "rds:DeleteDBSnapshot"};
    if (shared) {
      expected.push_back(
          "arn:aws:rds:us-east-1:111111111111:snapshot:nightly "
          "arn:aws:iam::222222222222:role/partner rds:CopyDBSnapshot "
          "rds:RestoreDBInstanceFromDBSnapshot");
    }
    EXPECT_EQ(Summaries(analysis), expected) << (shared ? "shared" : "not shared");
    if (shared) {
      const std::vector<findings::StatementRef>& explanation = analysis.findings.back().explanation;
      EXPECT_TRUE(std::any_of(
          explanation.begin(), explanation.end(),
          [](const findings::StatementRef& ref) { return ref.policy == "restore attribute"; }));
    }
  }
}

}  // namespace
}  // namespace perimeter::analysis
