#include "perimeter/compliance/aws_client.h"

#include "gtest/gtest.h"

namespace perimeter::compliance {
namespace {

using aws::HttpRequest;
using aws::HttpResponse;
using aws::HttpTransport;

struct EndpointCase {
  const char* service;  // "access-analyzer", "organizations", "sts"
  const char* region;
  std::optional<std::string> override_url;
  const char* url;
  const char* signing_region;
};

class EndpointTest : public testing::TestWithParam<EndpointCase> {};

TEST_P(EndpointTest, Url) {
  const EndpointCase& c = GetParam();
  std::string_view service = c.service;
  ServiceEndpoint endpoint = service == "organizations"
                                 ? OrganizationsEndpoint(c.region, c.override_url)
                             : service == "sts" ? StsEndpoint(c.region, c.override_url)
                                                : AccessAnalyzerEndpoint(c.region, c.override_url);
  EXPECT_EQ(endpoint.base_url, c.url);
  EXPECT_EQ(endpoint.signing_region, c.signing_region);
}

INSTANTIATE_TEST_SUITE_P(
    Endpoints, EndpointTest,
    testing::Values(
        EndpointCase{"access-analyzer", "eu-west-1", std::nullopt,
                     "https://access-analyzer.eu-west-1.amazonaws.com", "eu-west-1"},
        EndpointCase{"access-analyzer", "cn-north-1", std::nullopt,
                     "https://access-analyzer.cn-north-1.amazonaws.com.cn", "cn-north-1"},
        EndpointCase{"access-analyzer", "eu-west-1", "http://127.0.0.1:8080",
                     "http://127.0.0.1:8080", "eu-west-1"},
        EndpointCase{"organizations", "eu-west-1", std::nullopt,
                     "https://organizations.us-east-1.amazonaws.com", "us-east-1"},
        EndpointCase{"organizations", "cn-north-1", std::nullopt,
                     "https://organizations.cn-northwest-1.amazonaws.com.cn", "cn-northwest-1"},
        EndpointCase{"organizations", "us-gov-east-1", std::nullopt,
                     "https://organizations.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
        EndpointCase{"organizations", "ap-south-1", "http://127.0.0.1:8080",
                     "http://127.0.0.1:8080", "us-east-1"},
        EndpointCase{"sts", "ap-south-1", std::nullopt, "https://sts.ap-south-1.amazonaws.com",
                     "ap-south-1"}));

// Records the request and answers one canned response.
class RecordingTransport final : public HttpTransport {
 public:
  HttpResponse answer;
  std::vector<HttpRequest> requests;
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    requests.push_back(request);
    return answer;
  }
};

std::string HeaderOf(const HttpRequest& request, std::string_view name) {
  for (const auto& [key, value] : request.headers) {
    if (key == name) return value;
  }
  return "";
}

TEST(AwsClientTest, SignsLikeTheCliWithSessionTokenAndHost) {
  RecordingTransport transport;
  transport.answer = {
      200, {}, R"({"arn":"arn:aws:access-analyzer:eu-west-1:111122223333:analyzer/x"})"};
  base::FakeClock clock(1'700'000'000'000);
  aws::SignedClient signer(transport, {"AKIDEXAMPLE", "secret", "session-token", "test"}, clock, {},
                           aws::RetryTiming::Immediate());
  AwsClient client(signer, "http://127.0.0.1:9999/", "us-east-1");
  absl::StatusOr<std::string> arn = client.CreateAnalyzer("eu-west-1", "x", "ACCOUNT", "token-1");
  ASSERT_TRUE(arn.ok()) << arn.status();
  ASSERT_EQ(transport.requests.size(), 1u);
  const HttpRequest& request = transport.requests[0];
  EXPECT_EQ(request.base_url, "http://127.0.0.1:9999");
  EXPECT_EQ(request.method, "PUT");
  EXPECT_EQ(request.target, "/analyzer");
  EXPECT_EQ(HeaderOf(request, "Host"), "127.0.0.1:9999");
  EXPECT_EQ(HeaderOf(request, "X-Amz-Security-Token"), "session-token");
  EXPECT_EQ(HeaderOf(request, "X-Amz-Date"), "20231114T221320Z");
  std::string authorization = HeaderOf(request, "Authorization");
  EXPECT_TRUE(authorization.starts_with(
      "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20231114/eu-west-1/access-analyzer/"
      "aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token"))
      << authorization;
  EXPECT_NE(request.body.find(R"("clientToken":"token-1")"), std::string::npos);
}

TEST(AwsClientTest, AwsErrorsKeepTheirCode) {
  RecordingTransport transport;
  transport.answer = {
      400,
      {},
      R"({"__type":"AWSOrganizationsNotInUseException","Message":"not in an organization"})"};
  base::FakeClock clock(1'700'000'000'000);
  aws::SignedClient signer(transport, {"AKID", "secret", "", "test"}, clock, {},
                           aws::RetryTiming::Immediate());
  AwsClient client(signer, std::nullopt, "us-east-1");
  absl::StatusOr<OrganizationSummary> organization = client.DescribeOrganization();
  ASSERT_FALSE(organization.ok());
  EXPECT_EQ(AwsErrorCode(organization.status()), "AWSOrganizationsNotInUseException");
  EXPECT_EQ(HeaderOf(transport.requests[0], "X-Amz-Target"),
            "AWSOrganizationsV20161128.DescribeOrganization");
  EXPECT_EQ(transport.requests[0].base_url, "https://organizations.us-east-1.amazonaws.com");
}

}  // namespace
}  // namespace perimeter::compliance
