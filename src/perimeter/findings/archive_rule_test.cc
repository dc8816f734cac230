#include "perimeter/findings/archive_rule.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/base/text.h"

namespace perimeter::findings {
namespace {

absl::Time At(int64_t seconds) { return absl::FromUnixSeconds(seconds); }

// A public cross-account bucket finding, an IAM role finding with a condition, and an error
// finding.
FindingRecord Bucket() {
  FindingRecord record;
  record.finding.id = "00000000-0000-8000-8000-000000000001";
  record.finding.principal = {{"AWS", "*"}};
  record.finding.actions = {"s3:GetObject", "s3:ListBucket"};
  record.finding.resource = "arn:aws:s3:::cognito-exports";
  record.finding.resource_type = "AWS::S3::Bucket";
  record.finding.resource_owner_account = "111122223333";
  record.finding.is_public = true;
  record.finding.sources = {FindingSource{}};
  record.status = FindingStatus::kActive;
  record.created_at = record.analyzed_at = record.updated_at =
      At(1714564800);  // 2024-05-01T12:00:00Z
  return record;
}

FindingRecord Role() {
  FindingRecord record;
  record.finding.id = "00000000-0000-8000-8000-000000000002";
  record.finding.principal = {{"AWS", "999988887777"}};
  record.finding.actions = {"sts:AssumeRole"};
  record.finding.condition = {{"aws:SourceVpc", "vpc-1a2b3c4d"}};
  record.finding.resource = "arn:aws:iam::111122223333:role/CognitoAccess";
  record.finding.resource_type = "AWS::IAM::Role";
  record.finding.resource_owner_account = "111122223333";
  record.status = FindingStatus::kArchived;
  record.created_at = record.analyzed_at = record.updated_at =
      At(1717243200);  // 2024-06-01T12:00:00Z
  return record;
}

FindingRecord ErrorFinding() {
  FindingRecord record;
  record.finding.id = "00000000-0000-8000-8000-000000000003";
  record.finding.resource = "arn:aws:kms:us-east-1:111122223333:key/1234";
  record.finding.resource_type = "AWS::KMS::Key";
  record.finding.resource_owner_account = "111122223333";
  record.finding.error = "ACCESS_DENIED";
  return record;
}

struct MatchCase {
  std::string name;
  std::string filter;
  bool bucket;  // expected match on Bucket()
  bool role;    // on Role()
  bool error;   // on ErrorFinding()
};

class FilterMatchTest : public testing::TestWithParam<MatchCase> {};

TEST_P(FilterMatchTest, MatchesAsAwsDescribes) {
  const MatchCase& c = GetParam();
  json::ParseResult parsed = json::Parse(c.filter);
  ASSERT_TRUE(parsed.ok()) << parsed.issues[0].message;
  std::vector<base::Issue> issues;
  std::optional<FindingFilter> filter =
      ParseFindingFilter(parsed.document.root(), FilterUse::kListFindings, issues);
  ASSERT_TRUE(filter.has_value()) << issues[0].message;
  EXPECT_EQ(filter->Matches(Bucket()), c.bucket);
  EXPECT_EQ(filter->Matches(Role()), c.role);
  EXPECT_EQ(filter->Matches(ErrorFinding()), c.error);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FilterMatchTest,
    testing::Values(
        MatchCase{"empty_matches_all", R"({})", true, true, true},
        // aws accessanalyzer create-archive-rule example (AWS CLI reference).
        MatchCase{
            "cli_archive_rule_example",
            R"({"resource": {"contains": ["Cognito"]}, "resourceType": {"eq": ["AWS::IAM::Role"]}})",
            false, true, false},
        // The quick-start flow: list-findings --filter '{"status": {"eq": ["ACTIVE"]}}'.
        MatchCase{"status_active", R"({"status": {"eq": ["ACTIVE"]}})", true, false, true},
        MatchCase{"status_or", R"({"status": {"eq": ["ARCHIVED", "RESOLVED"]}})", false, true,
                  false},
        // The user guide recommends isPublic=false in archive rules.
        MatchCase{"is_public_false", R"({"isPublic": {"eq": ["false"]}})", false, true, false},
        MatchCase{"is_public_ignores_case", R"({"isPublic": {"eq": ["TRUE"]}})", true, false,
                  false},
        MatchCase{"resource_type_ignores_case", R"({"resourceType": {"eq": ["aws::s3::bucket"]}})",
                  true, false, false},
        MatchCase{"resource_is_case_sensitive", R"({"resource": {"contains": ["cognito"]}})", true,
                  false, false},
        MatchCase{"principal_account", R"({"principal.AWS": {"eq": ["999988887777"]}})", false,
                  true, false},
        MatchCase{"principal_neq_missing_matches", R"({"principal.AWS": {"neq": ["*"]}})", false,
                  true, true},
        MatchCase{"principal_federated_absent", R"({"principal.Federated": {"exists": false}})",
                  true, true, true},
        MatchCase{"condition_exists", R"({"condition.aws:SourceVpc": {"exists": true}})", false,
                  true, false},
        MatchCase{"condition_key_ignores_case",
                  R"({"condition.aws:sourcevpc": {"eq": ["vpc-1a2b3c4d"]}})", false, true, false},
        MatchCase{"condition_value_case_sensitive",
                  R"({"condition.aws:SourceVpc": {"eq": ["VPC-1A2B3C4D"]}})", false, false, false},
        MatchCase{"error_exists", R"({"error": {"exists": true}})", false, false, true},
        MatchCase{"error_eq", R"({"error": {"eq": ["ACCESS_DENIED"]}})", false, false, true},
        MatchCase{"is_public_absent_on_error", R"({"isPublic": {"exists": false}})", false, false,
                  true},
        MatchCase{
            "criteria_and",
            R"({"resourceOwnerAccount": {"eq": ["111122223333"]}, "isPublic": {"eq": ["true"]}})",
            true, false, false},
        MatchCase{
            "operators_and",
            R"({"resource": {"contains": ["Cognito", "cognito"], "neq": ["arn:aws:s3:::cognito-exports"]}})",
            false, true, false},
        MatchCase{"neq_none_equal",
                  R"({"resourceType": {"neq": ["AWS::S3::Bucket", "AWS::KMS::Key"]}})", false, true,
                  false},
        MatchCase{"action_any", R"({"action": {"eq": ["s3:ListBucket"]}})", true, false, false},
        MatchCase{"action_neq_all", R"({"action": {"neq": ["s3:ListBucket"]}})", false, true, true},
        MatchCase{"action_contains", R"({"action": {"contains": ["Assume"]}})", false, true, false},
        MatchCase{"id_eq", R"({"id": {"eq": ["00000000-0000-8000-8000-000000000002"]}})", false,
                  true, false},
        MatchCase{"created_month", R"({"createdAt": {"contains": ["2024-06"]}})", false, true,
                  false},
        MatchCase{"finding_type", R"({"findingType": {"eq": ["ExternalAccess"]}})", true, true,
                  true},
        MatchCase{"rcp_not_applicable",
                  R"({"resourceControlPolicyRestriction": {"eq": ["NOT_APPLICABLE"]}})", true, true,
                  false},
        MatchCase{"exists_and_eq", R"({"principal.AWS": {"exists": true, "neq": ["*"]}})", false,
                  true, false}),
    [](const testing::TestParamInfo<MatchCase>& info) { return info.param.name; });

struct BadFilterCase {
  std::string name;
  std::string filter;
  FilterUse use;
  std::string code;
  uint32_t line;
  uint32_t column;
};

class FilterErrorTest : public testing::TestWithParam<BadFilterCase> {};

TEST_P(FilterErrorTest, ReportsPositionedError) {
  const BadFilterCase& c = GetParam();
  json::ParseResult parsed = json::Parse(c.filter);
  ASSERT_TRUE(parsed.ok()) << parsed.issues[0].message;
  std::vector<base::Issue> issues;
  std::optional<FindingFilter> filter = ParseFindingFilter(parsed.document.root(), c.use, issues);
  EXPECT_FALSE(filter.has_value());
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issues[0].code, c.code) << issues[0].message;
  EXPECT_EQ(issues[0].position.line, c.line) << issues[0].message;
  EXPECT_EQ(issues[0].position.column, c.column) << issues[0].message;
}

constexpr FilterUse kList = FilterUse::kListFindings;
constexpr FilterUse kRule = FilterUse::kArchiveRule;

INSTANTIATE_TEST_SUITE_P(
    Cases, FilterErrorTest,
    testing::Values(
        BadFilterCase{"not_object", R"(["status"])", kList, "filter.type", 1, 1},
        BadFilterCase{"unknown_key", "{\n  \"Status\": {\"eq\": [\"ACTIVE\"]}}", kList,
                      "filter.unknown-key", 2, 3},
        BadFilterCase{"unknown_principal_type", R"({"principal.aws": {"eq": ["1"]}})", kList,
                      "filter.unknown-key", 1, 2},
        BadFilterCase{"bare_condition", R"({"condition.": {"exists": true}})", kList,
                      "filter.unknown-key", 1, 2},
        BadFilterCase{"unknown_operator", "{\"status\": {\n  \"equals\": [\"ACTIVE\"]}}", kList,
                      "filter.unknown-operator", 2, 3},
        BadFilterCase{"status_in_rule", R"({"status": {"eq": ["ACTIVE"]}})", kRule,
                      "filter.not-in-archive-rule", 1, 2},
        BadFilterCase{"id_in_rule", R"({"id": {"eq": ["x"]}})", kRule, "filter.not-in-archive-rule",
                      1, 2},
        BadFilterCase{"criterion_not_object", R"({"status": ["ACTIVE"]})", kList, "filter.type", 1,
                      12},
        BadFilterCase{"eq_not_list", R"({"status": {"eq": "ACTIVE"}})", kList, "filter.type", 1,
                      19},
        BadFilterCase{"eq_empty", R"({"status": {"eq": []}})", kList, "filter.value-count", 1, 19},
        BadFilterCase{
            "eq_21_values",
            R"({"resource": {"eq": ["1","2","3","4","5","6","7","8","9","10","11","12","13","14","15","16","17","18","19","20","21"]}})",
            kList, "filter.value-count", 1, 21},
        BadFilterCase{"value_not_string", R"({"isPublic": {"eq": [false]}})", kList, "filter.type",
                      1, 22},
        BadFilterCase{"exists_not_bool", R"({"error": {"exists": "true"}})", kList, "filter.type",
                      1, 22},
        BadFilterCase{"empty_criterion", R"({"error": {}})", kList, "filter.empty-criterion", 1,
                      11}),
    [](const testing::TestParamInfo<BadFilterCase>& info) { return info.param.name; });

TEST(FindingFilterTest, UndocumentedConditionKeyIsAWarning) {
  json::ParseResult parsed = json::Parse(R"({"condition.aws:SourceVPCE": {"exists": true},
                                            "condition.aws:Referer": {"exists": false}})");
  ASSERT_TRUE(parsed.ok());
  std::vector<base::Issue> issues;
  std::optional<FindingFilter> filter = ParseFindingFilter(parsed.document.root(), kRule, issues);
  ASSERT_TRUE(filter.has_value());
  ASSERT_EQ(issues.size(), 1u);
  EXPECT_EQ(issues[0].severity, base::Severity::kWarning);
  EXPECT_EQ(issues[0].code, "filter.undocumented-condition-key");
  EXPECT_EQ(issues[0].position.line, 2u);
}

TEST(FindingFilterTest, ReportsEveryProblem) {
  json::ParseResult parsed =
      json::Parse(R"({"nope": {"eq": ["x"]}, "status": {"like": ["x"]}, "error": {}})");
  ASSERT_TRUE(parsed.ok());
  std::vector<base::Issue> issues;
  EXPECT_FALSE(ParseFindingFilter(parsed.document.root(), kList, issues).has_value());
  ASSERT_EQ(issues.size(), 3u);
  EXPECT_EQ(issues[0].code, "filter.unknown-key");
  EXPECT_EQ(issues[1].code, "filter.unknown-operator");
  EXPECT_EQ(issues[2].code, "filter.empty-criterion");
}

TEST(ArchiveRulesTest, ReportsEveryProblemOfARule) {
  std::vector<base::Issue> issues;
  EXPECT_FALSE(ParseArchiveRules(R"([{"ruleName": "9a", "filters": {}, "filter": {}}, {}])", issues)
                   .has_value());
  std::vector<std::string> got;
  for (const base::Issue& issue : issues)
    got.push_back(base::Concat(issue.code, " ", issue.message));
  EXPECT_EQ(got,
            (std::vector<std::string>{
                "archive-rules.unknown-member unknown archive rule member 'filters'; expected "
                "ruleName and filter",
                "archive-rules.invalid-name a rule name is 1 to 255 letters, digits, '_', '.' or "
                "'-', starting with a letter",
                "archive-rules.missing-member an archive rule needs \"ruleName\"",
                "archive-rules.missing-member an archive rule needs \"filter\""}));
}

struct RuleNameCase {
  std::string name;
  bool valid;
};

class RuleNameTest : public testing::TestWithParam<RuleNameCase> {};

TEST_P(RuleNameTest, FollowsTheNameShape) {
  EXPECT_EQ(IsValidArchiveRuleName(GetParam().name), GetParam().valid);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RuleNameTest,
    testing::Values(RuleNameCase{"ArchiveRule-1", true}, RuleNameCase{"a.b_c-d", true},
                    RuleNameCase{"x", true}, RuleNameCase{std::string(255, 'a'), true},
                    RuleNameCase{std::string(256, 'a'), false}, RuleNameCase{"", false},
                    RuleNameCase{"1rule", false}, RuleNameCase{"_rule", false},
                    RuleNameCase{"my rule", false}, RuleNameCase{"r\xC3\xA9gle", false}));

TEST(ArchiveRulesFileTest, ReadsAListAndMatchesInOrder) {
  std::vector<base::Issue> issues;
  std::optional<std::vector<ArchiveRule>> rules = ParseArchiveRules(R"([
    {"ruleName": "trusted-partner", "filter": {"principal.AWS": {"eq": ["999988887777"]}, "isPublic": {"eq": ["false"]}}},
    {"ruleName": "roles", "filter": {"resourceType": {"eq": ["AWS::IAM::Role"]}}}
  ])",
                                                                    issues);
  ASSERT_TRUE(rules.has_value()) << issues[0].message;
  ASSERT_EQ(rules->size(), 2u);
  const ArchiveRule* rule = FirstMatchingRule(*rules, Role());
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->rule_name, "trusted-partner");
  EXPECT_EQ(FirstMatchingRule(*rules, Bucket()), nullptr);
}

TEST(ArchiveRulesFileTest, ReadsListArchiveRulesOutput) {
  std::vector<base::Issue> issues;
  std::optional<std::vector<ArchiveRule>> rules = ParseArchiveRules(R"({"archiveRules": [
    {"ruleName": "MyRule", "filter": {"resource": {"contains": ["Cognito"]}},
     "createdAt": "2019-12-03T22:49:12+00:00", "updatedAt": "2019-12-03T22:49:12+00:00"}]})",
                                                                    issues);
  ASSERT_TRUE(rules.has_value()) << issues[0].message;
  ASSERT_EQ(rules->size(), 1u);
  EXPECT_EQ((*rules)[0].rule_name, "MyRule");
}

struct BadRulesCase {
  std::string name;
  std::string source;
  std::string code;
  uint32_t line;
  uint32_t column;
};

class ArchiveRulesErrorTest : public testing::TestWithParam<BadRulesCase> {};

TEST_P(ArchiveRulesErrorTest, ReportsPositionedError) {
  const BadRulesCase& c = GetParam();
  std::vector<base::Issue> issues;
  EXPECT_FALSE(ParseArchiveRules(c.source, issues).has_value());
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issues[0].code, c.code) << issues[0].message;
  EXPECT_EQ(issues[0].position.line, c.line) << issues[0].message;
  EXPECT_EQ(issues[0].position.column, c.column) << issues[0].message;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ArchiveRulesErrorTest,
    testing::Values(
        BadRulesCase{"bad_json", "[{\"ruleName\": \"a\",}]", "json.unexpected-character", 1, 19},
        BadRulesCase{"not_list", R"("rules")", "archive-rules.type", 1, 1},
        BadRulesCase{"object_without_list", R"({"rules": []})", "archive-rules.type", 1, 1},
        BadRulesCase{"rule_not_object", R"([1])", "archive-rules.type", 1, 2},
        BadRulesCase{"missing_filter", R"([{"ruleName": "a"}])", "archive-rules.missing-member", 1,
                     2},
        BadRulesCase{"unknown_member", R"([{"ruleName": "a", "filters": {}}])",
                     "archive-rules.unknown-member", 1, 20},
        BadRulesCase{"invalid_name", R"([{"ruleName": "9a", "filter": {}}])",
                     "archive-rules.invalid-name", 1, 15},
        BadRulesCase{
            "duplicate_name",
            "[{\"ruleName\": \"a\", \"filter\": {}},\n {\"ruleName\": \"a\", \"filter\": {}}]",
            "archive-rules.duplicate-name", 2, 15},
        BadRulesCase{"status_in_rule",
                     "[{\"ruleName\": \"a\",\n  \"filter\": {\"status\": {\"eq\": [\"ACTIVE\"]}}}]",
                     "filter.not-in-archive-rule", 2, 14}),
    [](const testing::TestParamInfo<BadRulesCase>& info) { return info.param.name; });

}  // namespace
}  // namespace perimeter::findings
