#include "perimeter/eval/aws_rules.h"

#include <array>

#include "perimeter/base/text.h"
#include "perimeter/catalog/iam_catalog.h"
#include "perimeter/policy/arn.h"

// Sources (AWS documentation; titles as published):
//   [GCI]      AWS STS API Reference, "GetCallerIdentity": "No permissions are required to perform
//   this
//              operation. If an administrator attaches a policy to your identity that explicitly
//              denies access to the sts:GetCallerIdentity action, you can still perform this
//              operation."
//   [GST]      IAM User Guide, "Permissions for GetSessionToken": "No permissions are required for
//   a user
//              to get a session token. ... You cannot use policies to control authentication
//              operations." IAM User Guide, "Compare AWS STS credentials": GetSessionToken is
//              called by an IAM user or the AWS account root user (long-term credentials), never
//              with temporary credentials.
//   [AWSMP]    IAM User Guide, "AWS managed policies": "You cannot change the permissions defined
//   in AWS
//              managed policies"; AWS managed policies live in the account "aws"
//              (arn:aws:iam::aws:policy/...) and are available to every account.
//   [SLR]      IAM API Reference, error UnmodifiableEntity (DeleteRolePermissionsBoundary,
//              UpdateRoleDescription, ...): "service-linked roles are protected AWS resources. Only
//              the service that depends on the service-linked role can modify or delete the role on
//              your behalf." IAM User Guide, "Update a service-linked role": "You can edit the
//              description of any role"; IAM API Reference, "TagRole": "The role can be a regular
//              role or a service-linked role"; "DeleteServiceLinkedRole" submits the deletion to
//              the service; Amazon EC2 Auto Scaling User Guide, "API permissions": iam:PassRole is
//              "Needed when a nondefault service-linked role ... is provided"; IAM API Reference,
//              "CreateServiceLinkedRole": "To attach a policy to this service-linked role, you must
//              make the request using the AWS service that depends on this role."
//   [RESERVED] AWS re:Post Knowledge Center, "How do I resolve the IAM error 'Cannot perform the
//              operation on the protected role AWSReservedSSO'": roles under /aws-reserved/ are
//              "only modifiable by AWS"; IAM Identity Center changes them through permission sets.
//   [EVAL]     IAM User Guide, "Policy evaluation logic": "IAM role trust policies and KMS key
//   policies
//              are exceptions to this logic, because they must explicitly allow access for
//              principals."
//   [KMS]      AWS KMS Developer Guide, "Key policies in AWS KMS" (every KMS key has exactly one
//   key
//              policy; aliases have none) and "Controlling access to aliases": "you need permission
//              for the alias in an IAM policy and permission for the KMS key in its key policy" for
//              CreateAlias, UpdateAlias and DeleteAlias; kms:CreateKey, kms:ListKeys and
//              kms:ListAliases take no resource and are controlled "only in IAM policies".

namespace perimeter::eval {

namespace {

// The actions AWS leaves to customers on the roles it owns ([SLR]); every other change is the
// service's or AWS's alone.
constexpr std::array<std::string_view, 7> kCustomerActionsOnAwsRoles = {"passrole",
                                                                        "updaterole",
                                                                        "updateroledescription",
                                                                        "tagrole",
                                                                        "untagrole",
                                                                        "createservicelinkedrole",
                                                                        "deleteservicelinkedrole"};

std::string_view OwnedKindName(AwsOwnedResource kind) {
  switch (kind) {
    case AwsOwnedResource::kManagedPolicy:
      return "an AWS managed policy";
    case AwsOwnedResource::kServiceLinkedRole:
      return "a service-linked role";
    case AwsOwnedResource::kReservedRole:
      return "a role reserved for AWS (path /aws-reserved/)";
  }
  return "a resource owned by AWS";
}

}  // namespace

std::optional<PolicyIndependentDecision> DecisionWithoutPolicies(const Request& request) {
  const std::string action = base::AsciiLower(request.action);
  const RequestPrincipal& p = request.principal;
  if (action == "sts:getcalleridentity" && p.is_iam()) {
    return PolicyIndependentDecision{
        true,
        "sts:GetCallerIdentity needs no permission and cannot be denied by any policy (AWS STS API "
        "Reference, GetCallerIdentity)"};
  }
  if (action == "sts:getsessiontoken" && p.is_iam()) {
    if (p.type == PrincipalType::kIamUser || p.type == PrincipalType::kAccountRoot) {
      return PolicyIndependentDecision{
          true,
          "sts:GetSessionToken needs no permission and policies cannot control it (IAM User Guide, "
          "Permissions for GetSessionToken)"};
    }
    return PolicyIndependentDecision{
        false,
        base::Concat(
            "AWS STS accepts GetSessionToken only with the long-term credentials of an IAM user "
            "or the root user, not from a ",
            PrincipalTypeName(p.type), ", whatever the policies say")};
  }
  return std::nullopt;
}

std::optional<AwsOwnedResource> ClassifyAwsOwned(std::string_view resource_arn) {
  std::optional<policy::Arn> arn = policy::ParseArn(resource_arn);
  if (!arn || arn->service != "iam") return std::nullopt;
  if (arn->account == "aws" && arn->resource.starts_with("policy/"))
    return AwsOwnedResource::kManagedPolicy;
  if (arn->resource.starts_with("role/aws-service-role/"))
    return AwsOwnedResource::kServiceLinkedRole;
  if (arn->resource.starts_with("role/aws-reserved/")) return AwsOwnedResource::kReservedRole;
  return std::nullopt;
}

std::optional<std::string> AwsOwnedResourceRefusal(const Request& request) {
  std::optional<AwsOwnedResource> owned = ClassifyAwsOwned(request.resource_arn);
  if (!owned) return std::nullopt;
  std::optional<catalog::ActionInfo> action = catalog::FindAction(request.action);
  if (!action || action->service != "iam") return std::nullopt;
  // The rule is about changing the resource the ARN names: the action must act on that resource
  // type (iam:AttachRolePolicy acts on the role it attaches to, not on the managed policy it
  // attaches).
  const std::string_view type = *owned == AwsOwnedResource::kManagedPolicy ? "policy" : "role";
  bool acts_on_type = false;
  for (std::string_view t : action->resource_types) acts_on_type = acts_on_type || t == type;
  if (!acts_on_type) return std::nullopt;
  switch (action->access_level) {
    case catalog::AccessLevel::kRead:
    case catalog::AccessLevel::kList:
      return std::nullopt;
    case catalog::AccessLevel::kWrite:
    case catalog::AccessLevel::kPermissionsManagement:
    case catalog::AccessLevel::kTagging:
      break;
  }
  if (*owned != AwsOwnedResource::kManagedPolicy) {
    const std::string name = base::AsciiLower(action->name);
    for (std::string_view allowed : kCustomerActionsOnAwsRoles) {
      if (name == allowed) return std::nullopt;
    }
  }
  std::string_view source;
  switch (*owned) {
    case AwsOwnedResource::kManagedPolicy:
      source =
          "IAM User Guide, AWS managed policies: \"You cannot change the permissions defined in "
          "AWS managed "
          "policies\"";
      break;
    case AwsOwnedResource::kServiceLinkedRole:
      source =
          "IAM API Reference, UnmodifiableEntity: \"Only the service that depends on the "
          "service-linked role "
          "can modify or delete the role\"";
      break;
    case AwsOwnedResource::kReservedRole:
      source = "roles under /aws-reserved/ are protected and \"only modifiable by AWS\"";
      break;
  }
  return base::Concat("the resource is ", OwnedKindName(*owned), ": ", action->FullName(),
                      " (access level ", catalog::AccessLevelName(action->access_level),
                      ") would change it, and no policy of a customer can allow that (", source,
                      ")");
}

bool IsSharedByAws(std::string_view resource_arn) {
  std::optional<AwsOwnedResource> owned = ClassifyAwsOwned(resource_arn);
  return owned.has_value() && *owned == AwsOwnedResource::kManagedPolicy;
}

bool IsKmsKeyArn(std::string_view resource_arn) {
  std::optional<policy::Arn> arn = policy::ParseArn(resource_arn);
  return arn.has_value() && arn->service == "kms" && arn->resource.starts_with("key/");
}

bool IsKmsAliasArn(std::string_view resource_arn) {
  std::optional<policy::Arn> arn = policy::ParseArn(resource_arn);
  return arn.has_value() && arn->service == "kms" && arn->resource.starts_with("alias/");
}

bool ResourcePolicyRequired(const Request& request) {
  // [EVAL] names KMS key policies: the rule is the key's. An alias has no policy of its own and an
  // action without resource ("*") has no key policy to consult: identity-based policies decide
  // ([KMS]).
  if (IsKmsAction(request.action)) {
    if (IsKmsKeyArn(request.resource_arn)) return true;
    if (!IsKmsAliasArn(request.resource_arn)) return false;
    // An alias named in an action that acts on keys only (kms:Encrypt with an alias): AWS KMS
    // resolves the alias and authorizes the request on the key, whose key policy must allow. The
    // alias half of CreateAlias, UpdateAlias and DeleteAlias, and actions the catalogue does not
    // know, are left to identity-based policies.
    std::optional<catalog::ActionInfo> info = catalog::FindAction(request.action);
    if (!info) return false;
    for (std::string_view type : info->resource_types) {
      if (type == "alias") return false;
    }
    return true;
  }
  return IsRoleTrustAction(request.action);
}

bool IsKmsAction(std::string_view action) {
  return base::StartsWithIgnoreAsciiCase(action, "kms:");
}

bool IsRoleTrustAction(std::string_view action) {
  // The STS actions authorized by the role's trust policy: IAM User Guide, "Role trust policies"
  // and "Passing session tags in AWS STS" (sts:TagSession), "Monitor and control actions taken with
  // assumed roles" (sts:SetSourceIdentity), "Role trust policies for trusted identity propagation"
  // (sts:SetContext).
  std::string lower = base::AsciiLower(action);
  return std::string_view(lower).starts_with("sts:assumerole") || lower == "sts:tagsession" ||
         lower == "sts:setsourceidentity" || lower == "sts:setcontext";
}

}  // namespace perimeter::eval
