// An internal-access finding in AWS IAM Access Analyzer's shape (Access Analyzer API Reference,
// "InternalAccessDetails", finding type "InternalAccess"): a principal inside the zone of trust (an
// IAM role or user of the account or of the organization) that can perform `actions` on a critical
// resource under `condition`, with the restriction SCPs and RCPs put on it; plus what Perimeter
// adds, as for external access (finding.h): a witness request the concrete evaluator allows and the
// statements that grant it. docs/internal-access.md describes how they are computed.
#ifndef PERIMETER_FINDINGS_INTERNAL_ACCESS_FINDING_H_
#define PERIMETER_FINDINGS_INTERNAL_ACCESS_FINDING_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/findings/finding.h"
#include "perimeter/findings/internal_access_details.h"

namespace perimeter::findings {

struct InternalAccessFinding {
  std::string id;  // stable: StableIdOfKey(InternalAccessFindingKey(...))
  std::string resource;
  std::string resource_type;  // "AWS::S3::Bucket"
  std::string resource_owner_account;
  std::map<std::string, std::string> principal;  // {"AWS": role or user ARN}; empty on errors
  std::string principal_owner_account;
  InternalPrincipalType principal_type = InternalPrincipalType::kIamRole;
  InternalAccessType access_type = InternalAccessType::kIntraAccount;
  std::vector<std::string> actions;              // sorted, AWS's spelling
  std::map<std::string, std::string> condition;  // restricting conditions, {} when none
  std::vector<FindingSource> sources;
  ControlPolicyRestriction service_control_policy_restriction =
      ControlPolicyRestriction::kNotApplicable;
  ControlPolicyRestriction resource_control_policy_restriction =
      ControlPolicyRestriction::kNotApplicable;
  // Error findings: the analysis could not decide for this resource (and principal, when named):
  // "INTERNAL_ERROR" with a reason. Never "no access".
  std::optional<std::string> error;
  std::string error_reason;
  std::optional<Witness> witness;
  // The statements that allow the witness, every policy the decision needed: "resource",
  // "identity <policy name>", "permissionsBoundary <arn>", "scp <id>", "rcp <id>".
  std::vector<StatementRef> explanation;
};

// The finding's identity for lifecycle purposes: "InternalAccess", resource, principal, condition,
// sources and error. Two analyses that find the same access give the same key.
std::string InternalAccessFindingKey(const InternalAccessFinding& finding);

// The finding as JSON: AWS's FindingV2 members that the analysis knows (id, resource,
// resourceType, resourceOwnerAccount, findingType "InternalAccess", status "ACTIVE", error) and
// `findingDetails: [{"internalAccessDetails": {...}}]`, plus Perimeter's `errorReason`, `witness`
// and `explanation`. Compact (indent -1), or one member a line indented by `indent` spaces.
std::string InternalAccessFindingToJson(const InternalAccessFinding& finding, int indent = -1);

}  // namespace perimeter::findings

#endif  // PERIMETER_FINDINGS_INTERNAL_ACCESS_FINDING_H_
