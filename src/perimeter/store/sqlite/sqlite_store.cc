#include "perimeter/store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <list>
#include <optional>
#include <set>
#include <unordered_map>
#include <utility>

#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"
#include "perimeter/findings/finding_json.h"
#include "perimeter/json/document.h"
#include "perimeter/store/internal/record_codec.h"

namespace perimeter::store {

namespace {

// Read-only connections in the pool (ReaderLease); more than the HTTP workers that read at once on a
// small machine would gain nothing.
constexpr int kReaders = 4;

// The schema's version, in PRAGMA user_version. 2: findings keep their summary columns (what listings
// sort and filter on) and their AWS JSON beside the stored finding, in a rowid table with one index per
// (status, sort key). 1 (user_version 0, the first releases): findings(analyzer_arn, id, resource, status,
// timestamps, body) WITHOUT ROWID, which Open migrates in one transaction. 3: schema 2 with the
// indexes for the sorts on resourceType, resourceOwnerAccount, isPublic and error (Open adds them).
// 4: inventory records keyed by (kind, owner, key), a resource record being its owner's claim on the ARN
// (before: by (kind, key), so one account's import replaced another's record); Open rebuilds the table,
// each resource row's owner read from its resourceOwnerAccount.
constexpr int kSchemaVersion = 4;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS analyzers(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, arn TEXT NOT NULL UNIQUE, account_id TEXT NOT NULL,
  region TEXT NOT NULL, name TEXT NOT NULL, type TEXT NOT NULL, created_at INTEGER NOT NULL,
  status TEXT NOT NULL, status_reason TEXT, tags TEXT NOT NULL, configuration TEXT NOT NULL,
  last_resource TEXT NOT NULL, last_resource_at INTEGER);
CREATE TABLE IF NOT EXISTS archive_rules(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, analyzer_arn TEXT NOT NULL, rule_name TEXT NOT NULL,
  filter TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  UNIQUE(analyzer_arn, rule_name));
-- Timestamps: *_at in microseconds (the record's), *_ms the same rounded down to milliseconds (the sort
-- keys: findings::SortValue and the page tokens carry millisecond text). body: internal::EncodeFinding;
-- json: findings::FindingObjectJson. error is NULL when the finding has none. A write replaces the row
-- under a new seq, never reused: a seq names one version of one finding.
CREATE TABLE IF NOT EXISTS findings(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, analyzer_arn TEXT NOT NULL, id TEXT NOT NULL, status TEXT NOT NULL,
  resource TEXT NOT NULL, resource_type TEXT NOT NULL, owner TEXT NOT NULL, is_public INTEGER NOT NULL,
  error TEXT, created_at INTEGER NOT NULL, analyzed_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  created_ms INTEGER NOT NULL, analyzed_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, body TEXT NOT NULL,
  json TEXT NOT NULL, UNIQUE(analyzer_arn, id));
CREATE INDEX IF NOT EXISTS findings_by_status_id ON findings(analyzer_arn, status, id);
CREATE INDEX IF NOT EXISTS findings_by_status_resource ON findings(analyzer_arn, status, resource, id);
CREATE INDEX IF NOT EXISTS findings_by_status_created ON findings(analyzer_arn, status, created_ms, id);
CREATE INDEX IF NOT EXISTS findings_by_status_analyzed ON findings(analyzer_arn, status, analyzed_ms, id);
CREATE INDEX IF NOT EXISTS findings_by_status_updated ON findings(analyzer_arn, status, updated_ms, id);
CREATE INDEX IF NOT EXISTS findings_by_status_type ON findings(analyzer_arn, status, resource_type, id);
CREATE INDEX IF NOT EXISTS findings_by_status_owner ON findings(analyzer_arn, status, owner, id);
CREATE INDEX IF NOT EXISTS findings_by_status_public ON findings(analyzer_arn, status, is_public, id);
CREATE INDEX IF NOT EXISTS findings_by_status_error ON findings(analyzer_arn, status, ifnull(error, ''), id);
CREATE TABLE IF NOT EXISTS service_access(principal TEXT PRIMARY KEY, enabled_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS delegated_administrators(
  account_id TEXT NOT NULL, principal TEXT NOT NULL, registered_at INTEGER NOT NULL,
  PRIMARY KEY(account_id, principal));
-- owner: a resource's resourceOwnerAccount, '' for account and organization records.
CREATE TABLE IF NOT EXISTS inventory(
  kind TEXT NOT NULL, owner TEXT NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL, updated_at INTEGER NOT NULL,
  PRIMARY KEY(kind, owner, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS client_tokens(scope TEXT PRIMARY KEY, result TEXT NOT NULL);
)sql";

constexpr const char* kUpsertInventory =
    "INSERT INTO inventory(kind, owner, key, json, updated_at) VALUES(?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT(kind, owner, key) DO UPDATE SET json = ?4, updated_at = ?5";

// The owner of a stored inventory row of schema 3 and before: a resource's resourceOwnerAccount ("" when
// the record has none, which the import never stored), "" for the other kinds.
std::string InventoryOwnerOf(std::string_view kind, const std::string& json_text) {
  if (kind != InventoryKindName(InventoryKind::kResource)) return "";
  json::ParseResult parsed = json::Parse(json_text);
  if (!parsed.ok() || !parsed.document.root().is_object()) return "";
  std::optional<json::Value> owner = parsed.document.root().Find("resourceOwnerAccount");
  return owner && owner->is_string() ? std::string(owner->text()) : std::string();
}

// Every status a finding can have, in the order of their names (the status sort).
constexpr std::array kStatuses = {findings::FindingStatus::kActive, findings::FindingStatus::kArchived,
                                  findings::FindingStatus::kResolved};

int64_t Micros(absl::Time time) { return absl::ToUnixMicros(time); }
absl::Time FromMicros(int64_t micros) { return absl::FromUnixMicros(micros); }

absl::Status SqliteError(sqlite3* db, std::string_view what) {
  return absl::InternalError(base::Concat("sqlite: ", what, ": ", sqlite3_errmsg(db)));
}

// A prepared statement; finalized on destruction.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) { status_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  // Borrows a statement prepared once and kept by the store (hot queries): reset, not finalized, at the end.
  Statement(sqlite3* db, sqlite3_stmt* cached) : db_(db), stmt_(cached), borrowed_(true) {
    status_ = cached == nullptr ? SQLITE_ERROR : SQLITE_OK;
  }
  ~Statement() {
    if (!borrowed_) {
      sqlite3_finalize(stmt_);
    } else if (stmt_ != nullptr) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  absl::Status prepared() const {
    return status_ == SQLITE_OK ? absl::OkStatus() : SqliteError(db_, "prepare");
  }
  Statement& Bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int index, int64_t number) {
    sqlite3_bind_int64(stmt_, index, number);
    return *this;
  }
  Statement& BindNull(int index) {
    sqlite3_bind_null(stmt_, index);
    return *this;
  }
  // True when a row is available; false at the end. Errors go to `status`.
  bool Step(absl::Status& status) {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) status = SqliteError(db_, "step");
    return false;
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  absl::Status Run() {
    absl::Status status;
    while (Step(status)) {
    }
    return status;
  }
  std::string Text(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    return text == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(text),
                                                         static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  // Valid until the statement steps again or is reset.
  std::string_view TextView(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    return text == nullptr ? std::string_view()
                           : std::string_view(reinterpret_cast<const char*>(text),
                                              static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  bool borrowed_ = false;
  int status_ = SQLITE_OK;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {
    ok_ = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  ~Transaction() {
    if (ok_ && !committed_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  absl::Status began() const { return ok_ ? absl::OkStatus() : SqliteError(db_, "begin"); }
  absl::Status Commit() {
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) return SqliteError(db_, "commit");
    committed_ = true;
    return absl::OkStatus();
  }

 private:
  sqlite3* db_;
  bool ok_ = false;
  bool committed_ = false;
};

constexpr const char* kAnalyzerColumns =
    "arn, account_id, region, name, type, created_at, status, status_reason, tags, configuration, last_resource, "
    "last_resource_at";

absl::StatusOr<Analyzer> ReadAnalyzer(const Statement& row) {
  Analyzer analyzer;
  analyzer.arn = row.Text(0);
  analyzer.account_id = row.Text(1);
  analyzer.region = row.Text(2);
  analyzer.name = row.Text(3);
  std::optional<AnalyzerType> type = ParseAnalyzerType(row.Text(4));
  std::optional<AnalyzerStatus> status = ParseAnalyzerStatus(row.Text(6));
  if (!type || !status) return absl::InternalError("corrupt stored record: analyzer type or status");
  analyzer.type = *type;
  analyzer.created_at = FromMicros(row.Int(5));
  analyzer.status = *status;
  if (!row.IsNull(7)) analyzer.status_reason = ParseStatusReasonCode(row.Text(7));
  ASSIGN_OR_RETURN(analyzer.tags, internal::DecodeStringMap(row.Text(8)));
  analyzer.configuration_json = row.Text(9);
  analyzer.last_resource_analyzed = row.Text(10);
  if (!row.IsNull(11)) analyzer.last_resource_analyzed_at = FromMicros(row.Int(11));
  return analyzer;
}

constexpr const char* kFindingColumns = "id, status, created_at, analyzed_at, updated_at, body";

absl::StatusOr<findings::FindingRecord> ReadFinding(const Statement& row) {
  findings::FindingRecord record;
  ASSIGN_OR_RETURN(record.finding, internal::DecodeFinding(row.TextView(5)));
  record.finding.id = row.Text(0);
  std::optional<findings::FindingStatus> status = findings::ParseFindingStatus(row.TextView(1));
  if (!status) return absl::InternalError("corrupt stored record: finding status");
  record.status = *status;
  record.created_at = FromMicros(row.Int(2));
  record.analyzed_at = FromMicros(row.Int(3));
  record.updated_at = FromMicros(row.Int(4));
  return record;
}

// What a listing reads of a row: the summary columns and json.
constexpr const char* kListedColumns =
    "id, status, resource, resource_type, owner, is_public, error, created_at, analyzed_at, updated_at, json";

absl::StatusOr<ListedFinding> ReadListed(const Statement& row) {
  ListedFinding out;
  findings::FindingRecord& summary = out.summary;
  std::optional<findings::FindingStatus> status = findings::ParseFindingStatus(row.TextView(1));
  if (!status) return absl::InternalError("corrupt stored record: finding status");
  summary.status = *status;
  summary.finding.id = row.Text(0);
  summary.finding.resource = row.Text(2);
  summary.finding.resource_type = row.Text(3);
  summary.finding.resource_owner_account = row.Text(4);
  summary.finding.is_public = row.Int(5) != 0;
  if (!row.IsNull(6)) summary.finding.error = row.Text(6);
  summary.created_at = FromMicros(row.Int(7));
  summary.analyzed_at = FromMicros(row.Int(8));
  summary.updated_at = FromMicros(row.Int(9));
  out.finding_json = row.Text(10);
  return out;
}

// The upsert of one finding row, with every derived column. REPLACE deletes the previous row and
// inserts a new one under a new rowid: rows are never changed in place (SqliteStore::ListedCache).
constexpr const char* kUpsertFinding = R"sql(
  INSERT OR REPLACE INTO findings(analyzer_arn, id, status, resource, resource_type, owner, is_public, error,
                                  created_at, analyzed_at, updated_at, created_ms, analyzed_ms, updated_ms, body, json)
  VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16))sql";

absl::Status UpsertFinding(Statement& upsert, std::string_view analyzer_arn, const findings::FindingRecord& record) {
  const findings::Finding& finding = record.finding;
  upsert.Reset();
  upsert.Bind(1, analyzer_arn).Bind(2, record.id()).Bind(3, findings::FindingStatusName(record.status));
  upsert.Bind(4, finding.resource).Bind(5, finding.resource_type).Bind(6, finding.resource_owner_account);
  upsert.Bind(7, int64_t{finding.is_public ? 1 : 0});
  if (finding.error) {
    upsert.Bind(8, *finding.error);
  } else {
    upsert.BindNull(8);
  }
  upsert.Bind(9, Micros(record.created_at)).Bind(10, Micros(record.analyzed_at)).Bind(11, Micros(record.updated_at));
  // Rounded toward the past, as FormatTimestamp truncates.
  upsert.Bind(12, absl::ToUnixMillis(record.created_at)).Bind(13, absl::ToUnixMillis(record.analyzed_at));
  upsert.Bind(14, absl::ToUnixMillis(record.updated_at));
  upsert.Bind(15, internal::EncodeFinding(finding)).Bind(16, findings::FindingObjectJson(record));
  return upsert.Run();
}

}  // namespace

// Listed findings by seq. A row is never changed in place (a write replaces it under a new seq, which
// AUTOINCREMENT never hands out again), so an entry stays true while its seq exists and there is nothing
// to invalidate; beyond the capacity the least recently used entries are dropped.
class SqliteStore::ListedCache {
 public:
  explicit ListedCache(size_t capacity) : capacity_(capacity) {}

  std::shared_ptr<const ListedFinding> Find(int64_t seq) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(seq);
    if (it == entries_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second.second);
    return it->second.first;
  }
  void Insert(int64_t seq, std::shared_ptr<const ListedFinding> entry) {
    std::lock_guard lock(mutex_);
    if (entries_.contains(seq)) return;
    order_.push_front(seq);
    entries_.emplace(seq, std::make_pair(std::move(entry), order_.begin()));
    if (entries_.size() > capacity_) {
      entries_.erase(order_.back());
      order_.pop_back();
    }
  }

 private:
  std::mutex mutex_;
  const size_t capacity_;
  std::list<int64_t> order_;  // most recently used first
  std::unordered_map<int64_t, std::pair<std::shared_ptr<const ListedFinding>, std::list<int64_t>::iterator>> entries_;
};

// Listed findings kept in memory: ~1 KB each.
constexpr size_t kListedCacheEntries = 32768;

SqliteStore::SqliteStore(sqlite3* db) : db_(db), listed_cache_(std::make_unique<ListedCache>(kListedCacheEntries)) {}

absl::StatusOr<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                           nullptr);
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
  RETURN_IF_ERROR(store->UpgradeSchema());
  {
    std::lock_guard lock(store->mutex_);
    ASSIGN_OR_RETURN(std::vector<Analyzer> analyzers, store->ListAnalyzersLocked());
    for (Analyzer& analyzer : analyzers) store->analyzers_.emplace(analyzer.arn, std::move(analyzer));
  }
  for (int i = 0; i < kReaders; ++i) {
    auto reader = std::make_unique<Reader>();
    if (sqlite3_open_v2(path.c_str(), &reader->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
      std::string message = reader->db ? sqlite3_errmsg(reader->db) : "out of memory";
      sqlite3_close(reader->db);
      return absl::UnavailableError(base::Concat("cannot open ", path, " for reading: ", message));
    }
    sqlite3_busy_timeout(reader->db, 5000);
    // Hot reads come from memory-mapped pages rather than a pread per page (writes still go through the
    // writer's WAL and fsync).
    sqlite3_exec(reader->db, "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-8192", nullptr, nullptr, nullptr);
    store->free_readers_.push_back(reader.get());
    store->readers_.push_back(std::move(reader));
  }
  return store;
}

absl::Status SqliteStore::UpgradeSchema() {
  absl::Status status;
  int64_t version = 0;
  {
    Statement query(db_, "PRAGMA user_version");
    RETURN_IF_ERROR(query.prepared());
    if (query.Step(status)) version = query.Int(0);
    RETURN_IF_ERROR(status);
  }
  if (version > kSchemaVersion) {
    return absl::FailedPreconditionError(base::Concat("the database was written by a newer Perimeter (schema version ",
                                                      version, "; this one reads up to ", kSchemaVersion, ")"));
  }
  if (version == kSchemaVersion) return absl::OkStatus();
  // Everything below is one transaction: a crash leaves the previous schema and data.
  Transaction transaction(db_);
  RETURN_IF_ERROR(transaction.began());
  bool legacy = false;  // version 1: a findings table from before user_version was set
  if (version == 0) {
    Statement query(db_, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'findings'");
    RETURN_IF_ERROR(query.prepared());
    legacy = query.Step(status);
    RETURN_IF_ERROR(status);
  }
  bool old_inventory = false;  // schemas 1 to 3: inventory keyed by (kind, key)
  {
    Statement query(db_, "SELECT 1 FROM pragma_table_info('inventory') WHERE name = 'key'");
    Statement owner(db_, "SELECT 1 FROM pragma_table_info('inventory') WHERE name = 'owner'");
    RETURN_IF_ERROR(query.prepared());
    RETURN_IF_ERROR(owner.prepared());
    bool has_table = query.Step(status);
    RETURN_IF_ERROR(status);
    bool has_owner = owner.Step(status);
    RETURN_IF_ERROR(status);
    old_inventory = has_table && !has_owner;
  }
  if (old_inventory) RETURN_IF_ERROR(Exec("ALTER TABLE inventory RENAME TO inventory_v3"));
  if (legacy) {
    RETURN_IF_ERROR(Exec(R"sql(
      DROP INDEX IF EXISTS findings_by_resource; DROP INDEX IF EXISTS findings_by_created;
      DROP INDEX IF EXISTS findings_by_updated; DROP INDEX IF EXISTS findings_by_analyzed;
      DROP INDEX IF EXISTS findings_by_status; ALTER TABLE findings RENAME TO findings_v1;)sql"));
  }
  RETURN_IF_ERROR(Exec(kSchema));
  if (legacy) {
    // Each finding is decoded once and written with its derived columns.
    Statement rows(db_, "SELECT id, status, created_at, analyzed_at, updated_at, body, analyzer_arn FROM findings_v1");
    Statement upsert(db_, kUpsertFinding);
    RETURN_IF_ERROR(rows.prepared());
    RETURN_IF_ERROR(upsert.prepared());
    while (rows.Step(status)) {
      ASSIGN_OR_RETURN(findings::FindingRecord record, ReadFinding(rows));
      RETURN_IF_ERROR(UpsertFinding(upsert, rows.TextView(6), record));
    }
    RETURN_IF_ERROR(status);
    RETURN_IF_ERROR(Exec("DROP TABLE findings_v1"));
  }
  if (old_inventory) {
    Statement rows(db_, "SELECT kind, key, json, updated_at FROM inventory_v3");
    Statement insert(db_, kUpsertInventory);
    RETURN_IF_ERROR(rows.prepared());
    RETURN_IF_ERROR(insert.prepared());
    while (rows.Step(status)) {
      std::string kind = rows.Text(0), json_text = rows.Text(2);
      insert.Reset();
      insert.Bind(1, kind).Bind(2, InventoryOwnerOf(kind, json_text)).Bind(3, rows.TextView(1)).Bind(4, json_text);
      insert.Bind(5, rows.Int(3));
      RETURN_IF_ERROR(insert.Run());
    }
    RETURN_IF_ERROR(status);
    RETURN_IF_ERROR(Exec("DROP TABLE inventory_v3"));
  }
  RETURN_IF_ERROR(Exec(base::Concat("PRAGMA user_version = ", kSchemaVersion).c_str()));
  return transaction.Commit();
}

SqliteStore::~SqliteStore() {
  for (const std::unique_ptr<Reader>& reader : readers_) {
    for (auto& [sql, statement] : reader->statements) sqlite3_finalize(statement);
    sqlite3_close(reader->db);
  }
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
  sqlite3_close(db_);
}

namespace {

sqlite3_stmt* PrepareCached(sqlite3* db, std::map<std::string, sqlite3_stmt*>& cache, const std::string& sql) {
  auto it = cache.find(sql);
  if (it != cache.end()) return it->second;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) != SQLITE_OK) {
    sqlite3_finalize(statement);
    return nullptr;
  }
  cache.emplace(sql, statement);
  return statement;
}

}  // namespace

sqlite3_stmt* SqliteStore::Prepared(const std::string& sql) { return PrepareCached(db_, statements_, sql); }

// A reader connection for the scope of one read; waits while all are in use.
class SqliteStore::ReaderLease {
 public:
  explicit ReaderLease(SqliteStore& store) : store_(store) {
    std::unique_lock lock(store.readers_mutex_);
    store.reader_free_.wait(lock, [&] { return !store.free_readers_.empty(); });
    reader_ = store.free_readers_.back();
    store.free_readers_.pop_back();
  }
  ~ReaderLease() {
    {
      std::lock_guard lock(store_.readers_mutex_);
      store_.free_readers_.push_back(reader_);
    }
    store_.reader_free_.notify_one();
  }
  ReaderLease(const ReaderLease&) = delete;
  ReaderLease& operator=(const ReaderLease&) = delete;

  sqlite3* db() const { return reader_->db; }
  sqlite3_stmt* Prepared(const std::string& sql) { return PrepareCached(reader_->db, reader_->statements, sql); }

 private:
  SqliteStore& store_;
  Reader* reader_;
};

absl::Status SqliteStore::Exec(const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    return absl::InternalError(base::Concat("sqlite: ", message));
  }
  return absl::OkStatus();
}

absl::Status SqliteStore::PutAnalyzer(const Analyzer& analyzer) {
  std::lock_guard lock(mutex_);
  return PutAnalyzerLocked(analyzer);
}

absl::StatusOr<bool> SqliteStore::ModifyAnalyzer(std::string_view arn, const AnalyzerDecision& decide) {
  std::lock_guard lock(mutex_);
  // The cache holds every committed analyzer and is written only under mutex_: it is the stored state.
  std::optional<Analyzer> analyzer;
  {
    std::shared_lock cache(analyzers_mutex_);
    auto it = analyzers_.find(arn);
    if (it == analyzers_.end()) return false;
    analyzer = it->second;
  }
  std::string key = analyzer->arn;
  if (!decide(*analyzer)) return false;
  analyzer->arn = std::move(key);  // the key stays
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
      last_resource_at = ?12)sql"));
  RETURN_IF_ERROR(insert.prepared());
  insert.Bind(1, analyzer.arn).Bind(2, analyzer.account_id).Bind(3, analyzer.region).Bind(4, analyzer.name);
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
  RETURN_IF_ERROR(insert.Run());
  std::unique_lock cache(analyzers_mutex_);
  analyzers_.insert_or_assign(analyzer.arn, analyzer);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Analyzer>> SqliteStore::GetAnalyzer(std::string_view arn) {
  std::shared_lock lock(analyzers_mutex_);
  auto it = analyzers_.find(arn);
  if (it == analyzers_.end()) return std::optional<Analyzer>();
  return std::optional<Analyzer>(it->second);
}

absl::StatusOr<std::vector<Analyzer>> SqliteStore::ListAnalyzers() {
  std::lock_guard lock(mutex_);
  return ListAnalyzersLocked();
}

absl::StatusOr<std::vector<Analyzer>> SqliteStore::ListAnalyzersLocked() {
  std::string sql = base::Concat("SELECT ", kAnalyzerColumns, " FROM analyzers ORDER BY created_at, arn");
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
  std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  RETURN_IF_ERROR(transaction.began());
  for (const char* sql : {"DELETE FROM analyzers WHERE arn = ?1", "DELETE FROM archive_rules WHERE analyzer_arn = ?1",
                          "DELETE FROM findings WHERE analyzer_arn = ?1"}) {
    Statement remove(db_, Prepared(sql));
    RETURN_IF_ERROR(remove.prepared());
    remove.Bind(1, arn);
    RETURN_IF_ERROR(remove.Run());
  }
  RETURN_IF_ERROR(transaction.Commit());
  std::unique_lock cache(analyzers_mutex_);
  if (auto it = analyzers_.find(arn); it != analyzers_.end()) analyzers_.erase(it);
  return absl::OkStatus();
}

absl::Status SqliteStore::PutArchiveRule(const ArchiveRuleRecord& rule) {
  std::lock_guard lock(mutex_);
  Statement insert(db_, Prepared(R"sql(
    INSERT INTO archive_rules(analyzer_arn, rule_name, filter, created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5)
    ON CONFLICT(analyzer_arn, rule_name) DO UPDATE SET filter = ?3, created_at = ?4, updated_at = ?5)sql"));
  RETURN_IF_ERROR(insert.prepared());
  insert.Bind(1, rule.analyzer_arn).Bind(2, rule.rule_name).Bind(3, rule.filter_json);
  insert.Bind(4, Micros(rule.created_at)).Bind(5, Micros(rule.updated_at));
  return insert.Run();
}

absl::StatusOr<std::optional<ArchiveRuleRecord>> SqliteStore::GetArchiveRule(std::string_view analyzer_arn,
                                                                              std::string_view rule_name) {
  std::lock_guard lock(mutex_);
  Statement query(db_,
                  "SELECT filter, created_at, updated_at FROM archive_rules WHERE analyzer_arn = ?1 AND rule_name = ?2");
  RETURN_IF_ERROR(query.prepared());
  query.Bind(1, analyzer_arn).Bind(2, rule_name);
  absl::Status status;
  if (!query.Step(status)) {
    RETURN_IF_ERROR(status);
    return std::optional<ArchiveRuleRecord>();
  }
  return std::optional<ArchiveRuleRecord>(ArchiveRuleRecord{std::string(analyzer_arn), std::string(rule_name),
                                                            query.Text(0), FromMicros(query.Int(1)),
                                                            FromMicros(query.Int(2))});
}

absl::StatusOr<std::vector<ArchiveRuleRecord>> SqliteStore::ListArchiveRules(std::string_view analyzer_arn) {
  std::lock_guard lock(mutex_);
  return ListArchiveRulesLocked(analyzer_arn);
}

absl::StatusOr<std::vector<ArchiveRuleRecord>> SqliteStore::ListArchiveRulesLocked(std::string_view analyzer_arn) {
  Statement query(db_,
                  "SELECT rule_name, filter, created_at, updated_at FROM archive_rules WHERE analyzer_arn = ?1 "
                  "ORDER BY created_at, seq");
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

absl::Status SqliteStore::DeleteArchiveRule(std::string_view analyzer_arn, std::string_view rule_name) {
  std::lock_guard lock(mutex_);
  Statement remove(db_, Prepared("DELETE FROM archive_rules WHERE analyzer_arn = ?1 AND rule_name = ?2"));
  RETURN_IF_ERROR(remove.prepared());
  remove.Bind(1, analyzer_arn).Bind(2, rule_name);
  return remove.Run();
}

absl::Status SqliteStore::WriteFindings(std::string_view analyzer_arn,
                                        std::span<const findings::FindingRecord> records,
                                        std::span<const std::string> deleted_ids) {
  std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  RETURN_IF_ERROR(transaction.began());
  RETURN_IF_ERROR(WriteFindingsLocked(analyzer_arn, records, deleted_ids));
  return transaction.Commit();
}

absl::StatusOr<bool> SqliteStore::ModifyFindings(std::string_view analyzer_arn, const FindingSelection& selection,
                                                 const FindingsDecision& decide) {
  std::lock_guard lock(mutex_);
  FindingsSnapshot snapshot;
  {
    std::shared_lock cache(analyzers_mutex_);
    auto it = analyzers_.find(analyzer_arn);
    if (it == analyzers_.end()) return false;
    snapshot.analyzer = it->second;
  }
  Transaction transaction(db_);
  RETURN_IF_ERROR(transaction.began());
  ASSIGN_OR_RETURN(snapshot.archive_rules, ListArchiveRulesLocked(analyzer_arn));
  if (selection.ids) {
    std::string sql = base::Concat("SELECT ", kFindingColumns, " FROM findings WHERE analyzer_arn = ?1 AND id = ?2");
    std::set<std::string> ids(selection.ids->begin(), selection.ids->end());
    for (const std::string& id : ids) {
      if (id.empty()) continue;
      ASSIGN_OR_RETURN(std::vector<findings::FindingRecord> found, QueryFindings(sql.c_str(), analyzer_arn, id));
      for (findings::FindingRecord& record : found) snapshot.findings.push_back(std::move(record));
    }
  } else if (selection.resource_arn) {
    if (!selection.resource_arn->empty()) {
      std::string sql = base::Concat("SELECT ", kFindingColumns,
                                     " FROM findings INDEXED BY findings_by_status_resource WHERE analyzer_arn = ?1 "
                                     "AND status IN ('ACTIVE', 'ARCHIVED', 'RESOLVED') AND resource = ?2 ORDER BY id");
      ASSIGN_OR_RETURN(snapshot.findings, QueryFindings(sql.c_str(), analyzer_arn, *selection.resource_arn));
    }
  } else {
    std::string sql = base::Concat("SELECT ", kFindingColumns, " FROM findings WHERE analyzer_arn = ?1 ORDER BY id");
    ASSIGN_OR_RETURN(snapshot.findings, QueryFindings(sql.c_str(), analyzer_arn, ""));
  }
  ASSIGN_OR_RETURN(std::optional<FindingChanges> changes, decide(snapshot));
  if (!changes) return false;
  RETURN_IF_ERROR(WriteFindingsLocked(analyzer_arn, changes->records, changes->deleted_ids));
  RETURN_IF_ERROR(transaction.Commit());
  return true;
}

absl::Status SqliteStore::WriteFindingsLocked(std::string_view analyzer_arn,
                                              std::span<const findings::FindingRecord> records,
                                              std::span<const std::string> deleted_ids) {
  Statement remove(db_, Prepared("DELETE FROM findings WHERE analyzer_arn = ?1 AND id = ?2"));
  RETURN_IF_ERROR(remove.prepared());
  for (const std::string& id : deleted_ids) {
    remove.Reset();
    remove.Bind(1, analyzer_arn).Bind(2, id);
    RETURN_IF_ERROR(remove.Run());
  }
  Statement upsert(db_, Prepared(kUpsertFinding));
  RETURN_IF_ERROR(upsert.prepared());
  for (const findings::FindingRecord& record : records) RETURN_IF_ERROR(UpsertFinding(upsert, analyzer_arn, record));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<findings::FindingRecord>> SqliteStore::QueryFindings(const char* sql, std::string_view a,
                                                                                std::string_view b) {
  Statement query(db_, Prepared(sql));
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

absl::StatusOr<std::optional<findings::FindingRecord>> SqliteStore::GetFinding(std::string_view analyzer_arn,
                                                                               std::string_view id) {
  static const std::string sql =
      base::Concat("SELECT ", kFindingColumns, " FROM findings WHERE analyzer_arn = ?1 AND id = ?2");
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

absl::StatusOr<std::shared_ptr<const ListedFinding>> SqliteStore::GetListedFinding(std::string_view analyzer_arn,
                                                                                  std::string_view id) {
  // The seq from the (analyzer_arn, id) index, then the row from the cache or its columns, in one
  // statement's snapshot.
  static const std::string seq_sql = "SELECT seq FROM findings WHERE analyzer_arn = ?1 AND id = ?2";
  static const std::string fetch_sql = base::Concat("SELECT ", kListedColumns, " FROM findings WHERE seq = ?1");
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

absl::StatusOr<std::vector<findings::FindingRecord>> SqliteStore::ListFindings(std::string_view analyzer_arn) {
  std::lock_guard lock(mutex_);
  std::string sql = base::Concat("SELECT ", kFindingColumns, " FROM findings WHERE analyzer_arn = ?1 ORDER BY id");
  return QueryFindings(sql.c_str(), analyzer_arn, "");
}

absl::StatusOr<std::vector<findings::FindingRecord>> SqliteStore::ListFindingsForResource(
    std::string_view analyzer_arn, std::string_view resource_arn) {
  std::lock_guard lock(mutex_);
  if (resource_arn.empty()) return std::vector<findings::FindingRecord>();
  // Every stored status is one of the three, so the IN list selects by resource alone, over an index.
  std::string sql = base::Concat("SELECT ", kFindingColumns,
                                 " FROM findings INDEXED BY findings_by_status_resource WHERE analyzer_arn = ?1 "
                                 "AND status IN ('ACTIVE', 'ARCHIVED', 'RESOLVED') AND resource = ?2 ORDER BY id");
  return QueryFindings(sql.c_str(), analyzer_arn, resource_arn);
}

namespace {

// How a sort attribute reads in SQL: its key expression (ordering as findings::SortValue orders), whether
// the key is an integer, and the index on (analyzer_arn, status, key, id) that walks it.
struct SortKeySql {
  const char* expression;
  bool integer = false;
  const char* index = nullptr;
  // The same value on every row of one status's stream (status, findingType): the stream is in id order
  // and where it starts after a token is decided before the query.
  bool constant = false;
};

SortKeySql SortKeyOf(findings::SortAttribute attribute) {
  switch (attribute) {
    case findings::SortAttribute::kId:
      return {"id", false, "findings_by_status_id"};
    case findings::SortAttribute::kResource:
      return {"resource", false, "findings_by_status_resource"};
    case findings::SortAttribute::kStatus:
      return {"status", false, "findings_by_status_id", true};
    case findings::SortAttribute::kFindingType:
      return {"'ExternalAccess'", false, "findings_by_status_id", true};
    case findings::SortAttribute::kCreatedAt:
      return {"created_ms", true, "findings_by_status_created"};
    case findings::SortAttribute::kAnalyzedAt:
      return {"analyzed_ms", true, "findings_by_status_analyzed"};
    case findings::SortAttribute::kUpdatedAt:
      return {"updated_ms", true, "findings_by_status_updated"};
    case findings::SortAttribute::kResourceType:
      return {"resource_type", false, "findings_by_status_type"};
    case findings::SortAttribute::kResourceOwnerAccount:
      return {"owner", false, "findings_by_status_owner"};
    case findings::SortAttribute::kIsPublic:
      return {"is_public", true, "findings_by_status_public"};
    case findings::SortAttribute::kError:
      return {"ifnull(error, '')", false, "findings_by_status_error"};
  }
  return {"id", false, "findings_by_status_id"};
}

// The statuses a listing can hold under `filter`: its status criteria read nothing but the status, so
// trying each status decides them exactly.
std::vector<findings::FindingStatus> ListedStatuses(const findings::FindingFilter* filter) {
  std::vector<findings::FindingStatus> out;
  for (findings::FindingStatus status : kStatuses) {
    findings::FindingRecord probe;
    probe.status = status;
    bool possible = true;
    if (filter != nullptr) {
      for (const findings::Criterion& criterion : filter->criteria()) {
        if (criterion.field == findings::FilterField::kStatus && !criterion.Matches(probe)) possible = false;
      }
    }
    if (possible) out.push_back(status);
  }
  return out;
}

// One status's rows in the sort's order, as (key, id, seq): a covering-index walk for the indexed keys.
struct SortedRows {
  SortedRows(sqlite3* db, sqlite3_stmt* statement) : rows(db, statement) {}
  Statement rows;
  bool live = false;
  int64_t int_key = 0;
  std::string_view text_key;  // valid until the next step
  std::string_view id;

  absl::Status Advance(bool integer) {
    absl::Status status;
    live = rows.Step(status);
    if (live) {
      if (integer) {
        int_key = rows.Int(0);
      } else {
        text_key = rows.TextView(0);
      }
      id = rows.TextView(1);
    }
    return status;
  }
};

// (key, id) of `a` strictly before that of `b` in ascending order.
bool KeyBefore(const SortedRows& a, const SortedRows& b, bool integer) {
  if (integer ? a.int_key != b.int_key : a.text_key != b.text_key) {
    return integer ? a.int_key < b.int_key : a.text_key < b.text_key;
  }
  return a.id < b.id;
}

// Where one status's stream starts after a page token.
enum class StreamStart { kFirst, kAfterId, kAfterKeyAndId, kNone };

}  // namespace

// A read transaction on a reader connection, so that every statement of one listing sees one snapshot.
// REQUIRES: statements stepped inside it are reset before it ends (declare it first).
class SqliteStore::ReadTransaction {
 public:
  explicit ReadTransaction(ReaderLease& reader) : reader_(reader) {
    Statement begin(reader.db(), reader.Prepared("BEGIN"));
    status_ = begin.prepared();
    if (status_.ok()) status_ = begin.Run();
  }
  ~ReadTransaction() {
    if (!status_.ok()) return;
    Statement commit(reader_.db(), reader_.Prepared("COMMIT"));
    if (commit.prepared().ok()) commit.Run().IgnoreError();
  }
  const absl::Status& began() const { return status_; }

 private:
  ReaderLease& reader_;
  absl::Status status_;
};

absl::StatusOr<FindingPage> SqliteStore::ListFindingsPage(std::string_view analyzer_arn,
                                                          const FindingPageQuery& query) {
  const SortKeySql key = SortKeyOf(query.sort.attribute);
  const bool descending = query.sort.order == findings::SortOrder::kDescending;
  // The token's sort value as the key column holds it. Tokens come from findings::SortValue; one that
  // does not read back (altered by the client) takes the generic path, which compares the text.
  std::optional<int64_t> after_integer;
  if (query.after && key.integer) {
    const std::string& value = query.after->last_sort_value;
    if (query.sort.attribute == findings::SortAttribute::kIsPublic) {
      if (value == "true" || value == "false") after_integer = value == "true" ? 1 : 0;
    } else if (std::optional<absl::Time> time = findings::ParseTimestamp(value)) {
      after_integer = absl::ToUnixMillis(*time);
    }
    if (!after_integer) return Store::ListFindingsPage(analyzer_arn, query);
  }
  // Status and findingType are the same on every row of one status's stream: where such a stream starts
  // after the token is decided here (a range on the status beside `status = ...` would make SQLite sort).
  auto start_of = [&](findings::FindingStatus status) {
    if (!query.after) return StreamStart::kFirst;
    std::string_view constant;
    if (query.sort.attribute == findings::SortAttribute::kStatus) constant = findings::FindingStatusName(status);
    if (query.sort.attribute == findings::SortAttribute::kFindingType) constant = "ExternalAccess";
    if (constant.empty()) return StreamStart::kAfterKeyAndId;
    int order = constant.compare(query.after->last_sort_value);
    if (order == 0) return StreamStart::kAfterId;
    return (order > 0) != descending ? StreamStart::kFirst : StreamStart::kNone;
  };
  // The status is written into the text (one of three names), so that each status's stream has its own
  // cached statement.
  auto sql = [&](findings::FindingStatus status, StreamStart start) {
    const char* after = descending ? " < " : " > ";
    std::string condition;
    switch (start) {
      case StreamStart::kFirst:
      case StreamStart::kNone:
        break;
      case StreamStart::kAfterId:
        condition = base::Concat(" AND id", after, "?3");
        break;
      case StreamStart::kAfterKeyAndId:
        // Spelled out rather than as a row value, so that SQLite seeks the index to the key.
        condition = base::Concat(" AND ", key.expression, descending ? " <= ?2" : " >= ?2", " AND (", key.expression,
                                 after, "?2 OR id", after, "?3)");
        break;
    }
    return base::Concat("SELECT ", key.expression, ", id, seq FROM findings",
                        key.index != nullptr ? base::Concat(" INDEXED BY ", key.index) : std::string(),
                        " WHERE analyzer_arn = ?1 AND status = '", findings::FindingStatusName(status), "'", condition,
                        " ORDER BY ", key.constant ? "" : base::Concat(key.expression, descending ? " DESC, " : ", "),
                        "id", descending ? " DESC" : "");
  };
  static const std::string fetch_sql = base::Concat("SELECT ", kListedColumns, " FROM findings WHERE seq = ?1");
  static const std::string body_sql = "SELECT body FROM findings WHERE seq = ?1";

  // One sorted stream per status the filter allows, merged here.
  std::vector<std::pair<findings::FindingStatus, StreamStart>> starts;
  for (findings::FindingStatus status : ListedStatuses(query.filter)) {
    StreamStart start = start_of(status);
    if (start != StreamStart::kNone) starts.emplace_back(status, start);
  }
  // The status criteria are settled by the choice of streams: rows are filtered by the others only.
  std::optional<findings::FindingFilter> rest;
  if (query.filter != nullptr) {
    std::vector<findings::Criterion> criteria;
    for (const findings::Criterion& criterion : query.filter->criteria()) {
      if (criterion.field != findings::FilterField::kStatus) criteria.push_back(criterion);
    }
    if (!criteria.empty()) rest.emplace(std::move(criteria));
  }
  const findings::FindingFilter* filter = rest ? &*rest : nullptr;

  ReaderLease reader(*this);
  // One snapshot for the page: a single stream's statement holds it while it runs (rows are fetched
  // while it is active); several need a transaction around them.
  std::optional<ReadTransaction> transaction;
  if (starts.size() > 1) {
    transaction.emplace(reader);
    RETURN_IF_ERROR(transaction->began());
  }
  std::vector<std::unique_ptr<SortedRows>> streams;
  for (const auto& [status, start] : starts) {
    auto stream = std::make_unique<SortedRows>(reader.db(), reader.Prepared(sql(status, start)));
    RETURN_IF_ERROR(stream->rows.prepared());
    stream->rows.Bind(1, analyzer_arn);
    if (start == StreamStart::kAfterKeyAndId) {
      if (after_integer) {
        stream->rows.Bind(2, *after_integer);
      } else {
        stream->rows.Bind(2, query.after->last_sort_value);
      }
    }
    if (start != StreamStart::kFirst) stream->rows.Bind(3, query.after->last_id);
    RETURN_IF_ERROR(stream->Advance(key.integer));
    streams.push_back(std::move(stream));
  }
  Statement fetch(reader.db(), reader.Prepared(fetch_sql));
  RETURN_IF_ERROR(fetch.prepared());
  const bool needs_details = filter != nullptr && filter->NeedsAccessDetails();
  std::optional<Statement> body;
  if (needs_details) {
    body.emplace(reader.db(), reader.Prepared(body_sql));
    RETURN_IF_ERROR(body->prepared());
  }
  FindingPage page;
  while (true) {
    SortedRows* next = nullptr;
    for (std::unique_ptr<SortedRows>& stream : streams) {
      if (!stream->live) continue;
      if (next == nullptr ||
          (descending ? KeyBefore(*next, *stream, key.integer) : KeyBefore(*stream, *next, key.integer))) {
        next = stream.get();
      }
    }
    if (next == nullptr) break;
    const int64_t seq = next->rows.Int(2);
    std::shared_ptr<const ListedFinding> listed = listed_cache_->Find(seq);
    absl::Status status;
    if (listed == nullptr) {
      fetch.Reset();
      fetch.Bind(1, seq);
      if (!fetch.Step(status)) {
        RETURN_IF_ERROR(status);
        return absl::InternalError("sqlite: a listed finding vanished inside its transaction");
      }
      ASSIGN_OR_RETURN(ListedFinding read, ReadListed(fetch));
      listed = std::make_shared<const ListedFinding>(std::move(read));
      listed_cache_->Insert(seq, listed);
    }
    bool kept = true;
    if (needs_details) {
      body->Reset();
      body->Bind(1, seq);
      if (!body->Step(status)) {
        RETURN_IF_ERROR(status);
        return absl::InternalError("sqlite: a listed finding vanished inside its transaction");
      }
      findings::FindingRecord whole = listed->summary;
      ASSIGN_OR_RETURN(whole.finding, internal::DecodeFinding(body->TextView(0)));
      whole.finding.id = listed->summary.finding.id;
      kept = filter->Matches(whole);
    } else if (filter != nullptr) {
      kept = filter->Matches(listed->summary);
    }
    if (kept) {
      if (page.entries.size() == query.limit) {
        page.more = true;
        break;
      }
      page.entries.push_back(std::move(listed));
    }
    RETURN_IF_ERROR(next->Advance(key.integer));
  }
  return page;
}

absl::StatusOr<FindingCounts> SqliteStore::CountFindings(std::string_view analyzer_arn) {
  static const std::string sql =
      "SELECT status, resource_type, error IS NOT NULL, is_public, count(*), max(max(updated_at, analyzed_at)) "
      "FROM findings WHERE analyzer_arn = ?1 GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4";
  ReaderLease reader(*this);
  Statement rows(reader.db(), reader.Prepared(sql));
  RETURN_IF_ERROR(rows.prepared());
  rows.Bind(1, analyzer_arn);
  FindingCounts counts;
  absl::Status status;
  while (rows.Step(status)) {
    std::optional<findings::FindingStatus> finding_status = findings::ParseFindingStatus(rows.TextView(0));
    if (!finding_status) return absl::InternalError("corrupt stored record: finding status");
    counts.groups.push_back(
        FindingGroupCount{*finding_status, rows.Text(1), rows.Int(2) != 0, rows.Int(3) != 0, rows.Int(4)});
    absl::Time latest = FromMicros(rows.Int(5));
    counts.latest = counts.latest ? std::max(*counts.latest, latest) : latest;
  }
  RETURN_IF_ERROR(status);
  return counts;
}

absl::Status SqliteStore::PutServiceAccess(const ServiceAccess& access) {
  std::lock_guard lock(mutex_);
  Statement insert(db_, Prepared("INSERT OR IGNORE INTO service_access(principal, enabled_at) VALUES(?1, ?2)"));
  RETURN_IF_ERROR(insert.prepared());
  insert.Bind(1, access.service_principal).Bind(2, Micros(access.enabled_at));
  return insert.Run();
}

absl::Status SqliteStore::DeleteServiceAccess(std::string_view service_principal) {
  std::lock_guard lock(mutex_);
  Statement remove(db_, Prepared("DELETE FROM service_access WHERE principal = ?1"));
  RETURN_IF_ERROR(remove.prepared());
  remove.Bind(1, service_principal);
  return remove.Run();
}

absl::StatusOr<std::vector<ServiceAccess>> SqliteStore::ListServiceAccess() {
  std::lock_guard lock(mutex_);
  Statement query(db_, Prepared("SELECT principal, enabled_at FROM service_access ORDER BY principal"));
  RETURN_IF_ERROR(query.prepared());
  std::vector<ServiceAccess> out;
  absl::Status status;
  while (query.Step(status)) out.push_back(ServiceAccess{query.Text(0), FromMicros(query.Int(1))});
  RETURN_IF_ERROR(status);
  return out;
}

absl::Status SqliteStore::PutDelegatedAdministrator(const DelegatedAdministrator& administrator) {
  std::lock_guard lock(mutex_);
  Statement insert(db_,
                   "INSERT OR IGNORE INTO delegated_administrators(account_id, principal, registered_at) "
                   "VALUES(?1, ?2, ?3)");
  RETURN_IF_ERROR(insert.prepared());
  insert.Bind(1, administrator.account_id).Bind(2, administrator.service_principal);
  insert.Bind(3, Micros(administrator.registered_at));
  return insert.Run();
}

absl::Status SqliteStore::DeleteDelegatedAdministrator(std::string_view account_id,
                                                       std::string_view service_principal) {
  std::lock_guard lock(mutex_);
  Statement remove(db_, Prepared("DELETE FROM delegated_administrators WHERE account_id = ?1 AND principal = ?2"));
  RETURN_IF_ERROR(remove.prepared());
  remove.Bind(1, account_id).Bind(2, service_principal);
  return remove.Run();
}

absl::StatusOr<std::vector<DelegatedAdministrator>> SqliteStore::ListDelegatedAdministrators() {
  std::lock_guard lock(mutex_);
  Statement query(db_,
                  "SELECT account_id, principal, registered_at FROM delegated_administrators "
                  "ORDER BY registered_at, account_id, principal");
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
  std::lock_guard lock(mutex_);
  Transaction transaction(db_);
  RETURN_IF_ERROR(transaction.began());
  for (const InventoryRecord& record : records) {
    Statement upsert(db_, Prepared(kUpsertInventory));
    RETURN_IF_ERROR(upsert.prepared());
    upsert.Bind(1, InventoryKindName(record.kind)).Bind(2, record.owner).Bind(3, record.key).Bind(4, record.json);
    upsert.Bind(5, Micros(record.updated_at));
    RETURN_IF_ERROR(upsert.Run());
  }
  return transaction.Commit();
}

absl::Status SqliteStore::DeleteInventory(InventoryKind kind, std::string_view owner, std::string_view key) {
  std::lock_guard lock(mutex_);
  Statement remove(db_, Prepared("DELETE FROM inventory WHERE kind = ?1 AND owner = ?2 AND key = ?3"));
  RETURN_IF_ERROR(remove.prepared());
  remove.Bind(1, InventoryKindName(kind)).Bind(2, owner).Bind(3, key);
  return remove.Run();
}

absl::StatusOr<std::vector<InventoryRecord>> SqliteStore::ListInventory(InventoryKind kind) {
  std::lock_guard lock(mutex_);
  Statement query(db_,
                  Prepared("SELECT key, json, updated_at, owner FROM inventory WHERE kind = ?1 ORDER BY key, owner"));
  RETURN_IF_ERROR(query.prepared());
  query.Bind(1, InventoryKindName(kind));
  std::vector<InventoryRecord> out;
  absl::Status status;
  while (query.Step(status)) {
    out.push_back(InventoryRecord{kind, query.Text(0), query.Text(1), FromMicros(query.Int(2)), query.Text(3)});
  }
  RETURN_IF_ERROR(status);
  return out;
}

absl::StatusOr<std::optional<InventoryRecord>> SqliteStore::GetInventory(InventoryKind kind, std::string_view owner,
                                                                         std::string_view key) {
  std::lock_guard lock(mutex_);
  Statement query(db_,
                  Prepared("SELECT json, updated_at FROM inventory WHERE kind = ?1 AND owner = ?2 AND key = ?3"));
  RETURN_IF_ERROR(query.prepared());
  query.Bind(1, InventoryKindName(kind)).Bind(2, owner).Bind(3, key);
  absl::Status status;
  if (!query.Step(status)) {
    RETURN_IF_ERROR(status);
    return std::optional<InventoryRecord>();
  }
  return std::optional<InventoryRecord>(
      InventoryRecord{kind, std::string(key), query.Text(0), FromMicros(query.Int(1)), std::string(owner)});
}

absl::StatusOr<std::optional<std::string>> SqliteStore::GetClientToken(std::string_view scope) {
  std::lock_guard lock(mutex_);
  Statement query(db_, Prepared("SELECT result FROM client_tokens WHERE scope = ?1"));
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
  std::lock_guard lock(mutex_);
  Statement upsert(db_, Prepared("INSERT OR REPLACE INTO client_tokens(scope, result) VALUES(?1, ?2)"));
  RETURN_IF_ERROR(upsert.prepared());
  upsert.Bind(1, scope).Bind(2, result);
  return upsert.Run();
}

}  // namespace perimeter::store
