#include "perimeter/policy/wildcard.h"

#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace perimeter::policy {
namespace {

struct GlobCase {
  std::string pattern;
  std::string text;
  CaseMode mode;
  bool expected;
};

class GlobTest : public testing::TestWithParam<GlobCase> {};

TEST_P(GlobTest, Matches) {
  const GlobCase& c = GetParam();
  EXPECT_EQ(GlobMatches(c.pattern, c.text, c.mode), c.expected) << c.pattern << " vs " << c.text;
}

constexpr CaseMode kCs = CaseMode::kSensitive;
constexpr CaseMode kCi = CaseMode::kInsensitive;

INSTANTIATE_TEST_SUITE_P(
    Table, GlobTest,
    testing::Values(GlobCase{"", "", kCs, true}, GlobCase{"", "a", kCs, false},
                    GlobCase{"*", "", kCs, true}, GlobCase{"*", "anything", kCs, true},
                    GlobCase{"**", "x", kCs, true}, GlobCase{"?", "", kCs, false},
                    GlobCase{"?", "a", kCs, true}, GlobCase{"?", "ab", kCs, false},
                    GlobCase{"a*", "a", kCs, true}, GlobCase{"a*", "ba", kCs, false},
                    GlobCase{"*a", "ba", kCs, true}, GlobCase{"*a", "ab", kCs, false},
                    GlobCase{"a*b*c", "aXbYc", kCs, true}, GlobCase{"a*b*c", "abc", kCs, true},
                    GlobCase{"a*b*c", "acb", kCs, false},
                    GlobCase{"s3:Get*", "s3:GetObject", kCs, true},
                    GlobCase{"s3:Get*", "s3:getobject", kCs, false},
                    GlobCase{"s3:Get*", "s3:getobject", kCi, true},
                    GlobCase{"S3:*OBJECT", "s3:GetObject", kCi, true},
                    GlobCase{"a?c", "abc", kCs, true}, GlobCase{"a?c", "ac", kCs, false},
                    GlobCase{"*?", "", kCs, false}, GlobCase{"*?", "x", kCs, true},
                    GlobCase{"*ab*ab*", "xxabyyab", kCs, true}, GlobCase{"*aab", "aaab", kCs, true},
                    GlobCase{"\xc3\x89*", "\xc3\xa9t\xc3\xa9", kCi,
                             false},  // non-ASCII is not folded
                    GlobCase{"a*a*a*a*a*a*a*a*b", std::string(64, 'a'), kCs, false}));

TEST(WildcardPatternTest, NormalFormMergesLiteralsAndStars) {
  WildcardPattern p = WildcardPattern::FromGlob("ab***c");
  ASSERT_EQ(p.pieces().size(), 3u);
  EXPECT_EQ(p.pieces()[0].text, "ab");
  EXPECT_EQ(p.pieces()[1].kind, WildcardPattern::PieceKind::kAnySequence);
  WildcardPattern q;
  q.AppendLiteral("a");
  q.AppendLiteral("b");
  q.AppendGlob("*");
  q.Append(WildcardPattern::FromGlob("*c"));
  EXPECT_EQ(p, q);
  EXPECT_TRUE(WildcardPattern::FromGlob("***").matches_everything());
  EXPECT_FALSE(WildcardPattern::FromGlob("*?").matches_everything());
  EXPECT_FALSE(WildcardPattern().matches_everything());
}

TEST(WildcardPatternTest, LiteralPiecesKeepWildcardCharacters) {
  WildcardPattern p = WildcardPattern::FromLiteral("a*b?");
  EXPECT_TRUE(p.is_literal());
  EXPECT_EQ(p.literal(), "a*b?");
  EXPECT_TRUE(p.Matches("a*b?"));
  EXPECT_FALSE(p.Matches("aXbY"));
  EXPECT_EQ(p.ToString(), "a${*}b${?}");
  EXPECT_EQ(WildcardPattern::FromLiteral("x${y").ToString(), "x${$}{y");
  EXPECT_EQ(WildcardPattern::FromGlob("a*?b").ToString(), "a*?b");
  EXPECT_FALSE(WildcardPattern::FromGlob("a*").is_literal());
}

TEST(WildcardPatternTest, SplitsOnLiteralSeparatorsOnly) {
  WildcardPattern p;
  p.AppendGlob("arn:aws:s3:*:");
  p.AppendLiteral("1:2");
  p.AppendGlob(":res:ource*");
  std::vector<WildcardPattern> parts = p.Split(':', 6);
  ASSERT_EQ(parts.size(), 6u);
  EXPECT_EQ(parts[0].ToString(), "arn");
  EXPECT_EQ(parts[3].ToString(), "*");
  EXPECT_EQ(parts[4].ToString(), "1");
  EXPECT_EQ(parts[5].ToString(), "2:res:ource*");
  EXPECT_EQ(WildcardPattern::FromGlob("*").Split(':', 6).size(), 1u);
  EXPECT_EQ(WildcardPattern::FromGlob("a:").Split(':', 6).size(), 2u);
}

// Reference matcher: the textbook dynamic programme over (pattern prefix, text prefix).
bool ReferenceMatch(const std::string& pattern, const std::string& text) {
  std::vector<std::vector<bool>> dp(pattern.size() + 1, std::vector<bool>(text.size() + 1, false));
  dp[0][0] = true;
  for (size_t i = 1; i <= pattern.size(); ++i) {
    char p = pattern[i - 1];
    for (size_t j = 0; j <= text.size(); ++j) {
      if (p == '*') {
        dp[i][j] = dp[i - 1][j] || (j > 0 && dp[i][j - 1]);
      } else if (j > 0) {
        dp[i][j] = dp[i - 1][j - 1] && (p == '?' || p == text[j - 1]);
      }
    }
  }
  return dp[pattern.size()][text.size()];
}

TEST(WildcardPatternTest, AgreesWithReferenceMatcherOnRandomInputs) {
  std::mt19937 random(20240601);  // fixed seed: reproducible
  const std::string pattern_alphabet = "ab*?";
  const std::string text_alphabet = "ab";
  for (int round = 0; round < 20000; ++round) {
    std::string pattern, text;
    size_t pattern_length = random() % 9;
    size_t text_length = random() % 11;
    for (size_t i = 0; i < pattern_length; ++i) pattern.push_back(pattern_alphabet[random() % 4]);
    for (size_t i = 0; i < text_length; ++i) text.push_back(text_alphabet[random() % 2]);
    ASSERT_EQ(GlobMatches(pattern, text), ReferenceMatch(pattern, text))
        << pattern << " vs " << text;
  }
}

TEST(WildcardPatternTest, PathologicalPatternIsFast) {
  std::string pattern;
  for (int i = 0; i < 200; ++i) pattern += "a*";
  pattern += "b";
  std::string text(5000, 'a');
  EXPECT_FALSE(GlobMatches(pattern, text));  // quadratic at worst: finishes in well under a second
}

}  // namespace
}  // namespace perimeter::policy
