// Authorization of API calls by the caller's identity-based policies (docs/server.md,
// "Authorization").
//
// A credential of the server's configuration may carry identity-based policies; each call made with
// it is then decided by Perimeter's own evaluator (eval/evaluator.h) for the call's IAM action and
// resource, as AWS decides it for a principal of the resource's own account: an Allow in an
// identity-based policy is needed, and an explicit Deny wins (IAM User Guide, "Policy evaluation
// logic"). A credential without policies has full access to its own account, as before.
//
// Actions and resources follow the Service Authorization Reference ("Actions, resources, and
// condition keys for IAM Access Analyzer" / "... for AWS Organizations"): the action is the service
// prefix and the operation name (access-analyzer:ListFindings,
// organizations:RegisterDelegatedAdministrator); the resource is the analyzer
// (arn:aws:access-analyzer:REGION:ACCOUNT:analyzer/NAME) or archive rule
// (.../analyzer/NAME/archive-rule/RULE) the request names, and "*" for calls that name neither.
#ifndef PERIMETER_API_AUTHORIZATION_H_
#define PERIMETER_API_AUTHORIZATION_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "perimeter/api/aws_error.h"
#include "perimeter/api/caller.h"
#include "perimeter/api/rest_routes.h"
#include "perimeter/eval/evaluator.h"

namespace perimeter::api {

// What one API call asks for, in IAM's terms.
struct AuthorizationTarget {
  std::string action;    // "access-analyzer:ListFindings"
  std::string resource;  // an analyzer or archive rule ARN, or "*"
};

// The caller's identity-based policies applied to one call: nullopt when allowed, else the refusal
// (AccessDeniedException, IdentityPolicies::Authorize).
using AuthorizeCall = std::function<std::optional<AwsError>(const AuthorizationTarget& target)>;

// The action and resource of an Access Analyzer call (a routed request; malformed members give
// "*").
AuthorizationTarget AccessAnalyzerTarget(const Caller& caller, const RestRequest& request);
// organizations:OPERATION on "*".
AuthorizationTarget OrganizationsTarget(std::string_view operation);
// Perimeter's POST /perimeter/import: perimeter:ImportInventory on "*".
AuthorizationTarget ImportTarget();

// The identity-based policies of one credential's principal, parsed and compiled once; Authorize is
// const and thread-safe.
class IdentityPolicies {
 public:
  // `documents`: (source name, policy JSON). An unreadable policy is InvalidArgument
  // "SOURCE:LINE:COL: message". REQUIRES: at least one document.
  static absl::StatusOr<std::shared_ptr<const IdentityPolicies>> Compile(
      const std::vector<std::pair<std::string, std::string>>& documents);

  // Nullopt when the policies allow `caller` the target; otherwise AWS's AccessDeniedException
  // (403): "User: ARN is not authorized to perform: ACTION on resource: RESOURCE because no
  // identity-based policy allows the ACTION action" (or "with an explicit deny in an identity-based
  // policy").
  std::optional<AwsError> Authorize(const Caller& caller, const AuthorizationTarget& target) const;

 private:
  eval::PolicySet policies_;
};

}  // namespace perimeter::api

#endif  // PERIMETER_API_AUTHORIZATION_H_
