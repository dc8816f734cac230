// The Z3 reference oracle for the external-access engine: a symbolic encoding of one resource
// policy and the question "is there a request that the policy allows, whose principal is outside
// the zone of trust, and that no finding covers?". UNSAT proves the findings a cover; SAT gives a
// counterexample request; a timeout or a solver that gives up is unknown — reported, never read as
// a pass.
//
// The encoding (one request, every part a typed variable):
//   principal  kind (IAM user, role, role session, federated user, account root, web identity /
//   SAML,
//              canonical user, anonymous; service principals are never external), account (12
//              digits), ARN built from partition, account, path and name, organization id and OU
//              paths (members of the zone's organization carry its id and their path; other
//              accounts any other organization or none);
//   action     a string, one of the model's target actions (lower-cased; Action patterns are
//              case-insensitive globs over it);
//   resource   a string matching a target ARN pattern; Resource patterns as component-wise ARN
//              regular languages (policy::ArnMatches);
//   context    per condition key: presence, then one value (single-valued keys) or up to
//              CoverOptions::max_set_size values (multivalued keys), each read as the operators
//              read it: string (regular membership for *Like / Arn*, ASCII case folding for
//              *IgnoreCase), number (an integer scaled past the policy's decimals), date (epoch
//              nanoseconds), IP (v6 flag and a 128-bit vector), boolean, decoded binary; each typed
//              view has a "readable" flag, since an unreadable request value matches no positive
//              operator. Keys AWS derives from the principal (aws:PrincipalArn,
//              aws:PrincipalAccount, aws:PrincipalType, aws:PrincipalIsAWSService,
//              aws:PrincipalOrgID, aws:PrincipalOrgPaths, kms:CallerAccount, aws:username for
//              users, aws:userid for the root and federated users) are tied to the principal.
//   gate       with a gate policy (external_access.h GatePolicy): a second resource string, the
//              request's with the target's ARN prefix swapped (gate_map), read by the gate's
//              statements;
//   allowed    = (∨ Allow statements) ∧ ¬(∨ Deny statements), per policy (both must allow under a
//              gate), each statement = Principal/NotPrincipal
//              ∧ Action/NotAction ∧ Resource/NotResource ∧ all conditions, mirroring
//              eval::CompiledPolicy and eval::CompiledCondition (absent keys, IfExists, Null,
//              ForAllValues / ForAnyValue, invalid values failing closed).
//   covered    = ∨ over non-error findings of the finding's region (finding_region.h).
//
// Approximations, all recorded here:
// - over (more requests allowed than real, so a "covered" answer stays a proof): a condition or
//   Resource pattern with policy variables is an unconstrained boolean; a key read by operators of
//   different types gets independent typed views; numeric views of principal-derived keys are free.
// - under (requests not explored): strings are printable ASCII without '\'; the principal signs in
//   the resource's partition; multivalued keys carry at most max_set_size values and principals at
//   most max_org_paths OU paths; IAM names use IAM's name characters; numbers have at most the
//   policy's decimals plus one. A key is multivalued when AWS documents it so or when the policy
//   reads it with a set qualifier (as key_domain.h decides).
#ifndef PERIMETER_REASONING_Z3_COVER_ORACLE_H_
#define PERIMETER_REASONING_Z3_COVER_ORACLE_H_

#include <optional>
#include <string>
#include <vector>

#include "perimeter/eval/request.h"
#include "perimeter/findings/finding.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"

namespace perimeter::reasoning::z3 {

struct CoverOptions {
  size_t max_set_size = 3;   // values of one multivalued key in a request
  size_t max_org_paths = 1;  // OU paths of one principal
};

// Z3's check_result, with what the caller needs for each outcome.
struct CoverResult {
  enum class Kind { kCovered, kUncovered, kUnknown };
  Kind kind = Kind::kUnknown;
  // kUncovered: an allowed external request outside every finding, its context complete (principal
  // keys included), ready for the concrete evaluator.
  std::optional<eval::Request> counterexample;
  // kUnknown: why (timeout, solver incomplete, encoding error); kUncovered: the request, one line.
  std::string reason;
};

std::string_view CoverKindName(CoverResult::Kind kind);  // "covered", "uncovered", "unknown"

// Checks that `findings` cover every request that `model.policy` (and the gate policy, when the
// model has one) allows to a principal outside `zone`; findings are read against the statements of
// both. Error findings cover nothing. Never throws: Z3 errors become kUnknown with the message.
// REQUIRES: model.policy is not null.
CoverResult CheckCover(const AccessModel& model, const ZoneOfTrust& zone,
                       const std::vector<findings::Finding>& findings, unsigned timeout_ms,
                       const CoverOptions& options = {});

// The same encoding with no finding: is any external request allowed at all? (kCovered means
// "no external access"; kUncovered gives one.)
inline CoverResult FindExternalAccess(const AccessModel& model, const ZoneOfTrust& zone,
                                      unsigned timeout_ms, const CoverOptions& options = {}) {
  return CheckCover(model, zone, {}, timeout_ms, options);
}

}  // namespace perimeter::reasoning::z3

#endif  // PERIMETER_REASONING_Z3_COVER_ORACLE_H_
