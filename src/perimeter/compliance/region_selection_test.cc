#include "perimeter/compliance/region_selection.h"

#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/aws/regions.h"

namespace perimeter::compliance {
namespace {

struct SelectionCase {
  const char* name;
  std::vector<std::string> flag;
  std::optional<std::vector<std::string>> enabled;
  std::vector<std::string> expected;  // empty: the partition's default regions
  RegionSource source;
};

class SelectRegionsTest : public testing::TestWithParam<SelectionCase> {};

TEST_P(SelectRegionsTest, Order) {
  const SelectionCase& c = GetParam();
  RegionSelection selection = SelectRegions(c.flag, c.enabled, "aws");
  EXPECT_EQ(selection.source, c.source);
  EXPECT_EQ(selection.regions, c.expected.empty() ? aws::DefaultEnabledRegions("aws") : c.expected);
}

INSTANTIATE_TEST_SUITE_P(
    Regions, SelectRegionsTest,
    testing::Values(SelectionCase{"flag_wins",
                                  {"eu-west-1", "us-east-1"},
                                  std::vector<std::string>{"ap-south-1"},
                                  {"eu-west-1", "us-east-1"},
                                  RegionSource::kFlag},
                    SelectionCase{"flag_sorted_unique",
                                  {"us-east-1", "eu-west-1", "us-east-1"},
                                  std::nullopt,
                                  {"eu-west-1", "us-east-1"},
                                  RegionSource::kFlag},
                    SelectionCase{"inventory",
                                  {},
                                  std::vector<std::string>{"us-east-1", "af-south-1"},
                                  {"af-south-1", "us-east-1"},
                                  RegionSource::kInventory},
                    SelectionCase{"empty_inventory_is_unknown",
                                  {},
                                  std::vector<std::string>{},
                                  {},
                                  RegionSource::kPartitionDefault},
                    SelectionCase{
                        "default", {}, std::nullopt, {}, RegionSource::kPartitionDefault}),
    [](const testing::TestParamInfo<SelectionCase>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace perimeter::compliance
