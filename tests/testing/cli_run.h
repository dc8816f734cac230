// Runs the `perimeter` command line inside the test process (cli::RunApp, the code path of the
// executable), with standard input from a string, and keeps what it printed.
//
//   CliRun run = RunPerimeter({"analyze", path, "--format", "json"});
//   EXPECT_EQ(run.code, 0) << run.err;
#ifndef PERIMETER_TESTS_TESTING_CLI_RUN_H_
#define PERIMETER_TESTS_TESTING_CLI_RUN_H_

#include <string>
#include <vector>

namespace perimeter_testing {

struct CliRun {
  int code = 0;     // the exit code
  std::string out;  // standard output
  std::string err;  // standard error
};

// `args` are the arguments after the program name.
CliRun RunPerimeter(std::vector<std::string> args, const std::string& stdin_text = "");

}  // namespace perimeter_testing

#endif  // PERIMETER_TESTS_TESTING_CLI_RUN_H_
