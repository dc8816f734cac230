#include "perimeter/compliance/regions.h"

#include <algorithm>

namespace perimeter::compliance {

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
  auto it = std::lower_bound(regions.begin(), regions.end(), name,
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

RegionSelection SelectRegions(const std::vector<std::string>& flag, const std::optional<std::vector<std::string>>& enabled,
                              std::string_view partition) {
  if (!flag.empty()) return {SortedUnique(flag), RegionSource::kFlag};
  if (enabled && !enabled->empty()) return {SortedUnique(*enabled), RegionSource::kInventory};
  return {DefaultEnabledRegions(partition), RegionSource::kPartitionDefault};
}

}  // namespace perimeter::compliance
