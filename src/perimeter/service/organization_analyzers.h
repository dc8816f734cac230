// The organization rules of ORGANIZATION-zone analyzers (IAM User Guide, "Settings for IAM Access
// Analyzer" and "Enabling IAM Access Analyzer"; docs/access-analyzer-rules.md): an organization
// analyzer runs only in the organization's management account or its delegated administrator for
// access-analyzer.amazonaws.com, and only while trusted access for that service is enabled. When
// either is lost its analyzers become DISABLED with the reason, and ACTIVE again when it is
// restored [PROP: AWS documents the disabling only].
//
// Domain rules: the api/ operations turn a reason into AWS's error (api/internal/
// operation_support.h), the server calls RefreshOrganizationAnalyzers when Organizations changes.
#ifndef PERIMETER_SERVICE_ORGANIZATION_ANALYZERS_H_
#define PERIMETER_SERVICE_ORGANIZATION_ANALYZERS_H_

#include <functional>
#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "perimeter/service/continuous_analysis.h"
#include "perimeter/service/environment.h"
#include "perimeter/store/store.h"

namespace perimeter::service {

// Why an ORGANIZATION-zone analyzer of `account` cannot run now; nullopt when it can. In order:
// kOrganizationDeleted (no organization, or `account` not a member), then
// kDelegatedAdministratorDeregistered (neither the management account nor a registered delegated
// administrator for access-analyzer.amazonaws.com), then kAwsServiceAccessDisabled (trusted access
// not enabled). Reads the store's Organizations state; a failure to read it counts as not
// registered / not enabled (the analyzer is refused, never run without the organization's consent).
std::optional<store::StatusReasonCode> OrganizationAnalyzerBlock(std::string_view account,
                                                                 const Environment& environment,
                                                                 store::Store& store);

// Applies `block` (OrganizationAnalyzerBlock of the analyzer's account) to the status of an
// ORGANIZATION-zone analyzer: ACTIVE becomes DISABLED with the reason, DISABLED becomes ACTIVE
// when nothing blocks it (`reactivated` set), a DISABLED analyzer's reason follows the block.
// Returns whether `analyzer` changed. Other statuses (CREATING, FAILED) are left alone.
bool ApplyOrganizationBlock(store::Analyzer& analyzer,
                            const std::optional<store::StatusReasonCode>& block, bool& reactivated);

// The findings of an organization analyzer whose account was deregistered as delegated
// administrator are not accessible until it is registered again (IAM User Guide, "Settings for IAM
// Access Analyzer": the former administrator "loses permission to all analyzers that were created
// using that account to analyze access across the organization. These analyzers move to a disabled
// state and no longer generate new or update existing findings. The existing findings for these
// analyzers are also no longer accessible"). The analyzer itself stays visible and can be deleted.
bool FindingsAccessible(const store::Analyzer& analyzer);

// Re-derives the status of every ORGANIZATION-zone analyzer of the store from the organization's
// state (ApplyOrganizationBlock, each on the analyzer as stored at the time of the write:
// store::Store::ModifyAnalyzer), and schedules a full scan of each one that became ACTIVE again.
// REQUIRES: the caller serialises it with the other read-modify-writes of analyzers.
absl::Status RefreshOrganizationAnalyzers(store::Store& store, const Environment& environment,
                                          const std::function<void(ScanJob)>& schedule);

}  // namespace perimeter::service

#endif  // PERIMETER_SERVICE_ORGANIZATION_ANALYZERS_H_
