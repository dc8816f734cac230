#include "perimeter/aws/regions.h"

#include <algorithm>

namespace perimeter::aws {

namespace internal {
// Defined in the generated regions_data.cc.
extern const char kRegionDataVersion[];
extern const RegionInfo kRegions[];
extern const size_t kRegionCount;
}  // namespace internal

std::span<const RegionInfo> AllRegions() { return {internal::kRegions, internal::kRegionCount}; }

std::string_view RegionDataVersion() { return internal::kRegionDataVersion; }

std::optional<RegionInfo> FindRegion(std::string_view name) {
  std::span<const RegionInfo> regions = AllRegions();
  auto it = std::lower_bound(
      regions.begin(), regions.end(), name,
      [](const RegionInfo& region, std::string_view key) { return region.name < key; });
  if (it == regions.end() || it->name != name) return std::nullopt;
  return *it;
}

std::string PartitionOf(std::string_view region) {
  if (std::optional<RegionInfo> info = FindRegion(region)) return info->partition;
  if (region.starts_with("cn-")) return "aws-cn";
  if (region.starts_with("us-gov-")) return "aws-us-gov";
  return "aws";
}

std::string DomainSuffixOf(std::string_view region) {
  if (std::optional<RegionInfo> info = FindRegion(region)) return info->domain_suffix;
  return region.starts_with("cn-") ? "amazonaws.com.cn" : "amazonaws.com";
}

std::vector<std::string> DefaultEnabledRegions(std::string_view partition) {
  std::vector<std::string> out;
  for (const RegionInfo& region : AllRegions()) {
    if (region.partition == partition && !region.opt_in) out.emplace_back(region.name);
  }
  return out;
}

}  // namespace perimeter::aws
