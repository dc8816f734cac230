#include "perimeter/api/iam_operations.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/api/cloudformation_operations.h"

namespace perimeter::api {
namespace {

constexpr std::string_view kForm = "application/x-www-form-urlencoded; charset=utf-8";
constexpr std::string_view kOwn = "arn:aws:iam::111122223333:policy/team/deploy";

std::vector<resources::ManagedPolicy> Policies() {
  resources::ManagedPolicy own;
  own.arn = kOwn;
  own.policy_name = "deploy";
  own.policy_id = "ANPAEXAMPLEEXAMPLE01";
  own.path = "/team/";
  own.default_version_id = "v2";
  own.attachment_count = 3;
  own.create_date = absl::FromUnixSeconds(1700000000);
  own.update_date = absl::FromUnixSeconds(1700000600);
  own.versions = {{"v1", R"({"Version":"2012-10-17","Statement":[]})", false,
                   absl::FromUnixSeconds(1700000000)},
                  {"v2", R"({"Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]})",
                   true, absl::FromUnixSeconds(1700000600)}};
  resources::ManagedPolicy aws = own;
  aws.arn = "arn:aws:iam::aws:policy/ReadOnlyAccess";
  aws.policy_name = "ReadOnlyAccess";
  aws.path = "/";
  aws.description = "read <only>";
  return {own, aws};
}

struct IamCase {
  std::string name;
  std::string body;
  int status;
  std::vector<std::string> must_contain;
  bool allowed = true;  // what the caller's identity-based policies say
};

class IamTest : public testing::TestWithParam<IamCase> {};

TEST_P(IamTest, AnswersFromTheImportedPolicies) {
  const IamCase& c = GetParam();
  std::vector<resources::ManagedPolicy> policies = Policies();
  std::vector<AuthorizationTarget> asked;
  FindManagedPolicy find = [&](std::string_view owner,
                               std::string_view arn) -> const resources::ManagedPolicy* {
    if (owner != "111122223333") return nullptr;
    for (const auto& policy : policies) {
      if (policy.arn == arn) return &policy;
    }
    return nullptr;
  };
  AuthorizeCall authorize = [&](const AuthorizationTarget& target) -> std::optional<AwsError> {
    asked.push_back(target);
    if (c.allowed) return std::nullopt;
    return AwsError{403, "AccessDeniedException", "denied", "", {}, "", ""};
  };
  Caller caller{"111122223333", "arn:aws:iam::111122223333:user/pipeline", "us-east-1"};
  ApiResponse response =
      HandleIam(caller, QueryRequest{"POST", "", kForm, c.body, "iam"}, find, authorize, "req-9");
  EXPECT_EQ(response.status, c.status) << response.body;
  for (const std::string& text : c.must_contain) {
    EXPECT_NE(response.body.find(text), std::string::npos) << text << " in " << response.body;
  }
  EXPECT_NE(response.body.find("<RequestId>req-9</RequestId>"), std::string::npos);
  if (c.status == 200) {
    ASSERT_EQ(asked.size(), 1u);
    EXPECT_EQ(asked[0].action, c.body.substr(7, c.body.find('&') - 7).insert(0, "iam:"));
  }
}

const std::string kGetOwn =
    "Action=GetPolicy&Version=2010-05-08&PolicyArn=arn%3Aaws%3Aiam%3A%3A"
    "111122223333%3Apolicy%2Fteam%2Fdeploy";
const std::string kVersionOwn =
    "Action=GetPolicyVersion&Version=2010-05-08&PolicyArn=arn%3Aaws%3A"
    "iam%3A%3A111122223333%3Apolicy%2Fteam%2Fdeploy&VersionId=";

INSTANTIATE_TEST_SUITE_P(
    Cases, IamTest,
    testing::Values(
        IamCase{"GetPolicy",
                kGetOwn,
                200,
                {"<GetPolicyResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">",
                 "<GetPolicyResult>\n    <Policy>", "<PolicyName>deploy</PolicyName>",
                 "<PolicyId>ANPAEXAMPLEEXAMPLE01</PolicyId>",
                 "<Arn>arn:aws:iam::111122223333:policy/team/deploy</Arn>", "<Path>/team/</Path>",
                 "<DefaultVersionId>v2</DefaultVersionId>", "<AttachmentCount>3</AttachmentCount>",
                 "<IsAttachable>true</IsAttachable>",
                 "<CreateDate>2023-11-14T22:13:20.000Z</CreateDate>",
                 "<UpdateDate>2023-11-14T22:23:20.000Z</UpdateDate>"}},
        IamCase{"AwsManagedPolicy",
                "Action=GetPolicy&Version=2010-05-08&PolicyArn=arn:aws:iam::aws:policy/"
                "ReadOnlyAccess",
                200,
                {"<PolicyName>ReadOnlyAccess</PolicyName>",
                 "<Description>read &lt;only&gt;</Description>"}},
        IamCase{"GetPolicyVersionUrlEncodesTheDocument",
                kVersionOwn + "v2",
                200,
                {"<GetPolicyVersionResult>\n    <PolicyVersion>",
                 "<Document>%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%"
                 "3A%22s3%3AGet%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D</Document>",
                 "<VersionId>v2</VersionId>", "<IsDefaultVersion>true</IsDefaultVersion>"}},
        IamCase{"NotDefaultVersion",
                kVersionOwn + "v1",
                200,
                {"<IsDefaultVersion>false</IsDefaultVersion>"}},
        IamCase{"UnknownVersion",
                kVersionOwn + "v3",
                404,
                {"<Code>NoSuchEntity</Code>", "version v3 does not exist"}},
        IamCase{"MalformedVersion", kVersionOwn + "V1", 400, {"<Code>ValidationError</Code>"}},
        IamCase{"NoVersionId",
                "Action=GetPolicyVersion&Version=2010-05-08&PolicyArn=" + std::string(kOwn),
                400,
                {"<Code>ValidationError</Code>", "&apos;versionId&apos;"}},
        IamCase{"UnknownPolicy",
                "Action=GetPolicy&Version=2010-05-08&PolicyArn=arn:aws:iam::111122223333:policy/"
                "nope",
                404,
                {"<Type>Sender</Type>", "<Code>NoSuchEntity</Code>",
                 "Policy arn:aws:iam::111122223333:policy/nope was not found."}},
        IamCase{"UnknownAwsManagedPolicy",
                "Action=GetPolicy&Version=2010-05-08&PolicyArn=arn:aws:iam::aws:policy/"
                "AdministratorAccess",
                404,
                {"<Code>NoSuchEntity</Code>"}},
        IamCase{"OtherAccount",
                "Action=GetPolicy&Version=2010-05-08&PolicyArn=arn:aws:iam::444455556666:policy/"
                "deploy",
                403,
                {"<Code>AccessDenied</Code>",
                 "is not authorized to perform: iam:GetPolicy on resource: policy "
                 "arn:aws:iam::444455556666:policy/deploy"}},
        IamCase{"DeniedByIdentityPolicies",
                kGetOwn,
                403,
                {"<Code>AccessDenied</Code>"},
                /*allowed=*/false},
        IamCase{"NotAPolicyArn",
                "Action=GetPolicy&Version=2010-05-08&PolicyArn=arn:aws:iam::111122223333:role/r",
                400,
                {"<Code>InvalidInput</Code>"}},
        IamCase{"NoPolicyArn",
                "Action=GetPolicy&Version=2010-05-08",
                400,
                {"<Code>ValidationError</Code>", "&apos;policyArn&apos;"}},
        IamCase{"OtherAction",
                "Action=ListPolicies&Version=2010-05-08",
                400,
                {"<Code>InvalidAction</Code>"}},
        IamCase{"OtherVersion",
                "Action=GetPolicy&Version=2011-06-15&PolicyArn=" + std::string(kOwn),
                400,
                {"<Code>InvalidAction</Code>"}}),
    [](const testing::TestParamInfo<IamCase>& info) { return info.param.name; });

struct CloudFormationCase {
  std::string name;
  std::string body;
  bool allowed;
  int status;
  std::string must_contain;
};

class CloudFormationTest : public testing::TestWithParam<CloudFormationCase> {};

TEST_P(CloudFormationTest, ListsNoExports) {
  const CloudFormationCase& c = GetParam();
  AuthorizeCall authorize = [&](const AuthorizationTarget& target) -> std::optional<AwsError> {
    EXPECT_EQ(target.action, "cloudformation:ListExports");
    EXPECT_EQ(target.resource, "*");
    if (c.allowed) return std::nullopt;
    return AwsError{403, "AccessDeniedException", "denied", "", {}, "", ""};
  };
  ApiResponse response = HandleCloudFormation(
      Caller{"111122223333", "arn:aws:iam::111122223333:root", "us-east-1"},
      QueryRequest{"POST", "", kForm, c.body, "cloudformation"}, authorize, "req-3");
  EXPECT_EQ(response.status, c.status) << response.body;
  EXPECT_NE(response.body.find(c.must_contain), std::string::npos) << response.body;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, CloudFormationTest,
    testing::Values(
        CloudFormationCase{"ListExports", "Action=ListExports&Version=2010-05-15", true, 200,
                           "<ListExportsResponse xmlns=\"http://cloudformation.amazonaws.com/doc/"
                           "2010-05-15/\">\n  <ListExportsResult>\n    <Exports/>\n"},
        CloudFormationCase{"Denied", "Action=ListExports&Version=2010-05-15", false, 403,
                           "<Code>AccessDenied</Code>"},
        CloudFormationCase{"ForeignToken", "Action=ListExports&Version=2010-05-15&NextToken=x",
                           true, 400, "<Code>ValidationError</Code>"},
        CloudFormationCase{"OtherAction", "Action=DescribeStacks&Version=2010-05-15", true, 400,
                           "<Code>InvalidAction</Code>"}),
    [](const testing::TestParamInfo<CloudFormationCase>& info) { return info.param.name; });

}  // namespace
}  // namespace perimeter::api
