#include "perimeter/server/http_transport.h"

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/server/raw_test_client.h"

namespace perimeter::server {
namespace {

using Clock = std::chrono::steady_clock;
using testing_client::RawClient;

constexpr std::string_view kGet = "GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

// A transport on 127.0.0.1:0 whose application answers 200 with the body's size and counts the
// requests it handled; Admit refuses requests to /refuse and limits bodies to 1000 bytes.
class TransportFixture {
 public:
  explicit TransportFixture(TransportLimits limits) {
    HttpApplication application{.admit =
                                    [](const HttpRequest& head) {
                                      Admission admission;
                                      if (head.target == "/refuse")
                                        admission.refusal = HttpResponse{403, {}, "refused\n"};
                                      admission.body_limit = 1000;
                                      admission.too_large = HttpResponse{413, {}, "too large\n"};
                                      return admission;
                                    },
                                .handle =
                                    [this](HttpRequest request) {
                                      ++handled;
                                      return HttpResponse{
                                          200,
                                          {{"Content-Type", "text/plain"}},
                                          "got " + std::to_string(request.body.size())};
                                    }};
    transport_ = std::make_unique<HttpTransport>(std::move(application), limits);
    port = transport_->Bind("127.0.0.1", 0).value();
    thread_ = std::thread([this] { transport_->Run(); });
  }
  ~TransportFixture() {
    transport_->Stop();
    if (thread_.joinable()) thread_.join();
  }
  HttpTransport& transport() { return *transport_; }
  // Stops and waits for Run() to return; returns how long that took.
  Clock::duration StopAndJoin() {
    auto start = Clock::now();
    transport_->Stop();
    thread_.join();
    return Clock::now() - start;
  }

  int port = 0;
  std::atomic<int> handled{0};

 private:
  std::unique_ptr<HttpTransport> transport_;
  std::thread thread_;
};

TransportLimits ShortLimits() {
  TransportLimits limits;
  limits.header_timeout = absl::Milliseconds(800);
  limits.body_timeout = absl::Milliseconds(800);
  limits.idle_timeout = absl::Milliseconds(800);
  limits.shutdown_grace = absl::Seconds(1);
  return limits;
}

TEST(HttpTransport, ServesAndKeepsAlive) {
  TransportFixture server(ShortLimits());
  RawClient client(server.port);
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.Send(kGet));
    std::string response = client.ReadResponse();
    EXPECT_TRUE(response.starts_with("HTTP/1.1 200")) << response;
    EXPECT_TRUE(response.ends_with("got 0")) << response;
  }
  EXPECT_EQ(server.handled.load(), 3);
}

// The attack: more sockets sending a header byte now and then than the server has worker
// threads (and than cpp-httplib's pool had). Another client is served at once, long before any slow
// one's header deadline (30 s here). The bound is loose for a loaded machine; a blocked server
// misses it by far.
TEST(HttpTransport, SlowHeadersDoNotBlockOtherClients) {
  TransportLimits limits = ShortLimits();
  limits.header_timeout = absl::Seconds(30);
  TransportFixture server(limits);
  std::vector<std::unique_ptr<RawClient>> slow;
  for (int i = 0; i < 64; ++i) {
    slow.push_back(std::make_unique<RawClient>(server.port));
    ASSERT_TRUE(slow.back()->connected());
    ASSERT_TRUE(slow.back()->Send("G"));
  }
  auto start = Clock::now();
  RawClient normal(server.port);
  ASSERT_TRUE(normal.Send(kGet));
  EXPECT_TRUE(normal.ReadResponse().starts_with("HTTP/1.1 200"));
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3));
  for (auto& client : slow)
    EXPECT_TRUE(client->Send("E"));  // still open: only the deadline closes them
  EXPECT_EQ(server.handled.load(), 1);
}

// The header deadline is for the whole header, not per byte: a byte every 100 ms does not keep a
// connection open past 800 ms.
TEST(HttpTransport, SlowHeaderMeetsItsDeadline) {
  TransportFixture server(ShortLimits());
  RawClient slow(server.port);
  auto start = Clock::now();
  bool still_open = true;
  for (int i = 0; i < 50 && still_open; ++i) {
    still_open = slow.Send("G");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(slow.ClosedByServer());
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(server.handled.load(), 0);
}

TEST(HttpTransport, RefusalComesBeforeTheBody) {
  TransportFixture server(ShortLimits());
  RawClient client(server.port);
  ASSERT_TRUE(client.Send("POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n"));
  std::string response = client.ReadResponse();
  EXPECT_TRUE(response.starts_with("HTTP/1.1 403")) << response;
  EXPECT_NE(response.find("Connection: close"), std::string::npos) << response;
  EXPECT_EQ(server.handled.load(), 0);
}

TEST(HttpTransport, ContentLengthOverTheLimitIsRefusedBeforeTheBody) {
  TransportFixture server(ShortLimits());
  RawClient client(server.port);
  ASSERT_TRUE(client.Send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 536870912\r\n\r\n"));
  std::string response = client.ReadResponse();
  EXPECT_TRUE(response.starts_with("HTTP/1.1 413")) << response;
  EXPECT_EQ(server.handled.load(), 0);
}

TEST(HttpTransport, ChunkedBodyIsCappedAtTheLimit) {
  TransportFixture server(ShortLimits());
  RawClient client(server.port);
  ASSERT_TRUE(client.Send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"));
  std::string chunk = "100\r\n" + std::string(256, 'a') + "\r\n";
  // 64 chunks of 256 bytes: far over the 1000-byte limit; the server answers once the limit is
  // passed and drops the rest.
  for (int i = 0; i < 64; ++i) {
    if (!client.Send(chunk)) break;
  }
  std::string response = client.ReadResponse();
  EXPECT_TRUE(response.starts_with("HTTP/1.1 413")) << response;
  EXPECT_EQ(server.handled.load(), 0);
}

TEST(HttpTransport, ChunkedBodyWithinTheLimitIsRead) {
  TransportFixture server(ShortLimits());
  RawClient client(server.port);
  ASSERT_TRUE(
      client.Send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "3e8\r\n" +
                  std::string(1000, 'a') + "\r\n0\r\n\r\n"));
  std::string response = client.ReadResponse();
  EXPECT_TRUE(response.ends_with("got 1000")) << response;
}

TEST(HttpTransport, ExpectContinueIsAnsweredAfterAdmission) {
  TransportFixture server(ShortLimits());
  RawClient client(server.port);
  ASSERT_TRUE(client.Send(
      "POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_TRUE(client.ReadUntil("\r\n\r\n").starts_with("HTTP/1.1 100 Continue"));
  ASSERT_TRUE(client.Send("hello"));
  EXPECT_TRUE(client.ReadResponse().ends_with("got 5"));

  RawClient refused(server.port);
  ASSERT_TRUE(refused.Send(
      "POST /refuse HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_TRUE(refused.ReadResponse().starts_with("HTTP/1.1 403"));
}

TEST(HttpTransport, SlowBodyMeetsItsDeadline) {
  TransportFixture server(ShortLimits());
  RawClient client(server.port);
  ASSERT_TRUE(client.Send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"));
  bool open = true;
  for (int i = 0; i < 30 && open; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    open = client.Send("a");
  }
  EXPECT_TRUE(client.ClosedByServer());
  EXPECT_EQ(server.handled.load(), 0);
}

TEST(HttpTransport, IdleKeepAliveConnectionIsClosed) {
  TransportFixture server(ShortLimits());
  RawClient client(server.port);
  ASSERT_TRUE(client.Send(kGet));
  EXPECT_TRUE(client.ReadResponse().starts_with("HTTP/1.1 200"));
  auto start = Clock::now();
  EXPECT_TRUE(client.ClosedByServer());
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
}

TEST(HttpTransport, RequestsPerConnectionAreCapped) {
  TransportLimits limits = ShortLimits();
  limits.max_requests_per_connection = 2;
  TransportFixture server(limits);
  RawClient client(server.port);
  ASSERT_TRUE(client.Send(kGet));
  EXPECT_EQ(client.ReadResponse().find("Connection: close"), std::string::npos);
  ASSERT_TRUE(client.Send(kGet));
  EXPECT_NE(client.ReadResponse().find("Connection: close"), std::string::npos);
  EXPECT_TRUE(client.ClosedByServer());
}

// At the connection cap, idle kept-alive connections make room for a new client; busy ones do not.
TEST(HttpTransport, ConnectionCapClosesIdleConnectionsFirst) {
  TransportLimits limits = ShortLimits();
  limits.idle_timeout = absl::Seconds(30);
  limits.max_connections = 4;
  TransportFixture server(limits);
  std::vector<std::unique_ptr<RawClient>> idle;
  for (int i = 0; i < 4; ++i) {
    idle.push_back(std::make_unique<RawClient>(server.port));
    ASSERT_TRUE(idle.back()->Send(kGet));
    ASSERT_TRUE(idle.back()->ReadResponse().starts_with("HTTP/1.1 200"));
  }
  EXPECT_EQ(server.transport().open_connections(), 4u);
  RawClient fresh(server.port);
  ASSERT_TRUE(fresh.Send(kGet));
  EXPECT_TRUE(fresh.ReadResponse().starts_with("HTTP/1.1 200"));
  EXPECT_TRUE(idle.front()->ClosedByServer());
}

// SIGTERM's path: Stop() with idle, slow and half-sent connections open returns within the grace.
TEST(HttpTransport, StopCompletesWithOpenConnections) {
  TransportLimits limits = ShortLimits();
  limits.header_timeout = absl::Seconds(60);
  limits.body_timeout = absl::Seconds(60);
  limits.idle_timeout = absl::Seconds(60);
  TransportFixture server(limits);
  std::vector<std::unique_ptr<RawClient>> clients;
  for (int i = 0; i < 20; ++i) {
    clients.push_back(std::make_unique<RawClient>(server.port));
    switch (i % 3) {
      case 0:
        clients.back()->Send("GE");
        break;
      case 1:
        clients.back()->Send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab");
        break;
      case 2:
        clients.back()->Send(kGet);
        clients.back()->ReadResponse();
        break;
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_LT(server.StopAndJoin(), std::chrono::seconds(4));  // the connections' deadlines are 60 s
  EXPECT_TRUE(clients.front()->ClosedByServer());
}

TEST(HttpTransport, StopBeforeRunReturnsAtOnce) {
  HttpTransport transport(HttpApplication{}, ShortLimits());
  ASSERT_TRUE(transport.Bind("127.0.0.1", 0).ok());
  transport.Stop();
  transport.Run();
}

TEST(HttpTransport, MalformedRequestIsAnswered400) {
  TransportFixture server(ShortLimits());
  RawClient client(server.port);
  ASSERT_TRUE(client.Send("NOT HTTP AT ALL\r\n\r\n"));
  EXPECT_TRUE(client.ReadResponse().starts_with("HTTP/1.1 400"));
}

}  // namespace
}  // namespace perimeter::server
