#include "perimeter/api/aws_managed_policies.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace perimeter::api {
namespace {

constexpr std::string_view kForm = "application/x-www-form-urlencoded; charset=utf-8";
constexpr std::string_view kLambda =
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

TEST(AwsManagedPolicies, ConvertsTheTableEntries) {
  AwsManagedPolicies shipped;
  EXPECT_GT(shipped.size(), 1000u);
  const resources::ManagedPolicy* policy = shipped.Find(kLambda);
  ASSERT_NE(policy, nullptr);
  EXPECT_EQ(policy->arn, kLambda);
  EXPECT_EQ(policy->account_id, "aws");
  EXPECT_EQ(policy->policy_name, "AWSLambdaBasicExecutionRole");
  EXPECT_EQ(policy->path, "/service-role/");
  EXPECT_EQ(policy->policy_id, AwsManagedPolicyId(kLambda));
  EXPECT_EQ(policy->policy_id.size(), 21u);
  EXPECT_TRUE(policy->policy_id.starts_with("ANPA"));
  EXPECT_EQ(policy->attachment_count, 0);
  EXPECT_TRUE(policy->is_attachable);
  EXPECT_FALSE(policy->description.has_value());
  EXPECT_EQ(policy->create_date, absl::FromUnixSeconds(1428591823));  // 2015-04-09T15:03:43Z
  ASSERT_EQ(policy->versions.size(), 1u);
  EXPECT_EQ(policy->versions[0].version_id, policy->default_version_id);
  EXPECT_TRUE(policy->versions[0].is_default_version);
  EXPECT_NE(policy->versions[0].document.find("logs:PutLogEvents"), std::string::npos);
  EXPECT_EQ(shipped.Find("arn:aws:iam::aws:policy/NoSuchPolicyAnywhere"), nullptr);
}

TEST(AwsManagedPolicies, ImportedRecordsComeFirstThenTheShippedOnesForAwsArnsOnly) {
  AwsManagedPolicies shipped;
  resources::ManagedPolicy own;
  own.arn = "arn:aws:iam::aws:policy/ReadOnlyAccess";
  own.policy_name = "imported";
  FindManagedPolicy imported = [&](std::string_view account, std::string_view arn) {
    return account == "111122223333" && arn == own.arn ? &own : nullptr;
  };
  FindManagedPolicy find = WithAwsManagedPolicies(imported, shipped);
  EXPECT_EQ(find("111122223333", "arn:aws:iam::aws:policy/ReadOnlyAccess"), &own);
  const resources::ManagedPolicy* other =
      find("444455556666", "arn:aws:iam::aws:policy/ReadOnlyAccess");
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(other->policy_name, "ReadOnlyAccess");
  EXPECT_EQ(find("111122223333", "arn:aws:iam::111122223333:policy/ReadOnlyAccess"), nullptr);
  EXPECT_EQ(find("111122223333", "arn:aws-cn:iam::aws:policy/ReadOnlyAccess"), nullptr);
  EXPECT_NE(WithAwsManagedPolicies(nullptr, shipped)("1", kLambda), nullptr);
}

TEST(AwsManagedPolicies, GetPolicyAndGetPolicyVersionAnswerFromTheTable) {
  AwsManagedPolicies shipped;
  FindManagedPolicy find = WithAwsManagedPolicies(nullptr, shipped);
  AuthorizeCall allow = [](const AuthorizationTarget&) -> std::optional<AwsError> {
    return std::nullopt;
  };
  Caller caller{"111122223333", "arn:aws:iam::111122223333:user/pipeline", "us-east-1"};
  const std::string arn = "arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAdministratorAccess";
  ApiResponse policy =
      HandleIam(caller,
                QueryRequest{"POST", "", kForm,
                             "Action=GetPolicy&Version=2010-05-08&PolicyArn=" + arn, "iam"},
                find, allow, "req-1");
  EXPECT_EQ(policy.status, 200) << policy.body;
  for (const std::string& text : std::vector<std::string>{
           "<PolicyName>AdministratorAccess</PolicyName>", "<Path>/</Path>",
           "<DefaultVersionId>v1</DefaultVersionId>", "<AttachmentCount>0</AttachmentCount>",
           "<IsAttachable>true</IsAttachable>", "<CreateDate>2015-02-06T18:39:46.000Z</CreateDate>",
           "<PolicyId>" + AwsManagedPolicyId("arn:aws:iam::aws:policy/AdministratorAccess") +
               "</PolicyId>"}) {
    EXPECT_NE(policy.body.find(text), std::string::npos) << text << " in " << policy.body;
  }
  ApiResponse version = HandleIam(
      caller,
      QueryRequest{"POST", "", kForm,
                   "Action=GetPolicyVersion&Version=2010-05-08&VersionId=v1&PolicyArn=" + arn,
                   "iam"},
      find, allow, "req-2");
  EXPECT_EQ(version.status, 200) << version.body;
  EXPECT_NE(version.body.find(
                "<Document>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22"
                "Effect%22%3A%22Allow%22%2C%22Action%22%3A%22%2A%22%2C%22Resource%22%3A%22"
                "%2A%22%7D%5D%7D</Document>"),
            std::string::npos)
      << version.body;
  ApiResponse older = HandleIam(
      caller,
      QueryRequest{"POST", "", kForm,
                   "Action=GetPolicyVersion&Version=2010-05-08&VersionId=v9&PolicyArn=" + arn,
                   "iam"},
      find, allow, "req-3");
  EXPECT_EQ(older.status, 404) << older.body;
  EXPECT_NE(older.body.find("<Code>NoSuchEntity</Code>"), std::string::npos) << older.body;
}

}  // namespace
}  // namespace perimeter::api
