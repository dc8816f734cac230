#include "perimeter/api/rest_routes.h"

#include "perimeter/api/rest_bindings.h"
#include "perimeter/aws/sigv4/sigv4.h"

namespace perimeter::api {

namespace {

std::vector<std::string_view> Segments(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = path.starts_with('/') ? 1 : 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    std::string_view segment = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (!segment.empty() || slash != std::string_view::npos) out.push_back(segment);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (!out.empty() && out.back().empty()) out.pop_back();  // a trailing slash
  return out;
}

}  // namespace

std::optional<std::string> RestRequest::Query(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::vector<std::string> RestRequest::QueryAll(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : query) {
    if (key == name) out.push_back(value);
  }
  return out;
}

std::optional<RouteMatch> MatchRestRoute(std::string_view method, std::string_view raw_path) {
  std::vector<std::string_view> segments = Segments(raw_path);
  std::optional<RouteMatch> best;
  int best_literals = -1;
  for (const RestBinding& binding : RestBindings()) {
    if (binding.method != method) continue;
    std::vector<std::string_view> pattern = Segments(binding.path);
    if (pattern.size() != segments.size()) continue;
    RouteMatch match{std::string(binding.operation), {}};
    int literals = 0;
    bool matches = true;
    for (size_t i = 0; i < pattern.size() && matches; ++i) {
      std::string decoded = aws::sigv4::UriDecode(segments[i]);
      if (pattern[i].starts_with('{')) {
        if (decoded.empty()) matches = false;
        match.labels[std::string(pattern[i].substr(1, pattern[i].size() - 2))] = std::move(decoded);
      } else if (pattern[i] == decoded) {
        ++literals;
      } else {
        matches = false;
      }
    }
    if (matches && literals > best_literals) {
      best = std::move(match);
      best_literals = literals;
    }
  }
  return best;
}

std::vector<std::pair<std::string, std::string>> ParseQuery(std::string_view raw_query) {
  std::vector<std::pair<std::string, std::string>> out;
  size_t start = 0;
  while (start < raw_query.size()) {
    size_t amp = raw_query.find('&', start);
    std::string_view pair = raw_query.substr(
        start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!pair.empty()) {
      size_t equals = pair.find('=');
      std::string name(pair.substr(0, equals));
      std::string value(equals == std::string_view::npos ? std::string_view()
                                                         : pair.substr(equals + 1));
      for (std::string* text : {&name, &value}) {
        for (char& c : *text) {
          if (c == '+') c = ' ';
        }
      }
      out.emplace_back(aws::sigv4::UriDecode(name), aws::sigv4::UriDecode(value));
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
  return out;
}

}  // namespace perimeter::api
