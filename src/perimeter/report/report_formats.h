// The output formats of `perimeter analyze`: one function per format, from the offline report to
// text. Pure. Formats are documented in docs/analyze.md.
#ifndef PERIMETER_REPORT_REPORT_FORMATS_H_
#define PERIMETER_REPORT_REPORT_FORMATS_H_

#include <iosfwd>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/analysis/offline_analysis.h"
#include "perimeter/findings/access_preview_finding.h"

namespace perimeter::report {

enum class Format { kTable, kJson, kSarif, kAsff, kCsv };

std::optional<Format> ParseFormat(
    std::string_view name);  // "table", "json", "sarif", "asff", "csv"

struct RenderOptions {
  bool color = false;  // ANSI colours (table, on a terminal)
};

// A report written to a stream as the findings arrive (analysis::FindingSink: in input order), so
// that the output of a long analysis needs no memory of its own. Finish writes what comes after the
// findings (summary, input errors, closing brackets). The table, which lists public findings first,
// keeps its lines until Finish; the other formats write each finding when it is added. The text is
// the same as the Render* function of the format gives for the same findings.
class ReportStream : public analysis::FindingSink {
 public:
  virtual void Finish(const analysis::OfflineSummary& summary,
                      const std::vector<analysis::InputError>& errors) = 0;
};

// A ReportStream of `format` writing to `out`, which must outlive it. The beginning of the document
// is written at once.
std::unique_ptr<ReportStream> NewReportStream(Format format, const RenderOptions& options,
                                              std::ostream& out);

// `{"findings": [...], "summary": {...}, "errors": [...]}`: each finding in AWS's shape plus
// `status`, `witness` and `explanation`.
std::string RenderJson(const analysis::OfflineReport& report);
// One line per finding, public ones first, then one per input error. Bytes that are not UTF-8 (in a
// file name or a value) are shown as U+FFFD.
std::string RenderTable(const analysis::OfflineReport& report, const RenderOptions& options);
// RFC 4180 CSV with a header row. Bytes that are not UTF-8 become U+FFFD; a field that a
// spreadsheet would run as a formula (it starts with = + - @, tab, carriage return or NUL) gets a
// leading '.
std::string RenderCsv(const analysis::OfflineReport& report);
// SARIF 2.1.0: one result per finding, located (file, line, column) at the first statement that
// grants the access — the `{` of the statement object in the source file, or the line of the
// Statement element of a YAML template — else at the policy or record that describes the resource;
// the other granting statements are relatedLocations. Rule ids by kind of access (public,
// cross-account, error).
std::string RenderSarif(const analysis::OfflineReport& report);
// AWS Security Hub's ASFF (SchemaVersion 2018-10-08): `{"Findings": [...]}`, as BatchImportFindings
// takes.
std::string RenderAsff(const analysis::OfflineReport& report);

// How a finding of `perimeter preview` compares with the current findings (AccessPreviewFinding's
// changeType, existingFindingId, existingFindingStatus; docs/previews.md).
struct PreviewComparison {
  findings::FindingChangeType change_type = findings::FindingChangeType::kNew;
  std::optional<std::string> existing_finding_id;
  std::optional<findings::FindingStatus> existing_finding_status;
};

// The same reports for a preview: `comparisons[i]` describes report.findings[i]. REQUIRES:
// comparisons.size() == report.findings.size().
//  - SARIF: each result's properties add changeType, existingFindingId, existingFindingStatus, and
//    its baselineState says the same in SARIF's terms (SARIF 2.1.0 §3.27.24: "new", "unchanged",
//    "absent" for a finding the change resolves, "new" for a resolved finding whose access
//    returns). A resolved finding is not a problem of the change: kind "pass", level "none"
//    (§3.27.9, §3.27.10).
//  - ASFF: ProductFields add perimeter/changeType, perimeter/existingFindingId and
//    perimeter/existingFindingStatus; a resolved finding has Workflow.Status RESOLVED and
//    RecordState ARCHIVED (ASFF, "Workflow", "RecordState").
std::string RenderSarif(const analysis::OfflineReport& report,
                        std::span<const PreviewComparison> comparisons);
std::string RenderAsff(const analysis::OfflineReport& report,
                       std::span<const PreviewComparison> comparisons);

// One RFC 4180 field: quoted when it holds a comma, a quote or a line break.
std::string CsvField(std::string_view text);

// The one-line summary printed at the end of every run.
std::string SummaryLine(const analysis::OfflineSummary& summary);

}  // namespace perimeter::report

#endif  // PERIMETER_REPORT_REPORT_FORMATS_H_
