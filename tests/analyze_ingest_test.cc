// `perimeter analyze` end to end on converted inputs: RunApp on a CloudFormation template and a
// Terraform plan, checking that SARIF annotates the policy's line in the source file and that the
// exit codes follow docs/analyze.md.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/base/text.h"
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

std::string Sample(const char* name) {
  return std::string(PERIMETER_SOURCE_DIR) + "/tests/cases/ingest/" + name;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The directory this test process writes its files in, removed when the tests end (tests/testing/).
const std::filesystem::path& ScratchDirectory() { return perimeter_testing::ProcessScratchDir(); }

std::string WriteTemp(const std::string& name, const std::string& text) {
  std::string path = (ScratchDirectory() / name).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// The 1-based line and column of byte `offset` of `text`.
std::pair<int, int> LineColumn(const std::string& text, size_t offset) {
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, static_cast<int>(offset - line_start) + 1};
}

// Reading the reports with json::Document: Get(value, "key") and Get(value, index) give a null
// value when the member or element is missing, so a path reads in one expression and a wrong shape
// fails the comparison instead of crashing.
const json::Value& Null() {
  static const json::Document* const document = new json::Document(json::Parse("null").document);
  static const json::Value value = document->root();
  return value;
}
json::Value Get(const json::Value& value, std::string_view key) {
  if (!value.is_object()) return Null();
  return value.Find(key).value_or(Null());
}
json::Value Get(const json::Value& value, size_t index) {
  if (!value.is_array() || index >= value.size()) return Null();
  return *std::next(value.children().begin(), static_cast<std::ptrdiff_t>(index));
}
std::string Text(const json::Value& value) {
  return value.is_string() || value.is_number() ? std::string(value.text()) : std::string();
}
int Int(const json::Value& value) {
  return value.is_number() ? std::stoi(std::string(value.text())) : -1;
}
std::pair<int, int> LineColumnOf(const json::Value& statement) {
  return {Int(Get(statement, "line")), Int(Get(statement, "column"))};
}
// The parsed output; a parse failure fails the test and gives the document `null`.
json::Document ParseOutput(const std::string& text) {
  json::ParseResult parsed = json::Parse(text);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.issues[0].message) << "\n" << text;
  if (!parsed.ok()) return json::Parse("null").document;
  return std::move(parsed.document);
}

// The SARIF region of the first result with `rule`, as (startLine, startColumn); (0, 0) when none.
std::pair<int, int> SarifRegion(const std::string& sarif_text, std::string_view rule) {
  json::Document sarif = ParseOutput(sarif_text);
  for (json::Value result : Get(Get(Get(sarif.root(), "runs"), 0), "results").children()) {
    if (Text(Get(result, "ruleId")) != rule) continue;
    json::Value region = Get(Get(Get(Get(result, "locations"), 0), "physicalLocation"), "region");
    return {Int(Get(region, "startLine")), Int(Get(region, "startColumn"))};
  }
  return {0, 0};
}

// An inventory (a JSON array over several lines) whose bucket policy is a JSON string: statement 1
// (escapes before statement 2 shift the raw text: \u00e9, \/, \") grants nothing outside the zone,
// statement 2 makes the bucket public. The result points at statement 2's `{` in the file.
TEST(AnalyzeIngest, SarifPointsAtTheGrantingStatementOfAStringPolicy) {
  const std::string policy =
      R"({\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Own\u00e9r\",\"Effect\":\"Allow\",)"
      R"(\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:root\"},\"Action\":\"s3:*\",)"
      R"(\"Resource\":\"arn:aws:s3:::sarif-bucket\/*\"}, {\"Sid\":\"Public\",\"Effect\":\"Allow\",)"
      R"(\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::sarif-bucket/*\"}]})";
  const std::string text = std::string(R"([
  {"kind": "account", "accountId": "123456789012"},
  {
    "kind": "resource",
    "resourceArn": "arn:aws:s3:::sarif-bucket",
    "resourceOwnerAccount": "123456789012",
    "region": "us-east-1",
    "configuration": {"s3Bucket": {
        "bucketPolicy": ")") +
                           policy + R"("}}
  }
]
)";
  std::string path = WriteTemp("sarif_string_policy.json", text);
  size_t at = text.find(R"({\"Sid\":\"Public\")");
  ASSERT_NE(at, std::string::npos);
  CommandRun run =
      Perimeter({"analyze", path, "--format", "sarif", "--zone-account", "123456789012", "-q"});
  EXPECT_EQ(run.code, kExitFindings) << run.err;
  EXPECT_EQ(SarifRegion(run.out, "perimeter/public-access"), LineColumn(text, at)) << run.out;

  // The JSON report's explanation carries the same place.
  CommandRun json =
      Perimeter({"analyze", path, "--format", "json", "--zone-account", "123456789012", "-q"});
  json::Document report = ParseOutput(json.out);
  ASSERT_EQ(Get(report.root(), "findings").size(), 1u) << json.out;
  json::Value statement = Get(Get(Get(Get(report.root(), "findings"), 0), "explanation"), 0);
  EXPECT_EQ(Int(Get(statement, "statementIndex")), 1);
  EXPECT_EQ(LineColumnOf(statement), LineColumn(text, at));
}

// The same policy as a JSON object in a JSON Lines inventory (positions through the record's line).
TEST(AnalyzeIngest, SarifPointsAtTheGrantingStatementOfAnObjectPolicy) {
  const std::string text =
      "{\"kind\": \"account\", \"accountId\": \"123456789012\"}\n"
      R"({"kind": "resource", "resourceArn": "arn:aws:sqs:us-east-1:123456789012:q", "resourceOwnerAccount": "123456789012", )"
      R"("region": "us-east-1", "configuration": {"sqsQueue": {"queuePolicy": {"Version": "2012-10-17", "Statement": [)"
      R"({"Sid": "Own", "Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sqs:*", "Resource": "*"},  )"
      R"({"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}]}}}})"
      "\n";
  std::string path = WriteTemp("sarif_object_policy.jsonl", text);
  size_t at = text.find(R"({"Sid": "Public")");
  CommandRun run =
      Perimeter({"analyze", path, "--format", "sarif", "--zone-account", "123456789012", "-q"});
  EXPECT_EQ(run.code, kExitFindings) << run.err;
  EXPECT_EQ(SarifRegion(run.out, "perimeter/public-access"), LineColumn(text, at)) << run.out;
}

// A Terraform plan's policy is a JSON string: the result points into it, at the statement's `{`.
TEST(AnalyzeIngest, SarifPointsAtTheGrantingStatementInATerraformPlan) {
  const std::string text = ReadFile(Sample("terraform_plan.json"));
  size_t at = text.find(R"({\"Sid\": \"AllowCrossAccount\")");
  ASSERT_NE(at, std::string::npos);
  CommandRun run = Perimeter({"analyze", Sample("terraform_plan.json"), "--format", "sarif", "-q"});
  json::Document sarif = ParseOutput(run.out);
  bool found = false;
  for (json::Value result : Get(Get(Get(sarif.root(), "runs"), 0), "results").children()) {
    json::Value location = Get(Get(result, "locations"), 0);
    if (Text(Get(Get(Get(location, "logicalLocations"), 0), "fullyQualifiedName")) !=
        "arn:aws:s3:::my-tf-test-bucket") {
      continue;
    }
    json::Value region = Get(Get(location, "physicalLocation"), "region");
    EXPECT_EQ(std::make_pair(Int(Get(region, "startLine")), Int(Get(region, "startColumn"))),
              LineColumn(text, at));
    found = true;
  }
  EXPECT_TRUE(found) << run.out;
}

// An AWS Config item's bucket policy (supplementaryConfiguration.BucketPolicy.policyText, a JSON
// string): the result points into it, at the statement's `{`; the ACL's result at its own member.
TEST(AnalyzeIngest, SarifPointsAtTheGrantingStatementInAConfigPolicyText) {
  const std::string text = ReadFile(Sample("config_snapshot.json"));
  const size_t at = text.find(R"({\"Sid\": \"PublicRead\")");
  ASSERT_NE(at, std::string::npos);
  CommandRun run = Perimeter({"analyze", Sample("config_snapshot.json"), "--format", "json", "-q"});
  json::Document report = ParseOutput(run.out);
  bool found = false;
  for (json::Value finding : Get(report.root(), "findings").children()) {
    for (json::Value statement : Get(finding, "explanation").children()) {
      if (Text(Get(statement, "policy")) != "bucketPolicy") continue;
      EXPECT_EQ(LineColumnOf(statement), LineColumn(text, at));
      found = true;
    }
  }
  EXPECT_TRUE(found) << run.out;
}

// The same with the supplementary configuration given as a string that holds JSON (as the Config
// API returns it): the policy text is escaped twice, and the result still points at the statement's
// `{`.
TEST(AnalyzeIngest, SarifPointsAtTheGrantingStatementInAPolicyEscapedTwice) {
  const std::string text =
      R"({"fileVersion": "1.0", "configurationItems": [{"resourceType": "AWS::S3::Bucket",
  "resourceId": "twice", "ARN": "arn:aws:s3:::twice", "awsAccountId": "123456789012", "awsRegion": "us-east-2",
  "configuration": {"name": "twice"},
  "supplementaryConfiguration": {"BucketPolicy": "{\"policyText\": \"{\\\"Version\\\": \\\"2012-10-17\\\", \\\"Statement\\\": [{\\\"Sid\\\": \\\"PublicRead\\\", \\\"Effect\\\": \\\"Allow\\\", \\\"Principal\\\": \\\"*\\\", \\\"Action\\\": \\\"s3:GetObject\\\", \\\"Resource\\\": \\\"arn:aws:s3:::twice/*\\\"}]}\"}"}}]}
)";
  std::string path = WriteTemp("config_twice.json", text);
  const size_t at = text.find(R"({\\\"Sid)");
  ASSERT_NE(at, std::string::npos);
  CommandRun run =
      Perimeter({"analyze", path, "--format", "json", "--zone-account", "123456789012", "-q"});
  EXPECT_EQ(run.code, kExitFindings) << run.err;
  json::Document report = ParseOutput(run.out);
  ASSERT_EQ(Get(report.root(), "findings").size(), 1u) << run.out;
  json::Value statement = Get(Get(Get(Get(report.root(), "findings"), 0), "explanation"), 0);
  EXPECT_EQ(LineColumnOf(statement), LineColumn(text, at));
}

// A JSON template whose PolicyDocument is a JSON string: the result points into the string, at the
// granting statement's `{` (escapes counted as written).
TEST(AnalyzeIngest, SarifPointsAtTheGrantingStatementOfAStringPolicyInAJsonTemplate) {
  const std::string text = R"({"Resources": {
  "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "strings"}},
  "QueuePolicy": {"Type": "AWS::SQS::QueuePolicy", "Properties": {"Queues": [{"Ref": "Queue"}],
    "PolicyDocument": "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"Own\", \"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"123456789012\"}, \"Action\": \"sqs:*\", \"Resource\": \"*\"}, {\"Sid\": \"Anyone\", \"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"sqs:SendMessage\", \"Resource\": \"*\"}]}"}}
}}
)";
  std::string path = WriteTemp("string_policy_template.json", text);
  const size_t at = text.find(R"({\"Sid\": \"Anyone\")");
  ASSERT_NE(at, std::string::npos);
  CommandRun run =
      Perimeter({"analyze", path, "--input-format", "cloudformation", "--format", "json",
                 "--account-id", "123456789012", "--region", "us-east-1", "-q"});
  json::Document report = ParseOutput(run.out);
  ASSERT_EQ(Get(report.root(), "findings").size(), 1u) << run.out << run.err;
  json::Value statement = Get(Get(Get(Get(report.root(), "findings"), 0), "explanation"), 0);
  EXPECT_EQ(Int(Get(statement, "statementIndex")), 1);
  EXPECT_EQ(LineColumnOf(statement), LineColumn(text, at));
}

// A YAML template whose policies are JSON strings: a literal block scalar (`|`) and a double-quoted
// scalar. Each result points at the granting statement's `{` in the template.
TEST(AnalyzeIngest, SarifPointsAtTheGrantingStatementOfStringPoliciesInAYamlTemplate) {
  const std::string text = R"(Resources:
  Queue:
    Type: AWS::SQS::Queue
  QueuePolicy:
    Type: AWS::SQS::QueuePolicy
    Properties:
      Queues: [!Ref Queue]
      PolicyDocument: |
        {"Version": "2012-10-17",
         "Statement": [{"Sid": "Own", "Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sqs:*", "Resource": "*"},
                       {"Sid": "AnyoneSends", "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}]}
  Topic:
    Type: AWS::SNS::Topic
  TopicPolicy:
    Type: AWS::SNS::TopicPolicy
    Properties:
      Topics: [!Ref Topic]
      PolicyDocument: "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"AnyonePublishes\", \"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"sns:Publish\", \"Resource\": \"*\"}]}"
)";
  std::string path = WriteTemp("string_policies_template.yaml", text);
  CommandRun run =
      Perimeter({"analyze", path, "--input-format", "cloudformation", "--format", "json",
                 "--account-id", "123456789012", "--region", "us-east-1", "-q"});
  json::Document report = ParseOutput(run.out);
  ASSERT_EQ(Get(report.root(), "findings").size(), 2u) << run.out << run.err;
  std::map<std::string, std::pair<int, int>> found;
  for (json::Value finding : Get(report.root(), "findings").children()) {
    json::Value statement = Get(Get(finding, "explanation"), 0);
    found[Text(Get(statement, "statementId"))] = LineColumnOf(statement);
  }
  EXPECT_EQ(found["AnyoneSends"], LineColumn(text, text.find(R"({"Sid": "AnyoneSends")")));
  EXPECT_EQ(found["AnyonePublishes"],
            LineColumn(text, text.find(R"({\"Sid\": \"AnyonePublishes\")")));
}

// A template's policy is a YAML mapping: the result points at the granting element of its Statement
// (the statement's first key, `- Action:` of the bucket policy).
TEST(AnalyzeIngest, SarifPointsAtTheGrantingStatementInTheTemplate) {
  const std::string text = ReadFile(Sample("cloudformation.yaml"));
  const size_t policy = text.find("PolicyDocument:", text.find("SampleBucketPolicy:"));
  const size_t statement = text.find("Action:", text.find("Statement:", policy));
  ASSERT_NE(statement, std::string::npos);
  const auto [line, column] = LineColumn(text, statement);
  CommandRun run = Perimeter({"analyze", Sample("cloudformation.yaml"), "--format", "sarif",
                              "--account-id", "123456789012", "--region", "us-east-1", "-q"});
  EXPECT_EQ(run.code, kExitFindings) << run.err;
  json::Document sarif = ParseOutput(run.out);
  bool found = false;
  for (json::Value result : Get(Get(Get(sarif.root(), "runs"), 0), "results").children()) {
    json::Value location = Get(Get(Get(result, "locations"), 0), "physicalLocation");
    EXPECT_EQ(Text(Get(Get(location, "artifactLocation"), "uri")), Sample("cloudformation.yaml"));
    if (Text(Get(result, "ruleId")) == "perimeter/public-access" &&
        Text(Get(Get(Get(Get(Get(result, "locations"), 0), "logicalLocations"), 0),
                 "fullyQualifiedName")) == "arn:aws:s3:::amzn-s3-demo-bucket") {
      EXPECT_EQ(Int(Get(Get(location, "region"), "startLine")), line);
      EXPECT_EQ(Int(Get(Get(location, "region"), "startColumn")), column);
      found = true;
    }
  }
  EXPECT_TRUE(found) << run.out;
  EXPECT_NE(run.err.find("000000000001"), std::string::npos)
      << run.err;  // the unknown TrustedAccount
}

// A JSON template: the result points at the `{` of the granting Statement element.
TEST(AnalyzeIngest, SarifPointsAtTheGrantingStatementInAJsonTemplate) {
  const std::string text = ReadFile(Sample("cloudformation.json"));
  const size_t statement =
      text.find("{", text.find("\"Statement\": [", text.find("\"MyQueuePolicy\"")));
  ASSERT_NE(statement, std::string::npos);
  CommandRun run = Perimeter({"analyze", Sample("cloudformation.json"), "--format", "sarif",
                              "--account-id", "123456789012", "--region", "us-east-1", "-q"});
  EXPECT_EQ(SarifRegion(run.out, "perimeter/public-access"), LineColumn(text, statement))
      << run.out;
}

// Bytes that are not UTF-8 in a file name and inside an input never abort the run (they did, with
// exit 134, in the JSON and SARIF reports): the exit code is the documented one and every JSON
// format is valid JSON, with U+FFFD in place of the invalid bytes (RFC 8259 §8.1 requires UTF-8).
struct NonUtf8Case {
  std::string name;
  std::string file_name;  // Latin-1, not UTF-8
  std::string bucket;     // the bucket's name inside the template
  int exit_code;
};

class AnalyzeNonUtf8Test : public testing::TestWithParam<NonUtf8Case> {};

TEST_P(AnalyzeNonUtf8Test, EveryFormatIsValidWithTheDocumentedExitCode) {
  const NonUtf8Case& c = GetParam();
  const std::string text = base::Concat(R"(Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: )",
                                        c.bucket, R"(
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: "arn:aws:s3:::)",
                                        c.bucket, R"(/*"
)");
  std::string path = WriteTemp(c.file_name, text);
  for (std::string format : {"table", "json", "sarif", "asff", "csv"}) {
    SCOPED_TRACE(format);
    CommandRun run = Perimeter({"analyze", path, "--format", format, "--account-id", "123456789012",
                                "--region", "us-east-1", "-q"});
    EXPECT_EQ(run.code, c.exit_code) << run.err;
    EXPECT_FALSE(run.out.empty() && format != "table") << run.err;
    if (format == "json" || format == "sarif" || format == "asff") {
      json::ParseResult parsed = json::Parse(run.out);
      EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.issues[0].message) << "\n" << run.out;
    }
  }
  // Where the file name or the bucket reaches a JSON report, it comes out replaced; in a SARIF
  // artifact URI, percent-encoded (a URI reference names the file's bytes exactly).
  CommandRun sarif = Perimeter({"analyze", path, "--format", "sarif", "--account-id",
                                "123456789012", "--region", "us-east-1", "-q"});
  CommandRun report = Perimeter({"analyze", path, "--format", "json", "--account-id",
                                 "123456789012", "--region", "us-east-1", "-q"});
  bool replaced = (sarif.out + report.out).find("\xEF\xBF\xBD") != std::string::npos;
  bool encoded = sarif.out.find("%E9") != std::string::npos;
  EXPECT_TRUE(replaced || encoded) << sarif.out << report.out;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, AnalyzeNonUtf8Test,
    testing::Values(
        // The name reaches the SARIF locations of the public bucket's finding.
        NonUtf8Case{"file_name", "caf\xE9.yaml", "open-bucket", kExitFindings},
        // The bucket name cannot be read (an input error, with the file name, in the JSON report).
        NonUtf8Case{"file_name_and_content", "r\xE9sum\xE9.yaml", "caf\xE9-bucket", kExitBadInput}),
    [](const testing::TestParamInfo<NonUtf8Case>& info) { return info.param.name; });

TEST(AnalyzeIngest, InputFormatsAndExitCodes) {
  // A plan with a policy known only after apply: its findings are reported, and the run says the
  // input was not all readable.
  CommandRun plan = Perimeter({"analyze", Sample("terraform_plan.json"), "--format", "json", "-q"});
  EXPECT_EQ(plan.code, kExitBadInput);
  EXPECT_NE(plan.err.find("terraform_plan.json:325:5"), std::string::npos) << plan.err;
  json::Document report = ParseOutput(plan.out);
  EXPECT_EQ(Int(Get(Get(report.root(), "summary"), "resources")), 9);

  CommandRun forced = Perimeter({"analyze", Sample("config_snapshot.json"), "--input-format",
                                 "config", "--format", "json", "-q"});
  EXPECT_EQ(forced.code, kExitFindings) << forced.err;

  CommandRun wrong =
      Perimeter({"analyze", Sample("config_snapshot.json"), "--input-format", "yaml", "-q"});
  EXPECT_EQ(wrong.code, kExitBadInput);

  CommandRun reserved =
      Perimeter({"analyze", Sample("cloudformation.yaml"), "--zone-account", "000000000001", "-q"});
  EXPECT_EQ(reserved.code, kExitBadInput);

  CommandRun parameter =
      Perimeter({"analyze", Sample("cloudformation.yaml"), "--parameter", "novalue", "-q"});
  EXPECT_EQ(parameter.code, kExitBadInput);
}

}  // namespace
}  // namespace perimeter::cli
