// The HTTP bindings of the Access Analyzer operations (restJson1): the method and path template of
// every operation in botocore's accessanalyzer 2019-11-01 model ("http" of each operation), the
// path's labels in braces ("/analyzer/{analyzerName}"). Data only: rest_routes.h matches requests
// against it, the operation table (access_analyzer_service.cc) maps the operation name to its
// handler. A new operation is one row here and one there.
#ifndef PERIMETER_API_REST_BINDINGS_H_
#define PERIMETER_API_REST_BINDINGS_H_

#include <span>
#include <string_view>

namespace perimeter::api {

struct RestBinding {
  std::string_view method;     // "PUT"
  std::string_view path;       // template: literal segments and "{label}" segments
  std::string_view operation;  // "CreateAnalyzer"
};

// Every binding of the model, one per operation, in the model's (alphabetical) order.
std::span<const RestBinding> RestBindings();

}  // namespace perimeter::api

#endif  // PERIMETER_API_REST_BINDINGS_H_
