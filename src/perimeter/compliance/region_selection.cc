#include "perimeter/compliance/region_selection.h"

#include <algorithm>

#include "perimeter/aws/regions.h"

namespace perimeter::compliance {

std::string_view RegionSourceName(RegionSource source) {
  switch (source) {
    case RegionSource::kFlag:
      return "--regions";
    case RegionSource::kInventory:
      return "inventory enabledRegions";
    case RegionSource::kPartitionDefault:
      return "regions enabled by default";
  }
  return "";
}

namespace {
std::vector<std::string> SortedUnique(std::vector<std::string> regions) {
  std::sort(regions.begin(), regions.end());
  regions.erase(std::unique(regions.begin(), regions.end()), regions.end());
  return regions;
}
}  // namespace

RegionSelection SelectRegions(const std::vector<std::string>& flag,
                              const std::optional<std::vector<std::string>>& enabled,
                              std::string_view partition) {
  if (!flag.empty()) return {SortedUnique(flag), RegionSource::kFlag};
  if (enabled && !enabled->empty()) return {SortedUnique(*enabled), RegionSource::kInventory};
  return {aws::DefaultEnabledRegions(partition), RegionSource::kPartitionDefault};
}

}  // namespace perimeter::compliance
