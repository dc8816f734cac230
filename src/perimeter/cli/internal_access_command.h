// `perimeter analyze --analyzer-type ACCOUNT_INTERNAL_ACCESS | ORGANIZATION_INTERNAL_ACCESS`: the
// internal-access analysis of the inputs (analysis/internal_access_analysis.h), printed as a table
// or as JSON (AWS's FindingV2 shape with internalAccessDetails, plus witness and explanation).
// docs/internal-access.md.
#ifndef PERIMETER_CLI_INTERNAL_ACCESS_COMMAND_H_
#define PERIMETER_CLI_INTERNAL_ACCESS_COMMAND_H_

#include <istream>
#include <ostream>
#include <string_view>
#include <vector>

#include "perimeter/cli/analyze_command.h"
#include "perimeter/resources/inventory.h"

namespace perimeter::cli {

// Whether `analyzer_type` is one of the internal-access analyzer types.
bool IsInternalAccessAnalyzerType(std::string_view analyzer_type);

// Analyzes `inventories` (already read; `unreadable` when a file could not be) and prints the
// findings. Exit codes as `perimeter analyze`: 0 no finding, 1 findings, 2 bad input or usage
// (an input error, an error finding's cause named on `err`, a zone that cannot be built).
int RunInternalAccess(const AnalyzeOptions& options,
                      const std::vector<resources::Inventory>& inventories, bool unreadable,
                      std::istream& in, std::ostream& out, std::ostream& err, bool out_is_terminal);

}  // namespace perimeter::cli

#endif  // PERIMETER_CLI_INTERNAL_ACCESS_COMMAND_H_
