// `perimeter analyze --analyzer-type ACCOUNT_UNUSED_ACCESS|ORGANIZATION_UNUSED_ACCESS`: the
// unused-access findings of the principals in the given files (docs/analyze.md, "Unused access"),
// offline. The files are those ingest/unused_access_inputs.h reads, recognised by content.
#ifndef PERIMETER_CLI_UNUSED_ACCESS_COMMAND_H_
#define PERIMETER_CLI_UNUSED_ACCESS_COMMAND_H_

#include <iosfwd>

#include "perimeter/cli/analyze_command.h"

namespace perimeter::cli {

// Runs the analysis; exit codes as analyze: 0 no active findings, 1 active findings, 2 bad input or
// usage. What the data leaves undecided is listed (on `err` and in the JSON output) and makes the
// exit status at least 1: it is never taken as "no finding".
int RunUnusedAccessAnalyze(const AnalyzeOptions& options, std::istream& in, std::ostream& out,
                           std::ostream& err, bool out_is_terminal);

}  // namespace perimeter::cli

#endif  // PERIMETER_CLI_UNUSED_ACCESS_COMMAND_H_
