// Rules AWS enforces whatever the policies say: actions that need no permission, resources owned by
// AWS that customers cannot change, and the resources whose resource-based policy must allow even
// within one account. Pure functions of the request; the evaluator (evaluator.cc) applies them in
// its steps. Each rule cites its AWS source beside its code in aws_rules.cc; docs/simulate.md lists
// them.
#ifndef PERIMETER_EVAL_AWS_RULES_H_
#define PERIMETER_EVAL_AWS_RULES_H_

#include <optional>
#include <string>
#include <string_view>

#include "perimeter/eval/request.h"

namespace perimeter::eval {

// What AWS decides for an action that is not authorized by policies at all.
struct PolicyIndependentDecision {
  bool allowed = false;
  std::string why;
};

// sts:GetCallerIdentity (every principal of an account) and sts:GetSessionToken (IAM users and the
// root user, with their long-term credentials) need no permission and cannot be denied by any
// policy. GetSessionToken asked by any other principal is refused by AWS STS, also whatever the
// policies say. nullopt: the action is authorized by policies as usual.
std::optional<PolicyIndependentDecision> DecisionWithoutPolicies(const Request& request);

// The kind of AWS-owned resource an ARN names, if any.
enum class AwsOwnedResource {
  kManagedPolicy,      // arn:PARTITION:iam::aws:policy/...
  kServiceLinkedRole,  // arn:PARTITION:iam::ACCOUNT:role/aws-service-role/...
  kReservedRole,  // arn:PARTITION:iam::ACCOUNT:role/aws-reserved/... (IAM Identity Center roles)
};
std::optional<AwsOwnedResource> ClassifyAwsOwned(std::string_view resource_arn);

// Why the request cannot succeed whatever the policies say because it changes a resource owned by
// AWS (an iam: action of access level Write, Permissions management or Tagging, per the IAM
// catalogue, on an AWS managed policy, a service-linked role or a role reserved for AWS), or
// nullopt. Actions AWS leaves to customers on these roles (iam:PassRole, editing the description,
// tagging a service-linked role, iam:CreateServiceLinkedRole / iam:DeleteServiceLinkedRole) are not
// refused; neither is an action the catalogue does not know (when unsure, the policies decide).
std::optional<std::string> AwsOwnedResourceRefusal(const Request& request);

// Whether the resource is shared by AWS with every account (AWS managed policies): no
// resource-based policy exists for it, and the caller's identity-based policies alone decide, as
// within one account.
bool IsSharedByAws(std::string_view resource_arn);

// Whether the resource-based policy must allow the request even within one account: a KMS *key*
// (also when named by an alias in an action that acts on keys only, as AWS KMS authorizes it on the
// key) and a role's trust policy for sts:AssumeRole*, sts:TagSession, ... Not for the alias half of
// kms:CreateAlias / UpdateAlias / DeleteAlias, nor for KMS actions on "*" (kms:CreateKey,
// kms:ListKeys, kms:ListAliases): identity-based policies alone decide those.
bool ResourcePolicyRequired(const Request& request);

bool IsKmsKeyArn(std::string_view resource_arn);    // arn:PARTITION:kms:REGION:ACCOUNT:key/KEY-ID
bool IsKmsAliasArn(std::string_view resource_arn);  // arn:PARTITION:kms:REGION:ACCOUNT:alias/NAME
bool IsRoleTrustAction(std::string_view action);    // sts:AssumeRole*, sts:TagSession, ...
bool IsKmsAction(std::string_view action);          // kms:*

}  // namespace perimeter::eval

#endif  // PERIMETER_EVAL_AWS_RULES_H_
