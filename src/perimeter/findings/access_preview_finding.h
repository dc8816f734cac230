// A finding of an access preview (Access Analyzer API, "AccessPreviewFinding"; botocore
// accessanalyzer 2019-11-01): what the analyzer would report for a resource under a proposed
// configuration, compared with the analyzer's current findings for it. See docs/previews.md.
//
// changeType (API reference, AccessPreviewFinding.changeType):
//   NEW        the access is not in a current finding;
//   UNCHANGED  a current finding that would stay as it is (same access, same status);
//   CHANGED    a current finding whose status would change — "a Changed finding with preview
//              status Resolved and existing status Active indicates the existing Active finding
//              would become Resolved as a result of the proposed permissions change".
// existingFindingId / existingFindingStatus are given only for UNCHANGED and CHANGED findings. The
// preview finding's own id "uniquely identifies the element in the list of access preview findings
// and is not related to the finding ID in Access Analyzer".
#ifndef PERIMETER_FINDINGS_ACCESS_PREVIEW_FINDING_H_
#define PERIMETER_FINDINGS_ACCESS_PREVIEW_FINDING_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/issue.h"
#include "perimeter/findings/finding_record.h"
#include "perimeter/json/writer.h"

namespace perimeter::findings {

enum class FindingChangeType { kChanged, kNew, kUnchanged };

std::string_view FindingChangeTypeName(FindingChangeType type);  // "CHANGED", "NEW", "UNCHANGED"
std::optional<FindingChangeType> ParseFindingChangeType(std::string_view name);

struct AccessPreviewFinding {
  // The finding as the preview sees it: record.finding.id is the preview finding's id,
  // record.status the status it would have (archive rules applied), record.created_at the
  // preview's creation time.
  FindingRecord record;
  FindingChangeType change_type = FindingChangeType::kNew;
  std::optional<std::string> existing_finding_id;
  std::optional<FindingStatus> existing_finding_status;
};

// One AccessPreviewFinding object, members in the model's order; access details (principal,
// action, isPublic, sources) are absent on error findings as in findings/finding_json.h.
// `perimeter_extras` adds the witness and explanation (the CLI's --format json).
void WriteAccessPreviewFinding(json::Writer& w, const AccessPreviewFinding& finding,
                               bool perimeter_extras);

// The store's form of a preview's findings: a JSON array, each element the finding record as
// FindingToJson writes it plus the comparison members. Round-trips every member but the witness
// and explanation. Decode: problems go to `issues`; nullopt iff an error was added.
std::string EncodeAccessPreviewFindings(std::span<const AccessPreviewFinding> findings);
std::optional<std::vector<AccessPreviewFinding>> DecodeAccessPreviewFindings(
    std::string_view text, std::vector<base::Issue>& issues);

}  // namespace perimeter::findings

#endif  // PERIMETER_FINDINGS_ACCESS_PREVIEW_FINDING_H_
