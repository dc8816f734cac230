// Routing of Access Analyzer requests (restJson1): matching of a received method and path against
// the operations' HTTP bindings (rest_bindings.h), and the routed request the handlers read.
// Labels are matched on the raw (percent-encoded) path segments and then decoded, so an ARN label
// sent as `arn%3Aaws%3A...%2Fname` is one segment.
#ifndef PERIMETER_API_REST_ROUTES_H_
#define PERIMETER_API_REST_ROUTES_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace perimeter::api {

struct RestRequest {
  std::string operation;                                   // "CreateAnalyzer"
  std::map<std::string, std::string> labels;               // decoded path labels
  std::vector<std::pair<std::string, std::string>> query;  // decoded, in order
  std::string body;

  // The first value of a query parameter.
  std::optional<std::string> Query(std::string_view name) const;
  // Every value of a repeated query parameter (tagKeys).
  std::vector<std::string> QueryAll(std::string_view name) const;
};

struct RouteMatch {
  std::string operation;
  std::map<std::string, std::string> labels;
};

// Matches a method and raw path (no query). nullopt when no operation has that binding; literal
// segments win over labels.
std::optional<RouteMatch> MatchRestRoute(std::string_view method, std::string_view raw_path);

// Splits and decodes a raw query string ("a=1&b=x%20y").
std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view raw_query);

}  // namespace perimeter::api

#endif  // PERIMETER_API_REST_ROUTES_H_
