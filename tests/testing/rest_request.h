// Requests to the Access Analyzer service as the server routes them, for the api/ tests that drive
// AccessAnalyzerService::Handle without HTTP. Header-only: those tests link perimeter_api already
// (perimeter_test_support does not).
#ifndef PERIMETER_TESTS_TESTING_REST_REQUEST_H_
#define PERIMETER_TESTS_TESTING_REST_REQUEST_H_

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "perimeter/api/aws_error.h"
#include "perimeter/api/rest_routes.h"

namespace perimeter_testing {

// The RestRequest the server's routing (api::MatchRestRoute) makes of `method`, `target` (the raw
// path and query, as a client sends it) and `body`. nullopt, with a failed expectation, when no
// route matches.
inline std::optional<perimeter::api::RestRequest> RoutedRequest(std::string_view method,
                                                                std::string_view target,
                                                                std::string body = "") {
  size_t question = target.find('?');
  std::optional<perimeter::api::RouteMatch> match =
      perimeter::api::MatchRestRoute(method, target.substr(0, question));
  EXPECT_TRUE(match.has_value()) << method << " " << target;
  if (!match) return std::nullopt;
  return perimeter::api::RestRequest{
      match->operation, match->labels,
      perimeter::api::ParseQuery(question == std::string_view::npos ? ""
                                                                    : target.substr(question + 1)),
      std::move(body)};
}

// The x-amzn-ErrorType header of `response` (the AWS error's type); "" when it has none.
inline std::string ErrorType(const perimeter::api::ApiResponse& response) {
  for (const auto& [name, value] : response.headers) {
    if (name == "x-amzn-ErrorType") return value;
  }
  return "";
}

}  // namespace perimeter_testing

#endif  // PERIMETER_TESTS_TESTING_REST_REQUEST_H_
