// The unused-access analysis of IAM Access Analyzer (IAM User Guide, "IAM Access Analyzer
// findings" and "Review findings for unused access"; API Reference, "UnusedAccessConfiguration"):
// for each IAM role and user of the zone, the finding types
//   UnusedIAMRole           a role not used within unusedAccessAge days,
//   UnusedIAMUserAccessKey  an active access key not used within the age (one finding per key),
//   UnusedIAMUserPassword   a console password not used within the age,
//   UnusedPermission        services (and, where AWS tracks them, actions) that the principal's
//                           identity-based policies allow but that were not used within the age.
//
// Pure: `now` is passed in; nothing is read from a clock or a file.
//
// Never "unused" by default: a credential, role or permission whose last-used data is missing is
// reported as Undecided with the reason, and no finding is made for it. A credential or role never
// used is unused only when it is older than the age (its creation date is known and earlier than
// now - age); otherwise it is undecided (creation unknown) or simply not yet unused.
//
// Service level or action level (IAM User Guide, "Refining permissions in AWS using last accessed
// information", "IAM action last accessed information services and actions"): AWS tracks actions
// for a list of services; get-service-last-accessed-details --granularity ACTION_LEVEL returns
// TrackedActionsLastAccessed exactly for those. The analysis follows the data: a service with
// tracked actions gets action-level findings, the others service-level ones. An allowed action
// the tracked list does not name is never reported unused.
#ifndef PERIMETER_UNUSED_UNUSED_ACCESS_H_
#define PERIMETER_UNUSED_UNUSED_ACCESS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "perimeter/findings/unused_access_finding.h"
#include "perimeter/unused/unused_access_input.h"

namespace perimeter::unused {

// API Reference, "UnusedAccessConfiguration" and "AnalysisRule" / "AnalysisRuleCriteria".
struct UnusedAccessConfiguration {
  int unused_access_age_days = 90;  // AWS: 1 to 365, default 90
  // A principal is excluded when its account is in `account_ids` of an exclusion, or when it
  // carries every tag of one `resource_tags` map of an exclusion.
  struct Exclusion {
    std::vector<std::string> account_ids;
    std::vector<std::map<std::string, std::string>> resource_tags;
  };
  std::vector<Exclusion> exclusions;
};

// The zone: ACCOUNT_UNUSED_ACCESS analyzes the principals of one account,
// ORGANIZATION_UNUSED_ACCESS those of every account of the organization.
struct UnusedAccessZone {
  enum class Kind { kAccount, kOrganization };
  Kind kind = Kind::kAccount;
  std::string account;                       // kAccount
  std::vector<std::string> member_accounts;  // kOrganization
};

// Something the analysis could not decide for want of data, or a policy it could not read.
struct Undecided {
  std::string principal_arn;
  std::string what;    // "role", "password", "access key AKIA...", "permissions", "policy ..."
  std::string reason;  // for people
};

struct UnusedAccessResult {
  std::vector<findings::UnusedAccessFinding> findings;  // principal order, then finding type
  std::vector<Undecided> undecided;
  size_t principals_analyzed = 0;
  size_t principals_excluded = 0;
};

// Analyzes `principals` against the zone and the configuration at time `now`.
UnusedAccessResult AnalyzeUnusedAccess(const std::vector<IamPrincipal>& principals,
                                       const UnusedAccessZone& zone,
                                       const UnusedAccessConfiguration& configuration,
                                       absl::Time now);

}  // namespace perimeter::unused

#endif  // PERIMETER_UNUSED_UNUSED_ACCESS_H_
