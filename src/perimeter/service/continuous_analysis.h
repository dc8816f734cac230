// Continuous analysis of the imported environment by the analyzers of the three families: which
// resources an analyzer sees, and applying a fresh analysis of them to its stored findings
// (findings/lifecycle.h).
//
// Scope, as AWS has it (IAM User Guide, "IAM Access Analyzer resource types for external access";
// docs/access-analyzer-rules.md §1.1, §5.3, §5.8): an analyzer sees only resources of its own
// region — IAM roles, being global, in every region that has an analyzer; an ACCOUNT analyzer only
// resources its account owns, an ORGANIZATION analyzer those of every member account. Only ACTIVE
// analyzers analyze.
//
// The internal- and unused-access families (docs/server.md, "What each analyzer type analyzes") are
// analyzed whole — every principal against every selected resource, every principal's last-used
// data — and the result applied resource by resource (an unused-access finding's resource is its
// principal), with the same lifecycle and archive rules as external access:
//  - ACCOUNT_INTERNAL_ACCESS / ORGANIZATION_INTERNAL_ACCESS: the critical resources the stored
//    configuration's analysisRule selects (analysis::ParseInternalAccessRule; none: every supported
//    resource of the zone) against the principals of the zone (the analyzer's account, or the
//    organization: analysis/internal_access_analysis.h);
//  - ACCOUNT_UNUSED_ACCESS / ORGANIZATION_UNUSED_ACCESS: the principals of the zone with the
//    configuration's unusedAccessAge and exclusions (ParseUnusedAccessConfiguration) at the clock's
//    now (unused/unused_access.h).
// A configuration that does not parse (it was validated by CreateAnalyzer: corruption) analyzes
// nothing for that analyzer rather than everything with defaults.
#ifndef PERIMETER_SERVICE_CONTINUOUS_ANALYSIS_H_
#define PERIMETER_SERVICE_CONTINUOUS_ANALYSIS_H_

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "perimeter/analysis/internal_access_analysis.h"
#include "perimeter/base/clock.h"
#include "perimeter/findings/archive_rule.h"
#include "perimeter/findings/finding.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"
#include "perimeter/service/environment.h"
#include "perimeter/store/store.h"
#include "perimeter/unused/unused_access.h"
#include "perimeter/unused/unused_access_input.h"

namespace perimeter::service {

// A resource of the imported inventory, as the scope rules need it.
struct ResourceSummary {
  std::string arn;
  std::string type;  // "AWS::S3::Bucket"
  std::string owner_account;
  std::string region;  // "" for global resources
};

// What the analysis reads from the environment: its resources and the analysis of one of them for a
// zone of trust. Implemented over resources/ by the server; faked in tests.
class ResourceCatalog {
 public:
  virtual ~ResourceCatalog() = default;
  virtual std::vector<ResourceSummary> Resources() const = 0;
  virtual std::optional<ResourceSummary> Find(std::string_view arn) const = 0;
  // The findings for `arn` (error findings included). REQUIRES: Find(arn).
  virtual std::vector<findings::Finding> Analyze(std::string_view arn,
                                                 const reasoning::ZoneOfTrust& zone) const = 0;
  // Every owner's record of `arn`: an ARN without an account (an S3 bucket's) may be claimed by
  // several accounts, and each claim is analyzed only by the analyzers that see its owner. Default:
  // Find's.
  virtual std::vector<ResourceSummary> FindClaims(std::string_view arn) const;
  // The findings of one claim (a FindClaims entry). Default: Analyze(claim.arn, zone).
  virtual std::vector<findings::Finding> AnalyzeClaim(const ResourceSummary& claim,
                                                      const reasoning::ZoneOfTrust& zone) const;
  // The record `owner` holds for `arn` and the settings of account `owner` (access previews start
  // from them); null when there is none. Default: null (a catalog without records).
  virtual const resources::Resource* FindRecord(std::string_view arn, std::string_view owner) const;
  virtual const resources::AccountSettings* FindAccountSettings(std::string_view owner) const;
  // The imported IAM role or user `arn` with its identity-based policies and last-used data
  // (GenerateFindingRecommendation reads its policies); nullopt when the import holds none.
  // Default: nullopt (a catalog without principals).
  virtual std::optional<unused::IamPrincipal> FindPrincipal(std::string_view arn) const {
    (void)arn;
    return std::nullopt;
  }
  // The internal-access findings (findings/internal_access_record.h: type kInternalAccess) of every
  // principal of `zone` on every resource `rule` selects. Default: none (a catalog without
  // principals).
  virtual std::vector<findings::Finding> AnalyzeInternalAccess(
      const reasoning::ZoneOfTrust& zone, const analysis::InternalAccessRule& rule) const;
  // The unused-access findings (findings::ToFinding of unused/) of the principals of `zone` at
  // `now`. Default: none.
  virtual std::vector<findings::Finding> AnalyzeUnusedAccess(
      const unused::UnusedAccessZone& zone, const unused::UnusedAccessConfiguration& configuration,
      absl::Time now) const;
};

// The unused-access configuration of an analyzer as CreateAnalyzer stores it
// ({"unusedAccess": {"unusedAccessAge": N, "analysisRule": {"exclusions": [{"accountIds": [...],
// "resourceTags": [{...}]}]}}}, API Reference "UnusedAccessConfiguration"; "" gives AWS's defaults:
// 90 days, no exclusion). InvalidArgument for anything else.
absl::StatusOr<unused::UnusedAccessConfiguration> ParseUnusedAccessConfiguration(
    std::string_view configuration_json);

// The internal-access analysis rule of an analyzer's stored configuration
// ({"internalAccess": {"analysisRule": {...}}}; "" or no analysisRule: every supported resource).
absl::StatusOr<analysis::InternalAccessRule> ParseInternalAccessConfiguration(
    std::string_view configuration_json);

// The archive rules of an analyzer, parsed. Rules are stored only after validation: a rule that
// does not parse (corruption) is left out.
std::vector<findings::ArchiveRule> ParseArchiveRules(
    std::span<const store::ArchiveRuleRecord> records);

using CatalogSource = std::function<std::shared_ptr<const ResourceCatalog>()>;

// Work for the background analysis: a whole analyzer, or one resource for one analyzer; or, with
// `principal_families`, every internal- and unused-access analyzer (after an import: any record may
// change their findings).
struct ScanJob {
  std::string analyzer_arn;
  std::optional<std::string> resource_arn;
  bool principal_families = false;
};

// True when `analyzer` sees `resource` in `environment`.
bool InScope(const store::Analyzer& analyzer, const ResourceSummary& resource,
             const Environment& environment);

// The zone of trust of an external-access analyzer; nullopt for an ORGANIZATION analyzer without an
// organization (fail closed: such an analyzer is not run).
std::optional<reasoning::ZoneOfTrust> ZoneOf(const store::Analyzer& analyzer,
                                             const Environment& environment);

class ContinuousAnalysis {
 public:
  ContinuousAnalysis(store::Store& store, EnvironmentSource environment, CatalogSource catalog,
                     const base::Clock& clock, absl::Duration resolved_retention)
      : store_(store),
        environment_(std::move(environment)),
        catalog_(std::move(catalog)),
        clock_(clock),
        retention_(resolved_retention) {}

  // Re-analyzes every resource in scope of the analyzer (and resolves findings of resources that
  // left it). No-op for analyzers that do not analyze (see the header comment) or do not exist.
  absl::Status ScanAnalyzer(std::string_view analyzer_arn);
  // Re-analyzes one resource for one analyzer; a resource gone from the inventory or out of scope
  // has its findings resolved. For internal and unused access the whole analysis runs and only
  // the findings of `resource_arn` (a principal's ARN for unused access) are applied.
  absl::Status ScanResource(std::string_view analyzer_arn, std::string_view resource_arn);
  // Re-analyzes one resource for every external-access analyzer that sees it (after an import; the
  // other families are scanned whole by ScanPrincipalFamilies).
  absl::Status ScanResourceEverywhere(std::string_view resource_arn);
  // Every internal- and unused-access analyzer.
  absl::Status ScanPrincipalFamilies();
  // Every analyzer.
  absl::Status ScanAll();

  // Resources analyzed, then written in one store call (Store::ModifyResourcesFindings), at a time.
  static constexpr size_t kScanBatch = 256;

 private:
  absl::Status Scan(const store::Analyzer& analyzer, const std::vector<std::string>& resource_arns);
  // An internal- or unused-access analyzer: its whole analysis, applied to every resource that
  // has fresh or stored findings (only `only_resource` when given).
  absl::Status ScanFamily(const store::Analyzer& analyzer,
                          std::optional<std::string_view> only_resource);
  // One atomic lifecycle step of `analyzer` for `resource` with its fresh findings. Sets `stopped`
  // when the analyzer is no longer the one scanned.
  absl::Status ApplyFresh(const store::Analyzer& analyzer, const std::string& resource,
                          const std::vector<findings::Finding>& fresh, absl::Time now,
                          bool& stopped);
  // The store changes of applying `fresh` to the snapshot's findings (lifecycle and archive rules);
  // nullopt when there is nothing to write. REQUIRES: the snapshot's analyzer is `analyzer`.
  std::optional<store::FindingChanges> LifecycleStep(const store::Analyzer& analyzer,
                                                     const store::FindingsSnapshot& snapshot,
                                                     const std::vector<findings::Finding>& fresh,
                                                     absl::Time now) const;
  absl::Status RecordLastResource(const store::Analyzer& analyzer, const std::string& resource,
                                  absl::Time now);

  store::Store& store_;
  EnvironmentSource environment_;
  CatalogSource catalog_;
  const base::Clock& clock_;
  absl::Duration retention_;
};

}  // namespace perimeter::service

#endif  // PERIMETER_SERVICE_CONTINUOUS_ANALYSIS_H_
