// `perimeter analyze` end to end on converted inputs: RunApp on a CloudFormation template and a
// Terraform plan, checking that SARIF annotates the policy's line in the source file and that the exit
// codes follow docs/analyze.md.
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "perimeter/cli/app.h"

namespace perimeter::cli {
namespace {

struct CommandRun {
  int code = 0;
  std::string out, err;
};

CommandRun Perimeter(std::vector<std::string> args) {
  args.insert(args.begin(), "perimeter");
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  std::istringstream in;
  std::ostringstream out, err;
  CommandRun run;
  run.code = RunApp(static_cast<int>(argv.size()), argv.data(), in, out, err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

std::string Sample(const char* name) { return std::string(PERIMETER_SOURCE_DIR) + "/tests/cases/ingest/" + name; }

TEST(AnalyzeIngest, SarifPointsAtThePolicyInTheTemplate) {
  CommandRun run = Perimeter({"analyze", Sample("cloudformation.yaml"), "--format", "sarif", "--account-id", "123456789012",
                       "--region", "us-east-1", "-q"});
  EXPECT_EQ(run.code, kExitFindings) << run.err;
  nlohmann::json sarif = nlohmann::json::parse(run.out);
  bool found = false;
  for (const nlohmann::json& result : sarif["runs"][0]["results"]) {
    const nlohmann::json& location = result["locations"][0]["physicalLocation"];
    EXPECT_EQ(location["artifactLocation"]["uri"], Sample("cloudformation.yaml"));
    if (result["ruleId"] == "perimeter/public-access" && location["region"]["startLine"] == 17) {
      EXPECT_EQ(location["region"]["startColumn"], 9);  // the bucket policy document, under PolicyDocument:
      found = true;
    }
  }
  EXPECT_TRUE(found) << run.out;
  EXPECT_NE(run.err.find("000000000001"), std::string::npos) << run.err;  // the unknown TrustedAccount
}

TEST(AnalyzeIngest, InputFormatsAndExitCodes) {
  // A plan with a policy known only after apply: its findings are reported, and the run says the input
  // was not all readable.
  CommandRun plan = Perimeter({"analyze", Sample("terraform_plan.json"), "--format", "json", "-q"});
  EXPECT_EQ(plan.code, kExitBadInput);
  EXPECT_NE(plan.err.find("terraform_plan.json:325:5"), std::string::npos) << plan.err;
  nlohmann::json report = nlohmann::json::parse(plan.out);
  EXPECT_EQ(report["summary"]["resources"], 9);

  CommandRun forced = Perimeter({"analyze", Sample("config_snapshot.json"), "--input-format", "config", "--format", "json",
                          "-q"});
  EXPECT_EQ(forced.code, kExitFindings) << forced.err;

  CommandRun wrong = Perimeter({"analyze", Sample("config_snapshot.json"), "--input-format", "yaml", "-q"});
  EXPECT_EQ(wrong.code, kExitBadInput);

  CommandRun reserved = Perimeter({"analyze", Sample("cloudformation.yaml"), "--zone-account", "000000000001", "-q"});
  EXPECT_EQ(reserved.code, kExitBadInput);

  CommandRun parameter = Perimeter({"analyze", Sample("cloudformation.yaml"), "--parameter", "novalue", "-q"});
  EXPECT_EQ(parameter.code, kExitBadInput);
}

}  // namespace
}  // namespace perimeter::cli
