// What the unused-access analysis reads: the IAM principals of the zone with their identity-based
// policies, and the last-used data AWS exports for them. docs/inventory.md ("Unused access
// inputs") says where each field comes from; aws_exports.h reads AWS's own outputs into these.
//
// Every "last used" value keeps the difference AWS's outputs make between "never used" (an empty
// RoleLastUsed, "N/A" or "no_information" in the credential report, a service without
// LastAuthenticated) and "not known" (the data was not given): the analysis reports the second as
// undecided, never as unused.
#ifndef PERIMETER_UNUSED_UNUSED_ACCESS_INPUT_H_
#define PERIMETER_UNUSED_UNUSED_ACCESS_INPUT_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace perimeter::unused {

// When a credential or permission was last used, as far as the data says.
struct LastUsed {
  enum class State {
    kUnknown,    // no data was given
    kNeverUsed,  // the data says it was not used within AWS's tracking period
    kUsed,       // used at `when`
  };
  State state = State::kUnknown;
  absl::Time when;  // kUsed only

  static LastUsed Unknown() { return {}; }
  static LastUsed Never() { return {State::kNeverUsed, absl::InfinitePast()}; }
  static LastUsed At(absl::Time t) { return {State::kUsed, t}; }
};

enum class PrincipalKind { kIamRole, kIamUser };

// An identity-based policy of a principal: an inline policy, or a managed policy attached to the
// principal or to one of its groups.
struct IdentityPolicy {
  // The id AWS's GetFindingRecommendation names in `existingPolicyId`: the managed policy's ARN, or
  // the inline policy's name.
  std::string id;
  bool managed = false;
  std::string document;  // the policy JSON
};

// One access key of an IAM user (credential report: access_key_N_*; or ListAccessKeys).
struct AccessKey {
  std::string id;  // "AKIA..."; the credential report does not give it: "access_key_1"
  bool active = true;
  std::optional<absl::Time> created;  // access_key_N_last_rotated: creation or last rotation
  LastUsed last_used;
};

struct ServiceActivity {
  std::string service_namespace;  // "s3"
  LastUsed last_authenticated;
  // Present when AWS tracks the service's actions (get-service-last-accessed-details with
  // --granularity ACTION_LEVEL lists TrackedActionsLastAccessed): action ("s3:GetObject", as AWS
  // spells it) -> last accessed. Absent: only service-level data exists for the service.
  std::optional<std::map<std::string, LastUsed>> actions;
};

struct IamPrincipal {
  PrincipalKind kind = PrincipalKind::kIamRole;
  std::string arn;
  std::string account;
  std::map<std::string, std::string> tags;
  std::optional<absl::Time> created;
  std::vector<IdentityPolicy> policies;
  // Policies the input names but does not hold (a managed policy missing from the Policies list):
  // the permissions analysis is undecided while one is missing.
  std::vector<std::string> missing_policies;
  bool service_linked = false;  // roles under /aws-service-role/

  // Roles: RoleLastUsed of get-account-authorization-details.
  LastUsed role_last_used;
  // Users: the console password (credential report: password_enabled, password_last_used,
  // password_last_changed). nullopt: not known whether the user has one.
  std::optional<bool> password_enabled;
  std::optional<absl::Time> password_changed;
  LastUsed password_last_used;
  // Users: nullopt when no credential report or key data covers the user.
  std::optional<std::vector<AccessKey>> access_keys;
  // get-service-last-accessed-details for this principal; nullopt when not given.
  std::optional<std::vector<ServiceActivity>> services;
};

}  // namespace perimeter::unused

#endif  // PERIMETER_UNUSED_UNUSED_ACCESS_INPUT_H_
