// Fuzz target for the web console's input (api/console_input.h): the JSON a browser sends to
// /console/api/OPERATION, turned into the routed request of the same handlers as SigV4 calls.
#include <string>

#include "fuzz/fuzz_targets.h"
#include "perimeter/api/console_input.h"
#include "perimeter/api/rest_bindings.h"
#include "perimeter/json/document.h"

namespace perimeter::fuzz {

// The first byte picks the operation (one of the model's, or one it does not have); the rest is the
// input. A routed request names that operation, holds every label of its path template, and for a
// POST or PUT binding a body that is one JSON object; a refusal is one of the documented errors.
int FuzzConsoleInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  auto bindings = api::RestBindings();
  size_t pick = data[0] % (bindings.size() + 1);
  std::string operation =
      pick < bindings.size() ? std::string(bindings[pick].operation) : "NoSuchOperation";
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  auto routed = api::ConsoleRestRequest(operation, input);
  if (const auto* error = std::get_if<api::AwsError>(&routed)) {
    FuzzCheck(error->code == "ValidationException" || error->code == "UnknownOperationException",
              "a refusal is ValidationException or UnknownOperationException");
    FuzzCheck(error->code != "UnknownOperationException" || pick == bindings.size(),
              "only an unknown operation is UnknownOperationException");
    return 0;
  }
  FuzzCheck(pick < bindings.size(), "an unknown operation is never routed");
  const api::RestBinding& binding = bindings[pick];
  const api::RestRequest& request = std::get<api::RestRequest>(routed);
  FuzzCheck(request.operation == binding.operation, "the request names the operation");
  std::string_view path = binding.path;
  for (size_t open = path.find('{'); open != std::string_view::npos;
       open = path.find('{', open + 1)) {
    std::string label(path.substr(open + 1, path.find('}', open) - open - 1));
    FuzzCheck(request.labels.contains(label), "every label of the template is given");
  }
  if (binding.method == "POST" || binding.method == "PUT") {
    json::ParseResult body = json::Parse(request.body);
    FuzzCheck(body.ok() && body.document.root().is_object(), "the body is one JSON object");
    FuzzCheck(request.query.empty(), "no query for POST and PUT");
  } else {
    FuzzCheck(request.body.empty(), "no body for GET and DELETE");
  }
  return 0;
}

}  // namespace perimeter::fuzz
