// The recommendation for an UnusedPermission finding (Access Analyzer API Reference,
// "GetFindingRecommendation", "RecommendedStep", "UnusedPermissionsRecommendedStep"): for each
// identity-based policy of the principal that allows something the finding reports unused,
// either DETACH_POLICY (nothing the policy allows was used) or CREATE_POLICY with a replacement
// policy that keeps exactly the actions that are not reported unused.
//
// The replacement keeps each Allow statement's Resource, NotResource and Condition as written and
// replaces its Action (or NotAction) with the kept actions: the statement's own patterns for a
// service all of whose granted actions are kept, "service:*" when the statement granted the whole
// service, otherwise the explicit action names. Deny statements are kept as written. A policy
// none of whose actions the finding names gets no step. Pure.
#ifndef PERIMETER_UNUSED_RECOMMENDATION_H_
#define PERIMETER_UNUSED_RECOMMENDATION_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/findings/unused_access_finding.h"
#include "perimeter/unused/unused_access_input.h"

namespace perimeter::unused {

enum class RecommendedAction { kCreatePolicy, kDetachPolicy };

std::string_view RecommendedActionName(RecommendedAction action);  // "CREATE_POLICY", ...

struct RecommendedStep {
  RecommendedAction action = RecommendedAction::kCreatePolicy;
  std::string existing_policy_id;                 // IdentityPolicy::id
  std::optional<std::string> recommended_policy;  // kCreatePolicy: the replacement policy JSON
};

struct Recommendation {
  std::vector<RecommendedStep> steps;  // in the principal's policy order
  // Policies that could not be read: no step is made for them (never a guess).
  std::vector<std::string> problems;
};

// REQUIRES: finding.type == FindingType::kUnusedPermission and finding.resource == principal.arn.
Recommendation RecommendPolicies(const IamPrincipal& principal,
                                 const findings::UnusedAccessFinding& finding);

}  // namespace perimeter::unused

#endif  // PERIMETER_UNUSED_RECOMMENDATION_H_
