// Which regions a compliance check covers (CIS AWS Foundations 1.20 / v5.0 1.19: "every region"):
//  1. the regions the user names (--regions), else
//  2. the account's enabled regions when known (inventory `enabledRegions`), else
//  3. every region of the partition that is enabled by default (aws/regions.h,
//  DefaultEnabledRegions).
#ifndef PERIMETER_COMPLIANCE_REGION_SELECTION_H_
#define PERIMETER_COMPLIANCE_REGION_SELECTION_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace perimeter::compliance {

// Where a region list came from, for the report.
enum class RegionSource { kFlag, kInventory, kPartitionDefault };
std::string_view RegionSourceName(RegionSource source);

struct RegionSelection {
  std::vector<std::string> regions;  // sorted, unique
  RegionSource source = RegionSource::kPartitionDefault;
};

// Applies the order above for one account. `flag` is --regions (empty: not given), `enabled` the
// account's enabled regions from an inventory (nullopt: not known). An empty enabled list counts as
// not known: every account has at least its default regions.
RegionSelection SelectRegions(const std::vector<std::string>& flag,
                              const std::optional<std::vector<std::string>>& enabled,
                              std::string_view partition);

}  // namespace perimeter::compliance

#endif  // PERIMETER_COMPLIANCE_REGION_SELECTION_H_
