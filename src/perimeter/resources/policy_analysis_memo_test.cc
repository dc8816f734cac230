// The memo of policy analyses (policy_analysis_memo.h) changes nothing but the time: every
// resource's findings are the same with it as without it, field by field (witnesses and statement
// positions included), over a generated corpus of every resource type and for pairs of resources
// that share a policy but differ in what the key holds.
#include "perimeter/resources/policy_analysis_memo.h"

#include <cstdio>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/resources/analyze_resource.h"
#include "perimeter/resources/inventory.h"
#include "perimeter/testing/corpus_generator.h"

namespace perimeter::resources {
namespace {

// Every field of a finding, for comparing two analyses.
std::string Describe(const findings::Finding &finding) {
  std::string out = "id=" + finding.id + " resource=" + finding.resource +
                    " type=" + finding.resource_type + " owner=" + finding.resource_owner_account +
                    " public=" + (finding.is_public ? "1" : "0") + " principal={";
  for (const auto &[k, v] : finding.principal) out += k + ":" + v + ",";
  out += "} actions={";
  for (const std::string &action : finding.actions) out += action + ",";
  out += "} condition={";
  for (const auto &[k, v] : finding.condition) out += k + ":" + v + ",";
  out += "} sources={";
  for (const findings::FindingSource &source : finding.sources) {
    out += std::string(findings::FindingSourceTypeName(source.type)) + "/" +
           source.access_point_arn.value_or("-") + "/" + source.access_point_account.value_or("-") +
           ",";
  }
  out += "} error=" + finding.error.value_or("-") + " reason=" + finding.error_reason;
  if (finding.witness.has_value()) {
    const findings::Witness &w = *finding.witness;
    out += " witness={" + w.principal + " " + w.principal_type + " " + w.action + " " + w.resource;
    for (const auto &[k, v] : w.context) {
      out += " " + k + "=[";
      for (const std::string &value : v) out += value + ",";
      out += "]";
    }
    out += "}";
  }
  out += " explanation={";
  for (const findings::StatementRef &ref : finding.explanation) {
    out += ref.policy + "#" + std::to_string(ref.index) + "/" + ref.sid.value_or("-") + "@" +
           base::ToString(ref.position) + ",";
  }
  return out + "}";
}

std::vector<std::string> DescribeAll(const ResourceAnalysis &analysis) {
  std::vector<std::string> out;
  for (const findings::Finding &finding : analysis.findings) out.push_back(Describe(finding));
  for (const base::Issue &issue : analysis.issues) {
    out.push_back("issue " + base::ToString(issue.position) + " " + issue.message);
  }
  return out;
}

TEST(PolicyAnalysisMemoTest, MemoizedAndFreshAnalysesOfACorpusAreIdentical) {
  corpus::CorpusOptions options;
  options.seed = 1;
  std::string text;
  for (const std::string &line :
       corpus::GenerateCorpus(options, 3000, corpus::CorpusFormat::kInventory)) {
    text += line + "\n";
  }
  Inventory inventory = ReadInventory("corpus-seed-1.jsonl", text);
  ASSERT_EQ(inventory.resources.size(), 3000u);
  ASSERT_FALSE(inventory.organizations.empty());
  const reasoning::Organization &organization = inventory.organizations.front().organization;
  reasoning::ZoneOfTrust org_zone = reasoning::ZoneOfTrust::ForOrganization(organization);

  PolicyAnalysisMemo memo;
  std::map<std::string, size_t> resources_by_type;
  for (const Resource &resource : inventory.resources) {
    // Each resource in its owner's account zone and in the organization's, through one memo.
    reasoning::ZoneOfTrust owner_zone =
        reasoning::ZoneOfTrust::ForAccount(resource.owner_account, organization);
    for (const reasoning::ZoneOfTrust *zone : {&owner_zone, &org_zone}) {
      const AccountSettings *account = inventory.FindAccount(resource.owner_account);
      ResourceAnalysis fresh = AnalyzeResource(resource, account, *zone);
      ResourceAnalysis shared = AnalyzeResource(resource, account, *zone, &memo);
      ASSERT_EQ(DescribeAll(shared), DescribeAll(fresh)) << resource.arn;
    }
    ++resources_by_type[std::string(ResourceTypeName(resource.type))];
  }
  std::printf("  memo: %zu hits, %zu misses, %zu entries\n", memo.hits(), memo.misses(),
              memo.size());
  EXPECT_EQ(resources_by_type.size(), corpus::AllCorpusResourceTypes().size());
  // The corpus repeats trust policies and key policies: the memo is used, not only filled.
  EXPECT_GT(memo.hits(), 100u);
}

constexpr char kTrust[] =
    R"({"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow",)"
    R"("Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"sts:AssumeRole",)"
    R"("Condition":{"StringEquals":{"sts:ExternalId":"x-1"}}}]})";
constexpr char kQueuePolicy[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*",)"
    R"("Action":"sqs:SendMessage","Resource":"*"}]})";

std::string RoleRecord(const std::string &arn, const std::string &owner, const std::string &pad) {
  // `pad` moves the policy within the line, so that statement positions differ.
  return R"({"kind":"resource",)" + pad + R"("resourceArn":")" + arn +
         R"(","resourceOwnerAccount":")" + owner +
         R"(","configuration":{"iamRole":{"trustPolicy":)" + kTrust + "}}}";
}

std::string QueueRecord(const std::string &arn, const std::string &owner,
                        const std::string &policy) {
  std::string escaped;
  for (char c : policy) {
    if (c == '"') escaped += '\\';
    escaped += c;
  }
  return R"({"kind":"resource","resourceArn":")" + arn + R"(","resourceOwnerAccount":")" + owner +
         R"(","region":"us-east-1","configuration":{"sqsQueue":{"queuePolicy":")" + escaped +
         "\"}}}";
}

struct PairCase {
  const char *name;
  std::string first;   // analyzed first, fills the memo
  std::string second;  // analyzed second: the memo's answer must equal a fresh one
  std::string second_zone_account;
  bool shared;  // whether the second analysis comes from the memo

  friend void PrintTo(const PairCase &c, std::ostream *out) { *out << c.name; }
};

class MemoPairTest : public testing::TestWithParam<PairCase> {};

TEST_P(MemoPairTest, SecondResourceGetsWhatAFreshAnalysisGives) {
  const PairCase &c = GetParam();
  Inventory inventory = ReadInventory("pair.jsonl", c.first + "\n" + c.second + "\n");
  ASSERT_TRUE(inventory.issues.empty()) << inventory.issues.front().message;
  ASSERT_EQ(inventory.resources.size(), 2u);
  const Resource &first = inventory.resources[0];
  const Resource &second = inventory.resources[1];
  PolicyAnalysisMemo memo;
  AnalyzeResource(first, nullptr, reasoning::ZoneOfTrust::ForAccount(first.owner_account), &memo);
  size_t hits_before = memo.hits();
  reasoning::ZoneOfTrust zone = reasoning::ZoneOfTrust::ForAccount(c.second_zone_account);
  ResourceAnalysis shared = AnalyzeResource(second, nullptr, zone, &memo);
  ResourceAnalysis fresh = AnalyzeResource(second, nullptr, zone);
  EXPECT_EQ(DescribeAll(shared), DescribeAll(fresh));
  EXPECT_FALSE(fresh.findings.empty());
  EXPECT_EQ(memo.hits() > hits_before, c.shared);
}

const std::string kRoleA = "arn:aws:iam::123456789012:role/app-a";
const std::string kRoleB = "arn:aws:iam::123456789012:role/app-b";

INSTANTIATE_TEST_SUITE_P(
    Cases, MemoPairTest,
    testing::Values(
        // Same policy, owner, zone and ARN shape: the second role's findings come from the memo,
        // with its own ARN, witness and statement positions.
        PairCase{"same_shape", RoleRecord(kRoleA, "123456789012", ""),
                 RoleRecord(kRoleB, "123456789012", "        "), "123456789012", true},
        // Another owner account: another key.
        PairCase{"other_owner", RoleRecord(kRoleA, "123456789012", ""),
                 RoleRecord("arn:aws:iam::111122223333:role/app-b", "111122223333", ""),
                 "111122223333", false},
        // Another zone of trust: 999988887777 is inside it, so no finding is shared.
        PairCase{"other_zone", RoleRecord(kRoleA, "123456789012", ""),
                 RoleRecord(kRoleB, "123456789012", ""), "444455556666", false},
        // Another ARN shape (a path the evaluator reads: service-linked roles).
        PairCase{
            "other_shape", RoleRecord(kRoleA, "123456789012", ""),
            RoleRecord("arn:aws:iam::123456789012:role/aws-service-role/app-b", "123456789012", ""),
            "123456789012", false},
        // Resource "*" on queues of one shape: shared.
        PairCase{"queue_star",
                 QueueRecord("arn:aws:sqs:us-east-1:123456789012:q1", "123456789012", kQueuePolicy),
                 QueueRecord("arn:aws:sqs:us-east-1:123456789012:q2", "123456789012", kQueuePolicy),
                 "123456789012", true},
        // A Resource that names the queue: never shared, even with the same text.
        PairCase{"queue_named",
                 QueueRecord("arn:aws:sqs:us-east-1:123456789012:q1", "123456789012",
                             R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                             R"("Principal":"*","Action":"sqs:*",)"
                             R"("Resource":"arn:aws:sqs:us-east-1:123456789012:q*"}]})"),
                 QueueRecord("arn:aws:sqs:us-east-1:123456789012:q2", "123456789012",
                             R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
                             R"("Principal":"*","Action":"sqs:*",)"
                             R"("Resource":"arn:aws:sqs:us-east-1:123456789012:q*"}]})"),
                 "123456789012", false}),
    [](const testing::TestParamInfo<PairCase> &info) { return std::string(info.param.name); });

TEST(PolicyAnalysisMemoTest, StaysWithinItsCapacity) {
  PolicyAnalysisMemo memo(2);
  for (int i = 0; i < 5; ++i) {
    memo.Insert("key" + std::to_string(i), PolicyAnalysisMemo::Entry{});
    EXPECT_LE(memo.size(), 2u);
  }
  EXPECT_NE(memo.Find("key4"), nullptr);
}

}  // namespace
}  // namespace perimeter::resources
