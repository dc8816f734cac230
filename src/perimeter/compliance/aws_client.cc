#include "perimeter/compliance/aws_client.h"

#include "absl/status/status.h"
#include "perimeter/aws/client/endpoints.h"
#include "perimeter/aws/regions.h"
#include "perimeter/aws/sigv4/sigv4.h"
#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"
#include "perimeter/json/document.h"
#include "perimeter/json/writer.h"

namespace perimeter::compliance {

namespace {

using aws::HttpResponse;

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

namespace {
aws::EndpointSettings Explicit(const std::optional<std::string>& endpoint_url) {
  aws::EndpointSettings settings;
  settings.explicit_url = endpoint_url;
  return settings;
}
}  // namespace

// The endpoints as aws/client/endpoints.h resolves them, with --endpoint-url as the explicit URL.
ServiceEndpoint AccessAnalyzerEndpoint(std::string_view region,
                                       const std::optional<std::string>& endpoint_url) {
  return aws::ResolveEndpoint(aws::AwsService::kAccessAnalyzer, region, Explicit(endpoint_url))
      .endpoint;
}

ServiceEndpoint OrganizationsEndpoint(std::string_view home_region,
                                      const std::optional<std::string>& endpoint_url) {
  return aws::ResolveEndpoint(aws::AwsService::kOrganizations, home_region, Explicit(endpoint_url))
      .endpoint;
}

ServiceEndpoint StsEndpoint(std::string_view region,
                            const std::optional<std::string>& endpoint_url) {
  return aws::ResolveEndpoint(aws::AwsService::kSts, region, Explicit(endpoint_url)).endpoint;
}

absl::StatusOr<std::vector<Analyzer>> AwsClient::ListAnalyzers(std::string_view region) {
  std::vector<Analyzer> analyzers;
  std::string next_token;
  ServiceEndpoint endpoint = AccessAnalyzerEndpoint(region, endpoint_url_);
  for (int page = 0; page < 100; ++page) {
    std::string target = "/analyzer?maxResults=100";
    if (!next_token.empty()) target += "&nextToken=" + aws::sigv4::UriEncode(next_token, false);
    ASSIGN_OR_RETURN(HttpResponse response,
                     client_.Call(endpoint, "access-analyzer", {"GET", std::move(target), {}, ""}));
    ASSIGN_OR_RETURN(json::Document document, ParseBody(response, "ListAnalyzers"));
    std::optional<json::Value> list = document.root().Find("analyzers");
    if (!list || !list->is_array())
      return absl::DataLossError("ListAnalyzers: the answer has no analyzers list");
    for (json::Value entry : list->children()) {
      Analyzer analyzer{StringField(entry, "arn"), StringField(entry, "name"),
                        StringField(entry, "type"), StringField(entry, "status"), ""};
      if (std::optional<json::Value> reason =
              entry.is_object() ? entry.Find("statusReason") : std::nullopt) {
        analyzer.status_reason = StringField(*reason, "code");
      }
      analyzers.push_back(std::move(analyzer));
    }
    next_token = StringField(document.root(), "nextToken");
    if (next_token.empty()) return analyzers;
  }
  return absl::DataLossError("ListAnalyzers: more than 100 pages");
}

absl::StatusOr<std::string> AwsClient::CreateAnalyzer(std::string_view region,
                                                      std::string_view name, std::string_view type,
                                                      std::string_view client_token) {
  json::Writer w;
  w.BeginObject()
      .Key("analyzerName")
      .String(name)
      .Key("type")
      .String(type)
      .Key("clientToken")
      .String(client_token);
  w.EndObject();
  ASSIGN_OR_RETURN(
      HttpResponse response,
      client_.Call(
          AccessAnalyzerEndpoint(region, endpoint_url_), "access-analyzer",
          {"PUT", "/analyzer", {{"Content-Type", "application/json"}}, std::move(w).Take()}));
  ASSIGN_OR_RETURN(json::Document document, ParseBody(response, "CreateAnalyzer"));
  std::string arn = StringField(document.root(), "arn");
  if (arn.empty()) return absl::DataLossError("CreateAnalyzer: the answer has no arn");
  return arn;
}

absl::StatusOr<std::string> AwsClient::Organizations(std::string_view operation, std::string body) {
  ASSIGN_OR_RETURN(
      HttpResponse response,
      client_.Call(OrganizationsEndpoint(home_region_, endpoint_url_), "organizations",
                   {"POST",
                    "/",
                    {{"Content-Type", "application/x-amz-json-1.1"},
                     {"X-Amz-Target", base::Concat("AWSOrganizationsV20161128.", operation)}},
                    std::move(body)}));
  return std::move(response.body);
}

absl::StatusOr<OrganizationSummary> AwsClient::DescribeOrganization() {
  ASSIGN_OR_RETURN(std::string body, Organizations("DescribeOrganization", "{}"));
  json::ParseResult parsed = json::Parse(std::move(body));
  std::optional<json::Value> organization = parsed.ok() && parsed.document.root().is_object()
                                                ? parsed.document.root().Find("Organization")
                                                : std::nullopt;
  if (!organization || !organization->is_object()) {
    return absl::DataLossError("DescribeOrganization: the answer has no Organization");
  }
  return OrganizationSummary{StringField(*organization, "Id"),
                             StringField(*organization, "MasterAccountId")};
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
    std::optional<json::Value> list = parsed.ok() && parsed.document.root().is_object()
                                          ? parsed.document.root().Find("Accounts")
                                          : std::nullopt;
    if (!list || !list->is_array())
      return absl::DataLossError("ListAccounts: the answer has no Accounts list");
    for (json::Value entry : list->children()) {
      accounts.push_back(
          {StringField(entry, "Id"), StringField(entry, "Name"), StringField(entry, "Status")});
    }
    next_token = StringField(parsed.document.root(), "NextToken");
    if (next_token.empty()) return accounts;
  }
  return absl::DataLossError("ListAccounts: more than 1000 pages");
}

absl::StatusOr<std::string> AwsClient::GetCallerAccount() {
  ASSIGN_OR_RETURN(
      HttpResponse response,
      client_.Call(StsEndpoint(home_region_, endpoint_url_), "sts",
                   {"POST",
                    "/",
                    {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
                    "Action=GetCallerIdentity&Version=2011-06-15"}));
  size_t begin = response.body.find("<Account>");
  size_t end =
      begin == std::string::npos ? std::string::npos : response.body.find("</Account>", begin);
  if (end == std::string::npos)
    return absl::DataLossError("GetCallerIdentity: the answer has no Account");
  return response.body.substr(begin + 9, end - begin - 9);
}

}  // namespace perimeter::compliance
