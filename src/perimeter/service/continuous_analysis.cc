#include "perimeter/service/continuous_analysis.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"
#include "perimeter/findings/archive_rule.h"
#include "perimeter/findings/lifecycle.h"
#include "perimeter/json/document.h"

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

std::vector<findings::Finding> ResourceCatalog::AnalyzeInternalAccess(
    const reasoning::ZoneOfTrust&, const analysis::InternalAccessRule&) const {
  return {};
}

std::vector<findings::Finding> ResourceCatalog::AnalyzeUnusedAccess(
    const unused::UnusedAccessZone&, const unused::UnusedAccessConfiguration&, absl::Time) const {
  return {};
}

namespace {

absl::Status BadConfiguration(std::string_view why) {
  return absl::InvalidArgumentError(base::Concat("analyzer configuration: ", why));
}

// The strings of a JSON array; nullopt when it is not an array of strings.
std::optional<std::vector<std::string>> Strings(const json::Value& value) {
  if (!value.is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (json::Value element : value.children()) {
    if (!element.is_string()) return std::nullopt;
    out.emplace_back(element.text());
  }
  return out;
}

}  // namespace

absl::StatusOr<unused::UnusedAccessConfiguration> ParseUnusedAccessConfiguration(
    std::string_view configuration_json) {
  unused::UnusedAccessConfiguration configuration;
  if (configuration_json.empty()) return configuration;
  json::ParseResult parsed = json::Parse(std::string(configuration_json));
  if (!parsed.ok() || !parsed.document.root().is_object()) return BadConfiguration("not an object");
  std::optional<json::Value> unused = parsed.document.root().Find("unusedAccess");
  if (!unused || !unused->is_object()) return BadConfiguration("no unusedAccess member");
  if (std::optional<json::Value> age = unused->Find("unusedAccessAge")) {
    int days = age->is_number() ? std::atoi(std::string(age->text()).c_str()) : 0;
    if (days < 1 || days > 365) return BadConfiguration("unusedAccessAge is not 1 to 365");
    configuration.unused_access_age_days = days;
  }
  std::optional<json::Value> rule = unused->Find("analysisRule");
  if (!rule) return configuration;
  std::optional<json::Value> exclusions =
      rule->is_object() ? rule->Find("exclusions") : std::nullopt;
  if (!exclusions) return configuration;
  if (!exclusions->is_array()) return BadConfiguration("exclusions is not an array");
  for (json::Value entry : exclusions->children()) {
    if (!entry.is_object()) return BadConfiguration("an exclusion is not an object");
    unused::UnusedAccessConfiguration::Exclusion exclusion;
    if (std::optional<json::Value> accounts = entry.Find("accountIds")) {
      std::optional<std::vector<std::string>> ids = Strings(*accounts);
      if (!ids) return BadConfiguration("accountIds is not an array of strings");
      exclusion.account_ids = std::move(*ids);
    }
    if (std::optional<json::Value> tags = entry.Find("resourceTags")) {
      if (!tags->is_array()) return BadConfiguration("resourceTags is not an array");
      for (json::Value map : tags->children()) {
        if (!map.is_object()) return BadConfiguration("a resourceTags entry is not an object");
        std::map<std::string, std::string>& out = exclusion.resource_tags.emplace_back();
        for (json::Value tag : map.members()) {
          if (!tag.is_string()) return BadConfiguration("a tag value is not a string");
          out.emplace(std::string(tag.key()), std::string(tag.text()));
        }
      }
    }
    configuration.exclusions.push_back(std::move(exclusion));
  }
  return configuration;
}

absl::StatusOr<analysis::InternalAccessRule> ParseInternalAccessConfiguration(
    std::string_view configuration_json) {
  if (configuration_json.empty()) return analysis::InternalAccessRule{};
  json::ParseResult parsed = json::Parse(std::string(configuration_json));
  if (!parsed.ok() || !parsed.document.root().is_object()) return BadConfiguration("not an object");
  std::optional<json::Value> internal = parsed.document.root().Find("internalAccess");
  if (!internal || !internal->is_object()) return BadConfiguration("no internalAccess member");
  if (!internal->Find("analysisRule")) return analysis::InternalAccessRule{};
  return analysis::ParseInternalAccessRule(internal->source_text());
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
  return analyzer.status == store::AnalyzerStatus::kActive;
}

// The analyzers whose analysis is whole-environment (internal and unused access).
bool IsPrincipalFamily(store::AnalyzerType type) {
  switch (type) {
    case store::AnalyzerType::kAccount:
    case store::AnalyzerType::kOrganization:
      return false;
    case store::AnalyzerType::kAccountInternalAccess:
    case store::AnalyzerType::kOrganizationInternalAccess:
    case store::AnalyzerType::kAccountUnusedAccess:
    case store::AnalyzerType::kOrganizationUnusedAccess:
      return true;
  }
  return false;
}

// The scanned analyzer is still the stored one: not deleted, not deleted and created again under
// the same ARN (a new incarnation, even within the same clock tick as the old creation), still
// analyzing (not DISABLED meanwhile).
bool SameRunningAnalyzer(const store::Analyzer& scanned, const store::Analyzer& stored) {
  return stored.incarnation == scanned.incarnation && stored.created_at == scanned.created_at &&
         stored.type == scanned.type && Analyzes(stored);
}

// The store changes of one lifecycle step: created, resolved and reactivated by the analysis; a
// new (or reactivated) finding that an archive rule archives at once names the rule in its status
// history.
store::FindingChanges ChangesOf(findings::LifecycleResult result) {
  store::FindingChanges changes;
  changes.records = std::move(result.records);
  changes.deleted_ids = std::move(result.deleted_ids);
  for (const findings::FindingChange& change : result.changes) {
    if (change.archived_by_rule) {
      changes.causes[change.id] =
          store::StatusCause{store::StatusChangeCause::kArchiveRule, *change.archived_by_rule};
    }
  }
  return changes;
}

// Only the two analyzer fields the analysis owns, on the analyzer as stored now (absent or changed:
// nothing).
store::AnalyzerDecision LastResourceDecision(const store::Analyzer& analyzer, std::string resource,
                                             absl::Time now) {
  return [&analyzer, resource = std::move(resource), now](store::Analyzer& current) {
    if (!SameRunningAnalyzer(analyzer, current)) return false;
    current.last_resource_analyzed = resource;
    current.last_resource_analyzed_at = now;
    return true;
  };
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
      return LifecycleStep(analyzer, snapshot, fresh[i], now);
    };
    for (size_t i = 0; i < batch.size(); ++i) {
      if (analyzed[i]) last_resource = batch[i];
    }
    // After the last batch, in its store step: the two analyzer fields the analysis owns, on the
    // analyzer as stored now (absent or changed: nothing).
    store::AnalyzerDecision then;
    if (begin + batch.size() == resource_arns.size() && !last_resource.empty())
      then = LastResourceDecision(analyzer, last_resource, now);
    ASSIGN_OR_RETURN(bool present,
                     store_.ModifyResourcesFindings(analyzer.arn, batch, decide, then));
    // Deleted, re-created or disabled: write nothing more.
    if (!present || stopped) return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status ContinuousAnalysis::ApplyFresh(const store::Analyzer& analyzer,
                                            const std::string& resource,
                                            const std::vector<findings::Finding>& fresh,
                                            absl::Time now, bool& stopped) {
  stopped = true;  // until the store shows the analyzer still running
  auto decide = [&](const store::FindingsSnapshot& snapshot)
      -> absl::StatusOr<std::optional<store::FindingChanges>> {
    stopped = false;
    if (!SameRunningAnalyzer(analyzer, snapshot.analyzer)) {
      stopped = true;
      return std::nullopt;
    }
    return LifecycleStep(analyzer, snapshot, fresh, now);
  };
  return store_
      .ModifyFindings(analyzer.arn, store::FindingSelection{resource, std::nullopt}, decide)
      .status();
}

absl::Status ContinuousAnalysis::RecordLastResource(const store::Analyzer& analyzer,
                                                    const std::string& resource, absl::Time now) {
  return store_.ModifyAnalyzer(analyzer.arn, LastResourceDecision(analyzer, resource, now))
      .status();
}

std::optional<store::FindingChanges> ContinuousAnalysis::LifecycleStep(
    const store::Analyzer& analyzer, const store::FindingsSnapshot& snapshot,
    const std::vector<findings::Finding>& fresh, absl::Time now) const {
  if (snapshot.findings.empty() && fresh.empty()) return std::nullopt;
  std::vector<findings::ArchiveRule> rules = ParseArchiveRules(snapshot.archive_rules);
  findings::LifecycleOptions options;
  options.scope = analyzer.arn;
  options.resolved_retention = retention_;
  options.archive_rules = rules;
  return ChangesOf(findings::ApplyAnalysis(snapshot.findings, fresh, now, options));
}

absl::Status ContinuousAnalysis::ScanFamily(const store::Analyzer& analyzer,
                                            std::optional<std::string_view> only_resource) {
  std::shared_ptr<const Environment> environment = environment_();
  std::shared_ptr<const ResourceCatalog> catalog = catalog_();
  absl::Time now = absl::FromUnixMillis(clock_.Now());
  std::vector<findings::Finding> found;
  switch (analyzer.type) {
    case store::AnalyzerType::kAccount:
    case store::AnalyzerType::kOrganization:
      return absl::OkStatus();  // not a principal family (IsPrincipalFamily)
    case store::AnalyzerType::kAccountInternalAccess:
    case store::AnalyzerType::kOrganizationInternalAccess: {
      std::optional<reasoning::ZoneOfTrust> zone = ZoneOf(analyzer, *environment);
      absl::StatusOr<analysis::InternalAccessRule> rule =
          ParseInternalAccessConfiguration(analyzer.configuration_json);
      if (!zone || !rule.ok()) return rule.status();  // no organization: not run (fail closed)
      found = catalog->AnalyzeInternalAccess(*zone, *rule);
      break;
    }
    case store::AnalyzerType::kAccountUnusedAccess:
    case store::AnalyzerType::kOrganizationUnusedAccess: {
      ASSIGN_OR_RETURN(unused::UnusedAccessConfiguration configuration,
                       ParseUnusedAccessConfiguration(analyzer.configuration_json));
      unused::UnusedAccessZone zone;
      if (store::IsOrganizationType(analyzer.type)) {
        if (!environment->organization) return absl::OkStatus();  // as ZoneOf: not run
        zone.kind = unused::UnusedAccessZone::Kind::kOrganization;
        for (const Account& account : environment->accounts) {
          if (environment->IsMember(account.id)) zone.member_accounts.push_back(account.id);
        }
      } else {
        zone.account = analyzer.account_id;
      }
      found = catalog->AnalyzeUnusedAccess(zone, configuration, now);
      break;
    }
  }
  // The fresh findings by resource, and every resource the analyzer stores findings for (those
  // with no fresh finding are resolved).
  std::map<std::string, std::vector<findings::Finding>> by_resource;
  for (findings::Finding& finding : found) {
    if (only_resource && finding.resource != *only_resource) continue;
    std::string resource = finding.resource;
    by_resource[resource].push_back(std::move(finding));
  }
  ASSIGN_OR_RETURN(std::vector<findings::FindingRecord> stored, store_.ListFindings(analyzer.arn));
  for (const findings::FindingRecord& record : stored) {
    if (!only_resource || record.finding.resource == *only_resource)
      by_resource.try_emplace(record.finding.resource);
  }
  if (only_resource) by_resource.try_emplace(std::string(*only_resource));
  std::string last_resource;
  for (const auto& [resource, fresh] : by_resource) {
    bool stopped = false;
    RETURN_IF_ERROR(ApplyFresh(analyzer, resource, fresh, now, stopped));
    if (stopped) return absl::OkStatus();  // deleted, re-created or disabled: write nothing more
    if (!fresh.empty()) last_resource = resource;
  }
  if (!last_resource.empty()) RETURN_IF_ERROR(RecordLastResource(analyzer, last_resource, now));
  return absl::OkStatus();
}

absl::Status ContinuousAnalysis::ScanAnalyzer(std::string_view analyzer_arn) {
  ASSIGN_OR_RETURN(std::optional<store::Analyzer> analyzer, store_.GetAnalyzer(analyzer_arn));
  if (!analyzer || !Analyzes(*analyzer)) return absl::OkStatus();
  if (IsPrincipalFamily(analyzer->type)) return ScanFamily(*analyzer, std::nullopt);
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
  if (IsPrincipalFamily(analyzer->type)) return ScanFamily(*analyzer, resource_arn);
  return Scan(*analyzer, {std::string(resource_arn)});
}

absl::Status ContinuousAnalysis::ScanResourceEverywhere(std::string_view resource_arn) {
  ASSIGN_OR_RETURN(std::vector<store::Analyzer> analyzers, store_.ListAnalyzers());
  for (const store::Analyzer& analyzer : analyzers) {
    if (Analyzes(analyzer) && !IsPrincipalFamily(analyzer.type))
      RETURN_IF_ERROR(Scan(analyzer, {std::string(resource_arn)}));
  }
  return absl::OkStatus();
}

absl::Status ContinuousAnalysis::ScanPrincipalFamilies() {
  ASSIGN_OR_RETURN(std::vector<store::Analyzer> analyzers, store_.ListAnalyzers());
  for (const store::Analyzer& analyzer : analyzers) {
    if (Analyzes(analyzer) && IsPrincipalFamily(analyzer.type))
      RETURN_IF_ERROR(ScanFamily(analyzer, std::nullopt));
  }
  return absl::OkStatus();
}

absl::Status ContinuousAnalysis::ScanAll() {
  ASSIGN_OR_RETURN(std::vector<store::Analyzer> analyzers, store_.ListAnalyzers());
  for (const store::Analyzer& analyzer : analyzers) RETURN_IF_ERROR(ScanAnalyzer(analyzer.arn));
  return absl::OkStatus();
}

}  // namespace perimeter::service
