// `perimeter preview` end to end through RunApp: the change types against the current inventory,
// the formats, and the exit codes of `perimeter analyze` (docs/previews.md).
#include "perimeter/cli/preview_command.h"

#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
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
        {"SarifIsNotAvailable", kChanges, {"--format", "sarif"}, 2, "", "not available"},
    }),
    [](const testing::TestParamInfo<PreviewRunCase>& info) { return info.param.label; });

}  // namespace
}  // namespace perimeter::cli
