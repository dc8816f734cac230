// The concrete evaluator: one request and the policies that apply to it in, the decision AWS would
// make and the statements that decided it out. No I/O; Evaluate is a pure function of its inputs
// and is thread-safe over shared PolicySets.
//
// The rules and their sources are listed, one by one, beside their code in evaluator.cc. In short
// (IAM User Guide, "Policy evaluation logic" and its sub-pages):
//   1. An explicit Deny in any applicable policy decides ExplicitDeny.
//   2. RCPs (resource owner's organization) and SCPs (principal's organization) need an Allow at
//   every
//      level; a VPC endpoint policy, when the request comes through one, must allow.
//   3. Same account: an Allow in the identity-based policies (within the permissions boundary and
//   the
//      session policy) or in the resource-based policy suffices; a resource-based grant to the
//      account only delegates to identity-based policies, a grant to a role's ARN is still limited
//      by the boundary and session policy, a grant to the user / session itself is not. KMS key
//      policies and role trust policies must allow even within the account.
//   4. Cross-account: both the identity side and the resource-based policy must allow.
//   5. Anonymous, service, web identity / SAML and canonical user principals have no identity side:
//      only the resource-based policy can allow.
// Before and after step 1 come the rules AWS applies whatever the policies say (aws_rules.h):
// actions that need no permission (sts:GetCallerIdentity), and changes to resources AWS owns. The
// KMS rule of step 3 is the key's: aliases and actions on "*" are left to identity-based policies.
#ifndef PERIMETER_EVAL_EVALUATOR_H_
#define PERIMETER_EVAL_EVALUATOR_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/eval/aws_rules.h"  // IsRoleTrustAction, IsKmsAction
#include "perimeter/eval/compiled_policy.h"
#include "perimeter/eval/request.h"
#include "perimeter/policy/policy.h"

namespace perimeter::eval {

// Every policy that may apply to one request, compiled. Policies that do not apply to the principal
// (SCPs for a service principal, a session policy for an IAM user, ...) are ignored by Evaluate.
struct PolicySet {
  std::vector<CompiledPolicy> identity;    // the principal's identity-based policies
  std::optional<CompiledPolicy> resource;  // resource-based (bucket, key, trust policy, ...)
  std::optional<CompiledPolicy> permissions_boundary;  // of the IAM user or role
  std::optional<CompiledPolicy> session;          // of the role session or federated user session
  std::vector<std::vector<CompiledPolicy>> scps;  // per level: root, OUs..., account (principal's)
  std::vector<std::vector<CompiledPolicy>> rcps;  // per level (the resource owner's organization)
  std::optional<CompiledPolicy> vpc_endpoint;     // when the request comes through an endpoint
};

enum class Decision { kAllow, kExplicitDeny, kImplicitDeny };

std::string_view DecisionName(Decision decision);  // "Allow", "ExplicitDeny", "ImplicitDeny"

// One line of the explanation: a statement that decided, or a policy (or level) that failed to
// allow.
struct DecidingStatement {
  // "identity[0]", "resource", "permissionsBoundary", "session", "vpcEndpoint", "scps[1][0]",
  // "rcps[0][2]" for a statement; "identity", "scps[1]", "rcps[0]" for a group with no allowing
  // statement.
  std::string policy;
  std::optional<size_t> statement;  // 0-based index in the policy's Statement list
  std::optional<std::string> sid;
  std::optional<policy::Effect> effect;
  bool matched = false;  // false: the entry says what did not allow
  std::string why;
};

struct Evaluation {
  Decision decision = Decision::kImplicitDeny;
  // ExplicitDeny: every matching Deny statement. Allow: the Allow statements of every policy the
  // decision needed. ImplicitDeny: each required policy that did not allow (and resource-based
  // grants that matched but could not suffice).
  std::vector<DecidingStatement> explanation;
};

struct EvaluationOptions {
  // Whether the deciding statements say why they matched (the `why` texts). The decision and the
  // list of deciding statements are the same either way; without the texts evaluation allocates
  // less.
  bool explain = true;
};

// Decides `request` against `policies`. Uses request.context as given: call AddPrincipalContextKeys
// first to add the keys AWS derives from the principal.
Evaluation Evaluate(const PolicySet& policies, const Request& request,
                    const EvaluationOptions& options = {});

}  // namespace perimeter::eval

#endif  // PERIMETER_EVAL_EVALUATOR_H_
