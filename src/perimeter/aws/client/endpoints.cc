#include "perimeter/aws/client/endpoints.h"

#include "perimeter/aws/regions.h"
#include "perimeter/base/text.h"

namespace perimeter::aws {

const ServiceDescription& DescribeService(AwsService service) {
  // Service ids, endpoint prefixes and signing names as botocore's service models
  // (metadata.serviceId, endpointPrefix, signingName) have them.
  static const ServiceDescription kAccessAnalyzer{"AccessAnalyzer", "access-analyzer",
                                                  "access-analyzer"};
  static const ServiceDescription kAccount{"Account", "account", "account"};
  static const ServiceDescription kDynamoDb{"DynamoDB", "dynamodb", "dynamodb"};
  static const ServiceDescription kDynamoDbStreams{"DynamoDB Streams", "streams.dynamodb",
                                                   "dynamodb"};
  static const ServiceDescription kEc2{"EC2", "ec2", "ec2"};
  static const ServiceDescription kEcr{"ECR", "api.ecr", "ecr"};
  static const ServiceDescription kEfs{"EFS", "elasticfilesystem", "elasticfilesystem"};
  static const ServiceDescription kIam{"IAM", "iam", "iam"};
  static const ServiceDescription kKms{"KMS", "kms", "kms"};
  static const ServiceDescription kLambda{"Lambda", "lambda", "lambda"};
  static const ServiceDescription kOrganizations{"Organizations", "organizations", "organizations"};
  static const ServiceDescription kRds{"RDS", "rds", "rds"};
  static const ServiceDescription kS3{"S3", "s3", "s3"};
  static const ServiceDescription kS3Control{"S3 Control", "s3-control", "s3"};
  // Directory buckets' control plane: S3's API (service id S3, so AWS_ENDPOINT_URL_S3 applies) at
  // s3express-control.REGION, signed as s3express (Amazon S3 API Reference, ListDirectoryBuckets).
  static const ServiceDescription kS3Express{"S3", "s3express-control", "s3express"};
  static const ServiceDescription kSecretsManager{"Secrets Manager", "secretsmanager",
                                                  "secretsmanager"};
  static const ServiceDescription kSns{"SNS", "sns", "sns"};
  static const ServiceDescription kSqs{"SQS", "sqs", "sqs"};
  static const ServiceDescription kSts{"STS", "sts", "sts"};
  switch (service) {
    case AwsService::kAccessAnalyzer:
      return kAccessAnalyzer;
    case AwsService::kAccount:
      return kAccount;
    case AwsService::kDynamoDb:
      return kDynamoDb;
    case AwsService::kDynamoDbStreams:
      return kDynamoDbStreams;
    case AwsService::kEc2:
      return kEc2;
    case AwsService::kEcr:
      return kEcr;
    case AwsService::kEfs:
      return kEfs;
    case AwsService::kIam:
      return kIam;
    case AwsService::kKms:
      return kKms;
    case AwsService::kLambda:
      return kLambda;
    case AwsService::kOrganizations:
      return kOrganizations;
    case AwsService::kRds:
      return kRds;
    case AwsService::kS3:
      return kS3;
    case AwsService::kS3Control:
      return kS3Control;
    case AwsService::kS3Express:
      return kS3Express;
    case AwsService::kSecretsManager:
      return kSecretsManager;
    case AwsService::kSns:
      return kSns;
    case AwsService::kSqs:
      return kSqs;
    case AwsService::kSts:
      return kSts;
  }
  return kSts;  // unreachable: the switch covers every service
}

namespace {

std::string Identifier(AwsService service, bool upper) {
  std::string out;
  for (char c : DescribeService(service).service_id) {
    if (c == ' ') {
      out.push_back('_');
    } else if (upper && c >= 'a' && c <= 'z') {
      out.push_back(static_cast<char>(c - 'a' + 'A'));
    } else if (!upper && c >= 'A' && c <= 'Z') {
      out.push_back(static_cast<char>(c - 'A' + 'a'));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// The signing region of a partition-global service; nullopt for a regional one.
std::optional<std::string> GlobalSigningRegion(AwsService service, std::string_view partition) {
  switch (service) {
    case AwsService::kIam:
      if (partition == "aws-cn") return "cn-north-1";
      if (partition == "aws-us-gov") return "us-gov-west-1";
      return "us-east-1";
    case AwsService::kOrganizations:
      if (partition == "aws-cn") return "cn-northwest-1";
      if (partition == "aws-us-gov") return "us-gov-west-1";
      return "us-east-1";
    case AwsService::kAccount:
      if (partition == "aws-cn") return "cn-northwest-1";
      return "us-east-1";
    case AwsService::kAccessAnalyzer:
    case AwsService::kDynamoDb:
    case AwsService::kDynamoDbStreams:
    case AwsService::kEc2:
    case AwsService::kEcr:
    case AwsService::kEfs:
    case AwsService::kKms:
    case AwsService::kLambda:
    case AwsService::kRds:
    case AwsService::kS3:
    case AwsService::kS3Control:
    case AwsService::kS3Express:
    case AwsService::kSecretsManager:
    case AwsService::kSns:
    case AwsService::kSqs:
    case AwsService::kSts:
      return std::nullopt;
  }
  return std::nullopt;
}

bool IsTrue(const std::optional<std::string>& value) {
  return value && base::EqualsIgnoreAsciiCase(*value, "true");
}

}  // namespace

std::string EndpointEnvironmentVariable(AwsService service) {
  return "AWS_ENDPOINT_URL_" + Identifier(service, true);
}

std::string EndpointConfigKey(AwsService service) { return Identifier(service, false); }

ResolvedEndpoint ResolveEndpoint(AwsService service, std::string_view region,
                                 const EndpointSettings& settings) {
  std::string partition = PartitionOf(region);
  std::optional<std::string> global_region = GlobalSigningRegion(service, partition);
  std::string signing_region = global_region.value_or(std::string(region));
  auto configured = [&](std::string url) {
    while (url.ends_with('/')) url.pop_back();
    return ResolvedEndpoint{{std::move(url), signing_region}, true};
  };
  if (settings.explicit_url) return configured(*settings.explicit_url);
  auto getenv = [&](const char* name) -> std::optional<std::string> {
    return settings.getenv ? settings.getenv(name) : std::nullopt;
  };
  if (!IsTrue(getenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) &&
      !settings.profile_ignores_configured) {
    if (std::optional<std::string> url = getenv(EndpointEnvironmentVariable(service).c_str()))
      return configured(*url);
    if (std::optional<std::string> url = getenv("AWS_ENDPOINT_URL")) return configured(*url);
    auto it = settings.service_endpoint_urls.find(EndpointConfigKey(service));
    if (it != settings.service_endpoint_urls.end() && !it->second.empty())
      return configured(it->second);
    if (settings.profile_endpoint_url) return configured(*settings.profile_endpoint_url);
  }
  std::string suffix = DomainSuffixOf(signing_region);
  std::string host;
  if (service == AwsService::kIam) {
    host = partition == "aws"          ? "iam.amazonaws.com"
           : partition == "aws-us-gov" ? "iam.us-gov.amazonaws.com"
                                       : base::Concat("iam.", signing_region, ".", suffix);
  } else {
    host = base::Concat(DescribeService(service).endpoint_prefix, ".", signing_region, ".", suffix);
  }
  return ResolvedEndpoint{{"https://" + host, signing_region}, false};
}

}  // namespace perimeter::aws
