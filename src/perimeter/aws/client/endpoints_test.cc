#include "perimeter/aws/client/endpoints.h"

#include <map>

#include "gtest/gtest.h"

namespace perimeter::aws {
namespace {

struct EndpointCase {
  const char* name;
  AwsService service;
  const char* region;
  std::map<std::string, std::string> env;
  std::optional<std::string> explicit_url;
  std::optional<std::string> profile_url;
  std::map<std::string, std::string> services;
  const char* url;
  const char* signing_region;
};

class EndpointTest : public testing::TestWithParam<EndpointCase> {};

TEST_P(EndpointTest, AsTheSdks) {
  const EndpointCase& c = GetParam();
  EndpointSettings settings;
  settings.explicit_url = c.explicit_url;
  settings.profile_endpoint_url = c.profile_url;
  settings.service_endpoint_urls = c.services;
  std::map<std::string, std::string> env = c.env;
  settings.getenv = [env](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  ResolvedEndpoint resolved = ResolveEndpoint(c.service, c.region, settings);
  EXPECT_EQ(resolved.endpoint.base_url, c.url);
  EXPECT_EQ(resolved.endpoint.signing_region, c.signing_region);
}

const std::map<std::string, std::string> kBothEnv = {
    {"AWS_ENDPOINT_URL", "http://global:1"}, {"AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://sm:2/"}};

INSTANTIATE_TEST_SUITE_P(
    Cases, EndpointTest,
    testing::Values(EndpointCase{"regional_default",
                                 AwsService::kSqs,
                                 "eu-west-1",
                                 {},
                                 {},
                                 {},
                                 {},
                                 "https://sqs.eu-west-1.amazonaws.com",
                                 "eu-west-1"},
                    EndpointCase{"directory_buckets",
                                 AwsService::kS3Express,
                                 "us-east-1",
                                 {{"AWS_ENDPOINT_URL_S3", "http://s3:5"}},
                                 {},
                                 {},
                                 {},
                                 "http://s3:5",
                                 "us-east-1"},
                    EndpointCase{"directory_buckets_default",
                                 AwsService::kS3Express,
                                 "us-west-2",
                                 {},
                                 {},
                                 {},
                                 {},
                                 "https://s3express-control.us-west-2.amazonaws.com",
                                 "us-west-2"},
                    EndpointCase{"ecr_prefix",
                                 AwsService::kEcr,
                                 "eu-west-1",
                                 {},
                                 {},
                                 {},
                                 {},
                                 "https://api.ecr.eu-west-1.amazonaws.com",
                                 "eu-west-1"},
                    EndpointCase{"iam_global",
                                 AwsService::kIam,
                                 "eu-west-1",
                                 {},
                                 {},
                                 {},
                                 {},
                                 "https://iam.amazonaws.com",
                                 "us-east-1"},
                    EndpointCase{"iam_china",
                                 AwsService::kIam,
                                 "cn-northwest-1",
                                 {},
                                 {},
                                 {},
                                 {},
                                 "https://iam.cn-north-1.amazonaws.com.cn",
                                 "cn-north-1"},
                    EndpointCase{"iam_govcloud",
                                 AwsService::kIam,
                                 "us-gov-east-1",
                                 {},
                                 {},
                                 {},
                                 {},
                                 "https://iam.us-gov.amazonaws.com",
                                 "us-gov-west-1"},
                    EndpointCase{"organizations_global",
                                 AwsService::kOrganizations,
                                 "ap-south-1",
                                 {},
                                 {},
                                 {},
                                 {},
                                 "https://organizations.us-east-1.amazonaws.com",
                                 "us-east-1"},
                    EndpointCase{"sts_regional",
                                 AwsService::kSts,
                                 "ap-south-1",
                                 {},
                                 {},
                                 {},
                                 {},
                                 "https://sts.ap-south-1.amazonaws.com",
                                 "ap-south-1"},
                    EndpointCase{"service_env_wins",
                                 AwsService::kSecretsManager,
                                 "eu-west-1",
                                 kBothEnv,
                                 {},
                                 "http://profile:3",
                                 {{"secrets_manager", "http://section:4"}},
                                 "http://sm:2",
                                 "eu-west-1"},
                    EndpointCase{"global_env_for_others",
                                 AwsService::kKms,
                                 "eu-west-1",
                                 kBothEnv,
                                 {},
                                 "http://profile:3",
                                 {{"kms", "http://section:4"}},
                                 "http://global:1",
                                 "eu-west-1"},
                    EndpointCase{"explicit_wins",
                                 AwsService::kSecretsManager,
                                 "eu-west-1",
                                 kBothEnv,
                                 "http://explicit:9",
                                 {},
                                 {},
                                 "http://explicit:9",
                                 "eu-west-1"},
                    EndpointCase{"services_section_before_profile",
                                 AwsService::kDynamoDbStreams,
                                 "eu-west-1",
                                 {},
                                 {},
                                 "http://profile:3",
                                 {{"dynamodb_streams", "http://section:4"}},
                                 "http://section:4",
                                 "eu-west-1"},
                    EndpointCase{"profile_url",
                                 AwsService::kLambda,
                                 "eu-west-1",
                                 {},
                                 {},
                                 "http://profile:3",
                                 {{"s3", "http://section:4"}},
                                 "http://profile:3",
                                 "eu-west-1"},
                    EndpointCase{"configured_global_keeps_signing_region",
                                 AwsService::kIam,
                                 "eu-west-1",
                                 {},
                                 {},
                                 "http://profile:3",
                                 {},
                                 "http://profile:3",
                                 "us-east-1"},
                    EndpointCase{"ignore_configured",
                                 AwsService::kLambda,
                                 "eu-west-1",
                                 {{"AWS_ENDPOINT_URL", "http://global:1"},
                                  {"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true"}},
                                 {},
                                 "http://profile:3",
                                 {},
                                 "https://lambda.eu-west-1.amazonaws.com",
                                 "eu-west-1"}),
    [](const testing::TestParamInfo<EndpointCase>& info) { return info.param.name; });

TEST(EndpointNamesTest, FromTheServiceId) {
  EXPECT_EQ(EndpointEnvironmentVariable(AwsService::kSecretsManager),
            "AWS_ENDPOINT_URL_SECRETS_MANAGER");
  EXPECT_EQ(EndpointEnvironmentVariable(AwsService::kAccessAnalyzer),
            "AWS_ENDPOINT_URL_ACCESSANALYZER");
  EXPECT_EQ(EndpointConfigKey(AwsService::kDynamoDbStreams), "dynamodb_streams");
  EXPECT_EQ(EndpointConfigKey(AwsService::kS3Control), "s3_control");
}

}  // namespace
}  // namespace perimeter::aws
