#include "perimeter/compliance/aws_client.h"

#include "absl/status/status.h"
#include "absl/strings/cord.h"
#include "perimeter/api/sigv4/sigv4.h"
#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"
#include "perimeter/compliance/regions.h"
#include "perimeter/json/document.h"
#include "perimeter/json/writer.h"

namespace perimeter::compliance {

namespace {

constexpr char kAwsErrorPayload[] = "perimeter.dev/aws-error-code";

// "https://host:port/prefix" -> origin "https://host:port", host header "host:port", prefix "/prefix".
struct ParsedUrl {
  std::string origin;
  std::string host;
  std::string path_prefix;
};

ParsedUrl ParseUrl(std::string_view url) {
  ParsedUrl parsed;
  size_t scheme_end = url.find("://");
  size_t authority_begin = scheme_end == std::string_view::npos ? 0 : scheme_end + 3;
  size_t path_begin = url.find('/', authority_begin);
  std::string_view authority = url.substr(authority_begin, path_begin == std::string_view::npos
                                                               ? std::string_view::npos
                                                               : path_begin - authority_begin);
  parsed.origin = std::string(url.substr(0, authority_begin)) + std::string(authority);
  // The SDKs leave the default port out of Host.
  std::string_view host = authority;
  if (url.starts_with("https://") && host.ends_with(":443")) host.remove_suffix(4);
  if (url.starts_with("http://") && host.ends_with(":80")) host.remove_suffix(3);
  parsed.host = std::string(host);
  if (path_begin != std::string_view::npos) {
    std::string_view prefix = url.substr(path_begin);
    while (prefix.ends_with('/')) prefix.remove_suffix(1);
    parsed.path_prefix = std::string(prefix);
  }
  return parsed;
}

std::string OrganizationsRegion(std::string_view home_region) {
  std::string partition = PartitionOf(home_region);
  if (partition == "aws") return "us-east-1";
  if (partition == "aws-cn") return "cn-northwest-1";
  if (partition == "aws-us-gov") return "us-gov-west-1";
  return std::string(home_region);
}

absl::Status AwsError(int http_status, std::string code, std::string_view message) {
  // x-amzn-ErrorType may carry ":http://internal.amazon.com/..." after the code.
  if (size_t colon = code.find(':'); colon != std::string::npos) code.resize(colon);
  if (size_t hash = code.rfind('#'); hash != std::string::npos) code = code.substr(hash + 1);
  absl::StatusCode status_code = absl::StatusCode::kUnknown;
  if (http_status == 403) status_code = absl::StatusCode::kPermissionDenied;
  if (http_status == 404) status_code = absl::StatusCode::kNotFound;
  if (http_status == 409) status_code = absl::StatusCode::kAlreadyExists;
  if (http_status == 400) status_code = absl::StatusCode::kInvalidArgument;
  if (http_status == 402 || http_status == 429) status_code = absl::StatusCode::kResourceExhausted;
  if (http_status >= 500) status_code = absl::StatusCode::kUnavailable;
  absl::Status status(status_code, base::Concat(code.empty() ? std::string("HTTP ") + std::to_string(http_status) : code,
                                                message.empty() ? "" : ": ", message));
  status.SetPayload(kAwsErrorPayload, absl::Cord(code));
  return status;
}

// The error of a non-2xx answer, from x-amzn-ErrorType or the body's __type / code, and message / Message.
absl::Status ErrorFromResponse(const HttpResponse& response) {
  std::string code = response.Header("x-amzn-ErrorType");
  std::string message;
  json::ParseResult parsed = json::Parse(response.body);
  if (parsed.ok() && parsed.document.root().is_object()) {
    json::Value root = parsed.document.root();
    for (std::string_view key : {"__type", "code", "Code"}) {
      std::optional<json::Value> value = root.Find(key);
      if (code.empty() && value && value->is_string()) code = std::string(value->text());
    }
    for (std::string_view key : {"message", "Message"}) {
      std::optional<json::Value> value = root.Find(key);
      if (message.empty() && value && value->is_string()) message = std::string(value->text());
    }
  } else {
    // STS answers XML: <Code>...</Code><Message>...</Message>.
    auto element = [&](std::string_view name) -> std::string {
      std::string open = base::Concat("<", name, ">"), close = base::Concat("</", name, ">");
      size_t begin = response.body.find(open);
      size_t end = begin == std::string::npos ? std::string::npos : response.body.find(close, begin);
      if (end == std::string::npos) return "";
      return response.body.substr(begin + open.size(), end - begin - open.size());
    };
    if (code.empty()) code = element("Code");
    message = element("Message");
  }
  return AwsError(response.status, std::move(code), message);
}

std::string StringField(json::Value object, std::string_view key) {
  std::optional<json::Value> value = object.is_object() ? object.Find(key) : std::nullopt;
  return value && value->is_string() ? std::string(value->text()) : "";
}

absl::StatusOr<json::Document> ParseBody(const HttpResponse& response, std::string_view what) {
  json::ParseResult parsed = json::Parse(response.body);
  if (!parsed.ok() || !parsed.document.root().is_object()) {
    return absl::DataLossError(base::Concat(what, ": the answer is not a JSON object"));
  }
  return std::move(parsed.document);
}

}  // namespace

std::string AwsErrorCode(const absl::Status& status) {
  auto payload = status.GetPayload(kAwsErrorPayload);
  return payload ? std::string(*payload) : "";
}

ServiceEndpoint AccessAnalyzerEndpoint(std::string_view region, const std::optional<std::string>& endpoint_url) {
  if (endpoint_url) return {*endpoint_url, std::string(region)};
  return {base::Concat("https://access-analyzer.", region, ".", DomainSuffixOf(region)), std::string(region)};
}

ServiceEndpoint OrganizationsEndpoint(std::string_view home_region, const std::optional<std::string>& endpoint_url) {
  std::string region = OrganizationsRegion(home_region);
  if (endpoint_url) return {*endpoint_url, region};
  return {base::Concat("https://organizations.", region, ".", DomainSuffixOf(region)), region};
}

ServiceEndpoint StsEndpoint(std::string_view region, const std::optional<std::string>& endpoint_url) {
  if (endpoint_url) return {*endpoint_url, std::string(region)};
  return {base::Concat("https://sts.", region, ".", DomainSuffixOf(region)), std::string(region)};
}

absl::StatusOr<HttpResponse> AwsClient::Call(const ServiceEndpoint& endpoint, std::string_view service,
                                             std::string method, std::string target,
                                             std::vector<std::pair<std::string, std::string>> headers,
                                             std::string body) {
  ParsedUrl url = ParseUrl(endpoint.base_url);
  target = url.path_prefix + target;
  size_t question = target.find('?');
  std::string_view path = std::string_view(target).substr(0, question);
  std::string_view query = question == std::string::npos ? std::string_view() : std::string_view(target).substr(question + 1);
  headers.emplace_back("Host", url.host);
  if (!credentials_.session_token.empty()) headers.emplace_back("X-Amz-Security-Token", credentials_.session_token);
  api::sigv4::Credential credential{credentials_.access_key_id, credentials_.secret_access_key, "", ""};
  api::sigv4::Sign(method, path, query, headers, body, credential, endpoint.signing_region, service, clock_.Now());
  headers.emplace_back("User-Agent", "perimeter/0.1.0 compliance");
  ASSIGN_OR_RETURN(HttpResponse response,
                   transport_.Send(HttpRequest{url.origin, std::move(method), std::move(target), std::move(headers),
                                               std::move(body)}));
  if (response.status < 200 || response.status >= 300) return ErrorFromResponse(response);
  return response;
}

absl::StatusOr<std::vector<Analyzer>> AwsClient::ListAnalyzers(std::string_view region) {
  std::vector<Analyzer> analyzers;
  std::string next_token;
  ServiceEndpoint endpoint = AccessAnalyzerEndpoint(region, endpoint_url_);
  for (int page = 0; page < 100; ++page) {
    std::string target = "/analyzer?maxResults=100";
    if (!next_token.empty()) target += "&nextToken=" + api::sigv4::UriEncode(next_token, false);
    ASSIGN_OR_RETURN(HttpResponse response, Call(endpoint, "access-analyzer", "GET", std::move(target), {}, ""));
    ASSIGN_OR_RETURN(json::Document document, ParseBody(response, "ListAnalyzers"));
    std::optional<json::Value> list = document.root().Find("analyzers");
    if (!list || !list->is_array()) return absl::DataLossError("ListAnalyzers: the answer has no analyzers list");
    for (json::Value entry : list->children()) {
      Analyzer analyzer{StringField(entry, "arn"), StringField(entry, "name"), StringField(entry, "type"),
                        StringField(entry, "status"), ""};
      if (std::optional<json::Value> reason = entry.is_object() ? entry.Find("statusReason") : std::nullopt) {
        analyzer.status_reason = StringField(*reason, "code");
      }
      analyzers.push_back(std::move(analyzer));
    }
    next_token = StringField(document.root(), "nextToken");
    if (next_token.empty()) return analyzers;
  }
  return absl::DataLossError("ListAnalyzers: more than 100 pages");
}

absl::StatusOr<std::string> AwsClient::CreateAnalyzer(std::string_view region, std::string_view name,
                                                      std::string_view type, std::string_view client_token) {
  json::Writer w;
  w.BeginObject().Key("analyzerName").String(name).Key("type").String(type).Key("clientToken").String(client_token);
  w.EndObject();
  ASSIGN_OR_RETURN(HttpResponse response,
                   Call(AccessAnalyzerEndpoint(region, endpoint_url_), "access-analyzer", "PUT", "/analyzer",
                        {{"Content-Type", "application/json"}}, std::move(w).Take()));
  ASSIGN_OR_RETURN(json::Document document, ParseBody(response, "CreateAnalyzer"));
  std::string arn = StringField(document.root(), "arn");
  if (arn.empty()) return absl::DataLossError("CreateAnalyzer: the answer has no arn");
  return arn;
}

absl::StatusOr<std::string> AwsClient::Organizations(std::string_view operation, std::string body) {
  ASSIGN_OR_RETURN(HttpResponse response,
                   Call(OrganizationsEndpoint(home_region_, endpoint_url_), "organizations", "POST", "/",
                        {{"Content-Type", "application/x-amz-json-1.1"},
                         {"X-Amz-Target", base::Concat("AWSOrganizationsV20161128.", operation)}},
                        std::move(body)));
  return std::move(response.body);
}

absl::StatusOr<OrganizationSummary> AwsClient::DescribeOrganization() {
  ASSIGN_OR_RETURN(std::string body, Organizations("DescribeOrganization", "{}"));
  json::ParseResult parsed = json::Parse(std::move(body));
  std::optional<json::Value> organization =
      parsed.ok() && parsed.document.root().is_object() ? parsed.document.root().Find("Organization") : std::nullopt;
  if (!organization || !organization->is_object()) {
    return absl::DataLossError("DescribeOrganization: the answer has no Organization");
  }
  return OrganizationSummary{StringField(*organization, "Id"), StringField(*organization, "MasterAccountId")};
}

absl::StatusOr<std::vector<OrganizationAccount>> AwsClient::ListAccounts() {
  std::vector<OrganizationAccount> accounts;
  std::string next_token;
  for (int page = 0; page < 1000; ++page) {
    json::Writer w;
    w.BeginObject();
    if (!next_token.empty()) w.Key("NextToken").String(next_token);
    w.EndObject();
    ASSIGN_OR_RETURN(std::string body, Organizations("ListAccounts", std::move(w).Take()));
    json::ParseResult parsed = json::Parse(std::move(body));
    std::optional<json::Value> list =
        parsed.ok() && parsed.document.root().is_object() ? parsed.document.root().Find("Accounts") : std::nullopt;
    if (!list || !list->is_array()) return absl::DataLossError("ListAccounts: the answer has no Accounts list");
    for (json::Value entry : list->children()) {
      accounts.push_back({StringField(entry, "Id"), StringField(entry, "Name"), StringField(entry, "Status")});
    }
    next_token = StringField(parsed.document.root(), "NextToken");
    if (next_token.empty()) return accounts;
  }
  return absl::DataLossError("ListAccounts: more than 1000 pages");
}

absl::StatusOr<std::string> AwsClient::GetCallerAccount() {
  ASSIGN_OR_RETURN(HttpResponse response,
                   Call(StsEndpoint(home_region_, endpoint_url_), "sts", "POST", "/",
                        {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
                        "Action=GetCallerIdentity&Version=2011-06-15"));
  size_t begin = response.body.find("<Account>");
  size_t end = begin == std::string::npos ? std::string::npos : response.body.find("</Account>", begin);
  if (end == std::string::npos) return absl::DataLossError("GetCallerIdentity: the answer has no Account");
  return response.body.substr(begin + 9, end - begin - 9);
}

}  // namespace perimeter::compliance
