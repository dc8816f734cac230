#include "perimeter/api/console_input.h"

#include <string>

#include "perimeter/api/rest_bindings.h"
#include "perimeter/base/text.h"
#include "perimeter/json/document.h"
#include "perimeter/json/writer.h"

namespace perimeter::api {

namespace {

// A scalar member as a label or query parameter would carry it; nullopt for objects and arrays.
std::optional<std::string> ScalarText(const json::Value& value) {
  switch (value.kind()) {
    case json::Kind::kString:
      return std::string(value.text());
    case json::Kind::kNumber:
      return std::string(value.source_text());
    case json::Kind::kBool:
      return value.boolean() ? "true" : "false";
    case json::Kind::kNull:
    case json::Kind::kArray:
    case json::Kind::kObject:
      return std::nullopt;
  }
  return std::nullopt;
}

}  // namespace

std::variant<RestRequest, AwsError> ConsoleRestRequest(std::string_view operation,
                                                       std::string_view input) {
  const RestBinding* binding = nullptr;
  for (const RestBinding& candidate : RestBindings()) {
    if (candidate.operation == operation) binding = &candidate;
  }
  if (binding == nullptr) {
    return AwsError{404,
                    "UnknownOperationException",
                    base::Concat("Access Analyzer has no operation ", operation),
                    "",
                    {},
                    "",
                    ""};
  }
  json::ParseResult parsed = json::Parse(std::string(input.empty() ? "{}" : input));
  if (!parsed.ok() || !parsed.document.root().is_object()) {
    return ValidationError("The console's input must be one JSON object", "other");
  }
  std::string_view path = binding->path;
  bool in_query = binding->method == "GET" || binding->method == "DELETE";
  RestRequest request;
  request.operation = std::string(binding->operation);
  std::string body = "{";
  for (json::Value member : parsed.document.root().members()) {
    std::string key(member.key());
    if (path.find(base::Concat("{", key, "}")) != std::string_view::npos) {
      std::optional<std::string> text = ScalarText(member);
      if (!text) return ValidationError(base::Concat(key, " must be a string"), "other");
      request.labels[key] = std::move(*text);
    } else if (in_query) {
      if (member.is_array()) {
        for (json::Value element : member.children()) {
          if (!element.is_string())
            return ValidationError(base::Concat(key, " must hold strings"), "other");
          request.query.emplace_back(key, std::string(element.text()));
        }
      } else if (std::optional<std::string> text = ScalarText(member)) {
        request.query.emplace_back(key, std::move(*text));
      } else if (!member.is_null()) {
        return ValidationError(base::Concat(key, " must be a string"), "other");
      }
    } else {
      if (body.size() > 1) body += ",";
      json::AppendQuotedValidUtf8(body, key);
      body += ":";
      body += member.source_text();
    }
  }
  body += "}";
  // Every label of the template must be given, as a path cannot be sent without it.
  for (size_t open = path.find('{'); open != std::string_view::npos;
       open = path.find('{', open + 1)) {
    std::string label(path.substr(open + 1, path.find('}', open) - open - 1));
    if (!request.labels.contains(label))
      return ValidationError(base::Concat(label, " is required"), "fieldValidationFailed");
  }
  if (!in_query) request.body = std::move(body);
  return request;
}

}  // namespace perimeter::api
