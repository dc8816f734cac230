// The one signed AWS client: signs each request with SigV4 like the AWS CLI (Host, X-Amz-Date,
// X-Amz-Security-Token for temporary keys), sends it through an HttpTransport, retries throttling
// and transient failures with exponential backoff and full jitter, and decodes AWS error answers of
// every protocol Perimeter calls (restJson1, JSON 1.0/1.1, query/XML). `perimeter compliance`,
// `perimeter import` and the coming collector all call AWS (or `perimeter serve`) through it.
//
// Retries follow the AWS SDKs' "standard" retry mode (AWS SDKs and Tools Reference Guide, "Retry
// behavior"; docs/compliance.md): at most 3 attempts; retried are transport failures (no answer),
// HTTP 500/502/503/504, HTTP 429 and the throttling error codes; the wait before retry i (0-based)
// is min(b * 2^i, 20 s) with b uniform in [0, 1). Any other answer is final.
#ifndef PERIMETER_AWS_CLIENT_SIGNED_CLIENT_H_
#define PERIMETER_AWS_CLIENT_SIGNED_CLIENT_H_

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "perimeter/aws/client/credentials.h"
#include "perimeter/aws/client/http_transport.h"
#include "perimeter/base/clock.h"

namespace perimeter::aws {

// Where a service's requests go and the region they are signed for.
struct ServiceEndpoint {
  std::string base_url;        // scheme://host[:port][/prefix]
  std::string signing_region;  // the credential scope's region
};

// One request before signing. `target` is the path and query, already percent-encoded.
struct SignedRequest {
  std::string method;
  std::string target;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// The code and message of an AWS error answer: the code from x-amzn-ErrorType (restJson1), else the
// body's __type / code / Code (JSON 1.0/1.1, namespace "aws.protocols#" stripped), else <Code>
// (query/XML); the message from message / Message, or <Message>. Both "" when the answer says none.
struct AwsErrorDetails {
  std::string code;
  std::string message;
};
AwsErrorDetails DecodeAwsError(const HttpResponse& response);

// The AWS error code of a failed call ("AccessDeniedException"), carried as a status payload; ""
// when the failure was not an AWS error answer (a connection failure, a timeout).
std::string AwsErrorCode(const absl::Status& status);

// Whether a final answer (or transport failure) is worth another attempt, per the standard mode.
bool IsRetryable(const absl::StatusOr<HttpResponse>& answer);

struct RetryPolicy {
  int max_attempts = 3;                           // the first attempt included; 1: no retry
  std::chrono::milliseconds base_delay{1000};     // the backoff's unit
  std::chrono::milliseconds max_backoff{20'000};  // the longest single wait
};

// Waiting and randomness behind functions, so tests wait for nothing and see fixed delays.
struct RetryTiming {
  std::function<void(std::chrono::milliseconds)> sleep;  // blocks the caller for the duration
  std::function<double()> uniform;                       // a number in [0, 1)
  // The real ones: std::this_thread::sleep_for and a per-process random engine.
  static RetryTiming System();
  // Retries at once with b = 0: for tests, which must not wait.
  static RetryTiming Immediate();
};

// The wait before retry `retry` (0 for the first retry): min(uniform * base_delay * 2^retry,
// max_backoff).
std::chrono::milliseconds BackoffDelay(const RetryPolicy& policy, int retry, double uniform);

class SignedClient {
 public:
  // REQUIRES: `transport` and `clock` outlive the client.
  SignedClient(HttpTransport& transport, AwsCredentials credentials, const base::Clock& clock,
               RetryPolicy policy = {}, RetryTiming timing = RetryTiming::System(),
               std::string user_agent = "perimeter/0.1.0")
      : transport_(transport),
        credentials_(std::move(credentials)),
        clock_(clock),
        policy_(policy),
        timing_(std::move(timing)),
        user_agent_(std::move(user_agent)) {}

  // Signs `request` for `service` in the endpoint's signing region (again for each attempt:
  // X-Amz-Date moves) and sends it, retrying as above. Returns the last answer whatever its HTTP
  // status; errors only when the last attempt got no answer (the transport's status: Unavailable
  // with the reason).
  absl::StatusOr<HttpResponse> Send(const ServiceEndpoint& endpoint, std::string_view service,
                                    SignedRequest request) const;

  // Send, with a non-2xx answer turned into an error status: "CODE: message" (or "HTTP N"), the
  // code as AwsErrorCode's payload, and the absl code from the HTTP status (400 InvalidArgument,
  // 403 PermissionDenied, 404 NotFound, 409 AlreadyExists, 402/429 ResourceExhausted, 5xx
  // Unavailable).
  absl::StatusOr<HttpResponse> Call(const ServiceEndpoint& endpoint, std::string_view service,
                                    SignedRequest request) const;

  const AwsCredentials& credentials() const { return credentials_; }

 private:
  HttpTransport& transport_;
  AwsCredentials credentials_;
  const base::Clock& clock_;
  RetryPolicy policy_;
  RetryTiming timing_;
  std::string user_agent_;
};

}  // namespace perimeter::aws

#endif  // PERIMETER_AWS_CLIENT_SIGNED_CLIENT_H_
