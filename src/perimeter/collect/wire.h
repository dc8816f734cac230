// One AWS call of the collector before signing, built in its service's protocol (botocore's
// service models, metadata.protocol; the AWS API references):
//  - query (IAM, SNS, SQS, STS, RDS) and ec2 (EC2): a form-encoded POST with Action and Version;
//  - json (KMS, Secrets Manager, ECR, Organizations: JSON 1.1; DynamoDB and its streams: JSON 1.0):
//    a POST of a JSON object to "/" naming the operation in X-Amz-Target (targetPrefix.Operation);
//  - rest-json (Lambda, EFS, Account) and rest-xml (S3, S3 Control): the operation's method and
//    URI, parameters in the path, query string and headers.
// Pure: building a call does no I/O; the driver (collector.h) sends it through an AwsCaller.
#ifndef PERIMETER_COLLECT_WIRE_H_
#define PERIMETER_COLLECT_WIRE_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "perimeter/aws/client/endpoints.h"
#include "perimeter/aws/client/http_transport.h"
#include "perimeter/aws/client/signed_client.h"
#include "perimeter/collect/xml.h"
#include "perimeter/json/document.h"

namespace perimeter::collect {

struct ServiceCall {
  aws::AwsService service;
  std::string operation;   // the model's operation name: "ListBuckets"
  std::string iam_action;  // the IAM action that authorizes it: "s3:ListAllMyBuckets"
  aws::SignedRequest request;
};

using FormParameters = std::vector<std::pair<std::string, std::string>>;

// Action=OPERATION&Version=VERSION&... (query and ec2 protocols).
ServiceCall QueryCall(aws::AwsService service, std::string_view version, std::string_view operation,
                      std::string_view iam_action, const FormParameters& parameters);
// POST / with X-Amz-Target: TARGET_PREFIX.OPERATION and `body` (a JSON object).
ServiceCall JsonCall(aws::AwsService service, std::string_view target_prefix,
                     std::string_view json_version, std::string_view operation,
                     std::string_view iam_action, std::string body);
// A REST call: `target` already percent-encoded.
ServiceCall RestCall(aws::AwsService service, std::string_view operation,
                     std::string_view iam_action, std::string_view method, std::string target,
                     std::string body = "");

// Percent-encodes one path segment or query value (RFC 3986 unreserved characters kept).
std::string Encode(std::string_view text);

// The answer's body as JSON / XML; DataLoss naming the operation when it is not one.
absl::StatusOr<json::Document> JsonBody(const aws::HttpResponse& response,
                                        std::string_view operation);
absl::StatusOr<std::unique_ptr<XmlElement>> XmlBody(const aws::HttpResponse& response,
                                                    std::string_view operation);

// Small readers over parsed JSON: "" / empty when the member is absent or of another type.
std::string JsonString(const json::Value& object, std::string_view key);
std::vector<json::Value> JsonArray(const json::Value& object, std::string_view key);

}  // namespace perimeter::collect

#endif  // PERIMETER_COLLECT_WIRE_H_
