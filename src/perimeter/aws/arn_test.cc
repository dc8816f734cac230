#include "perimeter/aws/arn.h"

#include <optional>
#include <string>
#include <string_view>

#include "gtest/gtest.h"

namespace perimeter::aws {
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

struct ComponentCase {
  std::string text;
  std::string account;  // AccountOfArn
  std::string region;   // RegionOfArn
};

class ArnComponentsTest : public testing::TestWithParam<ComponentCase> {};

TEST_P(ArnComponentsTest, AccountAndRegion) {
  const ComponentCase& c = GetParam();
  EXPECT_EQ(AccountOfArn(c.text), c.account) << c.text;
  EXPECT_EQ(RegionOfArn(c.text), c.region) << c.text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, ArnComponentsTest,
    testing::Values(ComponentCase{"arn:aws:sqs:eu-west-1:111122223333:q", "111122223333",
                                  "eu-west-1"},
                    ComponentCase{"arn:aws:iam::111122223333:role/R", "111122223333", ""},
                    ComponentCase{"arn:aws:s3:::bucket", "", ""},
                    ComponentCase{"arn:aws:lambda:us-east-1:111122223333:function:f:1",
                                  "111122223333", "us-east-1"},
                    ComponentCase{"arn:aws-cn:access-analyzer:cn-north-1:111122223333:analyzer/a",
                                  "111122223333", "cn-north-1"},
                    // Not ARNs: too few components, or no "arn:" prefix.
                    ComponentCase{"arn:aws:sqs:eu-west-1:111122223333", "", ""},
                    ComponentCase{"urn:aws:sqs:eu-west-1:111122223333:q", "", ""},
                    ComponentCase{"111122223333", "", ""}, ComponentCase{"", "", ""}));

TEST(PrincipalAccountTest, AccountIdsAndArns) {
  EXPECT_EQ(PrincipalAccount("123456789012"), "123456789012");
  EXPECT_EQ(PrincipalAccount("arn:aws:iam::123456789012:root"), "123456789012");
  EXPECT_EQ(PrincipalAccount("arn:aws:sts::123456789012:assumed-role/R/s"), "123456789012");
  EXPECT_FALSE(PrincipalAccount("*").has_value());
  EXPECT_FALSE(PrincipalAccount("s3.amazonaws.com").has_value());
  EXPECT_FALSE(PrincipalAccount("arn:aws:iam::*:root").has_value());
  EXPECT_FALSE(PrincipalAccount("12345678901").has_value());
}

struct AccountIdCase {
  std::string text;
  bool expected;
};

class IsAccountIdTest : public testing::TestWithParam<AccountIdCase> {};

TEST_P(IsAccountIdTest, TwelveDigits) {
  EXPECT_EQ(IsAccountId(GetParam().text), GetParam().expected) << GetParam().text;
}

INSTANTIATE_TEST_SUITE_P(
    Table, IsAccountIdTest,
    testing::Values(AccountIdCase{"000000000000", true}, AccountIdCase{"111122223333", true},
                    AccountIdCase{"12345678901a", false}, AccountIdCase{"1234567890123", false},
                    AccountIdCase{"12345678901", false}, AccountIdCase{" 12345678901", false},
                    AccountIdCase{"", false}));

}  // namespace
}  // namespace perimeter::aws
