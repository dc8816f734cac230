// The internal-access engine: which IAM principals inside the zone of trust (roles and users of the
// account, or of every account of the organization) can access each critical resource, under which
// request conditions, and through which policies (IAM Access Analyzer User Guide, "Internal access
// analysis"; API Reference, "InternalAccessDetails"). docs/internal-access.md describes it.
//
// Every policy that decides a request takes part, exactly as the concrete evaluator applies them
// (eval/evaluator.h: IAM User Guide, "Policy evaluation logic"): the principal's identity-based
// policies (inline, attached managed, its groups'), its permissions boundary, the resource's own
// policy, and — for an ORGANIZATION zone — the SCPs of every level of the principal's account path
// and the RCPs of every level of the resource owner's path. For an ACCOUNT zone, AWS does not put
// SCPs and RCPs into the evaluation ("APPLICABLE" restriction): neither does the engine.
//
// Method, per (principal, resource) pair the index lets through (finite-domain reasoning, as the
// external engine: external_access.h, string_partition.h, key_domain.h):
// 1. prune: an index from action service to the principals whose identity-based Allow statements
//    name it, and the principals the resource policy names, keep only the pairs where some policy
//    can allow; every other pair is denied whatever the request (an Allow is always needed);
// 2. the pair's statements cut the resource's actions into classes (same matching statements),
//    its ARNs into classes (PartitionStrings over their Resource patterns, with the principal's own
//    policy variables substituted), and each free condition key into candidate classes
//    (BuildKeyDomain); the principal's keys and the resource owner's keys are fixed;
// 3. every cell (action class × resource class × one candidate per free key) is decided by the
//    concrete evaluator itself: the findings are exactly the allowed cells, grouped by the
//    restricting conditions of the statements that allow them (condition_keys.h), each finding
//    with an allowed cell as its witness and the allowing statements as its explanation.
// Because every class of every dimension is tried, every allowed request of the pair lies in a
// finding; because every finding's witness is an evaluator decision, none is spurious.
//
// What cannot be decided exactly gives an error finding naming the pair, never "no access": a
// policy the evaluator could not compile cleanly, a policy variable in a Resource or a condition
// on a key the caller chooses, a key read by operators of two families, more cells than the budget.
#ifndef PERIMETER_REASONING_INTERNAL_ACCESS_H_
#define PERIMETER_REASONING_INTERNAL_ACCESS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "perimeter/eval/request.h"
#include "perimeter/findings/internal_access_finding.h"
#include "perimeter/policy/policy.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"

namespace perimeter::reasoning {

// A parsed policy and how explanations name it: "identity arn:aws:iam::111122223333:policy/p",
// "identity inline:role/app/read", "permissionsBoundary arn:...", "scp p-1234abcd", "resource".
struct NamedPolicy {
  std::string label;
  policy::Policy policy;
};

// An IAM role or user of the zone with every policy attached to it (groups' policies included).
struct InternalPrincipal {
  // REQUIRES: type kIamRole or kIamUser, with its account; org_id / org_paths / tags as known.
  eval::RequestPrincipal principal;
  std::vector<NamedPolicy> identity;
  std::optional<NamedPolicy> permissions_boundary;
};

// A critical resource: its actions and ARNs (resources/ gives them per type) and its own policy.
struct InternalResource {
  std::string arn;
  std::string resource_type;  // "AWS::S3::Bucket"
  std::string owner_account;
  std::vector<ResourceTarget> targets;  // gate_map is not used here
  std::optional<NamedPolicy> resource_policy;
  std::vector<findings::FindingSource> sources = {findings::FindingSource{}};
  // Set when the resource's configuration could not be read: one error finding with this reason.
  std::optional<std::string> error;
  // Grants that the service evaluates together with the resource policy, written as a resource
  // policy (analysis/internal_access_analysis.h writes them): an S3 bucket's ACL, one Allow
  // statement per grant (S3 User Guide, "How Amazon S3 authorizes a request": the bucket policy and
  // the bucket ACL are evaluated together, in the user context when the principal's account owns
  // the bucket, in the bucket context otherwise); an RDS snapshot's "restore" attribute, one Allow
  // per account it is shared with. Merged after the resource policy's statements for the
  // evaluation; explanations name its statements with its label, and the findings it allows carry
  // `grants_source` (BUCKET_ACL for an ACL) when set.
  std::optional<NamedPolicy> grants;
  std::optional<findings::FindingSource> grants_source;
  // Parts of the resource's configuration through which access is possible but not decided (an S3
  // bucket's access points): one error finding for the resource per reason, besides the analysis.
  std::vector<std::string> undecided;
};

// The Organizations policies that apply to an account, one list per level of its path (root, each
// OU, the account), as eval::PolicySet wants them. Empty for the management account (SCPs and RCPs
// do not apply to it: Organizations User Guide, "Service control policies", "Resource control
// policies").
struct AccountControls {
  std::vector<std::vector<NamedPolicy>> scps;
  std::vector<std::vector<NamedPolicy>> rcps;
};

struct InternalAccessInput {
  ZoneOfTrust zone = ZoneOfTrust::ForAccount("");
  std::vector<InternalPrincipal> principals;        // principals outside the zone are ignored
  std::vector<InternalResource> resources;          // resources outside the zone are ignored
  std::map<std::string, AccountControls> controls;  // by account id
};

struct InternalAccessOptions {
  // Cells (one candidate per free condition key) tried per action and resource class; more give an
  // error finding for the pair.
  size_t max_cells_per_class = 4096;
};

struct InternalAccessStats {
  size_t principals = 0;       // in the zone
  size_t resources = 0;        // in the zone
  size_t candidate_pairs = 0;  // pairs the index let through
  size_t evaluations = 0;      // requests given to the evaluator
};

struct InternalAccessResult {
  // Per resource (input order), per principal (input order), deterministic.
  std::vector<findings::InternalAccessFinding> findings;
  InternalAccessStats stats;
};

// Analyzes every (principal, resource) pair of the zone. Never fails: what cannot be decided is an
// error finding. Pure and deterministic.
InternalAccessResult AnalyzeInternalAccess(InternalAccessInput input,
                                           const InternalAccessOptions& options = {});

// The request context AWS gives `principal`'s requests to a resource of `owner_account` before any
// condition key the caller chooses: the principal's keys (eval::AddPrincipalContextKeys) and the
// resource owner's keys known from the zone (ResourceOwnerKeyValue). Exposed for the differential
// test, which builds its random requests on it.
eval::RequestContext BaseInternalContext(const eval::RequestPrincipal& principal,
                                         const std::string& owner_account, const ZoneOfTrust& zone);

}  // namespace perimeter::reasoning

#endif  // PERIMETER_REASONING_INTERNAL_ACCESS_H_
