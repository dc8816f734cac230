#include "perimeter/api/analysis.h"

#include <set>

#include "perimeter/base/status_macros.h"
#include "perimeter/findings/archive_rule.h"
#include "perimeter/findings/lifecycle.h"

namespace perimeter::api {

bool InScope(const store::Analyzer& analyzer, const ResourceSummary& resource, const Environment& environment) {
  if (!resource.region.empty() && resource.region != analyzer.region) return false;
  if (store::IsOrganizationType(analyzer.type)) return environment.IsMember(resource.owner_account);
  return resource.owner_account == analyzer.account_id;
}

std::optional<reasoning::ZoneOfTrust> ZoneOf(const store::Analyzer& analyzer, const Environment& environment) {
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
  return store::IsExternalAccessType(analyzer.type) && analyzer.status == store::AnalyzerStatus::kActive;
}

absl::StatusOr<std::vector<findings::ArchiveRule>> LoadRules(store::Store& store, std::string_view analyzer_arn) {
  ASSIGN_OR_RETURN(std::vector<store::ArchiveRuleRecord> records, store.ListArchiveRules(analyzer_arn));
  std::vector<findings::ArchiveRule> rules;
  for (const store::ArchiveRuleRecord& record : records) {
    json::ParseResult parsed = json::Parse(record.filter_json);
    if (!parsed.ok()) continue;  // stored only after validation: cannot happen but for corruption
    std::vector<base::Issue> issues;
    std::optional<findings::FindingFilter> filter =
        findings::ParseFindingFilter(parsed.document.root(), findings::FilterUse::kArchiveRule, issues);
    if (filter) rules.push_back(findings::ArchiveRule{record.rule_name, std::move(*filter)});
  }
  return rules;
}

}  // namespace

absl::Status Analysis::Scan(const store::Analyzer& analyzer, const std::vector<std::string>& resource_arns) {
  std::shared_ptr<const Environment> environment = environment_();
  std::shared_ptr<const ResourceCatalog> catalog = catalog_();
  std::optional<reasoning::ZoneOfTrust> zone = ZoneOf(analyzer, *environment);
  if (!zone) return absl::OkStatus();
  ASSIGN_OR_RETURN(std::vector<findings::ArchiveRule> rules, LoadRules(store_, analyzer.arn));
  absl::Time now = absl::FromUnixMillis(clock_.Now());
  findings::LifecycleOptions options;
  options.scope = analyzer.arn;
  options.resolved_retention = retention_;
  options.archive_rules = rules;
  std::string last_resource;
  for (const std::string& arn : resource_arns) {
    ASSIGN_OR_RETURN(std::vector<findings::FindingRecord> stored, store_.ListFindingsForResource(analyzer.arn, arn));
    std::vector<findings::Finding> fresh;
    std::optional<ResourceSummary> resource = catalog->Find(arn);
    if (resource && InScope(analyzer, *resource, *environment)) {
      fresh = catalog->Analyze(arn, *zone);
      last_resource = arn;
    }
    if (stored.empty() && fresh.empty()) continue;
    findings::LifecycleResult result = findings::ApplyAnalysis(stored, fresh, now, options);
    RETURN_IF_ERROR(store_.WriteFindings(analyzer.arn, result.records, result.deleted_ids));
  }
  if (!last_resource.empty()) {
    ASSIGN_OR_RETURN(std::optional<store::Analyzer> current, store_.GetAnalyzer(analyzer.arn));
    if (current) {
      current->last_resource_analyzed = last_resource;
      current->last_resource_analyzed_at = now;
      RETURN_IF_ERROR(store_.PutAnalyzer(*current));
    }
  }
  return absl::OkStatus();
}

absl::Status Analysis::ScanAnalyzer(std::string_view analyzer_arn) {
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

absl::Status Analysis::ScanResource(std::string_view analyzer_arn, std::string_view resource_arn) {
  ASSIGN_OR_RETURN(std::optional<store::Analyzer> analyzer, store_.GetAnalyzer(analyzer_arn));
  if (!analyzer || !Analyzes(*analyzer)) return absl::OkStatus();
  return Scan(*analyzer, {std::string(resource_arn)});
}

absl::Status Analysis::ScanResourceEverywhere(std::string_view resource_arn) {
  ASSIGN_OR_RETURN(std::vector<store::Analyzer> analyzers, store_.ListAnalyzers());
  for (const store::Analyzer& analyzer : analyzers) {
    if (Analyzes(analyzer)) RETURN_IF_ERROR(Scan(analyzer, {std::string(resource_arn)}));
  }
  return absl::OkStatus();
}

absl::Status Analysis::ScanAll() {
  ASSIGN_OR_RETURN(std::vector<store::Analyzer> analyzers, store_.ListAnalyzers());
  for (const store::Analyzer& analyzer : analyzers) RETURN_IF_ERROR(ScanAnalyzer(analyzer.arn));
  return absl::OkStatus();
}

}  // namespace perimeter::api
