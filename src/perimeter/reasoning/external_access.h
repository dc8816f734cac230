// The external-access engine: given a resource's policy and a zone of trust, every way a principal
// outside the zone can access the resource, as Access Analyzer findings — each with a witness
// request that the concrete evaluator allows, and the statements that grant it.
//
// Method (finite-domain reasoning; see string_partition.h, key_domain.h, candidate_principals.h):
// 1. policy variables that an external caller chooses are over-approximated (policy_abstraction.h);
// 2. every dimension of a request is cut into the classes the policy can tell apart: principals,
//    actions (by the policy's Action patterns), resources (by its Resource patterns, within the
//    resource's own ARNs), and the values of each condition key;
// 3. for each (principal, action class, resource class), the statements whose Principal, Action and
//    Resource match are "live"; each live statement's conditions are a box over the condition keys'
//    classes, and the allowed contexts are exactly ∪ Allow boxes − ∪ Deny boxes (box.h);
// 4. every live Allow statement with a non-empty remainder gives a finding: its principal as the
//    statement names it, its restricting conditions (condition_keys.h), the action class, and a
//    witness built from the remainder's first cell and checked with the concrete evaluator.
// 5. the cover check: every allowed external cell must lie inside some finding, the findings read
// as
//    finding_region.h reads them (independently of how step 4 built them); a gap is an error
//    finding.
// Because every class of every dimension is tried, the findings cover every allowed external
// request (step 5 checks the synthesis; the differential tests and the Z3 oracle check the
// classes), and because every finding has a checked witness, none is spurious.
//
// Anything the method cannot decide exactly (a key read by operators of different types, too many
// classes, a witness the evaluator rejects) gives an error finding with the reason: fail closed.
#ifndef PERIMETER_REASONING_EXTERNAL_ACCESS_H_
#define PERIMETER_REASONING_EXTERNAL_ACCESS_H_

#include <optional>
#include <string>
#include <vector>

#include "perimeter/eval/compiled_policy.h"
#include "perimeter/findings/finding.h"
#include "perimeter/reasoning/arn_prefix_map.h"
#include "perimeter/reasoning/zone_of_trust.h"

namespace perimeter::reasoning {

// A set of actions and the ARNs a request names when it performs them on the resource: for an S3
// bucket, the bucket actions with "arn:aws:s3:::b" and the object actions with "arn:aws:s3:::b/*".
struct ResourceTarget {
  std::vector<std::string> arn_patterns;  // globs: '*' is a wildcard
  std::vector<std::string> actions;       // "s3:GetObject", AWS's spelling
  // With a gate policy (AccessModel::gate): the ARN the gate sees for each ARN of this target.
  // REQUIRES then: every arn_pattern starts with gate_map->from_prefix, and to_prefix holds five
  // ':'.
  std::optional<ArnPrefixMap> gate_map = std::nullopt;
};

// A second policy that has to allow as well: a request through an S3 access point needs both the
// access point's policy and the bucket's policy (S3 User Guide, "Configuring IAM policies for using
// access points"). The gate's statements see each request under the ARN its target's gate_map
// gives; a Deny in either policy denies. Findings then stand for what both allow, and name the
// statements of both.
struct GatePolicy {
  const policy::Policy* policy = nullptr;  // REQUIRES: not null; outlives the analysis
  policy::PolicyKind kind = policy::PolicyKind::kResource;
  std::string label = "resource";  // names the policy in explanations
};

// What the engine reasons about for one resource and one of its policies. Built by resources/.
struct AccessModel {
  std::string resource_arn;
  std::string resource_type;  // "AWS::S3::Bucket"
  std::string owner_account;
  std::string partition = "aws";
  std::vector<ResourceTarget> targets;
  // The resource-based policy (or trust policy) that grants access. REQUIRES: not null; outlives
  // the analysis.
  const policy::Policy* policy = nullptr;
  policy::PolicyKind policy_kind = policy::PolicyKind::kResource;
  std::string policy_label = "resource";  // names the policy in explanations
  std::vector<findings::FindingSource> sources = {findings::FindingSource{}};
  std::optional<GatePolicy> gate = std::nullopt;
};

struct AnalysisStats {
  size_t principal_classes = 0;
  size_t action_classes = 0;
  size_t resource_classes = 0;
  size_t statement_matches = 0;  // scope matches of statements against class representatives
  size_t cover_cells = 0;  // (principal, action class, resource class) cells the cover check read
  bool decided = true;     // false when an error finding was produced
  bool decided_by_oracle =
      false;  // the Z3 oracle decided what the engine could not (z3/analyze_with_oracle.h)
};

struct AnalysisResult {
  std::vector<findings::Finding> findings;  // deterministic order
  AnalysisStats stats;
};

// Analyzes one policy of one resource. Never fails: problems become error findings.
AnalysisResult AnalyzeExternalAccess(const AccessModel& model, const ZoneOfTrust& zone);

// The engine's cover check (step 5) on findings from elsewhere: a description of the first allowed
// external request class that none of `findings` covers, or nullopt when they cover everything.
// What AnalyzeExternalAccess runs on its own findings; exposed so tests can check that it notices a
// gap.
std::optional<std::string> FindUncoveredAccess(const AccessModel& model, const ZoneOfTrust& zone,
                                               const std::vector<findings::Finding>& findings);

}  // namespace perimeter::reasoning

#endif  // PERIMETER_REASONING_EXTERNAL_ACCESS_H_
