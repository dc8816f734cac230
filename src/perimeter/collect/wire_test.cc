#include "perimeter/collect/wire.h"

#include "absl/strings/cord.h"
#include "gtest/gtest.h"
#include "perimeter/collect/scope.h"
#include "perimeter/collect/services.h"

namespace perimeter::collect {
namespace {

TEST(WireTest, QueryCallsCarryActionVersionAndEncodedParameters) {
  ServiceCall call = QueryCall(
      aws::AwsService::kSqs, "2012-11-05", "GetQueueAttributes", "sqs:GetQueueAttributes",
      {{"QueueUrl", "https://sqs.eu-west-1.amazonaws.com/1/q a"}, {"AttributeName.1", "Policy"}});
  EXPECT_EQ(call.request.method, "POST");
  EXPECT_EQ(call.request.target, "/");
  EXPECT_EQ(call.request.body,
            "Action=GetQueueAttributes&Version=2012-11-05&QueueUrl=https%3A%2F%2Fsqs.eu-west-1."
            "amazonaws.com%2F1%2Fq%20a&AttributeName.1=Policy");
}

TEST(WireTest, JsonCallsNameTheOperationInTheTarget) {
  ServiceCall call = JsonCall(aws::AwsService::kDynamoDb, "DynamoDB_20120810", "1.0", "ListTables",
                              "dynamodb:ListTables", "{}");
  EXPECT_EQ(call.request.headers, (std::vector<std::pair<std::string, std::string>>{
                                      {"Content-Type", "application/x-amz-json-1.0"},
                                      {"X-Amz-Target", "DynamoDB_20120810.ListTables"}}));
}

TEST(WireTest, PercentDecodeKeepsInvalidEscapes) {
  EXPECT_EQ(PercentDecode("%7B%22a%22%3A1%7D"), "{\"a\":1}");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz+"), "%zz+");
}

absl::Status AwsFailure(absl::StatusCode code, std::string aws_code) {
  absl::Status status(code, "x");
  status.SetPayload("perimeter.dev/aws-error-code", absl::Cord(aws_code));
  return status;
}

struct ClassifyCase {
  absl::StatusCode status;
  const char* code;
  ErrorKind kind;
};

class ClassifyTest : public testing::TestWithParam<ClassifyCase> {};

TEST_P(ClassifyTest, ByCodeThenStatus) {
  EXPECT_EQ(ClassifyError(AwsFailure(GetParam().status, GetParam().code)), GetParam().kind);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ClassifyTest,
    testing::Values(ClassifyCase{absl::StatusCode::kPermissionDenied, "AccessDenied",
                                 ErrorKind::kAccessDenied},
                    ClassifyCase{absl::StatusCode::kInvalidArgument, "AccessDeniedException",
                                 ErrorKind::kAccessDenied},
                    ClassifyCase{absl::StatusCode::kPermissionDenied, "InvalidClientTokenId",
                                 ErrorKind::kRegionDisabled},
                    ClassifyCase{absl::StatusCode::kInvalidArgument, "UnrecognizedClientException",
                                 ErrorKind::kRegionDisabled},
                    ClassifyCase{absl::StatusCode::kNotFound, "NoSuchBucket", ErrorKind::kDeleted},
                    ClassifyCase{absl::StatusCode::kInvalidArgument,
                                 "AWS.SimpleQueueService.NonExistentQueue", ErrorKind::kDeleted},
                    ClassifyCase{absl::StatusCode::kInvalidArgument, "ThrottlingException",
                                 ErrorKind::kThrottled},
                    ClassifyCase{absl::StatusCode::kResourceExhausted, "", ErrorKind::kThrottled},
                    ClassifyCase{absl::StatusCode::kUnavailable, "", ErrorKind::kUnavailable},
                    ClassifyCase{absl::StatusCode::kDataLoss, "", ErrorKind::kMalformedAnswer},
                    ClassifyCase{absl::StatusCode::kInvalidArgument, "ValidationException",
                                 ErrorKind::kOther}));

}  // namespace
}  // namespace perimeter::collect
