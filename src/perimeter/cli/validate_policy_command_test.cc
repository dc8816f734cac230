// `perimeter validate-policy` end to end through RunApp: the three formats and the exit codes of
// docs/validate-policy.md.
#include "perimeter/cli/validate_policy_command.h"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "perimeter/json/document.h"
#include "perimeter/validation/finding_json.h"
#include "perimeter/validation/validate_policy.h"
#include "tests/testing/cli_run.h"
#include "tests/testing/scoped_temp_dir.h"

namespace perimeter::cli {
namespace {

using perimeter_testing::RunPerimeter;
using testing::HasSubstr;

// Line 4 holds an action that does not exist (an ERROR); no Version would be a WARNING.
const char kInvalidAction[] =
    "{\n"
    "  \"Version\": \"2012-10-17\",\n"
    "  \"Statement\": [{\"Effect\": \"Allow\", \"Resource\": \"*\",\n"
    "    \"Action\": \"s3:GetObjekt\"}]\n"
    "}\n";
const char kMissingVersion[] =
    R"({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]})";

std::string WritePolicy(const perimeter_testing::ScopedTempDir& dir, const std::string& text) {
  std::string path = (dir.path() / "policy.json").string();
  std::ofstream(path) << text;
  return path;
}

TEST(ValidatePolicyCommandTest, TableNamesFileLineAndColumnAndExitsOneOnAnError) {
  perimeter_testing::ScopedTempDir dir;
  std::string path = WritePolicy(dir, kInvalidAction);
  auto run = RunPerimeter({"validate-policy", path, "--policy-type", "IDENTITY_POLICY"});
  EXPECT_EQ(run.code, 1) << run.err;
  EXPECT_THAT(run.out, HasSubstr(path + ":4:15: ERROR INVALID_ACTION: "));
  EXPECT_THAT(run.out, HasSubstr("1 finding(s): 1 error(s)"));
}

TEST(ValidatePolicyCommandTest, WarningsDoNotBlockByDefault) {
  auto run =
      RunPerimeter({"validate-policy", "-", "--policy-type", "IDENTITY_POLICY"}, kMissingVersion);
  EXPECT_EQ(run.code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("<stdin>:1:1: WARNING MISSING_VERSION"));
  auto blocking = RunPerimeter({"validate-policy", "-", "--policy-type", "IDENTITY_POLICY",
                                "--treat-as-blocking", "WARNING"},
                               kMissingVersion);
  EXPECT_EQ(blocking.code, 1);
  auto none = RunPerimeter(
      {"validate-policy", "-", "--policy-type", "IDENTITY_POLICY", "--treat-as-blocking", "NONE"},
      kInvalidAction);
  EXPECT_EQ(none.code, 0);
}

TEST(ValidatePolicyCommandTest, JsonIsTheApiResponseBody) {
  auto run =
      RunPerimeter({"validate-policy", "-", "--policy-type", "IDENTITY_POLICY", "--format", "json"},
                   kInvalidAction);
  EXPECT_EQ(run.code, 1);
  std::vector<validation::ValidationFinding> findings =
      validation::ValidatePolicy(kInvalidAction, validation::PolicyType::kIdentityPolicy);
  EXPECT_EQ(run.out, validation::ValidatePolicyResponseJson(findings, std::nullopt) + "\n");
}

TEST(ValidatePolicyCommandTest, SarifPointsAtTheFileLineAndColumn) {
  perimeter_testing::ScopedTempDir dir;
  std::string path = WritePolicy(dir, kInvalidAction);
  auto run = RunPerimeter(
      {"validate-policy", path, "--policy-type", "IDENTITY_POLICY", "--format", "sarif"});
  EXPECT_EQ(run.code, 1);
  json::ParseResult sarif = json::Parse(run.out);
  ASSERT_TRUE(sarif.ok()) << run.out;
  json::Value result = *(*(*sarif.document.root().Find("runs")).children().begin())
                            .Find("results")
                            ->children()
                            .begin();
  EXPECT_EQ(result.Find("ruleId")->text(), "INVALID_ACTION");
  EXPECT_EQ(result.Find("level")->text(), "error");
  json::Value location = *result.Find("locations")->children().begin();
  json::Value physical = *location.Find("physicalLocation");
  EXPECT_EQ(physical.Find("artifactLocation")->Find("uri")->text(), path);
  json::Value region = *physical.Find("region");
  EXPECT_EQ(region.Find("startLine")->text(), "4");
  EXPECT_EQ(region.Find("startColumn")->text(), "15");
  EXPECT_EQ(region.Find("endColumn")->text(), "29");
}

TEST(ValidatePolicyCommandTest, UnusableInputExitsTwo) {
  EXPECT_EQ(RunPerimeter({"validate-policy", "-", "--policy-type", "IDENTITY"}, "{}").code, 2);
  EXPECT_EQ(RunPerimeter({"validate-policy", "-", "--policy-type", "RESOURCE_POLICY",
                          "--resource-type", "AWS::S3::Bukket"},
                         "{}")
                .code,
            2);
  EXPECT_EQ(RunPerimeter({"validate-policy", "-", "--policy-type", "IDENTITY_POLICY",
                          "--treat-as-blocking", "FATAL"},
                         "{}")
                .code,
            2);
  perimeter_testing::ScopedTempDir dir;
  EXPECT_EQ(RunPerimeter({"validate-policy", (dir.path() / "absent.json").string(), "--policy-type",
                          "IDENTITY_POLICY"})
                .code,
            2);
  // Not JSON: a finding, as the API reports it, so a blocking ERROR.
  auto not_json = RunPerimeter({"validate-policy", "-", "--policy-type", "IDENTITY_POLICY"}, "{");
  EXPECT_EQ(not_json.code, 1);
  EXPECT_THAT(not_json.out, HasSubstr("JSON_SYNTAX_ERROR"));
}

}  // namespace
}  // namespace perimeter::cli
