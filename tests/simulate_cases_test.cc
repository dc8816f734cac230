// Runs every tests/cases/simulate/*.json through `perimeter simulate` (RunSimulate, the code path
// of the command) and checks the result against the case's "expect".
//
// A case file is either
//   - a simulate input (docs/simulate.md) with two more top-level members, "description" (where the
//     case comes from) and "expect"; or
//   - {"input": "<raw input text>", "expect": ...} for input that is not a valid simulate document
//     (broken JSON): positions in the expected error then refer to the input string's content.
// "expect": {"exit": 0 | 2 (default 0),
//            "decision": "Allow" | "ExplicitDeny" | "ImplicitDeny",          (exit 0)
//            "deciding": ["identity[0]:1", "resource:0", "scps[1]", ...],     (exit 0; in order;
//                          "policy:statement" for a statement, "policy" for a policy that did not
//                          allow)
//            "error": "text that stderr must contain"}                       (exit 2, e.g.
//            "case.json:3:17: error")
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/cli/app.h"
#include "perimeter/cli/simulate_command.h"
#include "perimeter/json/document.h"

namespace perimeter::cli {
namespace {

std::filesystem::path CasesDir() {
  return std::filesystem::path(PERIMETER_SOURCE_DIR) / "tests" / "cases" / "simulate";
}

std::vector<std::string> CaseNames() {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(CasesDir())) {
    if (entry.is_regular_file() && entry.path().extension() == ".json")
      names.push_back(entry.path().filename());
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// "identity[0]:1" for a statement, "scps[1]" for a policy or level without one.
std::vector<std::string> DecidingLabels(const json::Value& explanation) {
  std::vector<std::string> labels;
  for (json::Value entry : explanation.children()) {
    std::string label(entry.Find("policy")->text());
    if (std::optional<json::Value> statement = entry.Find("statement")) {
      label.push_back(':');
      label.append(statement->text());
    }
    labels.push_back(std::move(label));
  }
  return labels;
}

class SimulateCasesTest : public testing::TestWithParam<std::string> {};

TEST_P(SimulateCasesTest, MatchesExpectation) {
  const std::string name = GetParam();
  const std::string text = ReadFile(CasesDir() / name);
  json::ParseResult file = json::Parse(text);
  ASSERT_TRUE(file.ok()) << name
                         << ": a case file must be valid JSON (use \"input\" for broken input): "
                         << file.issues[0].message;
  json::Value root = file.document.root();
  std::optional<json::Value> expect = root.Find("expect");
  ASSERT_TRUE(expect.has_value() && expect->is_object()) << name << ": no \"expect\" object";

  std::ostringstream out, err;
  int exit_code;
  if (std::optional<json::Value> raw = root.Find("input")) {
    ASSERT_TRUE(raw->is_string()) << name << ": \"input\" holds the raw input as a string";
    exit_code = RunSimulate(name, std::string(raw->text()), out, err);
  } else {
    SimulateOptions options;
    options.extra_top_level_fields = {"description", "expect"};
    exit_code = RunSimulate(name, text, out, err, options);
  }

  int expected_exit = 0;
  if (std::optional<json::Value> e = expect->Find("exit"))
    expected_exit = std::stoi(std::string(e->text()));
  ASSERT_EQ(exit_code, expected_exit) << name << "\nstdout:\n"
                                      << out.str() << "\nstderr:\n"
                                      << err.str();

  if (std::optional<json::Value> error = expect->Find("error")) {
    EXPECT_NE(err.str().find(error->text()), std::string::npos)
        << name << ": stderr does not contain \"" << error->text() << "\":\n"
        << err.str();
  }
  if (exit_code != kExitOk) {
    EXPECT_TRUE(out.str().empty()) << name << ": nothing on stdout for bad input";
    EXPECT_FALSE(err.str().empty()) << name << ": bad input is explained on stderr";
    return;
  }

  json::ParseResult result = json::Parse(out.str());
  ASSERT_TRUE(result.ok()) << name << ": the output is not JSON:\n" << out.str();
  json::Value output = result.document.root();
  if (std::optional<json::Value> decision = expect->Find("decision")) {
    EXPECT_EQ(output.Find("decision")->text(), decision->text()) << name << "\n" << out.str();
  }
  if (std::optional<json::Value> deciding = expect->Find("deciding")) {
    std::vector<std::string> expected;
    for (json::Value label : deciding->children()) expected.emplace_back(label.text());
    EXPECT_EQ(DecidingLabels(*output.Find("explanation")), expected) << name << "\n" << out.str();
  }
}

std::string TestName(const testing::TestParamInfo<std::string>& info) {
  std::string name = info.param.substr(0, info.param.size() - 5);  // without ".json"
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, SimulateCasesTest, testing::ValuesIn(CaseNames()), TestName);

TEST(SimulateCasesTest, ThereAreEnoughCases) { EXPECT_GE(CaseNames().size(), 30u); }

TEST(SimulateCommandTest, TheCommandLineReadsAFile) {
  std::string path = (std::filesystem::path(PERIMETER_SOURCE_DIR) / "samples" / "simulate" /
                      "cross_account_s3.json");
  const char* argv[] = {"perimeter", "simulate", path.c_str()};
  std::istringstream in;
  std::ostringstream out, err;
  EXPECT_EQ(RunApp(3, argv, in, out, err), kExitOk) << err.str();
  EXPECT_NE(out.str().find("\"decision\": \"Allow\""), std::string::npos) << out.str();

  const char* missing[] = {"perimeter", "simulate", "/nonexistent/input.json"};
  EXPECT_EQ(RunApp(3, missing, in, out, err), kExitBadInput);
}

TEST(SimulateCommandTest, SamplesAreValidInputs) {
  std::filesystem::path dir = std::filesystem::path(PERIMETER_SOURCE_DIR) / "samples" / "simulate";
  size_t count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".json") continue;
    ++count;
    std::ostringstream out, err;
    EXPECT_EQ(RunSimulate(entry.path().filename().string(), ReadFile(entry.path()), out, err),
              kExitOk)
        << entry.path() << "\n"
        << err.str();
  }
  EXPECT_GE(count, 6u);
}

}  // namespace
}  // namespace perimeter::cli
