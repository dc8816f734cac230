// AWS IAM as far as cfn-policy-validator needs it: GetPolicy and GetPolicyVersion over the query
// protocol (api/query_protocol.h), API version 2010-05-08 (IAM API Reference, "GetPolicy",
// "GetPolicyVersion", "Policy", "PolicyVersion"). The validator calls them for a ManagedPolicyArns
// entry its template does not define, to read the policy's default version.
//
// Answers come from the managed policies the server was given (inventory records of kind
// "managedPolicy", docs/inventory.md): a caller reads its own account's customer managed policies
// and the AWS managed policies (arn:aws:iam::aws:policy/...) its own account imported; another
// account's policy is AccessDenied (403), as IAM has no resource-based policies to allow it; an
// unknown policy or version is NoSuchEntity (404). Every other IAM action is InvalidAction.
#ifndef PERIMETER_API_IAM_OPERATIONS_H_
#define PERIMETER_API_IAM_OPERATIONS_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "perimeter/api/authorization.h"
#include "perimeter/api/aws_error.h"
#include "perimeter/api/caller.h"
#include "perimeter/api/query_protocol.h"
#include "perimeter/resources/managed_policy.h"

namespace perimeter::api {

inline constexpr std::string_view kIamVersion = "2010-05-08";
inline constexpr std::string_view kIamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/";

// The managed policy `arn` as `owner_account` imported it, or null.
using FindManagedPolicy = std::function<const resources::ManagedPolicy*(
    std::string_view owner_account, std::string_view arn)>;

// Answers an IAM `request` for `caller` (already authenticated) in the query protocol's XML. Each
// call is authorized as iam:ACTION on the policy ARN.
ApiResponse HandleIam(const Caller& caller, const QueryRequest& request,
                      const FindManagedPolicy& find, const AuthorizeCall& authorize,
                      std::string_view request_id);

}  // namespace perimeter::api

#endif  // PERIMETER_API_IAM_OPERATIONS_H_
