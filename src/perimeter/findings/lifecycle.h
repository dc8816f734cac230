// The finding lifecycle of Access Analyzer: how a fresh analysis of one resource changes the stored
// findings of one analyzer for that resource. Pure: the caller loads the stored records, passes the
// time, and stores what comes back. The server (on each change and on the periodic scan) and the
// offline CLI (diffing against a previous run) share it.
//
// Rules (docs/access-analyzer-rules.md §4.1, §6.3; [DOC] = AWS documentation, [PROP] = our choice):
//  * A finding is one instance of access: resource, principal, condition, sources (FindingKey) AND
//  its
//    permissions — "if the updated policy shares a resource that is already identified in a
//    finding, but with different permissions or conditions, a new finding is generated ... if the
//    access in the first finding is removed, that finding is updated to a status of Resolved" [DOC:
//    IAM User Guide, "Working with findings"]. So the lifecycle identity (AccessKey) is FindingKey
//    + actions + isPublic, and the id is derived from it (LifecycleFindingId): the same access
//    always has the same id.
//  * New access: ACTIVE, or ARCHIVED when an archive rule matches at creation [DOC: archive rules
//    apply to new findings]. createdAt = analyzedAt = updatedAt = now.
//  * Same access again: status kept (ARCHIVED stays ARCHIVED), analyzedAt = now, updatedAt kept (it
//    is the last status change); the finding's content (witness, explanation) is refreshed.
//  * Access gone: ACTIVE or ARCHIVED → RESOLVED, analyzedAt = updatedAt = now [DOC for ACTIVE; PROP
//    for ARCHIVED: archiving is not a suppression of the resolution].
//  * A RESOLVED finding whose access returns while it is still retained is reactivated rather than
//    duplicated (rules doc Q13) [PROP]: same id and createdAt, status as for a new finding (ACTIVE,
//    or ARCHIVED if an archive rule matches now), updatedAt = now. AWS does not document this case;
//    keeping the id means a returning access carries its history instead of a fresh, unrelated id.
//  * Error findings (finding.error set) whose error is gone are deleted, not resolved: they
//  describe
//    the analysis, not access [DOC: "IAM Access Analyzer error findings"; issue #6].
//  * RESOLVED findings are deleted `retention` after their last update (90 days) [DOC: "Resolving
//    findings"]; ACTIVE and ARCHIVED findings are kept.
#ifndef PERIMETER_FINDINGS_LIFECYCLE_H_
#define PERIMETER_FINDINGS_LIFECYCLE_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "perimeter/findings/archive_rule.h"
#include "perimeter/findings/finding.h"
#include "perimeter/findings/finding_record.h"

namespace perimeter::findings {

inline constexpr absl::Duration kDefaultResolvedRetention = absl::Hours(24 * 90);

// The lifecycle identity of a finding: FindingKey plus the sorted action set and isPublic.
std::string AccessKey(const Finding& finding);

// A stable UUID-shaped id (version 8, RFC 9562 custom) for the finding's access within `scope` (the
// analyzer ARN on the server, so that two analyzers never share an id; "" offline). Deterministic:
// the same scope and access always give the same id.
std::string LifecycleFindingId(std::string_view scope, const Finding& finding);

struct LifecycleOptions {
  std::string_view scope;  // see LifecycleFindingId
  absl::Duration resolved_retention = kDefaultResolvedRetention;
  std::span<const ArchiveRule> archive_rules;  // in the analyzer's order
};

enum class FindingChangeKind {
  kCreated,      // new access (status ACTIVE or, by rule, ARCHIVED)
  kUnchanged,    // same state: an open finding whose access is still there (analyzedAt = now), or a
                 // RESOLVED one whose access is still gone (left as it was)
  kResolved,     // access gone
  kReactivated,  // a retained RESOLVED finding's access came back
  kDeleted,      // an error finding whose error is gone, or a RESOLVED finding past retention
};

std::string_view FindingChangeKindName(FindingChangeKind kind);  // "CREATED", ...

struct FindingChange {
  std::string id;
  FindingChangeKind kind = FindingChangeKind::kUnchanged;
  std::optional<FindingStatus> previous_status;  // nullopt for kCreated
  std::optional<FindingStatus> status;           // nullopt for kDeleted
  // The archive rule that archived a created or reactivated finding.
  std::optional<std::string> archived_by_rule;
  // For kResolved: the ids of findings created or reactivated by the same analysis with the same
  // principal, condition and sources (FindingKey) — the access changed rather than disappeared
  // (access previews call this CHANGED). For those new findings: the ids they replace.
  std::vector<std::string> related_ids;
};

struct LifecycleResult {
  // The new state of every finding of the resource that is kept: to be stored (upserted). Sorted by
  // id. Records whose state did not change are included too (their analyzedAt may have).
  std::vector<FindingRecord> records;
  // Ids of stored findings to delete.
  std::vector<std::string> deleted_ids;
  // One entry per stored or fresh finding, sorted by id.
  std::vector<FindingChange> changes;
};

// Applies a fresh analysis of one resource to the findings an analyzer stores for it.
// `stored`: every stored record of this (analyzer, resource), any status; ids as LifecycleFindingId
// gave them. `fresh`: the analysis result for the resource (the engine's findings, any ids; error
// findings included). Fresh findings with the same AccessKey are merged (the first one is kept).
// Also purges the resource's RESOLVED findings that are past retention at `now`.
LifecycleResult ApplyAnalysis(std::span<const FindingRecord> stored, std::span<const Finding> fresh,
                              absl::Time now, const LifecycleOptions& options);

// True if `record` is RESOLVED and its last update is at least `retention` before `now`.
bool IsExpired(const FindingRecord& record, absl::Time now,
               absl::Duration retention = kDefaultResolvedRetention);

// The ids of the expired records (IsExpired), for a periodic purge over a whole analyzer.
std::vector<std::string> ExpiredFindingIds(std::span<const FindingRecord> records, absl::Time now,
                                           absl::Duration retention = kDefaultResolvedRetention);

// UpdateFindings: sets a finding's status by hand. Only ACTIVE and ARCHIVED may be requested
// (FindingStatusUpdate) — anything else is InvalidArgument. A RESOLVED finding cannot be changed
// (FailedPrecondition) [PROP: its access is gone; archiving it would hide a later reactivation's
// history]. Setting the current status changes nothing (updatedAt kept). Returns whether the record
// changed.
absl::StatusOr<bool> UpdateFindingStatus(FindingRecord& record, FindingStatus requested,
                                         absl::Time now);

// ApplyArchiveRule: archives every ACTIVE record the rule matches (retroactive application [DOC:
// ApplyArchiveRule]); updatedAt = now. Returns the ids it archived.
std::vector<std::string> ApplyArchiveRuleToRecords(const ArchiveRule& rule,
                                                   std::span<FindingRecord> records,
                                                   absl::Time now);

}  // namespace perimeter::findings

#endif  // PERIMETER_FINDINGS_LIFECYCLE_H_
