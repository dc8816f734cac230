// `perimeter simulate FILE|-`: reads one request and its policies (docs/simulate.md), evaluates it
// with the concrete evaluator, and prints the decision with the statements that decided it.
#ifndef PERIMETER_CLI_SIMULATE_COMMAND_H_
#define PERIMETER_CLI_SIMULATE_COMMAND_H_

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace perimeter::cli {

struct SimulateOptions {
  // Top-level fields accepted and ignored besides "policies" and "request". Only the data-driven
  // test runner sets it (to {"expect"}): every other unknown field is an error.
  std::vector<std::string> extra_top_level_fields;
};

// Runs the command on `source`, the whole input document; `name` names it in messages (a path or
// "<stdin>"). Writes the result JSON to `out` and diagnostics ("name:line:col: error: ...", the
// source line and a caret) to `err`. Returns kExitOk for any decision, kExitBadInput for input that
// cannot be read or evaluated.
int RunSimulate(std::string_view name, const std::string& source, std::ostream& out,
                std::ostream& err, const SimulateOptions& options = {});

}  // namespace perimeter::cli

#endif  // PERIMETER_CLI_SIMULATE_COMMAND_H_
