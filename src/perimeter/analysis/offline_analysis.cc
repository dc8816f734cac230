#include "perimeter/analysis/offline_analysis.h"

#include <atomic>
#include <chrono>
#include <thread>

#include "absl/status/status.h"
#include "perimeter/base/text.h"
#include "perimeter/findings/lifecycle.h"
#include "perimeter/resources/analyze_resource.h"
#include "perimeter/resources/policy_analysis_memo.h"

namespace perimeter::analysis {
namespace {

struct Job {
  const resources::Resource* resource;
  const resources::Inventory* inventory;
};

const resources::AccountSettings* FindAccount(const std::vector<resources::Inventory>& inventories,
                                              const std::string& account_id) {
  for (const resources::Inventory& inventory : inventories) {
    if (const resources::AccountSettings* account = inventory.FindAccount(account_id))
      return account;
  }
  return nullptr;
}

}  // namespace

absl::StatusOr<OfflineReport> AnalyzeInventories(
    const std::vector<resources::Inventory>& inventories, const OfflineAnalysisOptions& options) {
  auto started = std::chrono::steady_clock::now();
  // The organization: the one the zone names, or the first one the inputs describe.
  std::optional<reasoning::Organization> organization;
  for (const resources::Inventory& inventory : inventories) {
    for (const resources::OrganizationRecord& record : inventory.organizations) {
      bool wanted = options.zone.kind != ZoneChoice::Kind::kOrganization ||
                    record.organization.id == options.zone.id;
      if (wanted && !organization.has_value()) organization = record.organization;
    }
  }
  if (options.zone.kind == ZoneChoice::Kind::kOrganization && !organization.has_value()) {
    return absl::InvalidArgumentError(base::Concat("--zone-org ", options.zone.id,
                                                   ": no organization record describes it; give "
                                                   "its member accounts with --org-accounts FILE"));
  }
  auto zone_for = [&](const resources::Resource& resource) {
    switch (options.zone.kind) {
      case ZoneChoice::Kind::kOrganization:
        return reasoning::ZoneOfTrust::ForOrganization(*organization);
      case ZoneChoice::Kind::kAccount:
        return reasoning::ZoneOfTrust::ForAccount(options.zone.id, organization);
      case ZoneChoice::Kind::kOwnerAccount:
        return reasoning::ZoneOfTrust::ForAccount(resource.owner_account, organization);
    }
    return reasoning::ZoneOfTrust::ForAccount(resource.owner_account, organization);
  };

  OfflineReport report;
  std::vector<Job> jobs;
  for (const resources::Inventory& inventory : inventories) {
    for (const resources::Resource& resource : inventory.resources)
      jobs.push_back(Job{&resource, &inventory});
  }
  std::vector<resources::ResourceAnalysis> results(jobs.size());
  std::atomic<size_t> next{0};
  std::atomic<size_t> done{0};
  auto worker = [&] {
    // Each worker shares the analyses of repeated policies among its own resources
    // (resources/policy_analysis_memo.h: the findings are the same as without it).
    resources::PolicyAnalysisMemo memo;
    while (true) {
      size_t index = next.fetch_add(1);
      if (index >= jobs.size()) return;
      const resources::Resource& resource = *jobs[index].resource;
      results[index] = resources::AnalyzeResource(
          resource, FindAccount(inventories, resource.owner_account), zone_for(resource), &memo);
      size_t finished = done.fetch_add(1) + 1;
      if (options.progress) options.progress(finished, jobs.size());
    }
  };
  unsigned threads =
      options.threads != 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(1, jobs.size())));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (std::thread& thread : pool) thread.join();

  for (const resources::Inventory& inventory : inventories) {
    for (const base::Issue& issue : inventory.issues)
      report.errors.push_back(InputError{inventory.source_name, issue});
  }
  for (size_t j = 0; j < jobs.size(); ++j) {
    for (const base::Issue& issue : results[j].issues) {
      if (issue.severity == base::Severity::kError) {
        report.errors.push_back(InputError{jobs[j].resource->source_name, issue});
      }
    }
    for (findings::Finding& finding : results[j].findings) {
      findings::FindingRecord record;
      record.finding = std::move(finding);
      record.status = findings::FindingStatus::kActive;
      record.created_at = record.analyzed_at = record.updated_at = options.now;
      if (findings::FirstMatchingRule(options.archive_rules, record) != nullptr) {
        record.status = findings::FindingStatus::kArchived;
      }
      OfflineSummary& s = report.summary;
      ++s.findings;
      if (record.status == findings::FindingStatus::kArchived) {
        ++s.archived;
      } else {
        ++s.active;
      }
      if (record.finding.is_public) ++s.public_findings;
      if (record.finding.error.has_value()) ++s.error_findings;
      report.findings.push_back(std::move(record));
      report.finding_resources.push_back(jobs[j].resource);
    }
  }
  report.summary.resources = jobs.size();
  report.summary.input_errors = report.errors.size();
  report.summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return report;
}

}  // namespace perimeter::analysis
