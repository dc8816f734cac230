#include "perimeter/service/continuous_analysis.h"

#include <algorithm>
#include <set>

#include "perimeter/base/status_macros.h"
#include "perimeter/findings/archive_rule.h"
#include "perimeter/findings/lifecycle.h"

namespace perimeter::service {

std::vector<ResourceSummary> ResourceCatalog::FindClaims(std::string_view arn) const {
  std::optional<ResourceSummary> found = Find(arn);
  if (!found) return {};
  return {std::move(*found)};
}

std::vector<findings::Finding> ResourceCatalog::AnalyzeClaim(
    const ResourceSummary& claim, const reasoning::ZoneOfTrust& zone) const {
  return Analyze(claim.arn, zone);
}

const resources::Resource* ResourceCatalog::FindRecord(std::string_view, std::string_view) const {
  return nullptr;
}

const resources::AccountSettings* ResourceCatalog::FindAccountSettings(std::string_view) const {
  return nullptr;
}

std::vector<findings::ArchiveRule> ParseArchiveRules(
    std::span<const store::ArchiveRuleRecord> records) {
  std::vector<findings::ArchiveRule> rules;
  for (const store::ArchiveRuleRecord& record : records) {
    json::ParseResult parsed = json::Parse(record.filter_json);
    if (!parsed.ok()) continue;
    std::vector<base::Issue> issues;
    std::optional<findings::FindingFilter> filter = findings::ParseFindingFilter(
        parsed.document.root(), findings::FilterUse::kArchiveRule, issues);
    if (filter) rules.push_back(findings::ArchiveRule{record.rule_name, std::move(*filter)});
  }
  return rules;
}

bool InScope(const store::Analyzer& analyzer, const ResourceSummary& resource,
             const Environment& environment) {
  if (!resource.region.empty() && resource.region != analyzer.region) return false;
  if (store::IsOrganizationType(analyzer.type)) return environment.IsMember(resource.owner_account);
  return resource.owner_account == analyzer.account_id;
}

std::optional<reasoning::ZoneOfTrust> ZoneOf(const store::Analyzer& analyzer,
                                             const Environment& environment) {
  std::optional<reasoning::Organization> organization = environment.ReasoningOrganization();
  if (store::IsOrganizationType(analyzer.type)) {
    if (!organization) return std::nullopt;
    return reasoning::ZoneOfTrust::ForOrganization(std::move(*organization));
  }
  if (organization && !environment.IsMember(analyzer.account_id)) organization.reset();
  return reasoning::ZoneOfTrust::ForAccount(analyzer.account_id, std::move(organization));
}

namespace {

bool Analyzes(const store::Analyzer& analyzer) {
  return store::IsExternalAccessType(analyzer.type) &&
         analyzer.status == store::AnalyzerStatus::kActive;
}

// The scanned analyzer is still the stored one: not deleted, not deleted and created again under
// the same ARN (a new incarnation, even within the same clock tick as the old creation), still
// analyzing (not DISABLED meanwhile).
bool SameRunningAnalyzer(const store::Analyzer& scanned, const store::Analyzer& stored) {
  return stored.incarnation == scanned.incarnation && stored.created_at == scanned.created_at &&
         stored.type == scanned.type && Analyzes(stored);
}

}  // namespace

// Each resource is one atomic step (store::Store::ModifyFindings): the stored findings, the archive
// rules and the analyzer are read in the same transaction that writes the lifecycle's result, so
// API writes made while the resource was analyzed (UpdateFindings, archive rules, tags,
// DeleteAnalyzer) are read, never overwritten by an older copy. The step writes nothing, and the
// scan stops, once the analyzer is gone or no longer the one being scanned.
absl::Status ContinuousAnalysis::Scan(const store::Analyzer& analyzer,
                                      const std::vector<std::string>& resource_arns) {
  std::shared_ptr<const Environment> environment = environment_();
  std::shared_ptr<const ResourceCatalog> catalog = catalog_();
  std::optional<reasoning::ZoneOfTrust> zone = ZoneOf(analyzer, *environment);
  if (!zone) return absl::OkStatus();
  absl::Time now = absl::FromUnixMillis(clock_.Now());
  std::string last_resource;
  // Resources are analyzed, then written, kScanBatch at a time: one store call (one commit of a
  // durable store) per batch, each resource still its own read-decide-write step.
  for (size_t begin = 0; begin < resource_arns.size(); begin += kScanBatch) {
    std::span<const std::string> batch(resource_arns.data() + begin,
                                       std::min(kScanBatch, resource_arns.size() - begin));
    std::vector<std::vector<findings::Finding>> fresh(batch.size());
    std::vector<bool> analyzed(batch.size(), false);
    for (size_t i = 0; i < batch.size(); ++i) {
      for (const ResourceSummary& claim : catalog->FindClaims(batch[i])) {
        if (!InScope(analyzer, claim, *environment)) continue;
        analyzed[i] = true;
        std::vector<findings::Finding> found = catalog->AnalyzeClaim(claim, *zone);
        fresh[i].insert(fresh[i].end(), std::make_move_iterator(found.begin()),
                        std::make_move_iterator(found.end()));
      }
    }
    bool stopped = false;
    auto decide = [&](size_t i, const store::FindingsSnapshot& snapshot,
                      bool& stop) -> absl::StatusOr<std::optional<store::FindingChanges>> {
      if (!SameRunningAnalyzer(analyzer, snapshot.analyzer)) {
        stopped = stop = true;
        return std::nullopt;
      }
      if (snapshot.findings.empty() && fresh[i].empty()) return std::nullopt;
      std::vector<findings::ArchiveRule> rules = ParseArchiveRules(snapshot.archive_rules);
      findings::LifecycleOptions options;
      options.scope = analyzer.arn;
      options.resolved_retention = retention_;
      options.archive_rules = rules;
      findings::LifecycleResult result =
          findings::ApplyAnalysis(snapshot.findings, fresh[i], now, options);
      store::FindingChanges changes;
      changes.records = std::move(result.records);
      changes.deleted_ids = std::move(result.deleted_ids);
      // Created, resolved and reactivated by the analysis; a new (or reactivated) finding that an
      // archive rule archives at once names the rule in its status history.
      for (const findings::FindingChange& change : result.changes) {
        if (change.archived_by_rule) {
          changes.causes[change.id] =
              store::StatusCause{store::StatusChangeCause::kArchiveRule, *change.archived_by_rule};
        }
      }
      return changes;
    };
    for (size_t i = 0; i < batch.size(); ++i) {
      if (analyzed[i]) last_resource = batch[i];
    }
    // After the last batch, in its store step: the two analyzer fields the analysis owns, on the
    // analyzer as stored now (absent or changed: nothing).
    store::AnalyzerDecision then;
    if (begin + batch.size() == resource_arns.size() && !last_resource.empty()) {
      then = [&](store::Analyzer& current) {
        if (!SameRunningAnalyzer(analyzer, current)) return false;
        current.last_resource_analyzed = last_resource;
        current.last_resource_analyzed_at = now;
        return true;
      };
    }
    ASSIGN_OR_RETURN(bool present,
                     store_.ModifyResourcesFindings(analyzer.arn, batch, decide, then));
    // Deleted, re-created or disabled: write nothing more.
    if (!present || stopped) return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status ContinuousAnalysis::ScanAnalyzer(std::string_view analyzer_arn) {
  ASSIGN_OR_RETURN(std::optional<store::Analyzer> analyzer, store_.GetAnalyzer(analyzer_arn));
  if (!analyzer || !Analyzes(*analyzer)) return absl::OkStatus();
  std::shared_ptr<const Environment> environment = environment_();
  std::shared_ptr<const ResourceCatalog> catalog = catalog_();
  std::set<std::string> arns;
  for (const ResourceSummary& resource : catalog->Resources()) {
    if (InScope(*analyzer, resource, *environment)) arns.insert(resource.arn);
  }
  ASSIGN_OR_RETURN(std::vector<findings::FindingRecord> stored, store_.ListFindings(analyzer_arn));
  for (const findings::FindingRecord& record : stored) arns.insert(record.finding.resource);
  return Scan(*analyzer, std::vector<std::string>(arns.begin(), arns.end()));
}

absl::Status ContinuousAnalysis::ScanResource(std::string_view analyzer_arn,
                                              std::string_view resource_arn) {
  ASSIGN_OR_RETURN(std::optional<store::Analyzer> analyzer, store_.GetAnalyzer(analyzer_arn));
  if (!analyzer || !Analyzes(*analyzer)) return absl::OkStatus();
  return Scan(*analyzer, {std::string(resource_arn)});
}

absl::Status ContinuousAnalysis::ScanResourceEverywhere(std::string_view resource_arn) {
  ASSIGN_OR_RETURN(std::vector<store::Analyzer> analyzers, store_.ListAnalyzers());
  for (const store::Analyzer& analyzer : analyzers) {
    if (Analyzes(analyzer)) RETURN_IF_ERROR(Scan(analyzer, {std::string(resource_arn)}));
  }
  return absl::OkStatus();
}

absl::Status ContinuousAnalysis::ScanAll() {
  ASSIGN_OR_RETURN(std::vector<store::Analyzer> analyzers, store_.ListAnalyzers());
  for (const store::Analyzer& analyzer : analyzers) RETURN_IF_ERROR(ScanAnalyzer(analyzer.arn));
  return absl::OkStatus();
}

}  // namespace perimeter::service
