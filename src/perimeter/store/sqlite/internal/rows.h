// The rows of the store's tables as the store reads and writes them: column lists, the readers of a
// row into the store's records, and the upserts. Timestamps are stored as Unix microseconds, and
// for the finding sorts also as milliseconds (what FormatTimestamp shows).
#ifndef PERIMETER_STORE_SQLITE_INTERNAL_ROWS_H_
#define PERIMETER_STORE_SQLITE_INTERNAL_ROWS_H_

#include <cstdint>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "perimeter/findings/finding.h"
#include "perimeter/store/sqlite/internal/sqlite_api.h"
#include "perimeter/store/store.h"

namespace perimeter::store::internal {

inline int64_t Micros(absl::Time time) { return absl::ToUnixMicros(time); }
inline absl::Time FromMicros(int64_t micros) { return absl::FromUnixMicros(micros); }

inline constexpr const char* kUpsertInventory =
    "INSERT INTO inventory(kind, owner, key, json, updated_at) VALUES(?1, ?2, ?3, ?4, ?5) "
    "ON CONFLICT(kind, owner, key) DO UPDATE SET json = ?4, updated_at = ?5";

inline constexpr const char* kAnalyzerColumns =
    "arn, account_id, region, name, type, created_at, status, status_reason, tags, configuration, "
    "last_resource, last_resource_at, seq";
// A row of SELECT kAnalyzerColumns FROM analyzers.
absl::StatusOr<Analyzer> ReadAnalyzer(const Statement& row);

inline constexpr const char* kFindingColumns =
    "id, status, created_at, analyzed_at, updated_at, body";
// A row of SELECT kFindingColumns FROM findings (the stored finding decoded).
absl::StatusOr<findings::FindingRecord> ReadFinding(const Statement& row);

// What a listing reads of a row: the summary columns and json.
inline constexpr const char* kListedColumns =
    "id, status, resource, resource_type, owner, is_public, error, created_at, analyzed_at, "
    "updated_at, json, finding_type";
absl::StatusOr<ListedFinding> ReadListed(const Statement& row);

// The upsert of one finding row, with every derived column. REPLACE deletes the previous row and
// inserts a new one under a new rowid: rows are never changed in place (SqliteStore::ListedCache).
inline constexpr const char* kUpsertFinding = R"sql(
  INSERT OR REPLACE INTO findings(analyzer_arn, id, status, resource, resource_type, owner, is_public, error,
                                  created_at, analyzed_at, updated_at, created_ms, analyzed_ms, updated_ms, body, json,
                                  finding_type)
  VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17))sql";
// Runs `upsert` (a statement of kUpsertFinding) for `record`.
absl::Status UpsertFinding(Statement& upsert, std::string_view analyzer_arn,
                           const findings::FindingRecord& record);

}  // namespace perimeter::store::internal

#endif  // PERIMETER_STORE_SQLITE_INTERNAL_ROWS_H_
