// From an inventory to internal-access findings: groups, managed policies, boundaries, SCPs at the
// OU level, the analysis rule, and what the inventory lacks reported as issues.
#include "perimeter/analysis/internal_access_analysis.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

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

}  // namespace
}  // namespace perimeter::analysis
