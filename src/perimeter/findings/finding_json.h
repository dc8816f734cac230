// Findings in AWS's JSON shapes, exactly as the accessanalyzer service model (botocore
// `data/accessanalyzer/2019-11-01/service-2.json`, restJson1) defines them:
//   Finding             GetFinding's `finding`
//   FindingSummary      ListFindings' `findings[]` (the same members as Finding)
//   FindingSummaryV2    ListFindingsV2's `findings[]`
//   GetFindingV2Response, with findingDetails = [{"externalAccessDetails": {...}}]
// Members follow the model's order; optional members are omitted when the finding has no value for
// them (principal, action, resource, isPublic, error, sources). Required members are always present
// (`condition` is {} when there is none). Error findings carry no external-access details (no
// principal, action, isPublic, sources) [DOC: "IAM Access Analyzer error findings"]. Timestamps are
// FormatTimestamp text (finding_record.h). resourceControlPolicyRestriction (added to the model in
// Nov 2024, ignored by older clients) is "NOT_APPLICABLE": Perimeter does not evaluate RCPs
// (docs/access-analyzer-rules.md §2.1).
//
// Perimeter's extras — `witness` and `explanation`, and `errorReason` — are added only when
// JsonOptions::perimeter_extras is set (the CLI's --format json); the API must return AWS's shapes
// as they are.
//
// Every shape is written once, with json::Writer; the functions below return JSON text (UTF-8).
// Invalid UTF-8 in a value is replaced by U+FFFD rather than failing (json::Quote).
#ifndef PERIMETER_FINDINGS_FINDING_JSON_H_
#define PERIMETER_FINDINGS_FINDING_JSON_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/issue.h"
#include "perimeter/findings/archive_rule.h"
#include "perimeter/findings/finding_record.h"
#include "perimeter/json/document.h"
#include "perimeter/json/writer.h"

namespace perimeter::findings {

struct JsonOptions {
  bool perimeter_extras = false;
  int indent = -1;  // -1: compact; n >= 0: pretty-printed with n spaces
};

// Writes one Finding/FindingSummary object into `w` (for documents that embed findings, such as
// the CLI's report).
void WriteFinding(json::Writer& w, const FindingRecord& record, bool perimeter_extras);

// Parts of the Finding shape other shapes embed (AccessPreviewFinding): the `sources` array, and
// Perimeter's extras (errorReason, witness, explanation) as members of the enclosing object.
void WriteFindingSources(json::Writer& w, const std::vector<FindingSource>& sources);
void WriteFindingExtras(json::Writer& w, const Finding& finding);

// One object of the given shape.
std::string FindingToJson(const FindingRecord& record,
                          const JsonOptions& options = {});  // Finding/FindingSummary
std::string FindingSummaryV2ToJson(const FindingRecord& record, const JsonOptions& options = {});

// FindingToJson compact and without extras — GetFinding's `finding` and an element of ListFindings'
// `findings` (what a store keeps beside each finding).
std::string FindingObjectJson(const FindingRecord& record);

// Whole response bodies.
std::string GetFindingResponseJson(const FindingRecord& record, const JsonOptions& options = {});
std::string GetFindingV2ResponseJson(const FindingRecord& record, const JsonOptions& options = {});
std::string ListFindingsResponseJson(std::span<const FindingRecord> page,
                                     const std::optional<std::string>& next_token,
                                     const JsonOptions& options = {});
// GetFinding's body from a FindingObjectJson text.
std::string GetFindingResponseJsonFromObject(std::string_view finding_object);
// ListFindings' body from FindingObjectJson texts.
std::string ListFindingsResponseJsonFromObjects(std::span<const std::string_view> finding_objects,
                                                const std::optional<std::string>& next_token);
// Reads only the members of SummaryOf(record), so `page` may hold summaries.
std::string ListFindingsV2ResponseJson(std::span<const FindingRecord> page,
                                       const std::optional<std::string>& next_token,
                                       const JsonOptions& options = {});

// A FindingCriteriaMap as AWS echoes it (GetArchiveRule, ListArchiveRules): members in the order
// parsed, operators eq, neq, contains, exists, absent operators omitted.
std::string FilterToJson(const FindingFilter& filter, const JsonOptions& options = {});

// Reads a Finding object back (the output of FindingToJson, with or without extras — `witness` and
// `explanation` are skipped): for the CLI's previous-run state and for tests. Problems go to
// `issues` with positions; nullopt iff an error was added. Unknown members are errors
// ("finding.unknown-member").
std::optional<FindingRecord> FindingFromJson(json::Value value, std::vector<base::Issue>& issues);

}  // namespace perimeter::findings

#endif  // PERIMETER_FINDINGS_FINDING_JSON_H_
