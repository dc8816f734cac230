// ApiResult<T>: a value, or the AWS error an operation answers instead (aws_error.h), and the two
// macros that propagate the error out of an operation handler, in the manner of
// base/status_macros.h for absl::StatusOr.
//
//   API_ASSIGN_OR_RETURN(store::Analyzer analyzer, FindByArn(caller, "analyzerArn", arn));
//   API_RETURN_IF_ERROR(FindingsBlocked(analyzer));   // a std::optional<AwsError>
//
// In a function returning ApiResponse the error becomes its restJson1 response (RestJsonError); in
// one returning ApiResult<U> it is passed on as it is.
#ifndef PERIMETER_API_API_RESULT_H_
#define PERIMETER_API_API_RESULT_H_

#include <cassert>
#include <optional>
#include <utility>
#include <variant>

#include "perimeter/api/aws_error.h"
#include "perimeter/base/status_macros.h"

namespace perimeter::api {

template <typename T>
class ApiResult;

// An error on its way out of a handler: converts to whatever the handler returns (restJson1 for an
// ApiResponse; JSON 1.1 with Json11PropagatedError, for the Organizations operations).
struct PropagatedError {
  AwsError error;

  operator ApiResponse() const { return RestJsonError(error); }  // NOLINT: implicit by design
  template <typename T>
  operator ApiResult<T>() && {  // NOLINT: implicit by design
    return ApiResult<T>(std::move(error));
  }
};

struct Json11PropagatedError {
  AwsError error;

  operator ApiResponse() const { return Json11Error(error); }  // NOLINT: implicit by design
};

template <typename T>
class [[nodiscard]] ApiResult {
 public:
  ApiResult(T value) : value_(std::move(value)) {}         // NOLINT: implicit, like absl::StatusOr
  ApiResult(AwsError error) : value_(std::move(error)) {}  // NOLINT

  bool ok() const { return std::holds_alternative<T>(value_); }
  // REQUIRES: !ok().
  const AwsError& error() const& {
    assert(!ok());  // callers test ok() first
    return std::get<AwsError>(value_);
  }
  AwsError&& error() && {
    assert(!ok());
    return std::get<AwsError>(std::move(value_));
  }
  // REQUIRES: ok().
  const T& value() const& { return std::get<T>(value_); }
  T& value() & { return std::get<T>(value_); }
  T&& value() && { return std::get<T>(std::move(value_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, AwsError> value_;
};

namespace internal {

inline std::optional<AwsError> ErrorOf(std::optional<AwsError> error) { return error; }
template <typename T>
std::optional<AwsError> ErrorOf(ApiResult<T> result) {
  if (result.ok()) return std::nullopt;
  return std::move(result).error();
}

}  // namespace internal

}  // namespace perimeter::api

// Returns the error of `expr` (an ApiResult<T> or a std::optional<AwsError>) from the enclosing
// handler.
#define API_RETURN_IF_ERROR(expr) \
  PERIMETER_API_RETURN_IF_ERROR_IMPL_(expr, ::perimeter::api::PropagatedError)
// The same in an Organizations handler: the error is answered in JSON 1.1 (Json11Error).
#define JSON11_RETURN_IF_ERROR(expr) \
  PERIMETER_API_RETURN_IF_ERROR_IMPL_(expr, ::perimeter::api::Json11PropagatedError)

#define PERIMETER_API_RETURN_IF_ERROR_IMPL_(expr, propagated)            \
  do {                                                                   \
    if (std::optional<::perimeter::api::AwsError> perimeter_api_error_ = \
            ::perimeter::api::internal::ErrorOf((expr))) {               \
      return propagated{std::move(*perimeter_api_error_)};               \
    }                                                                    \
  } while (false)

// API_ASSIGN_OR_RETURN(lhs, expr): evaluates the ApiResult `expr`; on error returns it from the
// enclosing handler, otherwise moves its value into `lhs` (which may be a declaration).
#define API_ASSIGN_OR_RETURN(lhs, expr)                                                         \
  PERIMETER_API_ASSIGN_OR_RETURN_IMPL_(PERIMETER_CONCAT_(perimeter_api_result_, __LINE__), lhs, \
                                       expr, ::perimeter::api::PropagatedError)
// The same in an Organizations handler: the error is answered in JSON 1.1 (Json11Error).
#define JSON11_ASSIGN_OR_RETURN(lhs, expr)                                                      \
  PERIMETER_API_ASSIGN_OR_RETURN_IMPL_(PERIMETER_CONCAT_(perimeter_api_result_, __LINE__), lhs, \
                                       expr, ::perimeter::api::Json11PropagatedError)

#define PERIMETER_API_ASSIGN_OR_RETURN_IMPL_(result, lhs, expr, propagated) \
  auto result = (expr);                                                     \
  if (!result.ok()) return propagated{std::move(result).error()};           \
  lhs = std::move(result).value()

#endif  // PERIMETER_API_API_RESULT_H_
