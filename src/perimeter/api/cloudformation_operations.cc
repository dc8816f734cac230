#include "perimeter/api/cloudformation_operations.h"

#include "perimeter/api/sts_operations.h"
#include "perimeter/base/text.h"

namespace perimeter::api {

ApiResponse HandleCloudFormation(const Caller& caller, const QueryRequest& request,
                                 const AuthorizeCall& authorize, std::string_view request_id) {
  (void)caller;
  auto read = ReadQueryCall(request, kCloudFormationVersion, kCloudFormationNamespace, request_id);
  if (auto* refusal = std::get_if<ApiResponse>(&read)) return std::move(*refusal);
  const QueryCall& call = std::get<QueryCall>(read);
  auto refuse = [&](std::string code, std::string message) {
    return QueryError(QueryProtocolError(400, std::move(code), std::move(message)),
                      kCloudFormationNamespace, request_id);
  };
  if (call.action != "ListExports") {
    return refuse("InvalidAction",
                  base::Concat("Could not find operation ", call.action, " for version ",
                               kCloudFormationVersion,
                               " (Perimeter answers ListExports only: docs/server.md)"));
  }
  if (std::optional<AwsError> refusal =
          authorize(AuthorizationTarget{"cloudformation:ListExports", "*"})) {
    return QueryError(StsAuthError(*refusal), kCloudFormationNamespace, request_id);
  }
  if (std::optional<std::string_view> token = FormValue(call.parameters, "NextToken")) {
    return refuse("ValidationError",
                  base::Concat("Invalid NextToken ", *token, ": Perimeter issued no such token."));
  }
  return QueryResponse("ListExports", kCloudFormationNamespace, "    <Exports/>\n", request_id);
}

}  // namespace perimeter::api
