// AWS CloudFormation as far as cfn-policy-validator needs it: ListExports over the query protocol
// (api/query_protocol.h), API version 2010-05-15 (AWS CloudFormation API Reference,
// "ListExports"). The validator calls it to resolve Fn::ImportValue. Perimeter holds no stacks and
// the inventory records no exports, so the answer is an empty list; Fn::ImportValue then fails in
// the validator with its own "export not found" message, as against an account without the
// export. Every other CloudFormation action is InvalidAction.
#ifndef PERIMETER_API_CLOUDFORMATION_OPERATIONS_H_
#define PERIMETER_API_CLOUDFORMATION_OPERATIONS_H_

#include <string_view>

#include "perimeter/api/authorization.h"
#include "perimeter/api/aws_error.h"
#include "perimeter/api/caller.h"
#include "perimeter/api/query_protocol.h"

namespace perimeter::api {

inline constexpr std::string_view kCloudFormationVersion = "2010-05-15";
inline constexpr std::string_view kCloudFormationNamespace =
    "http://cloudformation.amazonaws.com/doc/2010-05-15/";

// Answers a CloudFormation `request` for `caller` (already authenticated), authorized as
// cloudformation:ListExports on "*" (Service Authorization Reference: ListExports has no resource
// type). A NextToken is one Perimeter never issued: ValidationError.
ApiResponse HandleCloudFormation(const Caller& caller, const QueryRequest& request,
                                 const AuthorizeCall& authorize, std::string_view request_id);

}  // namespace perimeter::api

#endif  // PERIMETER_API_CLOUDFORMATION_OPERATIONS_H_
