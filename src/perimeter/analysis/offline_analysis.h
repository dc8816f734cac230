// Offline analysis of whole inventories: every resource through resources::AnalyzeResource under
// the zone of trust the user chose, on several threads, with archive rules applied. The service
// behind `perimeter analyze`; no I/O (inputs are read by the caller, progress is a callback).
#ifndef PERIMETER_ANALYSIS_OFFLINE_ANALYSIS_H_
#define PERIMETER_ANALYSIS_OFFLINE_ANALYSIS_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "perimeter/base/issue.h"
#include "perimeter/findings/archive_rule.h"
#include "perimeter/findings/finding_record.h"
#include "perimeter/resources/inventory.h"

namespace perimeter::analysis {

// Which zone of trust to analyze each resource against.
struct ZoneChoice {
  enum class Kind {
    kOwnerAccount,  // no option given: each resource's own account (an ACCOUNT analyzer per
                    // account)
    kAccount,       // --zone-account: one account
    kOrganization,  // --zone-org: every member of the organization
  };
  Kind kind = Kind::kOwnerAccount;
  std::string id;  // the account id or the organization id
};

// An input problem, named with its place.
struct InputError {
  std::string source;  // file name
  base::Issue issue;
};

struct OfflineAnalysisOptions {
  ZoneChoice zone;
  std::vector<findings::ArchiveRule> archive_rules;
  unsigned threads = 0;  // 0: one per core
  absl::Time now = absl::UnixEpoch();
  // Called from worker threads with (resources done, resources in all); may be empty.
  std::function<void(size_t, size_t)> progress;
};

struct OfflineSummary {
  size_t resources = 0;
  size_t findings = 0;  // every finding, archived included, error findings included
  size_t active = 0;  // findings not archived by a rule (error findings count: unknown is not safe)
  size_t archived = 0;
  size_t public_findings = 0;
  size_t error_findings = 0;
  size_t input_errors = 0;
  double seconds = 0;
};

struct OfflineReport {
  // Findings in a stable order: resources in input order, each resource's findings as the engine
  // orders them. Status ACTIVE or ARCHIVED.
  std::vector<findings::FindingRecord> findings;
  // For each finding: where its resource was read (for SARIF and messages).
  std::vector<const resources::Resource*> finding_resources;
  std::vector<InputError> errors;
  OfflineSummary summary;
};

// Receives the findings of an analysis in input order, one call at a time (never two at once), as
// soon as each resource's turn comes: a report written as it goes (report/) or a collector.
class FindingSink {
 public:
  virtual ~FindingSink() = default;
  // `resource` is where the finding's resource was read; valid during the call only.
  virtual void Add(const findings::FindingRecord& record, const resources::Resource& resource) = 0;
};

// Analyzes every resource of `inventories`. Fails (InvalidArgument) only when the zone cannot be
// built:
// --zone-org naming an organization that no organization record describes. The returned report
// points into `inventories`, which must outlive it.
absl::StatusOr<OfflineReport> AnalyzeInventories(
    const std::vector<resources::Inventory>& inventories, const OfflineAnalysisOptions& options);

}  // namespace perimeter::analysis

#endif  // PERIMETER_ANALYSIS_OFFLINE_ANALYSIS_H_
