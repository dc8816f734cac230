#include "perimeter/cli/app.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include "CLI/CLI.hpp"
#include "perimeter/cli/simulate_command.h"

namespace perimeter::cli {

namespace {

// Reads `path` ("-" for `in`). Returns false, with a message on `err`, when it cannot.
bool ReadInput(const std::string& path, std::istream& in, std::string& text, std::ostream& err) {
  if (path == "-") {
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return true;
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    err << path << ": error: cannot open the file\n";
    return false;
  }
  std::ostringstream buffer;
  buffer << file.rdbuf();
  text = std::move(buffer).str();
  return true;
}

}  // namespace

int RunApp(int argc, const char* const* argv, std::istream& in, std::ostream& out, std::ostream& err) {
  CLI::App app{"Perimeter: which of your AWS resources can be reached from outside your zone of trust",
               "perimeter"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "perimeter 0.1.0");

  std::string simulate_input;
  CLI::App* simulate = app.add_subcommand(
      "simulate", "Decide one request against its policies and explain the decision (docs/simulate.md)");
  simulate->add_option("input", simulate_input, "The simulate input (JSON), or - for standard input")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e, out, err);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  if (simulate->parsed()) {
    std::string text;
    if (!ReadInput(simulate_input, in, text, err)) return kExitBadInput;
    return RunSimulate(simulate_input == "-" ? "<stdin>" : simulate_input, text, out, err);
  }
  return kExitOk;
}

}  // namespace perimeter::cli
