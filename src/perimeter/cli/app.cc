#include "perimeter/cli/app.h"

#include <iostream>
#include <string>

#include "CLI/CLI.hpp"

namespace perimeter::cli {

int RunApp(int argc, const char* const* argv, std::istream& in, std::ostream& out, std::ostream& err) {
  (void)in;
  CLI::App app{"Perimeter: which of your AWS resources can be reached from outside your zone of trust",
               "perimeter"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "perimeter 0.1.0");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e, out, err);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  return kExitOk;
}

}  // namespace perimeter::cli
