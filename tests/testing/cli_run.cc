#include "tests/testing/cli_run.h"

#include <sstream>
#include <string>
#include <vector>

#include "perimeter/cli/app.h"

namespace perimeter_testing {

CliRun RunPerimeter(std::vector<std::string> args, const std::string& stdin_text) {
  args.insert(args.begin(), "perimeter");
  std::vector<const char*> argv;
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  std::istringstream in(stdin_text);
  std::ostringstream out, err;
  CliRun run;
  run.code = perimeter::cli::RunApp(static_cast<int>(argv.size()), argv.data(), in, out, err);
  run.out = out.str();
  run.err = err.str();
  return run;
}

}  // namespace perimeter_testing
