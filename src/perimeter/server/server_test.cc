// `perimeter serve` over raw sockets: what is refused before the body is read, and with which AWS
// error; signed headers, session tokens, regions.
#include "perimeter/server/server.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <thread>

#include "gtest/gtest.h"
#include "perimeter/aws/canonical_user_id.h"
#include "perimeter/aws/sigv4/sigv4.h"
#include "perimeter/base/text.h"
#include "perimeter/server/raw_test_client.h"
#include "perimeter/store/memory/memory_store.h"

namespace perimeter::server {
namespace {

using testing_client::RawClient;

const aws::sigv4::Credential kKey{"AKIAEXAMPLEDEV000001", "dev-secret", "444455556666",
                                  "arn:aws:iam::444455556666:user/dev"};

class ServerFixture {
 public:
  explicit ServerFixture(std::function<void(ServerConfig&)> adjust = nullptr)
      : clock_(base::SystemClock().Now()) {
    ServerConfig config;
    config.port = 0;
    config.accounts = {{"444455556666", "Dev", {"us-east-1"}, ""}};
    config.credentials = {kKey};
    config.scan_at_start = false;
    config.transport.header_timeout = absl::Seconds(2);
    config.transport.body_timeout = absl::Seconds(2);
    config.transport.shutdown_grace = absl::Seconds(1);
    if (adjust) adjust(config);
    server_ =
        Server::Create(std::move(config), std::make_unique<store::MemoryStore>(), clock_, log_)
            .value();
    port = server_->Bind().value();
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~ServerFixture() {
    server_->Stop();
    thread_.join();
  }

  // The request's head as a client would send it, signed for `region` and `service` over
  // `signed_body`. `extra` headers are signed too; `unsigned_extra` are added after signing.
  std::string Head(std::string_view method, std::string_view path, std::string_view signed_body,
                   std::vector<std::pair<std::string, std::string>> extra = {},
                   std::vector<std::pair<std::string, std::string>> unsigned_extra = {},
                   std::string_view region = "us-east-1",
                   std::string_view service = "access-analyzer") {
    std::vector<std::pair<std::string, std::string>> headers = {{"Host", "127.0.0.1"}};
    for (auto& header : extra) headers.push_back(header);
    aws::sigv4::Sign(method, path, "", headers, signed_body, kKey, region, service, clock_.Now());
    for (auto& header : unsigned_extra) headers.push_back(header);
    std::string head = base::Concat(method, " ", path, " HTTP/1.1\r\n");
    for (const auto& [name, value] : headers) head += base::Concat(name, ": ", value, "\r\n");
    return head;
  }
  absl::StatusOr<size_t> Import(const std::string& inventory) {
    return server_->Import("<test>", inventory);
  }
  std::string Exchange(const std::string& request) {
    RawClient client(port);
    client.Send(request);
    return client.ReadResponse();
  }

  int port = 0;

 private:
  base::FakeClock clock_;
  std::ostringstream log_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

std::string ErrorType(const std::string& response) {
  size_t at = response.find("x-amzn-ErrorType: ");
  if (at == std::string::npos) {
    size_t type = response.find("\"__type\":\"");
    if (type == std::string::npos) return "";
    type += 10;
    return response.substr(type, response.find('"', type) - type);
  }
  at += 18;
  return response.substr(at, response.find("\r\n", at) - at);
}

int Status(const std::string& response) {
  return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0;
}

TEST(Server, SignedRequestIsServed) {
  ServerFixture server;
  std::string response = server.Exchange(server.Head("GET", "/analyzer", "") + "\r\n");
  EXPECT_EQ(Status(response), 200) << response;
}

// The issue's attack: a huge chunked body without credentials is refused from its header; the
// server never reads (or keeps) the body.
TEST(Server, UnsignedChunkedBodyIsRefusedBeforeItIsRead) {
  ServerFixture server;
  RawClient client(server.port);
  ASSERT_TRUE(client.Send(
      "PUT /analyzer HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"));
  std::string response = client.ReadResponse();
  EXPECT_EQ(Status(response), 403) << response;
  EXPECT_EQ(ErrorType(response), "MissingAuthenticationTokenException") << response;
}

TEST(Server, UnknownKeyOrStaleDateIsRefusedBeforeTheBody) {
  ServerFixture server;
  std::string head = server.Head("PUT", "/analyzer", "");
  std::string unknown = head;
  unknown.replace(unknown.find(kKey.access_key_id), kKey.access_key_id.size(),
                  "AKIAUNKNOWN000000000");
  std::string response = server.Exchange(unknown + "Content-Length: 100000000\r\n\r\n");
  EXPECT_EQ(Status(response), 403) << response;
  EXPECT_EQ(ErrorType(response), "UnrecognizedClientException") << response;
}

TEST(Server, BodiesOverTheLimitAreRefused) {
  ServerFixture server;
  // Content-Length over the limit: answered from the header.
  std::string response =
      server.Exchange(server.Head("PUT", "/analyzer", "") +
                      base::Concat("Content-Length: ", kMaxApiBodyBytes + 1, "\r\n\r\n"));
  EXPECT_EQ(Status(response), 413) << response;
  EXPECT_EQ(ErrorType(response), "RequestEntityTooLargeException") << response;
  // Chunked: answered once the limit is passed.
  RawClient client(server.port);
  ASSERT_TRUE(
      client.Send(server.Head("PUT", "/analyzer", "") + "Transfer-Encoding: chunked\r\n\r\n"));
  std::string chunk = "10000\r\n" + std::string(0x10000, ' ') + "\r\n";
  for (uint64_t sent = 0; sent <= kMaxApiBodyBytes + 0x10000; sent += 0x10000) {
    if (!client.Send(chunk)) break;
  }
  response = client.ReadResponse();
  EXPECT_EQ(Status(response), 413) << response;
}

TEST(Server, OrganizationsErrorsKeepTheirShape) {
  ServerFixture server;
  std::string body = "{}";
  std::string response = server.Exchange(
      server.Head("POST", "/", body, {{"Content-Type", "application/x-amz-json-1.1"}},
                  {{"X-Amz-Target", "AWSOrganizationsV20161128.DescribeOrganization"}}, "us-east-1",
                  "organizations") +
      "Content-Length: 2\r\n\r\n" + body);
  EXPECT_EQ(Status(response), 403) << response;
  EXPECT_NE(response.find("\"__type\":\"InvalidSignatureException\""), std::string::npos)
      << response;
}

// STS (query protocol) and S3 (REST-XML) share the endpoint: the credential scope's service routes
// them (issue #16). GetCallerIdentity names the key's principal; ListBuckets lists the caller's
// buckets with its derived canonical id; other S3 requests are NotImplemented; SigV4 refusals take
// each protocol's codes.
TEST(Server, StsAndS3AreRoutedByTheirCredentialScope) {
  ServerFixture server;
  ASSERT_TRUE(
      server
          .Import(
              R"({"kind":"resource","resourceArn":"arn:aws:s3:::dev-logs","resourceType":"AWS::S3::Bucket","resourceOwnerAccount":"444455556666","region":"us-east-1","configuration":{"s3Bucket":{}}})"
              "\n"
              R"({"kind":"resource","resourceArn":"arn:aws:s3:::not-mine","resourceType":"AWS::S3::Bucket","resourceOwnerAccount":"111122223333","region":"us-east-1","configuration":{"s3Bucket":{}}})"
              "\n")
          .ok());
  std::string form = "Action=GetCallerIdentity&Version=2011-06-15";
  std::vector<std::pair<std::string, std::string>> form_type = {
      {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  std::string sts =
      server.Exchange(server.Head("POST", "/", form, form_type, {}, "us-east-1", "sts") +
                      base::Concat("Content-Length: ", form.size(), "\r\n\r\n", form));
  EXPECT_EQ(Status(sts), 200) << sts;
  EXPECT_NE(sts.find("<Account>444455556666</Account>"), std::string::npos) << sts;
  EXPECT_NE(sts.find("<Arn>arn:aws:iam::444455556666:user/dev</Arn>"), std::string::npos) << sts;
  EXPECT_NE(sts.find("<UserId>AIDA"), std::string::npos) << sts;

  std::string tampered =
      server.Exchange(server.Head("POST", "/", form, form_type, {}, "us-east-1", "sts") +
                      base::Concat("Content-Length: ", form.size(), "\r\n\r\n",
                                   "Action=GetCallerIdentity&Version=2011-06-16"));
  EXPECT_EQ(Status(tampered), 403) << tampered;
  EXPECT_NE(tampered.find("<Code>SignatureDoesNotMatch</Code>"), std::string::npos) << tampered;

  std::string list =
      server.Exchange(server.Head("GET", "/", "", {}, {}, "us-east-1", "s3") + "\r\n");
  EXPECT_EQ(Status(list), 200) << list;
  EXPECT_NE(list.find("<Name>dev-logs</Name>"), std::string::npos) << list;
  EXPECT_EQ(list.find("not-mine"), std::string::npos) << list;
  EXPECT_NE(list.find(base::Concat("<ID>", aws::DerivedCanonicalUserId("444455556666"), "</ID>")),
            std::string::npos)
      << list;

  std::string objects =
      server.Exchange(server.Head("GET", "/dev-logs", "", {}, {}, "us-east-1", "s3") + "\r\n");
  EXPECT_EQ(Status(objects), 501) << objects;
  EXPECT_NE(objects.find("<Code>NotImplemented</Code>"), std::string::npos) << objects;
}

// With identity policies on the key, ListBuckets needs s3:ListAllMyBuckets (S3's AccessDenied
// otherwise); GetCallerIdentity needs no permission, as on AWS.
TEST(Server, ListBucketsIsAuthorizedGetCallerIdentityIsNot) {
  ServerFixture server([](ServerConfig& config) {
    config.identity_policies[kKey.access_key_id] = {
        {"inline",
         R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"access-analyzer:*","Resource":"*"}]})"}};
  });
  std::string list =
      server.Exchange(server.Head("GET", "/", "", {}, {}, "us-east-1", "s3") + "\r\n");
  EXPECT_EQ(Status(list), 403) << list;
  EXPECT_NE(list.find("<Code>AccessDenied</Code>"), std::string::npos) << list;
  std::string form = "Action=GetCallerIdentity&Version=2011-06-15";
  std::string sts = server.Exchange(
      server.Head("POST", "/", form,
                  {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}}, {},
                  "us-east-1", "sts") +
      base::Concat("Content-Length: ", form.size(), "\r\n\r\n", form));
  EXPECT_EQ(Status(sts), 200) << sts;
}

// IAM and CloudFormation are query-protocol services too (cfn-policy-validator calls GetPolicy,
// GetPolicyVersion and ListExports): routed by the credential scope, answered from the imported
// managedPolicy records.
TEST(Server, IamAndCloudFormationAreAnsweredFromTheInventory) {
  ServerFixture server;
  ASSERT_TRUE(
      server
          .Import(
              R"({"kind":"managedPolicy","accountId":"444455556666","arn":"arn:aws:iam::444455556666:policy/deploy","policyName":"deploy","defaultVersionId":"v1","policyVersionList":[{"versionId":"v1","isDefaultVersion":true,"document":"{\"Statement\":[]}"}]})"
              "\n")
          .ok());
  std::vector<std::pair<std::string, std::string>> form_type = {
      {"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  auto call = [&](std::string_view service, const std::string& form) {
    return server.Exchange(server.Head("POST", "/", form, form_type, {}, "us-east-1", service) +
                           base::Concat("Content-Length: ", form.size(), "\r\n\r\n", form));
  };
  std::string version = call("iam",
                             "Action=GetPolicyVersion&Version=2010-05-08&PolicyArn=arn%3Aaws%3Aiam%"
                             "3A%3A444455556666%3Apolicy%2Fdeploy&VersionId=v1");
  EXPECT_EQ(Status(version), 200) << version;
  EXPECT_NE(version.find("<Document>%7B%22Statement%22%3A%5B%5D%7D</Document>"), std::string::npos)
      << version;
  std::string unknown = call(
      "iam", "Action=GetPolicy&Version=2010-05-08&PolicyArn=arn:aws:iam::444455556666:policy/x");
  EXPECT_EQ(Status(unknown), 404) << unknown;
  EXPECT_NE(unknown.find("<Code>NoSuchEntity</Code>"), std::string::npos) << unknown;
  std::string exports = call("cloudformation", "Action=ListExports&Version=2010-05-15");
  EXPECT_EQ(Status(exports), 200) << exports;
  EXPECT_NE(exports.find("<Exports/>"), std::string::npos) << exports;
}

// One JSON line per request, refusals included, with who asked and how it ended; never a secret.
TEST(Server, AccessLogHasOneLinePerRequestAndNoSecret) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() /
                              ("perimeter-access-log-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "access.log").string();
  {
    ServerFixture server([&](ServerConfig& config) { config.access_log = path; });
    EXPECT_EQ(Status(server.Exchange(server.Head("GET", "/analyzer", "") + "\r\n")), 200);
    EXPECT_EQ(Status(server.Exchange("GET /analyzer HTTP/1.1\r\nHost: x\r\n\r\n")), 403);
  }
  std::ifstream file(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) lines.push_back(line);
  std::filesystem::remove_all(dir);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(
      lines[0].find(
          R"("operation":"ListAnalyzers","accessKeyId":"AKIAEXAMPLEDEV000001","account":"444455556666")"),
      std::string::npos)
      << lines[0];
  EXPECT_NE(lines[0].find(R"("status":200,"errorCode":"")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(R"("status":403,"errorCode":"MissingAuthenticationTokenException")"),
            std::string::npos)
      << lines[1];
  for (const std::string& line : lines) {
    EXPECT_EQ(line.find("dev-secret"), std::string::npos);
    EXPECT_EQ(line.find("Signature"), std::string::npos);
  }
}

// Per access key: past the burst, Access Analyzer answers ThrottlingException (429, Retry-After)
// and Organizations TooManyRequestsException (400), before the body is read. The clock does not
// move here.
TEST(Server, RequestsPastTheRateAreThrottled) {
  ServerFixture server(
      [](ServerConfig& config) { config.rate_limit = RateLimit{.rate = 0.5, .burst = 2}; });
  for (int i = 0; i < 2; ++i)
    EXPECT_EQ(Status(server.Exchange(server.Head("GET", "/analyzer", "") + "\r\n")), 200);
  std::string response =
      server.Exchange(server.Head("PUT", "/analyzer", "") + "Content-Length: 100000000\r\n\r\n");
  EXPECT_EQ(Status(response), 429) << response;
  EXPECT_EQ(ErrorType(response), "ThrottlingException") << response;
  EXPECT_NE(response.find("Retry-After: 2\r\n"), std::string::npos) << response;
  response = server.Exchange(
      server.Head("POST", "/", "{}",
                  {{"X-Amz-Target", "AWSOrganizationsV20161128.DescribeOrganization"},
                   {"Content-Type", "application/x-amz-json-1.1"}},
                  {}, "us-east-1", "organizations") +
      "Content-Length: 2\r\n\r\n{}");
  EXPECT_EQ(Status(response), 400) << response;
  EXPECT_NE(response.find("\"__type\":\"TooManyRequestsException\""), std::string::npos)
      << response;
}

struct RefusalCase {
  std::string name;
  std::vector<std::pair<std::string, std::string>> signed_headers;
  std::vector<std::pair<std::string, std::string>> unsigned_headers;
  std::string region;
  int status;
  std::string code;
};

class ServerRefusalTest : public testing::TestWithParam<RefusalCase> {};

TEST_P(ServerRefusalTest, Refuses) {
  const RefusalCase& c = GetParam();
  ServerFixture server;
  std::string response = server.Exchange(
      server.Head("GET", "/analyzer", "", c.signed_headers, c.unsigned_headers, c.region) + "\r\n");
  EXPECT_EQ(Status(response), c.status) << response;
  EXPECT_EQ(ErrorType(response), c.code) << response;
}

INSTANTIATE_TEST_SUITE_P(
    Server, ServerRefusalTest,
    testing::Values(
        RefusalCase{"SignedAmzHeadersPass",
                    {{"X-Amz-Content-Sha256", aws::sigv4::HexSha256("")}},
                    {},
                    "eu-west-1",
                    200,
                    ""},
        RefusalCase{"UnsignedContentSha",
                    {},
                    {{"X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD"}},
                    "us-east-1",
                    403,
                    "InvalidSignatureException"},
        RefusalCase{"SessionTokenOnLongTermKey",
                    {{"X-Amz-Security-Token", "FwoGZXIvYXdzEXAMPLE"}},
                    {},
                    "us-east-1",
                    403,
                    "UnrecognizedClientException"},
        RefusalCase{"UnsignedSessionToken",
                    {},
                    {{"X-Amz-Security-Token", "FwoG"}},
                    "us-east-1",
                    403,
                    "InvalidSignatureException"},
        RefusalCase{"UnknownRegion", {}, {}, "xx-nowhere-1", 403, "InvalidSignatureException"},
        RefusalCase{
            "RegionWithColon", {}, {}, "us-east-1:111122223333", 403, "InvalidSignatureException"}),
    [](const testing::TestParamInfo<RefusalCase>& info) { return info.param.name; });

}  // namespace
}  // namespace perimeter::server
