// `perimeter analyze --analyzer-type *_UNUSED_ACCESS` end to end through RunApp on the bundled
// sample (samples/organization/unused/): the findings of each type, the recommendation, the zone,
// and the exit codes of docs/analyze.md.
#include "perimeter/cli/unused_access_command.h"

#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "perimeter/json/document.h"
#include "tests/testing/cli_run.h"

namespace perimeter::cli {
namespace {

using ::testing::ElementsAre;

const std::string kSample = std::string(PERIMETER_SOURCE_DIR) + "/samples/organization/unused";

perimeter_testing::CliRun Analyze(std::vector<std::string> extra) {
  std::vector<std::string> args = {"analyze",  kSample, "--now", "2026-12-07T00:00:00Z",
                                   "--format", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  return perimeter_testing::RunPerimeter(args);
}

// "findingType resource detail-kind" per finding detail, sorted.
std::multiset<std::string> Findings(const std::string& out) {
  json::ParseResult parsed = json::Parse(out);
  EXPECT_TRUE(parsed.ok()) << out;
  std::multiset<std::string> lines;
  if (!parsed.ok()) return lines;
  for (const json::Value& finding : parsed.document.root().Find("findings")->children()) {
    for (const json::Value& details : finding.Find("findingDetails")->children()) {
      for (const json::Value& member : details.members()) {
        std::string line = std::string(finding.Find("findingType")->text()) + " " +
                           std::string(finding.Find("resource")->text()) + " " +
                           std::string(member.key());
        if (std::optional<json::Value> service = member.Find("serviceNamespace")) {
          line += " " + std::string(service->text());
        }
        if (std::optional<json::Value> actions = member.Find("actions")) {
          for (const json::Value& action : actions->children()) {
            line += " " + std::string(action.Find("action")->text());
          }
        }
        if (std::optional<json::Value> key = member.Find("accessKeyId")) {
          line += " " + std::string(key->text());
        }
        lines.insert(line);
      }
    }
  }
  return lines;
}

TEST(UnusedAccessCommand, OrganizationFindsEveryType) {
  perimeter_testing::CliRun run = Analyze({"--analyzer-type", "ORGANIZATION_UNUSED_ACCESS"});
  EXPECT_EQ(run.code, 1) << run.err;
  EXPECT_EQ(
      Findings(run.out),
      (std::multiset<std::string>{
          "UnusedIAMRole arn:aws:iam::444455556666:role/legacy-batch unusedIamRoleDetails",
          "UnusedIAMRole arn:aws:iam::234598760742:role/security-audit unusedIamRoleDetails",
          "UnusedPermission arn:aws:iam::444455556666:role/ci-deployer unusedPermissionDetails s3 "
          "s3:PutObject",
          "UnusedPermission arn:aws:iam::444455556666:role/ci-deployer unusedPermissionDetails sqs",
          "UnusedIAMUserPassword arn:aws:iam::111122223333:user/alice unusedIamUserPasswordDetails",
          "UnusedIAMUserAccessKey arn:aws:iam::111122223333:user/alice "
          "unusedIamUserAccessKeyDetails access_key_2"}));
  json::ParseResult parsed = json::Parse(run.out);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed.document.root().Find("undecided")->size(), 0u) << run.out;
  // The recommendation of ci-deployer: its inline policy without s3:PutObject and sqs.
  bool seen = false;
  for (const json::Value& finding : parsed.document.root().Find("findings")->children()) {
    if (finding.Find("resource")->text() != "arn:aws:iam::444455556666:role/ci-deployer") continue;
    seen = true;
    const json::Value steps = *finding.Find("recommendedSteps");
    ASSERT_EQ(steps.size(), 1u);
    const json::Value step = *(*steps.children().begin()).Find("unusedPermissionsRecommendedStep");
    EXPECT_EQ(step.Find("recommendedAction")->text(), "CREATE_POLICY");
    EXPECT_EQ(step.Find("existingPolicyId")->text(), "deploy");
    EXPECT_EQ(step.Find("recommendedPolicy")->text(),
              R"({"Version":"2012-10-17","Statement":[{"Sid":"Artifacts","Effect":"Allow",)"
              R"("Action":["s3:GetObject"],"Resource":"arn:aws:s3:::example-artifacts/*"}]})");
  }
  EXPECT_TRUE(seen);
}

TEST(UnusedAccessCommand, AccountZoneAndAge) {
  perimeter_testing::CliRun account =
      Analyze({"--analyzer-type", "ACCOUNT_UNUSED_ACCESS", "--zone-account", "111122223333"});
  EXPECT_EQ(account.code, 1) << account.err;
  EXPECT_EQ(Findings(account.out).size(), 2u) << account.out;  // alice's password and key

  // alice last used SNS on 2026-10-01: used within 90 days, unused within 30.
  perimeter_testing::CliRun short_age =
      Analyze({"--analyzer-type", "ORGANIZATION_UNUSED_ACCESS", "--unused-access-age", "30"});
  EXPECT_EQ(
      Findings(short_age.out),
      (std::multiset<std::string>{
          "UnusedIAMRole arn:aws:iam::444455556666:role/legacy-batch unusedIamRoleDetails",
          "UnusedIAMRole arn:aws:iam::234598760742:role/security-audit unusedIamRoleDetails",
          "UnusedIAMUserPassword arn:aws:iam::111122223333:user/alice unusedIamUserPasswordDetails",
          "UnusedIAMUserAccessKey arn:aws:iam::111122223333:user/alice "
          "unusedIamUserAccessKeyDetails access_key_2",
          "UnusedPermission arn:aws:iam::111122223333:user/alice unusedPermissionDetails sns",
          "UnusedPermission arn:aws:iam::444455556666:role/ci-deployer unusedPermissionDetails s3 "
          "s3:PutObject",
          "UnusedPermission arn:aws:iam::444455556666:role/ci-deployer unusedPermissionDetails "
          "sqs"}))
      << short_age.out;
}

TEST(UnusedAccessCommand, UsageErrors) {
  EXPECT_EQ(Analyze({"--analyzer-type", "ACCOUNT_UNUSED_ACCESS"}).code, 2);  // no --zone-account
  EXPECT_EQ(Analyze({"--analyzer-type", "NOPE"}).code, 2);
  EXPECT_EQ(
      Analyze({"--analyzer-type", "ORGANIZATION_UNUSED_ACCESS", "--unused-access-age", "0"}).code,
      2);
  perimeter_testing::CliRun no_now = perimeter_testing::RunPerimeter(
      {"analyze", kSample, "--analyzer-type", "ORGANIZATION_UNUSED_ACCESS", "--format", "json"});
  EXPECT_EQ(no_now.code, 2);
  EXPECT_NE(no_now.err.find("--now"), std::string::npos);
}

}  // namespace
}  // namespace perimeter::cli
