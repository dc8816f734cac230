// The request the concrete evaluator decides on: who asks (the principal), to do what (the action),
// on what (the resource and the account that owns it), and with which request context.
//
// Principal kinds and their identifiers: IAM User Guide, "AWS JSON policy elements: Principal"
// (account and root user, IAM users, IAM roles, role sessions, AWS STS federated user sessions, web
// identity and SAML session principals, AWS services, all principals) and the canonical user ids of
// Amazon S3.
#ifndef PERIMETER_EVAL_REQUEST_H_
#define PERIMETER_EVAL_REQUEST_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "perimeter/eval/request_context.h"

namespace perimeter::eval {

enum class PrincipalType {
  kIamUser,             // arn:aws:iam::111122223333:user/path/name
  kIamRole,             // arn:aws:iam::111122223333:role/path/name: "some session of this role"
  kAssumedRoleSession,  // arn:aws:sts::111122223333:assumed-role/role-name/session-name
  kFederatedUser,       // arn:aws:sts::111122223333:federated-user/name (GetFederationToken)
  kAccountRoot,         // arn:aws:iam::111122223333:root, or the bare account id
  kService,             // s3.amazonaws.com
  kWebIdentityOrSaml,  // the caller of AssumeRoleWithWebIdentity / AssumeRoleWithSAML, named by its
                       // identity provider: accounts.google.com, arn:aws:iam::1:saml-provider/x,
                       // ...
  kCanonicalUser,      // an Amazon S3 canonical user id
  kAnonymous,          // an unsigned request
};

// "IAMUser", "IAMRole", "AssumedRoleSession", "FederatedUser", "AccountRoot", "Service",
// "WebIdentityOrSAML", "CanonicalUser", "Anonymous".
std::string_view PrincipalTypeName(PrincipalType type);

// The requesting principal. Every field but `type` and `id` is derived by ParseRequestPrincipal or
// given by the caller; nothing here is looked up.
struct RequestPrincipal {
  PrincipalType type = PrincipalType::kAnonymous;
  // The identifier as given: an ARN for the IAM kinds, the service name, the provider, the
  // canonical user id; empty for anonymous.
  std::string id;
  std::string partition;  // "aws", "aws-cn", ...: IAM kinds only
  std::string account;    // 12 digits: IAM kinds only
  // kIamUser: the user name (last path segment); kIamRole: the role name (last path segment);
  // kAssumedRoleSession: the role name; kFederatedUser: the federated user name.
  std::string name;
  std::string session_name;                 // kAssumedRoleSession only
  std::optional<std::string> org_id;        // AWS Organizations id of the principal's account
  std::vector<std::string> org_paths;       // "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"
  std::map<std::string, std::string> tags;  // principal (or session) tags

  // True for the kinds that belong to an AWS account and sign with IAM credentials.
  bool is_iam() const;
  // True for role sessions, roles (as stand-ins for their sessions) and federated user sessions.
  bool is_session() const;
  // True for a service-linked role or one of its sessions. IAM User Guide, "Using service-linked
  // roles": they live under the path /aws-service-role/ and their names begin with
  // AWSServiceRoleFor.
  bool is_service_linked_role() const;
  // The ARN of the role of a kIamRole or kAssumedRoleSession principal. A session ARN does not
  // carry the role's path, so for a session this is the role ARN without path.
  std::string RoleArn() const;
};

// Classifies a principal identifier as the simulate input writes it: an IAM ARN (user, role,
// assumed-role session, federated user, root), a 12-digit account id (the account's root user), a
// service principal ("*.amazonaws.com", "*.amazonaws.com.cn"), a web identity provider
// (cognito-identity.amazonaws.com, www.amazon.com, graph.facebook.com, accounts.google.com) or a
// SAML / OIDC provider ARN. Returns InvalidArgument, with the reason, for anything else.
absl::StatusOr<RequestPrincipal> ParseRequestPrincipal(std::string_view text);

// Builds a principal of an explicit type (the object form of the simulate input). `id` is checked
// against the type: an ARN of the right shape for the IAM kinds, anything non-empty for the others;
// for kAnonymous it must be empty.
absl::StatusOr<RequestPrincipal> MakeRequestPrincipal(PrincipalType type, std::string_view id);

// Parses a type name as PrincipalTypeName prints it (case-insensitive), or nullopt.
std::optional<PrincipalType> ParsePrincipalType(std::string_view name);

// The identity provider behind a kWebIdentityOrSaml principal: a SAML provider
// ("arn:aws:iam::111122223333:saml-provider/Name") or a web identity provider (an OIDC provider
// ARN, cognito-identity.amazonaws.com, www.amazon.com, graph.facebook.com, accounts.google.com).
enum class IdentityProviderKind { kWebIdentity, kSaml };

IdentityProviderKind IdentityProviderKindOf(std::string_view provider);

// The only actions (lower-cased) a web identity or SAML principal can be the caller of. Such a
// caller holds a token of its provider, not AWS credentials, so it can sign one call:
// AssumeRoleWithSAML for a SAML provider, AssumeRoleWithWebIdentity for the others (AWS STS API
// Reference, "AssumeRoleWithSAML" and "AssumeRoleWithWebIdentity": "Calling AssumeRoleWith... does
// not require the use of AWS security credentials"). Two more actions are authorized against the
// role's trust policy in that same call and so for the same caller: sts:TagSession when the
// provider passes session tags (IAM User Guide, "Pass session tags in AWS STS", "Permissions
// required to add session tags") and sts:SetSourceIdentity when it passes a source identity (IAM
// User Guide, "Monitor and control actions taken with assumed roles", "Permissions required to set
// source identity"). Any other action granted to a provider (sts:AssumeRole, s3:GetObject, ...) can
// never be called by it.
std::vector<std::string_view> ActionsOfIdentityProvider(IdentityProviderKind kind);

// Whether `principal` can be the caller of `action_lower` (a lower-cased action name): false
// exactly for a web identity or SAML principal and an action not in ActionsOfIdentityProvider.
// Shared by the evaluator and the engine so that both read "who can call what" alike.
bool PrincipalCanCall(const RequestPrincipal& principal, std::string_view action_lower);

struct Request {
  RequestPrincipal principal;
  std::string action;        // "s3:GetObject": matched case-insensitively
  std::string resource_arn;  // "arn:aws:s3:::bucket/key", or "*" for actions without resources
  // The account that owns the resource. When absent, the account field of resource_arn is used if
  // it is an account id; for "*" (an action without resource) the account of a principal of an
  // account; otherwise (S3 ARNs) the owner is unknown and the request is evaluated as
  // cross-account, the stricter case.
  std::optional<std::string> resource_account;
  RequestContext context;
};

// The owner of the resource, as defined above (nullopt when unknown).
std::optional<std::string> ResourceAccount(const Request& request);

// A request on one line, for reasons and reports: "TYPE ID (org ORG) ACTION RESOURCE key=value
// key=[v1,v2]", the context keys in the context's order, a multivalued key in brackets.
std::string DescribeRequest(const Request& request);

// Adds to `context` the global principal keys AWS puts in the request context for this principal
// and that the caller did not set already. Only keys AWS documents for the principal's type are
// added (IAM User Guide, "AWS global condition context keys" and "Principal key values" in "IAM
// policy elements: Variables and tags"):
//   aws:PrincipalArn       IAM kinds; for a role session the role's ARN, not the session's
//   aws:PrincipalAccount   IAM kinds
//   aws:PrincipalType      "User", "AssumedRole", "FederatedUser", "Account"
//   aws:username           IAM users only
//   aws:userid             the root user (the account id) and federated users ("account:name"); the
//                          unique ids of users and roles are not known offline and never invented
//   aws:PrincipalIsAWSService  "true" for service principals, "false" for the IAM kinds
//   aws:PrincipalServiceName   service principals only
//   aws:PrincipalOrgID, aws:PrincipalOrgPaths, aws:PrincipalTag/<key>   when the principal has them
// Nothing is added for anonymous, web identity / SAML and canonical user principals.
void AddPrincipalContextKeys(const RequestPrincipal& principal, RequestContext& context);

}  // namespace perimeter::eval

#endif  // PERIMETER_EVAL_REQUEST_H_
