// `perimeter analyze --analyzer-type *_INTERNAL_ACCESS` end to end through RunApp: the zone
// options, the analysis rule, the formats and the exit codes (docs/internal-access.md).
#include "perimeter/cli/internal_access_command.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/report/internal_access_formats.h"
#include "tests/testing/cli_run.h"

namespace perimeter::cli {
namespace {

std::string Sample(std::string_view name) {
  return std::string(PERIMETER_SOURCE_DIR) + "/samples/organization/" + std::string(name);
}

struct InternalRunCase {
  std::string label;
  std::vector<std::string> args;  // after "analyze SAMPLE"
  int code;
  std::string in_out;  // a part of standard output
  std::string in_err;  // a part of standard error
  friend void PrintTo(const InternalRunCase& c, std::ostream* out) { *out << c.label; }
};

class InternalAccessCommandTest : public testing::TestWithParam<InternalRunCase> {};

TEST_P(InternalAccessCommandTest, Runs) {
  const InternalRunCase& c = GetParam();
  std::vector<std::string> args = {"analyze", Sample("inventory.jsonl")};
  for (const std::string& arg : c.args)
    args.push_back(arg == "{RULE}" ? Sample("internal-access-rule.json") : arg);
  perimeter_testing::CliRun run = perimeter_testing::RunPerimeter(args);
  EXPECT_EQ(run.code, c.code) << run.err;
  EXPECT_NE(run.out.find(c.in_out), std::string::npos) << run.out;
  EXPECT_NE(run.err.find(c.in_err), std::string::npos) << run.err;
}

INSTANTIATE_TEST_SUITE_P(
    Runs, InternalAccessCommandTest,
    testing::ValuesIn(std::vector<InternalRunCase>{
        // The SCP of the workloads OU keeps s3:DeleteObject from the CI role of 555566667777. The
        // two errors: requests through the access points of the data lake and the directory
        // bucket (not analyzed yet).
        {"OrganizationTable",
         {"--analyzer-type", "ORGANIZATION_INTERNAL_ACCESS", "--internal-access-rule", "{RULE}",
          "--format", "table"},
         1,
         "INTRA_ORG  arn:aws:s3:::example-prod-exports  arn:aws:iam::555566667777:role/analytics  "
         "s3:GetObject\n",
         "(2 errors)"},
        {"AccountJson",
         {"--analyzer-type", "ACCOUNT_INTERNAL_ACCESS", "--zone-account", "444455556666",
          "--format", "json"},
         1,
         R"("serviceControlPolicyRestriction":"APPLICABLE")",
         "(2 errors)"},  // requests through the two access points, not analyzed yet
        {"AccountNeedsTheAccount",
         {"--analyzer-type", "ACCOUNT_INTERNAL_ACCESS"},
         2,
         "",
         "needs --zone-account"},
        {"UnknownType",
         {"--analyzer-type", "ORGANIZATION_UNUSED"},
         2,
         "",
         "unknown --analyzer-type"},
        {"RuleNeedsInternalType",
         {"--internal-access-rule", "{RULE}"},
         2,
         "",
         "--internal-access-rule needs"},
        {"Sarif",
         {"--analyzer-type", "ORGANIZATION_INTERNAL_ACCESS", "--internal-access-rule", "{RULE}",
          "--format", "sarif"},
         1,
         R"("ruleId": "perimeter/internal-access")",
         "(2 errors)"},
        {"SarifErrorFinding",
         {"--analyzer-type", "ACCOUNT_INTERNAL_ACCESS", "--zone-account", "444455556666",
          "--format", "sarif"},
         1,
         R"("ruleId": "perimeter/analysis-error")",
         ""},
        {"Csv",
         {"--analyzer-type", "ORGANIZATION_INTERNAL_ACCESS", "--internal-access-rule", "{RULE}",
          "--format", "csv"},
         1,
         "arn:aws:s3:::example-prod-exports,444455556666,arn:aws:iam::555566667777:role/analytics,"
         "555566667777,IAM_ROLE,INTRA_ORG,",
         "(2 errors)"},
        {"AsffNotAvailable",
         {"--analyzer-type", "ORGANIZATION_INTERNAL_ACCESS", "--format", "asff"},
         2,
         "",
         "not available for internal access"},
    }),
    [](const testing::TestParamInfo<InternalRunCase>& info) { return info.param.label; });

// CSV fields a spreadsheet would run as formulas stay text, as in the external-access CSV.
TEST(InternalAccessCsvTest, FieldsAreFormulaSafe) {
  findings::InternalAccessFinding f;
  f.id = "id";
  f.resource = "=HYPERLINK(\"x\")";
  f.principal = {{"AWS", "arn:aws:iam::111111111111:role/r"}};
  f.actions = {"s3:GetObject", "s3:PutObject"};
  f.condition = {{"aws:SourceVpc", "vpc-1"}};
  f.sources = {findings::FindingSource{}};
  std::string csv = report::RenderInternalAccessCsv(std::vector{f});
  EXPECT_NE(csv.find(",\"'=HYPERLINK(\"\"x\"\")\","), std::string::npos) << csv;
  EXPECT_NE(csv.find(",s3:GetObject s3:PutObject,aws:SourceVpc=vpc-1,POLICY,"), std::string::npos)
      << csv;
}

TEST(InternalAccessCommandTest, ScpDenyIsApplied) {
  perimeter_testing::CliRun run = perimeter_testing::RunPerimeter(
      {"analyze", Sample("inventory.jsonl"), "--analyzer-type", "ORGANIZATION_INTERNAL_ACCESS",
       "--internal-access-rule", Sample("internal-access-rule.json"), "--format", "json"});
  ASSERT_EQ(run.code, 1) << run.err;
  EXPECT_NE(run.out.find("role/ci"), std::string::npos);
  EXPECT_EQ(run.out.find("\"s3:DeleteObject\""), std::string::npos);
}

}  // namespace
}  // namespace perimeter::cli
