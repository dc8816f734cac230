// The HTTP(S) transport the AWS client sends its signed requests through. An interface so that
// tests of the client need no network; the implementation (http_transport.cc) is the only code of
// this folder that includes httplib.h.
#ifndef PERIMETER_AWS_CLIENT_HTTP_TRANSPORT_H_
#define PERIMETER_AWS_CLIENT_HTTP_TRANSPORT_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"

namespace perimeter::aws {

struct HttpRequest {
  std::string
      base_url;  // "https://access-analyzer.eu-west-1.amazonaws.com" or "http://127.0.0.1:8080"
  std::string method;  // "GET", "PUT", "POST"
  std::string
      target;  // path and query as sent, already percent-encoded: "/analyzer?maxResults=100"
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The value of the first header named `name` (any case); "" when absent.
  std::string Header(std::string_view name) const;
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Sends `request` and waits for the answer. Errors: Unavailable for a connection failure or
  // timeout, with the reason; any HTTP status is a response, not an error.
  virtual absl::StatusOr<HttpResponse> Send(const HttpRequest& request) = 0;
};

struct HttpTimeouts {
  int connect_seconds = 3;
  int read_seconds = 10;
};

// cpp-httplib over TCP, with TLS (OpenSSL, the system's CA certificates) for https:// URLs.
// Thread-safe.
std::unique_ptr<HttpTransport> MakeHttpTransport(HttpTimeouts timeouts);

}  // namespace perimeter::aws

#endif  // PERIMETER_AWS_CLIENT_HTTP_TRANSPORT_H_
