#include "perimeter/findings/lifecycle.h"

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace perimeter::findings {
namespace {

constexpr std::string_view kScope = "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/a";

absl::Time Day(int day) {
  return absl::FromUnixSeconds(1704067200) + absl::Hours(24 * day);
}  // 2024-01-01 + day

Finding Access(std::map<std::string, std::string> principal, std::vector<std::string> actions,
               std::map<std::string, std::string> condition = {}, bool is_public = false) {
  Finding finding;
  finding.principal = std::move(principal);
  finding.actions = std::move(actions);
  finding.condition = std::move(condition);
  finding.is_public = is_public;
  finding.resource = "arn:aws:s3:::bucket";
  finding.resource_type = "AWS::S3::Bucket";
  finding.resource_owner_account = "111122223333";
  finding.sources = {FindingSource{}};
  return finding;
}

// The accesses the cases talk about, by name.
const std::map<std::string, Finding>& Specs() {
  static const auto* specs = [] {
    auto* map = new std::map<std::string, Finding>;
    (*map)["A"] = Access({{"AWS", "999988887777"}}, {"s3:GetObject"});
    (*map)["A+put"] = Access({{"AWS", "999988887777"}}, {"s3:GetObject", "s3:PutObject"});
    (*map)["A+vpc"] =
        Access({{"AWS", "999988887777"}}, {"s3:GetObject"}, {{"aws:SourceVpc", "vpc-1"}});
    (*map)["P"] = Access({{"AWS", "*"}}, {"s3:GetObject"}, {}, true);
    Finding error;
    error.resource = "arn:aws:s3:::bucket";
    error.resource_type = "AWS::S3::Bucket";
    error.resource_owner_account = "111122223333";
    error.error = "INTERNAL_ERROR";
    (*map)["E"] = error;
    return map;
  }();
  return *specs;
}

LifecycleOptions Options(std::span<const ArchiveRule> rules = {}) {
  LifecycleOptions options;
  options.scope = kScope;
  options.archive_rules = rules;
  return options;
}

std::string IdOf(const std::string& spec) { return LifecycleFindingId(kScope, Specs().at(spec)); }

struct Stored {
  std::string spec;
  FindingStatus status;
  int created_day;
  int updated_day;
};

struct Expected {
  std::string spec;
  FindingChangeKind kind;
  std::optional<FindingStatus> status;  // nullopt: deleted
  int created_day = 0;
  int updated_day = 0;
  int analyzed_day = 0;
};

struct LifecycleCase {
  std::string name;
  std::vector<Stored> stored;
  std::vector<std::string> fresh;
  std::string archive_rule;  // a filter, or "" for none
  int now;
  std::vector<Expected> expected;
};

constexpr auto kActive = FindingStatus::kActive;
constexpr auto kArchived = FindingStatus::kArchived;
constexpr auto kResolved = FindingStatus::kResolved;
constexpr auto kCreated = FindingChangeKind::kCreated;
constexpr auto kUnchanged = FindingChangeKind::kUnchanged;
constexpr auto kResolvedChange = FindingChangeKind::kResolved;
constexpr auto kReactivated = FindingChangeKind::kReactivated;
constexpr auto kDeleted = FindingChangeKind::kDeleted;
constexpr std::string_view kPartnerRule = R"({"principal.AWS": {"eq": ["999988887777"]}})";

class LifecycleTest : public testing::TestWithParam<LifecycleCase> {};

TEST_P(LifecycleTest, AppliesAwsLifecycle) {
  const LifecycleCase& c = GetParam();
  std::vector<FindingRecord> stored;
  for (const Stored& s : c.stored) {
    FindingRecord record;
    record.finding = Specs().at(s.spec);
    record.finding.id = IdOf(s.spec);
    record.status = s.status;
    record.created_at = Day(s.created_day);
    record.updated_at = record.analyzed_at = Day(s.updated_day);
    stored.push_back(std::move(record));
  }
  std::vector<Finding> fresh;
  for (const std::string& spec : c.fresh) fresh.push_back(Specs().at(spec));
  std::vector<ArchiveRule> rules;
  if (!c.archive_rule.empty()) {
    json::ParseResult parsed = json::Parse(c.archive_rule);
    ASSERT_TRUE(parsed.ok());
    std::vector<base::Issue> issues;
    std::optional<FindingFilter> filter =
        ParseFindingFilter(parsed.document.root(), FilterUse::kArchiveRule, issues);
    ASSERT_TRUE(filter.has_value());
    rules.push_back(ArchiveRule{"partner", *filter});
  }

  LifecycleResult result = ApplyAnalysis(stored, fresh, Day(c.now), Options(rules));

  ASSERT_EQ(result.changes.size(), c.expected.size());
  std::map<std::string, const FindingChange*> changes;
  for (const FindingChange& change : result.changes) changes[change.id] = &change;
  std::map<std::string, const FindingRecord*> records;
  for (const FindingRecord& record : result.records) records[record.id()] = &record;
  size_t deleted = 0;
  for (const Expected& e : c.expected) {
    SCOPED_TRACE(e.spec);
    const std::string id = IdOf(e.spec);
    ASSERT_TRUE(changes.contains(id));
    EXPECT_EQ(FindingChangeKindName(changes[id]->kind), FindingChangeKindName(e.kind));
    if (!e.status.has_value()) {
      ++deleted;
      EXPECT_FALSE(records.contains(id));
      EXPECT_NE(std::find(result.deleted_ids.begin(), result.deleted_ids.end(), id),
                result.deleted_ids.end());
      continue;
    }
    ASSERT_TRUE(records.contains(id));
    const FindingRecord& record = *records[id];
    EXPECT_EQ(FindingStatusName(record.status), FindingStatusName(*e.status));
    EXPECT_EQ(record.created_at, Day(e.created_day));
    EXPECT_EQ(record.updated_at, Day(e.updated_day));
    EXPECT_EQ(record.analyzed_at, Day(e.analyzed_day));
    EXPECT_EQ(record.finding.id, id);
  }
  EXPECT_EQ(result.deleted_ids.size(), deleted);
  EXPECT_EQ(result.records.size() + deleted, c.expected.size());
}

// One line per case: stored findings, fresh analysis, archive rule, day of the analysis,
// expectations.
// clang-format off
INSTANTIATE_TEST_SUITE_P(
    Cases, LifecycleTest,
    testing::Values(
        LifecycleCase{"new_access_is_active", {}, {"A"}, "", 5, {{"A", kCreated, kActive, 5, 5, 5}}},
        LifecycleCase{"new_access_archived_by_rule", {}, {"A", "P"}, std::string(kPartnerRule), 5,
                      {{"A", kCreated, kArchived, 5, 5, 5}, {"P", kCreated, kActive, 5, 5, 5}}},
        LifecycleCase{"unchanged_keeps_status_and_updated_at", {{"A", kActive, 1, 2}}, {"A"}, "", 5,
                      {{"A", kUnchanged, kActive, 1, 2, 5}}},
        LifecycleCase{"archived_stays_archived", {{"A", kArchived, 1, 2}}, {"A"}, "", 5,
                      {{"A", kUnchanged, kArchived, 1, 2, 5}}},
        LifecycleCase{"rules_only_archive_new_findings", {{"A", kActive, 1, 1}}, {"A"}, std::string(kPartnerRule), 5,
                      {{"A", kUnchanged, kActive, 1, 1, 5}}},
        LifecycleCase{"gone_active_is_resolved", {{"A", kActive, 1, 1}}, {}, "", 5,
                      {{"A", kResolvedChange, kResolved, 1, 5, 5}}},
        LifecycleCase{"gone_archived_is_resolved", {{"A", kArchived, 1, 2}}, {}, "", 5,
                      {{"A", kResolvedChange, kResolved, 1, 5, 5}}},
        LifecycleCase{"changed_permissions_new_finding", {{"A", kActive, 1, 1}}, {"A+put"}, "", 5,
                      {{"A", kResolvedChange, kResolved, 1, 5, 5}, {"A+put", kCreated, kActive, 5, 5, 5}}},
        LifecycleCase{"changed_conditions_new_finding", {{"A", kArchived, 1, 2}}, {"A+vpc"}, "", 5,
                      {{"A", kResolvedChange, kResolved, 1, 5, 5}, {"A+vpc", kCreated, kActive, 5, 5, 5}}},
        LifecycleCase{"resolved_stays_untouched", {{"A", kResolved, 1, 3}}, {}, "", 10,
                      {{"A", kUnchanged, kResolved, 1, 3, 3}}},
        LifecycleCase{"resolved_access_returns_reactivated", {{"A", kResolved, 1, 3}}, {"A"}, "", 10,
                      {{"A", kReactivated, kActive, 1, 10, 10}}},
        LifecycleCase{"reactivated_archived_by_rule", {{"A", kResolved, 1, 3}}, {"A"}, std::string(kPartnerRule), 10,
                      {{"A", kReactivated, kArchived, 1, 10, 10}}},
        LifecycleCase{"error_fixed_is_deleted", {{"E", kActive, 1, 1}}, {}, "", 5, {{"E", kDeleted, std::nullopt}}},
        LifecycleCase{"error_persists", {{"E", kActive, 1, 1}}, {"E"}, "", 5, {{"E", kUnchanged, kActive, 1, 1, 5}}},
        LifecycleCase{"error_replaced_by_access", {{"E", kActive, 1, 1}}, {"A"}, "", 5,
                      {{"E", kDeleted, std::nullopt}, {"A", kCreated, kActive, 5, 5, 5}}},
        LifecycleCase{"resolved_purged_after_90_days", {{"A", kResolved, 1, 1}}, {}, "", 91,
                      {{"A", kDeleted, std::nullopt}}},
        LifecycleCase{"resolved_kept_before_90_days", {{"A", kResolved, 1, 1}}, {}, "", 90,
                      {{"A", kUnchanged, kResolved, 1, 1, 1}}},
        LifecycleCase{"expired_but_access_returns", {{"A", kResolved, 1, 1}}, {"A"}, "", 200,
                      {{"A", kReactivated, kActive, 1, 200, 200}}},
        LifecycleCase{"duplicate_fresh_merged", {}, {"A", "A"}, "", 5, {{"A", kCreated, kActive, 5, 5, 5}}},
        LifecycleCase{"mixed", {{"A", kActive, 1, 1}, {"P", kArchived, 1, 2}}, {"P", "A+put"}, "", 5,
                      {{"A", kResolvedChange, kResolved, 1, 5, 5},
                       {"P", kUnchanged, kArchived, 1, 2, 5},
                       {"A+put", kCreated, kActive, 5, 5, 5}}}),
    [](const testing::TestParamInfo<LifecycleCase>& info) { return info.param.name; });
// clang-format on

TEST(LifecycleTest, ChangedAccessIsRelatedToTheFindingItReplaces) {
  FindingRecord old;
  old.finding = Specs().at("A");
  old.finding.id = IdOf("A");
  std::vector<FindingRecord> stored = {old};
  std::vector<Finding> fresh = {Specs().at("A+put"), Specs().at("P")};
  LifecycleResult result = ApplyAnalysis(stored, fresh, Day(5), Options());
  std::map<std::string, std::vector<std::string>> related;
  for (const FindingChange& change : result.changes) related[change.id] = change.related_ids;
  EXPECT_EQ(related[IdOf("A")], std::vector<std::string>{IdOf("A+put")});
  EXPECT_EQ(related[IdOf("A+put")], std::vector<std::string>{IdOf("A")});
  EXPECT_TRUE(related[IdOf("P")].empty());
}

TEST(LifecycleTest, CreatedByRuleNamesTheRule) {
  json::ParseResult parsed = json::Parse(std::string(kPartnerRule));
  std::vector<base::Issue> issues;
  std::vector<ArchiveRule> rules = {ArchiveRule{
      "partner", *ParseFindingFilter(parsed.document.root(), FilterUse::kArchiveRule, issues)}};
  std::vector<Finding> fresh = {Specs().at("A")};
  LifecycleResult result = ApplyAnalysis({}, fresh, Day(1), Options(rules));
  ASSERT_EQ(result.changes.size(), 1u);
  EXPECT_EQ(result.changes[0].archived_by_rule, "partner");
}

TEST(LifecycleFindingIdTest, StableScopedAndSensitiveToAccess) {
  const Finding& a = Specs().at("A");
  EXPECT_EQ(LifecycleFindingId(kScope, a), LifecycleFindingId(kScope, a));
  EXPECT_NE(LifecycleFindingId(kScope, a), LifecycleFindingId("other", a));
  EXPECT_NE(LifecycleFindingId(kScope, a), LifecycleFindingId(kScope, Specs().at("A+put")));
  EXPECT_NE(LifecycleFindingId(kScope, a), LifecycleFindingId(kScope, Specs().at("A+vpc")));
  Finding reordered = Specs().at("A+put");
  std::reverse(reordered.actions.begin(), reordered.actions.end());
  EXPECT_EQ(LifecycleFindingId(kScope, reordered), LifecycleFindingId(kScope, Specs().at("A+put")));
  Finding with_witness = a;
  with_witness.witness.emplace();
  with_witness.witness->principal = "arn:aws:iam::999988887777:root";
  EXPECT_EQ(LifecycleFindingId(kScope, with_witness), LifecycleFindingId(kScope, a));
  const std::string id = LifecycleFindingId(kScope, a);
  ASSERT_EQ(id.size(), 36u);
  EXPECT_EQ(id[14], '8');                                                         // version 8
  EXPECT_TRUE(id[19] == '8' || id[19] == '9' || id[19] == 'a' || id[19] == 'b');  // variant 10
}

struct StatusUpdateCase {
  std::string name;
  FindingStatus from;
  FindingStatus to;
  absl::StatusCode code;
  bool changed;
};

class UpdateFindingStatusTest : public testing::TestWithParam<StatusUpdateCase> {};

TEST_P(UpdateFindingStatusTest, AllowsOnlyActiveAndArchived) {
  const StatusUpdateCase& c = GetParam();
  FindingRecord record;
  record.status = c.from;
  record.updated_at = Day(1);
  absl::StatusOr<bool> changed = UpdateFindingStatus(record, c.to, Day(2));
  EXPECT_EQ(changed.status().code(), c.code);
  if (!changed.ok()) {
    EXPECT_EQ(record.status, c.from);
    return;
  }
  EXPECT_EQ(*changed, c.changed);
  EXPECT_EQ(record.status, c.to);
  EXPECT_EQ(record.updated_at, c.changed ? Day(2) : Day(1));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, UpdateFindingStatusTest,
    testing::Values(StatusUpdateCase{"archive", kActive, kArchived, absl::StatusCode::kOk, true},
                    StatusUpdateCase{"unarchive", kArchived, kActive, absl::StatusCode::kOk, true},
                    StatusUpdateCase{"same", kActive, kActive, absl::StatusCode::kOk, false},
                    StatusUpdateCase{"resolve_by_hand", kActive, kResolved,
                                     absl::StatusCode::kInvalidArgument, false},
                    StatusUpdateCase{"resolved_is_final", kResolved, kArchived,
                                     absl::StatusCode::kFailedPrecondition, false}),
    [](const testing::TestParamInfo<StatusUpdateCase>& info) { return info.param.name; });

TEST(ApplyArchiveRuleTest, ArchivesMatchingActiveFindingsOnly) {
  std::vector<FindingRecord> records(4);
  const char* specs[] = {"A", "A+put", "P", "A+vpc"};
  const FindingStatus statuses[] = {kActive, kResolved, kActive, kArchived};
  for (size_t i = 0; i < records.size(); ++i) {
    records[i].finding = Specs().at(specs[i]);
    records[i].finding.id = IdOf(specs[i]);
    records[i].status = statuses[i];
    records[i].updated_at = Day(1);
  }
  json::ParseResult parsed = json::Parse(std::string(kPartnerRule));
  std::vector<base::Issue> issues;
  ArchiveRule rule{"partner",
                   *ParseFindingFilter(parsed.document.root(), FilterUse::kArchiveRule, issues)};
  std::vector<std::string> archived = ApplyArchiveRuleToRecords(rule, records, Day(3));
  EXPECT_EQ(archived, std::vector<std::string>{IdOf("A")});
  EXPECT_EQ(records[0].status, kArchived);
  EXPECT_EQ(records[0].updated_at, Day(3));
  EXPECT_EQ(records[1].status, kResolved);
  EXPECT_EQ(records[2].status, kActive);
  EXPECT_EQ(records[3].updated_at, Day(1));
}

TEST(ExpiredFindingIdsTest, OnlyResolvedPastRetention) {
  std::vector<FindingRecord> records(3);
  records[0].finding.id = "old-resolved";
  records[0].status = kResolved;
  records[0].updated_at = Day(0);
  records[1].finding.id = "old-archived";
  records[1].status = kArchived;
  records[1].updated_at = Day(0);
  records[2].finding.id = "recent-resolved";
  records[2].status = kResolved;
  records[2].updated_at = Day(50);
  EXPECT_EQ(ExpiredFindingIds(records, Day(100)), std::vector<std::string>{"old-resolved"});
  EXPECT_EQ(ExpiredFindingIds(records, Day(100), absl::Hours(24 * 30)),
            (std::vector<std::string>{"old-resolved", "recent-resolved"}));
}

}  // namespace
}  // namespace perimeter::findings
