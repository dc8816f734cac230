#include "perimeter/api/sts_operations.h"

#include <algorithm>

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

AwsError InvalidParameter(std::string message) {
  return QueryProtocolError(400, "ValidationError", std::move(message));
}

bool IsSessionNameCharacter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("_+=,.@-").find(c) != std::string_view::npos;
}

// AWS Security Token Service API Reference, "AssumeRole": RoleArn (20-2048 characters) and
// RoleSessionName (2-64 of [\w+=,.@-]) required; DurationSeconds 900-43200 (default 3600);
// ExternalId 2-1224 characters. Session policies (Policy, PolicyArns) would narrow the session:
// Perimeter does not apply them, so it refuses them rather than grant more than asked.
std::variant<AssumeRoleCall, AwsError> ReadAssumeRole(const FormParameters& form) {
  AssumeRoleCall call;
  std::optional<std::string_view> role = FormValue(form, "RoleArn");
  std::optional<std::string_view> session = FormValue(form, "RoleSessionName");
  if (!role) return QueryProtocolError(400, "MissingParameter", "RoleArn is required");
  if (!session) return QueryProtocolError(400, "MissingParameter", "RoleSessionName is required");
  std::optional<aws::Arn> arn = aws::ParseArn(*role);
  if (role->size() < 20 || role->size() > 2048 || !arn || arn->service != "iam" ||
      !aws::IsAccountId(arn->account) || !arn->resource.starts_with("role/")) {
    return InvalidParameter(base::Concat("1 validation error detected: Value '", *role,
                                         "' at 'roleArn' failed to satisfy constraint: Member "
                                         "must be the ARN of an IAM role"));
  }
  if (session->size() < 2 || session->size() > 64 ||
      !std::all_of(session->begin(), session->end(), IsSessionNameCharacter)) {
    return InvalidParameter(base::Concat(
        "1 validation error detected: Value '", *session,
        "' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular "
        "expression pattern: [\\w+=,.@-]*"));
  }
  call.role_arn = std::string(*role);
  call.role_account = std::string(arn->account);
  call.role_name = std::string(arn->resource.substr(arn->resource.rfind('/') + 1));
  call.session_name = std::string(*session);
  call.assumed_role_arn = base::Concat("arn:", arn->partition, ":sts::", call.role_account,
                                       ":assumed-role/", call.role_name, "/", call.session_name);
  call.external_id = std::string(FormValue(form, "ExternalId").value_or(""));
  if (std::optional<std::string_view> duration = FormValue(form, "DurationSeconds")) {
    int seconds = 0;
    bool digits = !duration->empty() && duration->size() <= 6 &&
                  std::all_of(duration->begin(), duration->end(),
                              [](char c) { return c >= '0' && c <= '9'; });
    if (digits) seconds = std::stoi(std::string(*duration));
    if (!digits || seconds < 900 || seconds > 43200) {
      return InvalidParameter(base::Concat(
          "1 validation error detected: Value '", *duration,
          "' at 'durationSeconds' failed to satisfy constraint: Member must have value between "
          "900 and 43200"));
    }
    call.duration_seconds = seconds;
  }
  if (FormValue(form, "Policy") || FormValue(form, "PolicyArns.member.1")) {
    return InvalidParameter(
        "Perimeter does not apply session policies (Policy, PolicyArns): a session would have "
        "more access than asked (docs/server.md)");
  }
  return call;
}

ApiResponse AssumeRole(const Caller& caller, const FormParameters& form,
                       std::string_view request_id, const IssueSession& issue) {
  std::variant<AssumeRoleCall, AwsError> read = ReadAssumeRole(form);
  if (auto* error = std::get_if<AwsError>(&read))
    return QueryError(*error, kStsNamespace, request_id);
  const AssumeRoleCall& call = std::get<AssumeRoleCall>(read);
  std::variant<IssuedSession, AwsError> issued = issue(caller, call);
  if (auto* error = std::get_if<AwsError>(&issued))
    return QueryError(*error, kStsNamespace, request_id);
  const IssuedSession& session = std::get<IssuedSession>(issued);
  const std::string& assumed = call.assumed_role_arn;
  std::string expiration =
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", session.expiration, absl::UTCTimeZone());
  std::string result = base::Concat(
      "    <Credentials>\n      ", XmlElement("AccessKeyId", session.access_key_id), "\n      ",
      XmlElement("SecretAccessKey", session.secret_access_key), "\n      ",
      XmlElement("SessionToken", session.session_token), "\n      ",
      XmlElement("Expiration", expiration), "\n    </Credentials>\n    <AssumedRoleUser>\n      ",
      XmlElement("AssumedRoleId", StsUserId(call.role_account, assumed)), "\n      ",
      XmlElement("Arn", assumed), "\n    </AssumedRoleUser>\n    ",
      XmlElement("PackedPolicySize", "0"), "\n");
  return QueryResponse("AssumeRole", kStsNamespace, result, request_id);
}

}  // namespace

ApiResponse HandleSts(const Caller& caller, const StsRequest& request, std::string_view request_id,
                      const IssueSession& issue) {
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
  if (action == "AssumeRole" && issue)
    return AssumeRole(caller, std::get<QueryCall>(call).parameters, request_id, issue);
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
