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

// A domain of literals (a resource's own ARNs) is partitioned by reading each literal's region,
// without the search over product states: the ARN patterns below (wildcards that stop at ':') need
// the search otherwise, and a budget of 5 states would not let it finish.
TEST(StringPartitionTest, LiteralDomainNeedsNoSearch) {
  std::vector<StringPattern> patterns = {ArnPattern("arn:aws:sqs:*:123456789012:q*"),
                                         ArnPattern("arn:aws:sqs:us-east-1:*:*"),
                                         ArnPattern("arn:aws:sqs:*:*:other")};
  std::vector<StringPattern> domain = {Literal("arn:aws:sqs:us-east-1:123456789012:queue2"),
                                       Literal("arn:aws:sqs:eu-west-1:123456789012:qb"),
                                       Literal("arn:aws:sqs:eu-west-1:123456789012:qa"),
                                       Literal("arn:aws:sqs:us-east-1:123456789012:q1")};
  auto regions = PartitionStrings(patterns, domain, StringPartitionOptions{.state_budget = 5});
  ASSERT_TRUE(regions.ok()) << regions.status();
  // In signature order; in each region the shortest literal, then the first in byte order.
  ASSERT_EQ(regions->size(), 2u);
  EXPECT_EQ((*regions)[0].matches, (std::vector<bool>{true, false, false}));
  EXPECT_EQ((*regions)[0].representative, "arn:aws:sqs:eu-west-1:123456789012:qa");
  EXPECT_EQ((*regions)[1].matches, (std::vector<bool>{true, true, false}));
  EXPECT_EQ((*regions)[1].representative, "arn:aws:sqs:us-east-1:123456789012:q1");
}

// Property: the shortcut for literal domains gives what the search gives. The search runs when one
// domain pattern is case-insensitive; over digits and ':' that adds no string to the domain.
TEST(StringPartitionTest, PropertyLiteralDomainAgreesWithTheSearch) {
  std::mt19937 random(11);
  const std::string pattern_alphabet = "01:*?";
  const std::string text_alphabet = "01:";
  for (int round = 0; round < 300; ++round) {
    std::vector<StringPattern> patterns;
    int count = 1 + static_cast<int>(random() % 4);
    for (int p = 0; p < count; ++p) {
      std::string glob;
      int length = static_cast<int>(random() % 6);
      for (int i = 0; i < length; ++i)
        glob.push_back(pattern_alphabet[random() % pattern_alphabet.size()]);
      patterns.push_back(random() % 2 == 0 ? Glob(glob) : ArnPattern(glob));
    }
    std::vector<StringPattern> literals;
    int literal_count = 1 + static_cast<int>(random() % 4);
    for (int l = 0; l < literal_count; ++l) {
      std::string text;
      int length = 1 + static_cast<int>(random() % 5);
      for (int i = 0; i < length; ++i)
        text.push_back(text_alphabet[random() % text_alphabet.size()]);
      literals.push_back(Literal(text));
    }
    auto shortcut = PartitionStrings(patterns, literals);
    std::vector<StringPattern> searched_domain = literals;
    searched_domain.push_back(Literal(literals[0].pattern.literal(), CaseMode::kInsensitive));
    auto searched = PartitionStrings(patterns, searched_domain);
    ASSERT_TRUE(shortcut.ok()) << shortcut.status();
    ASSERT_TRUE(searched.ok()) << searched.status();
    ASSERT_EQ(searched->size(), shortcut->size()) << "round " << round;
    for (size_t i = 0; i < searched->size(); ++i) {
      EXPECT_EQ((*searched)[i].matches, (*shortcut)[i].matches) << "round " << round;
      EXPECT_EQ((*searched)[i].representative, (*shortcut)[i].representative) << "round " << round;
    }
  }
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
