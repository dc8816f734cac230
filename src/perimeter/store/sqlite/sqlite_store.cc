#include "perimeter/store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"
#include "perimeter/store/internal/record_codec.h"
#include "perimeter/store/sqlite/internal/rows.h"
#include "perimeter/store/sqlite/internal/schema.h"
#include "perimeter/store/sqlite/internal/sqlite_api.h"
#include "perimeter/store/sqlite/internal/sqlite_store_impl.h"

// The records and their writes. The C API wrappers, the schema and its migrations, and the keyset
// listing (sqlite_store_listing.cc) are apart; see internal/.
namespace perimeter::store {

namespace {

using internal::FromMicros;
using internal::kAnalyzerColumns;
using internal::kFindingColumns;
using internal::kListedColumns;
using internal::kUpsertFinding;
using internal::kUpsertInventory;
using internal::Micros;
using internal::ReadAnalyzer;
using internal::ReadFinding;
using internal::ReadListed;
using internal::SqliteError;
using internal::Statement;
using internal::UpsertFinding;

// Read-only connections in the pool (ReaderLease); more than the HTTP workers that read at once on
// a small machine would gain nothing.
constexpr int kReaders = 4;

// WAL pages (4 KiB) after which the checkpoint thread copies the WAL back: SQLite's default.
constexpr int kCheckpointPages = 1000;

}  // namespace

// Listed findings kept in memory: ~1 KB each.
constexpr size_t kListedCacheEntries = 32768;

SqliteStore::SqliteStore(sqlite3* db)
    : db_(db), listed_cache_(std::make_unique<ListedCache>(kListedCacheEntries)) {}

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return absl::UnavailableError(base::Concat("cannot open ", path, ": ", message));
  }
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  sqlite3_busy_timeout(db, 5000);
  RETURN_IF_ERROR(store->Exec("PRAGMA journal_mode=WAL"));
  // FULL: a commit is on disk before it returns, so an acknowledged write survives any crash.
  RETURN_IF_ERROR(store->Exec("PRAGMA synchronous=FULL"));
  RETURN_IF_ERROR(store->Exec("PRAGMA cache_size=-32768"));
  RETURN_IF_ERROR(internal::UpgradeSchema(db));
  // Replaces SQLite's automatic checkpoint in the commit (RunCheckpoints).
  sqlite3_wal_hook(db, &SqliteStore::AfterCommit, store.get());
  {
    std::lock_guard lock(store->mutex_);
    ASSIGN_OR_RETURN(std::vector<Analyzer> analyzers, store->ListAnalyzersLocked());
    for (Analyzer& analyzer : analyzers)
      store->analyzers_.emplace(analyzer.arn, std::move(analyzer));
  }
  for (int i = 0; i < kReaders; ++i) {
    auto reader = std::make_unique<Reader>();
    if (sqlite3_open_v2(path.c_str(), &reader->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK) {
      std::string message = reader->db ? sqlite3_errmsg(reader->db) : "out of memory";
      sqlite3_close(reader->db);
      return absl::UnavailableError(base::Concat("cannot open ", path, " for reading: ", message));
    }
    sqlite3_busy_timeout(reader->db, 5000);
    // No memory map: a reader whose next transaction finds a new commit in the WAL drops its whole
    // mapping (munmap, then a page fault per page touched again), which under a steady stream of
    // commits cost the 32-client mixed load most of its CPU; pread into the page cache is cheaper
    // (docs/server.md, "Mixed reads and writes").
    sqlite3_exec(reader->db, "PRAGMA mmap_size=0; PRAGMA cache_size=-8192", nullptr, nullptr,
                 nullptr);
    store->free_readers_.push_back(reader.get());
    store->readers_.push_back(std::move(reader));
  }
  if (sqlite3_open_v2(path.c_str(), &store->checkpoint_db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
    std::string message =
        store->checkpoint_db_ ? sqlite3_errmsg(store->checkpoint_db_) : "out of memory";
    return absl::UnavailableError(
        base::Concat("cannot open ", path, " for checkpoints: ", message));
  }
  sqlite3_busy_timeout(store->checkpoint_db_, 5000);
  // The checkpoint syncs the database file before it lets the WAL be reused.
  RETURN_IF_ERROR(internal::Exec(store->checkpoint_db_, "PRAGMA synchronous=FULL"));
  store->checkpointer_ = std::thread([raw = store.get()] { raw->RunCheckpoints(); });
  return store;
}

int SqliteStore::AfterCommit(void* store, sqlite3*, const char*, int wal_pages) {
  auto* self = static_cast<SqliteStore*>(store);
  bool due = false;
  {
    std::lock_guard lock(self->checkpoint_mutex_);
    if (wal_pages < self->wal_pages_) self->backfilled_ = 0;  // the WAL restarted from its start
    self->wal_pages_ = wal_pages;
    due = !self->checkpoint_due_ && wal_pages - self->backfilled_ >= kCheckpointPages;
    if (due) self->checkpoint_due_ = true;
  }
  if (due) self->checkpoint_wanted_.notify_one();
  return SQLITE_OK;
}

void SqliteStore::RunCheckpoints() {
  std::unique_lock lock(checkpoint_mutex_);
  while (true) {
    checkpoint_wanted_.wait(lock, [&] { return checkpoint_due_ || closing_; });
    if (closing_) return;
    lock.unlock();
    // PASSIVE copies what no reader still needs; what is left is copied by the next one. A failure
    // leaves the WAL as it is (nothing is lost, it only grows): the next commit past the threshold
    // tries again.
    int wal_pages = 0, copied = 0;
    if (sqlite3_wal_checkpoint_v2(checkpoint_db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &wal_pages,
                                  &copied) != SQLITE_OK) {
      copied = 0;
    }
    lock.lock();
    checkpoint_due_ = false;
    // Unless the WAL restarted meanwhile (the commit hook has seen it shrink).
    if (wal_pages_ >= wal_pages) backfilled_ = std::max(backfilled_, copied);
  }
}

SqliteStore::~SqliteStore() {
  if (checkpointer_.joinable()) {
    {
      std::lock_guard lock(checkpoint_mutex_);
      closing_ = true;
    }
    checkpoint_wanted_.notify_one();
    checkpointer_.join();
  }
  sqlite3_close(checkpoint_db_);
  for (const std::unique_ptr<Reader>& reader : readers_) {
    for (auto& [sql, statement] : reader->statements) sqlite3_finalize(statement);
    sqlite3_close(reader->db);
  }
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
  sqlite3_close(db_);
}

sqlite3_stmt* SqliteStore::Prepared(const std::string& sql) {
  return internal::PrepareCached(db_, statements_, sql);
}

absl::Status SqliteStore::Exec(const char* sql) { return internal::Exec(db_, sql); }

absl::Status SqliteStore::Write(std::function<absl::Status()> apply) {
  PendingWrite write;
  write.apply = std::move(apply);
  std::unique_lock lock(queue_mutex_);
  queue_.push_back(&write);
  while (!write.done) {
    if (committing_) {
      batch_done_.wait(lock);
      continue;
    }
    // No commit under way: lead one with every change queued now (this one included, since only a
    // leader empties the queue and it marks what it took done before it steps down).
    committing_ = true;
    std::vector<PendingWrite*> batch;
    batch.swap(queue_);
    lock.unlock();
    {
      std::lock_guard writer(mutex_);
      CommitBatch(batch);
    }
    lock.lock();
    for (PendingWrite* taken : batch) taken->done = true;
    committing_ = false;
    ++commits_;
    batch_done_.notify_all();
  }
  return write.result;
}

int64_t SqliteStore::commits() {
  std::lock_guard lock(queue_mutex_);
  return commits_;
}

size_t SqliteStore::queued_writes() {
  std::lock_guard lock(queue_mutex_);
  return queue_.size();
}

void SqliteStore::CommitBatch(const std::vector<PendingWrite*>& batch) {
  batch_analyzers_.clear();
  if (absl::Status began = Exec("BEGIN IMMEDIATE"); !began.ok()) {
    for (PendingWrite* write : batch) write->result = began;
    return;
  }
  // A failure that ends the whole transaction (SQLite rolls back on some I/O errors): every change
  // of the batch is lost, so none is acknowledged.
  auto abandon = [&](const absl::Status& error) {
    if (!sqlite3_get_autocommit(db_)) (void)Exec("ROLLBACK");
    batch_analyzers_.clear();
    for (PendingWrite* write : batch) {
      if (write->result.ok()) write->result = error;
    }
  };
  for (PendingWrite* write : batch) {
    current_write_ = write;
    absl::Status status = Exec("SAVEPOINT change");
    if (status.ok()) status = write->apply();
    current_write_ = nullptr;
    if (status.ok()) status = Exec("RELEASE change");
    if (status.ok()) {
      for (auto& [arn, analyzer] : write->analyzers)
        batch_analyzers_.insert_or_assign(arn, std::move(analyzer));
      continue;
    }
    write->result = status;
    write->analyzers.clear();
    if (sqlite3_get_autocommit(db_)) return abandon(status);
    // Only this change is undone; the batch's earlier changes stay.
    if (absl::Status undone = Exec("ROLLBACK TO change; RELEASE change"); !undone.ok())
      return abandon(undone);
  }
  if (absl::Status committed = Exec("COMMIT"); !committed.ok()) return abandon(committed);
  // Published before the writers wake: a writer reads its own analyzer once acknowledged.
  std::unique_lock cache(analyzers_mutex_);
  for (auto& [arn, analyzer] : batch_analyzers_) {
    if (analyzer) {
      analyzers_.insert_or_assign(arn, std::move(*analyzer));
    } else if (auto it = analyzers_.find(arn); it != analyzers_.end()) {
      analyzers_.erase(it);
    }
  }
  batch_analyzers_.clear();
}

std::optional<Analyzer> SqliteStore::FindAnalyzerLocked(std::string_view arn) {
  if (current_write_ != nullptr) {
    if (auto it = current_write_->analyzers.find(arn); it != current_write_->analyzers.end())
      return it->second;
  }
  if (auto it = batch_analyzers_.find(arn); it != batch_analyzers_.end()) return it->second;
  std::shared_lock cache(analyzers_mutex_);
  auto it = analyzers_.find(arn);
  if (it == analyzers_.end()) return std::nullopt;
  return it->second;
}

void SqliteStore::NoteAnalyzerLocked(std::string_view arn, std::optional<Analyzer> analyzer) {
  // REQUIRES inside CommitBatch: every write runs in a change.
  current_write_->analyzers.insert_or_assign(std::string(arn), std::move(analyzer));
}

absl::Status SqliteStore::PutAnalyzer(const Analyzer& analyzer) {
  return Write([&] { return PutAnalyzerLocked(analyzer); });
}

absl::StatusOr<bool> SqliteStore::ModifyAnalyzer(std::string_view arn,
                                                 const AnalyzerDecision& decide) {
  bool written = false;
  RETURN_IF_ERROR(Write([&]() -> absl::Status {
    ASSIGN_OR_RETURN(written, ModifyAnalyzerLocked(arn, decide));
    return absl::OkStatus();
  }));
  return written;
}

absl::StatusOr<bool> SqliteStore::ModifyAnalyzerLocked(std::string_view arn,
                                                       const AnalyzerDecision& decide) {
  // The analyzer as the batch has it so far: the changes committed with this one come before it.
  std::optional<Analyzer> analyzer = FindAnalyzerLocked(arn);
  if (!analyzer) return false;
  std::string key = analyzer->arn;
  const int64_t incarnation = analyzer->incarnation;
  if (!decide(*analyzer)) return false;
  analyzer->arn = std::move(key);  // the key and its incarnation stay
  analyzer->incarnation = incarnation;
  RETURN_IF_ERROR(PutAnalyzerLocked(*analyzer));
  return true;
}

absl::Status SqliteStore::PutAnalyzerLocked(const Analyzer& analyzer) {
  Statement insert(db_, Prepared(R"sql(
    INSERT INTO analyzers(arn, account_id, region, name, type, created_at, status, status_reason, tags,
                          configuration, last_resource, last_resource_at)
    VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
    ON CONFLICT(arn) DO UPDATE SET account_id = ?2, region = ?3, name = ?4, type = ?5, created_at = ?6,
      status = ?7, status_reason = ?8, tags = ?9, configuration = ?10, last_resource = ?11,
      last_resource_at = ?12
    RETURNING seq)sql"));
  RETURN_IF_ERROR(insert.prepared());
  insert.Bind(1, analyzer.arn)
      .Bind(2, analyzer.account_id)
      .Bind(3, analyzer.region)
      .Bind(4, analyzer.name);
  insert.Bind(5, AnalyzerTypeName(analyzer.type)).Bind(6, Micros(analyzer.created_at));
  insert.Bind(7, AnalyzerStatusName(analyzer.status));
  if (analyzer.status_reason) {
    insert.Bind(8, StatusReasonCodeName(*analyzer.status_reason));
  } else {
    insert.BindNull(8);
  }
  insert.Bind(9, internal::EncodeStringMap(analyzer.tags)).Bind(10, analyzer.configuration_json);
  insert.Bind(11, analyzer.last_resource_analyzed);
  if (analyzer.last_resource_analyzed_at) {
    insert.Bind(12, Micros(*analyzer.last_resource_analyzed_at));
  } else {
    insert.BindNull(12);
  }
  // The incarnation is the row's AUTOINCREMENT seq (RETURNING, SQLite >= 3.35): the upsert keeps
  // it, a delete and a new insert get a new one, never reused (https://sqlite.org/autoinc.html).
  Analyzer stored = analyzer;
  absl::Status status;
  if (!insert.Step(status)) {
    RETURN_IF_ERROR(status);
    return absl::InternalError("analyzer upsert returned no seq");
  }
  stored.incarnation = insert.Int(0);
  RETURN_IF_ERROR(insert.Run());  // to SQLITE_DONE: the statement completes
  NoteAnalyzerLocked(analyzer.arn, std::move(stored));
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Analyzer>> SqliteStore::GetAnalyzer(std::string_view arn) {
  std::shared_lock lock(analyzers_mutex_);
  auto it = analyzers_.find(arn);
  if (it == analyzers_.end()) return std::optional<Analyzer>();
  return std::optional<Analyzer>(it->second);
}

absl::StatusOr<std::vector<Analyzer>> SqliteStore::ListAnalyzers() {
  // The cache is every committed analyzer: no wait for a commit under way.
  std::vector<Analyzer> out;
  {
    std::shared_lock lock(analyzers_mutex_);
    out.reserve(analyzers_.size());
    for (const auto& [arn, analyzer] : analyzers_) out.push_back(analyzer);
  }
  std::sort(out.begin(), out.end(), [](const Analyzer& a, const Analyzer& b) {
    return std::tie(a.created_at, a.arn) < std::tie(b.created_at, b.arn);
  });
  return out;
}

absl::StatusOr<std::vector<Analyzer>> SqliteStore::ListAnalyzersLocked() {
  std::string sql =
      base::Concat("SELECT ", kAnalyzerColumns, " FROM analyzers ORDER BY created_at, arn");
  Statement query(db_, Prepared(sql));
  RETURN_IF_ERROR(query.prepared());
  std::vector<Analyzer> out;
  absl::Status status;
  while (query.Step(status)) {
    ASSIGN_OR_RETURN(Analyzer analyzer, ReadAnalyzer(query));
    out.push_back(std::move(analyzer));
  }
  RETURN_IF_ERROR(status);
  return out;
}

absl::Status SqliteStore::DeleteAnalyzer(std::string_view arn) {
  return Write([&]() -> absl::Status {
    for (const char* sql : {"DELETE FROM analyzers WHERE arn = ?1",
                            "DELETE FROM archive_rules WHERE analyzer_arn = ?1",
                            "DELETE FROM findings WHERE analyzer_arn = ?1",
                            "DELETE FROM finding_history WHERE analyzer_arn = ?1",
                            "DELETE FROM access_previews WHERE analyzer_arn = ?1",
                            "DELETE FROM finding_recommendations WHERE analyzer_arn = ?1"}) {
      Statement remove(db_, Prepared(sql));
      RETURN_IF_ERROR(remove.prepared());
      remove.Bind(1, arn);
      RETURN_IF_ERROR(remove.Run());
    }
    NoteAnalyzerLocked(arn, std::nullopt);
    return absl::OkStatus();
  });
}

absl::Status SqliteStore::PutArchiveRule(const ArchiveRuleRecord& rule) {
  return Write([&] { return PutArchiveRuleLocked(rule); });
}

absl::Status SqliteStore::PutArchiveRuleLocked(const ArchiveRuleRecord& rule) {
  Statement insert(db_, Prepared(R"sql(
    INSERT INTO archive_rules(analyzer_arn, rule_name, filter, created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5)
    ON CONFLICT(analyzer_arn, rule_name) DO UPDATE SET filter = ?3, created_at = ?4, updated_at = ?5)sql"));
  RETURN_IF_ERROR(insert.prepared());
  insert.Bind(1, rule.analyzer_arn).Bind(2, rule.rule_name).Bind(3, rule.filter_json);
  insert.Bind(4, Micros(rule.created_at)).Bind(5, Micros(rule.updated_at));
  return insert.Run();
}

absl::StatusOr<std::optional<ArchiveRuleRecord>> SqliteStore::GetArchiveRule(
    std::string_view analyzer_arn, std::string_view rule_name) {
  static const std::string sql =
      "SELECT filter, created_at, updated_at FROM archive_rules WHERE analyzer_arn = ?1 AND "
      "rule_name = ?2";
  ReaderLease reader(*this);
  Statement query(reader.db(), reader.Prepared(sql));
  RETURN_IF_ERROR(query.prepared());
  query.Bind(1, analyzer_arn).Bind(2, rule_name);
  absl::Status status;
  if (!query.Step(status)) {
    RETURN_IF_ERROR(status);
    return std::optional<ArchiveRuleRecord>();
  }
  return std::optional<ArchiveRuleRecord>(
      ArchiveRuleRecord{std::string(analyzer_arn), std::string(rule_name), query.Text(0),
                        FromMicros(query.Int(1)), FromMicros(query.Int(2))});
}

namespace {

constexpr char kListArchiveRules[] =
    "SELECT rule_name, filter, created_at, updated_at FROM archive_rules WHERE analyzer_arn = ?1 "
    "ORDER BY created_at, seq";

absl::StatusOr<std::vector<ArchiveRuleRecord>> ReadArchiveRules(Statement& query,
                                                                std::string_view analyzer_arn) {
  RETURN_IF_ERROR(query.prepared());
  query.Bind(1, analyzer_arn);
  std::vector<ArchiveRuleRecord> out;
  absl::Status status;
  while (query.Step(status)) {
    out.push_back(ArchiveRuleRecord{std::string(analyzer_arn), query.Text(0), query.Text(1),
                                    FromMicros(query.Int(2)), FromMicros(query.Int(3))});
  }
  RETURN_IF_ERROR(status);
  return out;
}

}  // namespace

absl::StatusOr<std::vector<ArchiveRuleRecord>> SqliteStore::ListArchiveRules(
    std::string_view analyzer_arn) {
  ReaderLease reader(*this);
  Statement query(reader.db(), reader.Prepared(kListArchiveRules));
  return ReadArchiveRules(query, analyzer_arn);
}

absl::StatusOr<std::vector<ArchiveRuleRecord>> SqliteStore::ListArchiveRulesLocked(
    std::string_view analyzer_arn) {
  Statement query(db_, Prepared(kListArchiveRules));
  return ReadArchiveRules(query, analyzer_arn);
}

absl::Status SqliteStore::DeleteArchiveRule(std::string_view analyzer_arn,
                                            std::string_view rule_name) {
  return Write([&] { return DeleteArchiveRuleLocked(analyzer_arn, rule_name); });
}

absl::Status SqliteStore::DeleteArchiveRuleLocked(std::string_view analyzer_arn,
                                                  std::string_view rule_name) {
  Statement remove(
      db_, Prepared("DELETE FROM archive_rules WHERE analyzer_arn = ?1 AND rule_name = ?2"));
  RETURN_IF_ERROR(remove.prepared());
  remove.Bind(1, analyzer_arn).Bind(2, rule_name);
  return remove.Run();
}

absl::StatusOr<bool> SqliteStore::ModifyArchiveRules(std::string_view analyzer_arn,
                                                     const ArchiveRulesDecision& decide) {
  bool written = false;
  RETURN_IF_ERROR(Write([&]() -> absl::Status {
    std::optional<Analyzer> analyzer = FindAnalyzerLocked(analyzer_arn);
    if (!analyzer) return absl::OkStatus();
    ASSIGN_OR_RETURN(std::vector<ArchiveRuleRecord> rules, ListArchiveRulesLocked(analyzer_arn));
    std::optional<ArchiveRuleChanges> changes = decide(*analyzer, rules);
    if (!changes) return absl::OkStatus();
    for (const std::string& name : changes->deleted_names)
      RETURN_IF_ERROR(DeleteArchiveRuleLocked(analyzer_arn, name));
    for (ArchiveRuleRecord& rule : changes->upserted) {
      rule.analyzer_arn = std::string(analyzer_arn);
      RETURN_IF_ERROR(PutArchiveRuleLocked(rule));
    }
    written = true;
    return absl::OkStatus();
  }));
  return written;
}

absl::Status SqliteStore::WriteFindings(std::string_view analyzer_arn,
                                        std::span<const findings::FindingRecord> records,
                                        std::span<const std::string> deleted_ids) {
  return Write(
      [&] { return WriteFindingsLocked(analyzer_arn, records, deleted_ids, StatusCause{}, {}); });
}

absl::StatusOr<bool> SqliteStore::ModifyFindings(std::string_view analyzer_arn,
                                                 const FindingSelection& selection,
                                                 const FindingsDecision& decide) {
  bool written = false;
  RETURN_IF_ERROR(Write([&]() -> absl::Status {
    ASSIGN_OR_RETURN(written, ModifyFindingsLocked(analyzer_arn, selection, decide));
    return absl::OkStatus();
  }));
  return written;
}

absl::StatusOr<bool> SqliteStore::ModifyResourcesFindings(
    std::string_view analyzer_arn, std::span<const std::string> resource_arns,
    const ResourceFindingsDecision& decide, const AnalyzerDecision& then) {
  bool present = true;
  bool stop = false;
  RETURN_IF_ERROR(Write([&]() -> absl::Status {
    for (size_t i = 0; i < resource_arns.size() && present && !stop; ++i) {
      bool decided = false;  // not called when the analyzer is absent
      RETURN_IF_ERROR(ModifyFindingsLocked(analyzer_arn,
                                           FindingSelection{resource_arns[i], std::nullopt},
                                           [&](const FindingsSnapshot& snapshot) {
                                             decided = true;
                                             return decide(i, snapshot, stop);
                                           })
                          .status());
      present = decided;
    }
    if (present && !stop && then)
      RETURN_IF_ERROR(ModifyAnalyzerLocked(analyzer_arn, then).status());
    return absl::OkStatus();
  }));
  return present;
}

absl::StatusOr<bool> SqliteStore::ModifyFindingsLocked(std::string_view analyzer_arn,
                                                       const FindingSelection& selection,
                                                       const FindingsDecision& decide) {
  FindingsSnapshot snapshot;
  std::optional<Analyzer> analyzer = FindAnalyzerLocked(analyzer_arn);
  if (!analyzer) return false;
  snapshot.analyzer = std::move(*analyzer);
  ASSIGN_OR_RETURN(snapshot.archive_rules, ListArchiveRulesLocked(analyzer_arn));
  if (selection.ids) {
    std::string sql = base::Concat("SELECT ", kFindingColumns,
                                   " FROM findings WHERE analyzer_arn = ?1 AND id = ?2");
    std::set<std::string> ids(selection.ids->begin(), selection.ids->end());
    for (const std::string& id : ids) {
      if (id.empty()) continue;
      ASSIGN_OR_RETURN(std::vector<findings::FindingRecord> found,
                       QueryFindings(sql.c_str(), analyzer_arn, id));
      for (findings::FindingRecord& record : found) snapshot.findings.push_back(std::move(record));
    }
  } else if (selection.resource_arn) {
    if (!selection.resource_arn->empty()) {
      std::string sql = base::Concat(
          "SELECT ", kFindingColumns,
          " FROM findings INDEXED BY findings_by_status_resource WHERE analyzer_arn = ?1 "
          "AND status IN ('ACTIVE', 'ARCHIVED', 'RESOLVED') AND resource = ?2 ORDER BY id");
      ASSIGN_OR_RETURN(snapshot.findings,
                       QueryFindings(sql.c_str(), analyzer_arn, *selection.resource_arn));
    }
  } else {
    std::string sql = base::Concat("SELECT ", kFindingColumns,
                                   " FROM findings WHERE analyzer_arn = ?1 ORDER BY id");
    ASSIGN_OR_RETURN(snapshot.findings, QueryFindings(sql.c_str(), analyzer_arn, ""));
  }
  ASSIGN_OR_RETURN(std::optional<FindingChanges> changes, decide(snapshot));
  if (!changes) return false;
  RETURN_IF_ERROR(WriteFindingsLocked(analyzer_arn, changes->records, changes->deleted_ids,
                                      changes->cause, changes->causes));
  return true;
}

absl::Status SqliteStore::WriteFindingsLocked(
    std::string_view analyzer_arn, std::span<const findings::FindingRecord> records,
    std::span<const std::string> deleted_ids, const StatusCause& cause,
    const std::map<std::string, StatusCause, std::less<>>& causes) {
  for (const char* sql : {"DELETE FROM findings WHERE analyzer_arn = ?1 AND id = ?2",
                          "DELETE FROM finding_history WHERE analyzer_arn = ?1 AND id = ?2"}) {
    Statement remove(db_, Prepared(sql));
    RETURN_IF_ERROR(remove.prepared());
    for (const std::string& id : deleted_ids) {
      remove.Reset();
      remove.Bind(1, analyzer_arn).Bind(2, id);
      RETURN_IF_ERROR(remove.Run());
    }
  }
  Statement upsert(db_, Prepared(kUpsertFinding));
  Statement current(db_,
                    Prepared("SELECT status FROM findings WHERE analyzer_arn = ?1 AND id = ?2"));
  Statement append(db_, Prepared(R"sql(
    INSERT INTO finding_history(analyzer_arn, id, at, previous, status, cause, detail)
    VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7))sql"));
  // Keeps the last ?3 entries: deletes those up to the (?3 + 1)-th newest.
  Statement trim(db_, Prepared(R"sql(
    DELETE FROM finding_history WHERE analyzer_arn = ?1 AND id = ?2 AND seq <= (
      SELECT seq FROM finding_history WHERE analyzer_arn = ?1 AND id = ?2 ORDER BY seq DESC
      LIMIT 1 OFFSET ?3))sql"));
  RETURN_IF_ERROR(upsert.prepared());
  RETURN_IF_ERROR(current.prepared());
  RETURN_IF_ERROR(append.prepared());
  RETURN_IF_ERROR(trim.prepared());
  absl::Status status;
  for (const findings::FindingRecord& record : records) {
    // The status history entry, read and appended in the transaction of the write (no change
    // without its entry, after a crash too).
    current.Reset();
    current.Bind(1, analyzer_arn).Bind(2, record.id());
    std::optional<findings::FindingRecord> stored;
    if (current.Step(status)) {
      std::optional<findings::FindingStatus> stored_status =
          findings::ParseFindingStatus(current.TextView(0));
      if (!stored_status) return absl::InternalError("corrupt stored record: finding status");
      stored.emplace().status = *stored_status;
    }
    RETURN_IF_ERROR(status);
    current.Reset();
    std::optional<FindingStatusChange> change =
        StatusChangeOf(stored ? &*stored : nullptr, record, [&]() -> const StatusCause& {
          auto it = causes.find(record.id());
          return it != causes.end() ? it->second : cause;
        }());
    if (change) {
      append.Reset();
      append.Bind(1, analyzer_arn).Bind(2, record.id()).Bind(3, Micros(change->at));
      if (change->previous) {
        append.Bind(4, findings::FindingStatusName(*change->previous));
      } else {
        append.BindNull(4);
      }
      append.Bind(5, findings::FindingStatusName(change->status))
          .Bind(6, StatusChangeCauseName(change->cause.kind))
          .Bind(7, change->cause.detail);
      RETURN_IF_ERROR(append.Run());
      if (stored) {  // a new finding has no earlier entries (deleting a finding deletes them)
        trim.Reset();
        trim.Bind(1, analyzer_arn).Bind(2, record.id());
        trim.Bind(3, static_cast<int64_t>(kStatusHistoryLimit));
        RETURN_IF_ERROR(trim.Run());
      }
    }
    RETURN_IF_ERROR(UpsertFinding(upsert, analyzer_arn, record));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<FindingStatusChange>> SqliteStore::GetFindingHistory(
    std::string_view analyzer_arn, std::string_view id) {
  static const std::string sql =
      "SELECT at, previous, status, cause, detail FROM finding_history WHERE analyzer_arn = ?1 AND "
      "id = ?2 ORDER BY seq";
  ReaderLease reader(*this);
  Statement query(reader.db(), reader.Prepared(sql));
  RETURN_IF_ERROR(query.prepared());
  query.Bind(1, analyzer_arn).Bind(2, id);
  std::vector<FindingStatusChange> out;
  absl::Status status;
  while (query.Step(status)) {
    FindingStatusChange change;
    change.at = FromMicros(query.Int(0));
    if (!query.IsNull(1)) {
      change.previous = findings::ParseFindingStatus(query.TextView(1));
      if (!change.previous) return absl::InternalError("corrupt finding history: status");
    }
    std::optional<findings::FindingStatus> now = findings::ParseFindingStatus(query.TextView(2));
    std::optional<StatusChangeCause> kind = ParseStatusChangeCause(query.TextView(3));
    if (!now || !kind) return absl::InternalError("corrupt finding history: status or cause");
    change.status = *now;
    change.cause = StatusCause{*kind, query.Text(4)};
    out.push_back(std::move(change));
  }
  RETURN_IF_ERROR(status);
  return out;
}

namespace {

// The findings `query` (binding ?1 = a and, unless empty, ?2 = b) returns.
absl::StatusOr<std::vector<findings::FindingRecord>> ReadFindings(Statement& query,
                                                                  std::string_view a,
                                                                  std::string_view b) {
  RETURN_IF_ERROR(query.prepared());
  query.Bind(1, a);
  if (!b.empty()) query.Bind(2, b);
  std::vector<findings::FindingRecord> out;
  absl::Status status;
  while (query.Step(status)) {
    ASSIGN_OR_RETURN(findings::FindingRecord record, ReadFinding(query));
    out.push_back(std::move(record));
  }
  RETURN_IF_ERROR(status);
  return out;
}

}  // namespace

absl::StatusOr<std::vector<findings::FindingRecord>> SqliteStore::QueryFindings(
    const char* sql, std::string_view a, std::string_view b) {
  Statement query(db_, Prepared(sql));
  return ReadFindings(query, a, b);
}

absl::StatusOr<std::optional<findings::FindingRecord>> SqliteStore::GetFinding(
    std::string_view analyzer_arn, std::string_view id) {
  static const std::string sql = base::Concat("SELECT ", kFindingColumns,
                                              " FROM findings WHERE analyzer_arn = ?1 AND id = ?2");
  if (id.empty()) return std::optional<findings::FindingRecord>();
  ReaderLease reader(*this);
  Statement query(reader.db(), reader.Prepared(sql));
  RETURN_IF_ERROR(query.prepared());
  query.Bind(1, analyzer_arn).Bind(2, id);
  absl::Status status;
  if (!query.Step(status)) {
    RETURN_IF_ERROR(status);
    return std::optional<findings::FindingRecord>();
  }
  ASSIGN_OR_RETURN(findings::FindingRecord record, ReadFinding(query));
  return std::optional<findings::FindingRecord>(std::move(record));
}

absl::StatusOr<std::shared_ptr<const ListedFinding>> SqliteStore::GetListedFinding(
    std::string_view analyzer_arn, std::string_view id) {
  // The seq from the (analyzer_arn, id) index, then the row from the cache or its columns, in one
  // statement's snapshot.
  static const std::string seq_sql = "SELECT seq FROM findings WHERE analyzer_arn = ?1 AND id = ?2";
  static const std::string fetch_sql =
      base::Concat("SELECT ", kListedColumns, " FROM findings WHERE seq = ?1");
  if (id.empty()) return nullptr;
  ReaderLease reader(*this);
  Statement query(reader.db(), reader.Prepared(seq_sql));
  RETURN_IF_ERROR(query.prepared());
  query.Bind(1, analyzer_arn).Bind(2, id);
  absl::Status status;
  if (!query.Step(status)) {
    RETURN_IF_ERROR(status);
    return nullptr;
  }
  const int64_t seq = query.Int(0);
  if (std::shared_ptr<const ListedFinding> cached = listed_cache_->Find(seq)) return cached;
  Statement fetch(reader.db(), reader.Prepared(fetch_sql));
  RETURN_IF_ERROR(fetch.prepared());
  fetch.Bind(1, seq);
  if (!fetch.Step(status)) {
    RETURN_IF_ERROR(status);
    return absl::InternalError("sqlite: a finding vanished inside its transaction");
  }
  ASSIGN_OR_RETURN(ListedFinding read, ReadListed(fetch));
  auto listed = std::make_shared<const ListedFinding>(std::move(read));
  listed_cache_->Insert(seq, listed);
  return listed;
}

absl::StatusOr<std::vector<findings::FindingRecord>> SqliteStore::ListFindings(
    std::string_view analyzer_arn) {
  static const std::string sql = base::Concat("SELECT ", kFindingColumns,
                                              " FROM findings WHERE analyzer_arn = ?1 ORDER BY id");
  ReaderLease reader(*this);
  Statement query(reader.db(), reader.Prepared(sql));
  return ReadFindings(query, analyzer_arn, "");
}

absl::StatusOr<std::vector<findings::FindingRecord>> SqliteStore::ListFindingsForResource(
    std::string_view analyzer_arn, std::string_view resource_arn) {
  if (resource_arn.empty()) return std::vector<findings::FindingRecord>();
  // Every stored status is one of the three, so the IN list selects by resource alone, over an
  // index.
  static const std::string sql = base::Concat(
      "SELECT ", kFindingColumns,
      " FROM findings INDEXED BY findings_by_status_resource WHERE analyzer_arn = ?1 "
      "AND status IN ('ACTIVE', 'ARCHIVED', 'RESOLVED') AND resource = ?2 ORDER BY id");
  ReaderLease reader(*this);
  Statement query(reader.db(), reader.Prepared(sql));
  return ReadFindings(query, analyzer_arn, resource_arn);
}

absl::StatusOr<FindingCounts> SqliteStore::CountFindings(std::string_view analyzer_arn) {
  static const std::string sql =
      "SELECT status, resource_type, finding_type, owner, error IS NOT NULL, is_public, count(*), "
      "max(max(updated_at, analyzed_at)) FROM findings WHERE analyzer_arn = ?1 "
      "GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6";
  ReaderLease reader(*this);
  Statement rows(reader.db(), reader.Prepared(sql));
  RETURN_IF_ERROR(rows.prepared());
  rows.Bind(1, analyzer_arn);
  FindingCounts counts;
  absl::Status status;
  while (rows.Step(status)) {
    std::optional<findings::FindingStatus> finding_status =
        findings::ParseFindingStatus(rows.TextView(0));
    std::optional<findings::FindingType> type = findings::ParseFindingType(rows.TextView(2));
    if (!finding_status || !type) {
      return absl::InternalError("corrupt stored record: finding status or type");
    }
    counts.groups.push_back(FindingGroupCount{*finding_status, rows.Text(1), *type, rows.Text(3),
                                              rows.Int(4) != 0, rows.Int(5) != 0, rows.Int(6)});
    absl::Time latest = FromMicros(rows.Int(7));
    counts.latest = counts.latest ? std::max(*counts.latest, latest) : latest;
  }
  RETURN_IF_ERROR(status);
  return counts;
}

absl::Status SqliteStore::PutServiceAccess(const ServiceAccess& access) {
  return Write([&]() -> absl::Status {
    Statement insert(db_, Prepared("INSERT OR IGNORE INTO service_access(principal, enabled_at) "
                                   "VALUES(?1, ?2)"));
    RETURN_IF_ERROR(insert.prepared());
    insert.Bind(1, access.service_principal).Bind(2, Micros(access.enabled_at));
    return insert.Run();
  });
}

absl::Status SqliteStore::DeleteServiceAccess(std::string_view service_principal) {
  return Write([&]() -> absl::Status {
    Statement remove(db_, Prepared("DELETE FROM service_access WHERE principal = ?1"));
    RETURN_IF_ERROR(remove.prepared());
    remove.Bind(1, service_principal);
    return remove.Run();
  });
}

absl::StatusOr<std::vector<ServiceAccess>> SqliteStore::ListServiceAccess() {
  ReaderLease reader(*this);
  Statement query(reader.db(), reader.Prepared("SELECT principal, enabled_at FROM service_access "
                                               "ORDER BY principal"));
  RETURN_IF_ERROR(query.prepared());
  std::vector<ServiceAccess> out;
  absl::Status status;
  while (query.Step(status)) out.push_back(ServiceAccess{query.Text(0), FromMicros(query.Int(1))});
  RETURN_IF_ERROR(status);
  return out;
}

absl::Status SqliteStore::PutDelegatedAdministrator(const DelegatedAdministrator& administrator) {
  return Write([&]() -> absl::Status {
    Statement insert(
        db_,
        "INSERT OR IGNORE INTO delegated_administrators(account_id, principal, registered_at) "
        "VALUES(?1, ?2, ?3)");
    RETURN_IF_ERROR(insert.prepared());
    insert.Bind(1, administrator.account_id).Bind(2, administrator.service_principal);
    insert.Bind(3, Micros(administrator.registered_at));
    return insert.Run();
  });
}

absl::Status SqliteStore::DeleteDelegatedAdministrator(std::string_view account_id,
                                                       std::string_view service_principal) {
  return Write([&]() -> absl::Status {
    Statement remove(
        db_,
        Prepared("DELETE FROM delegated_administrators WHERE account_id = ?1 AND principal = ?2"));
    RETURN_IF_ERROR(remove.prepared());
    remove.Bind(1, account_id).Bind(2, service_principal);
    return remove.Run();
  });
}

absl::StatusOr<std::vector<DelegatedAdministrator>> SqliteStore::ListDelegatedAdministrators() {
  ReaderLease reader(*this);
  Statement query(
      reader.db(),
      reader.Prepared("SELECT account_id, principal, registered_at FROM delegated_administrators "
                      "ORDER BY registered_at, account_id, principal"));
  RETURN_IF_ERROR(query.prepared());
  std::vector<DelegatedAdministrator> out;
  absl::Status status;
  while (query.Step(status)) {
    out.push_back(DelegatedAdministrator{query.Text(0), query.Text(1), FromMicros(query.Int(2))});
  }
  RETURN_IF_ERROR(status);
  return out;
}

absl::Status SqliteStore::PutInventory(std::span<const InventoryRecord> records) {
  return Write([&]() -> absl::Status {
    for (const InventoryRecord& record : records) {
      Statement upsert(db_, Prepared(kUpsertInventory));
      RETURN_IF_ERROR(upsert.prepared());
      upsert.Bind(1, InventoryKindName(record.kind))
          .Bind(2, record.owner)
          .Bind(3, record.key)
          .Bind(4, record.json);
      upsert.Bind(5, Micros(record.updated_at));
      RETURN_IF_ERROR(upsert.Run());
    }
    return absl::OkStatus();
  });
}

absl::Status SqliteStore::DeleteInventory(InventoryKind kind, std::string_view owner,
                                          std::string_view key) {
  return Write([&]() -> absl::Status {
    Statement remove(db_,
                     Prepared("DELETE FROM inventory WHERE kind = ?1 AND owner = ?2 AND key = ?3"));
    RETURN_IF_ERROR(remove.prepared());
    remove.Bind(1, InventoryKindName(kind)).Bind(2, owner).Bind(3, key);
    return remove.Run();
  });
}

absl::StatusOr<std::vector<InventoryRecord>> SqliteStore::ListInventory(InventoryKind kind) {
  ReaderLease reader(*this);
  Statement query(reader.db(), reader.Prepared("SELECT key, json, updated_at, owner FROM inventory "
                                               "WHERE kind = ?1 ORDER BY key, owner"));
  RETURN_IF_ERROR(query.prepared());
  query.Bind(1, InventoryKindName(kind));
  std::vector<InventoryRecord> out;
  absl::Status status;
  while (query.Step(status)) {
    out.push_back(InventoryRecord{kind, query.Text(0), query.Text(1), FromMicros(query.Int(2)),
                                  query.Text(3)});
  }
  RETURN_IF_ERROR(status);
  return out;
}

absl::StatusOr<std::optional<InventoryRecord>> SqliteStore::GetInventory(InventoryKind kind,
                                                                         std::string_view owner,
                                                                         std::string_view key) {
  ReaderLease reader(*this);
  Statement query(reader.db(),
                  reader.Prepared("SELECT json, updated_at FROM inventory WHERE kind = ?1 AND "
                                  "owner = ?2 AND key = ?3"));
  RETURN_IF_ERROR(query.prepared());
  query.Bind(1, InventoryKindName(kind)).Bind(2, owner).Bind(3, key);
  absl::Status status;
  if (!query.Step(status)) {
    RETURN_IF_ERROR(status);
    return std::optional<InventoryRecord>();
  }
  return std::optional<InventoryRecord>(InventoryRecord{
      kind, std::string(key), query.Text(0), FromMicros(query.Int(1)), std::string(owner)});
}

absl::Status SqliteStore::PutAccessPreview(const AccessPreviewRecord& preview) {
  return Write([&]() -> absl::Status {
    Statement upsert(db_, Prepared(R"sql(
      INSERT OR REPLACE INTO access_previews(analyzer_arn, id, created_at, preview, findings)
      VALUES(?1, ?2, ?3, ?4, ?5))sql"));
    RETURN_IF_ERROR(upsert.prepared());
    upsert.Bind(1, preview.analyzer_arn).Bind(2, preview.id);
    upsert.Bind(3, Micros(preview.created_at));
    upsert.Bind(4, preview.preview_json).Bind(5, preview.findings_json);
    return upsert.Run();
  });
}

absl::StatusOr<std::optional<AccessPreviewRecord>> SqliteStore::GetAccessPreview(
    std::string_view analyzer_arn, std::string_view id) {
  ReaderLease reader(*this);
  Statement query(reader.db(),
                  reader.Prepared("SELECT created_at, preview, findings FROM access_previews "
                                  "WHERE analyzer_arn = ?1 AND id = ?2"));
  RETURN_IF_ERROR(query.prepared());
  query.Bind(1, analyzer_arn).Bind(2, id);
  absl::Status status;
  if (!query.Step(status)) {
    RETURN_IF_ERROR(status);
    return std::optional<AccessPreviewRecord>();
  }
  return std::optional<AccessPreviewRecord>(
      AccessPreviewRecord{std::string(analyzer_arn), std::string(id), FromMicros(query.Int(0)),
                          query.Text(1), query.Text(2)});
}

absl::StatusOr<std::vector<AccessPreviewRecord>> SqliteStore::ListAccessPreviews(
    std::string_view analyzer_arn) {
  ReaderLease reader(*this);
  Statement query(reader.db(),
                  reader.Prepared("SELECT id, created_at, preview, findings FROM access_previews "
                                  "WHERE analyzer_arn = ?1 ORDER BY created_at, id"));
  RETURN_IF_ERROR(query.prepared());
  query.Bind(1, analyzer_arn);
  std::vector<AccessPreviewRecord> out;
  absl::Status status;
  while (query.Step(status)) {
    out.push_back(AccessPreviewRecord{std::string(analyzer_arn), query.Text(0),
                                      FromMicros(query.Int(1)), query.Text(2), query.Text(3)});
  }
  RETURN_IF_ERROR(status);
  return out;
}

absl::Status SqliteStore::PutFindingRecommendation(const FindingRecommendationRecord& record) {
  return Write([&]() -> absl::Status {
    Statement upsert(db_, Prepared("INSERT OR REPLACE INTO finding_recommendations(analyzer_arn, "
                                   "finding_id, json) VALUES(?1, ?2, ?3)"));
    RETURN_IF_ERROR(upsert.prepared());
    upsert.Bind(1, record.analyzer_arn).Bind(2, record.finding_id).Bind(3, record.json);
    return upsert.Run();
  });
}

absl::StatusOr<std::optional<FindingRecommendationRecord>> SqliteStore::GetFindingRecommendation(
    std::string_view analyzer_arn, std::string_view finding_id) {
  ReaderLease reader(*this);
  Statement query(reader.db(), reader.Prepared("SELECT json FROM finding_recommendations WHERE "
                                               "analyzer_arn = ?1 AND finding_id = ?2"));
  RETURN_IF_ERROR(query.prepared());
  query.Bind(1, analyzer_arn).Bind(2, finding_id);
  absl::Status status;
  if (!query.Step(status)) {
    RETURN_IF_ERROR(status);
    return std::optional<FindingRecommendationRecord>();
  }
  return std::optional<FindingRecommendationRecord>(FindingRecommendationRecord{
      std::string(analyzer_arn), std::string(finding_id), query.Text(0)});
}

absl::StatusOr<std::optional<std::string>> SqliteStore::GetClientToken(std::string_view scope) {
  ReaderLease reader(*this);
  Statement query(reader.db(),
                  reader.Prepared("SELECT result FROM client_tokens WHERE scope = ?1"));
  RETURN_IF_ERROR(query.prepared());
  query.Bind(1, scope);
  absl::Status status;
  if (!query.Step(status)) {
    RETURN_IF_ERROR(status);
    return std::optional<std::string>();
  }
  return std::optional<std::string>(query.Text(0));
}

absl::Status SqliteStore::PutClientToken(std::string_view scope, std::string_view result) {
  return Write([&]() -> absl::Status {
    Statement upsert(
        db_, Prepared("INSERT OR REPLACE INTO client_tokens(scope, result) VALUES(?1, ?2)"));
    RETURN_IF_ERROR(upsert.prepared());
    upsert.Bind(1, scope).Bind(2, result);
    return upsert.Run();
  });
}

}  // namespace perimeter::store
