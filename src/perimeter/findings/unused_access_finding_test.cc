#include "perimeter/findings/unused_access_finding.h"

#include <string>

#include "gtest/gtest.h"

namespace perimeter::findings {
namespace {

const absl::Time kTime = absl::FromUnixSeconds(1764547200);  // 2025-12-01T00:00:00Z

std::string Json(const UnusedFindingDetails& details) {
  json::Writer w;
  WriteUnusedFindingDetails(w, details);
  return std::move(w).Take();
}

struct DetailsCase {
  std::string name;
  UnusedFindingDetails details;
  std::string json;
};

void PrintTo(const DetailsCase& c, std::ostream* os) { *os << c.name; }

class DetailsJsonTest : public ::testing::TestWithParam<DetailsCase> {};

TEST_P(DetailsJsonTest, WritesAwsShape) { EXPECT_EQ(Json(GetParam().details), GetParam().json); }

INSTANTIATE_TEST_SUITE_P(
    Cases, DetailsJsonTest,
    ::testing::Values(
        DetailsCase{"Role", UnusedIamRoleDetails{kTime},
                    R"({"unusedIamRoleDetails":{"lastAccessed":"2025-12-01T00:00:00.000Z"}})"},
        DetailsCase{"RoleNeverUsed", UnusedIamRoleDetails{}, R"({"unusedIamRoleDetails":{}})"},
        DetailsCase{"AccessKey", UnusedIamUserAccessKeyDetails{"AKIA1", std::nullopt},
                    R"({"unusedIamUserAccessKeyDetails":{"accessKeyId":"AKIA1"}})"},
        DetailsCase{"Password", UnusedIamUserPasswordDetails{kTime},
                    R"({"unusedIamUserPasswordDetails":{"lastAccessed":"2025-12-01T00:00:00.000Z"}})"},
        DetailsCase{"ServiceLevel", UnusedPermissionDetails{"sqs", {}, std::nullopt},
                    R"({"unusedPermissionDetails":{"serviceNamespace":"sqs"}})"},
        DetailsCase{"ActionLevel",
                    UnusedPermissionDetails{"s3", {{"s3:PutObject", std::nullopt}}, kTime},
                    R"({"unusedPermissionDetails":{"actions":[{"action":"s3:PutObject"}],)"
                    R"("serviceNamespace":"s3","lastAccessed":"2025-12-01T00:00:00.000Z"}})"}),
    [](const auto& info) { return info.param.name; });

TEST(UnusedFindingId, OnePerPrincipalTypeAndKey) {
  UnusedAccessFinding key1{FindingType::kUnusedIamUserAccessKey, "arn:aws:iam::1:user/u", "AWS::IAM::User", "1",
                           {UnusedIamUserAccessKeyDetails{"AKIA1", std::nullopt}}};
  UnusedAccessFinding key2 = key1;
  key2.details = {UnusedIamUserAccessKeyDetails{"AKIA2", kTime}};
  UnusedAccessFinding password{FindingType::kUnusedIamUserPassword, "arn:aws:iam::1:user/u", "AWS::IAM::User",
                               "1", {UnusedIamUserPasswordDetails{}}};
  EXPECT_NE(UnusedFindingId(key1), UnusedFindingId(key2));
  EXPECT_NE(UnusedFindingId(key1), UnusedFindingId(password));
  // Details other than the key id do not change the identity.
  UnusedAccessFinding key1_later = key1;
  key1_later.details = {UnusedIamUserAccessKeyDetails{"AKIA1", kTime}};
  EXPECT_EQ(UnusedFindingId(key1), UnusedFindingId(key1_later));
  EXPECT_EQ(UnusedFindingId(key1).size(), 36u);
}

}  // namespace
}  // namespace perimeter::findings
