#include "perimeter/json/writer.h"

#include <limits>
#include <string>

#include "gtest/gtest.h"

namespace perimeter::json {
namespace {

void WriteSample(Writer& w) {
  w.BeginObject();
  w.Key("a").Int(1);
  w.Key("b").BeginArray().String("x").Bool(true).Null().EndArray();
  w.Key("empty_object").BeginObject().EndObject();
  w.Key("empty_array").BeginArray().EndArray();
  w.Key("c").BeginObject().Key("d").Double(0.5).EndObject();
  w.EndObject();
}

TEST(JsonWriterTest, WritesCompactText) {
  Writer w;
  WriteSample(w);
  EXPECT_EQ(w.text(),
            R"({"a":1,"b":["x",true,null],"empty_object":{},"empty_array":[],"c":{"d":0.5}})");
}

TEST(JsonWriterTest, PrettyPrintsOneMemberALine) {
  Writer w(WriterOptions{.indent = 2});
  WriteSample(w);
  EXPECT_EQ(w.text(),
            "{\n"
            "  \"a\": 1,\n"
            "  \"b\": [\n"
            "    \"x\",\n"
            "    true,\n"
            "    null\n"
            "  ],\n"
            "  \"empty_object\": {},\n"
            "  \"empty_array\": [],\n"
            "  \"c\": {\n"
            "    \"d\": 0.5\n"
            "  }\n"
            "}");
}

TEST(JsonWriterTest, TakePendingStreamsTheSameText) {
  Writer whole(WriterOptions{.indent = 2});
  WriteSample(whole);
  Writer pieces(WriterOptions{.indent = 2});
  std::string streamed;
  pieces.BeginObject().Key("a").Int(1).Key("b").BeginArray().String("x");
  streamed += pieces.TakePending();
  EXPECT_TRUE(pieces.text().empty());
  pieces.Bool(true).Null().EndArray();
  streamed += pieces.TakePending();
  pieces.Key("empty_object").BeginObject().EndObject();
  pieces.Key("empty_array").BeginArray().EndArray();
  pieces.Key("c").BeginObject().Key("d").Double(0.5).EndObject().EndObject();
  streamed += pieces.TakePending();
  EXPECT_EQ(streamed, whole.text());
}

TEST(JsonWriterTest, PrettyPrintedScalarsAndEmptyTopLevel) {
  Writer array(WriterOptions{.indent = 4});
  array.BeginArray().EndArray();
  EXPECT_EQ(array.text(), "[]");
  Writer scalar(WriterOptions{.indent = 2});
  scalar.String("s");
  EXPECT_EQ(scalar.text(), "\"s\"");
}

TEST(JsonWriterTest, CopiesParsedValuesCompactly) {
  ParseResult parsed =
      Parse("{ \"a\" : [1e3, \"x\\ny\", true, null, {}],\n \"b\": {\"c\": -0.5} }");
  ASSERT_TRUE(parsed.ok());
  Writer w;
  w.Copy(parsed.document.root());
  EXPECT_EQ(w.text(), R"({"a":[1e3,"x\ny",true,null,{}],"b":{"c":-0.5}})");
}

struct DoubleCase {
  double value;
  std::string text;
};

class JsonWriterDoubleTest : public testing::TestWithParam<DoubleCase> {};

TEST_P(JsonWriterDoubleTest, WritesShortestRoundTrip) {
  Writer w;
  w.Double(GetParam().value);
  EXPECT_EQ(w.text(), GetParam().text);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, JsonWriterDoubleTest,
    testing::Values(DoubleCase{0.0, "0.0"}, DoubleCase{2.0, "2.0"}, DoubleCase{0.25, "0.25"},
                    DoubleCase{-1.5, "-1.5"}, DoubleCase{1e300, "1e+300"},
                    DoubleCase{0.1 + 0.2, "0.30000000000000004"},
                    DoubleCase{std::numeric_limits<double>::quiet_NaN(), "null"},
                    DoubleCase{std::numeric_limits<double>::infinity(), "null"}));

struct Utf8Case {
  std::string name;
  std::string input;
  std::string quoted;
};

class JsonQuoteUtf8Test : public testing::TestWithParam<Utf8Case> {};

// Each maximal ill-formed subsequence becomes one U+FFFD (Unicode §3.9, D93b; the W3C/WHATWG
// "replacement" practice), so the output is valid UTF-8 and parses.
TEST_P(JsonQuoteUtf8Test, ReplacesInvalidUtf8) {
  const Utf8Case& c = GetParam();
  Writer writer;
  writer.String(c.input);
  std::string quoted = std::move(writer).Take();
  EXPECT_EQ(quoted, c.quoted);
  ParseResult parsed = Parse(quoted);
  ASSERT_TRUE(parsed.ok()) << parsed.issues[0].message;
  EXPECT_EQ(parsed.document.root().text(), c.quoted.substr(1, c.quoted.size() - 2));
}

#define FFFD "\xEF\xBF\xBD"
INSTANTIATE_TEST_SUITE_P(
    Cases, JsonQuoteUtf8Test,
    testing::Values(
        Utf8Case{"valid", "caf\xC3\xA9 \xF0\x9F\x98\x80", "\"caf\xC3\xA9 \xF0\x9F\x98\x80\""},
        Utf8Case{"lone_continuation", "a\x80z", "\"a" FFFD "z\""},
        Utf8Case{"overlong_two_bytes", "\xC0\xAF", "\"" FFFD FFFD "\""},
        Utf8Case{"overlong_three_bytes", "\xE0\x80\xAF", "\"" FFFD FFFD FFFD "\""},
        Utf8Case{"surrogate", "\xED\xA0\x80", "\"" FFFD FFFD FFFD "\""},
        Utf8Case{"above_max", "\xF4\x90\x80\x80", "\"" FFFD FFFD FFFD FFFD "\""},
        Utf8Case{"truncated_then_ascii", "\xE2\x82x", "\"" FFFD "x\""},
        Utf8Case{"truncated_at_end", "x\xF0\x9F\x98", "\"x" FFFD "\""},
        Utf8Case{"latin1_file_name", "r\xE9sum\xE9.json", "\"r" FFFD "sum" FFFD ".json\""},
        Utf8Case{"ff",
                 "\xFF\xFE"
                 "a",
                 "\"" FFFD FFFD "a\""}),
    [](const testing::TestParamInfo<Utf8Case>& info) { return info.param.name; });
#undef FFFD

// json::Quote keeps such bytes, so that a parse of what it builds reports them (ingest's input
// errors).
TEST(JsonQuoteTest, KeepsInvalidUtf8ForTheParserToReport) {
  EXPECT_EQ(Quote("a\xFF"), "\"a\xFF\"");
  ParseResult parsed = Parse(Quote("a\xFF"));
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.issues[0].code, "json.invalid-utf8");
}

}  // namespace
}  // namespace perimeter::json
