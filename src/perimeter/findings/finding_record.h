// A finding together with its lifecycle state — what an analyzer keeps and what GetFinding and
// ListFindings return: the analysis result (Finding) plus status and the three timestamps of AWS's
// `Finding` shape (botocore accessanalyzer model; docs/access-analyzer-rules.md §2.1, §6.3).
//
// Times are absl::Time values handed in by the caller: nothing in findings/ reads a clock.
#ifndef PERIMETER_FINDINGS_FINDING_RECORD_H_
#define PERIMETER_FINDINGS_FINDING_RECORD_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "perimeter/findings/finding.h"

namespace perimeter::findings {

// AWS's FindingStatus enum. Users may set only kActive and kArchived (FindingStatusUpdate);
// kResolved is set by analysis when the access is gone.
enum class FindingStatus { kActive, kArchived, kResolved };

std::string_view FindingStatusName(FindingStatus status);  // "ACTIVE", "ARCHIVED", "RESOLVED"

// Exact, case-sensitive, as the API's enum requires. nullopt for anything else.
std::optional<FindingStatus> ParseFindingStatus(std::string_view name);

// RFC 3339 in UTC with milliseconds, "2024-05-01T12:00:00.000Z": the `iso8601` timestampFormat of
// the accessanalyzer model, which Smithy clients parse as RFC 3339 date-time (the strictest of
// them, the JavaScript SDK v3, requires the 'T', the 'Z' and allows a fraction). Fixed width, so
// the text sorts as the time does. Sub-millisecond precision is truncated.
std::string FormatTimestamp(absl::Time time);

// The inverse of FormatTimestamp; also accepts other fractions and numeric offsets ("+02:00").
std::optional<absl::Time> ParseTimestamp(std::string_view text);

struct FindingRecord {
  // finding.id is the record's id (LifecycleFindingId, lifecycle.h).
  Finding finding;
  FindingStatus status = FindingStatus::kActive;
  absl::Time created_at = absl::UnixEpoch();   // first generated
  absl::Time analyzed_at = absl::UnixEpoch();  // the resource was last analysed
  absl::Time updated_at = absl::UnixEpoch();   // the status last changed

  const std::string& id() const { return finding.id; }
};

// `record` without its access details and Perimeter's extras (principal, actions, condition,
// sources, error_reason, witness, explanation): the fields listings sort, page and filter on
// (FindingSummaryV2's members and isPublic), which a store can keep beside the finding and read
// without decoding it.
FindingRecord SummaryOf(const FindingRecord& record);

}  // namespace perimeter::findings

#endif  // PERIMETER_FINDINGS_FINDING_RECORD_H_
