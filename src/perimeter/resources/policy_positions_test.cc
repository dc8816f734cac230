#include "perimeter/resources/policy_positions.h"

#include <string>

#include "gtest/gtest.h"
#include "perimeter/json/document.h"

namespace perimeter::resources {
namespace {

// A document holding one policy as a string member, on line 2 after 4 spaces: {"p":\n "<literal>"}.
struct StringCase {
  const char* name;
  std::string literal;      // the raw JSON string literal, quotes included
  uint32_t decoded_offset;  // a byte of the decoded value
  uint32_t raw_offset;      // where it is written, from the opening quote
};

class LocateInStringLiteralTest : public ::testing::TestWithParam<StringCase> {};

TEST_P(LocateInStringLiteralTest, MapsDecodedBytesToTheRawText) {
  const StringCase& c = GetParam();
  json::ParseResult parsed = json::Parse("{\"p\":\n    " + c.literal + "}");
  ASSERT_TRUE(parsed.ok());
  json::Value value = *parsed.document.root().Find("p");
  base::SourcePosition at =
      LocateInStringLiteral(value.source_text(), value.position(), c.decoded_offset);
  EXPECT_EQ(at.line, 2u);
  EXPECT_EQ(at.column, 5u + c.raw_offset);
  EXPECT_EQ(at.offset, value.position().offset + c.raw_offset);
}

INSTANTIATE_TEST_SUITE_P(Escapes, LocateInStringLiteralTest,
                         ::testing::Values(StringCase{"Plain", R"("abc{")", 3, 4},
                                           StringCase{"First", R"("{")", 0, 1},
                                           StringCase{"Quote", R"("a\"b{")", 3, 5},
                                           StringCase{"Slash", R"("\/\\{")", 2, 5},
                                           StringCase{"OneByteU", R"("\u0041{")", 1, 7},
                                           StringCase{"TwoByteU", R"("\u00e9{")", 2, 7},
                                           StringCase{"ThreeByteU", R"("\u20ac{")", 3, 7},
                                           StringCase{"SurrogatePair", R"("\ud83d\ude00{")", 4, 13},
                                           StringCase{"RawUtf8", "\"\xc3\xa9{\"", 2, 3},
                                           StringCase{"PastTheEnd", R"("ab")", 9, 3}),
                         [](const ::testing::TestParamInfo<StringCase>& info) {
                           return info.param.name;
                         });

TEST(PolicyStatementPositions, StringAndObjectPolicies) {
  const std::string text =
      "{\"s\": \"{\\\"Statement\\\":[{\\\"Sid\\\":\\\"\\u00e9\\\"}, {\\\"Sid\\\":\\\"B\\\"}]}\",\n"
      " \"o\": {\"Statement\": [{\"Sid\": \"A\"},\n   {\"Sid\": \"B\"}]},\n"
      " \"one\": \"{\\\"Statement\\\":{}}\", \"encoded\": "
      "\"%7B%22Statement%22%3A%5B%7B%7D%2C%7B%22Sid%22%3A%22B%22%7D%5D%7D\"}";
  json::ParseResult parsed = json::Parse(text);
  ASSERT_TRUE(parsed.ok()) << parsed.issues.front().message;
  const json::Value root = parsed.document.root();

  std::vector<base::SourcePosition> in_string = PolicyStatementPositions(*root.Find("s"));
  ASSERT_EQ(in_string.size(), 2u);
  EXPECT_EQ(in_string[0].offset, text.find("{\\\"Sid\\\":\\\"\\u00e9"));
  EXPECT_EQ(in_string[1].offset, text.find("{\\\"Sid\\\":\\\"B"));
  EXPECT_EQ(in_string[1].line, 1u);
  EXPECT_EQ(in_string[1].column, in_string[1].offset + 1);

  std::vector<base::SourcePosition> in_object = PolicyStatementPositions(*root.Find("o"));
  ASSERT_EQ(in_object.size(), 2u);
  EXPECT_EQ(in_object[1].offset, text.find("{\"Sid\": \"B\"}"));
  EXPECT_EQ(in_object[1].line, 3u);
  EXPECT_EQ(in_object[1].column, 4u);

  EXPECT_EQ(PolicyStatementPositions(*root.Find("one")).size(), 1u);
  // URL-encoded (IAM's API): each element's "%7B", through the percent-encoding.
  std::vector<base::SourcePosition> encoded = PolicyStatementPositions(*root.Find("encoded"));
  ASSERT_EQ(encoded.size(), 2u);
  EXPECT_EQ(encoded[0].offset, text.find("%7B%7D"));
  EXPECT_EQ(encoded[1].offset, text.find("%7B%22Sid"));
}

TEST(PercentDecode, DecodesAndRemembersWhereEachByteWas) {
  std::optional<PercentDecoded> decoded = PercentDecode("a%7Bb+%20");
  ASSERT_TRUE(decoded.has_value());
  EXPECT_EQ(decoded->text, "a{b+ ");
  EXPECT_EQ(decoded->raw_offsets, (std::vector<uint32_t>{0, 1, 4, 5, 6}));
  EXPECT_FALSE(PercentDecode("%7").has_value());
  EXPECT_FALSE(PercentDecode("%zz").has_value());
}

}  // namespace
}  // namespace perimeter::resources
