#include "perimeter/policy/arn.h"

#include <string>

#include "gtest/gtest.h"

namespace perimeter::policy {
namespace {

struct ArnCase {
  std::string pattern;
  std::string arn;
  bool expected;
};

class ArnMatchesTest : public testing::TestWithParam<ArnCase> {};

TEST_P(ArnMatchesTest, Matches) {
  const ArnCase& c = GetParam();
  EXPECT_EQ(ArnMatches(WildcardPattern::FromGlob(c.pattern), c.arn), c.expected)
      << c.pattern << " vs " << c.arn;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ArnMatchesTest,
    testing::Values(
        ArnCase{"arn:aws:s3:::bucket", "arn:aws:s3:::bucket", true},
        ArnCase{"arn:aws:s3:::bucket", "arn:aws:s3:::Bucket", false},  // case-sensitive
        ArnCase{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c",
                true},  // '*' spans ':' in resource
        ArnCase{"arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role/Admin", true},
        ArnCase{"arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:user/Bob", false},
        // The IAM User Guide's own example: '*' in the region does not swallow later components.
        ArnCase{"arn:aws:someservice:*:111122223333:finance/*",
                "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/"
                "document.txt",
                false},
        ArnCase{"arn:aws:ec2:us-*-1:*:instance/i-?????", "arn:aws:ec2:us-east-1:1:instance/i-abcde",
                true},
        ArnCase{"arn:aws:ec2:us-*-1:*:instance/i-?????",
                "arn:aws:ec2:us-east-1:1:instance/i-abcdef", false},
        ArnCase{"arn:aw*:ec?:*:*:*", "arn:aws-cn:ec2:cn-north-1:1:x", true},
        ArnCase{"*", "arn:aws:s3:::bucket", true}, ArnCase{"*", "not-an-arn", true},
        ArnCase{"arn:aws:s3:::*", "not-an-arn", false},
        ArnCase{"arn:aws:s3:::*", "arn:aws:s3::", false},
        ArnCase{"arn:*:*:*:*:*", "arn:aws:s3:::", true},
        ArnCase{"arn:*:*:*:*:?", "arn:aws:s3:::", false}));

TEST(ArnPatternTest, CompiledMatchesLikeArnMatches) {
  ArnPattern pattern =
      ArnPattern::Compile(WildcardPattern::FromGlob("arn:aws:sns:*:123456789012:topic"));
  EXPECT_TRUE(pattern.is_arn());
  EXPECT_TRUE(pattern.Matches("arn:aws:sns:eu-west-1:123456789012:topic"));
  EXPECT_FALSE(pattern.Matches("arn:aws:sns:eu-west-1:123456789013:topic"));
  EXPECT_FALSE(ArnPattern::Compile(WildcardPattern::FromGlob("*")).is_arn());
}

}  // namespace
}  // namespace perimeter::policy
