#include "perimeter/json/document.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace perimeter::json {
namespace {

TEST(JsonDocumentTest, ParsesNestedValuesWithPositions) {
  ParseResult result =
      Parse("{\n  \"a\": [1, \"x\\ny\", true, null],\n  \"b\": {\"c\": -2.5e3}\n}");
  ASSERT_TRUE(result.ok()) << result.issues[0].message;
  Value root = result.document.root();
  ASSERT_TRUE(root.is_object());
  EXPECT_EQ(root.size(), 2u);
  std::optional<Value> a = root.Find("a");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->key_position().line, 2u);
  EXPECT_EQ(a->key_position().column, 3u);
  EXPECT_EQ(a->position().column, 8u);
  std::vector<Value> items(a->children().begin(), a->children().end());
  ASSERT_EQ(items.size(), 4u);
  EXPECT_EQ(items[0].text(), "1");
  EXPECT_EQ(items[1].text(), "x\ny");
  EXPECT_TRUE(items[2].boolean());
  EXPECT_TRUE(items[3].is_null());
  std::optional<Value> c = root.Find("b")->Find("c");
  ASSERT_TRUE(c.has_value());
  EXPECT_TRUE(c->is_number());
  EXPECT_EQ(c->text(), "-2.5e3");
  EXPECT_EQ(c->position().line, 3u);
  EXPECT_EQ(root.Find("b")->source_text(), "{\"c\": -2.5e3}");
}

TEST(JsonDocumentTest, DecodesEscapesAndSurrogatePairs) {
  ParseResult result = Parse(R"(["\u00e9\ud83d\ude00\/\"\\"])");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ((*result.document.root().children().begin()).text(), "\xC3\xA9\xF0\x9F\x98\x80/\"\\");
}

struct BadCase {
  std::string name;
  std::string input;
  std::string code;
  uint32_t line;
  uint32_t column;
};

class JsonBadInputTest : public testing::TestWithParam<BadCase> {};

TEST_P(JsonBadInputTest, ReportsPositionedError) {
  const BadCase& c = GetParam();
  ParseResult result = Parse(c.input, ParseOptions{.max_depth = 4, .max_bytes = 1000});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.issues[0].code, c.code) << result.issues[0].message;
  EXPECT_EQ(result.issues[0].position.line, c.line);
  EXPECT_EQ(result.issues[0].position.column, c.column);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JsonBadInputTest,
    testing::Values(BadCase{"empty", "  ", "json.empty", 1, 3},
                    BadCase{"trailing", "{} x", "json.trailing", 1, 4},
                    BadCase{"duplicate", "{\"a\": 1,\n \"a\": 2}", "json.duplicate-key", 2, 2},
                    BadCase{"unterminated", "[\"abc", "json.unterminated-string", 1, 2},
                    BadCase{"control", "[\"a\tb\"]", "json.control-character", 1, 4},
                    BadCase{"escape", R"(["\x"])", "json.invalid-escape", 1, 3},
                    BadCase{"surrogate", R"(["\ud800"])", "json.invalid-escape", 1, 3},
                    BadCase{"utf8", "[\"\xC0\xAF\"]", "json.invalid-utf8", 1, 3},
                    BadCase{"leading_zero", "[01]", "json.invalid-number", 1, 3},
                    BadCase{"deep", "[[[[[1]]]]]", "json.too-deep", 1, 5},
                    BadCase{"missing_colon", "{\"a\" 1}", "json.unexpected-character", 1, 6},
                    BadCase{"single_quote", "{'a': 1}", "json.unexpected-character", 1, 2},
                    BadCase{"trailing_comma", "[1,]", "json.unexpected-character", 1, 4},
                    BadCase{"too_large", std::string(1001, ' '), "json.too-large", 1, 1}),
    [](const testing::TestParamInfo<BadCase>& info) { return info.param.name; });

TEST(JsonDocumentTest, QuoteEscapesControlCharacters) {
  EXPECT_EQ(Quote("a\"b\\c\n\x01"), "\"a\\\"b\\\\c\\n\\u0001\"");
}

}  // namespace
}  // namespace perimeter::json
