// AWS regions and partitions, from the pinned npm package @aws-cdk/region-info (a table generated
// at build time by tools/gen_aws_regions.py; package.json pins the version). Not a hand-written
// list: a new region arrives by bumping the package. Pure: the table is compiled in.
#ifndef PERIMETER_AWS_REGIONS_H_
#define PERIMETER_AWS_REGIONS_H_

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace perimeter::aws {

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
// aws-cn, "us-gov-" aws-us-gov, anything else aws), as the SDKs do for regions newer than their
// data.
std::string PartitionOf(std::string_view region);
// The DNS suffix of the region's partition ("amazonaws.com" when unknown).
std::string DomainSuffixOf(std::string_view region);

// The regions of `partition` that are enabled by default, sorted (AWS: the regions launched before
// March 2019; opt-in regions are enabled only on request, "Specify which AWS Regions your account
// can use", AWS Account Management Reference Guide).
std::vector<std::string> DefaultEnabledRegions(std::string_view partition);

}  // namespace perimeter::aws

#endif  // PERIMETER_AWS_REGIONS_H_
