// The server's durable state, behind one interface: analyzers, archive rules, findings with their
// lifecycle, the organization's service access and delegated administrators, the imported
// inventory, and the client tokens of idempotent requests.
//
// Two implementations run the same test suite (store_test.cc): memory/ (tests, --ephemeral) and
// sqlite/ (the default: one WAL database in the data directory). Every method is atomic and
// thread-safe; a method that returns OK has made its write durable (for sqlite: committed), so a
// crash right after it loses nothing. Errors are operational (I/O, corruption) and come back as
// Status.
//
// The store does not interpret what it keeps: rules are checked by api/, findings by findings/. It
// may keep derived copies of a finding to answer listings without decoding it (ListedFinding).
#ifndef PERIMETER_STORE_STORE_H_
#define PERIMETER_STORE_STORE_H_

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "perimeter/findings/archive_rule.h"
#include "perimeter/findings/finding_record.h"
#include "perimeter/findings/listing.h"

namespace perimeter::store {

// The analyzer types of the Access Analyzer API (shape `Type`).
enum class AnalyzerType {
  kAccount,
  kOrganization,
  kAccountUnusedAccess,
  kOrganizationUnusedAccess,
  kAccountInternalAccess,
  kOrganizationInternalAccess,
};
std::string_view AnalyzerTypeName(AnalyzerType type);  // "ACCOUNT", ...
std::optional<AnalyzerType> ParseAnalyzerType(std::string_view name);
// ORGANIZATION, ORGANIZATION_UNUSED_ACCESS, ORGANIZATION_INTERNAL_ACCESS.
bool IsOrganizationType(AnalyzerType type);
// ACCOUNT and ORGANIZATION: the external-access analyzers, the only ones that analyze resources
// now.
bool IsExternalAccessType(AnalyzerType type);

// Shape `AnalyzerStatus`.
enum class AnalyzerStatus { kActive, kCreating, kDisabled, kFailed };
std::string_view AnalyzerStatusName(AnalyzerStatus status);
std::optional<AnalyzerStatus> ParseAnalyzerStatus(std::string_view name);

// Shape `ReasonCode` (StatusReason.code).
enum class StatusReasonCode {
  kAwsServiceAccessDisabled,
  kDelegatedAdministratorDeregistered,
  kOrganizationDeleted,
  kServiceLinkedRoleCreationFailed,
};
std::string_view StatusReasonCodeName(StatusReasonCode code);
std::optional<StatusReasonCode> ParseStatusReasonCode(std::string_view name);

struct Analyzer {
  std::string arn;  // arn:aws:access-analyzer:REGION:ACCOUNT:analyzer/NAME — the key
  std::string account_id;
  std::string region;
  std::string name;
  AnalyzerType type = AnalyzerType::kAccount;
  absl::Time created_at = absl::UnixEpoch();
  AnalyzerStatus status = AnalyzerStatus::kActive;
  std::optional<StatusReasonCode> status_reason;
  std::map<std::string, std::string> tags;
  std::string configuration_json;  // the AnalyzerConfiguration union as JSON; "" when none
  std::string last_resource_analyzed;
  std::optional<absl::Time> last_resource_analyzed_at;
  // Which life of the ARN this is, set by the store: kept by every update (PutAnalyzer of an
  // existing ARN, ModifyAnalyzer), new after DeleteAnalyzer and a create under the same ARN, so a
  // running scan tells a re-created analyzer from its own even within one clock tick. The value
  // passed to PutAnalyzer is ignored; 0 on an analyzer never stored.
  int64_t incarnation = 0;

  friend bool operator==(const Analyzer&, const Analyzer&) = default;
};

struct ArchiveRuleRecord {
  std::string analyzer_arn;
  std::string rule_name;
  std::string filter_json;  // the FilterCriteriaMap as the client sent it
  absl::Time created_at = absl::UnixEpoch();
  absl::Time updated_at = absl::UnixEpoch();

  friend bool operator==(const ArchiveRuleRecord&, const ArchiveRuleRecord&) = default;
};

// An AWS service with trusted access to the organization (EnableAWSServiceAccess).
struct ServiceAccess {
  std::string service_principal;
  absl::Time enabled_at = absl::UnixEpoch();
  friend bool operator==(const ServiceAccess&, const ServiceAccess&) = default;
};

// A member account registered as delegated administrator of a service.
struct DelegatedAdministrator {
  std::string account_id;
  std::string service_principal;
  absl::Time registered_at = absl::UnixEpoch();
  friend bool operator==(const DelegatedAdministrator&, const DelegatedAdministrator&) = default;
};

// One imported inventory record (docs/inventory.md), kept as its JSON text. kUnusedAccessInput is
// one of AWS's exports the unused-access analysis reads (docs/inventory.md, "Unused access
// inputs"), kept whole: key "authorizationDetails", "credentialReport" or "activity", owner the
// importing account.
enum class InventoryKind {
  kResource,
  kAccount,
  kOrganization,
  kManagedPolicy,
  kPrincipal,
  kGroup,
  kOrganizationPolicy,
  kUnusedAccessInput,
};
// "resource", "account", "organization", "managedPolicy", "principal", "group",
// "organizationPolicy", "unusedAccessInput"
std::string_view InventoryKindName(InventoryKind kind);

// Keyed by (kind, owner, key): a resource record is its owner's claim on the ARN, so that one
// account's import never replaces another's record — also for ARNs without an account (S3 buckets,
// arn:aws:s3:::NAME), where two accounts may both claim a name (docs/server.md, "Imports").
struct InventoryRecord {
  InventoryKind kind = InventoryKind::kResource;
  // resource ARN, account id, organization id, managed policy ARN, principal or group ARN,
  // organization policy id, unused-access input kind
  std::string key;
  std::string json;  // the record as imported
  absl::Time updated_at = absl::UnixEpoch();
  // A resource's resourceOwnerAccount, a managed policy's accountId, a principal's or group's
  // account, an unused-access input's importer; "" for account, organization and organization
  // policy records.
  std::string owner;
  friend bool operator==(const InventoryRecord&, const InventoryRecord&) = default;
};

// An access preview of an analyzer (CreateAccessPreview) with its findings, kept as the texts the
// layers above write (service/access_preview_record.h); the store does not interpret them. Keyed by
// (analyzer_arn, id).
struct AccessPreviewRecord {
  std::string analyzer_arn;
  std::string id;
  absl::Time created_at = absl::UnixEpoch();
  std::string preview_json;   // the preview: configurations, status, status reason
  std::string findings_json;  // its findings (findings::EncodeAccessPreviewFindings)
  friend bool operator==(const AccessPreviewRecord&, const AccessPreviewRecord&) = default;
};

// The recommendation of one finding (GenerateFindingRecommendation), kept as the text the layer
// above writes (api/: its status, times, error and steps); the store does not interpret it. Keyed
// by (analyzer_arn, finding_id); DeleteAnalyzer deletes it.
struct FindingRecommendationRecord {
  std::string analyzer_arn;
  std::string finding_id;
  std::string json;
  friend bool operator==(const FindingRecommendationRecord&,
                         const FindingRecommendationRecord&) = default;
};

// One page of an analyzer's findings in a listing order (ListFindings, ListFindingsV2): keyset
// pagination, so a page costs what it returns and not the size of the analyzer
// (findings/listing.h).
struct FindingPageQuery {
  findings::FindingSort sort;
  // The previous page's last record, as its nextToken carries it: the page starts strictly after
  // (last_sort_value, last_id) in the sort's order. None: from the first record.
  std::optional<findings::PageToken> after;
  // Which records belong to the listing (the request's filter); nullptr keeps every record. Must
  // outlive the call.
  const findings::FindingFilter* filter = nullptr;
  size_t limit = findings::kDefaultMaxResults;  // REQUIRES: >= 1
};

// A finding as a listing returns it.
struct ListedFinding {
  findings::FindingRecord summary;  // findings::SummaryOf the record
  std::string finding_json;         // findings::FindingObjectJson of the whole record
};

struct FindingPage {
  // At most `limit`, in the sort's order. Shared and immutable: a store may hand out what it
  // caches.
  std::vector<std::shared_ptr<const ListedFinding>> entries;
  bool more = false;  // kept records follow the last one
};

// ListedFinding of a whole record.
std::shared_ptr<const ListedFinding> ListedFindingOf(const findings::FindingRecord& record);

// How many of an analyzer's findings share a status, resource type, finding type, resource owner
// account, error-ness and isPublic (GetFindingsStatistics: the external-access counts per resource
// type, the internal-access ones per resource type and status, the unused-access ones per finding
// type and per account).
struct FindingGroupCount {
  findings::FindingStatus status = findings::FindingStatus::kActive;
  std::string resource_type;
  findings::FindingType finding_type = findings::FindingType::kExternalAccess;
  std::string owner;   // resourceOwnerAccount
  bool error = false;  // finding.error is set
  bool is_public = false;
  int64_t count = 0;
  friend bool operator==(const FindingGroupCount&, const FindingGroupCount&) = default;
};

struct FindingCounts {
  // Ordered by (status, resource_type, FindingTypeName(finding_type), owner, error, is_public).
  std::vector<FindingGroupCount> groups;
  std::optional<absl::Time> latest;  // the latest updated_at or analyzed_at; none without findings
};

// Which of an analyzer's findings a ModifyFindings reads: every one, those of one resource, or
// those with the given ids (an absent id is left out).
struct FindingSelection {
  std::optional<std::string> resource_arn;
  std::optional<std::vector<std::string>> ids;  // REQUIRES: not both resource_arn and ids
};

// What a ModifyFindings decision reads, all from one atomic snapshot of the store.
struct FindingsSnapshot {
  Analyzer analyzer;                              // as stored now
  std::vector<ArchiveRuleRecord> archive_rules;   // the analyzer's, in creation order
  std::vector<findings::FindingRecord> findings;  // the selected ones, ordered by id
};

// Why a finding's status changed, in its status history (docs/console.md, "Status history").
enum class StatusChangeCause {
  kAnalysis,        // the analysis created, resolved or reactivated the finding
  kUpdateFindings,  // UpdateFindings (archive or unarchive by hand); detail: the caller's ARN
  kArchiveRule,     // an archive rule, on creation or ApplyArchiveRule; detail: the rule's name
  kBeforeHistory,   // the status the finding had when the store began keeping history (schema 6)
};
std::string_view StatusChangeCauseName(StatusChangeCause cause);  // "ANALYSIS", ...
std::optional<StatusChangeCause> ParseStatusChangeCause(std::string_view name);

struct StatusCause {
  StatusChangeCause kind = StatusChangeCause::kAnalysis;
  std::string detail;  // see StatusChangeCause
  friend bool operator==(const StatusCause&, const StatusCause&) = default;
};

// One entry of a finding's status history: the finding was created with `status` (previous
// none) or its status went from `previous` to `status`, at `at` (the record's created_at for a
// creation, its updated_at for a change).
struct FindingStatusChange {
  absl::Time at = absl::UnixEpoch();
  std::optional<findings::FindingStatus> previous;
  findings::FindingStatus status = findings::FindingStatus::kActive;
  StatusCause cause;
  friend bool operator==(const FindingStatusChange&, const FindingStatusChange&) = default;
};

// A finding keeps the last kStatusHistoryLimit entries of its history; older ones are dropped.
inline constexpr size_t kStatusHistoryLimit = 100;

// What a ModifyFindings decision writes: upserts and deletions of the analyzer's findings.
// Writing a record that is new, or whose status differs from the stored one, appends an entry to
// its status history, in the same transaction, with the cause `causes` gives for its id, else
// `cause`. Deleting a finding deletes its history.
struct FindingChanges {
  std::vector<findings::FindingRecord> records;
  std::vector<std::string> deleted_ids;
  StatusCause cause;
  std::map<std::string, StatusCause, std::less<>> causes;  // by finding id
};

// The cause of `id`'s status change in `changes`.
const StatusCause& CauseOf(const FindingChanges& changes, std::string_view id);

// The status history entry that writing `record` over `stored` (none: a new finding) makes, or none
// when the status did not change.
std::optional<FindingStatusChange> StatusChangeOf(const findings::FindingRecord* stored,
                                                  const findings::FindingRecord& record,
                                                  const StatusCause& cause);

// The UTC day of `time`, in days since the Unix epoch (negative before it).
int64_t DayOf(absl::Time time);

// Exact counts for the console's dashboard (docs/console.md), computed by the store.
struct FindingAggregates {
  // ACTIVE findings by resource type and by owner account, ordered by key.
  std::vector<std::pair<std::string, int64_t>> active_by_resource_type;
  std::vector<std::pair<std::string, int64_t>> active_by_account;
  // ACTIVE findings: public, external but not public, errors (finding.error set; neither of the
  // others).
  int64_t active_public = 0;
  int64_t active_external = 0;
  int64_t active_errors = 0;
  // By UTC day (days since the Unix epoch), ascending: findings created that day (any status now),
  // and RESOLVED findings whose last status change (their resolution) is that day.
  struct Day {
    int64_t day = 0;
    int64_t created = 0;
    int64_t resolved = 0;
    friend bool operator==(const Day&, const Day&) = default;
  };
  std::vector<Day> by_day;
  friend bool operator==(const FindingAggregates&, const FindingAggregates&) = default;
};

// Decides the writes from the snapshot; nullopt writes nothing. An error writes nothing and is
// returned by ModifyFindings. Runs with the store's writes held off: it must not call the store.
using FindingsDecision =
    std::function<absl::StatusOr<std::optional<FindingChanges>>(const FindingsSnapshot&)>;
// The decision for the `index`-th resource of a ModifyResourcesFindings. Same contract as
// FindingsDecision; setting `stop` ends the batch after this step (its changes are still written):
// no later resource is read or decided and `then` does not run.
using ResourceFindingsDecision = std::function<absl::StatusOr<std::optional<FindingChanges>>(
    size_t index, const FindingsSnapshot&, bool& stop)>;
// Changes the analyzer in place and says whether to write it. Same contract as FindingsDecision.
using AnalyzerDecision = std::function<bool(Analyzer&)>;

// What a ModifyArchiveRules decision writes: rules inserted or replaced (keyed by rule_name; their
// analyzer_arn is the analyzer's) and rules deleted by name.
struct ArchiveRuleChanges {
  std::vector<ArchiveRuleRecord> upserted;
  std::vector<std::string> deleted_names;
};
// Decides the rule changes from the analyzer and its rules (in creation order); nullopt writes
// nothing. Same contract as FindingsDecision.
using ArchiveRulesDecision = std::function<std::optional<ArchiveRuleChanges>(
    const Analyzer& analyzer, const std::vector<ArchiveRuleRecord>& rules)>;

// True when `record` comes strictly after the token's record in the token's sort order.
bool AfterPageToken(const findings::FindingRecord& record, const findings::PageToken& token);

class Store {
 public:
  virtual ~Store() = default;

  // Analyzers. PutAnalyzer inserts or replaces (by arn). ListAnalyzers: every analyzer, in creation
  // order (created_at, then arn). DeleteAnalyzer also deletes its archive rules and findings;
  // deleting an absent analyzer is OK.
  virtual absl::Status PutAnalyzer(const Analyzer& analyzer) = 0;
  virtual absl::StatusOr<std::optional<Analyzer>> GetAnalyzer(std::string_view arn) = 0;
  virtual absl::StatusOr<std::vector<Analyzer>> ListAnalyzers() = 0;
  virtual absl::Status DeleteAnalyzer(std::string_view arn) = 0;
  // Read-modify-write of one analyzer in one atomic step, so that a writer never overwrites a
  // change it did not read (a tag added by the API while the analysis records lastResourceAnalyzed,
  // an analyzer deleted meanwhile). Returns false, writing nothing, when the analyzer is absent;
  // otherwise whether `decide` asked for the write.
  virtual absl::StatusOr<bool> ModifyAnalyzer(std::string_view arn,
                                              const AnalyzerDecision& decide) = 0;

  // Archive rules of an analyzer, keyed by (analyzer_arn, rule_name); listed in creation order.
  virtual absl::Status PutArchiveRule(const ArchiveRuleRecord& rule) = 0;
  virtual absl::StatusOr<std::optional<ArchiveRuleRecord>> GetArchiveRule(
      std::string_view analyzer_arn, std::string_view rule_name) = 0;
  virtual absl::StatusOr<std::vector<ArchiveRuleRecord>> ListArchiveRules(
      std::string_view analyzer_arn) = 0;
  virtual absl::Status DeleteArchiveRule(std::string_view analyzer_arn,
                                         std::string_view rule_name) = 0;
  // Reads the analyzer and its rules, lets `decide` compute the changes, and writes them, in one
  // atomic step: two requests creating the same rule, or a rule past the quota, are decided one
  // after the other. Returns false, writing nothing and without calling `decide`, when the analyzer
  // is absent; otherwise whether `decide` wrote.
  virtual absl::StatusOr<bool> ModifyArchiveRules(std::string_view analyzer_arn,
                                                  const ArchiveRulesDecision& decide) = 0;

  // Findings of an analyzer, keyed by (analyzer_arn, id). WriteFindings upserts `records` and
  // deletes `deleted_ids` in one atomic step. Listings are ordered by id.
  virtual absl::Status WriteFindings(std::string_view analyzer_arn,
                                     std::span<const findings::FindingRecord> records,
                                     std::span<const std::string> deleted_ids) = 0;
  // Reads the analyzer, its archive rules and the selected findings, lets `decide` compute the
  // changes, and writes them, in one atomic step: a finding status set by UpdateFindings while an
  // analysis runs is what the analysis reads, never overwritten by a copy read before it. Returns
  // false, writing nothing and without calling `decide`, when the analyzer is absent (deleted while
  // a scan ran); otherwise whether `decide` wrote.
  virtual absl::StatusOr<bool> ModifyFindings(std::string_view analyzer_arn,
                                              const FindingSelection& selection,
                                              const FindingsDecision& decide) = 0;
  // ModifyFindings of the findings of each resource of `resource_arns` in turn (selection
  // {resource_arn}, `decide` called with the resource's index), for a scan that writes many
  // resources: stores that commit durably override it to commit them together (one transaction,
  // one sync, instead of one per resource). Each resource's step still reads what the steps before
  // it wrote. An error stops the steps and is returned; what the batch wrote may then be kept or
  // not (a scan writes each resource's full state, so the next scan repairs either). Returns false
  // when the analyzer is absent. Then, unless `then` is empty and while the analyzer is present,
  // `then` changes the analyzer as ModifyAnalyzer does, in the same atomic step (a scan's
  // lastResourceAnalyzed). The default runs ModifyFindings once per resource, then ModifyAnalyzer.
  virtual absl::StatusOr<bool> ModifyResourcesFindings(std::string_view analyzer_arn,
                                                       std::span<const std::string> resource_arns,
                                                       const ResourceFindingsDecision& decide,
                                                       const AnalyzerDecision& then);
  virtual absl::StatusOr<std::optional<findings::FindingRecord>> GetFinding(
      std::string_view analyzer_arn, std::string_view id) = 0;
  virtual absl::StatusOr<std::vector<findings::FindingRecord>> ListFindings(
      std::string_view analyzer_arn) = 0;
  // One finding as a listing gives it (GetFinding's answer without decoding it); nullptr when
  // absent. The default reads GetFinding.
  virtual absl::StatusOr<std::shared_ptr<const ListedFinding>> GetListedFinding(
      std::string_view analyzer_arn, std::string_view id);
  virtual absl::StatusOr<std::vector<findings::FindingRecord>> ListFindingsForResource(
      std::string_view analyzer_arn, std::string_view resource_arn) = 0;
  // The page of the analyzer's findings that `query` asks for, ordered as findings::SortsBefore and
  // continuing as findings::Paginate would. The default loads every finding (ListFindings) and
  // sorts; stores override it with an indexed query.
  virtual absl::StatusOr<FindingPage> ListFindingsPage(std::string_view analyzer_arn,
                                                       const FindingPageQuery& query);
  // The analyzer's findings counted by group. The default loads every finding (ListFindings);
  // stores override it with an aggregate query.
  virtual absl::StatusOr<FindingCounts> CountFindings(std::string_view analyzer_arn);
  // The analyzer's findings aggregated for the dashboard. The default loads every finding
  // (ListFindings); stores override it with aggregate queries over indexes.
  virtual absl::StatusOr<FindingAggregates> AggregateFindings(std::string_view analyzer_arn);
  // A finding's status history, oldest first (at most kStatusHistoryLimit entries); empty for an
  // absent finding. WriteFindings records history as ModifyFindings does, with cause kAnalysis.
  // The default answers Unimplemented (a store that keeps no history).
  virtual absl::StatusOr<std::vector<FindingStatusChange>> GetFindingHistory(
      std::string_view analyzer_arn, std::string_view id);

  // Organization state. Enabling twice keeps the first date; disabling or deregistering what is
  // absent is OK (the API layer reports AWS's errors).
  virtual absl::Status PutServiceAccess(const ServiceAccess& access) = 0;
  virtual absl::Status DeleteServiceAccess(std::string_view service_principal) = 0;
  virtual absl::StatusOr<std::vector<ServiceAccess>> ListServiceAccess() = 0;  // by principal
  virtual absl::Status PutDelegatedAdministrator(const DelegatedAdministrator& administrator) = 0;
  virtual absl::Status DeleteDelegatedAdministrator(std::string_view account_id,
                                                    std::string_view service_principal) = 0;
  // By (registered_at, account, service).
  virtual absl::StatusOr<std::vector<DelegatedAdministrator>> ListDelegatedAdministrators() = 0;

  // Imported inventory, keyed by (kind, owner, key). PutInventory upserts all records atomically.
  virtual absl::Status PutInventory(std::span<const InventoryRecord> records) = 0;
  virtual absl::Status DeleteInventory(InventoryKind kind, std::string_view owner,
                                       std::string_view key) = 0;
  virtual absl::StatusOr<std::vector<InventoryRecord>> ListInventory(
      InventoryKind kind) = 0;  // by (key, owner)
  virtual absl::StatusOr<std::optional<InventoryRecord>> GetInventory(InventoryKind kind,
                                                                      std::string_view owner,
                                                                      std::string_view key) = 0;

  // Access previews of an analyzer. PutAccessPreview inserts or replaces (by analyzer and id);
  // ListAccessPreviews gives every preview of the analyzer by (created_at, id); DeleteAnalyzer
  // deletes them. The defaults answer Unimplemented (stores that keep no previews).
  virtual absl::Status PutAccessPreview(const AccessPreviewRecord& preview);
  virtual absl::StatusOr<std::optional<AccessPreviewRecord>> GetAccessPreview(
      std::string_view analyzer_arn, std::string_view id);
  virtual absl::StatusOr<std::vector<AccessPreviewRecord>> ListAccessPreviews(
      std::string_view analyzer_arn);

  // Finding recommendations. PutFindingRecommendation inserts or replaces (by analyzer and finding
  // id). The defaults answer Unimplemented (stores that keep none).
  virtual absl::Status PutFindingRecommendation(const FindingRecommendationRecord& record);
  virtual absl::StatusOr<std::optional<FindingRecommendationRecord>> GetFindingRecommendation(
      std::string_view analyzer_arn, std::string_view finding_id);

  // Idempotency: the result remembered for a client token (scope = account + operation + token).
  virtual absl::StatusOr<std::optional<std::string>> GetClientToken(std::string_view scope) = 0;
  virtual absl::Status PutClientToken(std::string_view scope, std::string_view result) = 0;
};

}  // namespace perimeter::store

#endif  // PERIMETER_STORE_STORE_H_
