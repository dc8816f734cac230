// The members of AWS's InternalAccessDetails (Access Analyzer API Reference,
// "InternalAccessDetails") that a stored finding (finding.h) keeps beside the access members it
// shares with external access (principal, action, condition, sources): whose principal it is, what
// kind, and how SCPs and RCPs bear on the access. Kept apart from internal_access_finding.h so that
// finding.h can hold them.
#ifndef PERIMETER_FINDINGS_INTERNAL_ACCESS_DETAILS_H_
#define PERIMETER_FINDINGS_INTERNAL_ACCESS_DETAILS_H_

#include <string>
#include <string_view>

namespace perimeter::findings {

// InternalAccessDetails.accessType: the principal's account is the resource's (INTRA_ACCOUNT), or
// another account of the organization (INTRA_ORG).
enum class InternalAccessType { kIntraAccount, kIntraOrg };
std::string_view InternalAccessTypeName(InternalAccessType type);  // "INTRA_ACCOUNT", ...

// InternalAccessDetails.principalType.
enum class InternalPrincipalType { kIamRole, kIamUser };
std::string_view InternalPrincipalTypeName(InternalPrincipalType type);  // "IAM_ROLE", "IAM_USER"

// InternalAccessDetails.serviceControlPolicyRestriction / resourceControlPolicyRestriction
// (API Reference, ibid.): APPLIED — the organization has such policies and they were part of the
// evaluation (ORGANIZATION zone only); APPLICABLE — it has some but they were not evaluated
// (ACCOUNT zone only); NOT_APPLICABLE — none applies; FAILED_TO_EVALUATE_SCP / _RCP — a policy
// could not be read.
enum class ControlPolicyRestriction { kApplied, kApplicable, kNotApplicable, kFailedToEvaluate };
// "APPLIED", "APPLICABLE", "NOT_APPLICABLE", "FAILED_TO_EVALUATE_SCP" / "FAILED_TO_EVALUATE_RCP".
std::string_view ControlPolicyRestrictionName(ControlPolicyRestriction restriction, bool rcp);

// The InternalAccessDetails members a stored Finding adds to its access members.
struct InternalAccessDetails {
  std::string principal_owner_account;
  InternalPrincipalType principal_type = InternalPrincipalType::kIamRole;
  InternalAccessType access_type = InternalAccessType::kIntraAccount;
  ControlPolicyRestriction service_control_policy_restriction =
      ControlPolicyRestriction::kNotApplicable;
  ControlPolicyRestriction resource_control_policy_restriction =
      ControlPolicyRestriction::kNotApplicable;

  friend bool operator==(const InternalAccessDetails&, const InternalAccessDetails&) = default;
};

}  // namespace perimeter::findings

#endif  // PERIMETER_FINDINGS_INTERNAL_ACCESS_DETAILS_H_
