#include "perimeter/store/sqlite/internal/schema.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"
#include "perimeter/json/document.h"
#include "perimeter/store/internal/record_codec.h"
#include "perimeter/store/sqlite/internal/rows.h"
#include "perimeter/store/sqlite/internal/sqlite_api.h"
#include "perimeter/store/store.h"

namespace perimeter::store::internal {
namespace {

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
-- json: findings::FindingObjectJson. error is NULL when the finding has none. finding_type:
-- findings::FindingTypeName (last, as schema 6 added it). A write replaces the row under a new seq, never
-- reused: a seq names one version of one finding.
CREATE TABLE IF NOT EXISTS findings(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, analyzer_arn TEXT NOT NULL, id TEXT NOT NULL, status TEXT NOT NULL,
  resource TEXT NOT NULL, resource_type TEXT NOT NULL, owner TEXT NOT NULL, is_public INTEGER NOT NULL,
  error TEXT, created_at INTEGER NOT NULL, analyzed_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  created_ms INTEGER NOT NULL, analyzed_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL, body TEXT NOT NULL,
  json TEXT NOT NULL, finding_type TEXT NOT NULL DEFAULT 'ExternalAccess', UNIQUE(analyzer_arn, id));
CREATE INDEX IF NOT EXISTS findings_by_status_id ON findings(analyzer_arn, status, id);
CREATE INDEX IF NOT EXISTS findings_by_status_resource ON findings(analyzer_arn, status, resource, id);
CREATE INDEX IF NOT EXISTS findings_by_status_created ON findings(analyzer_arn, status, created_ms, id);
CREATE INDEX IF NOT EXISTS findings_by_status_analyzed ON findings(analyzer_arn, status, analyzed_ms, id);
CREATE INDEX IF NOT EXISTS findings_by_status_updated ON findings(analyzer_arn, status, updated_ms, id);
CREATE INDEX IF NOT EXISTS findings_by_status_type ON findings(analyzer_arn, status, resource_type, id);
CREATE INDEX IF NOT EXISTS findings_by_status_owner ON findings(analyzer_arn, status, owner, id);
CREATE INDEX IF NOT EXISTS findings_by_status_public ON findings(analyzer_arn, status, is_public, id);
CREATE INDEX IF NOT EXISTS findings_by_status_error ON findings(analyzer_arn, status, ifnull(error, ''), id);
CREATE INDEX IF NOT EXISTS findings_by_status_finding_type ON findings(analyzer_arn, status, finding_type, id);
CREATE TABLE IF NOT EXISTS service_access(principal TEXT PRIMARY KEY, enabled_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS delegated_administrators(
  account_id TEXT NOT NULL, principal TEXT NOT NULL, registered_at INTEGER NOT NULL,
  PRIMARY KEY(account_id, principal));
-- owner: a resource's resourceOwnerAccount, '' for account and organization records.
CREATE TABLE IF NOT EXISTS inventory(
  kind TEXT NOT NULL, owner TEXT NOT NULL, key TEXT NOT NULL, json TEXT NOT NULL, updated_at INTEGER NOT NULL,
  PRIMARY KEY(kind, owner, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS client_tokens(scope TEXT PRIMARY KEY, result TEXT NOT NULL);
-- preview, findings: store::AccessPreviewRecord's texts; created_at in microseconds.
CREATE TABLE IF NOT EXISTS access_previews(
  analyzer_arn TEXT NOT NULL, id TEXT NOT NULL, created_at INTEGER NOT NULL, preview TEXT NOT NULL,
  findings TEXT NOT NULL, PRIMARY KEY(analyzer_arn, id)) WITHOUT ROWID;
-- json: store::FindingRecommendationRecord's text.
CREATE TABLE IF NOT EXISTS finding_recommendations(
  analyzer_arn TEXT NOT NULL, finding_id TEXT NOT NULL, json TEXT NOT NULL,
  PRIMARY KEY(analyzer_arn, finding_id)) WITHOUT ROWID;
)sql";

// Schema 6's step on a findings table of schemas 2 to 5: the finding_type column, ExternalAccess by
// default, and each stored finding of another type (an unused-access finding written by schema 5,
// its type in the encoded body) given its own. Idempotent: a table that has the column is left as
// it is.
absl::Status AddFindingTypeColumn(sqlite3* db) {
  absl::Status status;
  {
    Statement table(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'findings'");
    Statement column(db, "SELECT 1 FROM pragma_table_info('findings') WHERE name = 'finding_type'");
    RETURN_IF_ERROR(table.prepared());
    RETURN_IF_ERROR(column.prepared());
    bool has_table = table.Step(status);
    RETURN_IF_ERROR(status);
    bool has_column = column.Step(status);
    RETURN_IF_ERROR(status);
    if (!has_table || has_column) return absl::OkStatus();
  }
  RETURN_IF_ERROR(Exec(db,
                       "ALTER TABLE findings ADD COLUMN finding_type TEXT NOT NULL DEFAULT "
                       "'ExternalAccess'"));
  // EncodeFinding writes "findingType" only for the other types: the rest keep the default.
  Statement rows(db, "SELECT seq, body FROM findings WHERE instr(body, '\"findingType\"') > 0");
  Statement update(db, "UPDATE findings SET finding_type = ?2 WHERE seq = ?1");
  RETURN_IF_ERROR(rows.prepared());
  RETURN_IF_ERROR(update.prepared());
  while (rows.Step(status)) {
    ASSIGN_OR_RETURN(findings::Finding finding, DecodeFinding(rows.TextView(1)));
    update.Reset();
    update.Bind(1, rows.Int(0)).Bind(2, findings::FindingTypeName(finding.type));
    RETURN_IF_ERROR(update.Run());
  }
  return status;
}

// Schema 7: a finding's status history (store::FindingStatusChange), appended by the write that
// changes the status, in its transaction. at: microseconds; previous: NULL for a creation (and for
// the BEFORE_HISTORY entry of the upgrade); detail: the archive rule or the caller, '' otherwise.
// Rows of one finding are read in seq order, and kept to the last store::kStatusHistoryLimit.
constexpr const char* kFindingHistorySchema = R"sql(
CREATE TABLE IF NOT EXISTS finding_history(
  seq INTEGER PRIMARY KEY AUTOINCREMENT, analyzer_arn TEXT NOT NULL, id TEXT NOT NULL, at INTEGER NOT NULL,
  previous TEXT, status TEXT NOT NULL, cause TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS finding_history_by_finding ON finding_history(analyzer_arn, id, seq);
)sql";

// The migration step to kFindingHistoryVersion: the table, and for each stored finding its status
// now, since its updatedAt, as a BEFORE_HISTORY entry (a new database has no findings yet).
absl::Status AddFindingHistory(sqlite3* db) {
  RETURN_IF_ERROR(Exec(db, kFindingHistorySchema));
  return Exec(db, R"sql(
    INSERT INTO finding_history(analyzer_arn, id, at, previous, status, cause, detail)
    SELECT analyzer_arn, id, updated_at, NULL, status, 'BEFORE_HISTORY', '' FROM findings
    ORDER BY analyzer_arn, id)sql");
}

// The owner of a stored inventory row of schema 3 and before: a resource's resourceOwnerAccount (""
// when the record has none, which the import never stored), "" for the other kinds.
std::string InventoryOwnerOf(std::string_view kind, const std::string& json_text) {
  if (kind != InventoryKindName(InventoryKind::kResource)) return "";
  json::ParseResult parsed = json::Parse(json_text);
  if (!parsed.ok() || !parsed.document.root().is_object()) return "";
  std::optional<json::Value> owner = parsed.document.root().Find("resourceOwnerAccount");
  return owner && owner->is_string() ? std::string(owner->text()) : std::string();
}

}  // namespace

absl::Status UpgradeSchema(sqlite3* db) {
  absl::Status status;
  int64_t version = 0;
  {
    Statement query(db, "PRAGMA user_version");
    RETURN_IF_ERROR(query.prepared());
    if (query.Step(status)) version = query.Int(0);
    RETURN_IF_ERROR(status);
  }
  if (version > kSchemaVersion) {
    return absl::FailedPreconditionError(
        base::Concat("the database was written by a newer Perimeter (schema version ", version,
                     "; this one reads up to ", kSchemaVersion, ")"));
  }
  if (version == kSchemaVersion) return absl::OkStatus();
  // Everything below is one transaction: a crash leaves the previous schema and data.
  Transaction transaction(db);
  RETURN_IF_ERROR(transaction.began());
  bool legacy = false;  // version 1: a findings table from before user_version was set
  if (version == 0) {
    Statement query(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'findings'");
    RETURN_IF_ERROR(query.prepared());
    legacy = query.Step(status);
    RETURN_IF_ERROR(status);
  }
  bool old_inventory = false;  // schemas 1 to 3: inventory keyed by (kind, key)
  {
    Statement query(db, "SELECT 1 FROM pragma_table_info('inventory') WHERE name = 'key'");
    Statement owner(db, "SELECT 1 FROM pragma_table_info('inventory') WHERE name = 'owner'");
    RETURN_IF_ERROR(query.prepared());
    RETURN_IF_ERROR(owner.prepared());
    bool has_table = query.Step(status);
    RETURN_IF_ERROR(status);
    bool has_owner = owner.Step(status);
    RETURN_IF_ERROR(status);
    old_inventory = has_table && !has_owner;
  }
  if (old_inventory) RETURN_IF_ERROR(Exec(db, "ALTER TABLE inventory RENAME TO inventory_v3"));
  if (!legacy) RETURN_IF_ERROR(AddFindingTypeColumn(db));
  if (legacy) {
    RETURN_IF_ERROR(Exec(db, R"sql(
      DROP INDEX IF EXISTS findings_by_resource; DROP INDEX IF EXISTS findings_by_created;
      DROP INDEX IF EXISTS findings_by_updated; DROP INDEX IF EXISTS findings_by_analyzed;
      DROP INDEX IF EXISTS findings_by_status; ALTER TABLE findings RENAME TO findings_v1;)sql"));
  }
  RETURN_IF_ERROR(Exec(db, kSchema));
  if (legacy) {
    // Each finding is decoded once and written with its derived columns.
    Statement rows(db,
                   "SELECT id, status, created_at, analyzed_at, updated_at, body, analyzer_arn "
                   "FROM findings_v1");
    Statement upsert(db, kUpsertFinding);
    RETURN_IF_ERROR(rows.prepared());
    RETURN_IF_ERROR(upsert.prepared());
    while (rows.Step(status)) {
      ASSIGN_OR_RETURN(findings::FindingRecord record, ReadFinding(rows));
      RETURN_IF_ERROR(UpsertFinding(upsert, rows.TextView(6), record));
    }
    RETURN_IF_ERROR(status);
    RETURN_IF_ERROR(Exec(db, "DROP TABLE findings_v1"));
  }
  if (old_inventory) {
    Statement rows(db, "SELECT kind, key, json, updated_at FROM inventory_v3");
    Statement insert(db, kUpsertInventory);
    RETURN_IF_ERROR(rows.prepared());
    RETURN_IF_ERROR(insert.prepared());
    while (rows.Step(status)) {
      std::string kind = rows.Text(0), json_text = rows.Text(2);
      insert.Reset();
      insert.Bind(1, kind)
          .Bind(2, InventoryOwnerOf(kind, json_text))
          .Bind(3, rows.TextView(1))
          .Bind(4, json_text);
      insert.Bind(5, rows.Int(3));
      RETURN_IF_ERROR(insert.Run());
    }
    RETURN_IF_ERROR(status);
    RETURN_IF_ERROR(Exec(db, "DROP TABLE inventory_v3"));
  }
  if (version < kFindingHistoryVersion) RETURN_IF_ERROR(AddFindingHistory(db));
  RETURN_IF_ERROR(Exec(db, base::Concat("PRAGMA user_version = ", kSchemaVersion).c_str()));
  return transaction.Commit();
}

}  // namespace perimeter::store::internal
