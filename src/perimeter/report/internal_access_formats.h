// The SARIF and CSV outputs of internal-access analysis (`perimeter analyze --analyzer-type
// *_INTERNAL_ACCESS --format sarif|csv`, docs/analyze.md), in the manner of the external-access
// reports (report_formats.h): the same CSV field rules (RFC 4180, formula-safe) and the same SARIF
// 2.1.0 document shape (tool, rules, results). Pure.
#ifndef PERIMETER_REPORT_INTERNAL_ACCESS_FORMATS_H_
#define PERIMETER_REPORT_INTERNAL_ACCESS_FORMATS_H_

#include <span>
#include <string>
#include <string_view>

#include "perimeter/findings/internal_access_finding.h"

namespace perimeter::report {

// RFC 4180 CSV with a header row, one line per finding: id, resourceType, resource,
// resourceOwnerAccount, principal, principalOwnerAccount, principalType, accessType, actions
// (space-separated), condition (key=value; ...), sources, the two restrictions, error. Fields go
// through CsvField (bytes that are not UTF-8 become U+FFFD; a field a spreadsheet would run as a
// formula gets a leading ').
std::string RenderInternalAccessCsv(std::span<const findings::InternalAccessFinding> findings);

// SARIF 2.1.0: one result per finding, rule perimeter/internal-access (level warning) or
// perimeter/analysis-error (level error), its logical location the resource ARN, its properties
// the finding's members (principal, actions, condition, accessType, ...) and its fingerprint the
// finding id. `artifact` (the inventory file, "" when there are several or none) is each result's
// physical location: the engine joins records of every input, so no line is given.
std::string RenderInternalAccessSarif(std::span<const findings::InternalAccessFinding> findings,
                                      std::string_view artifact);

}  // namespace perimeter::report

#endif  // PERIMETER_REPORT_INTERNAL_ACCESS_FORMATS_H_
