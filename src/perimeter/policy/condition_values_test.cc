#include "perimeter/policy/condition_values.h"

#include <optional>
#include <string>

#include "gtest/gtest.h"

namespace perimeter::policy {
namespace {

struct NumberCase {
  std::string a;
  std::string b;
  int expected;  // sign of a <=> b; 2 when `a` is not a number
};

class NumberTest : public testing::TestWithParam<NumberCase> {};

TEST_P(NumberTest, ParsesAndCompares) {
  const NumberCase& c = GetParam();
  std::optional<DecimalNumber> a = ParseNumber(c.a);
  if (c.expected == 2) {
    EXPECT_FALSE(a.has_value()) << c.a;
    return;
  }
  std::optional<DecimalNumber> b = ParseNumber(c.b);
  ASSERT_TRUE(a.has_value()) << c.a;
  ASSERT_TRUE(b.has_value()) << c.b;
  std::strong_ordering order = CompareNumbers(*a, *b);
  int sign = order < 0 ? -1 : (order > 0 ? 1 : 0);
  EXPECT_EQ(sign, c.expected) << c.a << " <=> " << c.b;
}

INSTANTIATE_TEST_SUITE_P(
    Table, NumberTest,
    testing::Values(
        NumberCase{"10", "10.0", 0}, NumberCase{"+010", "10", 0}, NumberCase{"-0", "0", 0},
        NumberCase{"-0.0", "0.000", 0}, NumberCase{".5", "0.5", 0}, NumberCase{"5.", "5", 0},
        NumberCase{"9", "10", -1}, NumberCase{"10", "9.999", 1}, NumberCase{"-10", "-9", -1},
        NumberCase{"-1.25", "-1.3", 1}, NumberCase{"0.1", "0.09", 1}, NumberCase{"-1", "1", -1},
        NumberCase{"123456789012345678901234567890", "123456789012345678901234567891", -1},
        NumberCase{"1e3", "", 2}, NumberCase{"0x10", "", 2}, NumberCase{"", "", 2},
        NumberCase{"-", "", 2}, NumberCase{".", "", 2}, NumberCase{" 1", "", 2},
        NumberCase{"1 ", "", 2}, NumberCase{"NaN", "", 2}, NumberCase{"Infinity", "", 2},
        NumberCase{"1.2.3", "", 2}, NumberCase{"--1", "", 2}));

struct DateCase {
  std::string text;
  std::optional<int64_t> seconds;  // nullopt: rejected
  int32_t nanos = 0;
};

class DateTest : public testing::TestWithParam<DateCase> {};

TEST_P(DateTest, Parses) {
  const DateCase& c = GetParam();
  std::optional<Timestamp> parsed = ParseDate(c.text);
  ASSERT_EQ(parsed.has_value(), c.seconds.has_value()) << c.text;
  if (parsed) {
    EXPECT_EQ(parsed->seconds, *c.seconds) << c.text;
    EXPECT_EQ(parsed->nanos, c.nanos) << c.text;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, DateTest,
    testing::Values(
        DateCase{"2020-01-01", 1577836800}, DateCase{"2020-01-01T00:00:00Z", 1577836800},
        DateCase{"2020-01-01T00:00Z", 1577836800}, DateCase{"2020-01-01t00:00:00z", 1577836800},
        DateCase{"2020-01-01T00:00:00", 1577836800},  // no TZD: UTC
        DateCase{"2020-01", 1577836800}, DateCase{"2020-01-01T01:00:00+01:00", 1577836800},
        DateCase{"2019-12-31T19:00:00-05:00", 1577836800},
        DateCase{"2020-01-01T00:00:00.5Z", 1577836800, 500000000},
        DateCase{"2020-01-01T00:00:00.123456789123Z", 1577836800, 123456789},
        DateCase{"1970-01-01T00:00:00Z", 0}, DateCase{"1969-12-31T23:59:59Z", -1},
        DateCase{"2020-02-29", 1582934400}, DateCase{"2020-01-01T24:00:00Z", 1577923200},
        DateCase{"1577836800", 1577836800}, DateCase{"1577836800.25", 1577836800, 250000000},
        DateCase{"-1.5", -2, 500000000}, DateCase{"0", 0}, DateCase{"2019-02-29", std::nullopt},
        DateCase{"2020-13-01", std::nullopt}, DateCase{"2020-00-01", std::nullopt},
        DateCase{"2020-01-32", std::nullopt}, DateCase{"2020-01-01T25:00:00Z", std::nullopt},
        DateCase{"2020-01-01T24:00:01Z", std::nullopt},
        DateCase{"2020-01-01T00:60:00Z", std::nullopt},
        DateCase{"2020-01-01T00:00:00+0100", std::nullopt},
        DateCase{"2020-01-01T00:00:00Zjunk", std::nullopt}, DateCase{"2020-1-1", std::nullopt},
        DateCase{"2020-01-01 00:00:00", std::nullopt},
        DateCase{"2020-01-01T00:00:00.Z", std::nullopt}, DateCase{"", std::nullopt},
        DateCase{"yesterday", std::nullopt}, DateCase{"1.", std::nullopt},
        DateCase{"1234567890123456", std::nullopt}));

TEST(BoolTest, CaseInsensitiveTrueFalse) {
  EXPECT_EQ(ParseBool("true"), true);
  EXPECT_EQ(ParseBool("FALSE"), false);
  EXPECT_EQ(ParseBool("True"), true);
  EXPECT_FALSE(ParseBool("1").has_value());
  EXPECT_FALSE(ParseBool("yes").has_value());
  EXPECT_FALSE(ParseBool(" true").has_value());
  EXPECT_FALSE(ParseBool("").has_value());
}

struct CidrCase {
  std::string cidr;
  std::string address;
  std::optional<bool> expected;  // nullopt: the CIDR or the address is rejected
};

class CidrTest : public testing::TestWithParam<CidrCase> {};

TEST_P(CidrTest, Contains) {
  const CidrCase& c = GetParam();
  std::optional<Cidr> cidr = ParseCidr(c.cidr);
  std::optional<IpAddress> address = ParseIpAddress(c.address);
  if (!c.expected) {
    EXPECT_TRUE(!cidr || !address) << c.cidr << " " << c.address;
    return;
  }
  ASSERT_TRUE(cidr.has_value()) << c.cidr;
  ASSERT_TRUE(address.has_value()) << c.address;
  EXPECT_EQ(cidr->Contains(*address), *c.expected) << c.cidr << " " << c.address;
}

INSTANTIATE_TEST_SUITE_P(
    Table, CidrTest,
    testing::Values(
        CidrCase{"203.0.113.0/24", "203.0.113.255", true},
        CidrCase{"203.0.113.0/24", "203.0.112.1", false},
        CidrCase{"203.0.113.7", "203.0.113.7", true}, CidrCase{"203.0.113.7", "203.0.113.8", false},
        CidrCase{"10.1.2.3/8", "10.200.0.1", true},  // host bits ignored
        CidrCase{"0.0.0.0/0", "255.255.255.255", true}, CidrCase{"10.0.0.0/9", "10.128.0.0", false},
        CidrCase{"2001:DB8:1234:5678::/64", "2001:db8:1234:5678:ffff::1", true},
        CidrCase{"2001:db8::/32", "2001:db9::", false}, CidrCase{"::1", "::1", true},
        CidrCase{"::1", "::2", false}, CidrCase{"::/0", "1:2:3:4:5:6:7:8", true},
        CidrCase{"::/0", "1.2.3.4", false}, CidrCase{"10.0.0.0/8", "::ffff:10.0.0.1", true},
        CidrCase{"10.0.0.0/8", "::ffff:11.0.0.1", false},
        CidrCase{"10.0.0.0/8", "2001:db8::1", false}, CidrCase{"::ffff:0:0/96", "1.2.3.4", true},
        CidrCase{"1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304", true},
        CidrCase{"10.0.0.0/33", "10.0.0.1", std::nullopt},
        CidrCase{"10.0.0.0/", "10.0.0.1", std::nullopt},
        CidrCase{"10.0.0.0/08", "10.0.0.1", std::nullopt},
        CidrCase{"256.0.0.0", "10.0.0.1", std::nullopt},
        CidrCase{"010.0.0.0/8", "10.0.0.1", std::nullopt},
        CidrCase{"10.0.0/8", "10.0.0.1", std::nullopt}, CidrCase{"::/129", "::", std::nullopt},
        CidrCase{"1::2::3", "::", std::nullopt}, CidrCase{"1:2:3:4:5:6:7:8:9", "::", std::nullopt},
        CidrCase{"12345::", "::", std::nullopt}, CidrCase{"::", "fe80::1%eth0", std::nullopt},
        CidrCase{"1:2:3:4:5:6:7::", "1:2:3:4:5:6:7:0", true}, CidrCase{"::", "", std::nullopt}));

TEST(Base64Test, DecodesStandardAlphabet) {
  EXPECT_EQ(DecodeBase64("QmluYXJ5VmFsdWVJbkJhc2U2NA=="), "BinaryValueInBase64");
  EXPECT_EQ(DecodeBase64("QmluYXJ5VmFsdWVJbkJhc2U2NA"), "BinaryValueInBase64");
  EXPECT_EQ(DecodeBase64(""), "");
  EXPECT_EQ(DecodeBase64("AA=="), std::string(1, '\0'));
  EXPECT_EQ(DecodeBase64("+/8="), std::string("\xfb\xff"));
  EXPECT_FALSE(DecodeBase64("A").has_value());
  EXPECT_FALSE(DecodeBase64("AB=").has_value());    // wrong padding
  EXPECT_FALSE(DecodeBase64("AB==x").has_value());  // data after padding
  EXPECT_FALSE(DecodeBase64("AR==").has_value());   // non-zero leftover bits
  EXPECT_FALSE(DecodeBase64("-_8=").has_value());   // URL-safe alphabet
  EXPECT_FALSE(DecodeBase64("QU JD").has_value());
}

}  // namespace
}  // namespace perimeter::policy
