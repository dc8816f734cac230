// The default Store: one SQLite database in the data directory, in WAL mode with synchronous=FULL,
// so that a write acknowledged to a client survives `kill -9` (and a power loss) and a crash
// mid-write leaves the previous state. Hot reads use a pool of read-only connections.
//
// Writes are committed in groups (docs/server.md, "Mixed reads and writes"): each write method
// queues its change and waits; the first waiting writer that finds no commit under way becomes the
// leader, takes every change queued so far, applies each in its own SAVEPOINT on the single writer
// connection (a change that fails is rolled back alone and reports its own error), commits them in
// one transaction — one fsync — and wakes each writer with its own result. A write method returns
// only after the commit that covers its change, so a caller reads its own write afterwards. Nobody
// waits for a batch to fill: a leader takes what is queued when it starts.
//
// Checkpoints (copying the WAL back into the database) run on a thread of their own, on their own
// connection, once the WAL holds kCheckpointPages pages: SQLite's automatic checkpoint would run
// inside the commit that crosses the threshold, and every writer of that batch would wait for it.
//
// Findings are kept with their summary columns (status, resource, resourceType, owner, isPublic,
// error, timestamps) and their AWS JSON (findings::FindingObjectJson) beside the encoded finding,
// so listings filter, sort and page without decoding it. The schema is versioned (PRAGMA
// user_version); Open upgrades an older database in one transaction.
//
// The process owning the store is the database's only writer: analyzers are cached in memory.
#ifndef PERIMETER_STORE_SQLITE_SQLITE_STORE_H_
#define PERIMETER_STORE_SQLITE_SQLITE_STORE_H_

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include "perimeter/store/store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace perimeter::store {

class SqliteStore final : public Store {
 public:
  // Opens (creating if missing) the database at `path` and its schema. The directory must exist.
  static absl::StatusOr<std::unique_ptr<SqliteStore>> Open(const std::string& path);
  ~SqliteStore() override;

  absl::Status PutAnalyzer(const Analyzer& analyzer) override;
  absl::StatusOr<std::optional<Analyzer>> GetAnalyzer(std::string_view arn) override;
  absl::StatusOr<std::vector<Analyzer>> ListAnalyzers() override;
  absl::Status DeleteAnalyzer(std::string_view arn) override;
  absl::StatusOr<bool> ModifyAnalyzer(std::string_view arn,
                                      const AnalyzerDecision& decide) override;

  absl::Status PutArchiveRule(const ArchiveRuleRecord& rule) override;
  absl::StatusOr<std::optional<ArchiveRuleRecord>> GetArchiveRule(
      std::string_view analyzer_arn, std::string_view rule_name) override;
  absl::StatusOr<std::vector<ArchiveRuleRecord>> ListArchiveRules(
      std::string_view analyzer_arn) override;
  absl::Status DeleteArchiveRule(std::string_view analyzer_arn,
                                 std::string_view rule_name) override;
  absl::StatusOr<bool> ModifyArchiveRules(std::string_view analyzer_arn,
                                          const ArchiveRulesDecision& decide) override;

  absl::Status WriteFindings(std::string_view analyzer_arn,
                             std::span<const findings::FindingRecord> records,
                             std::span<const std::string> deleted_ids) override;
  // One change of a group commit: reads, the decision and the writes, after the batch's earlier
  // changes.
  absl::StatusOr<bool> ModifyFindings(std::string_view analyzer_arn,
                                      const FindingSelection& selection,
                                      const FindingsDecision& decide) override;
  // One change of a group commit for all of them.
  absl::StatusOr<bool> ModifyResourcesFindings(std::string_view analyzer_arn,
                                               std::span<const std::string> resource_arns,
                                               const ResourceFindingsDecision& decide,
                                               const AnalyzerDecision& then) override;
  absl::StatusOr<std::optional<findings::FindingRecord>> GetFinding(std::string_view analyzer_arn,
                                                                    std::string_view id) override;
  absl::StatusOr<std::vector<findings::FindingRecord>> ListFindings(
      std::string_view analyzer_arn) override;
  // From the listing cache, or the row's json column.
  absl::StatusOr<std::shared_ptr<const ListedFinding>> GetListedFinding(
      std::string_view analyzer_arn, std::string_view id) override;
  absl::StatusOr<std::vector<findings::FindingRecord>> ListFindingsForResource(
      std::string_view analyzer_arn, std::string_view resource_arn) override;
  // One keyset query per status the filter allows, merged: a covering walk of an index on
  // (analyzer, status, key, id) for id, resource, status, findingType and the timestamps; sorted by
  // SQLite for resourceType, resourceOwnerAccount, isPublic and error (all the analyzer's rows of
  // those statuses, per page). Rows come from an in-memory cache by rowid, or are read without
  // decoding the finding; the filter runs on the summary, and decodes the stored finding only when
  // it reads principal, condition or action.
  absl::StatusOr<FindingPage> ListFindingsPage(std::string_view analyzer_arn,
                                               const FindingPageQuery& query) override;
  absl::StatusOr<FindingCounts> CountFindings(std::string_view analyzer_arn) override;
  // Aggregate queries, each over an index on (analyzer, status, key): no row is read.
  absl::StatusOr<FindingAggregates> AggregateFindings(std::string_view analyzer_arn) override;
  absl::StatusOr<std::vector<FindingStatusChange>> GetFindingHistory(std::string_view analyzer_arn,
                                                                     std::string_view id) override;

  absl::Status PutServiceAccess(const ServiceAccess& access) override;
  absl::Status DeleteServiceAccess(std::string_view service_principal) override;
  absl::StatusOr<std::vector<ServiceAccess>> ListServiceAccess() override;
  absl::Status PutDelegatedAdministrator(const DelegatedAdministrator& administrator) override;
  absl::Status DeleteDelegatedAdministrator(std::string_view account_id,
                                            std::string_view service_principal) override;
  absl::StatusOr<std::vector<DelegatedAdministrator>> ListDelegatedAdministrators() override;

  absl::Status PutInventory(std::span<const InventoryRecord> records) override;
  absl::Status DeleteInventory(InventoryKind kind, std::string_view owner,
                               std::string_view key) override;
  absl::StatusOr<std::vector<InventoryRecord>> ListInventory(InventoryKind kind) override;
  absl::StatusOr<std::optional<InventoryRecord>> GetInventory(InventoryKind kind,
                                                              std::string_view owner,
                                                              std::string_view key) override;

  absl::Status PutAccessPreview(const AccessPreviewRecord& preview) override;
  absl::StatusOr<std::optional<AccessPreviewRecord>> GetAccessPreview(std::string_view analyzer_arn,
                                                                      std::string_view id) override;
  absl::StatusOr<std::vector<AccessPreviewRecord>> ListAccessPreviews(
      std::string_view analyzer_arn) override;
  absl::Status PutFindingRecommendation(const FindingRecommendationRecord& record) override;
  absl::StatusOr<std::optional<FindingRecommendationRecord>> GetFindingRecommendation(
      std::string_view analyzer_arn, std::string_view finding_id) override;

  absl::StatusOr<std::optional<std::string>> GetClientToken(std::string_view scope) override;
  absl::Status PutClientToken(std::string_view scope, std::string_view result) override;

  // The group commit's counters, for tests and the load benchmark: transactions committed (or
  // attempted) so far, and changes queued now, waiting for a leader.
  int64_t commits();
  size_t queued_writes();

 private:
  explicit SqliteStore(sqlite3* db);
  absl::Status Exec(const char* sql);

  // One writer's change, queued for the next group commit.
  struct PendingWrite {
    // Runs on the writer connection inside the change's SAVEPOINT, on the leader's thread.
    std::function<absl::Status()> apply;
    absl::Status result;
    bool done = false;  // the commit covering the change is over; `result` is final
    // The analyzers the change wrote (nullopt: deleted), published to analyzers_ after the commit.
    std::map<std::string, std::optional<Analyzer>, std::less<>> analyzers;
  };
  // Queues `apply` and returns its result once the commit covering it is over (see the header
  // comment). `apply` reads and writes through the *Locked methods only.
  absl::Status Write(std::function<absl::Status()> apply);
  // The leader's part: applies `batch` in one transaction and commits it. REQUIRES: mutex_ held.
  void CommitBatch(const std::vector<PendingWrite*>& batch);
  // The analyzer as the running change sees it: its own writes, then the batch's earlier changes,
  // then the committed cache. REQUIRES: mutex_ held, inside CommitBatch.
  std::optional<Analyzer> FindAnalyzerLocked(std::string_view arn);
  // Records an analyzer written (or deleted: nullopt) by the running change.
  void NoteAnalyzerLocked(std::string_view arn, std::optional<Analyzer> analyzer);

  // REQUIRES: mutex_ held (the writer connection is serialised by it).
  absl::StatusOr<std::vector<Analyzer>> ListAnalyzersLocked();
  absl::Status PutAnalyzerLocked(const Analyzer& analyzer);
  absl::Status PutArchiveRuleLocked(const ArchiveRuleRecord& rule);
  absl::Status DeleteArchiveRuleLocked(std::string_view analyzer_arn, std::string_view rule_name);
  absl::StatusOr<bool> ModifyAnalyzerLocked(std::string_view arn, const AnalyzerDecision& decide);
  absl::StatusOr<bool> ModifyFindingsLocked(std::string_view analyzer_arn,
                                            const FindingSelection& selection,
                                            const FindingsDecision& decide);
  absl::StatusOr<std::vector<ArchiveRuleRecord>> ListArchiveRulesLocked(
      std::string_view analyzer_arn);
  absl::Status WriteFindingsLocked(std::string_view analyzer_arn,
                                   std::span<const findings::FindingRecord> records,
                                   std::span<const std::string> deleted_ids,
                                   const StatusCause& cause,
                                   const std::map<std::string, StatusCause, std::less<>>& causes);
  absl::StatusOr<std::vector<findings::FindingRecord>> QueryFindings(const char* sql,
                                                                     std::string_view a,
                                                                     std::string_view b);

  // The prepared statement for `sql`, kept until the store closes (nullptr if it does not prepare).
  // REQUIRES: mutex_ held.
  sqlite3_stmt* Prepared(const std::string& sql);

  // The checkpoint thread's loop: a PASSIVE checkpoint (it waits for no reader or writer) each
  // time commits add kCheckpointPages pages to the WAL since the last one, until the store closes.
  // Counting from the last checkpoint, not from the WAL's start: a WAL that could not restart yet
  // (a reader was in it) does not make every commit ask for another checkpoint.
  void RunCheckpoints();
  // sqlite3_wal_hook: called by the writer connection after each commit with the WAL's size.
  static int AfterCommit(void* store, sqlite3* db, const char* name, int wal_pages);

  // Read-only connections for the hot reads (GetFinding, ListFindingsPage, CountFindings), so that
  // they run in parallel with each other and with writes (WAL: a reader sees the last committed
  // write).
  struct Reader {
    sqlite3* db = nullptr;
    std::map<std::string, sqlite3_stmt*> statements;
  };
  // Defined in internal/sqlite_store_impl.h (ReaderLease, ListedCache) and sqlite_store_listing.cc.
  class ReaderLease;
  class ReadTransaction;
  class ListedCache;

  // The group commit's queue: changes waiting for a leader, and whether a leader is committing.
  std::mutex queue_mutex_;
  std::condition_variable batch_done_;
  std::vector<PendingWrite*> queue_;
  bool committing_ = false;
  int64_t commits_ = 0;
  // Held by the leader for its whole batch; guards db_, statements_ and the batch state below.
  std::mutex mutex_;
  PendingWrite* current_write_ = nullptr;  // the change being applied
  // Analyzers written by the batch's changes applied so far (nullopt: deleted), not yet committed.
  std::map<std::string, std::optional<Analyzer>, std::less<>> batch_analyzers_;
  sqlite3* db_;
  std::map<std::string, sqlite3_stmt*> statements_;  // hot queries, by SQL text
  std::mutex readers_mutex_;
  std::condition_variable reader_free_;
  std::vector<std::unique_ptr<Reader>> readers_;
  std::vector<Reader*> free_readers_;
  // Every analyzer, as committed (written by the leader after each commit, before it wakes the
  // writers).
  std::shared_mutex analyzers_mutex_;
  std::map<std::string, Analyzer, std::less<>> analyzers_;
  // The checkpoint thread and its connection; checkpoint_due_ and closing_ under checkpoint_mutex_.
  sqlite3* checkpoint_db_ = nullptr;
  std::mutex checkpoint_mutex_;
  std::condition_variable checkpoint_wanted_;
  bool checkpoint_due_ = false;
  int wal_pages_ = 0;   // the WAL's size after the last commit
  int backfilled_ = 0;  // of those, the pages the last checkpoint copied (0 once the WAL restarts)
  bool closing_ = false;
  std::thread checkpointer_;
  // Listed findings by row (see ListedCache): listings read the covering indexes only.
  std::unique_ptr<ListedCache> listed_cache_;
};

}  // namespace perimeter::store

#endif  // PERIMETER_STORE_SQLITE_SQLITE_STORE_H_
