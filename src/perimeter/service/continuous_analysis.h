// Continuous analysis of the imported environment by the external-access analyzers: which resources
// an analyzer sees, and applying a fresh analysis of them to its stored findings
// (findings/lifecycle.h).
//
// Scope, as AWS has it (IAM User Guide, "IAM Access Analyzer resource types for external access";
// docs/access-analyzer-rules.md §1.1, §5.3, §5.8): an analyzer sees only resources of its own
// region — IAM roles, being global, in every region that has an analyzer; an ACCOUNT analyzer only
// resources its account owns, an ORGANIZATION analyzer those of every member account. Only ACTIVE
// analyzers of type ACCOUNT or ORGANIZATION analyze (the unused- and internal-access analyses come
// later).
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
#include "perimeter/base/clock.h"
#include "perimeter/findings/archive_rule.h"
#include "perimeter/findings/finding.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"
#include "perimeter/service/environment.h"
#include "perimeter/store/store.h"
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
};

// The archive rules of an analyzer, parsed. Rules are stored only after validation: a rule that
// does not parse (corruption) is left out.
std::vector<findings::ArchiveRule> ParseArchiveRules(
    std::span<const store::ArchiveRuleRecord> records);

using CatalogSource = std::function<std::shared_ptr<const ResourceCatalog>()>;

// Work for the background analysis: a whole analyzer, or one resource for one analyzer.
struct ScanJob {
  std::string analyzer_arn;
  std::optional<std::string> resource_arn;
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
  // has its findings resolved.
  absl::Status ScanResource(std::string_view analyzer_arn, std::string_view resource_arn);
  // Re-analyzes one resource for every analyzer that sees it (after an import).
  absl::Status ScanResourceEverywhere(std::string_view resource_arn);
  // Every analyzer.
  absl::Status ScanAll();

  // Resources analyzed, then written in one store call (Store::ModifyResourcesFindings), at a time.
  static constexpr size_t kScanBatch = 256;

 private:
  absl::Status Scan(const store::Analyzer& analyzer, const std::vector<std::string>& resource_arns);

  store::Store& store_;
  EnvironmentSource environment_;
  CatalogSource catalog_;
  const base::Clock& clock_;
  absl::Duration retention_;
};

}  // namespace perimeter::service

#endif  // PERIMETER_SERVICE_CONTINUOUS_ANALYSIS_H_
