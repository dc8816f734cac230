// The store's schema and its migrations. The schema is versioned in PRAGMA user_version; an older
// database is brought to kSchemaVersion in one transaction, so a crash mid-upgrade leaves the
// previous schema and data.
#ifndef PERIMETER_STORE_SQLITE_INTERNAL_SCHEMA_H_
#define PERIMETER_STORE_SQLITE_INTERNAL_SCHEMA_H_

#include <sqlite3.h>

#include "absl/status/status.h"

namespace perimeter::store::internal {

// The schema's version, in PRAGMA user_version. 2: findings keep their summary columns (what
// listings sort and filter on) and their AWS JSON beside the stored finding, in a rowid table with
// one index per (status, sort key). 1 (user_version 0, the first releases): findings(analyzer_arn,
// id, resource, status, timestamps, body) WITHOUT ROWID, which Open migrates in one transaction. 3:
// schema 2 with the indexes for the sorts on resourceType, resourceOwnerAccount, isPublic and error
// (Open adds them). 4: inventory records keyed by (kind, owner, key), a resource record being its
// owner's claim on the ARN (before: by (kind, key), so one account's import replaced another's
// record); Open rebuilds the table, each resource row's owner read from its resourceOwnerAccount.
// 5: schema 4 and the access_previews table (Open creates it). 6: findings keep their findingType
// in a column of their own, with its (status, finding_type) index, so that ListFindingsV2 filters
// and sorts unused- and internal-access findings by it (before: every row listed as
// ExternalAccess); Open adds the column, fills it from each stored finding, and creates the
// finding_recommendations table. 7: schema 6 and the finding_history table, each finding's status
// history (AddFindingHistory, its own migration step).
inline constexpr int kSchemaVersion = 7;

// The version that added finding_history: a database below it gets the table, and each stored
// finding one entry, its status at the upgrade since its updatedAt (cause BEFORE_HISTORY: what
// happened before is not known).
inline constexpr int kFindingHistoryVersion = 7;

// Creates the schema on `db` (the writer connection) or brings an older one to kSchemaVersion.
// FailedPrecondition when the database has a newer schema than this build reads.
absl::Status UpgradeSchema(sqlite3* db);

}  // namespace perimeter::store::internal

#endif  // PERIMETER_STORE_SQLITE_INTERNAL_SCHEMA_H_
