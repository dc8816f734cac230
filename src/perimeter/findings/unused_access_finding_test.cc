#include "perimeter/findings/unused_access_finding.h"

#include <string>

#include "gtest/gtest.h"
#include "perimeter/findings/archive_rule.h"
#include "perimeter/findings/finding.h"
#include "perimeter/findings/finding_json.h"
#include "perimeter/findings/lifecycle.h"

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

TEST_P(DetailsJsonTest, ReadsBackWhatItWrites) {
  json::ParseResult parsed = json::Parse(GetParam().json);
  ASSERT_TRUE(parsed.ok());
  std::optional<UnusedFindingDetails> read = ParseUnusedFindingDetails(parsed.document.root());
  ASSERT_TRUE(read.has_value());
  EXPECT_EQ(Json(*read), GetParam().json);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DetailsJsonTest,
    ::testing::Values(
        DetailsCase{"Role", UnusedIamRoleDetails{kTime},
                    R"({"unusedIamRoleDetails":{"lastAccessed":"2025-12-01T00:00:00.000Z"}})"},
        DetailsCase{"RoleNeverUsed", UnusedIamRoleDetails{}, R"({"unusedIamRoleDetails":{}})"},
        DetailsCase{"AccessKey", UnusedIamUserAccessKeyDetails{"AKIA1", std::nullopt},
                    R"({"unusedIamUserAccessKeyDetails":{"accessKeyId":"AKIA1"}})"},
        DetailsCase{
            "Password", UnusedIamUserPasswordDetails{kTime},
            R"({"unusedIamUserPasswordDetails":{"lastAccessed":"2025-12-01T00:00:00.000Z"}})"},
        DetailsCase{"ServiceLevel", UnusedPermissionDetails{"sqs", {}, std::nullopt},
                    R"({"unusedPermissionDetails":{"serviceNamespace":"sqs"}})"},
        DetailsCase{"ActionLevel",
                    UnusedPermissionDetails{"s3", {{"s3:PutObject", std::nullopt}}, kTime},
                    R"({"unusedPermissionDetails":{"actions":[{"action":"s3:PutObject"}],)"
                    R"("serviceNamespace":"s3","lastAccessed":"2025-12-01T00:00:00.000Z"}})"}),
    [](const auto& info) { return info.param.name; });

TEST(UnusedFindingId, OnePerPrincipalTypeAndKey) {
  UnusedAccessFinding key1{FindingType::kUnusedIamUserAccessKey,
                           "arn:aws:iam::1:user/u",
                           "AWS::IAM::User",
                           "1",
                           {UnusedIamUserAccessKeyDetails{"AKIA1", std::nullopt}}};
  UnusedAccessFinding key2 = key1;
  key2.details = {UnusedIamUserAccessKeyDetails{"AKIA2", kTime}};
  UnusedAccessFinding password{FindingType::kUnusedIamUserPassword,
                               "arn:aws:iam::1:user/u",
                               "AWS::IAM::User",
                               "1",
                               {UnusedIamUserPasswordDetails{}}};
  EXPECT_NE(UnusedFindingId(key1), UnusedFindingId(key2));
  EXPECT_NE(UnusedFindingId(key1), UnusedFindingId(password));
  // Details other than the key id do not change the identity.
  UnusedAccessFinding key1_later = key1;
  key1_later.details = {UnusedIamUserAccessKeyDetails{"AKIA1", kTime}};
  EXPECT_EQ(UnusedFindingId(key1), UnusedFindingId(key1_later));
  EXPECT_EQ(UnusedFindingId(key1).size(), 36u);
}

TEST(UnusedFindingDetails, RejectsOtherShapes) {
  for (const char* text :
       {R"({})", R"({"unusedIamRoleDetails":{"lastAccessed":"yesterday"}})",
        R"({"unusedIamUserAccessKeyDetails":{}})", R"({"externalAccessDetails":{}})",
        R"({"unusedPermissionDetails":{"serviceNamespace":"s3","actions":[{}]}})"}) {
    json::ParseResult parsed = json::Parse(text);
    ASSERT_TRUE(parsed.ok());
    EXPECT_FALSE(ParseUnusedFindingDetails(parsed.document.root()).has_value()) << text;
  }
  EXPECT_EQ(ParseFindingType("UnusedIAMUserPassword"), FindingType::kUnusedIamUserPassword);
  EXPECT_EQ(ParseFindingType("unusediamrole"), std::nullopt);
}

FindingRecord UnusedRecord() {
  FindingRecord record;
  record.finding = ToFinding({FindingType::kUnusedPermission,
                              "arn:aws:iam::111122223333:role/app",
                              "AWS::IAM::Role",
                              "111122223333",
                              {UnusedPermissionDetails{"sqs", {}, std::nullopt}}});
  record.created_at = record.analyzed_at = record.updated_at = kTime;
  return record;
}

TEST(UnusedFinding, GetFindingV2AndSummaryCarryTypeAndDetails) {
  FindingRecord record = UnusedRecord();
  EXPECT_EQ(
      record.finding.id,
      UnusedFindingId(
          {FindingType::kUnusedPermission, "arn:aws:iam::111122223333:role/app", "", "", {}}));
  EXPECT_EQ(
      GetFindingV2ResponseJson(record),
      R"({"analyzedAt":"2025-12-01T00:00:00.000Z","createdAt":"2025-12-01T00:00:00.000Z",)"
      R"("id":")" +
          record.finding.id +
          R"(","resource":"arn:aws:iam::111122223333:role/app",)"
          R"("resourceType":"AWS::IAM::Role","resourceOwnerAccount":"111122223333","status":"ACTIVE",)"
          R"("updatedAt":"2025-12-01T00:00:00.000Z","findingType":"UnusedPermission",)"
          R"("findingDetails":[{"unusedPermissionDetails":{"serviceNamespace":"sqs"}}]})");
  EXPECT_NE(FindingSummaryV2ToJson(record).find(R"("findingType":"UnusedPermission")"),
            std::string::npos);
  // The identity of the lifecycle is the unused key, whatever the details.
  FindingRecord later = UnusedRecord();
  later.finding.unused_details = {UnusedPermissionDetails{"s3", {}, kTime}};
  EXPECT_EQ(FindingKey(record.finding), FindingKey(later.finding));
}

TEST(UnusedFinding, ArchiveRulesFilterOnFindingType) {
  std::vector<base::Issue> issues;
  json::ParseResult unused_rule = json::Parse(R"({"findingType":{"eq":["UnusedPermission"]}})");
  json::ParseResult external_rule = json::Parse(R"({"findingType":{"eq":["ExternalAccess"]}})");
  std::optional<FindingFilter> filter =
      ParseFindingFilter(unused_rule.document.root(), FilterUse::kArchiveRule, issues);
  ASSERT_TRUE(filter.has_value());
  EXPECT_TRUE(filter->Matches(UnusedRecord()));
  std::optional<FindingFilter> external =
      ParseFindingFilter(external_rule.document.root(), FilterUse::kArchiveRule, issues);
  ASSERT_TRUE(external.has_value());
  EXPECT_FALSE(external->Matches(UnusedRecord()));
}

// The lifecycle of external access applies unchanged, per principal (docs/access-analyzer-rules.md
// §6.3): a new unused finding is ACTIVE (or ARCHIVED by a rule), one the next analysis does not
// find is RESOLVED, and one found again keeps its id with its details refreshed.
TEST(UnusedFinding, LifecycleActiveArchivedResolved) {
  const absl::Time t1 = kTime, t2 = kTime + absl::Hours(24);
  Finding permission = UnusedRecord().finding;
  LifecycleOptions options;
  options.scope = "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/unused";
  LifecycleResult created = ApplyAnalysis({}, {&permission, 1}, t1, options);
  ASSERT_EQ(created.records.size(), 1u);
  EXPECT_EQ(created.records[0].status, FindingStatus::kActive);

  Finding changed = permission;
  changed.unused_details = {UnusedPermissionDetails{"s3", {{"s3:PutObject", std::nullopt}}, kTime}};
  LifecycleResult again = ApplyAnalysis(created.records, {&changed, 1}, t2, options);
  ASSERT_EQ(again.records.size(), 1u);
  EXPECT_EQ(again.records[0].id(), created.records[0].id());
  EXPECT_EQ(again.records[0].status, FindingStatus::kActive);
  ASSERT_EQ(again.records[0].finding.unused_details.size(), 1u);
  EXPECT_EQ(std::get<UnusedPermissionDetails>(again.records[0].finding.unused_details[0])
                .service_namespace,
            "s3");

  LifecycleResult gone = ApplyAnalysis(again.records, {}, t2, options);
  ASSERT_EQ(gone.records.size(), 1u);
  EXPECT_EQ(gone.records[0].status, FindingStatus::kResolved);

  std::vector<base::Issue> issues;
  json::ParseResult rule = json::Parse(R"({"findingType":{"eq":["UnusedPermission"]}})");
  std::optional<FindingFilter> filter =
      ParseFindingFilter(rule.document.root(), FilterUse::kArchiveRule, issues);
  ASSERT_TRUE(filter.has_value());
  std::vector<ArchiveRule> rules = {{"unused-permissions", *filter}};
  options.archive_rules = rules;
  LifecycleResult archived = ApplyAnalysis({}, {&permission, 1}, t1, options);
  ASSERT_EQ(archived.records.size(), 1u);
  EXPECT_EQ(archived.records[0].status, FindingStatus::kArchived);
}

}  // namespace
}  // namespace perimeter::findings
