// The only file of src/perimeter/aws that includes httplib.h. Debian's cpp-httplib is built with
// CPPHTTPLIB_OPENSSL_SUPPORT, and its pkg-config flags define it for every user, so the server and
// this client see one and the same httplib.
#include "perimeter/aws/client/http_transport.h"

#include <httplib.h>

#include <filesystem>

#include "absl/status/status.h"
#include "perimeter/base/text.h"

namespace perimeter::aws {

std::string HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (base::EqualsIgnoreAsciiCase(key, name)) return value;
  }
  return "";
}

namespace {

constexpr const char* kCaBundles[] = {"/etc/ssl/certs/ca-certificates.crt",
                                      "/etc/pki/tls/certs/ca-bundle.crt"};

class HttplibTransport final : public HttpTransport {
 public:
  explicit HttplibTransport(HttpTimeouts timeouts) : timeouts_(timeouts) {}

  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    httplib::Client client(request.base_url);
    if (!client.is_valid())
      return absl::InvalidArgumentError(base::Concat("not a valid URL: ", request.base_url));
    // The target is already percent-encoded, and signed as it is: httplib must not encode it again.
    client.set_url_encode(false);
    client.set_connection_timeout(timeouts_.connect_seconds, 0);
    client.set_read_timeout(timeouts_.read_seconds, 0);
    client.set_write_timeout(timeouts_.read_seconds, 0);
    if (request.base_url.starts_with("https://")) {
      for (const char* bundle : kCaBundles) {
        std::error_code error;
        if (std::filesystem::exists(bundle, error)) {
          client.set_ca_cert_path(bundle);
          break;
        }
      }
      client.enable_server_certificate_verification(true);
    }
    httplib::Headers headers;
    std::string content_type;
    for (const auto& [name, value] : request.headers) {
      if (base::EqualsIgnoreAsciiCase(name, "Content-Type")) {
        content_type = value;
      } else {
        headers.emplace(name, value);
      }
    }
    httplib::Result result = [&] {
      if (request.method == "GET") return client.Get(request.target, headers);
      if (request.method == "PUT")
        return client.Put(request.target, headers, request.body, content_type);
      if (request.method == "DELETE")
        return client.Delete(request.target, headers, request.body, content_type);
      return client.Post(request.target, headers, request.body, content_type);
    }();
    if (!result) {
      return absl::UnavailableError(
          base::Concat(request.base_url, ": ", httplib::to_string(result.error())));
    }
    HttpResponse response;
    response.status = result->status;
    for (const auto& [name, value] : result->headers) response.headers.emplace_back(name, value);
    response.body = result->body;
    return response;
  }

 private:
  HttpTimeouts timeouts_;
};

}  // namespace

std::unique_ptr<HttpTransport> MakeHttpTransport(HttpTimeouts timeouts) {
  return std::make_unique<HttplibTransport>(timeouts);
}

}  // namespace perimeter::aws
