#include "perimeter/reasoning/arn_prefix_map.h"

#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/policy/arn.h"

namespace perimeter::reasoning {
namespace {

using policy::WildcardPattern;

const ArnPrefixMap kObjectsThroughAccessPoint{
    "arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/", "arn:aws:s3:::bucket/"};

bool AnyMatches(const std::vector<WildcardPattern>& patterns, std::string_view text) {
  for (const WildcardPattern& pattern : patterns) {
    if (pattern.Matches(text)) return true;
  }
  return false;
}

TEST(ArnPrefixMapTest, MapsArnsThatStartWithThePrefix) {
  EXPECT_EQ(kObjectsThroughAccessPoint.Map(
                "arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/a/b.txt"),
            "arn:aws:s3:::bucket/a/b.txt");
  EXPECT_EQ(kObjectsThroughAccessPoint.Map("arn:aws:s3:::bucket/a"), std::nullopt);
}

TEST(ArnPrefixMapTest, PullsBackObjectPatterns) {
  auto pulled = PullBackArnPattern(WildcardPattern::FromGlob("arn:aws:s3:::bucket/home/*"),
                                   kObjectsThroughAccessPoint);
  const std::string point = kObjectsThroughAccessPoint.from_prefix;
  EXPECT_TRUE(AnyMatches(pulled, point + "home/x"));
  EXPECT_FALSE(AnyMatches(pulled, point + "other/x"));
  EXPECT_FALSE(AnyMatches(pulled, "arn:aws:s3:::bucket/home/x"));
}

TEST(ArnPrefixMapTest, WildcardsInTheFirstComponentsMustMatchThePrefix) {
  // Wildcards for the region and account match the bucket ARN's empty ones.
  EXPECT_TRUE(AnyMatches(RestsMatching(WildcardPattern::FromGlob("arn:aws:s3:*:*:bucket/*"),
                                       kObjectsThroughAccessPoint),
                         "k"));
  // "arn:aws:s3:::*" matches every bucket and object: every rest.
  auto all = RestsMatching(WildcardPattern::FromGlob("arn:aws:s3:::*"), kObjectsThroughAccessPoint);
  EXPECT_TRUE(AnyMatches(all, "")) << "the pattern's '*' also matches the empty rest";
  EXPECT_TRUE(AnyMatches(all, "a:b"));
  // A region given where the bucket ARN has none: nothing.
  EXPECT_TRUE(RestsMatching(WildcardPattern::FromGlob("arn:aws:s3:us-east-1::bucket/*"),
                            kObjectsThroughAccessPoint)
                  .empty());
  // Another bucket whose name the prefix extends: nothing.
  EXPECT_TRUE(
      RestsMatching(WildcardPattern::FromGlob("arn:aws:s3:::bucket2/*"), kObjectsThroughAccessPoint)
          .empty());
  // The bucket itself (no '/'): only when the rest is empty, which the object space never is.
  auto bucket =
      RestsMatching(WildcardPattern::FromGlob("arn:aws:s3:::bucket"), kObjectsThroughAccessPoint);
  EXPECT_FALSE(AnyMatches(bucket, "x"));
}

// Property: for random patterns and rests, the pulled-back patterns match from_prefix + rest
// exactly when the pattern matches to_prefix + rest as a Resource element does.
TEST(ArnPrefixMapTest, PullBackAgreesWithArnMatchingOnRandomPatterns) {
  std::mt19937 random(20261125);
  const std::vector<std::string> heads = {"arn:aws:s3:::",   "arn:aws:s3:::b", "arn:*:s3:::",
                                          "arn:aws:s3:*:*:", "arn:aws:s?:::",  "*",
                                          "arn:aws:*",       "arn:aws:s3::",   "",
                                          "arn:aws:s3:::bu"};
  const std::string alphabet = "bu/ck*?:ta";
  ArnPrefixMap map{"from/", "arn:aws:s3:::bu/"};
  auto random_text = [&](size_t max_length, const std::string& letters) {
    std::string text;
    size_t length = random() % (max_length + 1);
    for (size_t i = 0; i < length; ++i) text.push_back(letters[random() % letters.size()]);
    return text;
  };
  for (int round = 0; round < 3000; ++round) {
    std::string glob = heads[random() % heads.size()] + random_text(6, alphabet);
    WildcardPattern pattern = WildcardPattern::FromGlob(glob);
    std::vector<WildcardPattern> pulled = PullBackArnPattern(pattern, map);
    for (int probe = 0; probe < 20; ++probe) {
      std::string rest = random_text(5, "buckta/:x");
      bool expected = policy::ArnMatches(pattern, map.to_prefix + rest);
      EXPECT_EQ(AnyMatches(pulled, map.from_prefix + rest), expected)
          << glob << " with rest \"" << rest << "\"";
    }
  }
}

}  // namespace
}  // namespace perimeter::reasoning
