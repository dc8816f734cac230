// The shared test helpers: the case-file reader (what the runner relies on to fail on a bad file),
// the status matchers, the self-removing directory and the JSON lookups.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/case_file.h"
#include "tests/testing/json_values.h"
#include "tests/testing/scoped_temp_dir.h"
#include "tests/testing/status_matchers.h"

namespace perimeter_testing {
namespace {

using ::testing::ElementsAre;
using ::testing::Not;

TEST(CaseFileTest, ReadsHeaderDirectivesBlocksAndExpectedLines) {
  absl::StatusOr<CaseFile> file = ParseCaseFile(
      "# What it shows.\n# Source: a page.\nzone: account 123456789012\nmember: a b\nmember: c "
      "d\n\n"
      "record:\n{\n  \"a\": 1\n}\n\n# a comment\nrecord:\n[]\n\n----\nline one\nline two\n\n");
  ASSERT_THAT(file, IsOk());
  EXPECT_THAT(file->header, ElementsAre("What it shows.", "Source: a page."));
  EXPECT_THAT(file->Values("zone"), ElementsAre("account 123456789012"));
  EXPECT_THAT(file->Values("member"), ElementsAre("a b", "c d"));
  EXPECT_THAT(file->Blocks("record"), ElementsAre("{\n  \"a\": 1\n}", "[]"));
  EXPECT_THAT(file->expected, ElementsAre("line one", "line two"));
}

TEST(CaseFileTest, NothingAfterTheSeparatorExpectsNothing) {
  absl::StatusOr<CaseFile> file = ParseCaseFile("# Nothing.\nzone: account 1\n----\n");
  ASSERT_THAT(file, IsOk());
  EXPECT_TRUE(file->expected.empty());
}

struct BadCase {
  std::string name;
  std::string text;
  std::string error;
};

class BadCaseFileTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadCaseFileTest, IsRefusedWithItsLine) {
  EXPECT_THAT(ParseCaseFile(GetParam().text),
              StatusIs(absl::StatusCode::kInvalidArgument, GetParam().error));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, BadCaseFileTest,
    ::testing::Values(
        BadCase{"NoHeader", "zone: account 1\n----\n", "line 1: a case file begins with a '#'"},
        BadCase{"NoSeparator", "# x\nzone: account 1\n", "no \"----\" line"},
        BadCase{"NotADirective", "# x\nzone account\n----\n", "line 2: expected a directive"},
        BadCase{"EmptyBlock", "# x\npolicy:\n\n----\n", "line 2: the block \"policy:\" is empty"}),
    [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

TEST(StatusMatchersTest, MatchStatusAndStatusOr) {
  EXPECT_THAT(absl::OkStatus(), IsOk());
  EXPECT_THAT(absl::StatusOr<int>(3), IsOk());
  EXPECT_THAT(absl::NotFoundError("no analyzer a1"), Not(IsOk()));
  EXPECT_THAT(absl::StatusOr<int>(absl::NotFoundError("no analyzer a1")),
              StatusIs(absl::StatusCode::kNotFound, "analyzer a1"));
  EXPECT_THAT(absl::NotFoundError("no analyzer a1"),
              Not(StatusIs(absl::StatusCode::kInternal, "analyzer")));
  EXPECT_THAT(absl::NotFoundError("no analyzer a1"),
              Not(StatusIs(absl::StatusCode::kNotFound, "archive rule")));
}

TEST(ScopedTempDirTest, IsEmptyThenRemovedWithItsContents) {
  std::filesystem::path path;
  {
    ScopedTempDir dir;
    path = dir.path();
    ASSERT_TRUE(std::filesystem::is_directory(path));
    EXPECT_TRUE(std::filesystem::is_empty(path));
    std::filesystem::create_directories(path / "a" / "b");
    std::ofstream(path / "a" / "b" / "file") << "x";
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(ProcessScratchDirTest, IsOneDirectoryForTheProcess) {
  const std::filesystem::path& dir = ProcessScratchDir();
  EXPECT_TRUE(std::filesystem::is_directory(dir));
  EXPECT_EQ(&dir, &ProcessScratchDir());
  EXPECT_NE(dir.filename().string().find(std::to_string(getpid())), std::string::npos) << dir;
}

TEST(JsonValuesTest, LooksUpPathsAndComparesCanonically) {
  perimeter::json::Document document =
      ParseJson(R"({"b": [{"name": "x"}, 2], "a": {"z": 1, "y": null}, "s": "t"})");
  perimeter::json::Value root = document.root();
  EXPECT_EQ(JsonText(JsonAt(root, "/b/0/name")), "x");
  EXPECT_EQ(JsonText(JsonAt(root, "/b/1")), "2");
  EXPECT_EQ(JsonText(JsonAt(root, "/s")), "t");
  EXPECT_EQ(JsonText(JsonAt(root, "/a")), R"({"y":null,"z":1})");
  EXPECT_EQ(JsonText(JsonAt(root, "/b/2")), "<missing>");
  EXPECT_EQ(JsonText(JsonAt(root, "/b/x")), "<missing>");
  EXPECT_EQ(JsonText(JsonAt(root, "/s/0")), "<missing>");
  EXPECT_EQ(JsonText(JsonAt(root, "/absent")), "<missing>");
  EXPECT_EQ(CanonicalJson(root),
            CanonicalJson(R"({"s":"t","a":{"y":null,"z":1},"b":[{"name":"x"},2]})"));
}

}  // namespace
}  // namespace perimeter_testing
