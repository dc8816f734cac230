// The compliance check "IAM Access Analyzer is enabled for all regions": CIS AWS Foundations
// Benchmark 1.20 (v1.4-v3.0), "IAM External Access Analyzer is enabled for all regions" 1.19 in
// v5.0, AWS Config's IAM_EXTERNAL_ACCESS_ANALYZER_ENABLED (docs/access-analyzer-rules.md §8,
// docs/compliance.md).
//
// The decision for one (account, region) is pure (DecideRegion); RunAnalyzersEnabled gathers the
// analyzers through an AwsClient, decides every pair, and with `fix` creates what is missing.
#ifndef PERIMETER_COMPLIANCE_ANALYZERS_ENABLED_H_
#define PERIMETER_COMPLIANCE_ANALYZERS_ENABLED_H_

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "perimeter/aws/regions.h"
#include "perimeter/compliance/aws_client.h"
#include "perimeter/compliance/region_selection.h"

namespace perimeter::compliance {

// ERROR: the region could not be checked (unreachable, refused, timed out); never counted as a
// pass.
enum class CheckStatus { kPass, kFail, kError };
std::string_view CheckStatusName(CheckStatus status);  // "PASS", "FAIL", "ERROR"

struct Verdict {
  CheckStatus status = CheckStatus::kFail;
  std::string reason;
};

// Whether an analyzer of `type` counts: with `require_external` only external access analyzers
// (ACCOUNT, ORGANIZATION: CIS v5.0, IAM_EXTERNAL_ACCESS_ANALYZER_ENABLED), otherwise any type.
bool CountsForControl(std::string_view type, bool require_external);

// Decides one account in one region.
//  `own`: the account's own analyzers in the region; nullopt when they cannot be listed from here
//  (a member
//    account seen from the organization's administrator).
//  `organization`: ORGANIZATION-zone analyzers of the administrator account in the region, which
//  cover
//    every member account (pass them only for members of that organization).
// PASS iff some counting analyzer is ACTIVE; otherwise FAIL, saying whether there is none, only
// ones that do not count, or only CREATING / DISABLED / FAILED ones (with their statusReason).
Verdict DecideRegion(const std::optional<std::vector<Analyzer>>& own,
                     std::span<const Analyzer> organization, bool require_external);

enum class FixAction {
  kNone,
  kCreated,
  kWouldCreate,
  kCoveredByOrganizationAnalyzer,
  kCannotFix,
  kFailed
};
std::string_view FixActionName(FixAction action);  // "", "created", "would-create", ...

struct RegionResult {
  std::string account_id;
  std::string account_name;
  std::string region;
  CheckStatus status = CheckStatus::kFail;
  std::string reason;
  std::vector<Analyzer> analyzers;  // the account's own, when visible
  std::string remediation;  // the `aws accessanalyzer create-analyzer ...` line; "" for PASS
  FixAction fix = FixAction::kNone;
  std::string fix_detail;  // the created ARN, or why it cannot be fixed
};

struct CheckOptions {
  std::vector<std::string> regions;  // --regions; empty: see regions.h
  bool require_external = false;
  bool organization =
      false;  // every member account (run from the management or delegated-admin account)
  std::optional<std::string> account_id;  // the caller's account when STS cannot say
  // Enabled regions per account (inventory account records).
  std::map<std::string, std::vector<std::string>> enabled_regions;
  std::string home_region = "us-east-1";  // picks the partition
  bool fix = false;
  bool dry_run = false;
  std::optional<std::string>
      analyzer_type;  // ACCOUNT or ORGANIZATION; default ORGANIZATION with --organization
  std::string analyzer_name = "perimeter-{region}";  // {region} is replaced
  std::optional<std::string> profile;                // named in remediation commands
};

struct CheckReport {
  std::string caller_account;
  std::string organization_id;  // "" outside --organization
  std::string partition;
  std::map<std::string, RegionSource> region_sources;  // per account
  bool require_external = false;
  std::vector<RegionResult> results;  // caller's account first, then by account id; regions sorted
};

// The analyzer type --fix creates.
std::string FixAnalyzerType(const CheckOptions& options);
// The name --fix gives the analyzer in `region`.
std::string FixAnalyzerName(const CheckOptions& options, std::string_view region);
// A stable clientToken for (account, region, name, type): the same fix retried creates nothing new.
std::string FixClientToken(std::string_view account, std::string_view region, std::string_view name,
                           std::string_view type);

// Runs the check (and the fix). Errors only for what stops the whole check (the organization's
// accounts cannot be listed, the caller's account is unknown in --organization mode); a region that
// fails is an ERROR row.
absl::StatusOr<CheckReport> RunAnalyzersEnabled(AwsClient& client, const CheckOptions& options);

}  // namespace perimeter::compliance

#endif  // PERIMETER_COMPLIANCE_ANALYZERS_ENABLED_H_
