#include "perimeter/reasoning/string_partition.h"

#include <random>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace perimeter::reasoning {
namespace {

using policy::CaseMode;
using policy::WildcardPattern;

StringPattern Glob(std::string_view text, CaseMode mode = CaseMode::kSensitive) {
  return StringPattern{WildcardPattern::FromGlob(text), StringPattern::Syntax::kGlob, mode};
}
StringPattern Literal(std::string_view text, CaseMode mode = CaseMode::kSensitive) {
  return StringPattern{WildcardPattern::FromLiteral(text), StringPattern::Syntax::kGlob, mode};
}
StringPattern ArnPattern(std::string_view text) {
  return StringPattern{WildcardPattern::FromGlob(text), StringPattern::Syntax::kArn,
                       CaseMode::kSensitive};
}

std::set<std::vector<bool>> Signatures(const std::vector<StringRegion>& regions) {
  std::set<std::vector<bool>> out;
  for (const StringRegion& region : regions) out.insert(region.matches);
  return out;
}

TEST(StringPartitionTest, LiteralsGiveOneRegionEachPlusTheRest) {
  auto regions = PartitionStrings({Literal("vpce-1"), Literal("vpce-2")}, {});
  ASSERT_TRUE(regions.ok()) << regions.status();
  EXPECT_EQ(Signatures(*regions),
            (std::set<std::vector<bool>>{{false, false}, {true, false}, {false, true}}));
  for (const StringRegion& region : *regions) EXPECT_FALSE(region.representative.empty());
}

TEST(StringPartitionTest, OverlappingGlobsGiveEveryNonEmptyIntersection) {
  auto regions = PartitionStrings({Glob("a*"), Glob("*b"), Literal("ab")}, {});
  ASSERT_TRUE(regions.ok());
  // a*: yes/no, *b: yes/no, "ab" only inside both.
  EXPECT_EQ(Signatures(*regions), (std::set<std::vector<bool>>{{false, false, false},
                                                               {true, false, false},
                                                               {false, true, false},
                                                               {true, true, false},
                                                               {true, true, true}}));
}

TEST(StringPartitionTest, CaseInsensitivePatternsSeeCaseVariants) {
  auto regions = PartitionStrings({Literal("Admin"), Literal("admin", CaseMode::kInsensitive)}, {});
  ASSERT_TRUE(regions.ok());
  // "Admin" matches both; "admin" (or "ADMIN") only the insensitive one.
  EXPECT_EQ(Signatures(*regions),
            (std::set<std::vector<bool>>{{false, false}, {false, true}, {true, true}}));
}

TEST(StringPartitionTest, DomainRestrictsTheRegions) {
  // Requests to a bucket name the bucket or one of its objects.
  std::vector<StringPattern> domain = {Literal("arn:aws:s3:::b"), Glob("arn:aws:s3:::b/*")};
  auto regions = PartitionStrings(
      {ArnPattern("arn:aws:s3:::b/public/*"), ArnPattern("arn:aws:s3:::b")}, domain);
  ASSERT_TRUE(regions.ok());
  EXPECT_EQ(Signatures(*regions),
            (std::set<std::vector<bool>>{{false, false}, {true, false}, {false, true}}));
  for (const StringRegion& region : *regions) {
    EXPECT_EQ(region.representative.rfind("arn:aws:s3:::b", 0), 0u) << region.representative;
  }
}

TEST(StringPartitionTest, ArnWildcardsDoNotCrossComponents) {
  // "arn:aws:iam::*:root" cannot match an ARN whose account component contains ':'.
  auto regions =
      PartitionStrings({ArnPattern("arn:aws:iam::*:root"), Glob("arn:aws:iam::*:root")}, {});
  ASSERT_TRUE(regions.ok());
  for (const StringRegion& region : *regions) {
    if (region.matches[0]) {
      EXPECT_TRUE(region.matches[1]) << region.representative;
    }
  }
  EXPECT_TRUE(Signatures(*regions).contains({false, true}));  // e.g. "arn:aws:iam:::x:root"
}

TEST(StringPartitionTest, BudgetExhaustionIsAnErrorNotAWrongAnswer) {
  std::vector<StringPattern> patterns;
  for (int i = 0; i < 12; ++i)
    patterns.push_back(Glob("*a?" + std::string(static_cast<size_t>(i), '?') + "b*"));
  auto regions = PartitionStrings(patterns, {}, StringPartitionOptions{.state_budget = 100});
  EXPECT_FALSE(regions.ok());
  EXPECT_EQ(regions.status().code(), absl::StatusCode::kResourceExhausted);
}

// Property: for random small glob patterns over {a, b, *, ?}, every random string's signature is
// the signature of some region (the partition misses no region), and regions are distinct.
TEST(StringPartitionTest, PropertyEveryStringFallsInAFoundRegion) {
  std::mt19937 random(7);
  const std::string pattern_alphabet = "ab*?";
  const std::string text_alphabet = "abc";
  for (int round = 0; round < 200; ++round) {
    std::vector<StringPattern> patterns;
    int count = 1 + static_cast<int>(random() % 4);
    for (int p = 0; p < count; ++p) {
      std::string glob;
      int length = static_cast<int>(random() % 5);
      for (int i = 0; i < length; ++i)
        glob.push_back(pattern_alphabet[random() % pattern_alphabet.size()]);
      patterns.push_back(Glob(glob));
    }
    auto regions = PartitionStrings(patterns, {});
    ASSERT_TRUE(regions.ok()) << regions.status();
    std::set<std::vector<bool>> found = Signatures(*regions);
    EXPECT_EQ(found.size(), regions->size());
    for (int sample = 0; sample < 50; ++sample) {
      std::string text;
      int length = static_cast<int>(random() % 7);
      for (int i = 0; i < length; ++i)
        text.push_back(text_alphabet[random() % text_alphabet.size()]);
      std::vector<bool> signature;
      for (const StringPattern& pattern : patterns) signature.push_back(pattern.Matches(text));
      EXPECT_TRUE(found.contains(signature)) << "no region for \"" << text << "\"";
    }
  }
}

}  // namespace
}  // namespace perimeter::reasoning
