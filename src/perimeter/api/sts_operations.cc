#include "perimeter/api/sts_operations.h"

#include "perimeter/api/query_protocol.h"
#include "perimeter/aws/arn.h"
#include "perimeter/aws/sigv4/sigv4.h"
#include "perimeter/base/text.h"

namespace perimeter::api {
namespace {

// The parameters of the query string and, for a form-encoded body, of the body.
std::variant<FormParameters, AwsError> Parameters(const StsRequest& request) {
  auto query = DecodeForm(request.raw_query);
  if (auto* error = std::get_if<AwsError>(&query)) return *error;
  FormParameters parameters = std::get<FormParameters>(std::move(query));
  std::string_view type = request.content_type.substr(0, request.content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  if (base::EqualsIgnoreAsciiCase(type, "application/x-www-form-urlencoded")) {
    auto form = DecodeForm(request.body);
    if (auto* error = std::get_if<AwsError>(&form)) return *error;
    for (auto& parameter : std::get<FormParameters>(form)) {
      if (parameters.size() == kMaxFormParameters) {
        return QueryProtocolError(
            404, "MalformedQueryString",
            base::Concat("The request has more than ", kMaxFormParameters, " parameters."));
      }
      parameters.push_back(std::move(parameter));
    }
  }
  return parameters;
}

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
  auto refuse = [&](int status, std::string code, std::string message) {
    return QueryError(QueryProtocolError(status, std::move(code), std::move(message)),
                      kStsNamespace, request_id);
  };
  if (request.method != "GET" && request.method != "POST") {
    return refuse(400, "InvalidAction",
                  base::Concat("STS answers GET and POST requests, not ", request.method, "."));
  }
  auto parameters = Parameters(request);
  if (auto* error = std::get_if<AwsError>(&parameters)) {
    return QueryError(*error, kStsNamespace, request_id);
  }
  const FormParameters& form = std::get<FormParameters>(parameters);
  std::optional<std::string_view> action = FormValue(form, "Action");
  if (!action || action->empty()) {
    return refuse(400, "MissingAction", "The request must contain the parameter Action.");
  }
  if (request.service != "sts") {
    return QueryError(
        QueryProtocolError(400, "InvalidAction",
                           base::Concat("Perimeter does not answer ", request.service, ":", *action,
                                        "; of the query-protocol services it answers "
                                        "sts:GetCallerIdentity only (docs/server.md)")),
        "", request_id);
  }
  std::optional<std::string_view> version = FormValue(form, "Version");
  if (!version || version->empty()) {
    return refuse(400, "MissingParameter", "The request must contain the parameter Version.");
  }
  if (*version != kStsVersion) {
    return refuse(400, "InvalidAction",
                  base::Concat("Could not find operation ", *action, " for version ", *version));
  }
  if (*action == "GetCallerIdentity") return GetCallerIdentity(caller, request_id);
  return refuse(400, "InvalidAction",
                base::Concat("Could not find operation ", *action, " for version ", *version,
                             " (Perimeter answers GetCallerIdentity only: docs/server.md)"));
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
