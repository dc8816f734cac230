// AWS regions and partitions, from the pinned npm package @aws-cdk/region-info (a table generated at
// build time by tools/gen_aws_regions.py; package.json pins the version). Not a hand-written list: a new
// region arrives by bumping the package.
//
// Which regions a compliance check covers (CIS AWS Foundations 1.20 / v5.0 1.19: "every region"):
//  1. the regions the user names (--regions), else
//  2. the account's enabled regions when known (inventory `enabledRegions`), else
//  3. every region of the partition that is enabled by default (AWS: the regions launched before
//     March 2019; opt-in regions are enabled only on request, "Specify which AWS Regions your account can
//     use", AWS Account Management Reference Guide).
#ifndef PERIMETER_COMPLIANCE_REGIONS_H_
#define PERIMETER_COMPLIANCE_REGIONS_H_

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace perimeter::compliance {

struct RegionInfo {
  const char* name;           // "eu-west-1"
  const char* partition;      // "aws", "aws-cn", "aws-us-gov", ...
  const char* domain_suffix;  // "amazonaws.com", "amazonaws.com.cn", ...
  bool opt_in;                // an account must opt in before using it
};

// Every known region, sorted by name.
std::span<const RegionInfo> AllRegions();
// "@aws-cdk/region-info 2.269.0": where the table comes from.
std::string_view RegionDataVersion();

// The region's entry; nullopt for a name the table does not know.
std::optional<RegionInfo> FindRegion(std::string_view name);

// The partition of a region: the table's when known, else guessed from the name's prefix ("cn-" is
// aws-cn, "us-gov-" aws-us-gov, anything else aws), as the SDKs do for regions newer than their data.
std::string PartitionOf(std::string_view region);
// The DNS suffix of the region's partition ("amazonaws.com" when unknown).
std::string DomainSuffixOf(std::string_view region);

// The regions of `partition` that are enabled by default, sorted.
std::vector<std::string> DefaultEnabledRegions(std::string_view partition);

// Where a region list came from, for the report.
enum class RegionSource { kFlag, kInventory, kPartitionDefault };
std::string_view RegionSourceName(RegionSource source);

struct RegionSelection {
  std::vector<std::string> regions;  // sorted, unique
  RegionSource source = RegionSource::kPartitionDefault;
};

// Applies the order above for one account. `flag` is --regions (empty: not given), `enabled` the
// account's enabled regions from an inventory (nullopt: not known). An empty enabled list counts as not
// known: every account has at least its default regions.
RegionSelection SelectRegions(const std::vector<std::string>& flag, const std::optional<std::vector<std::string>>& enabled,
                              std::string_view partition);

}  // namespace perimeter::compliance

#endif  // PERIMETER_COMPLIANCE_REGIONS_H_
