#include "perimeter/json/object_reader.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/base/text.h"

namespace perimeter::json {
namespace {

struct ReaderCase {
  std::string name;
  std::string input;
  // The issues, one "code line:column message" each; empty when the object is read cleanly.
  std::vector<std::string> issues;
};

// Each issue as "code line:column message".
std::vector<std::string> Lines(const std::vector<base::Issue>& issues) {
  std::vector<std::string> lines;
  for (const base::Issue& issue : issues) {
    lines.push_back(base::Concat(issue.code, " ", issue.position.line, ":", issue.position.column,
                                 " ", issue.message));
  }
  return lines;
}

// Parses the case's input; ExpectIssues compares what the reader reported with the case.
class ReaderCaseTest : public testing::TestWithParam<ReaderCase> {
 protected:
  void SetUp() override {
    parsed_ = Parse(GetParam().input);
    ASSERT_TRUE(parsed_.ok()) << parsed_.issues[0].message;
  }
  Value root() const { return parsed_.document.root(); }
  void ExpectIssues(bool finished_ok) {
    EXPECT_EQ(Lines(issues_), GetParam().issues);
    EXPECT_EQ(finished_ok, GetParam().issues.empty());
  }

  ParseResult parsed_;
  std::vector<base::Issue> issues_;
};

class ObjectReaderTest : public ReaderCaseTest {};

// A small format: {"name": string (required), "enabled": bool, "note": anything (ignored)}.
TEST_P(ObjectReaderTest, ReportsPositionedIssues) {
  ObjectReader reader(root(), "rule", "rule", issues_);
  std::optional<std::string_view> name = reader.RequiredString("name");
  std::optional<bool> enabled = reader.OptionalBool("enabled");
  reader.Ignore("note");
  ExpectIssues(reader.Finish("name, enabled"));
  if (GetParam().issues.empty()) {
    EXPECT_EQ(name, "r1");
    EXPECT_EQ(enabled, true);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ObjectReaderTest,
    testing::Values(
        ReaderCase{"clean", R"({"name": "r1", "enabled": true, "note": [1]})", {}},
        ReaderCase{
            "unknown",
            "{\"name\": \"r1\",\n \"enabeld\": true}",
            {"rule.unknown-member 2:2 unknown rule member 'enabeld'; expected name, enabled"}},
        ReaderCase{
            "missing", R"({"enabled": true})", {"rule.missing-member 1:1 a rule needs \"name\""}},
        ReaderCase{"wrong_types",
                   R"({"name": 1, "enabled": "yes"})",
                   {"rule.type 1:10 'name' must be a string, not number",
                    "rule.type 1:24 'enabled' must be true or false, not string"}},
        ReaderCase{"unknown_then_missing",
                   R"({"x": 1})",
                   {"rule.unknown-member 1:2 unknown rule member 'x'; expected name, enabled",
                    "rule.missing-member 1:1 a rule needs \"name\""}},
        ReaderCase{
            "not_an_object", R"(["name"])", {"rule.type 1:1 a rule must be an object, not array"}}),
    [](const testing::TestParamInfo<ReaderCase>& info) { return info.param.name; });

class ShapedReaderTest : public ReaderCaseTest {};

// A format named with a vowel and given its members: {"ruleName": string, "filter": object,
// "tags": array}, the first two required.
TEST_P(ShapedReaderTest, NamesTheShapeInMessages) {
  ObjectReader reader(root(), "archive-rules", "archive rule", issues_, "ruleName and filter");
  std::optional<std::string_view> name = reader.RequiredString("ruleName");
  std::optional<Value> filter = reader.RequiredOfKind("filter", Kind::kObject);
  std::optional<Value> tags = reader.OptionalOfKind("tags", Kind::kArray);
  ExpectIssues(reader.Finish());
  if (GetParam().issues.empty()) {
    EXPECT_EQ(name, "r1");
    ASSERT_TRUE(filter.has_value());
    EXPECT_TRUE(filter->is_object());
    EXPECT_TRUE(tags.has_value());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ShapedReaderTest,
    testing::Values(
        ReaderCase{"clean", R"({"ruleName": "r1", "filter": {}, "tags": []})", {}},
        ReaderCase{"not_an_object",
                   "1",
                   {"archive-rules.type 1:1 an archive rule must be an object with ruleName and "
                    "filter, not number"}},
        ReaderCase{"unknown_uses_the_members",
                   R"({"ruleName": "r1", "filter": {}, "rule": 1})",
                   {"archive-rules.unknown-member 1:34 unknown archive rule member 'rule'; "
                    "expected ruleName and filter"}},
        ReaderCase{"wrong_kinds",
                   R"({"ruleName": "r1", "filter": [], "tags": {}})",
                   {"archive-rules.type 1:30 'filter' must be an object, not array",
                    "archive-rules.type 1:42 'tags' must be an array, not object"}},
        ReaderCase{"all_missing",
                   "{}",
                   {"archive-rules.missing-member 1:1 an archive rule needs \"ruleName\"",
                    "archive-rules.missing-member 1:1 an archive rule needs \"filter\""}}),
    [](const testing::TestParamInfo<ReaderCase>& info) { return info.param.name; });

TEST(ObjectReaderTest, ReportMissingReportsOnceAndAtOnce) {
  ParseResult parsed = Parse(R"({"x": 1})");
  ASSERT_TRUE(parsed.ok());
  std::vector<base::Issue> issues;
  ObjectReader reader(parsed.document.root(), "rule", "rule", issues);
  reader.Required("name");
  reader.ReportMissing();
  EXPECT_EQ(Lines(issues),
            std::vector<std::string>{"rule.missing-member 1:1 a rule needs \"name\""});
  EXPECT_FALSE(reader.Finish());
  EXPECT_EQ(Lines(issues),
            (std::vector<std::string>{"rule.missing-member 1:1 a rule needs \"name\"",
                                      "rule.unknown-member 1:2 unknown rule member 'x'"}));
}

}  // namespace
}  // namespace perimeter::json
