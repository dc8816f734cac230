// The region of requests a finding stands for, read concretely. The Z3 cover oracle
// (cover_oracle.h) encodes the same region symbolically; the differential tests use this reading to
// decide whether an allowed external request is covered; the engine's own cover check
// (external_access.h) reads it over its finite domains (FindingConditionBox). All read a finding
// the same way:
// - principal, as the finding names it:
//     {"AWS": "*"}                every principal;
//     {"AWS": "<account id>"}     every IAM principal of that account (the root ARN likewise);
//     {"AWS": "<ARN>"}            the principal with that ARN, or a session of the role with that
//     ARN;
//     {"AWS": "<ARN pattern>"}    IAM principals whose ARN, role ARN or account root ARN matches it
//                                 component by component (policy::ArnMatches);
//     {"Federated": p}            web identity / SAML callers of provider p;
//     {"CanonicalUser": id}       that canonical user;
// - actions: the request's action is one the finding lists (case-insensitively);
// - conditions: for each key = value of the finding's condition map, the request satisfies the
//   policy's own condition on that key restricted to that value ("aws:SourceIp = 203.0.113.0/24" is
//   IpAddress membership when the policy wrote IpAddress); when several conditions of the policy
//   name the pair, any of them will do; a value "v1,v2,..." that the policy does not write as such
//   stands for any of its parts; when nothing names the pair, the key must carry the value
//   verbatim. A negated condition of a Deny statement (no set qualifier) names the value a
//   request escapes the Deny with, and reads as its positive twin ("Deny StringNotEquals
//   aws:SourceVpc vpc-1" names aws:SourceVpc = vpc-1 as StringEquals; docs/access-analyzer-rules.md
//   §4.2). Keys the finding does not name are free (caller-controlled keys are never reported).
// Error findings cover nothing.
#ifndef PERIMETER_REASONING_FINDING_REGION_H_
#define PERIMETER_REASONING_FINDING_REGION_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/eval/request.h"
#include "perimeter/findings/finding.h"
#include "perimeter/policy/policy.h"
#include "perimeter/reasoning/box.h"
#include "perimeter/reasoning/key_domain.h"
#include "perimeter/reasoning/zone_of_trust.h"

namespace perimeter::reasoning {

// Whether a principal outside `zone` makes the request: service principals are never external
// (Access Analyzer does not report them), IAM principals are external when their account is outside
// the zone, every other kind (anonymous, web identity / SAML, canonical user) is external.
bool IsExternalPrincipal(const eval::RequestPrincipal& principal, const ZoneOfTrust& zone);

// Whether the request is external access: its principal is external, and no AWS service makes it on
// behalf of a resource of the zone — aws:SourceAccount or aws:SourceOwner naming a zone account,
// aws:SourceArn naming a resource of a zone account, aws:SourceOrgID naming the organization of an
// ORGANIZATION zone (the engine's reading, docs/access-analyzer-rules.md §3.3). Each of those keys
// counts when it carries exactly one value.
bool IsExternalRequest(const eval::Request& request, const ZoneOfTrust& zone);

// Whether the finding's principal map names `principal` (the rule above).
bool FindingNamesPrincipal(const std::map<std::string, std::string>& finding_principal,
                           const eval::RequestPrincipal& principal);

// The conditions of `policy` that a finding's "key = value" pair stands for: every condition on
// `key` (case-insensitive) that lists `value`, narrowed to that single value; for a comma-joined
// list of values no condition lists as such, the conditions naming each part. Empty when none does.
std::vector<policy::Condition> ConditionsNaming(const policy::Policy& policy, std::string_view key,
                                                std::string_view value);

// Whether `request` lies inside `finding`, `policy` being the policy the finding was computed from.
// REQUIRES: request.context already carries the principal's keys (eval::AddPrincipalContextKeys).
bool FindingContains(const findings::Finding& finding, const policy::Policy& policy,
                     const eval::Request& request);

class FindingCondition;

// A finding's conditions over finite key domains, compiled once: for each key of `domains`, the
// candidates that satisfy the finding's condition on that key (all of them when the finding names
// no such key); the finding's conditions on keys outside `domains` (keys derived from the caller)
// are checked per caller. The same reading as FindingContains, class by class.
class FindingConditionRegion {
 public:
  FindingConditionRegion(const findings::Finding& finding, const policy::Policy& policy,
                         const std::vector<KeyDomain>& domains);
  ~FindingConditionRegion();
  FindingConditionRegion(FindingConditionRegion&&) noexcept;
  FindingConditionRegion& operator=(FindingConditionRegion&&) noexcept;

  // The region over the domains' candidates.
  const Box& box() const { return box_; }
  // Whether the conditions on the caller's own keys hold for a caller with this context.
  bool HoldsForCaller(const eval::RequestContext& principal_context) const;

 private:
  Box box_;
  std::vector<FindingCondition> on_caller_;
};

}  // namespace perimeter::reasoning

#endif  // PERIMETER_REASONING_FINDING_REGION_H_
