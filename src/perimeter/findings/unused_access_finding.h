// An unused-access finding in IAM Access Analyzer's shape (Access Analyzer API Reference,
// "GetFindingV2", "FindingDetails", "UnusedIamRoleDetails", "UnusedIamUserAccessKeyDetails",
// "UnusedIamUserPasswordDetails", "UnusedPermissionDetails", "UnusedAction"). The resource of such
// a finding is the IAM principal (role or user) itself.
//
// FindingType lists the finding types of every analyzer family, so that the store and the API can
// carry all of them: kExternalAccess (findings/finding.h), kInternalAccess (analysed elsewhere),
// and the four unused-access types.
#ifndef PERIMETER_FINDINGS_UNUSED_ACCESS_FINDING_H_
#define PERIMETER_FINDINGS_UNUSED_ACCESS_FINDING_H_

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/time/time.h"
#include "perimeter/json/document.h"
#include "perimeter/json/writer.h"

namespace perimeter::findings {

// AWS's `findingType` values (API Reference, "FindingSummaryV2").
enum class FindingType {
  kExternalAccess,
  kInternalAccess,
  kUnusedIamRole,
  kUnusedIamUserAccessKey,
  kUnusedIamUserPassword,
  kUnusedPermission,
};

// The inverse of FindingTypeName; nullopt for another text.
std::optional<FindingType> ParseFindingType(std::string_view name);

// "ExternalAccess", "InternalAccess", "UnusedIAMRole", "UnusedIAMUserAccessKey",
// "UnusedIAMUserPassword", "UnusedPermission".
inline std::string_view FindingTypeName(FindingType type) {
  switch (type) {
    case FindingType::kExternalAccess:
      return "ExternalAccess";
    case FindingType::kInternalAccess:
      return "InternalAccess";
    case FindingType::kUnusedIamRole:
      return "UnusedIAMRole";
    case FindingType::kUnusedIamUserAccessKey:
      return "UnusedIAMUserAccessKey";
    case FindingType::kUnusedIamUserPassword:
      return "UnusedIAMUserPassword";
    case FindingType::kUnusedPermission:
      return "UnusedPermission";
  }
  return "";  // unreachable: the switch covers every enumerator (-Werror=switch)
}

struct UnusedIamRoleDetails {
  std::optional<absl::Time> last_accessed;  // absent: never used in AWS's tracking period
};

struct UnusedIamUserAccessKeyDetails {
  std::string access_key_id;
  std::optional<absl::Time> last_accessed;
};

struct UnusedIamUserPasswordDetails {
  std::optional<absl::Time> last_accessed;
};

struct UnusedAction {
  std::string action;  // "s3:GetObject"
  std::optional<absl::Time> last_accessed;
};

struct UnusedPermissionDetails {
  std::string service_namespace;  // "s3"
  // The unused actions, for services AWS tracks at action level; empty for a service tracked at
  // service level (the whole service is unused).
  std::vector<UnusedAction> actions;
  std::optional<absl::Time> last_accessed;  // of the service
};

// One member of AWS's FindingDetails union. The internal-access analysis adds its own member here
// (InternalAccessDetails) when it is wired into the store.
using UnusedFindingDetails = std::variant<UnusedIamRoleDetails, UnusedIamUserAccessKeyDetails,
                                          UnusedIamUserPasswordDetails, UnusedPermissionDetails>;

struct UnusedAccessFinding {
  FindingType type = FindingType::kUnusedIamRole;
  std::string resource;                // the principal's ARN
  std::string resource_type;           // "AWS::IAM::Role" or "AWS::IAM::User"
  std::string resource_owner_account;  // the principal's account
  // One entry for a role, key or password finding; one per unused service for UnusedPermission.
  std::vector<UnusedFindingDetails> details;
};

// The finding's identity for the lifecycle: type, principal and, for an access key, its id. The
// services of an UnusedPermission finding are its details, not its identity: AWS keeps one such
// finding per principal and updates its details as usage changes.
std::string UnusedFindingKey(const UnusedAccessFinding& finding);

// StableIdOfKey(UnusedFindingKey(finding)).
std::string UnusedFindingId(const UnusedAccessFinding& finding);

// Writes one FindingDetails union value: {"unusedIamRoleDetails": {...}},
// {"unusedPermissionDetails":
// {"serviceNamespace", "actions": [{"action", "lastAccessed"}], "lastAccessed"}}, ... Times in
// FormatTimestamp's form (finding_record.h); absent times are left out, as AWS does.
void WriteUnusedFindingDetails(json::Writer& w, const UnusedFindingDetails& details);

// The inverse of WriteUnusedFindingDetails; nullopt for anything it does not write.
std::optional<UnusedFindingDetails> ParseUnusedFindingDetails(const json::Value& value);

}  // namespace perimeter::findings

#endif  // PERIMETER_FINDINGS_UNUSED_ACCESS_FINDING_H_
