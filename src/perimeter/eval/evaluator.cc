#include "perimeter/eval/evaluator.h"

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "perimeter/base/text.h"

// Sources of the rules below (AWS documentation; titles as published):
//   [EVAL]     IAM User Guide, "Policy evaluation logic" and "How AWS enforcement code logic
//   evaluates
//              requests to allow or deny access"
//              (reference_policies_evaluation-logic_policy-eval-denyallow)
//   [CROSS]    IAM User Guide, "Cross-account policy evaluation logic"
//   [BOUNDARY] IAM User Guide, "Permissions boundaries for IAM entities", "Evaluating effective
//              permissions with boundaries"
//   [SESSION]  IAM User Guide, "Policies and permissions in IAM", "Session policies"
//   [PRINCIPAL] IAM User Guide, "AWS JSON policy elements: Principal"
//   [SCP]      AWS Organizations User Guide, "Service control policies (SCPs)": "SCP effects on
//              permissions", "Tasks and entities not restricted by SCPs"
//   [RCP]      AWS Organizations User Guide, "Resource control policies (RCPs)": "RCP effects on
//              permissions", "Resources and entities not restricted by RCPs"
//   [KMS]      AWS KMS Developer Guide, "Key policies in AWS KMS" and "Default key policy"
//   [VPCE]     AWS PrivateLink Guide, "Control access to VPC endpoints using endpoint policies"

namespace perimeter::eval {

namespace {

using policy::Effect;

std::string Indexed(std::string_view base, size_t i) { return base::Concat(base, "[", i, "]"); }

// One compiled policy and the parts of its explanation label ("resource", "identity[0]",
// "scps[1][0]"); the label text is built only for the entries that name it.
struct LabeledPolicy {
  const CompiledPolicy* policy;
  std::string_view name;
  std::optional<size_t> level;  // organization policies: the level in the hierarchy
  std::optional<size_t> index;  // the position in its list, for lists of policies

  std::string Label() const {
    if (level.has_value()) return base::Concat(name, "[", *level, "][", *index, "]");
    if (index.has_value()) return Indexed(name, *index);
    return std::string(name);
  }
};

struct AllowMatch {
  DecidingStatement entry;
  PrincipalMatch principal;
};

DecidingStatement EntryFor(const LabeledPolicy& lp, size_t index, const StatementMatch& match) {
  const policy::Statement& statement = lp.policy->source().statements[index];
  DecidingStatement entry;
  entry.policy = lp.Label();
  entry.statement = index;
  entry.sid = statement.sid;
  entry.effect = statement.effect;
  entry.matched = match.matched;
  entry.why = match.why;
  return entry;
}

// An entry for a rule AWS applies whatever the policies say ("policy": "aws").
DecidingStatement AwsRule(bool matched, std::string why) {
  DecidingStatement entry;
  entry.policy = "aws";
  entry.matched = matched;
  entry.why = std::move(why);
  return entry;
}

DecidingStatement Missing(std::string policy, std::string why) {
  DecidingStatement entry;
  entry.policy = std::move(policy);
  entry.matched = false;
  entry.why = std::move(why);
  return entry;
}

class RequestEvaluation {
 public:
  RequestEvaluation(const PolicySet& policies, const Request& request,
                    const EvaluationOptions& evaluation)
      : explain_(evaluation.explain),
        policies_(policies),
        request_(request),
        principal_(request.principal),
        action_lower_(base::AsciiLower(request.action)) {
    options_.principal_has_boundary = policies.permissions_boundary.has_value();
  }

  Evaluation Run();

 private:
  // The statements of `lp` with effect `effect` that match the request.
  std::vector<AllowMatch> Matching(const LabeledPolicy& lp, Effect effect) const {
    std::vector<AllowMatch> out;
    for (size_t i = 0; i < lp.policy->statement_count(); ++i) {
      if (lp.policy->source().statements[i].effect != effect) continue;
      StatementMatch match =
          explain_ ? lp.policy->Match(i, request_, action_lower_, options_)
                   : lp.policy->MatchParts(i, request_, action_lower_, kMatchAll, options_);
      if (!match.matched) continue;
      // [VPCE] "If you specify the principal in the following format, access is granted to the AWS
      // account root user only, and not all users and roles for the account: "AWS": "account_id"".
      if (lp.policy->kind() == policy::PolicyKind::kVpcEndpoint &&
          match.principal == PrincipalMatch::kAccount) {
        continue;
      }
      out.push_back({EntryFor(lp, i, match), match.principal});
    }
    return out;
  }

  static std::vector<DecidingStatement> Entries(const std::vector<AllowMatch>& matches) {
    std::vector<DecidingStatement> out;
    for (const AllowMatch& m : matches) out.push_back(m.entry);
    return out;
  }

  // Which policy types apply to this principal.
  bool HasIdentitySide() const {
    // Anonymous callers, services, identity-provider callers and canonical users have no
    // identity-based policies, boundary or session policy in any account: [EVAL] evaluates
    // identity-based policies "for the principal", and [PRINCIPAL] "For anonymous users ..." grants
    // only through "*".
    return principal_.is_iam();
  }
  // The root user has full access in its account and no identity-based policies, boundary or
  // session policy of its own ([EVAL]; [BOUNDARY]: boundaries are set "for IAM entities (users or
  // roles)").
  bool HasIdentityPolicies() const {
    return HasIdentitySide() && principal_.type != PrincipalType::kAccountRoot;
  }
  bool ScpsApply() const {
    // [SCP] "SCPs affect only principals that are managed by accounts that are part of the
    // organization"; "SCPs do not affect any service-linked role". They do not apply to service
    // principals or anonymous callers, which belong to no account of the organization.
    return principal_.is_iam() && !principal_.is_service_linked_role();
  }
  bool RcpsApply() const {
    // [RCP] "RCPs impact the effective permissions of principals trying to access resources in a
    // member account with an applicable RCP, regardless of whether the principals belong to the
    // same organizations or not. This includes root users. The exception is when principals are
    // service-linked roles".
    return !principal_.is_service_linked_role();
  }

  // Calls visit(LabeledPolicy) for every policy whose Deny statements apply, in the order they are
  // scanned (and listed in an ExplicitDeny explanation).
  template <typename Visit>
  void ForEachDenyScanPolicy(Visit&& visit) const;

  // Organization policies (SCPs, RCPs) need a matching Allow at every level: their Allow statements
  // go to `allowed_by`, each level without one to `missing`.
  void RequireEveryLevel(const std::vector<std::vector<CompiledPolicy>>& levels,
                         std::string_view name, std::string_view kind,
                         std::vector<DecidingStatement>& allowed_by,
                         std::vector<DecidingStatement>& missing) const {
    for (size_t level = 0; level < levels.size(); ++level) {
      std::vector<AllowMatch> level_allows;
      for (size_t i = 0; i < levels[level].size(); ++i) {
        for (AllowMatch& m : Matching({&levels[level][i], name, level, i}, Effect::kAllow)) {
          level_allows.push_back(std::move(m));
        }
      }
      if (level_allows.empty()) {
        missing.push_back(Missing(Indexed(name, level),
                                  base::Concat("no ", kind, " at this level allows the request; ",
                                               kind, "s must allow at every level")));
      }
      for (DecidingStatement& e : Entries(level_allows)) allowed_by.push_back(std::move(e));
    }
  }

  bool explain_;
  const PolicySet& policies_;
  const Request& request_;
  const RequestPrincipal& principal_;
  std::string action_lower_;
  MatchOptions options_;
};

template <typename Visit>
void RequestEvaluation::ForEachDenyScanPolicy(Visit&& visit) const {
  auto levels = [&visit](const std::vector<std::vector<CompiledPolicy>>& policies,
                         std::string_view name) {
    for (size_t level = 0; level < policies.size(); ++level) {
      for (size_t i = 0; i < policies[level].size(); ++i)
        visit(LabeledPolicy{&policies[level][i], name, level, i});
    }
  };
  if (RcpsApply()) levels(policies_.rcps, "rcps");
  if (ScpsApply()) levels(policies_.scps, "scps");
  if (policies_.vpc_endpoint) visit(LabeledPolicy{&*policies_.vpc_endpoint, "vpcEndpoint"});
  if (policies_.resource) visit(LabeledPolicy{&*policies_.resource, "resource"});
  if (HasIdentityPolicies()) {
    for (size_t i = 0; i < policies_.identity.size(); ++i) {
      visit(LabeledPolicy{&policies_.identity[i], "identity", std::nullopt, i});
    }
    if (policies_.permissions_boundary)
      visit(LabeledPolicy{&*policies_.permissions_boundary, "permissionsBoundary"});
    if (principal_.is_session() && policies_.session)
      visit(LabeledPolicy{&*policies_.session, "session"});
  }
}

Evaluation RequestEvaluation::Run() {
  Evaluation result;

  // Rule 0a — a web identity or SAML caller can only make its AssumeRoleWith* call (and the
  // sts:TagSession / sts:SetSourceIdentity authorized with it): any other request cannot come from
  // it, whatever a policy grants (request.h, ActionsOfIdentityProvider, with its sources).
  if (!PrincipalCanCall(principal_, action_lower_)) {
    result.decision = Decision::kImplicitDeny;
    result.explanation.push_back(Missing(
        "principal",
        base::Concat("a ",
                     IdentityProviderKindOf(principal_.id) == IdentityProviderKind::kSaml
                         ? "SAML provider can only call sts:AssumeRoleWithSAML"
                         : "web identity provider can only call sts:AssumeRoleWithWebIdentity",
                     " (with sts:TagSession and sts:SetSourceIdentity), not ", request_.action)));
    return result;
  }
  // Rule 0b — actions no policy controls (aws_rules.h: sts:GetCallerIdentity, sts:GetSessionToken):
  // they are decided before any policy is read, since not even an explicit Deny applies to them.
  if (std::optional<PolicyIndependentDecision> fixed = DecisionWithoutPolicies(request_)) {
    result.decision = fixed->allowed ? Decision::kAllow : Decision::kImplicitDeny;
    result.explanation.push_back(AwsRule(fixed->allowed, std::move(fixed->why)));
    return result;
  }

  // Rule 1 — explicit deny anywhere wins. [EVAL] "Deny evaluation ... The AWS enforcement code
  // evaluates all policies within the account that apply to the request. These include AWS
  // Organizations SCPs and RCPs, resource-based policies, identity-based policies, IAM permissions
  // boundaries, and session policies. ... If the code finds even one explicit deny that applies,
  // the code returns a final decision of Deny." A VPC endpoint policy is one more policy that
  // applies ([VPCE]).
  ForEachDenyScanPolicy([&](const LabeledPolicy& lp) {
    for (AllowMatch& m : Matching(lp, Effect::kDeny))
      result.explanation.push_back(std::move(m.entry));
  });
  if (!result.explanation.empty()) {
    result.decision = Decision::kExplicitDeny;
    return result;
  }

  // Resources owned by AWS (AWS managed policies, service-linked roles, roles under
  // /aws-reserved/): no customer's policy can allow changing them (aws_rules.h). An implicit deny:
  // it is no policy's Deny.
  if (std::optional<std::string> refusal = AwsOwnedResourceRefusal(request_)) {
    result.decision = Decision::kImplicitDeny;
    result.explanation.push_back(AwsRule(false, std::move(*refusal)));
    return result;
  }

  std::vector<DecidingStatement> allowed_by;  // the statements an Allow decision rests on
  std::vector<DecidingStatement> missing;     // what failed to allow

  // Rule 2 — RCPs: [EVAL] "If the enforcement code does not find any applicable Allow statements in
  // the RCPs, then the request is implicitly denied"; [RCP] "Any resource in an account has only
  // those permissions permitted by every parent above it", so each level (root, OUs, account) must
  // allow. An empty level has no Allow: AWS always attaches RCPFullAWSAccess, so the input omits it
  // only by mistake, and failing closed shows the mistake.
  if (RcpsApply()) RequireEveryLevel(policies_.rcps, "rcps", "RCP", allowed_by, missing);

  // Rule 3 — SCPs, the same at every level of the principal's organization. [EVAL] "If the
  // enforcement code does not find any applicable Allow statements in the SCPs, then the request is
  // implicitly denied"; [SCP] "Any account has only those permissions permitted by every parent
  // above it."
  if (ScpsApply()) RequireEveryLevel(policies_.scps, "scps", "SCP", allowed_by, missing);

  // Rule 4 — VPC endpoint policy. [VPCE] "An endpoint policy does not override or replace
  // identity-based policies or resource-based policies": it is one more policy that must allow when
  // the request goes through the endpoint.
  if (policies_.vpc_endpoint) {
    std::vector<AllowMatch> vpce =
        Matching({&*policies_.vpc_endpoint, "vpcEndpoint"}, Effect::kAllow);
    if (vpce.empty()) {
      missing.push_back(
          Missing("vpcEndpoint", "the VPC endpoint policy does not allow the request"));
    } else {
      for (DecidingStatement& e : Entries(vpce)) allowed_by.push_back(std::move(e));
    }
  }

  // The resource-based policy's Allow statements, by how they named the principal.
  std::vector<AllowMatch> resource_direct, resource_role, resource_account;
  if (policies_.resource) {
    for (AllowMatch& m : Matching({&*policies_.resource, "resource"}, Effect::kAllow)) {
      switch (m.principal) {
        case PrincipalMatch::kDirect:
          resource_direct.push_back(std::move(m));
          break;
        case PrincipalMatch::kRole:
          resource_role.push_back(std::move(m));
          break;
        case PrincipalMatch::kAccount:
          resource_account.push_back(std::move(m));
          break;
        case PrincipalMatch::kImplicit:  // a resource-based policy without Principal names nobody
        case PrincipalMatch::kNone:
          break;
      }
    }
  }

  // Rule 5 — principals without an identity side (anonymous, AWS services, identity-provider
  // callers, canonical users): only the resource-based policy can allow, and only by naming them or
  // "*". [PRINCIPAL] "For resource-based policies, using a wildcard (*) with an Allow effect grants
  // access to all users, including anonymous users"; services are named by their service principal.
  bool grant = false;
  if (!HasIdentitySide()) {
    grant = !resource_direct.empty();
    if (grant) {
      for (DecidingStatement& e : Entries(resource_direct)) allowed_by.push_back(std::move(e));
    } else {
      missing.push_back(
          Missing("resource",
                  base::Concat("a ", PrincipalTypeName(principal_.type),
                               " principal has no identity-based policies: only a resource-based "
                               "policy naming it (or \"*\") can allow the request")));
    }
  } else {
    // The identity side: identity-based policies ∩ permissions boundary ∩ session policy.
    std::vector<DecidingStatement> identity_entries;
    bool identity_ok = false;
    if (principal_.type == PrincipalType::kAccountRoot) {
      // [EVAL] "By default, all requests are implicitly denied with the exception of the AWS
      // account root user, which has full access." The root user has no identity-based policies of
      // its own.
      identity_ok = true;
      identity_entries.push_back(
          Missing("identity", "the account root user has full access in its own account"));
      identity_entries.back().matched = true;
    } else {
      for (size_t i = 0; i < policies_.identity.size(); ++i) {
        for (AllowMatch& m :
             Matching({&policies_.identity[i], "identity", std::nullopt, i}, Effect::kAllow)) {
          identity_entries.push_back(std::move(m.entry));
        }
      }
      identity_ok = !identity_entries.empty();
    }

    // [BOUNDARY] "the entity can perform only the actions that are allowed by both its
    // identity-based policies and its permissions boundaries".
    std::vector<DecidingStatement> boundary_entries;
    bool boundary_ok = true;
    if (policies_.permissions_boundary && HasIdentityPolicies()) {
      boundary_entries = Entries(
          Matching({&*policies_.permissions_boundary, "permissionsBoundary"}, Effect::kAllow));
      boundary_ok = !boundary_entries.empty();
    }

    // [EVAL] "Session policies – The code then checks whether the principal is a session principal.
    // ... If a session policy is present and does not allow the requested action, then the request
    // is implicitly denied. ... If there is no session policy, the code checks whether the
    // principal is a role session. If the principal is a role session, then the request is Allowed.
    // Otherwise, the request is implicitly denied" (an AWS STS federated user session without a
    // session policy has no permissions of its own).
    std::vector<DecidingStatement> session_entries;
    bool session_ok = true;
    std::string session_why;
    if (principal_.is_session()) {
      if (policies_.session) {
        session_entries = Entries(Matching({&*policies_.session, "session"}, Effect::kAllow));
        session_ok = !session_entries.empty();
        session_why = "the session policy does not allow the request";
      } else if (principal_.type == PrincipalType::kFederatedUser) {
        session_ok = false;
        session_why =
            "a federated user session without a session policy gets no permissions from "
            "identity-based "
            "policies";
      }
    }
    const bool identity_chain = identity_ok && boundary_ok && session_ok;

    auto add_identity_chain = [&](std::vector<DecidingStatement>& out) {
      for (const DecidingStatement& e : identity_entries) out.push_back(e);
      for (const DecidingStatement& e : boundary_entries) out.push_back(e);
      for (const DecidingStatement& e : session_entries) out.push_back(e);
    };
    auto add_identity_failures = [&](std::vector<DecidingStatement>& out) {
      if (!identity_ok) {
        out.push_back(Missing("identity", policies_.identity.empty()
                                              ? "the principal has no identity-based policies"
                                              : "no identity-based policy allows the request"));
      }
      if (!boundary_ok) {
        out.push_back(
            Missing("permissionsBoundary", "the permissions boundary does not allow the request"));
      }
      if (!session_ok) out.push_back(Missing("session", session_why));
    };

    std::optional<std::string> owner_account = ResourceAccount(request_);
    // An AWS managed policy belongs to no customer account and has no resource-based policy: AWS
    // shares it with every account, and the caller's identity side decides as within its own
    // account (aws_rules.h, IsSharedByAws).
    const bool same_account = (owner_account.has_value() && *owner_account == principal_.account) ||
                              IsSharedByAws(request_.resource_arn);
    // [EVAL] "For most resources, you only need an explicit allow for the principal in either an
    // identity-based policy or a resource-based policy to grant access. IAM role trust policies and
    // KMS key policies are exceptions to this logic, because they must explicitly allow access for
    // principals." [KMS] "Unless the key policy explicitly allows it, you cannot use IAM policies
    // to allow access to a KMS key"; a key policy naming the account ("Allows access to the AWS
    // account and enables IAM policies") delegates to IAM policies. Only a KMS *key* has a key
    // policy: aliases and actions on "*" (kms:ListKeys, kms:CreateKey, kms:ListAliases) are
    // governed by identity-based policies alone (aws_rules.h, ResourcePolicyRequired).
    const bool resource_must_allow = ResourcePolicyRequired(request_);

    // Resource grants to the role's ARN: [EVAL] table, "IAM role – Resource-based policies that
    // grant permissions to an IAM role ARN are limited by an implicit deny in a permissions
    // boundary or session policy."
    const bool role_grant = !resource_role.empty() && boundary_ok && session_ok;

    if (same_account) {
      // [EVAL] "If a resource-based policy grants permission directly to the IAM user or the
      // session principal that is making the request, then an implicit deny in an identity-based
      // policy, a permissions boundary, or a session policy does not impact the final decision."
      // [PRINCIPAL] "Principal": "*" : "For IAM users and role principals within your account, no
      // other permissions are required." A grant to the account "delegates authority to the
      // account"
      // ([PRINCIPAL]): it counts only through the identity side.
      if (!resource_direct.empty()) {
        grant = true;
        for (DecidingStatement& e : Entries(resource_direct)) allowed_by.push_back(std::move(e));
      } else if (role_grant) {
        grant = true;
        for (DecidingStatement& e : Entries(resource_role)) allowed_by.push_back(std::move(e));
        for (const DecidingStatement& e : boundary_entries) allowed_by.push_back(e);
        for (const DecidingStatement& e : session_entries) allowed_by.push_back(e);
      } else if (identity_chain && (!resource_must_allow || !resource_account.empty())) {
        grant = true;
        for (DecidingStatement& e : Entries(resource_account)) allowed_by.push_back(std::move(e));
        add_identity_chain(allowed_by);
      } else {
        if (resource_must_allow && resource_account.empty() && resource_role.empty()) {
          missing.push_back(Missing(
              "resource", !policies_.resource.has_value()
                              ? (IsKmsAction(request_.action)
                                     ? "a KMS key policy must allow the request, and none "
                                       "is given"
                                     : "a role trust policy must allow the request, and none "
                                       "is given")
                              : "the resource-based policy must allow the request (KMS key "
                                "policies and role trust "
                                "policies are not optional even within one account), and no "
                                "statement names the "
                                "principal, its role or its account"));
        }
        for (AllowMatch& m : resource_role) {
          m.entry.why +=
              "; a grant to the role's ARN is limited by the permissions boundary and session "
              "policy";
          missing.push_back(std::move(m.entry));
        }
        for (AllowMatch& m : resource_account) {
          m.entry.why +=
              "; a grant to the account delegates to the account's identity-based policies";
          missing.push_back(std::move(m.entry));
        }
        add_identity_failures(missing);
      }
    } else {
      // [CROSS] "To allow cross-account access, you attach a resource-based policy to the resource
      // that you want to share. You must also attach an identity-based policy to the identity that
      // acts as the principal in the request." Both sides must allow; the identity side keeps its
      // boundary and session policy limits ([BOUNDARY], [SESSION]). An unknown resource owner is
      // treated the same way, the stricter case.
      const bool resource_ok =
          !resource_direct.empty() || !resource_role.empty() || !resource_account.empty();
      grant = resource_ok && identity_chain;
      if (grant) {
        for (std::vector<AllowMatch>* group :
             {&resource_direct, &resource_role, &resource_account}) {
          for (DecidingStatement& e : Entries(*group)) allowed_by.push_back(std::move(e));
        }
        add_identity_chain(allowed_by);
      } else {
        if (!resource_ok) {
          missing.push_back(Missing(
              "resource",
              base::Concat(owner_account.has_value() ? "cross-account request"
                                                     : "the resource's account is unknown, so the "
                                                       "request is evaluated as cross-account",
                           ": the resource-based policy must allow the principal, its role or its "
                           "account, and ",
                           policies_.resource ? "no statement does" : "there is none")));
        }
        add_identity_failures(missing);
      }
    }
  }

  if (grant && missing.empty()) {
    result.decision = Decision::kAllow;
    result.explanation = std::move(allowed_by);
  } else {
    result.decision = Decision::kImplicitDeny;
    result.explanation = std::move(missing);
  }
  return result;
}

}  // namespace

std::string_view DecisionName(Decision decision) {
  switch (decision) {
    case Decision::kAllow:
      return "Allow";
    case Decision::kExplicitDeny:
      return "ExplicitDeny";
    case Decision::kImplicitDeny:
      return "ImplicitDeny";
  }
  return "ImplicitDeny";
}

Evaluation Evaluate(const PolicySet& policies, const Request& request,
                    const EvaluationOptions& options) {
  return RequestEvaluation(policies, request, options).Run();
}

}  // namespace perimeter::eval
