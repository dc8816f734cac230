// gMock matchers for absl::Status and absl::StatusOr<T>, shared by every test.
//
//   EXPECT_THAT(store.Put(x), IsOk());
//   EXPECT_THAT(ParseConfig(text), StatusIs(absl::StatusCode::kInvalidArgument, "line 3"));
//
// On failure the matcher prints the status it saw. StatusIs matches when the code is equal and the
// message contains `substring` (an empty substring matches any message).
#ifndef PERIMETER_TESTS_TESTING_STATUS_MATCHERS_H_
#define PERIMETER_TESTS_TESTING_STATUS_MATCHERS_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"

namespace perimeter_testing {
namespace internal {

inline const absl::Status& GetStatus(const absl::Status& status) { return status; }

template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& status_or) {
  return status_or.status();
}

}  // namespace internal

MATCHER(IsOk, "is OK") {
  const absl::Status& status = internal::GetStatus(arg);
  if (status.ok()) return true;
  *result_listener << "the status is " << status.ToString();
  return false;
}

MATCHER_P2(StatusIs, code, substring,
           std::string("has code ") + absl::StatusCodeToString(code) +
               " and a message containing \"" + std::string(substring) + "\"") {
  const absl::Status& status = internal::GetStatus(arg);
  *result_listener << "the status is " << status.ToString();
  // absl::string_view may not be std::string_view (Debian's Abseil): compare as std::string.
  return status.code() == code &&
         std::string(status.message()).find(std::string(substring)) != std::string::npos;
}

}  // namespace perimeter_testing

#endif  // PERIMETER_TESTS_TESTING_STATUS_MATCHERS_H_
