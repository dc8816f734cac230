// The HTTP/1.1 transport of `perimeter serve`: connections, deadlines and body limits, on
// Boost.Beast.
//
// Why not cpp-httplib (0.11, Debian bookworm): it serves one connection per pool thread for the
// connection's whole life and has only per-read timeouts, so a few dozen sockets sending a header
// byte a second, or idle keep-alive connections, occupy every thread and starve everyone else; it
// reads the whole body before any handler runs, and does not apply its payload limit to chunked
// bodies. Here connections are asynchronous (one I/O thread holds any number of them; only complete
// requests reach the worker threads), every phase has a deadline for the whole phase, and the
// application sees a request's headers before its body is read (docs/server.md, "Transport").
//
// Per connection:
//  - the request header must arrive whole within `header_timeout` of the connection opening (or of
//  its
//    first byte, on a kept-alive connection) and fit in `max_header_bytes`;
//  - then `Admit` decides from the header alone: refuse at once (the body is not read, the
//  connection is
//    closed), or read a body of at most `body_limit` bytes, chunked or not, within `body_timeout`;
//    a larger body is answered with the admission's `too_large` response, and the connection is
//    closed;
//  - `Expect: 100-continue` is answered only once the header was admitted;
//  - a kept-alive connection waits at most `idle_timeout` for its next request and serves at most
//    `max_requests_per_connection`; at most `max_connections` are open at once: when full, the
//    longest idle kept-alive connection is closed to make room, and a new one is refused when none
//    is idle;
//  - a response must be written within `write_timeout`.
// Stop() closes the listener and every connection that is not in the middle of a request at once; a
// request being handled gets its response (with `Connection: close`); after `shutdown_grace` every
// connection is dropped, so Run() returns within that bound.
#ifndef PERIMETER_SERVER_HTTP_TRANSPORT_H_
#define PERIMETER_SERVER_HTTP_TRANSPORT_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace perimeter::server {

struct HttpRequest {
  std::string method;
  std::string target;  // as received: path and query, still percent-encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<uint64_t> content_length;  // nullopt: chunked, or no body
  bool chunked = false;
  std::string body;  // empty until the body was read (never seen by Admit)
  std::string remote_address;
  std::chrono::steady_clock::time_point received_at;  // when the header was complete

  // The first header of that name (any case); "" when absent.
  std::string_view Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// What the application decides from a request's header, before its body is read.
struct Admission {
  std::optional<HttpResponse>
      refusal;              // answered at once; the body is not read; the connection is closed
  uint64_t body_limit = 0;  // the largest body accepted
  HttpResponse too_large;   // the answer to a larger body (Content-Length or chunked)
};

struct HttpApplication {
  // Runs on the I/O thread: must be quick and must not block (no store, no signature computation).
  std::function<Admission(const HttpRequest& head)> admit;
  // Runs on a worker thread with the whole request.
  std::function<HttpResponse(HttpRequest request)> handle;
};

struct TransportLimits {
  absl::Duration header_timeout = absl::Seconds(10);
  absl::Duration body_timeout = absl::Seconds(60);
  absl::Duration idle_timeout = absl::Seconds(60);
  absl::Duration write_timeout = absl::Seconds(60);
  absl::Duration shutdown_grace = absl::Seconds(5);
  size_t max_connections = 512;  // below the default limit of 1024 open files
  size_t max_requests_per_connection = 1000;
  size_t max_header_bytes = 16 * 1024;
  size_t workers = 8;  // threads that run HttpApplication::handle
};

class HttpTransport {
 public:
  HttpTransport(HttpApplication application, TransportLimits limits);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Serves HTTPS with the PEM certificate chain and private key of these files (TLS 1.2 and later).
  // Errors (InvalidArgument) name the file that cannot be read or used. REQUIRES: before Run().
  absl::Status EnableTls(const std::string& certificate_chain_file,
                         const std::string& private_key_file);
  // Listens on host:port (port 0: a free one) and returns the port. Nothing is accepted before
  // Run().
  absl::StatusOr<int> Bind(const std::string& host, int port);
  // Serves until Stop(); returns within `shutdown_grace` of it. REQUIRES: Bind() succeeded.
  void Run();
  // Thread-safe; may come before Run() (Run() then returns at once).
  void Stop();
  // Connections open now (for tests and the access log).
  size_t open_connections() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace perimeter::server

#endif  // PERIMETER_SERVER_HTTP_TRANSPORT_H_
