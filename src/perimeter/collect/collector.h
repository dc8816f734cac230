// `perimeter collect`'s driver: walks the organization (or the caller's own account), steps into
// each member account with sts:AssumeRole, and runs the per-service readers (services.h) in every
// region, in parallel, writing one inventory record per resource (docs/inventory.md) and one
// collectionError record per failure (docs/collect.md). I/O only through the AwsCaller it is given.
//
// Organization mode (AWS Organizations API Reference): DescribeOrganization, ListRoots,
// ListAccounts (paginated), and ListParents from each account up to the root for its OU path
// (o-ID/r-ROOT/ou-.../, what aws:PrincipalOrgPaths carries); every ACTIVE account is then read
// with the role `role_name` (sts:AssumeRole, arn:PARTITION:iam::ACCOUNT:role/ROLE_NAME), except the
// caller's own account, read with the caller's keys.
//
// Regions: `regions` when given, else the account's enabled regions (Account Management
// ListRegions with ENABLED and ENABLED_BY_DEFAULT; EC2 DescribeRegions when that is refused; the
// partition's default regions, with an error recorded, when both are).
#ifndef PERIMETER_COLLECT_COLLECTOR_H_
#define PERIMETER_COLLECT_COLLECTOR_H_

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "perimeter/collect/records.h"
#include "perimeter/collect/scope.h"

namespace perimeter::collect {

struct CollectOptions {
  bool organization = false;  // false: the caller's own account only
  std::string role_name = "OrganizationAccountAccessRole";
  std::string external_id;           // "" for none
  std::vector<std::string> regions;  // empty: each account's enabled regions
  std::string home_region = "us-east-1";
  int concurrency = 8;  // threads; each works on one (account, region) at a time
  // Called with each collectionError as it is written (besides its line), serialised with the
  // lines: `perimeter serve` keeps them to know which stored resources a run could not vouch for.
  std::function<void(const CollectionError&)> on_error;
};

struct CollectSummary {
  std::vector<std::string> accounts;
  std::map<std::string, std::vector<std::string>> regions;  // account -> regions read
  std::map<std::string, size_t> resources;                  // resource type -> count
  std::map<std::string, size_t> errors;                     // error kind -> count
  size_t TotalResources() const;
  size_t TotalErrors() const;
};

// Where lines go: called once per record, from any thread, serialised by the collector.
using LineWriter = std::function<void(const std::string& line)>;
// Progress: (units done, units known) whenever a unit of work ends; units grow as accounts are
// found. Called serialised.
using ProgressCallback = std::function<void(size_t done, size_t total)>;

// Collects. Errors only when nothing can be collected at all (the caller's identity cannot be
// read, or the organization cannot be listed in organization mode): the status says why. Every
// other failure is a collectionError record and counted in the summary.
absl::StatusOr<CollectSummary> Collect(const AwsCaller& caller, const CollectOptions& options,
                                       const LineWriter& write,
                                       const ProgressCallback& progress = nullptr);

}  // namespace perimeter::collect

#endif  // PERIMETER_COLLECT_COLLECTOR_H_
