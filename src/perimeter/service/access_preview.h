// Access previews (Access Analyzer API: CreateAccessPreview, GetAccessPreview,
// ListAccessPreviewFindings; IAM User Guide, "Previewing access with IAM Access Analyzer APIs"):
// the findings an analyzer would report for resources under proposed configurations, compared with
// its current findings. Pure: the caller passes the current inventory, findings, archive rules and
// the time; nothing is stored here, and the analyzer's own findings are never touched.
//
// Semantics (docs/previews.md):
//  * A proposed configuration is the Configuration union (one member: s3Bucket, iamRole, kmsKey,
//    ...) as the inventory's `configuration` (docs/inventory.md). For a resource the inventory
//    holds, a member the proposal leaves out keeps its current value ("If the configuration is for
//    an existing Amazon S3 bucket and you do not specify the Amazon S3 bucket policy, the access
//    preview uses the existing policy attached to the bucket ... To propose deletion of an existing
//    bucket policy, you can specify an empty string": API reference, S3BucketConfiguration; the
//    same wording for every configuration type); access points are merged by ARN. A resource the
//    inventory does not hold is new.
//  * The resource is analyzed with resources::AnalyzeResource, as the continuous analysis does,
//    and the result goes through the same lifecycle (findings/lifecycle.h) against the analyzer's
//    current findings of that resource: new access is NEW (ACTIVE, or ARCHIVED when an archive
//    rule matches), a current finding still granted is UNCHANGED, a current finding whose access
//    is removed is CHANGED to RESOLVED, a RESOLVED finding whose access returns is CHANGED to
//    ACTIVE/ARCHIVED (AccessPreviewFinding.changeType in the API reference).
//  * A configuration AWS would reject — not one known union member, an ARN that is not one of the
//    type's or names another account than the analyzer's, a member of the wrong shape, a policy
//    that does not parse — makes the whole preview FAILED with statusReason INVALID_CONFIGURATION
//    (AccessPreviewStatusReason: "INVALID_CONFIGURATION" when the configuration is invalid,
//    "INTERNAL_ERROR" for the service's own failures) and a message naming the resource and the
//    problem. A preview has findings only when COMPLETED.
#ifndef PERIMETER_SERVICE_ACCESS_PREVIEW_H_
#define PERIMETER_SERVICE_ACCESS_PREVIEW_H_

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "perimeter/base/issue.h"
#include "perimeter/findings/access_preview_finding.h"
#include "perimeter/findings/archive_rule.h"
#include "perimeter/findings/finding_record.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"
#include "perimeter/service/continuous_analysis.h"
#include "perimeter/store/store.h"

namespace perimeter::service {

// AccessPreview.status.
enum class AccessPreviewStatus { kCreating, kCompleted, kFailed };
std::string_view AccessPreviewStatusName(AccessPreviewStatus status);  // "CREATING", ...
std::optional<AccessPreviewStatus> ParseAccessPreviewStatus(std::string_view name);

// AccessPreviewStatusReason.code.
enum class AccessPreviewFailure { kInternalError, kInvalidConfiguration };
std::string_view AccessPreviewFailureName(AccessPreviewFailure failure);  // "INTERNAL_ERROR", ...
std::optional<AccessPreviewFailure> ParseAccessPreviewFailure(std::string_view name);

// One entry of CreateAccessPreview's `configurations`: resource ARN -> Configuration union.
struct ProposedConfiguration {
  std::string resource_arn;
  std::string configuration_json;  // the union object, {"s3Bucket": {...}}
};

// The analyzer the preview is for, and the preview's identity.
struct PreviewScope {
  std::string account_id;  // the analyzer's account: the previewed resources are its own
  std::string region;      // the analyzer's region (S3 buckets' ARNs name none)
  std::string scope;       // findings::LifecycleFindingId scope of the analyzer's findings
  std::string preview_id;  // the preview finding ids are derived from it
  absl::Time now = absl::UnixEpoch();
};

// What the preview reads about the current state.
struct PreviewState {
  const reasoning::ZoneOfTrust* zone = nullptr;  // REQUIRES: not null
  // The analyzer account's current record of a resource, or null (a new resource). May be empty.
  std::function<const resources::Resource*(std::string_view arn)> current_resource;
  const resources::AccountSettings* account = nullptr;  // the account's settings, if any
  // The analyzer's current findings (any status) of the previewed resources; others are ignored.
  std::span<const findings::FindingRecord> existing;
  std::span<const findings::ArchiveRule> archive_rules;  // the analyzer's, in order
};

struct AccessPreviewResult {
  AccessPreviewStatus status = AccessPreviewStatus::kCompleted;
  std::optional<AccessPreviewFailure> failure;  // set iff kFailed
  std::string message;                          // why it failed; "" otherwise
  // Sorted by resource, then id. Empty unless kCompleted.
  std::vector<findings::AccessPreviewFinding> findings;
  // Problems of the proposed configurations (warnings too), positioned in the record text built
  // for the resource (source name: the resource ARN).
  std::vector<base::Issue> issues;
};

// Computes the preview of `proposed` (REQUIRES: not empty; ARNs distinct). Never fails: problems
// of the configurations give kFailed.
AccessPreviewResult ComputeAccessPreview(std::span<const ProposedConfiguration> proposed,
                                         const PreviewScope& scope, const PreviewState& state);

// The preview of `proposed` for an external-access analyzer of the server: its zone of trust
// (ZoneOf), the analyzer account's records in `catalog`, the analyzer's archive rules and its
// current findings of the previewed resources read from `store`. An ORGANIZATION analyzer without
// an organization has no zone: the preview fails with INTERNAL_ERROR. Errors: the store's.
absl::StatusOr<AccessPreviewResult> PreviewForAnalyzer(
    store::Store& store, const store::Analyzer& analyzer, const Environment& environment,
    const ResourceCatalog& catalog, std::span<const ProposedConfiguration> proposed,
    std::string_view preview_id, absl::Time now);

}  // namespace perimeter::service

#endif  // PERIMETER_SERVICE_ACCESS_PREVIEW_H_
