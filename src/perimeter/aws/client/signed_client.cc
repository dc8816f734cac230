#include "perimeter/aws/client/signed_client.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "absl/strings/cord.h"
#include "perimeter/aws/sigv4/sigv4.h"
#include "perimeter/base/text.h"
#include "perimeter/json/document.h"

namespace perimeter::aws {

namespace {

constexpr char kAwsErrorPayload[] = "perimeter.dev/aws-error-code";

// Error codes the AWS SDKs' standard retry mode treats as throttling or transient (AWS SDKs and
// Tools Reference Guide, "Retry behavior"), whatever the HTTP status they come with (Organizations
// throttles with 400 TooManyRequestsException, STS with 400 Throttling).
constexpr std::string_view kRetryableCodes[] = {"Throttling",
                                                "ThrottlingException",
                                                "ThrottledException",
                                                "RequestThrottledException",
                                                "TooManyRequestsException",
                                                "ProvisionedThroughputExceededException",
                                                "TransactionInProgressException",
                                                "RequestLimitExceeded",
                                                "BandwidthLimitExceeded",
                                                "LimitExceededException",
                                                "RequestThrottled",
                                                "SlowDown",
                                                "PriorRequestNotComplete",
                                                "EC2ThrottledException",
                                                "RequestTimeout",
                                                "RequestTimeoutException"};

// "https://host:port/prefix" -> origin "https://host:port", host header "host:port", prefix
// "/prefix".
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

// The text of the first <name>...</name> of an XML body; "" when absent.
std::string XmlElement(std::string_view body, std::string_view name) {
  std::string open = base::Concat("<", name, ">"), close = base::Concat("</", name, ">");
  size_t begin = body.find(open);
  size_t end = begin == std::string_view::npos ? std::string_view::npos : body.find(close, begin);
  if (end == std::string_view::npos) return "";
  return std::string(body.substr(begin + open.size(), end - begin - open.size()));
}

absl::Status AwsError(int http_status, const AwsErrorDetails& error) {
  absl::StatusCode status_code = absl::StatusCode::kUnknown;
  if (http_status == 403) status_code = absl::StatusCode::kPermissionDenied;
  if (http_status == 404) status_code = absl::StatusCode::kNotFound;
  if (http_status == 409) status_code = absl::StatusCode::kAlreadyExists;
  if (http_status == 400) status_code = absl::StatusCode::kInvalidArgument;
  if (http_status == 402 || http_status == 429) status_code = absl::StatusCode::kResourceExhausted;
  if (http_status >= 500) status_code = absl::StatusCode::kUnavailable;
  absl::Status status(status_code, base::Concat(error.code.empty() ? std::string("HTTP ") +
                                                                         std::to_string(http_status)
                                                                   : error.code,
                                                error.message.empty() ? "" : ": ", error.message));
  status.SetPayload(kAwsErrorPayload, absl::Cord(error.code));
  return status;
}

}  // namespace

AwsErrorDetails DecodeAwsError(const HttpResponse& response) {
  AwsErrorDetails error;
  error.code = response.Header("x-amzn-ErrorType");
  json::ParseResult parsed = json::Parse(response.body);
  if (parsed.ok() && parsed.document.root().is_object()) {
    json::Value root = parsed.document.root();
    for (std::string_view key : {"__type", "code", "Code"}) {
      std::optional<json::Value> value = root.Find(key);
      if (error.code.empty() && value && value->is_string())
        error.code = std::string(value->text());
    }
    for (std::string_view key : {"message", "Message"}) {
      std::optional<json::Value> value = root.Find(key);
      if (error.message.empty() && value && value->is_string())
        error.message = std::string(value->text());
    }
  } else {
    // The query protocol (STS) answers XML:
    // <ErrorResponse><Error><Code>...</Code><Message>...</Message>.
    if (error.code.empty()) error.code = XmlElement(response.body, "Code");
    error.message = XmlElement(response.body, "Message");
  }
  // x-amzn-ErrorType may carry ":http://internal.amazon.com/..." after the code; JSON 1.x __type
  // may carry a namespace before '#'.
  if (size_t colon = error.code.find(':'); colon != std::string::npos) error.code.resize(colon);
  if (size_t hash = error.code.rfind('#'); hash != std::string::npos)
    error.code = error.code.substr(hash + 1);
  return error;
}

std::string AwsErrorCode(const absl::Status& status) {
  auto payload = status.GetPayload(kAwsErrorPayload);
  return payload ? std::string(*payload) : "";
}

bool IsRetryable(const absl::StatusOr<HttpResponse>& answer) {
  if (!answer.ok()) return answer.status().code() == absl::StatusCode::kUnavailable;
  int status = answer->status;
  if (status >= 200 && status < 300) return false;
  if (status == 429 || status == 500 || status == 502 || status == 503 || status == 504)
    return true;
  std::string code = DecodeAwsError(*answer).code;
  return std::find(std::begin(kRetryableCodes), std::end(kRetryableCodes), code) !=
         std::end(kRetryableCodes);
}

std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry, double uniform) {
  // 2^retry in a double: exact up to far beyond any attempt count, and never overflows into a short
  // wait.
  double ceiling =
      std::ldexp(static_cast<double>(policy.base_delay.count()), std::clamp(retry, 0, 1000));
  double delay = std::min(uniform * ceiling, static_cast<double>(policy.max_backoff.count()));
  return std::chrono::milliseconds(static_cast<int64_t>(delay));
}

RetryTiming RetryTiming::System() {
  struct Random {
    std::mutex mutex;
    std::mt19937_64 engine{std::random_device{}()};
  };
  auto random = std::make_shared<Random>();
  return RetryTiming{[](std::chrono::milliseconds delay) { std::this_thread::sleep_for(delay); },
                     [random] {
                       std::lock_guard<std::mutex> lock(random->mutex);
                       return std::uniform_real_distribution<double>(0.0, 1.0)(random->engine);
                     }};
}

RetryTiming RetryTiming::Immediate() {
  return RetryTiming{[](std::chrono::milliseconds) {}, [] { return 0.0; }};
}

absl::StatusOr<HttpResponse> SignedClient::Send(const ServiceEndpoint& endpoint,
                                                std::string_view service,
                                                SignedRequest request) const {
  ParsedUrl url = ParseUrl(endpoint.base_url);
  std::string target = url.path_prefix + request.target;
  size_t question = target.find('?');
  std::string_view path = std::string_view(target).substr(0, question);
  std::string_view query = question == std::string::npos
                               ? std::string_view()
                               : std::string_view(target).substr(question + 1);
  sigv4::Credential credential{credentials_.access_key_id, credentials_.secret_access_key, "", ""};
  int attempts = std::max(policy_.max_attempts, 1);
  absl::StatusOr<HttpResponse> answer;
  for (int attempt = 0; attempt < attempts; ++attempt) {
    if (attempt > 0) timing_.sleep(BackoffDelay(policy_, attempt - 1, timing_.uniform()));
    std::vector<std::pair<std::string, std::string>> headers = request.headers;
    headers.emplace_back("Host", url.host);
    if (!credentials_.session_token.empty())
      headers.emplace_back("X-Amz-Security-Token", credentials_.session_token);
    sigv4::Sign(request.method, path, query, headers, request.body, credential,
                endpoint.signing_region, service, clock_.Now());
    if (!user_agent_.empty()) headers.emplace_back("User-Agent", user_agent_);
    answer = transport_.Send(
        HttpRequest{url.origin, request.method, target, std::move(headers), request.body});
    if (!IsRetryable(answer)) break;
  }
  return answer;
}

absl::StatusOr<HttpResponse> SignedClient::Call(const ServiceEndpoint& endpoint,
                                                std::string_view service,
                                                SignedRequest request) const {
  absl::StatusOr<HttpResponse> response = Send(endpoint, service, std::move(request));
  if (!response.ok()) return response.status();
  if (response->status < 200 || response->status >= 300) {
    return AwsError(response->status, DecodeAwsError(*response));
  }
  return response;
}

}  // namespace perimeter::aws
