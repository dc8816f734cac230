#include "perimeter/collect/scope.h"

#include "perimeter/aws/client/signed_client.h"
#include "perimeter/base/text.h"

namespace perimeter::collect {

namespace {

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

}  // namespace

ErrorKind ClassifyError(const absl::Status& status) {
  std::string code = aws::AwsErrorCode(status);
  if (status.code() == absl::StatusCode::kDataLoss) return ErrorKind::kMalformedAnswer;
  // The code first: a disabled region answers 403 with a code of its own.
  if (code == "OptInRequired" || code == "UnrecognizedClientException" ||
      code == "InvalidClientTokenId" || code == "AuthFailure" ||
      code == "RegionDisabledException" || code == "SubscriptionRequiredException")
    return ErrorKind::kRegionDisabled;
  if (Contains(code, "AccessDenied") || code == "UnauthorizedOperation" ||
      Contains(code, "AuthorizationError") || code == "Forbidden")
    return ErrorKind::kAccessDenied;
  if (Contains(code, "NotFound") || Contains(code, "NoSuch") || Contains(code, "NonExistent") ||
      Contains(code, "DoesNotExist"))
    return ErrorKind::kDeleted;
  if (Contains(code, "Throttl") || code == "TooManyRequestsException" ||
      code == "RequestLimitExceeded" || code == "SlowDown")
    return ErrorKind::kThrottled;
  if (status.code() == absl::StatusCode::kPermissionDenied) return ErrorKind::kAccessDenied;
  if (status.code() == absl::StatusCode::kNotFound) return ErrorKind::kDeleted;
  if (status.code() == absl::StatusCode::kResourceExhausted) return ErrorKind::kThrottled;
  if (status.code() == absl::StatusCode::kUnavailable) return ErrorKind::kUnavailable;
  return ErrorKind::kOther;
}

std::optional<aws::HttpResponse> Scope::Send(const ServiceCall& call, std::string_view in_region,
                                             std::string_view resource,
                                             std::initializer_list<std::string_view> absent,
                                             bool* was_absent) const {
  if (was_absent != nullptr) *was_absent = false;
  if (region_disabled != nullptr && region_disabled->load()) return std::nullopt;
  absl::StatusOr<aws::HttpResponse> response = caller.Call(call, in_region);
  if (response.ok()) return std::move(*response);
  std::string code = aws::AwsErrorCode(response.status());
  for (std::string_view none : absent) {
    if (code == none) {
      if (was_absent != nullptr) *was_absent = true;
      return std::nullopt;
    }
  }
  Fail(call, in_region, resource, response.status());
  return std::nullopt;
}

void Scope::Fail(const ServiceCall& call, std::string_view in_region, std::string_view resource,
                 const absl::Status& status) const {
  ErrorKind kind = ClassifyError(status);
  if (kind == ErrorKind::kRegionDisabled && region_disabled != nullptr) {
    if (region_disabled->exchange(true)) return;  // already recorded for the region
  }
  sink.Error(CollectionError{kind, account, std::string(in_region),
                             std::string(aws::DescribeService(call.service).service_id),
                             call.operation, std::string(resource), aws::AwsErrorCode(status),
                             std::string(status.message())});
}

}  // namespace perimeter::collect
