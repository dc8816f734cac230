#include "perimeter/compliance/analyzers_enabled.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <set>

#include "absl/status/status.h"
#include "perimeter/aws/arn.h"
#include "perimeter/base/text.h"

namespace perimeter::compliance {

std::string_view CheckStatusName(CheckStatus status) {
  switch (status) {
    case CheckStatus::kPass:
      return "PASS";
    case CheckStatus::kFail:
      return "FAIL";
    case CheckStatus::kError:
      return "ERROR";
  }
  return "";
}

std::string_view FixActionName(FixAction action) {
  switch (action) {
    case FixAction::kNone:
      return "";
    case FixAction::kCreated:
      return "created";
    case FixAction::kWouldCreate:
      return "would-create";
    case FixAction::kCoveredByOrganizationAnalyzer:
      return "covered-by-organization-analyzer";
    case FixAction::kCannotFix:
      return "cannot-fix";
    case FixAction::kFailed:
      return "failed";
  }
  return "";
}

bool CountsForControl(std::string_view type, bool require_external) {
  if (!require_external) return true;
  return type == "ACCOUNT" || type == "ORGANIZATION";
}

namespace {

// Debian's absl::string_view is not std::string_view.
std::string Msg(const absl::Status& status) { return std::string(status.message()); }

bool IsOrganizationZone(std::string_view type) { return type.starts_with("ORGANIZATION"); }

std::string Describe(const Analyzer& analyzer) {
  std::string text = base::Concat(analyzer.name, " (", analyzer.type, ") is ", analyzer.status);
  if (!analyzer.status_reason.empty()) text += base::Concat(": ", analyzer.status_reason);
  return text;
}

}  // namespace

Verdict DecideRegion(const std::optional<std::vector<Analyzer>>& own,
                     std::span<const Analyzer> organization, bool require_external) {
  std::vector<const Analyzer*> counting, ignored;
  if (own) {
    for (const Analyzer& analyzer : *own) {
      (CountsForControl(analyzer.type, require_external) ? counting : ignored).push_back(&analyzer);
    }
  }
  std::vector<const Analyzer*> covering;
  for (const Analyzer& analyzer : organization) {
    if (IsOrganizationZone(analyzer.type) && CountsForControl(analyzer.type, require_external)) {
      covering.push_back(&analyzer);
    }
  }
  for (const Analyzer* analyzer : counting) {
    if (analyzer->status == "ACTIVE") {
      return {CheckStatus::kPass,
              base::Concat("analyzer ", analyzer->name, " (", analyzer->type, ") is ACTIVE")};
    }
  }
  for (const Analyzer* analyzer : covering) {
    if (analyzer->status == "ACTIVE") {
      return {CheckStatus::kPass,
              base::Concat("covered by organization analyzer ", analyzer->name, " of account ",
                           aws::AccountOfArn(analyzer->arn), " (ACTIVE)")};
    }
  }
  std::string reason;
  if (!counting.empty() || !covering.empty()) {
    reason = "no ACTIVE analyzer: ";
    bool first = true;
    for (const std::vector<const Analyzer*>* list : {&counting, &covering}) {
      for (const Analyzer* analyzer : *list) {
        if (!first) reason += "; ";
        first = false;
        reason += Describe(*analyzer);
        if (list == &covering)
          reason +=
              base::Concat(" (organization analyzer of ", aws::AccountOfArn(analyzer->arn), ")");
      }
    }
  } else if (!ignored.empty()) {
    reason = "no external access analyzer (CIS v5.0 1.19): only ";
    bool first = true;
    for (const Analyzer* analyzer : ignored) {
      if (!first) reason += ", ";
      first = false;
      reason += base::Concat(analyzer->name, " (", analyzer->type, ")");
    }
  } else {
    reason = own ? "no analyzer in this region"
                 : "no organization analyzer covers this account in this region";
  }
  if (!own)
    reason += " (the account's own analyzers cannot be listed from the administrator account)";
  return {CheckStatus::kFail, std::move(reason)};
}

std::string FixAnalyzerType(const CheckOptions& options) {
  if (options.analyzer_type) return *options.analyzer_type;
  return options.organization ? "ORGANIZATION" : "ACCOUNT";
}

std::string FixAnalyzerName(const CheckOptions& options, std::string_view region) {
  std::string name = options.analyzer_name;
  for (size_t at = name.find("{region}"); at != std::string::npos; at = name.find("{region}", at)) {
    name.replace(at, 8, region);
    at += region.size();
  }
  return name;
}

std::string FixClientToken(std::string_view account, std::string_view region, std::string_view name,
                           std::string_view type) {
  // FNV-1a, 64 bits: stable across runs and machines (std::hash is not).
  uint64_t hash = 14695981039346656037ULL;
  for (std::string_view part : {account, region, name, type}) {
    for (unsigned char c : part) {
      hash ^= c;
      hash *= 1099511628211ULL;
    }
    hash ^= 0xFF;
    hash *= 1099511628211ULL;
  }
  char buffer[17];
  std::snprintf(buffer, sizeof(buffer), "%016llx", static_cast<unsigned long long>(hash));
  return base::Concat("perimeter-", std::string_view(buffer));
}

namespace {

std::string RemediationCommand(const CheckOptions& options, std::string_view region,
                               std::string_view account, bool from_caller) {
  std::string type = FixAnalyzerType(options);
  std::string command =
      base::Concat("aws accessanalyzer create-analyzer --analyzer-name ",
                   FixAnalyzerName(options, region), " --type ", type, " --region ", region);
  if (from_caller) {
    if (options.profile) command += base::Concat(" --profile ", *options.profile);
  } else {
    command += base::Concat("  # with credentials of account ", account);
  }
  return command;
}

struct CallerRegion {
  absl::StatusOr<std::vector<Analyzer>> analyzers = std::vector<Analyzer>{};
};

}  // namespace

absl::StatusOr<CheckReport> RunAnalyzersEnabled(AwsClient& client, const CheckOptions& options) {
  CheckReport report;
  report.partition = aws::PartitionOf(options.home_region);
  report.require_external = options.require_external;
  std::string fix_type = FixAnalyzerType(options);
  if (fix_type != "ACCOUNT" && fix_type != "ORGANIZATION") {
    return absl::InvalidArgumentError(
        base::Concat("--analyzer-type must be ACCOUNT or ORGANIZATION, not ", fix_type));
  }

  // Who we are.
  if (options.account_id) {
    report.caller_account = *options.account_id;
  } else if (absl::StatusOr<std::string> account = client.GetCallerAccount(); account.ok()) {
    report.caller_account = *account;
  }

  // Which accounts.
  struct AccountToCheck {
    std::string id;
    std::string name;
  };
  std::vector<AccountToCheck> members;
  if (options.organization) {
    absl::StatusOr<OrganizationSummary> organization = client.DescribeOrganization();
    if (!organization.ok()) {
      return absl::FailedPreconditionError(base::Concat(
          "--organization: DescribeOrganization failed: ", Msg(organization.status())));
    }
    report.organization_id = organization->id;
    absl::StatusOr<std::vector<OrganizationAccount>> accounts = client.ListAccounts();
    if (!accounts.ok()) {
      return absl::FailedPreconditionError(base::Concat(
          "--organization: ListAccounts failed (run from the management account or the delegated "
          "administrator): ",
          Msg(accounts.status())));
    }
    for (const OrganizationAccount& account : *accounts) {
      if (account.status.empty() || account.status == "ACTIVE")
        members.push_back({account.id, account.name});
    }
  }

  // Regions per account; the caller's analyzers are listed in all of them (its ORGANIZATION
  // analyzers cover the members' regions).
  auto regions_of = [&](const std::string& account) {
    auto it = options.enabled_regions.find(account);
    std::optional<std::vector<std::string>> enabled;
    if (it != options.enabled_regions.end()) enabled = it->second;
    RegionSelection selection = SelectRegions(options.regions, enabled, report.partition);
    report.region_sources[account] = selection.source;
    return selection.regions;
  };
  std::set<std::string> all_regions;
  std::map<std::string, std::vector<std::string>> member_regions;
  for (const AccountToCheck& member : members) {
    member_regions[member.id] = regions_of(member.id);
    all_regions.insert(member_regions[member.id].begin(), member_regions[member.id].end());
  }
  // The caller's regions need its account id when it comes from an inventory; it may be learnt
  // below.
  std::vector<std::string> caller_regions =
      report.caller_account.empty()
          ? SelectRegions(options.regions, std::nullopt, report.partition).regions
          : regions_of(report.caller_account);
  all_regions.insert(caller_regions.begin(), caller_regions.end());

  std::map<std::string, absl::StatusOr<std::vector<Analyzer>>> caller_analyzers;
  for (const std::string& region : all_regions)
    caller_analyzers.emplace(region, client.ListAnalyzers(region));
  if (report.caller_account.empty()) {
    for (const auto& [region, analyzers] : caller_analyzers) {
      if (!analyzers.ok()) continue;
      for (const Analyzer& analyzer : *analyzers) {
        if (report.caller_account.empty())
          report.caller_account = std::string(aws::AccountOfArn(analyzer.arn));
      }
    }
  }
  if (report.caller_account.empty()) {
    if (options.organization) {
      return absl::FailedPreconditionError(
          "cannot tell which account the credentials belong to (STS GetCallerIdentity failed and "
          "no analyzer names "
          "it): pass --account-id");
    }
    report.caller_account = "unknown";
  } else if (!options.regions.empty() || options.enabled_regions.contains(report.caller_account)) {
    std::vector<std::string> known = regions_of(report.caller_account);
    if (known != caller_regions) {
      for (const std::string& region : known) {
        if (!caller_analyzers.contains(region))
          caller_analyzers.emplace(region, client.ListAnalyzers(region));
      }
      caller_regions = known;
    }
  } else {
    report.region_sources[report.caller_account] = RegionSource::kPartitionDefault;
  }

  // Decide.
  auto caller_row = [&](const std::string& region) {
    RegionResult row{report.caller_account, "", region, CheckStatus::kError, "", {}, "",
                     FixAction::kNone,      ""};
    const absl::StatusOr<std::vector<Analyzer>>& analyzers = caller_analyzers.at(region);
    if (!analyzers.ok()) {
      row.reason = base::Concat("cannot list analyzers: ", Msg(analyzers.status()));
      return row;
    }
    row.analyzers = *analyzers;
    Verdict verdict = DecideRegion(*analyzers, {}, options.require_external);
    row.status = verdict.status;
    row.reason = std::move(verdict.reason);
    return row;
  };
  std::string caller_name;
  for (const AccountToCheck& member : members) {
    if (member.id == report.caller_account) caller_name = member.name;
  }
  for (const std::string& region : caller_regions) {
    report.results.push_back(caller_row(region));
    report.results.back().account_name = caller_name;
  }
  std::sort(members.begin(), members.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  for (const AccountToCheck& member : members) {
    if (member.id == report.caller_account) continue;
    for (const std::string& region : member_regions[member.id]) {
      RegionResult row{member.id, member.name,      region, CheckStatus::kError, "", {},
                       "",        FixAction::kNone, ""};
      const absl::StatusOr<std::vector<Analyzer>>& analyzers = caller_analyzers.at(region);
      if (!analyzers.ok()) {
        row.reason =
            base::Concat("cannot list the organization analyzers: ", Msg(analyzers.status()));
      } else {
        Verdict verdict = DecideRegion(std::nullopt, *analyzers, options.require_external);
        row.status = verdict.status;
        row.reason = std::move(verdict.reason);
      }
      report.results.push_back(std::move(row));
    }
  }

  // Remediation and fix. One analyzer per region of the caller's account: for the caller's own
  // failing rows, and (ORGANIZATION type) for regions where members fail.
  std::set<std::string> regions_to_create;
  for (RegionResult& row : report.results) {
    if (row.status != CheckStatus::kFail) continue;
    bool from_caller = row.account_id == report.caller_account || fix_type == "ORGANIZATION";
    row.remediation = RemediationCommand(options, row.region, row.account_id, from_caller);
    if (from_caller) regions_to_create.insert(row.region);
  }
  std::map<std::string, std::pair<FixAction, std::string>> created;  // region -> outcome
  for (const std::string& region : regions_to_create) {
    std::string name = FixAnalyzerName(options, region);
    const absl::StatusOr<std::vector<Analyzer>>& existing = caller_analyzers.at(region);
    std::optional<std::string> blocked;
    if (existing.ok()) {
      for (const Analyzer& analyzer : *existing) {
        if (analyzer.name == name) {
          blocked =
              base::Concat("an analyzer named ", name, " already exists: ", Describe(analyzer),
                           "; pass another --analyzer-name");
        } else if (analyzer.type == fix_type) {
          // One analyzer of each type per account and region (Access Analyzer quotas).
          blocked = base::Concat("the account already has its ", fix_type,
                                 " analyzer here: ", Describe(analyzer),
                                 analyzer.status_reason == "DELEGATED_ADMINISTRATOR_DEREGISTERED"
                                     ? "; register the delegated administrator again, or delete it"
                                     : "; fix or delete it");
        }
      }
    }
    if (blocked) {
      created[region] = {FixAction::kCannotFix, *blocked};
    } else if (!options.fix) {
      continue;
    } else if (options.dry_run) {
      created[region] = {FixAction::kWouldCreate, base::Concat(fix_type, " analyzer ", name)};
    } else {
      absl::StatusOr<std::string> arn = client.CreateAnalyzer(
          region, name, fix_type, FixClientToken(report.caller_account, region, name, fix_type));
      created[region] = arn.ok() ? std::pair{FixAction::kCreated, *arn}
                                 : std::pair{FixAction::kFailed, Msg(arn.status())};
    }
  }
  if (!options.fix && created.empty()) return report;

  // Re-read the regions where analyzers were created, and decide again.
  std::map<std::string, absl::StatusOr<std::vector<Analyzer>>> after;
  for (const auto& [region, outcome] : created) {
    if (outcome.first == FixAction::kCreated) after.emplace(region, client.ListAnalyzers(region));
  }
  for (RegionResult& row : report.results) {
    if (row.status != CheckStatus::kFail) continue;
    bool from_caller = row.account_id == report.caller_account || fix_type == "ORGANIZATION";
    auto outcome = created.find(row.region);
    if (!from_caller) {
      if (options.fix) {
        row.fix = FixAction::kCannotFix;
        row.fix_detail =
            base::Concat("an ACCOUNT analyzer of account ", row.account_id,
                         " needs that account's credentials; or use --analyzer-type ORGANIZATION");
      }
      continue;
    }
    if (outcome == created.end()) continue;
    row.fix = outcome->second.first;
    row.fix_detail = outcome->second.second;
    if (row.fix == FixAction::kCreated && row.account_id != report.caller_account) {
      row.fix = FixAction::kCoveredByOrganizationAnalyzer;
    }
    auto now = after.find(row.region);
    if (now == after.end() || !now->second.ok()) continue;
    Verdict verdict = row.account_id == report.caller_account
                          ? DecideRegion(*now->second, {}, options.require_external)
                          : DecideRegion(std::nullopt, *now->second, options.require_external);
    row.status = verdict.status;
    row.reason = std::move(verdict.reason);
    if (row.account_id == report.caller_account) row.analyzers = *now->second;
    if (row.status == CheckStatus::kPass) row.remediation.clear();
  }
  return report;
}

}  // namespace perimeter::compliance
