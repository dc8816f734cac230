#include "perimeter/aws/client/signed_client.h"

#include <arpa/inet.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/base/clock.h"

namespace perimeter::aws {
namespace {

using std::chrono::milliseconds;

// A local AWS stand-in on 127.0.0.1, port 0: answers each request with the next scripted answer
// (the last one again once the script runs out) and records the X-Amz-Date and Authorization it was
// sent.
class ScriptedServer {
 public:
  struct Answer {
    int status;
    std::string body;
    std::string error_type;  // x-amzn-ErrorType; "" for none
  };

  explicit ScriptedServer(std::vector<Answer> script) : script_(std::move(script)) {
    server_.Post("/", [this](const httplib::Request& request, httplib::Response& response) {
      std::lock_guard<std::mutex> lock(mutex_);
      dates_.push_back(request.get_header_value("X-Amz-Date"));
      authorizations_.push_back(request.get_header_value("Authorization"));
      const Answer& answer = script_[std::min(dates_.size() - 1, script_.size() - 1)];
      response.status = answer.status;
      if (!answer.error_type.empty()) response.set_header("x-amzn-ErrorType", answer.error_type);
      response.set_content(answer.body, "application/x-amz-json-1.1");
    });
    port_ =
        server_.bind_to_any_port("127.0.0.1");  // listening from here on: no race with the client
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~ScriptedServer() {
    server_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  std::vector<std::string> dates() {
    std::lock_guard<std::mutex> lock(mutex_);
    return dates_;
  }
  std::vector<std::string> authorizations() {
    std::lock_guard<std::mutex> lock(mutex_);
    return authorizations_;
  }

 private:
  std::vector<Answer> script_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mutex_;
  std::vector<std::string> dates_;
  std::vector<std::string> authorizations_;
};

// Records each wait and moves the fake clock by it, so a retry is signed at a later X-Amz-Date.
struct RecordedWaits {
  base::FakeClock clock{1'700'000'000'000};
  std::vector<milliseconds> waits;
  RetryTiming Timing(double uniform) {
    return RetryTiming{[this](milliseconds wait) {
                         waits.push_back(wait);
                         clock.Advance(wait.count());
                       },
                       [uniform] { return uniform; }};
  }
};

const AwsCredentials kCredentials{"AKIDEXAMPLE", "secret", "", "test"};
const SignedRequest kDescribe{"POST",
                              "/",
                              {{"Content-Type", "application/x-amz-json-1.1"},
                               {"X-Amz-Target", "AWSOrganizationsV20161128.DescribeOrganization"}},
                              "{}"};

TEST(SignedClientTest, RetriesThrottlingAndUnavailableThenSucceedsWithBackoffAndFreshSignatures) {
  ScriptedServer server({{429, R"({"message":"Rate exceeded"})", "ThrottlingException"},
                         {503, R"({"message":"try later"})", ""},
                         {200, R"({"Organization":{"Id":"o-1"}})", ""}});
  std::unique_ptr<HttpTransport> transport = MakeHttpTransport({});
  RecordedWaits waits;
  SignedClient client(*transport, kCredentials, waits.clock, RetryPolicy{}, waits.Timing(0.5));
  absl::StatusOr<HttpResponse> answer =
      client.Call({server.url(), "us-east-1"}, "organizations", kDescribe);
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->status, 200);
  // min(b * 2^i s, 20 s) with b = 0.5: 500 ms, then 1 s.
  EXPECT_EQ(waits.waits, (std::vector<milliseconds>{milliseconds(500), milliseconds(1000)}));
  std::vector<std::string> dates = server.dates();
  EXPECT_EQ(dates,
            (std::vector<std::string>{"20231114T221320Z", "20231114T221320Z", "20231114T221321Z"}));
  std::vector<std::string> authorizations = server.authorizations();
  ASSERT_EQ(authorizations.size(), 3u);
  EXPECT_NE(authorizations[0], authorizations[2]);  // signed again at the new date
}

TEST(SignedClientTest, GivesUpAfterThreeAttemptsWithTheLastError) {
  ScriptedServer server(
      {{503, R"({"__type":"ServiceUnavailableException","message":"down"})", ""}});
  std::unique_ptr<HttpTransport> transport = MakeHttpTransport({});
  RecordedWaits waits;
  SignedClient client(*transport, kCredentials, waits.clock, RetryPolicy{}, waits.Timing(1.0));
  absl::StatusOr<HttpResponse> answer =
      client.Call({server.url(), "us-east-1"}, "organizations", kDescribe);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(AwsErrorCode(answer.status()), "ServiceUnavailableException");
  EXPECT_EQ(answer.status().message(), "ServiceUnavailableException: down");
  EXPECT_EQ(server.dates().size(), 3u);
  EXPECT_EQ(waits.waits, (std::vector<milliseconds>{milliseconds(1000), milliseconds(2000)}));
}

TEST(SignedClientTest, ThrottlingCodeOnA400IsRetriedButOtherClientErrorsAreNot) {
  {
    ScriptedServer server(
        {{400, R"({"__type":"TooManyRequestsException","Message":"slow down"})", ""},
         {200, R"({})", ""}});
    std::unique_ptr<HttpTransport> transport = MakeHttpTransport({});
    RecordedWaits waits;
    SignedClient client(*transport, kCredentials, waits.clock, RetryPolicy{}, waits.Timing(0.0));
    absl::StatusOr<HttpResponse> answer =
        client.Call({server.url(), "us-east-1"}, "organizations", kDescribe);
    ASSERT_TRUE(answer.ok()) << answer.status();
    EXPECT_EQ(server.dates().size(), 2u);
  }
  {
    ScriptedServer server(
        {{400, R"({"__type":"AWSOrganizationsNotInUseException","Message":"no org"})", ""},
         {200, R"({})", ""}});
    std::unique_ptr<HttpTransport> transport = MakeHttpTransport({});
    RecordedWaits waits;
    SignedClient client(*transport, kCredentials, waits.clock, RetryPolicy{}, waits.Timing(0.0));
    absl::StatusOr<HttpResponse> answer =
        client.Call({server.url(), "us-east-1"}, "organizations", kDescribe);
    ASSERT_FALSE(answer.ok());
    EXPECT_EQ(answer.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(AwsErrorCode(answer.status()), "AWSOrganizationsNotInUseException");
    EXPECT_EQ(server.dates().size(), 1u);
    EXPECT_TRUE(waits.waits.empty());
  }
}

TEST(SignedClientTest, ConnectionFailuresAreRetriedAndReportedAsUnavailable) {
  // A port held bound but not listening: connecting is refused at once. (Held, not released: a
  // released port may become the client's own source port, and the client then connects to itself.)
  int probe = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(probe, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(probe, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  socklen_t length = sizeof(address);
  ASSERT_EQ(getsockname(probe, reinterpret_cast<sockaddr*>(&address), &length), 0);
  int closed_port = ntohs(address.sin_port);
  std::unique_ptr<HttpTransport> transport = MakeHttpTransport({});
  RecordedWaits waits;
  SignedClient client(*transport, kCredentials, waits.clock, RetryPolicy{}, waits.Timing(0.0));
  absl::StatusOr<HttpResponse> answer = client.Send(
      {"http://127.0.0.1:" + std::to_string(closed_port), "us-east-1"}, "organizations", kDescribe);
  ASSERT_FALSE(answer.ok());
  EXPECT_EQ(answer.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(waits.waits.size(), 2u);
  close(probe);
}

struct BackoffCase {
  int retry;
  double uniform;
  int expected_ms;
};

class BackoffDelayTest : public testing::TestWithParam<BackoffCase> {};

TEST_P(BackoffDelayTest, FullJitterCappedAtTwentySeconds) {
  const BackoffCase& c = GetParam();
  EXPECT_EQ(BackoffDelay(RetryPolicy{}, c.retry, c.uniform), milliseconds(c.expected_ms));
}

INSTANTIATE_TEST_SUITE_P(Table, BackoffDelayTest,
                         testing::Values(BackoffCase{0, 0.0, 0}, BackoffCase{0, 0.5, 500},
                                         BackoffCase{1, 0.5, 1000}, BackoffCase{2, 0.75, 3000},
                                         BackoffCase{4, 0.99, 15840}, BackoffCase{5, 0.99, 20000},
                                         BackoffCase{40, 0.5, 20000}));

struct DecodeCase {
  const char* name;
  HttpResponse response;
  std::string code;
  std::string message;
  bool retryable;
};

class DecodeAwsErrorTest : public testing::TestWithParam<DecodeCase> {};

TEST_P(DecodeAwsErrorTest, CodeMessageAndRetry) {
  const DecodeCase& c = GetParam();
  AwsErrorDetails error = DecodeAwsError(c.response);
  EXPECT_EQ(error.code, c.code);
  EXPECT_EQ(error.message, c.message);
  EXPECT_EQ(IsRetryable(c.response), c.retryable);
}

INSTANTIATE_TEST_SUITE_P(
    Protocols, DecodeAwsErrorTest,
    testing::Values(
        DecodeCase{"restJson1",
                   {403,
                    {{"X-Amzn-ErrorType", "AccessDeniedException:http://internal.amazon.com/"}},
                    R"({"message":"no"})"},
                   "AccessDeniedException",
                   "no",
                   false},
        DecodeCase{
            "json11_namespace",
            {400,
             {},
             R"({"__type":"com.amazonaws.organizations.v20161128#TooManyRequestsException","Message":"m"})"},
            "TooManyRequestsException",
            "m",
            true},
        DecodeCase{"json10_code",
                   {400, {}, R"({"code":"ValidationException","message":"bad"})"},
                   "ValidationException",
                   "bad",
                   false},
        DecodeCase{"query_xml",
                   {400,
                    {},
                    "<ErrorResponse><Error><Code>Throttling</Code><Message>Rate "
                    "exceeded</Message></Error></ErrorResponse>"},
                   "Throttling",
                   "Rate exceeded",
                   true},
        DecodeCase{"bare_502", {502, {}, "Bad Gateway"}, "", "", true},
        DecodeCase{"bare_429", {429, {}, ""}, "", "", true},
        DecodeCase{"success", {200, {}, "{}"}, "", "", false}),
    [](const testing::TestParamInfo<DecodeCase>& info) { return info.param.name; });

}  // namespace
}  // namespace perimeter::aws
