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

class ObjectReaderTest : public testing::TestWithParam<ReaderCase> {};

// A small format: {"name": string (required), "enabled": bool, "note": anything (ignored)}.
TEST_P(ObjectReaderTest, ReportsPositionedIssues) {
  const ReaderCase& c = GetParam();
  ParseResult parsed = Parse(c.input);
  ASSERT_TRUE(parsed.ok()) << parsed.issues[0].message;
  std::vector<base::Issue> issues;
  ObjectReader reader(parsed.document.root(), "rule", "rule", issues);
  std::optional<std::string_view> name = reader.RequiredString("name");
  std::optional<bool> enabled = reader.OptionalBool("enabled");
  reader.Ignore("note");
  bool ok = reader.Finish("name, enabled");
  std::vector<std::string> got;
  for (const base::Issue& issue : issues) {
    got.push_back(base::Concat(issue.code, " ", issue.position.line, ":", issue.position.column,
                               " ", issue.message));
  }
  EXPECT_EQ(got, c.issues);
  EXPECT_EQ(ok, c.issues.empty());
  if (c.issues.empty()) {
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

}  // namespace
}  // namespace perimeter::json
