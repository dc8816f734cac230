// One suite, run on every Store implementation: the contract of store.h.
#include "perimeter/store/store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <functional>
#include <memory>

#include "perimeter/base/text.h"
#include "perimeter/store/memory/memory_store.h"
#include "perimeter/store/sqlite/sqlite_store.h"

namespace perimeter::store {
namespace {

struct StoreFactory {
  std::string name;
  // Opens the store at `dir`; opening the same dir again must see the same state (when durable).
  std::function<std::unique_ptr<Store>(const std::string& dir)> open;
  bool durable = false;
};

class StoreTest : public testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    dir_ = (std::filesystem::temp_directory_path() /
            ("perimeter-store-test-" + std::to_string(getpid()) + "-" +
             testing::UnitTest::GetInstance()->current_test_info()->name()))
               .string();
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    store_ = GetParam().open(dir_);
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    if (!GetParam().durable) return;
    store_.reset();
    store_ = GetParam().open(dir_);
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
};

absl::Time At(int seconds) { return absl::FromUnixSeconds(1714564800 + seconds); }

Analyzer MakeAnalyzer(std::string name, int created) {
  Analyzer analyzer;
  analyzer.name = name;
  analyzer.arn = "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/" + name;
  analyzer.account_id = "111122223333";
  analyzer.region = "us-east-1";
  analyzer.type = AnalyzerType::kOrganization;
  analyzer.created_at = At(created);
  analyzer.tags = {{"team", "sec"}, {"k", "v \"quoted\""}};
  return analyzer;
}

findings::FindingRecord MakeFinding(std::string id, std::string resource) {
  findings::FindingRecord record;
  record.finding.id = id;
  record.finding.resource = resource;
  record.finding.resource_type = "AWS::S3::Bucket";
  record.finding.resource_owner_account = "111122223333";
  record.finding.principal = {{"AWS", "999988887777"}};
  record.finding.actions = {"s3:GetObject", "s3:ListBucket"};
  record.finding.condition = {{"aws:SourceVpc", "vpc-1"}};
  record.finding.is_public = true;
  record.finding.sources = {findings::FindingSource{findings::FindingSourceType::kS3AccessPoint,
                                                    "arn:aws:s3:us-east-1:111122223333:accesspoint/ap", std::nullopt}};
  record.status = findings::FindingStatus::kActive;
  record.created_at = At(1);
  record.analyzed_at = At(2);
  record.updated_at = At(3);
  return record;
}

void ExpectSameFinding(const findings::FindingRecord& a, const findings::FindingRecord& b) {
  EXPECT_EQ(a.id(), b.id());
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.analyzed_at, b.analyzed_at);
  EXPECT_EQ(a.updated_at, b.updated_at);
  EXPECT_EQ(a.finding.principal, b.finding.principal);
  EXPECT_EQ(a.finding.actions, b.finding.actions);
  EXPECT_EQ(a.finding.condition, b.finding.condition);
  EXPECT_EQ(a.finding.is_public, b.finding.is_public);
  EXPECT_EQ(a.finding.resource, b.finding.resource);
  EXPECT_EQ(a.finding.resource_type, b.finding.resource_type);
  EXPECT_EQ(a.finding.resource_owner_account, b.finding.resource_owner_account);
  EXPECT_EQ(a.finding.sources, b.finding.sources);
  EXPECT_EQ(a.finding.error, b.finding.error);
}

TEST_P(StoreTest, AnalyzersRoundTripInCreationOrder) {
  Analyzer b = MakeAnalyzer("b", 1);
  Analyzer a = MakeAnalyzer("a", 2);
  a.status = AnalyzerStatus::kDisabled;
  a.status_reason = StatusReasonCode::kDelegatedAdministratorDeregistered;
  a.last_resource_analyzed = "arn:aws:s3:::x";
  a.last_resource_analyzed_at = At(5);
  a.configuration_json = R"({"unusedAccess":{"unusedAccessAge":90}})";
  ASSERT_TRUE(store_->PutAnalyzer(b).ok());
  ASSERT_TRUE(store_->PutAnalyzer(a).ok());
  Reopen();
  auto listed = store_->ListAnalyzers();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0], b);
  EXPECT_EQ((*listed)[1], a);
  auto got = store_->GetAnalyzer(a.arn);
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, a);
  auto missing = store_->GetAnalyzer("arn:nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());

  a.status = AnalyzerStatus::kActive;
  a.status_reason.reset();
  ASSERT_TRUE(store_->PutAnalyzer(a).ok());
  EXPECT_EQ(**store_->GetAnalyzer(a.arn), a);
}

TEST_P(StoreTest, DeletingAnAnalyzerDeletesItsRulesAndFindings) {
  Analyzer a = MakeAnalyzer("a", 1);
  ASSERT_TRUE(store_->PutAnalyzer(a).ok());
  ASSERT_TRUE(store_->PutArchiveRule({a.arn, "r", R"({"isPublic":{"eq":["false"]}})", At(1), At(1)}).ok());
  std::vector<findings::FindingRecord> records = {MakeFinding("f1", "arn:aws:s3:::x")};
  ASSERT_TRUE(store_->WriteFindings(a.arn, records, {}).ok());
  ASSERT_TRUE(store_->DeleteAnalyzer(a.arn).ok());
  Reopen();
  EXPECT_FALSE(store_->GetAnalyzer(a.arn)->has_value());
  EXPECT_TRUE(store_->ListArchiveRules(a.arn)->empty());
  EXPECT_TRUE(store_->ListFindings(a.arn)->empty());
  EXPECT_TRUE(store_->DeleteAnalyzer(a.arn).ok());
}

TEST_P(StoreTest, ArchiveRules) {
  std::string arn = "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/a";
  ArchiveRuleRecord second{arn, "b-rule", R"({"x":{"exists":true}})", At(1), At(1)};
  ArchiveRuleRecord first{arn, "a-rule", R"({"y":{"eq":["1"]}})", At(2), At(2)};
  ASSERT_TRUE(store_->PutArchiveRule(second).ok());
  ASSERT_TRUE(store_->PutArchiveRule(first).ok());
  ASSERT_TRUE(store_->PutArchiveRule({arn + "x", "other", "{}", At(0), At(0)}).ok());
  Reopen();
  auto listed = store_->ListArchiveRules(arn);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0], second);
  EXPECT_EQ((*listed)[1], first);
  first.filter_json = "{}";
  first.updated_at = At(9);
  ASSERT_TRUE(store_->PutArchiveRule(first).ok());
  EXPECT_EQ(**store_->GetArchiveRule(arn, "a-rule"), first);
  ASSERT_TRUE(store_->DeleteArchiveRule(arn, "a-rule").ok());
  EXPECT_FALSE(store_->GetArchiveRule(arn, "a-rule")->has_value());
  EXPECT_EQ(store_->ListArchiveRules(arn)->size(), 1u);
}

TEST_P(StoreTest, FindingsUpsertAndDeleteAtomically) {
  std::string arn = "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/a";
  findings::FindingRecord one = MakeFinding("f1", "arn:aws:s3:::x");
  findings::FindingRecord two = MakeFinding("f2", "arn:aws:s3:::y");
  two.finding.error = "INTERNAL_ERROR";
  two.finding.principal.clear();
  two.finding.sources.clear();
  std::vector<findings::FindingRecord> records = {two, one};
  ASSERT_TRUE(store_->WriteFindings(arn, records, {}).ok());
  Reopen();
  auto listed = store_->ListFindings(arn);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  ExpectSameFinding((*listed)[0], one);
  ExpectSameFinding((*listed)[1], two);
  auto by_resource = store_->ListFindingsForResource(arn, "arn:aws:s3:::y");
  ASSERT_EQ(by_resource->size(), 1u);
  ExpectSameFinding(by_resource->front(), two);

  one.status = findings::FindingStatus::kArchived;
  one.updated_at = At(50);
  std::vector<findings::FindingRecord> update = {one};
  std::vector<std::string> deleted = {"f2"};
  ASSERT_TRUE(store_->WriteFindings(arn, update, deleted).ok());
  Reopen();
  listed = store_->ListFindings(arn);
  ASSERT_EQ(listed->size(), 1u);
  ExpectSameFinding(listed->front(), one);
  ExpectSameFinding(**store_->GetFinding(arn, "f1"), one);
  EXPECT_FALSE(store_->GetFinding(arn, "f2")->has_value());
  EXPECT_FALSE(store_->GetFinding(arn + "other", "f1")->has_value());
}

TEST_P(StoreTest, OrganizationState) {
  ASSERT_TRUE(store_->PutServiceAccess({"access-analyzer.amazonaws.com", At(1)}).ok());
  ASSERT_TRUE(store_->PutServiceAccess({"access-analyzer.amazonaws.com", At(7)}).ok());  // keeps the first date
  ASSERT_TRUE(store_->PutServiceAccess({"config.amazonaws.com", At(2)}).ok());
  ASSERT_TRUE(store_->PutDelegatedAdministrator({"234598760742", "access-analyzer.amazonaws.com", At(3)}).ok());
  ASSERT_TRUE(store_->PutDelegatedAdministrator({"111111111111", "config.amazonaws.com", At(4)}).ok());
  Reopen();
  auto access = store_->ListServiceAccess();
  ASSERT_EQ(access->size(), 2u);
  EXPECT_EQ((*access)[0], (ServiceAccess{"access-analyzer.amazonaws.com", At(1)}));
  auto admins = store_->ListDelegatedAdministrators();
  ASSERT_EQ(admins->size(), 2u);
  EXPECT_EQ((*admins)[0].account_id, "234598760742");
  ASSERT_TRUE(store_->DeleteServiceAccess("config.amazonaws.com").ok());
  ASSERT_TRUE(store_->DeleteDelegatedAdministrator("234598760742", "access-analyzer.amazonaws.com").ok());
  ASSERT_TRUE(store_->DeleteDelegatedAdministrator("234598760742", "access-analyzer.amazonaws.com").ok());
  EXPECT_EQ(store_->ListServiceAccess()->size(), 1u);
  EXPECT_EQ(store_->ListDelegatedAdministrators()->size(), 1u);
}

TEST_P(StoreTest, InventoryAndClientTokens) {
  std::vector<InventoryRecord> records = {
      {InventoryKind::kResource, "arn:aws:s3:::b", R"({"kind":"resource"})", At(1)},
      {InventoryKind::kResource, "arn:aws:s3:::a", R"({"kind":"resource","x":1})", At(1)},
      {InventoryKind::kAccount, "111122223333", R"({"kind":"account"})", At(1)}};
  ASSERT_TRUE(store_->PutInventory(records).ok());
  Reopen();
  auto resources = store_->ListInventory(InventoryKind::kResource);
  ASSERT_EQ(resources->size(), 2u);
  EXPECT_EQ((*resources)[0], records[1]);
  EXPECT_EQ(**store_->GetInventory(InventoryKind::kAccount, "111122223333"), records[2]);
  ASSERT_TRUE(store_->DeleteInventory(InventoryKind::kResource, "arn:aws:s3:::a").ok());
  EXPECT_EQ(store_->ListInventory(InventoryKind::kResource)->size(), 1u);

  EXPECT_FALSE(store_->GetClientToken("111122223333/CreateAnalyzer/t")->has_value());
  ASSERT_TRUE(store_->PutClientToken("111122223333/CreateAnalyzer/t", "arn:x").ok());
  Reopen();
  EXPECT_EQ(**store_->GetClientToken("111122223333/CreateAnalyzer/t"), "arn:x");
}

// ListFindingsPage walks every page exactly as findings::Paginate walks the sorted, filtered listing, for
// every sort and order (the sqlite store answers the column-backed sorts with keyset queries over its
// indexes, the others through the generic path). Timestamps with sub-millisecond parts and ties on the
// sort value check that the keyset key is the millisecond text the tokens carry, tie-broken by id.
TEST_P(StoreTest, FindingPagesFollowPaginate) {
  const std::string arn = MakeAnalyzer("a", 0).arn;
  std::vector<findings::FindingRecord> records;
  for (int i = 0; i < 57; ++i) {
    findings::FindingRecord record = MakeFinding(base::Concat("id-", 1000 + (i * 37) % 57), base::Concat("arn:aws:s3:::b", i % 7));
    record.created_at = At(i % 5) + absl::Microseconds(i * 131 % 1000);
    record.analyzed_at = At(100 - i);
    record.updated_at = At(i % 3);
    record.status = i % 4 == 0 ? findings::FindingStatus::kArchived : findings::FindingStatus::kActive;
    record.finding.is_public = i % 2 == 0;
    records.push_back(record);
  }
  ASSERT_TRUE(store_->WriteFindings(arn, records, {}).ok());
  ASSERT_TRUE(store_->WriteFindings("arn:aws:access-analyzer:us-east-1:111122223333:analyzer/other",
                                    std::vector<findings::FindingRecord>{MakeFinding("id-x", "arn:aws:s3:::x")}, {})
                  .ok());
  auto keep = [](const findings::FindingRecord& record) { return record.status == findings::FindingStatus::kActive; };
  for (findings::SortAttribute attribute :
       {findings::SortAttribute::kId, findings::SortAttribute::kResource, findings::SortAttribute::kStatus,
        findings::SortAttribute::kCreatedAt, findings::SortAttribute::kAnalyzedAt, findings::SortAttribute::kUpdatedAt,
        findings::SortAttribute::kIsPublic, findings::SortAttribute::kResourceType}) {
    for (findings::SortOrder order : {findings::SortOrder::kAscending, findings::SortOrder::kDescending}) {
      findings::FindingSort sort{attribute, order};
      SCOPED_TRACE(base::Concat(findings::SortAttributeName(attribute), order == findings::SortOrder::kAscending ? " ASC" : " DESC"));
      std::vector<findings::FindingRecord> expected;
      for (const findings::FindingRecord& record : records) {
        if (keep(record)) expected.push_back(record);
      }
      findings::SortFindings(expected, sort);
      std::vector<std::string> walked;
      std::optional<findings::PageToken> after;
      for (int page_number = 0; page_number < 100; ++page_number) {
        absl::StatusOr<FindingPage> page = store_->ListFindingsPage(arn, FindingPageQuery{sort, after, keep, 9});
        ASSERT_TRUE(page.ok()) << page.status();
        ASSERT_LE(page->records.size(), 9u);
        for (const findings::FindingRecord& record : page->records) walked.push_back(record.id());
        if (!page->more) break;
        const findings::FindingRecord& last = page->records.back();
        after = findings::PageToken{sort, findings::SortValue(last, attribute), last.id()};
      }
      std::vector<std::string> expected_ids;
      for (const findings::FindingRecord& record : expected) expected_ids.push_back(record.id());
      EXPECT_EQ(walked, expected_ids);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Stores, StoreTest,
    testing::Values(StoreFactory{"Memory", [](const std::string&) { return std::make_unique<MemoryStore>(); }, false},
                    StoreFactory{"Sqlite",
                                 [](const std::string& dir) -> std::unique_ptr<Store> {
                                   auto store = SqliteStore::Open(dir + "/perimeter.db");
                                   if (!store.ok()) return nullptr;
                                   return std::move(store).value();
                                 },
                                 true}),
    [](const testing::TestParamInfo<StoreFactory>& info) { return info.param.name; });

}  // namespace
}  // namespace perimeter::store
