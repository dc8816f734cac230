// Routing of restJson1 requests over the binding table (rest_routes.h, rest_bindings.h).
#include "perimeter/api/rest_routes.h"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "perimeter/api/rest_bindings.h"

namespace perimeter::api {
namespace {

// One case: a method and raw path, the operation it reaches ("" for none) and its decoded labels.
struct RouteCase {
  std::string name;
  std::string method;
  std::string path;
  std::string operation;
  std::map<std::string, std::string> labels;
};

class MatchRestRouteTest : public testing::TestWithParam<RouteCase> {};

TEST_P(MatchRestRouteTest, Routes) {
  const RouteCase& c = GetParam();
  std::optional<RouteMatch> match = MatchRestRoute(c.method, c.path);
  if (c.operation.empty()) {
    EXPECT_EQ(match, std::nullopt) << match->operation;
    return;
  }
  ASSERT_TRUE(match.has_value());
  EXPECT_EQ(match->operation, c.operation);
  EXPECT_EQ(match->labels, c.labels);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, MatchRestRouteTest,
    testing::Values(
        RouteCase{"ListByMethod", "GET", "/analyzer", "ListAnalyzers", {}},
        RouteCase{"CreateByMethod", "PUT", "/analyzer", "CreateAnalyzer", {}},
        RouteCase{"Label",
                  "GET",
                  "/analyzer/my-analyzer",
                  "GetAnalyzer",
                  {{"analyzerName", "my-analyzer"}}},
        RouteCase{"TwoLabels",
                  "DELETE",
                  "/analyzer/a/archive-rule/rule-1",
                  "DeleteArchiveRule",
                  {{"analyzerName", "a"}, {"ruleName", "rule-1"}}},
        // An ARN label is one percent-encoded segment, decoded after matching.
        RouteCase{"EncodedArnLabel",
                  "GET",
                  "/tags/arn%3Aaws%3Aaccess-analyzer%3Aus-east-1%3A111122223333%3Aanalyzer%2Fa",
                  "ListTagsForResource",
                  {{"resourceArn", "arn:aws:access-analyzer:us-east-1:111122223333:analyzer/a"}}},
        RouteCase{"EncodedSpaceInLabel", "GET", "/finding/a%20b", "GetFinding", {{"id", "a b"}}},
        RouteCase{"LiteralSegmentsCompareDecoded", "GET", "/analyze%72", "ListAnalyzers", {}},
        RouteCase{"TrailingSlash", "GET", "/analyzer/", "ListAnalyzers", {}},
        RouteCase{
            "LiteralPath", "POST", "/analyzer/findings/statistics", "GetFindingsStatistics", {}},
        RouteCase{
            "SameLabelPathOtherMethods", "POST", "/tags/x", "TagResource", {{"resourceArn", "x"}}},
        // No binding: unknown paths, a known path with another method, an empty label.
        RouteCase{"UnknownPath", "GET", "/nothing", "", {}},
        RouteCase{"TooManySegments", "GET", "/analyzer/a/b/c/d", "", {}},
        RouteCase{"WrongMethod", "PATCH", "/analyzer", "", {}},
        RouteCase{"WrongMethodOnALabelPath", "POST", "/analyzer/a", "", {}},
        RouteCase{"MethodIsCaseSensitive", "get", "/analyzer", "", {}},
        RouteCase{"EmptyLabel", "DELETE", "/analyzer//archive-rule/rule-1", "", {}},
        RouteCase{"Root", "GET", "/", "", {}}),
    [](const testing::TestParamInfo<RouteCase>& info) { return info.param.name; });

// Every binding is reachable: its path with each label filled routes to its own operation.
TEST(RestBindingsTest, EveryBindingRoutesToItsOperation) {
  std::set<std::string_view> operations;
  for (const RestBinding& binding : RestBindings()) {
    EXPECT_TRUE(operations.insert(binding.operation).second)
        << binding.operation << " is bound twice";
    std::string path;
    std::map<std::string, std::string> labels;
    size_t start = 0;
    while (start < binding.path.size()) {
      size_t open = binding.path.find('{', start);
      if (open == std::string_view::npos) {
        path.append(binding.path.substr(start));
        break;
      }
      size_t close = binding.path.find('}', open);
      ASSERT_NE(close, std::string_view::npos) << binding.path;
      path.append(binding.path.substr(start, open - start));
      std::string label(binding.path.substr(open + 1, close - open - 1));
      path.append("value-of-" + label);
      labels[label] = "value-of-" + label;
      start = close + 1;
    }
    std::optional<RouteMatch> match = MatchRestRoute(binding.method, path);
    ASSERT_TRUE(match.has_value()) << binding.method << " " << path;
    EXPECT_EQ(match->operation, binding.operation) << binding.method << " " << path;
    EXPECT_EQ(match->labels, labels) << binding.operation;
  }
  EXPECT_GE(operations.size(), 39u);
}

TEST(ParseQueryTest, SplitsAndDecodes) {
  std::vector<std::pair<std::string, std::string>> expected = {
      {"a", "1"}, {"b", "x y"}, {"c", "p q"}, {"d", ""}, {"tag Keys", "k/1"}, {"a", "2"}};
  EXPECT_EQ(ParseQuery("a=1&b=x%20y&c=p+q&&d&tag%20Keys=k%2F1&a=2"), expected);
  EXPECT_TRUE(ParseQuery("").empty());
}

TEST(RestRequestTest, QueryReadsTheFirstValueAndQueryAllEvery) {
  RestRequest request;
  request.query = ParseQuery("tagKeys=a&maxResults=5&tagKeys=b");
  EXPECT_EQ(request.Query("tagKeys"), "a");
  EXPECT_EQ(request.Query("nextToken"), std::nullopt);
  EXPECT_EQ(request.QueryAll("tagKeys"), (std::vector<std::string>{"a", "b"}));
}

}  // namespace
}  // namespace perimeter::api
