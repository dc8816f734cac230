#include "perimeter/store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <utility>

#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"
#include "perimeter/store/internal/record_codec.h"

namespace perimeter::store {

namespace {

// Read-only connections in the pool (ReaderLease); more than the HTTP workers that read at once on a
// small machine would gain nothing.
constexpr int kReaders = 4;

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
CREATE TABLE IF NOT EXISTS findings(
  analyzer_arn TEXT NOT NULL, id TEXT NOT NULL, resource TEXT NOT NULL, status TEXT NOT NULL,
  created_at INTEGER NOT NULL, analyzed_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, body TEXT NOT NULL,
  PRIMARY KEY(analyzer_arn, id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS findings_by_resource ON findings(analyzer_arn, resource);
CREATE INDEX IF NOT EXISTS findings_by_created ON findings(analyzer_arn, created_at / 1000, id);
CREATE INDEX IF NOT EXISTS findings_by_updated ON findings(analyzer_arn, updated_at / 1000, id);
CREATE INDEX IF NOT EXISTS findings_by_analyzed ON findings(analyzer_arn, analyzed_at / 1000, id);
CREATE INDEX IF NOT EXISTS findings_by_status ON findings(analyzer_arn, status, id);
CREATE TABLE IF NOT EXISTS service_access(principal TEXT PRIMARY KEY, enabled_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS delegated_administrators(
  account_id TEXT NOT NULL, principal TEXT NOT NULL, registered_at INTEGER NOT NULL,
  PRIMARY KEY(account_id, principal));
CREATE TABLE IF NOT EXISTS inventory(
  kind TEXT NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL, updated_at INTEGER NOT NULL,
  PRIMARY KEY(kind, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS client_tokens(scope TEXT PRIMARY KEY, result TEXT NOT NULL);
)sql";

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
  ASSIGN_OR_RETURN(record.finding, internal::DecodeFinding(row.Text(5)));
  record.finding.id = row.Text(0);
  std::optional<findings::FindingStatus> status = findings::ParseFindingStatus(row.Text(1));
  if (!status) return absl::InternalError("corrupt stored record: finding status");
  record.status = *status;
  record.created_at = FromMicros(row.Int(2));
  record.analyzed_at = FromMicros(row.Int(3));
  record.updated_at = FromMicros(row.Int(4));
  return record;
}

}  // namespace

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
  RETURN_IF_ERROR(store->Exec(kSchema));
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
  return insert.Run();
}

absl::StatusOr<std::optional<Analyzer>> SqliteStore::GetAnalyzer(std::string_view arn) {
  ReaderLease reader(*this);
  static const std::string sql = base::Concat("SELECT ", kAnalyzerColumns, " FROM analyzers WHERE arn = ?1");
  Statement query(reader.db(), reader.Prepared(sql));
  RETURN_IF_ERROR(query.prepared());
  query.Bind(1, arn);
  absl::Status status;
  if (!query.Step(status)) {
    RETURN_IF_ERROR(status);
    return std::optional<Analyzer>();
  }
  ASSIGN_OR_RETURN(Analyzer analyzer, ReadAnalyzer(query));
  return std::optional<Analyzer>(std::move(analyzer));
}

absl::StatusOr<std::vector<Analyzer>> SqliteStore::ListAnalyzers() {
  std::lock_guard lock(mutex_);
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
  return transaction.Commit();
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
  Statement remove(db_, Prepared("DELETE FROM findings WHERE analyzer_arn = ?1 AND id = ?2"));
  RETURN_IF_ERROR(remove.prepared());
  for (const std::string& id : deleted_ids) {
    remove.Reset();
    remove.Bind(1, analyzer_arn).Bind(2, id);
    RETURN_IF_ERROR(remove.Run());
  }
  Statement upsert(db_, Prepared(R"sql(
    INSERT INTO findings(analyzer_arn, id, resource, status, created_at, analyzed_at, updated_at, body)
    VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
    ON CONFLICT(analyzer_arn, id) DO UPDATE SET resource = ?3, status = ?4, created_at = ?5, analyzed_at = ?6,
      updated_at = ?7, body = ?8)sql"));
  RETURN_IF_ERROR(upsert.prepared());
  for (const findings::FindingRecord& record : records) {
    upsert.Reset();
    upsert.Bind(1, analyzer_arn).Bind(2, record.id()).Bind(3, record.finding.resource);
    upsert.Bind(4, findings::FindingStatusName(record.status)).Bind(5, Micros(record.created_at));
    upsert.Bind(6, Micros(record.analyzed_at)).Bind(7, Micros(record.updated_at));
    upsert.Bind(8, internal::EncodeFinding(record.finding));
    RETURN_IF_ERROR(upsert.Run());
  }
  return transaction.Commit();
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

absl::StatusOr<std::vector<findings::FindingRecord>> SqliteStore::ListFindings(std::string_view analyzer_arn) {
  std::lock_guard lock(mutex_);
  std::string sql = base::Concat("SELECT ", kFindingColumns, " FROM findings WHERE analyzer_arn = ?1 ORDER BY id");
  return QueryFindings(sql.c_str(), analyzer_arn, "");
}

absl::StatusOr<std::vector<findings::FindingRecord>> SqliteStore::ListFindingsForResource(
    std::string_view analyzer_arn, std::string_view resource_arn) {
  std::lock_guard lock(mutex_);
  if (resource_arn.empty()) return std::vector<findings::FindingRecord>();
  std::string sql = base::Concat("SELECT ", kFindingColumns,
                                 " FROM findings WHERE analyzer_arn = ?1 AND resource = ?2 ORDER BY id");
  return QueryFindings(sql.c_str(), analyzer_arn, resource_arn);
}

absl::StatusOr<FindingPage> SqliteStore::ListFindingsPage(std::string_view analyzer_arn,
                                                          const FindingPageQuery& query) {
  // The indexed sort keys. Timestamps sort by their millisecond text (findings::SortValue), so the key is
  // the stored microseconds truncated to milliseconds, with the same ties broken by id.
  const char* key = nullptr;
  bool timestamp = false;
  switch (query.sort.attribute) {
    case findings::SortAttribute::kId:
      key = "id";
      break;
    case findings::SortAttribute::kResource:
      key = "resource";
      break;
    case findings::SortAttribute::kStatus:
      key = "status";
      break;
    case findings::SortAttribute::kCreatedAt:
      key = "created_at / 1000";
      timestamp = true;
      break;
    case findings::SortAttribute::kAnalyzedAt:
      key = "analyzed_at / 1000";
      timestamp = true;
      break;
    case findings::SortAttribute::kUpdatedAt:
      key = "updated_at / 1000";
      timestamp = true;
      break;
    case findings::SortAttribute::kResourceType:
    case findings::SortAttribute::kResourceOwnerAccount:
    case findings::SortAttribute::kIsPublic:
    case findings::SortAttribute::kError:
    case findings::SortAttribute::kFindingType:
      // Kept only in the body: the generic path (rare sorts; the analyzer's findings are loaded).
      return Store::ListFindingsPage(analyzer_arn, query);
  }
  std::optional<int64_t> after_millis;
  if (query.after && timestamp) {
    std::optional<absl::Time> time = findings::ParseTimestamp(query.after->last_sort_value);
    if (!time) return Store::ListFindingsPage(analyzer_arn, query);
    after_millis = absl::ToUnixMillis(*time);
  }
  bool descending = query.sort.order == findings::SortOrder::kDescending;
  std::string sql = base::Concat("SELECT ", kFindingColumns, " FROM findings WHERE analyzer_arn = ?1",
                                 // Spelled out rather than as a row value, which SQLite does not seek on
                                 // with an expression index.
                                 query.after ? base::Concat(" AND ", key, descending ? " <= ?2 AND (" : " >= ?2 AND (", key,
                                                            descending ? " < ?2 OR id < ?3)" : " > ?2 OR id > ?3)")
                                             : std::string(),
                                 " ORDER BY ", key, descending ? " DESC, id DESC" : ", id");
  ReaderLease reader(*this);
  Statement rows(reader.db(), reader.Prepared(sql));
  RETURN_IF_ERROR(rows.prepared());
  rows.Bind(1, analyzer_arn);
  if (query.after) {
    if (after_millis) {
      rows.Bind(2, *after_millis);
    } else {
      rows.Bind(2, query.after->last_sort_value);
    }
    rows.Bind(3, query.after->last_id);
  }
  FindingPage page;
  absl::Status status;
  while (rows.Step(status)) {
    ASSIGN_OR_RETURN(findings::FindingRecord record, ReadFinding(rows));
    if (query.keep && !query.keep(record)) continue;
    if (page.records.size() == query.limit) {
      page.more = true;
      break;
    }
    page.records.push_back(std::move(record));
  }
  RETURN_IF_ERROR(status);
  return page;
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
    Statement upsert(db_,
                     "INSERT INTO inventory(kind, key, json, updated_at) VALUES(?1, ?2, ?3, ?4) "
                     "ON CONFLICT(kind, key) DO UPDATE SET json = ?3, updated_at = ?4");
    RETURN_IF_ERROR(upsert.prepared());
    upsert.Bind(1, InventoryKindName(record.kind)).Bind(2, record.key).Bind(3, record.json);
    upsert.Bind(4, Micros(record.updated_at));
    RETURN_IF_ERROR(upsert.Run());
  }
  return transaction.Commit();
}

absl::Status SqliteStore::DeleteInventory(InventoryKind kind, std::string_view key) {
  std::lock_guard lock(mutex_);
  Statement remove(db_, Prepared("DELETE FROM inventory WHERE kind = ?1 AND key = ?2"));
  RETURN_IF_ERROR(remove.prepared());
  remove.Bind(1, InventoryKindName(kind)).Bind(2, key);
  return remove.Run();
}

absl::StatusOr<std::vector<InventoryRecord>> SqliteStore::ListInventory(InventoryKind kind) {
  std::lock_guard lock(mutex_);
  Statement query(db_, Prepared("SELECT key, json, updated_at FROM inventory WHERE kind = ?1 ORDER BY key"));
  RETURN_IF_ERROR(query.prepared());
  query.Bind(1, InventoryKindName(kind));
  std::vector<InventoryRecord> out;
  absl::Status status;
  while (query.Step(status)) {
    out.push_back(InventoryRecord{kind, query.Text(0), query.Text(1), FromMicros(query.Int(2))});
  }
  RETURN_IF_ERROR(status);
  return out;
}

absl::StatusOr<std::optional<InventoryRecord>> SqliteStore::GetInventory(InventoryKind kind, std::string_view key) {
  std::lock_guard lock(mutex_);
  Statement query(db_, Prepared("SELECT json, updated_at FROM inventory WHERE kind = ?1 AND key = ?2"));
  RETURN_IF_ERROR(query.prepared());
  query.Bind(1, InventoryKindName(kind)).Bind(2, key);
  absl::Status status;
  if (!query.Step(status)) {
    RETURN_IF_ERROR(status);
    return std::optional<InventoryRecord>();
  }
  return std::optional<InventoryRecord>(
      InventoryRecord{kind, std::string(key), query.Text(0), FromMicros(query.Int(1))});
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
