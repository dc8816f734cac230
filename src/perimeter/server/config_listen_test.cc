// The transport keys of the `perimeter serve` configuration ([transport], access_log, rate limits,
// TLS) and the listen address.
#include "gtest/gtest.h"
#include "perimeter/server/config.h"

namespace perimeter::server {
namespace {

struct ListenCase {
  std::string text;
  bool ok;
  std::string host;
  int port;
};

class ListenTest : public testing::TestWithParam<ListenCase> {};

TEST_P(ListenTest, Parses) {
  const ListenCase& c = GetParam();
  std::optional<std::pair<std::string, int>> parsed = ParseListenAddress(c.text);
  ASSERT_EQ(parsed.has_value(), c.ok) << c.text;
  if (c.ok) {
    EXPECT_EQ(parsed->first, c.host);
    EXPECT_EQ(parsed->second, c.port);
  }
}

INSTANTIATE_TEST_SUITE_P(Config, ListenTest,
                         testing::Values(ListenCase{"127.0.0.1:8080", true, "127.0.0.1", 8080},
                                         ListenCase{"0.0.0.0:0", true, "0.0.0.0", 0},
                                         ListenCase{"[::1]:443", true, "::1", 443},
                                         ListenCase{"localhost:65535", true, "localhost", 65535},
                                         ListenCase{"127.0.0.1:65536", false, "", 0},
                                         ListenCase{"127.0.0.1:99999", false, "", 0},
                                         ListenCase{"127.0.0.1:80x", false, "", 0},
                                         ListenCase{"127.0.0.1:-1", false, "", 0},
                                         ListenCase{"127.0.0.1:", false, "", 0},
                                         ListenCase{"127.0.0.1", false, "", 0},
                                         ListenCase{":8080", false, "", 0}));

TEST(Config, TransportKeys) {
  absl::StatusOr<ServerConfig> config = ParseServerConfig(R"(
access_log = "stdout"
rate_limit = 20
tls_cert = "cert.pem"
tls_key = "key.pem"
)",
                                                          "t.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->access_log, "stdout");
  EXPECT_EQ(config->rate_limit.rate, 20);
  EXPECT_EQ(config->rate_limit.burst, 20);  // defaults to the rate
  EXPECT_EQ(config->tls_cert, "cert.pem");
  EXPECT_EQ(config->tls_key, "key.pem");
  EXPECT_EQ(config->transport.header_timeout, absl::Seconds(10));  // defaults

  config = ParseServerConfig(R"(
[transport]
header_timeout = "5s"
idle_timeout = "2m"
max_connections = 100
max_requests_per_connection = 50
)",
                             "t.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->transport.header_timeout, absl::Seconds(5));
  EXPECT_EQ(config->transport.idle_timeout, absl::Minutes(2));
  EXPECT_EQ(config->transport.body_timeout, absl::Seconds(60));
  EXPECT_EQ(config->transport.max_connections, 100u);
  EXPECT_EQ(config->transport.max_requests_per_connection, 50u);
}

struct BadTransportCase {
  std::string text;
  std::string error;
};

class BadTransportConfigTest : public testing::TestWithParam<BadTransportCase> {};

TEST_P(BadTransportConfigTest, IsRefusedWithItsPlace) {
  absl::StatusOr<ServerConfig> config = ParseServerConfig(GetParam().text, "t.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Config, BadTransportConfigTest,
    testing::Values(
        BadTransportCase{"listen = \"127.0.0.1:70000\"",
                         "t.toml:1:10: 'listen' must be ADDRESS:PORT, e.g. \"127.0.0.1:8080\""},
        BadTransportCase{"tls_cert = \"c.pem\"",
                         "t.toml:1:12: 'tls_cert' and 'tls_key' go together"},
        BadTransportCase{"rate_limit = -1",
                         "t.toml:1:14: 'rate_limit' must be a number of requests (0 or more)"},
        BadTransportCase{"rate_burst = \"x\"",
                         "t.toml:1:14: 'rate_burst' must be a number of requests (0 or more)"},
        BadTransportCase{"access_log = \"\"",
                         "t.toml:1:14: 'access_log' must be \"stdout\" or a path"},
        BadTransportCase{"[transport]\nheader_timeout = \"10\"",
                         "t.toml:2:18: 'header_timeout' must be a duration such as \"10s\""},
        BadTransportCase{"[transport]\nmax_connections = 0",
                         "t.toml:2:19: 'max_connections' must be a whole number from 1 to 1000000"},
        BadTransportCase{"[transport]\nheader_deadline = \"1s\"",
                         "t.toml:2:1: unknown key 'header_deadline' in [transport]"}));

}  // namespace
}  // namespace perimeter::server
