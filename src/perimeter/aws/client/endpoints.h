// Where a service's requests go, resolved as the AWS SDKs and the AWS CLI resolve it ("Service-
// specific endpoints", AWS SDKs and Tools Reference Guide; "Endpoint configuration and settings
// precedence", AWS CLI User Guide), first match wins:
//  1. an explicit URL (`--endpoint-url`);
//  2. AWS_ENDPOINT_URL_<SERVICE> (the service id upper-cased, spaces -> '_':
//  AWS_ENDPOINT_URL_SECRETS_MANAGER);
//  3. AWS_ENDPOINT_URL;
//  4. the profile's `services` section: `[services NAME]` with `KEY =` and an indented
//     `endpoint_url = ...` (KEY: the service id lower-cased, spaces -> '_');
//  5. the profile's `endpoint_url`;
//  6. the partition's default hostname.
// 2-5 are skipped when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or the profile's
// `ignore_configured_endpoint_urls` is "true".
//
// Default hostnames (AWS General Reference, "Service endpoints and quotas"): regional services at
// https://PREFIX.REGION.DNS_SUFFIX; IAM, Organizations and Account Management have one endpoint per
// partition (IAM: iam.amazonaws.com, iam.cn-north-1.amazonaws.com.cn, iam.us-gov.amazonaws.com,
// signed for us-east-1 / cn-north-1 / us-gov-west-1); STS is regional (the SDKs' default
// `sts_regional_endpoints = regional`). A configured URL is signed for the requested region, as
// the SDKs do, except the partition-global services, which keep their signing region.
#ifndef PERIMETER_AWS_CLIENT_ENDPOINTS_H_
#define PERIMETER_AWS_CLIENT_ENDPOINTS_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "perimeter/aws/client/signed_client.h"

namespace perimeter::aws {

// The services Perimeter calls.
enum class AwsService {
  kAccessAnalyzer,
  kAccount,
  kDynamoDb,
  kDynamoDbStreams,
  kEc2,
  kEcr,
  kEfs,
  kIam,
  kKms,
  kLambda,
  kOrganizations,
  kRds,
  kS3,
  kS3Control,
  kS3Express,  // the directory buckets' Regional endpoint (s3express-control), part of S3's API
  kSecretsManager,
  kSns,
  kSqs,
  kSts,
};

struct ServiceDescription {
  std::string_view service_id;       // botocore's metadata.serviceId: "Secrets Manager"
  std::string_view endpoint_prefix;  // "secretsmanager"
  std::string_view signing_name;     // SigV4's service name: "secretsmanager"
};
const ServiceDescription& DescribeService(AwsService service);

// "AWS_ENDPOINT_URL_SECRETS_MANAGER" and "secrets_manager" for "Secrets Manager".
std::string EndpointEnvironmentVariable(AwsService service);
std::string EndpointConfigKey(AwsService service);

// What the resolution reads besides the service and region.
struct EndpointSettings {
  std::optional<std::string> explicit_url;                             // --endpoint-url
  std::function<std::optional<std::string>(const char* name)> getenv;  // nullopt: unset or empty
  std::optional<std::string> profile_endpoint_url;                     // the profile's endpoint_url
  std::map<std::string, std::string> service_endpoint_urls;  // config key -> services section URL
  bool profile_ignores_configured = false;  // the profile's ignore_configured_endpoint_urls
};

struct ResolvedEndpoint {
  ServiceEndpoint endpoint;
  bool configured = false;  // true: from 1-5 (not AWS's own hostname)
};

// The endpoint of `service` for `region` (the region the caller works in; global services map it
// to their partition's signing region).
ResolvedEndpoint ResolveEndpoint(AwsService service, std::string_view region,
                                 const EndpointSettings& settings);

}  // namespace perimeter::aws

#endif  // PERIMETER_AWS_CLIENT_ENDPOINTS_H_
