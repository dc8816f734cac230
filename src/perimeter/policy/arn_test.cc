#include "perimeter/policy/arn.h"

#include <string>

#include "gtest/gtest.h"

namespace perimeter::policy {
namespace {

TEST(ParseArnTest, SplitsSixComponents) {
  std::optional<Arn> arn = ParseArn("arn:aws:s3:::bucket/key:with:colons");
  ASSERT_TRUE(arn.has_value());
  EXPECT_EQ(arn->partition, "aws");
  EXPECT_EQ(arn->service, "s3");
  EXPECT_EQ(arn->region, "");
  EXPECT_EQ(arn->account, "");
  EXPECT_EQ(arn->resource, "bucket/key:with:colons");
  EXPECT_FALSE(ParseArn("arn:aws:s3::bucket").has_value());
  EXPECT_FALSE(ParseArn("urn:aws:s3:::bucket").has_value());
  EXPECT_FALSE(ParseArn("").has_value());
  EXPECT_TRUE(ParseArn("arn:aws:iam::123456789012:").has_value());
}

struct ArnCase {
  std::string pattern;
  std::string arn;
  bool expected;
};

class ArnMatchesTest : public testing::TestWithParam<ArnCase> {};

TEST_P(ArnMatchesTest, Matches) {
  const ArnCase& c = GetParam();
  EXPECT_EQ(ArnMatches(WildcardPattern::FromGlob(c.pattern), c.arn), c.expected) << c.pattern << " vs " << c.arn;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ArnMatchesTest,
    testing::Values(
        ArnCase{"arn:aws:s3:::bucket", "arn:aws:s3:::bucket", true},
        ArnCase{"arn:aws:s3:::bucket", "arn:aws:s3:::Bucket", false},  // case-sensitive
        ArnCase{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b:c", true},  // '*' spans ':' in resource
        ArnCase{"arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role/Admin", true},
        ArnCase{"arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:user/Bob", false},
        // The IAM User Guide's own example: '*' in the region does not swallow later components.
        ArnCase{"arn:aws:someservice:*:111122223333:finance/*",
                "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt", false},
        ArnCase{"arn:aws:ec2:us-*-1:*:instance/i-?????", "arn:aws:ec2:us-east-1:1:instance/i-abcde", true},
        ArnCase{"arn:aws:ec2:us-*-1:*:instance/i-?????", "arn:aws:ec2:us-east-1:1:instance/i-abcdef", false},
        ArnCase{"arn:aw*:ec?:*:*:*", "arn:aws-cn:ec2:cn-north-1:1:x", true},
        ArnCase{"*", "arn:aws:s3:::bucket", true}, ArnCase{"*", "not-an-arn", true},
        ArnCase{"arn:aws:s3:::*", "not-an-arn", false}, ArnCase{"arn:aws:s3:::*", "arn:aws:s3::", false},
        ArnCase{"arn:*:*:*:*:*", "arn:aws:s3:::", true}, ArnCase{"arn:*:*:*:*:?", "arn:aws:s3:::", false}));

TEST(ArnPatternTest, CompiledMatchesLikeArnMatches) {
  ArnPattern pattern = ArnPattern::Compile(WildcardPattern::FromGlob("arn:aws:sns:*:123456789012:topic"));
  EXPECT_TRUE(pattern.is_arn());
  EXPECT_TRUE(pattern.Matches("arn:aws:sns:eu-west-1:123456789012:topic"));
  EXPECT_FALSE(pattern.Matches("arn:aws:sns:eu-west-1:123456789013:topic"));
  EXPECT_FALSE(ArnPattern::Compile(WildcardPattern::FromGlob("*")).is_arn());
}

TEST(PrincipalAccountTest, AccountIdsAndArns) {
  EXPECT_EQ(PrincipalAccount("123456789012"), "123456789012");
  EXPECT_EQ(PrincipalAccount("arn:aws:iam::123456789012:root"), "123456789012");
  EXPECT_EQ(PrincipalAccount("arn:aws:sts::123456789012:assumed-role/R/s"), "123456789012");
  EXPECT_FALSE(PrincipalAccount("*").has_value());
  EXPECT_FALSE(PrincipalAccount("s3.amazonaws.com").has_value());
  EXPECT_FALSE(PrincipalAccount("arn:aws:iam::*:root").has_value());
  EXPECT_FALSE(PrincipalAccount("12345678901").has_value());
}

TEST(IsAccountIdTest, TwelveDigits) {
  EXPECT_TRUE(IsAccountId("000000000000"));
  EXPECT_FALSE(IsAccountId("12345678901a"));
  EXPECT_FALSE(IsAccountId("1234567890123"));
  EXPECT_FALSE(IsAccountId(""));
}

}  // namespace
}  // namespace perimeter::policy
