#include "perimeter/api/sts_operations.h"

#include "perimeter/api/query_protocol.h"
#include "perimeter/aws/arn.h"
#include "perimeter/aws/sigv4/sigv4.h"
#include "perimeter/base/text.h"

namespace perimeter::api {
namespace {

ApiResponse GetCallerIdentity(const Caller& caller, std::string_view request_id) {
  std::string result =
      base::Concat("    ", XmlElement("UserId", StsUserId(caller.account_id, caller.principal_arn)),
                   "\n", "    ", XmlElement("Account", caller.account_id), "\n", "    ",
                   XmlElement("Arn", caller.principal_arn), "\n");
  return QueryResponse("GetCallerIdentity", kStsNamespace, result, request_id);
}

}  // namespace

ApiResponse HandleSts(const Caller& caller, const StsRequest& request,
                      std::string_view request_id) {
  if (request.service != "sts") {
    auto parameters = QueryParameters(request);
    if (auto* error = std::get_if<AwsError>(&parameters)) return QueryError(*error, "", request_id);
    std::optional<std::string_view> action =
        FormValue(std::get<FormParameters>(parameters), "Action");
    return QueryError(
        QueryProtocolError(
            400, "InvalidAction",
            base::Concat("Perimeter does not answer ", request.service, ":", action.value_or(""),
                         "; of the query-protocol services it answers sts:GetCallerIdentity, "
                         "iam:GetPolicy, iam:GetPolicyVersion and cloudformation:ListExports only "
                         "(docs/server.md)")),
        "", request_id);
  }
  auto call = ReadQueryCall(request, kStsVersion, kStsNamespace, request_id);
  if (auto* refusal = std::get_if<ApiResponse>(&call)) return std::move(*refusal);
  const std::string& action = std::get<QueryCall>(call).action;
  if (action == "GetCallerIdentity") return GetCallerIdentity(caller, request_id);
  return QueryError(
      QueryProtocolError(
          400, "InvalidAction",
          base::Concat("Could not find operation ", action, " for version ", kStsVersion,
                       " (Perimeter answers GetCallerIdentity only: docs/server.md)")),
      kStsNamespace, request_id);
}

std::string StsUserId(std::string_view account_id, std::string_view principal_arn) {
  std::optional<aws::Arn> arn = aws::ParseArn(principal_arn);
  std::string_view resource = arn ? arn->resource : std::string_view();
  if (resource == "root" || principal_arn.empty()) return std::string(account_id);
  bool role = resource.starts_with("role/") || resource.starts_with("assumed-role/");
  std::string digest = aws::sigv4::HexSha256(principal_arn);
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string id = role ? "AROA" : "AIDA";
  for (size_t i = 0; i < 17; ++i) {
    int byte = std::stoi(digest.substr(2 * i, 2), nullptr, 16);
    id.push_back(kAlphabet[byte % 32]);
  }
  if (resource.starts_with("assumed-role/")) {
    size_t slash = resource.rfind('/');
    id += base::Concat(":", resource.substr(slash + 1));
  }
  return id;
}

AwsError StsAuthError(const AwsError& sigv4_error) {
  std::string code = sigv4_error.code;
  if (code == "MissingAuthenticationTokenException") code = "MissingAuthenticationToken";
  if (code == "IncompleteSignatureException") code = "IncompleteSignature";
  if (code == "UnrecognizedClientException") code = "InvalidClientTokenId";
  if (code == "InvalidSignatureException") code = "SignatureDoesNotMatch";
  if (code == "AccessDeniedException") code = "AccessDenied";
  return QueryProtocolError(sigv4_error.http_status, std::move(code), sigv4_error.message);
}

}  // namespace perimeter::api
