#include "perimeter/service/organization_analyzers.h"

#include <vector>

#include "perimeter/base/status_macros.h"

namespace perimeter::service {

std::optional<store::StatusReasonCode> OrganizationAnalyzerBlock(std::string_view account,
                                                                 const Environment& environment,
                                                                 store::Store& store) {
  if (!environment.organization || !environment.IsMember(account)) {
    return store::StatusReasonCode::kOrganizationDeleted;
  }
  absl::StatusOr<std::vector<store::ServiceAccess>> access = store.ListServiceAccess();
  bool enabled = false;
  if (access.ok()) {
    for (const store::ServiceAccess& entry : *access) {
      if (entry.service_principal == kAccessAnalyzerPrincipal) enabled = true;
    }
  }
  bool administrator = environment.organization->management_account == account;
  absl::StatusOr<std::vector<store::DelegatedAdministrator>> administrators =
      store.ListDelegatedAdministrators();
  if (administrators.ok()) {
    for (const store::DelegatedAdministrator& entry : *administrators) {
      if (entry.account_id == account && entry.service_principal == kAccessAnalyzerPrincipal)
        administrator = true;
    }
  }
  if (!administrator) return store::StatusReasonCode::kDelegatedAdministratorDeregistered;
  if (!enabled) return store::StatusReasonCode::kAwsServiceAccessDisabled;
  return std::nullopt;
}

bool ApplyOrganizationBlock(store::Analyzer& analyzer,
                            const std::optional<store::StatusReasonCode>& block,
                            bool& reactivated) {
  if (block && analyzer.status == store::AnalyzerStatus::kActive) {
    analyzer.status = store::AnalyzerStatus::kDisabled;
    analyzer.status_reason = block;
    return true;
  }
  if (!block && analyzer.status == store::AnalyzerStatus::kDisabled) {
    analyzer.status = store::AnalyzerStatus::kActive;
    analyzer.status_reason.reset();
    reactivated = true;
    return true;
  }
  if (block && analyzer.status == store::AnalyzerStatus::kDisabled &&
      analyzer.status_reason != block) {
    analyzer.status_reason = block;
    return true;
  }
  return false;
}

bool FindingsAccessible(const store::Analyzer& analyzer) {
  return !store::IsOrganizationType(analyzer.type) ||
         analyzer.status != store::AnalyzerStatus::kDisabled ||
         analyzer.status_reason != store::StatusReasonCode::kDelegatedAdministratorDeregistered;
}

absl::Status RefreshOrganizationAnalyzers(store::Store& store, const Environment& environment,
                                          const std::function<void(ScanJob)>& schedule) {
  ASSIGN_OR_RETURN(std::vector<store::Analyzer> analyzers, store.ListAnalyzers());
  for (const store::Analyzer& listed : analyzers) {
    if (!store::IsOrganizationType(listed.type)) continue;
    std::optional<store::StatusReasonCode> block =
        OrganizationAnalyzerBlock(listed.account_id, environment, store);
    bool reactivated = false;
    // Only the status, on the analyzer as stored now (the analysis may be recording its last
    // resource).
    ASSIGN_OR_RETURN(bool written, store.ModifyAnalyzer(listed.arn, [&](store::Analyzer& analyzer) {
      return ApplyOrganizationBlock(analyzer, block, reactivated);
    }));
    if (written && reactivated) schedule(ScanJob{listed.arn, std::nullopt});
  }
  return absl::OkStatus();
}

}  // namespace perimeter::service
