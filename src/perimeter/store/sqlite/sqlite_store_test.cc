// What only the SQLite store has: its schema versions, and its group commit. A database written by
// the first releases (schema 1: user_version 0, findings WITHOUT ROWID with the finding in `body`)
// is upgraded by Open in place, keeping every record; a database from a newer Perimeter is refused.
#include "perimeter/store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "perimeter/base/text.h"
#include "perimeter/findings/finding_json.h"
#include "perimeter/store/internal/record_codec.h"
#include "perimeter/store/sqlite/internal/schema.h"

namespace perimeter::store {
namespace {

// The schema of the first releases, as they created it (tables that did not change are left out:
// the upgrade creates them).
constexpr const char* kSchemaVersion1 = R"sql(
CREATE TABLE analyzers(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, arn TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL,
  region TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, created_at INTEGER NOT NULL,
  status TEXT NOT NULL, status_reason TEXT, tags TEXT NOT NULL, configuration TEXT NOT NULL,
  last_resource TEXT NOT NULL, last_resource_at INTEGER);
CREATE TABLE findings(
  analyzer_arn TEXT NOT NULL, id TEXT NOT NULL, resource TEXT NOT NULL, status TEXT NOT NULL,
  created_at INTEGER NOT NULL, analyzed_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY(analyzer_arn, id)) WITHOUT ROWID;
CREATE INDEX findings_by_resource ON findings(analyzer_arn, resource);
CREATE INDEX findings_by_created ON findings(analyzer_arn, created_at / 1000, id);
CREATE INDEX findings_by_updated ON findings(analyzer_arn, updated_at / 1000, id);
CREATE INDEX findings_by_analyzed ON findings(analyzer_arn, analyzed_at / 1000, id);
CREATE INDEX findings_by_status ON findings(analyzer_arn, status, id);
)sql";

constexpr char kArn[] = "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/a";

class SqliteSchemaTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           base::Concat("perimeter-sqlite-test-", getpid(), "-",
                        testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "perimeter.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Runs `sql` on the database file directly.
  void Exec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }
  int64_t UserVersion() {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    sqlite3_stmt* statement = nullptr;
    sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &statement, nullptr);
    int64_t version =
        sqlite3_step(statement) == SQLITE_ROW ? sqlite3_column_int64(statement, 0) : -1;
    sqlite3_finalize(statement);
    sqlite3_close(db);
    return version;
  }

  std::filesystem::path dir_;
  std::string path_;
};

findings::FindingRecord Record(int i) {
  findings::FindingRecord record;
  record.finding.id = base::Concat("id-", 100 + i);
  record.finding.resource = base::Concat("arn:aws:s3:::bucket-", i % 3);
  record.finding.resource_type = "AWS::S3::Bucket";
  record.finding.resource_owner_account = "111122223333";
  record.finding.principal = {{"AWS", i % 2 == 0 ? "*" : "999988887777"}};
  record.finding.actions = {"s3:GetObject"};
  record.finding.is_public = i % 2 == 0;
  if (i == 4) record.finding.error = "ACCESS_DENIED";
  record.finding.sources = {
      findings::FindingSource{findings::FindingSourceType::kPolicy, std::nullopt, std::nullopt}};
  record.status =
      i % 3 == 0 ? findings::FindingStatus::kArchived : findings::FindingStatus::kActive;
  record.created_at = absl::FromUnixMicros(1714564800000000 + i * 1500);
  record.analyzed_at = record.created_at + absl::Seconds(1);
  record.updated_at = record.created_at + absl::Seconds(2);
  return record;
}

TEST_F(SqliteSchemaTest, UpgradesTheFirstSchemaKeepingEveryFinding) {
  std::string sql = kSchemaVersion1;
  sql += base::Concat(
      "INSERT INTO analyzers(arn, account_id, region, name, type, created_at, status, tags, "
      "configuration, "
      "last_resource) VALUES('",
      kArn,
      "', '111122223333', 'us-east-1', 'a', 'ACCOUNT', 1714564800000000, 'ACTIVE', '{}', '', '');");
  std::vector<findings::FindingRecord> records;
  for (int i = 0; i < 6; ++i) {
    findings::FindingRecord record = Record(i);
    sql += base::Concat("INSERT INTO findings VALUES('", kArn, "', '", record.id(), "', '",
                        record.finding.resource, "', '", findings::FindingStatusName(record.status),
                        "', ", absl::ToUnixMicros(record.created_at), ", ",
                        absl::ToUnixMicros(record.analyzed_at), ", ",
                        absl::ToUnixMicros(record.updated_at), ", '",
                        internal::EncodeFinding(record.finding), "');");
    records.push_back(record);
  }
  Exec(sql);
  ASSERT_EQ(UserVersion(), 0);

  for (int open = 0; open < 2; ++open) {  // the second open finds the upgraded schema
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(UserVersion(),
              internal::kSchemaVersion);  // brought to the current schema in one open
    EXPECT_TRUE((*store)->GetAnalyzer(kArn)->has_value());
    absl::StatusOr<std::vector<findings::FindingRecord>> listed = (*store)->ListFindings(kArn);
    ASSERT_TRUE(listed.ok()) << listed.status();
    ASSERT_EQ(listed->size(), records.size());
    for (size_t i = 0; i < records.size(); ++i) {
      EXPECT_EQ(findings::FindingObjectJson((*listed)[i]), findings::FindingObjectJson(records[i]));
    }
    // The derived columns are filled: a filtered, sorted page reads them.
    findings::FindingFilter active({findings::Criterion{
        "status", findings::FilterField::kStatus, "", {"active"}, {}, {}, {}}});
    FindingPageQuery query{findings::FindingSort{findings::SortAttribute::kUpdatedAt,
                                                 findings::SortOrder::kDescending},
                           std::nullopt, &active, 10};
    absl::StatusOr<FindingPage> page = (*store)->ListFindingsPage(kArn, query);
    ASSERT_TRUE(page.ok()) << page.status();
    std::vector<std::string> ids;
    for (const auto& entry : page->entries) {
      ids.push_back(entry->summary.id());
      EXPECT_EQ(entry->finding_json, findings::FindingObjectJson(
                                         records[std::stoi(entry->summary.id().substr(3)) - 100]));
    }
    std::vector<std::string> expected = {"id-105", "id-104", "id-102", "id-101"};
    if (open == 1) expected.insert(expected.begin(), "id-106");
    EXPECT_EQ(ids, expected);
    absl::StatusOr<FindingCounts> counts = (*store)->CountFindings(kArn);
    ASSERT_TRUE(counts.ok());
    int64_t total = 0;
    for (const FindingGroupCount& group : counts->groups) total += group.count;
    EXPECT_EQ(total, static_cast<int64_t>(records.size()));
    EXPECT_EQ((*store)->ListFindingsForResource(kArn, "arn:aws:s3:::bucket-1")->size(), 2u);
    if (open == 0) {
      // Written with the new schema beside the upgraded findings: ACTIVE, and the latest update.
      findings::FindingRecord added = Record(6);
      added.status = findings::FindingStatus::kActive;
      ASSERT_TRUE(
          (*store)->WriteFindings(kArn, std::vector<findings::FindingRecord>{added}, {}).ok());
      records.push_back(added);
    }
  }
}

// Schema 2 lacked the indexes of the sorts on resourceType, owner, isPublic and error: Open adds
// them and keeps every finding.
TEST_F(SqliteSchemaTest, UpgradesSchemaTwoWithTheSortIndexes) {
  std::vector<findings::FindingRecord> records;
  {
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    store::Analyzer analyzer;
    analyzer.arn = kArn;
    analyzer.account_id = "111122223333";
    analyzer.region = "us-east-1";
    analyzer.name = "a";
    ASSERT_TRUE((*store)->PutAnalyzer(analyzer).ok());
    for (int i = 0; i < 6; ++i) records.push_back(Record(i));
    ASSERT_TRUE((*store)->WriteFindings(kArn, records, {}).ok());
  }
  Exec(
      "DROP INDEX findings_by_status_type; DROP INDEX findings_by_status_owner; DROP INDEX "
      "findings_by_status_public;"
      "DROP INDEX findings_by_status_error; PRAGMA user_version = 2;");
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(UserVersion(), internal::kSchemaVersion);
  for (findings::SortAttribute attribute :
       {findings::SortAttribute::kResourceType, findings::SortAttribute::kIsPublic,
        findings::SortAttribute::kError, findings::SortAttribute::kResourceOwnerAccount}) {
    FindingPageQuery query{findings::FindingSort{attribute, findings::SortOrder::kAscending},
                           std::nullopt, nullptr, 10};
    absl::StatusOr<FindingPage> page = (*store)->ListFindingsPage(kArn, query);
    ASSERT_TRUE(page.ok()) << page.status();
    EXPECT_EQ(page->entries.size(), records.size());
  }
  // The error sort puts the finding without error first, the one with ACCESS_DENIED last.
  FindingPageQuery by_error{
      findings::FindingSort{findings::SortAttribute::kError, findings::SortOrder::kAscending},
      std::nullopt, nullptr, 10};
  absl::StatusOr<FindingPage> page = (*store)->ListFindingsPage(kArn, by_error);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->entries.back()->summary.id(), "id-104");
}

// Schema 3 keyed inventory records by (kind, key): the upgrade keys them by (kind, owner, key), a
// resource row's owner read from its resourceOwnerAccount, and keeps every record.
TEST_F(SqliteSchemaTest, UpgradesSchemaThreeKeyingTheInventoryByOwner) {
  { ASSERT_TRUE(SqliteStore::Open(path_).ok()); }
  Exec(R"sql(DROP TABLE inventory;
    CREATE TABLE inventory(kind TEXT NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL, updated_at INTEGER NOT NULL,
                           PRIMARY KEY(kind, key)) WITHOUT ROWID;
    INSERT INTO inventory VALUES('resource', 'arn:aws:s3:::b',
      '{"kind":"resource","resourceArn":"arn:aws:s3:::b","resourceOwnerAccount":"444455556666"}', 7);
    INSERT INTO inventory VALUES('account', '444455556666', '{"kind":"account","accountId":"444455556666"}', 8);
    PRAGMA user_version = 3;)sql");
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(UserVersion(), internal::kSchemaVersion);
  absl::StatusOr<std::vector<InventoryRecord>> resources =
      (*store)->ListInventory(InventoryKind::kResource);
  ASSERT_TRUE(resources.ok()) << resources.status();
  ASSERT_EQ(resources->size(), 1u);
  EXPECT_EQ((*resources)[0].owner, "444455556666");
  EXPECT_EQ((*resources)[0].key, "arn:aws:s3:::b");
  EXPECT_EQ((*resources)[0].updated_at, absl::FromUnixMicros(7));
  absl::StatusOr<std::optional<InventoryRecord>> account =
      (*store)->GetInventory(InventoryKind::kAccount, "", "444455556666");
  ASSERT_TRUE(account.ok() && account->has_value());
  EXPECT_EQ((*account)->json, R"({"kind":"account","accountId":"444455556666"})");
  // Another owner's claim on the bucket is a second record.
  InventoryRecord other{InventoryKind::kResource, "arn:aws:s3:::b", "{}", absl::FromUnixMicros(9),
                        "111122223333"};
  ASSERT_TRUE((*store)->PutInventory({&other, 1}).ok());
  EXPECT_EQ((*store)->ListInventory(InventoryKind::kResource)->size(), 2u);
}

// Schema 4 had no access previews: Open adds the table and keeps the rest.
TEST_F(SqliteSchemaTest, UpgradesSchemaFourWithAccessPreviews) {
  {
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->PutClientToken("t", "kept").ok());
  }
  Exec("DROP TABLE access_previews; PRAGMA user_version = 4;");
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ(UserVersion(), internal::kSchemaVersion);
  EXPECT_EQ(**(*store)->GetClientToken("t"), "kept");
  AccessPreviewRecord preview{kArn, "p1", absl::FromUnixMicros(5), "{}", "[]"};
  ASSERT_TRUE((*store)->PutAccessPreview(preview).ok());
  EXPECT_EQ(**(*store)->GetAccessPreview(kArn, "p1"), preview);
}

// Schema 5 had no finding_type column (listings took every finding for ExternalAccess) and no
// finding_recommendations table: Open adds both, each stored finding keeping its type, and a second
// Open changes nothing.
TEST_F(SqliteSchemaTest, UpgradesSchemaFiveWithTheFindingTypeColumn) {
  std::vector<findings::FindingRecord> records;
  {
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    for (int i = 0; i < 4; ++i) records.push_back(Record(i));
    records[1].finding = findings::ToFinding({findings::FindingType::kUnusedIamRole,
                                              "arn:aws:iam::111122223333:role/Idle",
                                              "AWS::IAM::Role",
                                              "111122223333",
                                              {findings::UnusedIamRoleDetails{std::nullopt}}});
    records[2].finding = findings::ToFinding(
        {findings::FindingType::kUnusedPermission,
         "arn:aws:iam::111122223333:role/Wide",
         "AWS::IAM::Role",
         "111122223333",
         {findings::UnusedPermissionDetails{"s3", {}, absl::FromUnixSeconds(1700000000)}}});
    ASSERT_TRUE((*store)->WriteFindings(kArn, records, {}).ok());
  }
  // The schema 5 table, as it was: without the column, its index and the recommendations.
  Exec(
      R"sql(DROP INDEX findings_by_status_finding_type; ALTER TABLE findings DROP COLUMN finding_type;
    DROP TABLE finding_recommendations; PRAGMA user_version = 5;)sql");
  for (int open = 0; open < 2; ++open) {
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(UserVersion(), internal::kSchemaVersion);
    findings::FindingFilter unused({findings::Criterion{"findingType",
                                                        findings::FilterField::kFindingType,
                                                        "",
                                                        {"UnusedIAMRole", "UnusedPermission"},
                                                        {},
                                                        {},
                                                        {}}});
    FindingPageQuery query{findings::FindingSort{findings::SortAttribute::kFindingType,
                                                 findings::SortOrder::kDescending},
                           std::nullopt, &unused, 10};
    absl::StatusOr<FindingPage> page = (*store)->ListFindingsPage(kArn, query);
    ASSERT_TRUE(page.ok()) << page.status();
    std::vector<std::string> ids;
    for (const auto& entry : page->entries) ids.push_back(entry->summary.id());
    EXPECT_EQ(ids, (std::vector<std::string>{records[2].id(), records[1].id()}));
    ASSERT_EQ(page->entries.size(), 2u);
    EXPECT_EQ(page->entries[0]->summary.finding.type, findings::FindingType::kUnusedPermission);
    absl::StatusOr<FindingCounts> counts = (*store)->CountFindings(kArn);
    ASSERT_TRUE(counts.ok()) << counts.status();
    int64_t external = 0;
    for (const FindingGroupCount& group : counts->groups) {
      if (group.finding_type == findings::FindingType::kExternalAccess) external += group.count;
    }
    EXPECT_EQ(external, 2);
    FindingRecommendationRecord recommendation{kArn, records[2].id(), "{}"};
    ASSERT_TRUE((*store)->PutFindingRecommendation(recommendation).ok());
  }
}

// Schema 6 kept no status history: Open adds the table (its own step, kFindingHistoryVersion) and
// gives each stored finding one BEFORE_HISTORY entry, its status since its updatedAt; changes after
// the upgrade are recorded after it.
TEST_F(SqliteSchemaTest, UpgradesSchemaSixWithFindingHistory) {
  std::vector<findings::FindingRecord> records = {Record(0), Record(1)};  // ARCHIVED, ACTIVE
  {
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->WriteFindings(kArn, records, {}).ok());
  }
  Exec("DROP TABLE finding_history; PRAGMA user_version = 6;");
  for (int open = 0; open < 2; ++open) {  // the second open finds schema 7: no second backfill
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    EXPECT_EQ(UserVersion(), internal::kSchemaVersion);
    for (const findings::FindingRecord& record : records) {
      EXPECT_EQ(
          *(*store)->GetFindingHistory(kArn, record.id()),
          (std::vector<FindingStatusChange>{{record.updated_at, std::nullopt, record.status,
                                             StatusCause{StatusChangeCause::kBeforeHistory, ""}}}))
          << record.id();
    }
  }
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  findings::FindingRecord unarchived = records[0];
  unarchived.status = findings::FindingStatus::kActive;
  unarchived.updated_at += absl::Seconds(10);
  ASSERT_TRUE((*store)->WriteFindings(kArn, std::vector{unarchived}, {}).ok());
  std::vector<FindingStatusChange> history = *(*store)->GetFindingHistory(kArn, "id-100");
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[1],
            (FindingStatusChange{unarchived.updated_at, findings::FindingStatus::kArchived,
                                 findings::FindingStatus::kActive, StatusCause{}}));
}

// The history entry and the status change it records commit together or not at all: a change
// whose finding write fails (a trigger refuses it, after its history entry was appended) leaves
// neither, and the finding keeps its status and history.
TEST_F(SqliteSchemaTest, AStatusChangeAndItsHistoryEntryCommitTogether) {
  findings::FindingRecord record = Record(1);  // ACTIVE
  {
    absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->WriteFindings(kArn, std::vector{record}, {}).ok());
  }
  Exec(
      "CREATE TRIGGER poison BEFORE INSERT ON findings WHEN NEW.status = 'ARCHIVED' "
      "BEGIN SELECT RAISE(ABORT, 'poisoned'); END;");
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_);
  ASSERT_TRUE(store.ok()) << store.status();
  findings::FindingRecord archived = record;
  archived.status = findings::FindingStatus::kArchived;
  archived.updated_at += absl::Seconds(5);
  EXPECT_FALSE((*store)->WriteFindings(kArn, std::vector{archived}, {}).ok());
  EXPECT_EQ((**(*store)->GetFinding(kArn, record.id())).status, findings::FindingStatus::kActive);
  std::vector<FindingStatusChange> history = *(*store)->GetFindingHistory(kArn, record.id());
  ASSERT_EQ(history.size(), 1u) << "the refused change left no entry";
  EXPECT_EQ(history[0].status, findings::FindingStatus::kActive);
}

TEST_F(SqliteSchemaTest, RefusesADatabaseFromANewerPerimeter) {
  Exec(base::Concat("CREATE TABLE future(x); PRAGMA user_version = ", internal::kSchemaVersion + 1,
                    ";"));
  absl::StatusOr<std::unique_ptr<SqliteStore>> store = SqliteStore::Open(path_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("newer Perimeter"), std::string::npos) << store.status();
}

// Writers that queue while a commit is under way are committed together by the next leader, in
// one transaction; a change that fails (here: a trigger refuses its second record, after the first
// was written) is rolled back alone and reports its own error, and a read-modify-write sees the
// changes committed before it in its batch.
using SqliteGroupCommitTest = SqliteSchemaTest;

TEST_F(SqliteGroupCommitTest, QueuedWritersCommitTogetherAndFailAlone) {
  Analyzer analyzer;
  analyzer.arn = kArn;
  analyzer.account_id = "111122223333";
  analyzer.region = "us-east-1";
  analyzer.name = "a";
  {
    auto store = SqliteStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->PutAnalyzer(analyzer).ok());
  }
  Exec(
      "CREATE TRIGGER poison BEFORE INSERT ON inventory WHEN NEW.key = 'arn:aws:s3:::poison' "
      "BEGIN SELECT RAISE(ABORT, 'poisoned'); END;");
  auto opened = SqliteStore::Open(path_);
  ASSERT_TRUE(opened.ok()) << opened.status();
  SqliteStore& store = **opened;
  auto bucket = [](std::string name) {
    return InventoryRecord{InventoryKind::kResource, "arn:aws:s3:::" + name, "{}",
                           absl::UnixEpoch(), "111122223333"};
  };
  auto tag = [&](std::string key) {
    return store.ModifyAnalyzer(kArn, [key](Analyzer& a) {
      a.tags[key] = "v";
      return true;
    });
  };

  // The leader holds its commit open until the followers have queued.
  constexpr size_t kFollowers = 5;
  const int64_t commits_before = store.commits();
  std::atomic<bool> leading = false;
  std::thread leader([&] {
    EXPECT_TRUE(*store.ModifyAnalyzer(kArn, [&](Analyzer& a) {
      leading = true;
      while (store.queued_writes() < kFollowers) std::this_thread::yield();
      a.tags["leader"] = "v";
      return true;
    }));
  });
  while (!leading) std::this_thread::yield();
  absl::Status poisoned, clean;
  absl::StatusOr<bool> tagged_1, tagged_2, refused;
  std::vector<std::thread> followers;
  followers.emplace_back([&] {
    std::vector<InventoryRecord> records = {bucket("written-then-undone"), bucket("poison")};
    poisoned = store.PutInventory(records);
  });
  followers.emplace_back([&] {
    std::vector<InventoryRecord> records = {bucket("clean")};
    clean = store.PutInventory(records);
  });
  followers.emplace_back([&] { tagged_1 = tag("f1"); });
  followers.emplace_back([&] { tagged_2 = tag("f2"); });
  followers.emplace_back([&] {
    refused = store.ModifyFindings(
        kArn, FindingSelection{},
        [](const FindingsSnapshot&) -> absl::StatusOr<std::optional<FindingChanges>> {
          return absl::FailedPreconditionError("refused");
        });
  });
  for (std::thread& follower : followers) follower.join();
  leader.join();

  EXPECT_EQ(store.commits() - commits_before, 2) << "the followers were not committed together";
  EXPECT_FALSE(poisoned.ok());
  EXPECT_NE(poisoned.message().find("poisoned"), std::string::npos) << poisoned;
  EXPECT_TRUE(clean.ok()) << clean;
  EXPECT_TRUE(tagged_1.ok() && *tagged_1);
  EXPECT_TRUE(tagged_2.ok() && *tagged_2);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  opened->reset();
  auto reopened = SqliteStore::Open(path_);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  std::vector<InventoryRecord> inventory = *(*reopened)->ListInventory(InventoryKind::kResource);
  ASSERT_EQ(inventory.size(), 1u) << "the failing change's first record was kept";
  EXPECT_EQ(inventory[0].key, "arn:aws:s3:::clean");
  std::optional<Analyzer> stored = *(*reopened)->GetAnalyzer(kArn);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->tags,
            (std::map<std::string, std::string>{{"f1", "v"}, {"f2", "v"}, {"leader", "v"}}));
}

// A delete and a create of the same ARN committed in one batch: the analyzers cache publishes the
// new row's incarnation (its seq), the one a reopen reads from the table.
TEST_F(SqliteGroupCommitTest, ADeleteAndACreateInOneBatchPublishTheNewIncarnation) {
  Analyzer analyzer;
  analyzer.arn = kArn;
  analyzer.account_id = "111122223333";
  analyzer.region = "us-east-1";
  analyzer.name = "a";
  int64_t first = 0, second = 0;
  {
    auto opened = SqliteStore::Open(path_);
    ASSERT_TRUE(opened.ok()) << opened.status();
    SqliteStore& store = **opened;
    ASSERT_TRUE(store.PutAnalyzer(analyzer).ok());
    first = (*store.GetAnalyzer(kArn))->incarnation;
    std::atomic<bool> leading = false;
    const int64_t commits_before = store.commits();
    std::thread leader([&] {
      EXPECT_TRUE(*store.ModifyAnalyzer(kArn, [&](Analyzer& a) {
        leading = true;
        while (store.queued_writes() < 2) std::this_thread::yield();
        a.tags["leader"] = "v";
        return true;
      }));
    });
    while (!leading) std::this_thread::yield();
    absl::Status deleted, created;
    std::thread remover([&] { deleted = store.DeleteAnalyzer(kArn); });
    while (store.queued_writes() < 1) std::this_thread::yield();
    std::thread creator([&] { created = store.PutAnalyzer(analyzer); });
    remover.join();
    creator.join();
    leader.join();
    EXPECT_EQ(store.commits() - commits_before, 2) << "the delete and the create were not batched";
    ASSERT_TRUE(deleted.ok()) << deleted;
    ASSERT_TRUE(created.ok()) << created;
    std::optional<Analyzer> cached = *store.GetAnalyzer(kArn);
    ASSERT_TRUE(cached.has_value());
    EXPECT_TRUE(cached->tags.empty()) << "the re-created analyzer is a new one";
    second = cached->incarnation;
    EXPECT_NE(second, first);
    EXPECT_NE(second, 0);
  }
  auto reopened = SqliteStore::Open(path_);
  ASSERT_TRUE(reopened.ok()) << reopened.status();
  EXPECT_EQ((*(*reopened)->GetAnalyzer(kArn))->incarnation, second);
}

}  // namespace
}  // namespace perimeter::store
