// The web console's routes of `perimeter serve` (docs/console.md): its embedded files, sign-in and
// sign-out, and `/console/api/...`, which calls the same operation table with the same
// authorization as a SigV4 request signed with the session's key.
#include <optional>
#include <string>
#include <string_view>

#include "perimeter/api/authorization.h"
#include "perimeter/api/console_input.h"
#include "perimeter/aws/regions.h"
#include "perimeter/base/text.h"
#include "perimeter/findings/finding_json.h"
#include "perimeter/findings/lifecycle.h"
#include "perimeter/json/document.h"
#include "perimeter/json/writer.h"
#include "perimeter/server/console_assets.h"
#include "perimeter/server/console_sessions.h"
#include "perimeter/server/server.h"
#include "perimeter/service/continuous_analysis.h"
#include "perimeter/store/store.h"

namespace perimeter::server {

namespace {

constexpr std::string_view kCookieName = "perimeter_session";
constexpr std::string_view kApiPrefix = "/console/api/";
constexpr std::string_view kOrganizationsPrefix = "organizations/";

// Headers of every console response. CSP: scripts, styles, images and fetches only from the server
// itself, no inline script or style, no framing (clickjacking).
void AddSecurityHeaders(HttpResponse& response) {
  response.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
      "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
      "frame-ancestors 'none'");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("X-Frame-Options", "DENY");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
}

HttpResponse JsonResponse(int status, std::string body) {
  HttpResponse response{status, {{"Content-Type", "application/json"}}, std::move(body)};
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// The console's own errors (sign-in, session, CSRF): restJson1's shape.
HttpResponse ConsoleError(int status, std::string_view code, std::string_view message) {
  json::Writer writer;
  writer.BeginObject().Key("message").String(message).EndObject();
  HttpResponse response = JsonResponse(status, std::move(writer).Take());
  response.headers.emplace_back("x-amzn-ErrorType", std::string(code));
  return response;
}

// The session cookie's value ("" when the request has none).
std::string_view SessionCookie(const HttpRequest& request) {
  for (const auto& [name, value] : request.headers) {
    if (!base::EqualsIgnoreAsciiCase(name, "Cookie")) continue;
    std::string_view cookies = value;
    while (!cookies.empty()) {
      size_t end = cookies.find(';');
      std::string_view pair = cookies.substr(0, end);
      while (pair.starts_with(' ')) pair.remove_prefix(1);
      if (pair.starts_with(kCookieName) && pair.size() > kCookieName.size() &&
          pair[kCookieName.size()] == '=')
        return pair.substr(kCookieName.size() + 1);
      if (end == std::string_view::npos) break;
      cookies.remove_prefix(end + 1);
    }
  }
  return "";
}

// A request of a page of another origin: its Origin header (browsers send it with every POST and
// DELETE) names another host than the request's Host.
bool CrossOrigin(const HttpRequest& request) {
  std::string_view origin = request.Header("Origin");
  if (origin.empty()) return false;
  size_t scheme = origin.find("://");
  if (scheme == std::string_view::npos) return true;
  return origin.substr(scheme + 3) != request.Header("Host");
}

}  // namespace

std::string Server::ConsoleSessionJson(const ConsoleSession& session) {
  std::shared_ptr<const service::Environment> environment = this->environment();
  const service::Account* account = environment->FindAccount(session.account_id);
  json::Writer writer;
  writer.BeginObject()
      .Key("accountId")
      .String(session.account_id)
      .Key("accountName")
      .String(account != nullptr ? account->name : "")
      .Key("principalArn")
      .String(session.principal_arn)
      .Key("accessKeyId")
      .String(session.access_key_id)
      .Key("csrfToken")
      .String(session.csrf_token)
      .Key("expiresAt")
      .Int(session.expires_at)
      .Key("regions")
      .BeginArray();
  // The account's enabled regions; an account without a list has AWS's default one.
  if (account != nullptr && !account->regions.empty()) {
    for (const std::string& region : account->regions) writer.String(region);
  } else {
    writer.String("us-east-1");
  }
  writer.EndArray();
  if (environment->organization && environment->IsMember(session.account_id)) {
    writer.Key("organization")
        .BeginObject()
        .Key("id")
        .String(environment->organization->id)
        .Key("managementAccount")
        .String(environment->organization->management_account)
        .EndObject();
  }
  writer.EndObject();
  return std::move(writer).Take();
}

api::ApiResponse Server::ConsoleRun(const ConsoleSession& session, const api::Caller& caller,
                                    std::string_view operation, const std::string& input,
                                    std::optional<api::RestRequest>& routed) {
  auto request = api::ConsoleRestRequest(operation, input);
  if (auto* error = std::get_if<api::AwsError>(&request)) return api::RestJsonError(*error);
  routed = std::move(std::get<api::RestRequest>(request));
  std::optional<api::AwsError> refusal =
      Authorize(session.access_key_id, caller, api::AccessAnalyzerTarget(caller, *routed));
  return refusal ? api::RestJsonError(*refusal) : access_analyzer_->Handle(caller, *routed);
}

HttpResponse Server::ConsoleFindingHistory(const ConsoleSession& session, const api::Caller& caller,
                                           const std::string& input) {
  // Only a finding GetFindingV2 shows the session's key has a history to show.
  std::optional<api::RestRequest> rest;
  api::ApiResponse reply = ConsoleRun(session, caller, "GetFindingV2", input, rest);
  if (reply.status != 200)
    return HttpResponse{reply.status, std::move(reply.headers), std::move(reply.body)};
  absl::StatusOr<std::vector<store::FindingStatusChange>> history =
      store_->GetFindingHistory(rest->Query("analyzerArn").value_or(""), rest->labels.at("id"));
  if (!history.ok()) {
    return ConsoleError(500, "InternalServerException",
                        base::Concat("The status history could not be read: ",
                                     std::string(history.status().message())));
  }
  json::Writer writer;
  writer.BeginObject().Key("history").BeginArray();
  for (const store::FindingStatusChange& change : *history) {
    writer.BeginObject().Key("at").String(findings::FormatTimestamp(change.at));
    if (change.previous)
      writer.Key("previousStatus").String(findings::FindingStatusName(*change.previous));
    writer.Key("status").String(findings::FindingStatusName(change.status));
    writer.Key("cause").String(store::StatusChangeCauseName(change.cause.kind));
    if (!change.cause.detail.empty()) writer.Key("detail").String(change.cause.detail);
    writer.EndObject();
  }
  writer.EndArray().Key("limit").Int(static_cast<int64_t>(store::kStatusHistoryLimit));
  writer.EndObject();
  return JsonResponse(200, std::move(writer).Take());
}

HttpResponse Server::ConsoleFindingAggregates(const ConsoleSession& session,
                                              const api::Caller& caller, const std::string& input) {
  // Authorized as a listing of the analyzer's findings (a one-finding page of ListFindingsV2): the
  // analyzer is the caller's (a member account sees only its own), the key's policies allow it,
  // and its findings are not blocked.
  json::ParseResult parsed = json::Parse(input);
  std::string analyzer_arn;
  if (parsed.ok() && parsed.document.root().is_object()) {
    if (auto value = parsed.document.root().Find("analyzerArn"); value && value->is_string())
      analyzer_arn = std::string(value->text());
  }
  json::Writer listing;
  listing.BeginObject().Key("analyzerArn").String(analyzer_arn).Key("maxResults").Int(1);
  listing.EndObject();
  std::optional<api::RestRequest> rest;
  api::ApiResponse reply =
      ConsoleRun(session, caller, "ListFindingsV2", std::move(listing).Take(), rest);
  if (reply.status != 200)
    return HttpResponse{reply.status, std::move(reply.headers), std::move(reply.body)};
  absl::StatusOr<store::FindingAggregates> aggregates = store_->AggregateFindings(analyzer_arn);
  if (!aggregates.ok()) {
    return ConsoleError(500, "InternalServerException",
                        base::Concat("The findings could not be counted: ",
                                     std::string(aggregates.status().message())));
  }
  json::Writer writer;
  writer.BeginObject().Key("activeByResourceType").BeginObject();
  for (const auto& [type, count] : aggregates->active_by_resource_type) writer.Key(type).Int(count);
  writer.EndObject().Key("activeByAccount").BeginObject();
  for (const auto& [account, count] : aggregates->active_by_account) writer.Key(account).Int(count);
  writer.EndObject()
      .Key("activePublic")
      .Int(aggregates->active_public)
      .Key("activeExternal")
      .Int(aggregates->active_external)
      .Key("activeErrors")
      .Int(aggregates->active_errors)
      .Key("byDay")
      .BeginArray();
  for (const store::FindingAggregates::Day& day : aggregates->by_day) {
    writer.BeginObject()
        .Key("day")
        .String(absl::FormatTime("%Y-%m-%d", absl::FromUnixSeconds(day.day * 86400),
                                 absl::UTCTimeZone()))
        .Key("created")
        .Int(day.created)
        .Key("resolved")
        .Int(day.resolved)
        .EndObject();
  }
  writer.EndArray().EndObject();
  return JsonResponse(200, std::move(writer).Take());
}

HttpResponse Server::ConsoleFindingDetails(const ConsoleSession& session, const api::Caller& caller,
                                           const std::string& input) {
  // First the finding exactly as GetFindingV2 answers the session's key (authorization, the
  // analyzer's account and region, blocked findings): what follows only adds to an answer the
  // caller was given.
  std::optional<api::RestRequest> routed;
  api::ApiResponse reply = ConsoleRun(session, caller, "GetFindingV2", input, routed);
  if (reply.status != 200)
    return HttpResponse{reply.status, std::move(reply.headers), std::move(reply.body)};
  const api::RestRequest& rest = *routed;
  json::Writer writer;
  writer.BeginObject().Key("finding").Raw(reply.body);
  std::string analyzer_arn = rest.Query("analyzerArn").value_or("");
  absl::StatusOr<std::optional<findings::FindingRecord>> record =
      store_->GetFinding(analyzer_arn, rest.labels.at("id"));
  if (record.ok() && record->has_value()) {
    const findings::Finding& stored = (*record)->finding;
    writer.Key("perimeter").BeginObject();
    // The store keeps no witness nor explanation: the resource is analyzed again, read-only, for
    // the analyzer's zone of trust, as the background analysis does
    // (service/continuous_analysis.h), and the finding of the same id gives them. None when the
    // resource changed since.
    std::shared_ptr<const service::ResourceCatalog> catalog = this->catalog();
    absl::StatusOr<std::optional<store::Analyzer>> analyzer = store_->GetAnalyzer(analyzer_arn);
    std::optional<reasoning::ZoneOfTrust> zone;
    if (analyzer.ok() && analyzer->has_value())
      zone = service::ZoneOf(**analyzer, *this->environment());
    bool explained = false;
    if (zone) {
      for (const service::ResourceSummary& claim : catalog->FindClaims(stored.resource)) {
        if (claim.owner_account != stored.resource_owner_account || explained) continue;
        for (const findings::Finding& fresh : catalog->AnalyzeClaim(claim, *zone)) {
          if (findings::LifecycleFindingId(analyzer_arn, fresh) != stored.id) continue;
          findings::WriteFindingExtras(writer, fresh);
          explained = true;
          break;
        }
      }
    }
    writer.Key("explained").Bool(explained);
    // The resource's configuration as imported (its policies), for the policy view.
    const resources::Resource* resource =
        catalog->FindRecord(stored.resource, stored.resource_owner_account);
    if (resource != nullptr) writer.Key("configuration").Copy(resource->configuration);
    writer.EndObject();
  }
  writer.EndObject();
  return JsonResponse(200, std::move(writer).Take());
}

HttpResponse Server::HandleConsole(const HttpRequest& request, aws::sigv4::Caller& verified_caller,
                                   const aws::sigv4::Caller*& logged_caller) {
  HttpResponse response = HandleConsoleUnsecured(request, verified_caller, logged_caller);
  AddSecurityHeaders(response);
  return response;
}

HttpResponse Server::HandleConsoleUnsecured(const HttpRequest& request,
                                            aws::sigv4::Caller& verified_caller,
                                            const aws::sigv4::Caller*& logged_caller) {
  std::string_view target = request.target;
  std::string_view path = target.substr(0, target.find('?'));
  const bool secure = !config_.tls_cert.empty();
  if (path == "/console" && (request.method == "GET" || request.method == "HEAD"))
    return HttpResponse{302, {{"Location", "/console/"}}, ""};

  if (path == "/console/session") {
    if (request.method == "POST") {
      if (CrossOrigin(request))
        return ConsoleError(403, "AccessDeniedException", "Cross-origin sign-in");
      // A form of another site cannot send application/json without a CORS preflight, which this
      // server never grants.
      if (!base::StartsWithIgnoreAsciiCase(request.Header("Content-Type"), "application/json"))
        return ConsoleError(415, "ValidationException", "Sign-in takes application/json");
      json::ParseResult parsed = json::Parse(request.body);
      std::string key, secret;
      if (parsed.ok() && parsed.document.root().is_object()) {
        if (auto value = parsed.document.root().Find("accessKeyId"); value && value->is_string())
          key = std::string(value->text());
        if (auto value = parsed.document.root().Find("secretAccessKey");
            value && value->is_string())
          secret = std::string(value->text());
      }
      // Every attempt takes a token of its key's bucket (unknown ids share one).
      std::string bucket = LookupCredential(key) ? key : std::string("<unknown>");
      if (std::optional<int> retry_after =
              console_sign_in_limiter_->Acquire(bucket, clock_.Now())) {
        HttpResponse response =
            ConsoleError(429, "ThrottlingException", "Too many sign-in attempts; try again later.");
        response.headers.emplace_back("Retry-After", std::to_string(*retry_after));
        return response;
      }
      std::optional<ConsoleSession> session =
          console_sessions_->SignIn(config_.credentials, key, secret);
      if (!session) {
        return ConsoleError(401, "UnrecognizedClientException",
                            "The access key id or the secret access key is not valid.");
      }
      HttpResponse response = JsonResponse(200, ConsoleSessionJson(*session));
      response.headers.emplace_back(
          "Set-Cookie",
          base::Concat(kCookieName, "=", session->id, "; Path=/console; HttpOnly; SameSite=Strict",
                       "; Max-Age=", (session->expires_at - clock_.Now()) / 1000,
                       secure ? "; Secure" : ""));
      return response;
    }
    std::optional<ConsoleSession> session = console_sessions_->Find(SessionCookie(request));
    if (request.method == "GET") {
      if (!session) return ConsoleError(401, "UnauthorizedException", "Not signed in.");
      return JsonResponse(200, ConsoleSessionJson(*session));
    }
    if (request.method == "DELETE") {
      if (session && SecretMatches(request.Header("X-Perimeter-Csrf"), session->csrf_token))
        console_sessions_->SignOut(session->id);
      else if (session)
        return ConsoleError(403, "AccessDeniedException", "Missing or wrong CSRF token.");
      HttpResponse response = JsonResponse(200, "{}");
      response.headers.emplace_back("Set-Cookie",
                                    base::Concat(kCookieName,
                                                 "=; Path=/console; HttpOnly; SameSite=Strict; "
                                                 "Max-Age=0",
                                                 secure ? "; Secure" : ""));
      return response;
    }
    return ConsoleError(405, "ValidationException", "GET, POST or DELETE");
  }

  if (path.starts_with(kApiPrefix)) {
    if (request.method != "POST")
      return ConsoleError(405, "ValidationException", "Console API calls are POST");
    std::optional<ConsoleSession> session = console_sessions_->Find(SessionCookie(request));
    if (!session) return ConsoleError(401, "UnauthorizedException", "Not signed in.");
    if (CrossOrigin(request) ||
        !SecretMatches(request.Header("X-Perimeter-Csrf"), session->csrf_token))
      return ConsoleError(403, "AccessDeniedException", "Missing or wrong CSRF token.");
    std::string region(request.Header("X-Perimeter-Region"));
    if (region.empty()) region = "us-east-1";
    if (!aws::FindRegion(region)) {
      return ConsoleError(400, "ValidationException",
                          base::Concat("'", region, "' is not an AWS region"));
    }
    // From here on the call is the session key's, exactly as a SigV4 call signed with it.
    verified_caller = aws::sigv4::Caller{session->access_key_id, session->account_id,
                                         session->principal_arn, region, "access-analyzer"};
    logged_caller = &verified_caller;
    api::Caller caller{session->account_id, session->principal_arn, region};
    if (std::optional<int> retry_after =
            rate_limiter_->Acquire(session->access_key_id, clock_.Now())) {
      HttpResponse response = ConsoleError(429, "ThrottlingException", "Rate exceeded");
      response.headers.emplace_back("Retry-After", std::to_string(*retry_after));
      return response;
    }
    std::string_view operation = path.substr(kApiPrefix.size());
    HttpResponse response;
    if (operation.starts_with(kOrganizationsPrefix)) {
      operation.remove_prefix(kOrganizationsPrefix.size());
      std::optional<api::AwsError> refusal =
          Authorize(session->access_key_id, caller, api::OrganizationsTarget(operation));
      api::ApiResponse reply = refusal ? api::Json11Error(*refusal)
                                       : organizations_->Handle(caller, operation, request.body);
      if (refusal) reply.status = refusal->http_status;
      response = HttpResponse{reply.status, std::move(reply.headers), std::move(reply.body)};
    } else if (operation == "perimeter/GetFindingDetails") {
      response = ConsoleFindingDetails(*session, caller, request.body);
    } else if (operation == "perimeter/GetFindingHistory") {
      response = ConsoleFindingHistory(*session, caller, request.body);
    } else if (operation == "perimeter/GetFindingAggregates") {
      response = ConsoleFindingAggregates(*session, caller, request.body);
    } else {
      auto routed = api::ConsoleRestRequest(operation, request.body);
      api::ApiResponse reply;
      if (auto* error = std::get_if<api::AwsError>(&routed)) {
        reply = api::RestJsonError(*error);
      } else {
        const api::RestRequest& rest = std::get<api::RestRequest>(routed);
        std::optional<api::AwsError> refusal =
            Authorize(session->access_key_id, caller, api::AccessAnalyzerTarget(caller, rest));
        reply = refusal ? api::RestJsonError(*refusal) : access_analyzer_->Handle(caller, rest);
      }
      response = HttpResponse{reply.status, std::move(reply.headers), std::move(reply.body)};
    }
    bool typed = false;
    for (const auto& [name, value] : response.headers)
      typed = typed || base::EqualsIgnoreAsciiCase(name, "Content-Type");
    if (!typed) response.headers.emplace_back("Content-Type", "application/json");
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
  }

  if (request.method != "GET" && request.method != "HEAD")
    return ConsoleError(405, "ValidationException", "The console's files are read with GET");
  const ConsoleAsset* asset = FindConsoleAsset(path);
  if (asset == nullptr) return ConsoleError(404, "ResourceNotFoundException", "No such file.");
  HttpResponse response{200,
                        {{"Content-Type", std::string(asset->content_type)},
                         {"ETag", std::string(asset->etag)},
                         {"Cache-Control", "no-cache"}},
                        ""};
  // A strong ETag: If-None-Match with it (or a list holding it) is answered 304.
  std::string_view if_none_match = request.Header("If-None-Match");
  if (!if_none_match.empty() &&
      (if_none_match.find(asset->etag) != std::string_view::npos || if_none_match == "*")) {
    response.status = 304;
    return response;
  }
  if (request.method == "GET") response.body = std::string(asset->bytes);
  return response;
}

}  // namespace perimeter::server
