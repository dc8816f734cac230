// The `perimeter` command line: subcommands, their options, and exit codes.
#ifndef PERIMETER_CLI_APP_H_
#define PERIMETER_CLI_APP_H_

#include <iosfwd>

namespace perimeter::cli {

// Exit codes shared by every command (documented in README.md).
inline constexpr int kExitOk = 0;        // success; for analyze: no active findings
inline constexpr int kExitFindings = 1;  // analyze/check: active findings or a FAIL result
inline constexpr int kExitBadInput = 2;  // bad input or usage

// Whether standard output and standard error are terminals (colours, progress bars, default
// formats).
struct Terminals {
  bool out = false;
  bool err = false;
};

// Runs the command line. Output goes to `out`, diagnostics to `err`. Returns the exit code.
int RunApp(int argc, const char* const* argv, std::istream& in, std::ostream& out,
           std::ostream& err, Terminals terminals = {});

}  // namespace perimeter::cli

#endif  // PERIMETER_CLI_APP_H_
