// `perimeter validate TEMPLATE|PLAN` end to end through RunApp, on the CloudFormation templates
// (JSON, YAML) and the Terraform plan of tests/cases/validate/: which policies are found, with
// which policy type and validatePolicyResourceType, each finding's issue code at its exact line and
// column in the file (mappings, JSON strings with escapes, YAML block scalars, strings built by
// intrinsic functions), what is not validated and why, the SARIF regions and the exit codes
// (docs/validate-policy.md, "Templates and plans").
#include "perimeter/cli/validate_command.h"

#include <filesystem>
#include <fstream>
#include <ostream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "perimeter/json/document.h"
#include "tests/testing/cli_run.h"
#include "tests/testing/json_values.h"
#include "tests/testing/scoped_temp_dir.h"

namespace perimeter::cli {
namespace {

using perimeter_testing::JsonAt;
using perimeter_testing::JsonText;
using perimeter_testing::RunPerimeter;
using testing::ElementsAreArray;
using testing::HasSubstr;

std::string CasePath(const std::string& name) {
  return std::string(PERIMETER_SOURCE_DIR) + "/tests/cases/validate/" + name;
}

// One line a finding ("resource property policyType [resourceType]: CODE at line:column"), a
// policy without findings ("...: no findings") and an issue ("issue SEVERITY code at
// line:column"), from the JSON output.
std::vector<std::string> Summarize(const std::string& output) {
  json::Document document = perimeter_testing::ParseJson(output);
  std::vector<std::string> lines;
  auto at = [](const json::Value& location) {
    return JsonText(JsonAt(location, "/line")) + ":" + JsonText(JsonAt(location, "/column"));
  };
  if (std::optional<json::Value> policies = JsonAt(document.root(), "/policies")) {
    for (const json::Value& policy : policies->children()) {
      std::string head = JsonText(policy.Find("resource")) + " " +
                         JsonText(policy.Find("property")) + " " +
                         JsonText(policy.Find("policyType"));
      if (policy.Find("validatePolicyResourceType"))
        head += " " + JsonText(policy.Find("validatePolicyResourceType"));
      std::optional<json::Value> findings = policy.Find("findings");
      if (!findings || findings->size() == 0) lines.push_back(head + ": no findings");
      if (!findings) continue;
      for (const json::Value& finding : findings->children()) {
        lines.push_back(head + ": " + JsonText(finding.Find("issueCode")) + " at " +
                        at(*finding.Find("templateLocation")));
      }
    }
  }
  if (std::optional<json::Value> issues = JsonAt(document.root(), "/issues")) {
    for (const json::Value& issue : issues->children()) {
      lines.push_back("issue " + JsonText(issue.Find("severity")) + " " +
                      JsonText(issue.Find("code")) + " at " + at(*issue.Find("templateLocation")));
    }
  }
  return lines;
}

struct FileCase {
  const char* name;
  const char* file;
  std::vector<std::string> expected;
  friend void PrintTo(const FileCase& c, std::ostream* os) { *os << c.name; }
};

class ValidateFileTest : public testing::TestWithParam<FileCase> {};

TEST_P(ValidateFileTest, FindsEveryPolicyAndLocatesEachFindingInTheFile) {
  const FileCase& c = GetParam();
  auto run = RunPerimeter({"validate", CasePath(c.file), "--format", "json"});
  EXPECT_EQ(run.code, 1) << run.err;
  EXPECT_THAT(Summarize(run.out), ElementsAreArray(c.expected)) << run.out;
}

INSTANTIATE_TEST_SUITE_P(
    Validate, ValidateFileTest,
    testing::Values(
        FileCase{
            "CloudFormationJson",
            "template.json",
            {
                // a mapping; its Fn::Sub Resource resolved with the parameter's Default: no finding
                "ManagedPolicy PolicyDocument IDENTITY_POLICY: INVALID_ACTION at 17:43",
                // a JSON string policy: the principal inside the string, past its escapes
                "QueuePolicy PolicyDocument RESOURCE_POLICY: INVALID_PRINCIPAL_FORMAT at 28:123",
                "Scp Content SERVICE_CONTROL_POLICY: SCP_SYNTAX_ERROR_PRINCIPAL at 36:54",
                "Rcp Content RESOURCE_CONTROL_POLICY: MISSING_VERSION at 43:20",
                // the two permissions of function f: one policy, as AWS's validator builds it;
                // each finding at the property of the permission it comes from
                "Permission,OtherPermission PermissionsPolicy RESOURCE_POLICY: "
                "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL at 61:56",
                "Permission,OtherPermission PermissionsPolicy RESOURCE_POLICY: INVALID_ACTION at "
                "66:32",
                // a policy Fn::Sub builds: inside its format string, past the escapes
                "SubPolicy PolicyDocument IDENTITY_POLICY: INVALID_SERVICE_IN_ACTION at 71:122",
                "SubPolicy PolicyDocument IDENTITY_POLICY: INVALID_DATE_VALUE at 71:236",
                // a TAG_POLICY is no IAM policy
                "issue WARNING validate.no-policy-document at 47:5",
                // Fn::If: not validated, reported at the function
                "issue ERROR validate.unresolved at 54:33",
            }},
        FileCase{
            "CloudFormationYaml",
            "template.yaml",
            {
                "Role AssumeRolePolicyDocument RESOURCE_POLICY AWS::IAM::AssumeRolePolicyDocument: "
                "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL at 16:20",
                // a plain scalar in a flow sequence
                "Role Policies[0].PolicyDocument IDENTITY_POLICY: INVALID_ACTION at 24:40",
                "User Policies[0].PolicyDocument IDENTITY_POLICY: MISSING_VERSION at 32:13",
                // a flow mapping written as JSON
                "Group Policies[0].PolicyDocument IDENTITY_POLICY: PASS_ROLE_WITH_STAR_IN_RESOURCE "
                "at 41:125",
                // a JSON policy in a block scalar, on its third line
                "BucketPolicy PolicyDocument RESOURCE_POLICY AWS::S3::Bucket: "
                "TYPE_MISMATCH_BOOLEAN at 49:57",
                "AccessPoint Policy RESOURCE_POLICY AWS::S3::AccessPoint: "
                "UNSUPPORTED_ACTION_IN_POLICY at 59:21",
                "Mrap Policy RESOURCE_POLICY AWS::S3::MultiRegionAccessPoint: "
                "UNSUPPORTED_RESOURCE_ARN_IN_POLICY at 71:23",
                "ObjectLambda PolicyDocument RESOURCE_POLICY AWS::S3ObjectLambda::AccessPoint: "
                "no findings",
                "Table ResourcePolicy.PolicyDocument RESOURCE_POLICY AWS::DynamoDB::Table: "
                "UNSUPPORTED_RESOURCE_ARN_IN_POLICY at 93:25",
                // a policy !Join builds of quoted fragments: inside the fragment that holds it
                "TopicPolicy PolicyDocument RESOURCE_POLICY: EMPTY_ARRAY_CONDITION at 103:107",
                "issue ERROR validate.unresolved at 108:23",
            }},
        FileCase{
            "TerraformPlan",
            "plan.json",
            {
                "aws_iam_policy.pass policy IDENTITY_POLICY: PASS_ROLE_WITH_STAR_IN_RESOURCE at "
                "9:152",
                "aws_iam_role.ci assume_role_policy RESOURCE_POLICY "
                "AWS::IAM::AssumeRolePolicyDocument: MISSING_GITHUB_REPO_CONDITION_KEY at 19:128",
                "aws_iam_role.ci assume_role_policy RESOURCE_POLICY "
                "AWS::IAM::AssumeRolePolicyDocument: CONFIRM_AUDIENCE_CLAIM_TYPE at 19:287",
                "aws_iam_role.ci inline_policy[0].policy IDENTITY_POLICY: INVALID_ACTION at 21:117",
                "aws_s3_bucket_policy.b policy RESOURCE_POLICY AWS::S3::Bucket: "
                "UNSUPPORTED_ACTION_IN_POLICY at 31:188",
                "aws_organizations_policy.rcp content RESOURCE_CONTROL_POLICY: "
                "EMPTY_ARRAY_CONDITION at 39:263",
                // no type: Terraform's default, an SCP
                "aws_organizations_policy.scp content SERVICE_CONTROL_POLICY: no findings",
                // the statement the permission adds, as a policy of its own (AWS's validator)
                "aws_lambda_permission.s3 PermissionsPolicy RESOURCE_POLICY: "
                "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL at 63:54",
                // after_unknown: not validated
                "issue ERROR validate.unknown-value at 51:5",
            }}),
    [](const testing::TestParamInfo<FileCase>& info) { return info.param.name; });

TEST(ValidateCommandTest, TableNamesTheFileLineColumnResourceAndProperty) {
  std::string path = CasePath("template.yaml");
  auto run = RunPerimeter({"validate", path});
  EXPECT_EQ(run.code, 1) << run.err;
  EXPECT_THAT(run.out, HasSubstr(path + ":24:40: ERROR INVALID_ACTION: Role "
                                        "Policies[0].PolicyDocument: The action s3:GetObjectt"));
  EXPECT_THAT(run.out, HasSubstr(path + ":108:23: error validate.unresolved: "
                                        "Secret.ResourcePolicy (AWS::SecretsManager::"
                                        "ResourcePolicy) is not validated: Fn::If"));
  EXPECT_THAT(run.out, HasSubstr("9 finding(s) in 10 policies"));
}

TEST(ValidateCommandTest, SarifRegionsCoverTheOffendingTextInTheFile) {
  std::string path = CasePath("template.yaml");
  auto run = RunPerimeter({"validate", path, "--format", "sarif"});
  EXPECT_EQ(run.code, 1) << run.err;
  json::Document sarif = perimeter_testing::ParseJson(run.out);
  EXPECT_EQ(JsonText(JsonAt(sarif.root(), "/version")), "2.1.0");
  bool found = false;
  for (const json::Value& result : JsonAt(sarif.root(), "/runs/0/results")->children()) {
    if (JsonText(result.Find("ruleId")) != "INVALID_ACTION") continue;
    found = true;
    json::Value region = *JsonAt(result, "/locations/0/physicalLocation/region");
    // "s3:GetObjectt", a plain scalar: columns 40 to 52, the end one past it
    EXPECT_EQ(JsonText(region.Find("startLine")), "24");
    EXPECT_EQ(JsonText(region.Find("startColumn")), "40");
    EXPECT_EQ(JsonText(region.Find("endLine")), "24");
    EXPECT_EQ(JsonText(region.Find("endColumn")), "53");
    EXPECT_EQ(JsonText(JsonAt(result, "/properties/policyType")), "IDENTITY_POLICY");
  }
  EXPECT_TRUE(found) << run.out;
}

TEST(ValidateCommandTest, ExitCodes) {
  perimeter_testing::ScopedTempDir dir;
  auto write = [&](const std::string& name, const std::string& text) {
    std::string path = (dir.path() / name).string();
    std::ofstream(path) << text;
    return path;
  };
  std::string clean = write("clean.yaml", R"(Resources:
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::b/*"}
)");
  std::string warning = write("warning.yaml", R"(Resources:
  Policy:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Statement:
          - {Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::b/*"}
)");
  EXPECT_EQ(RunPerimeter({"validate", clean}).code, 0);
  EXPECT_EQ(RunPerimeter({"validate", warning}).code, 0);  // MISSING_VERSION is a WARNING
  EXPECT_EQ(RunPerimeter({"validate", warning, "--treat-as-blocking", "WARNING"}).code, 1);
  // An unresolved policy blocks as an ERROR does.
  EXPECT_EQ(RunPerimeter({"validate", CasePath("plan.json"), "--treat-as-blocking", "NONE"}).code,
            0);
  EXPECT_EQ(RunPerimeter({"validate", CasePath("plan.json"), "--treat-as-blocking", "ERROR"}).code,
            1);
  // Unusable: no file, not a template or plan, a template that does not parse, a bad option.
  EXPECT_EQ(RunPerimeter({"validate", (dir.path() / "missing.yaml").string()}).code, 2);
  auto other = RunPerimeter({"validate", write("other.json", R"({"a": 1})")});
  EXPECT_EQ(other.code, 2);
  EXPECT_THAT(other.out, HasSubstr("ingest.unknown-format"));
  EXPECT_EQ(RunPerimeter({"validate", write("bad.yaml", "Resources: [\n")}).code, 2);
  EXPECT_EQ(RunPerimeter({"validate", clean, "--format", "xml"}).code, 2);
  EXPECT_EQ(RunPerimeter({"validate", clean, "--treat-as-blocking", "FATAL"}).code, 2);
  EXPECT_EQ(RunPerimeter({"validate", clean, "--parameter", "novalue"}).code, 2);
}

TEST(ValidateCommandTest, ParametersAccountAndRegionResolveIntoThePolicy) {
  // The Resource ARN is built from a parameter without Default and the pseudo-parameters: given,
  // it is well formed; the default account and region also make it well formed.
  const std::string text = R"({"Parameters": {"Bucket": {"Type": "String"}},
 "Resources": {"P": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {
  "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage",
  "Resource": {"Fn::Sub": "arn:aws:sqs:${AWS::Region}:${AWS::AccountId}:${Bucket}"}}]}}}}})";
  auto given = RunPerimeter({"validate", "-", "--parameter", "Bucket=q", "--account-id",
                             "111122223333", "--region", "eu-west-1", "--format", "json"},
                            text);
  EXPECT_EQ(given.code, 0) << given.out;
  EXPECT_THAT(Summarize(given.out),
              ElementsAreArray({"P PolicyDocument IDENTITY_POLICY: no findings"}));
  // A bad account given is reported in the ARN the function built (at the Fn::Sub).
  auto bad = RunPerimeter(
      {"validate", "-", "--parameter", "Bucket=q", "--account-id", "1234", "--format", "json"},
      text);
  EXPECT_EQ(bad.code, 1) << bad.out;
  EXPECT_THAT(Summarize(bad.out),
              ElementsAreArray({"P PolicyDocument IDENTITY_POLICY: INVALID_ARN_ACCOUNT at 4:15"}));
}

}  // namespace
}  // namespace perimeter::cli
