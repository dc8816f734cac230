// The web console's call of an Access Analyzer operation: `POST /console/api/OPERATION` with the
// operation's input as one JSON object, the members of botocore's input shape (docs/console.md).
// This turns it into the routed request a SigV4 client would have sent for the same input, so that
// it reaches the same handler and the same authorization: a member named by the operation's path
// template (rest_bindings.h) is a label; for a GET or DELETE binding every other member is a query
// parameter (an array of strings a repeated one: UntagResource's tagKeys); for POST and PUT the
// others form the body. The Access Analyzer model binds no query member to a POST or PUT operation.
#ifndef PERIMETER_API_CONSOLE_INPUT_H_
#define PERIMETER_API_CONSOLE_INPUT_H_

#include <string_view>
#include <variant>

#include "perimeter/api/aws_error.h"
#include "perimeter/api/rest_routes.h"

namespace perimeter::api {

// The routed request for `operation` with the console's JSON `input` ("" is {}). Errors are AWS's
// shapes: an operation the model does not have is UnknownOperationException (404); input that is
// not a JSON object, a missing label, or a label or query member that is not a string, number or
// boolean (or, for a query member, an array of strings) is a ValidationException.
std::variant<RestRequest, AwsError> ConsoleRestRequest(std::string_view operation,
                                                       std::string_view input);

}  // namespace perimeter::api

#endif  // PERIMETER_API_CONSOLE_INPUT_H_
