// The principals the engine tries: one per class of callers that the policy cannot tell apart, and
// only those outside the zone of trust (principals inside it are never reported).
//
// Classes come from the policy's own constants (Principal values; aws:PrincipalAccount,
// kms:CallerAccount, aws:PrincipalArn, aws:PrincipalOrgID and aws:PrincipalOrgPaths conditions):
// - accounts: every account the policy names, one account it does not name, one per region of the
//   Venn diagram of account patterns ("arn:aws:iam::1111*:root", StringLike aws:PrincipalAccount
//   "1111*"), and — for an ACCOUNT zone in a known organization — one other member account (same
//   organization, still external) per class of members that the policy's account and OU path
//   patterns tell apart;
// - per account: its root, and one role, user, role session or federated user per region of the
// Venn
//   diagram of the ARN patterns (string_partition.h), so "arn:aws:iam::*:role/deploy", "role/app-*"
//   and "arn:aws:sts::1:assumed-role/*" each get a caller;
// - per external account outside the zone's organization: no organization, each organization id
//   class the policy's conditions distinguish (aws:PrincipalOrgID values, and the organization
//   segments of aws:PrincipalOrgPaths values: "o-other/*" names members of o-other), and within
//   each, each OU path class;
// - an anonymous caller; each Federated and CanonicalUser value the policy names.
// Service principals are not candidates: Access Analyzer does not report them
// (docs/access-analyzer-rules.md §1.3).
#ifndef PERIMETER_REASONING_CANDIDATE_PRINCIPALS_H_
#define PERIMETER_REASONING_CANDIDATE_PRINCIPALS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "perimeter/eval/request.h"
#include "perimeter/policy/policy.h"
#include "perimeter/reasoning/zone_of_trust.h"

namespace perimeter::reasoning {

struct CandidatePrincipalOptions {
  std::string partition = "aws";  // the resource's partition: principals sign in the same one
  size_t max_candidates = 4096;   // more is refused (an error, never a silent cut)
};

// Every candidate external principal for `policy`, deterministic in order.
absl::StatusOr<std::vector<eval::RequestPrincipal>> BuildCandidatePrincipals(
    const policy::Policy& policy, const ZoneOfTrust& zone,
    const CandidatePrincipalOptions& options = {});

}  // namespace perimeter::reasoning

#endif  // PERIMETER_REASONING_CANDIDATE_PRINCIPALS_H_
