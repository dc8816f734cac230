// `perimeter preview` end to end through RunApp: the change types against the current inventory,
// the formats, and the exit codes of `perimeter analyze` (docs/previews.md).
#include "perimeter/cli/preview_command.h"

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/base/text.h"
#include "perimeter/json/document.h"
#include "tests/testing/cli_run.h"
#include "tests/testing/scoped_temp_dir.h"

namespace perimeter::cli {
namespace {

constexpr char kInventory[] =
    R"({"kind":"resource","resourceArn":"arn:aws:iam::111122223333:role/deploy","resourceOwnerAccount":"111122223333","configuration":{"iamRole":{"trustPolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::999988887777:root\"},\"Action\":\"sts:AssumeRole\"}]}"}}})"
    "\n";

// The role now trusts 444455556666 instead; a new queue is public; a new bucket has no policy.
constexpr char kChanges[] =
    R"({"resourceArn":"arn:aws:iam::111122223333:role/deploy","configuration":{"iamRole":{"trustPolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":\"sts:AssumeRole\"}]}"}}})"
    "\n"
    R"({"resourceArn":"arn:aws:sqs:us-east-1:111122223333:jobs","configuration":{"sqsQueue":{"queuePolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"arn:aws:sqs:us-east-1:111122223333:jobs\"}]}"}}})"
    "\n";

struct PreviewRunCase {
  std::string label;
  std::string changes;
  std::vector<std::string> extra_args;
  int code;
  std::string in_out;  // a part of standard output
  std::string in_err;  // a part of standard error
  friend void PrintTo(const PreviewRunCase& c, std::ostream* out) { *out << c.label; }
};

class PreviewCommandTest : public testing::TestWithParam<PreviewRunCase> {};

TEST_P(PreviewCommandTest, PrintsTheChangeTypes) {
  const PreviewRunCase& c = GetParam();
  perimeter_testing::ScopedTempDir dir;
  std::string inventory = (dir.path() / "inventory.jsonl").string();
  std::string changes = (dir.path() / "changes.jsonl").string();
  std::ofstream(inventory) << kInventory;
  std::ofstream(changes) << c.changes;
  std::vector<std::string> args = {"preview", inventory, "--proposed", changes};
  for (const std::string& arg : c.extra_args) {
    if (arg != "{RULES}") {
      args.push_back(arg);
      continue;
    }
    std::string rules = (dir.path() / "rules.json").string();
    std::ofstream(rules)
        << R"([{"ruleName":"partner","filter":{"principal.AWS":{"eq":["444455556666"]}}}])";
    args.push_back(rules);
  }
  perimeter_testing::CliRun run = perimeter_testing::RunPerimeter(args);
  EXPECT_EQ(run.code, c.code) << run.err;
  EXPECT_NE(run.out.find(c.in_out), std::string::npos) << run.out;
  EXPECT_NE(run.err.find(c.in_err), std::string::npos) << run.err;
}

INSTANTIATE_TEST_SUITE_P(
    Runs, PreviewCommandTest,
    testing::ValuesIn(std::vector<PreviewRunCase>{
        {"JsonListsNewAndChanged",
         kChanges,
         {"--format", "json"},
         1,
         R"("changeType": "CHANGED")",
         "2 proposed configurations, 3 preview findings, 2 active"},
        {"TableShowsTheStatusChange",
         kChanges,
         {"--format", "table"},
         1,
         "CHANGED   ACTIVE->RESOLVED",
         ""},
        {"CsvHasAHeader",
         kChanges,
         {"--format", "csv"},
         1,
         "changeType,status,existingFindingId",
         ""},
        {"UnchangedRoleOnlyIsClean",
         R"({"resourceArn":"arn:aws:sqs:us-east-1:111122223333:jobs","configuration":{"sqsQueue":{}}})"
         "\n",
         {"--format", "json"},
         0,
         R"("findings": [])",
         "0 active"},
        {"ArchiveRulesArchiveNewFindings",
         kChanges,
         {"--format", "json", "--archive-rules", "{RULES}"},
         1,
         R"("status": "ARCHIVED")",
         "3 preview findings, 1 active"},
        {"InvalidConfigurationIsBadInput",
         R"({"resourceArn":"arn:aws:sqs:us-east-1:111122223333:jobs","configuration":{"sqsQueue":{"queuePolicy":"{"}}})"
         "\n",
         {"--format", "json"},
         2,
         "",
         ":1: error: INVALID_CONFIGURATION"},
        {"UnreadableChangeLine",
         "not json\n",
         {"--format", "json"},
         2,
         "",
         ":1: error: not a JSON object"},
        {"SarifHasTheChangeTypes",
         kChanges,
         {"--format", "sarif"},
         1,
         "\"baselineState\": \"absent\"",
         ""},
        {"AsffHasTheChangeTypes",
         kChanges,
         {"--format", "asff"},
         1,
         "\"perimeter/changeType\": \"CHANGED\"",
         ""},
        {"UnknownFormat",
         kChanges,
         {"--format", "xml"},
         2,
         "",
         "use table, json, csv, sarif or asff"},
    }),
    [](const testing::TestParamInfo<PreviewRunCase>& info) { return info.param.label; });

// The member `key` of `value` as text ("-" when absent or not a string).
std::string Text(const json::Value& value, std::string_view key) {
  std::optional<json::Value> member = value.Find(key);
  return member && member->is_string() ? std::string(member->text()) : "-";
}

std::string RunFormat(std::string_view format) {
  perimeter_testing::ScopedTempDir dir;
  std::string inventory = (dir.path() / "inventory.jsonl").string();
  std::string changes = (dir.path() / "changes.jsonl").string();
  std::ofstream(inventory) << kInventory;
  std::ofstream(changes) << kChanges;
  perimeter_testing::CliRun run = perimeter_testing::RunPerimeter(
      {"preview", inventory, "--proposed", changes, "--format", std::string(format), "-q"});
  EXPECT_EQ(run.code, 1) << run.err;
  EXPECT_EQ(run.err, "");
  return run.out;
}

// SARIF: analyze's writer, each result located at its line of CHANGES, the comparison in its
// properties and in SARIF's baselineState; the resolved finding is a pass.
TEST(PreviewFormats, SarifResultsCarryTheComparison) {
  json::ParseResult parsed = json::Parse(RunFormat("sarif"));
  ASSERT_TRUE(parsed.ok());
  json::Value run = *parsed.document.root().Find("runs")->children().begin();
  std::vector<std::string> lines;
  for (json::Value result : run.Find("results")->children()) {
    json::Value properties = *result.Find("properties");
    json::Value location =
        *(*result.Find("locations")->children().begin()).Find("physicalLocation");
    json::Value region = *location.Find("region");
    lines.push_back(base::Concat(
        Text(result, "ruleId"), " ", Text(result, "kind"), " ", Text(result, "level"), " ",
        Text(result, "baselineState"), " ", Text(properties, "changeType"), " ",
        Text(properties, "existingFindingStatus"), "->", Text(properties, "status"), " ",
        (*properties.Find("principal")).Find("AWS")->text(), " line ",
        region.Find("startLine")->text(), ":", region.Find("startColumn")->text(), " ",
        Text(*location.Find("artifactLocation"), "uri").ends_with("changes.jsonl") ? "changes"
                                                                                   : "?",
        properties.Find("existingFindingId") ? " existing" : ""));
  }
  std::sort(lines.begin(), lines.end());
  // kind "pass" goes with level "none" (SARIF 2.1.0, 3.27.9).
  EXPECT_EQ(lines,
            (std::vector<std::string>{
                "perimeter/external-access - warning new NEW -->ACTIVE 444455556666 line 1:1 "
                "changes",
                "perimeter/external-access pass none absent CHANGED ACTIVE->RESOLVED "
                "999988887777 line 1:1 changes existing",
                "perimeter/public-access - error new NEW -->ACTIVE * line 2:1 changes",
            }));
}

// ASFF: analyze's writer; the comparison in ProductFields; the resolved finding RESOLVED and
// ARCHIVED; regions from the ARNs (IAM roles: us-east-1).
TEST(PreviewFormats, AsffFindingsCarryTheComparison) {
  json::ParseResult parsed = json::Parse(RunFormat("asff"));
  ASSERT_TRUE(parsed.ok());
  std::vector<std::string> lines;
  for (json::Value finding : parsed.document.root().Find("Findings")->children()) {
    json::Value fields = *finding.Find("ProductFields");
    lines.push_back(base::Concat(
        Text(fields, "perimeter/changeType"), " ", Text(fields, "perimeter/existingFindingStatus"),
        " ", Text(*finding.Find("Workflow"), "Status"), " ", Text(finding, "RecordState"), " ",
        Text(fields, "perimeter/principal"), " ", Text(finding, "ProductArn"), " ",
        Text(finding, "AwsAccountId"),
        fields.Find("perimeter/existingFindingId") ? " existing" : ""));
  }
  std::sort(lines.begin(), lines.end());
  EXPECT_EQ(
      lines,
      (std::vector<std::string>{
          "CHANGED ACTIVE RESOLVED ARCHIVED 999988887777 "
          "arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default 111122223333 "
          "existing",
          "NEW - NEW ACTIVE * "
          "arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default 111122223333",
          "NEW - NEW ACTIVE 444455556666 "
          "arn:aws:securityhub:us-east-1:111122223333:product/111122223333/default 111122223333",
      }));
}

}  // namespace
}  // namespace perimeter::cli
