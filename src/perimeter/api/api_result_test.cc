#include "perimeter/api/api_result.h"

#include <optional>
#include <string>

#include "gtest/gtest.h"

namespace perimeter::api {
namespace {

ApiResult<int> Parse(const std::string& text) {
  if (text.empty())
    return ValidationError("empty", "fieldValidationFailed",
                           {{"text", "Member must not be empty"}});
  return static_cast<int>(text.size());
}

// A handler: the error becomes the restJson1 response.
ApiResponse Handler(const std::string& text, std::optional<AwsError> refusal) {
  API_RETURN_IF_ERROR(refusal);
  API_ASSIGN_OR_RETURN(int size, Parse(text));
  return ApiResponse{200, {}, std::to_string(size)};
}

// A helper returning ApiResult<U>: the error is passed on unchanged.
ApiResult<std::string> Twice(const std::string& text) {
  API_ASSIGN_OR_RETURN(int size, Parse(text));
  return std::to_string(size * 2);
}

TEST(ApiResult, HoldsValueOrError) {
  ApiResult<int> value = Parse("abc");
  ASSERT_TRUE(value.ok());
  EXPECT_EQ(*value, 3);
  ApiResult<int> error = Parse("");
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error().code, "ValidationException");
}

TEST(ApiResult, HandlerAnswersTheValue) {
  ApiResponse response = Handler("abcd", std::nullopt);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "4");
}

TEST(ApiResult, HandlerAnswersTheErrorAsRestJson) {
  ApiResponse response = Handler("", std::nullopt);
  ApiResponse expected = RestJsonError(
      ValidationError("empty", "fieldValidationFailed", {{"text", "Member must not be empty"}}));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, expected.body);
  EXPECT_EQ(response.headers, expected.headers);
}

TEST(ApiResult, ReturnIfErrorStopsFirst) {
  ApiResponse response = Handler("abcd", AccessDeniedError("no"));
  EXPECT_EQ(response.status, 403);
  EXPECT_EQ(response.body, RestJsonError(AccessDeniedError("no")).body);
}

TEST(ApiResult, PropagatesIntoAnotherResult) {
  EXPECT_EQ(*Twice("abc"), "6");
  ApiResult<std::string> error = Twice("");
  ASSERT_FALSE(error.ok());
  EXPECT_EQ(error.error().message, "empty");
}

// An Organizations handler: the error is answered in JSON 1.1.
ApiResponse Json11Handler(const std::string& text) {
  JSON11_RETURN_IF_ERROR(Parse(text));
  JSON11_ASSIGN_OR_RETURN(int size, Parse(text));
  return ApiResponse{200, {}, std::to_string(size)};
}

TEST(ApiResult, Json11HandlerAnswersJson11) {
  EXPECT_EQ(Json11Handler("ab").body, "2");
  ApiResponse response = Json11Handler("");
  ApiResponse expected = Json11Error(
      ValidationError("empty", "fieldValidationFailed", {{"text", "Member must not be empty"}}));
  EXPECT_EQ(response.status, expected.status);
  EXPECT_EQ(response.body, expected.body);
  EXPECT_EQ(response.headers, expected.headers);
}

TEST(RequestReader, FieldErrorIsAwsWording) {
  AwsError error = RequestReader::FieldError("resourceArn", "Member must not be null");
  EXPECT_EQ(error.message,
            "1 validation error detected: Value at 'resourceArn' failed to satisfy constraint: "
            "Member must not be null");
  EXPECT_EQ(error.reason, "fieldValidationFailed");
  ASSERT_EQ(error.fields.size(), 1u);
  EXPECT_EQ(error.fields[0].name, "resourceArn");
}

}  // namespace
}  // namespace perimeter::api
