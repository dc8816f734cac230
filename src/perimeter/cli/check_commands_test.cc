// The custom policy check commands end to end through RunApp: AWS's response shape on standard
// output, positioned errors on standard error, and the exit codes of docs/analyze.md.
#include "perimeter/cli/check_commands.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/cli/app.h"
#include "perimeter/json/document.h"
#include "tests/testing/cli_run.h"
#include "tests/testing/scoped_temp_dir.h"

namespace perimeter::cli {
namespace {

using CommandRun = perimeter_testing::CliRun;

CommandRun Perimeter(std::vector<std::string> args, const std::string& stdin_text = "") {
  return perimeter_testing::RunPerimeter(std::move(args), stdin_text);
}

// The directory this test process writes its files in, removed when the tests end (tests/testing/).
const std::filesystem::path& ScratchDirectory() { return perimeter_testing::ProcessScratchDir(); }

std::string WriteFile(const std::string& name, const std::string& text) {
  std::string test = testing::UnitTest::GetInstance()->current_test_info()->name();
  std::replace(test.begin(), test.end(), '/', '_');  // "Name/0" for a parameterized test
  std::string path = (ScratchDirectory() / (test + "-" + name)).string();
  std::ofstream(path) << text;
  return path;
}

// The AWS CLI's example for check-no-new-access
// (awscli/examples/accessanalyzer/check-no-new-access.rst).
constexpr char kExisting[] = R"({
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::DOC-EXAMPLE-BUCKET", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"]
        }
    ]
})";
constexpr char kNew[] = R"({
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:GetObjectAcl", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::DOC-EXAMPLE-BUCKET", "arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"]
        }
    ]
})";

TEST(CheckNoNewAccessCommand, AwsCliExampleFails) {
  std::string existing = WriteFile("existing-policy.json", kExisting);
  std::string updated = WriteFile("new-policy.json", kNew);
  CommandRun run =
      Perimeter({"check-no-new-access", "--existing-policy-document", existing,
                 "--new-policy-document", updated, "--policy-type", "IDENTITY_POLICY"});
  EXPECT_EQ(run.code, kExitFindings) << run.err;
  EXPECT_EQ(run.out,
            "{\n"
            "  \"result\": \"FAIL\",\n"
            "  \"message\": \"The modified permissions grant new access compared to your existing "
            "policy.\",\n"
            "  \"reasons\": [\n"
            "    {\n"
            "      \"description\": \"New access in the statement with index: 0.\",\n"
            "      \"statementIndex\": 0\n"
            "    }\n"
            "  ]\n"
            "}\n");
}

TEST(CheckNoNewAccessCommand, ReverseDirectionPasses) {
  std::string existing = WriteFile("existing-policy.json", kExisting);
  std::string updated = WriteFile("new-policy.json", kNew);
  // The old policy read from standard input, compared against the wider one: nothing new.
  CommandRun run =
      Perimeter({"check-no-new-access", "--new-policy-document", "-", "--existing-policy-document",
                 updated, "--policy-type", "IDENTITY_POLICY"},
                kExisting);
  EXPECT_EQ(run.code, kExitOk) << run.err;
  json::ParseResult result = json::Parse(run.out);
  ASSERT_TRUE(result.ok()) << run.out;
  EXPECT_EQ(result.document.root().Find("result")->text(), "PASS");
  EXPECT_EQ(result.document.root().Find("reasons")->size(), 0u);
  (void)existing;
}

TEST(CheckNoNewAccessCommand, ResourcePolicyNamesTheStatementBySid) {
  std::string existing = WriteFile(
      "queue-existing.json",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sqs:SendMessage","Resource":"*"}]})");
  std::string updated = WriteFile(
      "queue-new.json",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sqs:SendMessage","Resource":"*"},
          {"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sqs:SendMessage","Resource":"*"}]})");
  CommandRun run =
      Perimeter({"check-no-new-access", "--new-policy-document", updated,
                 "--existing-policy-document", existing, "--policy-type", "RESOURCE_POLICY"});
  EXPECT_EQ(run.code, kExitFindings) << run.err;
  json::ParseResult result = json::Parse(run.out);
  ASSERT_TRUE(result.ok()) << run.out;
  json::Value reason = *result.document.root().Find("reasons")->children().begin();
  EXPECT_EQ(reason.Find("description")->text(), "New access in the statement with sid: Partner.");
  EXPECT_EQ(reason.Find("statementIndex")->text(), "1");
  EXPECT_EQ(reason.Find("statementId")->text(), "Partner");
}

TEST(CheckNoNewAccessCommand, BadInputIsExitTwoWithPositions) {
  std::string existing = WriteFile("existing-policy.json", kExisting);
  std::string broken = WriteFile("broken.json",
                                 "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    "
                                 "{\"Effect\": \"Allow\",}\n  ]\n}\n");
  CommandRun bad_json =
      Perimeter({"check-no-new-access", "--new-policy-document", broken,
                 "--existing-policy-document", existing, "--policy-type", "IDENTITY_POLICY"});
  EXPECT_EQ(bad_json.code, kExitBadInput);
  EXPECT_TRUE(bad_json.out.empty());
  EXPECT_NE(bad_json.err.find(broken + ":4:"), std::string::npos) << bad_json.err;

  // A resource policy without Principal read as one: the position of the statement.
  CommandRun wrong_kind =
      Perimeter({"check-no-new-access", "--new-policy-document", existing,
                 "--existing-policy-document", existing, "--policy-type", "RESOURCE_POLICY"});
  EXPECT_EQ(wrong_kind.code, kExitBadInput);
  EXPECT_NE(wrong_kind.err.find(existing + ":"), std::string::npos) << wrong_kind.err;

  CommandRun type =
      Perimeter({"check-no-new-access", "--new-policy-document", existing,
                 "--existing-policy-document", existing, "--policy-type", "MANAGED_POLICY"});
  EXPECT_EQ(type.code, kExitBadInput);

  CommandRun both_stdin =
      Perimeter({"check-no-new-access", "--new-policy-document", "-", "--existing-policy-document",
                 "-", "--policy-type", "IDENTITY_POLICY"});
  EXPECT_EQ(both_stdin.code, kExitBadInput);

  CommandRun missing = Perimeter(
      {"check-no-new-access", "--new-policy-document", existing, "--existing-policy-document",
       (ScratchDirectory() / "no-such-file.json").string(), "--policy-type", "IDENTITY_POLICY"});
  EXPECT_EQ(missing.code, kExitBadInput);

  CommandRun no_type = Perimeter({"check-no-new-access", "--new-policy-document", existing,
                                  "--existing-policy-document", existing});
  EXPECT_EQ(no_type.code, kExitBadInput);
}

// --access is read by the API's request model (analysis/policy_check_request.h): the same limits
// and wording as CheckAccessNotGranted's ValidationException
// (ServiceTest.CheckAccessNotGrantedLimits).
TEST(CheckAccessNotGrantedCommand, AccessHasTheApisLimitsAndWording) {
  std::string policy = WriteFile("identity.json", kExisting);
  std::string hundred_and_one = "[";
  for (int i = 0; i <= 100; ++i)
    hundred_and_one += (i ? ",\"s3:Get" : "\"s3:Get") + std::to_string(i) + "\"";
  hundred_and_one += "]";
  struct Case {
    std::string access;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {"{\"actions\":" + hundred_and_one + ",\"resources\":[\"arn:aws:s3:::b/*\"]}",
            "error: --access: access.actions: Member must be a list of at most 100 strings\n"},
           {"{}", "error: --access: access: Member must name at least one action or resource\n"},
           {R"([{"actions":["a:b"]},{"actions":["c:d"]}])",
            "error: --access: access: Member must be a list of at most 1 access\n"},
           {R"({"actions":["s3:GetObject",7]})",
            "error: --access: access.actions: Member must hold strings\n"}}) {
    CommandRun run = Perimeter({"check-access-not-granted", "--policy-document", policy, "--access",
                                c.access, "--policy-type", "IDENTITY_POLICY"});
    EXPECT_EQ(run.code, kExitBadInput) << c.access;
    EXPECT_EQ(run.err, c.message) << c.access;
  }
  // AWS's own list form is read too.
  CommandRun list =
      Perimeter({"check-access-not-granted", "--policy-document", policy, "--access",
                 R"([{"actions":["s3:GetObject"]}])", "--policy-type", "IDENTITY_POLICY"});
  EXPECT_NE(list.code, kExitBadInput) << list.err;
}

// check-no-public-access decides every type of AWS's AccessCheckResourceType, including those
// Perimeter does not analyze for findings (issue #16): a public OpenSearch domain policy fails, the
// same policy limited to an organization passes.
TEST(CheckNoPublicAccessCommand, DecidesTypesNotAnalyzedForFindings) {
  std::string open = WriteFile("open.json", R"({"Version":"2012-10-17","Statement":[{"Sid":"Open",
    "Effect":"Allow","Principal":{"AWS":"*"},"Action":"es:ESHttpGet",
    "Resource":"arn:aws:es:us-east-1:111122223333:domain/logs/*"}]})");
  CommandRun failed = Perimeter({"check-no-public-access", "--resource-type",
                                 "AWS::OpenSearchService::Domain", "--policy-document", open});
  EXPECT_EQ(failed.code, kExitFindings) << failed.err;
  EXPECT_NE(failed.out.find("\"result\": \"FAIL\""), std::string::npos) << failed.out;
  std::string org = WriteFile("org.json", R"({"Version":"2012-10-17","Statement":[{
    "Effect":"Allow","Principal":{"AWS":"*"},"Action":"es:ESHttpGet",
    "Resource":"arn:aws:es:us-east-1:111122223333:domain/logs/*",
    "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1234567890"}}}]})");
  CommandRun passed = Perimeter({"check-no-public-access", "--resource-type",
                                 "AWS::OpenSearchService::Domain", "--policy-document", org});
  EXPECT_EQ(passed.code, kExitOk) << passed.err;
  EXPECT_NE(passed.out.find("\"result\": \"PASS\""), std::string::npos) << passed.out;
}

}  // namespace
}  // namespace perimeter::cli
