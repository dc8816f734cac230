#include "perimeter/aws/regions.h"

#include <algorithm>

#include "gtest/gtest.h"

namespace perimeter::aws {
namespace {

TEST(RegionsTest, TableComesFromThePinnedPackage) {
  EXPECT_TRUE(RegionDataVersion().starts_with("@aws-cdk/region-info "));
  std::span<const RegionInfo> regions = AllRegions();
  ASSERT_GT(regions.size(), 30u);
  EXPECT_TRUE(std::is_sorted(
      regions.begin(), regions.end(),
      [](const RegionInfo& a, const RegionInfo& b) { return std::string_view(a.name) < b.name; }));
}

struct RegionCase {
  const char* region;
  const char* partition;
  const char* domain_suffix;
  bool opt_in;
};

class KnownRegionTest : public testing::TestWithParam<RegionCase> {};

TEST_P(KnownRegionTest, Facts) {
  const RegionCase& c = GetParam();
  std::optional<RegionInfo> info = FindRegion(c.region);
  ASSERT_TRUE(info.has_value()) << c.region;
  EXPECT_STREQ(info->partition, c.partition);
  EXPECT_STREQ(info->domain_suffix, c.domain_suffix);
  EXPECT_EQ(info->opt_in, c.opt_in);
  EXPECT_EQ(PartitionOf(c.region), c.partition);
}

INSTANTIATE_TEST_SUITE_P(
    Regions, KnownRegionTest,
    testing::Values(RegionCase{"us-east-1", "aws", "amazonaws.com", false},
                    RegionCase{"eu-north-1", "aws", "amazonaws.com", false},
                    RegionCase{"af-south-1", "aws", "amazonaws.com", true},
                    RegionCase{"me-central-1", "aws", "amazonaws.com", true},
                    RegionCase{"cn-north-1", "aws-cn", "amazonaws.com.cn", false},
                    RegionCase{"us-gov-west-1", "aws-us-gov", "amazonaws.com", false}));

TEST(RegionsTest, UnknownRegionsGuessThePartitionFromTheName) {
  EXPECT_FALSE(FindRegion("xx-nowhere-9").has_value());
  EXPECT_EQ(PartitionOf("xx-nowhere-9"), "aws");
  EXPECT_EQ(PartitionOf("cn-south-9"), "aws-cn");
  EXPECT_EQ(PartitionOf("us-gov-north-9"), "aws-us-gov");
  EXPECT_EQ(DomainSuffixOf("cn-south-9"), "amazonaws.com.cn");
}

TEST(RegionsTest, DefaultEnabledRegionsOfTheCommercialPartitionAreTheSeventeenClassicOnes) {
  std::vector<std::string> regions = DefaultEnabledRegions("aws");
  EXPECT_EQ(regions.size(), 17u);
  EXPECT_NE(std::find(regions.begin(), regions.end(), "us-east-1"), regions.end());
  EXPECT_NE(std::find(regions.begin(), regions.end(), "sa-east-1"), regions.end());
  EXPECT_EQ(std::find(regions.begin(), regions.end(), "af-south-1"), regions.end());  // opt-in
  EXPECT_EQ(std::find(regions.begin(), regions.end(), "cn-north-1"),
            regions.end());  // other partition
  EXPECT_EQ(DefaultEnabledRegions("aws-cn"),
            (std::vector<std::string>{"cn-north-1", "cn-northwest-1"}));
}

}  // namespace
}  // namespace perimeter::aws
