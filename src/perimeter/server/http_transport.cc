#include "perimeter/server/http_transport.h"

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <chrono>
#include <limits>
#include <list>
#include <mutex>

#include "perimeter/base/text.h"

namespace perimeter::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string_view HttpRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (base::EqualsIgnoreAsciiCase(key, name)) return value;
  }
  return {};
}

bool HttpRequest::HasHeader(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (base::EqualsIgnoreAsciiCase(key, name)) return true;
  }
  return false;
}

namespace {

std::chrono::steady_clock::duration Steady(absl::Duration duration) {
  return absl::ToChronoMilliseconds(duration);
}

// After a response that closes the connection while the client may still be sending (a refusal
// before the body, a body over the limit), what it sends is read and dropped for this long, so that
// it can finish writing and read the answer instead of a connection reset. Nothing read is kept.
constexpr auto kLingerTime = std::chrono::seconds(1);

}  // namespace

class HttpTransport::Impl {
 public:
  class Session;
  template <class Stream>
  class Connection;

  Impl(HttpApplication application, TransportLimits limits)
      : application_(std::move(application)),
        limits_(limits),
        workers_(limits.workers),
        grace_timer_(ioc_) {}

  ~Impl() { workers_.join(); }

  absl::StatusOr<int> Bind(const std::string& host, int port) {
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    auto endpoints = resolver.resolve(host, std::to_string(port), tcp::resolver::passive, ec);
    if (ec || endpoints.empty()) {
      return absl::UnavailableError(
          base::Concat("cannot listen on ", host, ":", port, ": ", ec.message()));
    }
    tcp::endpoint endpoint = endpoints.begin()->endpoint();
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      beast::error_code ignored;
      acceptor_.close(ignored);
      return absl::UnavailableError(
          base::Concat("cannot listen on ", host, ":", port, ": ", ec.message()));
    }
    return static_cast<int>(acceptor_.local_endpoint().port());
  }

  void Run() {
    {
      std::lock_guard lock(mutex_);
      if (stop_requested_) return;
      running_ = true;
    }
    Accept();
    ioc_.run();
    // Handlers still running finish on their own; their answers go nowhere.
  }

  void Stop() {
    std::lock_guard lock(mutex_);
    if (stop_requested_) return;
    stop_requested_ = true;
    if (running_) asio::post(ioc_, [this] { BeginShutdown(); });
  }

  size_t open_connections() const { return open_.load(); }

  absl::Status EnableTls(const std::string& certificate_chain_file,
                         const std::string& private_key_file) {
    auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
    beast::error_code ec;
    context->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                             asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 |
                             asio::ssl::context::no_tlsv1_1 | asio::ssl::context::single_dh_use,
                         ec);
    if (!ec) context->use_certificate_chain_file(certificate_chain_file, ec);
    if (ec)
      return absl::InvalidArgumentError(base::Concat(certificate_chain_file, ": ", ec.message()));
    context->use_private_key_file(private_key_file, asio::ssl::context::pem, ec);
    if (ec) return absl::InvalidArgumentError(base::Concat(private_key_file, ": ", ec.message()));
    tls_ = std::move(context);
    return absl::OkStatus();
  }

  // Connection bookkeeping; everything below runs on the I/O thread.
  void Forget(Session* session);
  void NoteIdle(Session* session);
  void NoteBusy(Session* session);

  asio::io_context& ioc() { return ioc_; }
  asio::thread_pool& workers() { return workers_; }
  const HttpApplication& application() const { return application_; }
  const TransportLimits& limits() const { return limits_; }
  bool stopping() const { return stopping_; }

 private:
  void Accept();
  void BeginShutdown();

  HttpApplication application_;
  TransportLimits limits_;
  asio::io_context ioc_{1};
  tcp::acceptor acceptor_{ioc_};
  asio::thread_pool workers_;
  asio::steady_timer grace_timer_;
  std::unique_ptr<asio::ssl::context> tls_;  // null: plain HTTP
  std::mutex mutex_;
  bool stop_requested_ = false;
  bool running_ = false;
  bool stopping_ = false;  // I/O thread only
  std::atomic<size_t> open_{0};
  // Every open connection; idle ones (between requests of a kept-alive connection) in the order
  // they became idle, so the longest idle one is the first to close when the connection cap is
  // reached.
  std::list<std::weak_ptr<Session>> sessions_;
  std::list<Session*> idle_;
};

// A connection as the transport's bookkeeping sees it, whatever its stream.
class HttpTransport::Impl::Session {
 public:
  virtual ~Session() = default;
  virtual void Start() = 0;
  // Closes the connection now unless a request is being handled (its answer then closes it).
  virtual void Shutdown() = 0;
  std::list<Session*>::iterator idle_position;
  bool in_idle_list = false;
};

// One connection over `Stream`: beast::tcp_stream (HTTP) or beast::ssl_stream of one (HTTPS).
template <class Stream>
class HttpTransport::Impl::Connection : public Session,
                                        public std::enable_shared_from_this<Connection<Stream>> {
 public:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  template <class... TlsContext>
  Connection(Impl& owner, tcp::socket socket, TlsContext&... tls)
      : owner_(owner), stream_(std::move(socket), tls...) {
    beast::error_code ec;
    tcp::endpoint remote = Lowest().socket().remote_endpoint(ec);
    if (!ec) remote_address_ = base::Concat(remote.address().to_string(), ":", remote.port());
    Lowest().socket().set_option(tcp::no_delay(true), ec);
  }

  void Start() override {
    if constexpr (kTls) {
      // The handshake counts against the header deadline.
      Lowest().expires_after(Steady(owner_.limits().header_timeout));
      stream_.async_handshake(asio::ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (ec) {
                                  self->Close();
                                  return;
                                }
                                self->ReadHeader();
                              });
    } else {
      ReadHeader();
    }
  }

  void Shutdown() override {
    if (state_ == State::kHandling || state_ == State::kWriting) {
      close_after_response_ = true;
      return;
    }
    Close();
  }

 private:
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }

  enum class State {
    kIdle,
    kReadingHeader,
    kReadingBody,
    kHandling,
    kWriting,
    kLingering,
    kClosed
  };

  void ReadHeader() {
    state_ = State::kReadingHeader;
    owner_.NoteBusy(this);
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(owner_.limits().max_header_bytes));
    // Content-Length is checked against the operation's limit once the header is admitted. (Not
    // boost::none: Boost 1.74 compares Content-Length with the optional and refuses every body.)
    parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
    Lowest().expires_after(Steady(owner_.limits().header_timeout));
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnHeader(ec); });
  }

  // A kept-alive connection between two requests: the header deadline starts with the next byte.
  void WaitForNextRequest() {
    if (buffer_.size() > 0) {
      ReadHeader();
      return;
    }
    state_ = State::kIdle;
    owner_.NoteIdle(this);
    Lowest().expires_after(Steady(owner_.limits().idle_timeout));
    stream_.async_read_some(buffer_.prepare(4096),
                            [self = this->shared_from_this()](beast::error_code ec, size_t n) {
                              if (ec || self->state_ == State::kClosed) {
                                self->Close();
                                return;
                              }
                              self->buffer_.commit(n);
                              self->ReadHeader();
                            });
  }

  void OnHeader(beast::error_code ec) {
    if (ec) {
      // A malformed or oversized header is answered; a timeout or a closed connection is not.
      if (ec == http::error::header_limit) {
        WriteAndClose(
            HttpResponse{431, {{"Content-Type", "text/plain"}}, "Request header too large\n"});
      } else if (ec != beast::error::timeout && ec != http::error::end_of_stream &&
                 ec != asio::error::eof && ec != asio::error::operation_aborted &&
                 ec != asio::error::connection_reset && ec != asio::error::bad_descriptor &&
                 state_ != State::kClosed) {
        WriteAndClose(HttpResponse{400, {{"Content-Type", "text/plain"}}, "Bad request\n"});
      } else {
        Close();
      }
      return;
    }
    const auto& header = parser_->get();
    request_ = HttpRequest{};
    request_.method = std::string(header.method_string());
    request_.target = std::string(header.target());
    for (const auto& field : header) {
      request_.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    if (boost::optional<uint64_t> length = parser_->content_length())
      request_.content_length = *length;
    request_.chunked = parser_->chunked();
    request_.remote_address = remote_address_;
    request_.received_at = std::chrono::steady_clock::now();
    keep_alive_ = header.keep_alive();

    Admission admission = owner_.application().admit(request_);
    if (admission.refusal) {
      WriteAndClose(std::move(*admission.refusal));
      return;
    }
    if (request_.content_length && *request_.content_length > admission.body_limit) {
      WriteAndClose(std::move(admission.too_large));
      return;
    }
    too_large_ = std::move(admission.too_large);
    parser_->body_limit(admission.body_limit);
    if (base::EqualsIgnoreAsciiCase(request_.Header("Expect"), "100-continue")) {
      auto go_ahead = std::make_shared<http::response<http::empty_body>>(http::status::continue_,
                                                                         header.version());
      Lowest().expires_after(Steady(owner_.limits().write_timeout));
      http::async_write(stream_, *go_ahead,
                        [self = this->shared_from_this(), go_ahead](beast::error_code ec, size_t) {
                          if (ec) {
                            self->Close();
                            return;
                          }
                          self->ReadBody();
                        });
      return;
    }
    ReadBody();
  }

  void ReadBody() {
    state_ = State::kReadingBody;
    Lowest().expires_after(Steady(owner_.limits().body_timeout));
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) { self->OnBody(ec); });
  }

  void OnBody(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      WriteAndClose(std::move(too_large_));
      return;
    }
    if (ec) {
      Close();
      return;
    }
    request_.body = std::move(parser_->get().body());
    parser_.reset();
    state_ = State::kHandling;
    Lowest().expires_never();
    // The worker answers through the I/O thread; the guard keeps Run() going until it has.
    auto guard = asio::make_work_guard(owner_.ioc());
    asio::post(owner_.workers(), [self = this->shared_from_this(), request = std::move(request_),
                                  guard]() mutable {
      HttpResponse response = self->owner_.application().handle(std::move(request));
      asio::post(self->owner_.ioc(), [self, response = std::move(response), guard]() mutable {
        self->Write(std::move(response), /*close=*/false);
      });
    });
  }

  void WriteAndClose(HttpResponse response) { Write(std::move(response), /*close=*/true); }

  void Write(HttpResponse response, bool close) {
    if (state_ == State::kClosed) return;
    state_ = State::kWriting;
    ++requests_;
    bool keep_alive = !close && keep_alive_ && !close_after_response_ && !owner_.stopping() &&
                      requests_ < owner_.limits().max_requests_per_connection;
    auto message = std::make_shared<http::response<http::string_body>>(
        static_cast<http::status>(response.status), 11);
    for (auto& [name, value] : response.headers) message->insert(name, value);
    message->body() = std::move(response.body);
    message->keep_alive(keep_alive);
    message->prepare_payload();
    Lowest().expires_after(Steady(owner_.limits().write_timeout));
    http::async_write(stream_, *message,
                      [self = this->shared_from_this(), message, keep_alive, close](
                          beast::error_code ec, size_t) {
                        if (ec) {
                          self->Close();
                        } else if (!keep_alive) {
                          // A refusal may leave the client still sending its body: let it finish.
                          if (close) {
                            self->Linger();
                          } else {
                            self->Close();
                          }
                        } else {
                          self->WaitForNextRequest();
                        }
                      });
  }

  void Linger() {
    state_ = State::kLingering;
    beast::error_code ignored;
    Lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
    linger_until_ = std::chrono::steady_clock::now() + kLingerTime;
    Drain();
  }

  void Drain() {
    auto left = linger_until_ - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero() || owner_.stopping()) {
      Close();
      return;
    }
    Lowest().expires_after(left);
    stream_.async_read_some(asio::buffer(scratch_),
                            [self = this->shared_from_this()](beast::error_code ec, size_t) {
                              if (ec || self->state_ == State::kClosed) {
                                self->Close();
                                return;
                              }
                              self->Drain();
                            });
  }

  void Close() {
    if (state_ == State::kClosed) return;
    state_ = State::kClosed;
    beast::error_code ignored;
    Lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
    Lowest().socket().close(ignored);
    owner_.Forget(this);
  }

  Impl& owner_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  HttpRequest request_;
  HttpResponse too_large_;
  std::string remote_address_;
  State state_ = State::kReadingHeader;
  bool keep_alive_ = true;
  bool close_after_response_ = false;
  size_t requests_ = 0;
  std::chrono::steady_clock::time_point linger_until_;
  char scratch_[8192];
};

void HttpTransport::Impl::Accept() {
  acceptor_.async_accept(ioc_, [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (!stopping_ && ec != asio::error::operation_aborted) Accept();
      return;
    }
    if (stopping_) return;
    if (open_.load() >= limits_.max_connections) {
      // Make room by closing the connection idle the longest; refuse the new one when none is idle.
      if (idle_.empty()) {
        beast::error_code ignored;
        socket.close(ignored);
        Accept();
        return;
      }
      idle_.front()->Shutdown();
    }
    std::shared_ptr<Session> session;
    if (tls_) {
      session = std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(
          *this, std::move(socket), *tls_);
    } else {
      session = std::make_shared<Connection<beast::tcp_stream>>(*this, std::move(socket));
    }
    ++open_;
    sessions_.push_back(session);
    session->Start();
    Accept();
  });
}

void HttpTransport::Impl::NoteIdle(Session* session) {
  if (session->in_idle_list) return;
  session->idle_position = idle_.insert(idle_.end(), session);
  session->in_idle_list = true;
}

void HttpTransport::Impl::NoteBusy(Session* session) {
  if (!session->in_idle_list) return;
  idle_.erase(session->idle_position);
  session->in_idle_list = false;
}

void HttpTransport::Impl::Forget(Session* session) {
  NoteBusy(session);
  sessions_.remove_if([session](const std::weak_ptr<Session>& weak) {
    std::shared_ptr<Session> held = weak.lock();
    return held == nullptr || held.get() == session;
  });
  --open_;
  if (stopping_ && open_.load() == 0) grace_timer_.cancel();
}

void HttpTransport::Impl::BeginShutdown() {
  stopping_ = true;
  beast::error_code ignored;
  acceptor_.close(ignored);
  std::vector<std::shared_ptr<Session>> open;
  for (const std::weak_ptr<Session>& weak : sessions_) {
    if (std::shared_ptr<Session> session = weak.lock()) open.push_back(std::move(session));
  }
  for (const std::shared_ptr<Session>& session : open) session->Shutdown();
  if (open_.load() == 0) return;
  // Whatever is still open after the grace period (a handler that takes long, a client that does
  // not read its answer) is dropped: ioc_.stop() makes Run() return.
  grace_timer_.expires_after(Steady(limits_.shutdown_grace));
  grace_timer_.async_wait([this](beast::error_code ec) {
    if (!ec) ioc_.stop();
  });
}

HttpTransport::HttpTransport(HttpApplication application, TransportLimits limits)
    : impl_(std::make_unique<Impl>(std::move(application), limits)) {}

HttpTransport::~HttpTransport() = default;

absl::StatusOr<int> HttpTransport::Bind(const std::string& host, int port) {
  return impl_->Bind(host, port);
}

void HttpTransport::Run() { impl_->Run(); }

void HttpTransport::Stop() { impl_->Stop(); }

size_t HttpTransport::open_connections() const { return impl_->open_connections(); }

absl::Status HttpTransport::EnableTls(const std::string& certificate_chain_file,
                                      const std::string& private_key_file) {
  return impl_->EnableTls(certificate_chain_file, private_key_file);
}

}  // namespace perimeter::server
