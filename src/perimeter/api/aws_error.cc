#include "perimeter/api/aws_error.h"

#include <cerrno>
#include <cstdint>

#include "perimeter/base/text.h"
#include "perimeter/json/writer.h"

namespace perimeter::api {

AwsError ValidationError(std::string message, std::string reason,
                         std::vector<ValidationField> fields) {
  return AwsError{
      400, "ValidationException", std::move(message), std::move(reason), std::move(fields), "", ""};
}

AwsError NotFoundError(std::string message, std::string resource_id, std::string resource_type) {
  return AwsError{404, "ResourceNotFoundException", std::move(message),      "",
                  {},  std::move(resource_id),      std::move(resource_type)};
}

AwsError ConflictError(std::string message, std::string resource_id, std::string resource_type) {
  return AwsError{409, "ConflictException",    std::move(message),      "",
                  {},  std::move(resource_id), std::move(resource_type)};
}

AwsError QuotaExceededError(std::string message, std::string resource_id,
                            std::string resource_type) {
  return AwsError{402, "ServiceQuotaExceededException", std::move(message),      "",
                  {},  std::move(resource_id),          std::move(resource_type)};
}

AwsError AccessDeniedError(std::string message) {
  return AwsError{403, "AccessDeniedException", std::move(message), "", {}, "", ""};
}

AwsError InternalError(std::string message) {
  return AwsError{500, "InternalServerException", std::move(message), "", {}, "", ""};
}

AwsError OrganizationsError(std::string code, std::string message, std::string reason) {
  return AwsError{400, std::move(code), std::move(message), std::move(reason), {}, "", ""};
}

ApiResponse RestJsonError(const AwsError& error) {
  json::Writer w;
  w.BeginObject().Key("message").String(error.message);
  if (error.code == "ValidationException") {
    w.Key("reason").String(error.reason.empty() ? "other" : error.reason);
    if (!error.fields.empty()) {
      w.Key("fieldList").BeginArray();
      for (const ValidationField& field : error.fields) {
        w.BeginObject()
            .Key("name")
            .String(field.name)
            .Key("message")
            .String(field.message)
            .EndObject();
      }
      w.EndArray();
    }
  }
  if (!error.resource_id.empty() || !error.resource_type.empty()) {
    w.Key("resourceId").String(error.resource_id).Key("resourceType").String(error.resource_type);
  }
  w.EndObject();
  return ApiResponse{error.http_status,
                     {{"x-amzn-ErrorType", error.code}, {"Content-Type", "application/json"}},
                     std::move(w).Take()};
}

ApiResponse Json11Error(const AwsError& error) {
  json::Writer w;
  w.BeginObject().Key("__type").String(error.code).Key("Message").String(error.message);
  if (!error.reason.empty()) w.Key("Reason").String(error.reason);
  w.EndObject();
  return ApiResponse{
      error.http_status,
      {{"x-amzn-ErrorType", error.code}, {"Content-Type", "application/x-amz-json-1.1"}},
      std::move(w).Take()};
}

RequestReader::RequestReader(std::string_view body) {
  parsed_ = json::Parse(body.empty() ? std::string("{}") : std::string(body));
  parse_error_ = !parsed_.ok() || !parsed_.document.root().is_object();
}

std::optional<json::Value> RequestReader::Member(std::string_view name) {
  if (parse_error_) return std::nullopt;
  std::optional<json::Value> value = parsed_.document.root().Find(name);
  if (value && value->is_null()) return std::nullopt;
  return value;
}

std::optional<std::string> RequestReader::String(std::string_view name, bool required) {
  std::optional<json::Value> value = Member(name);
  if (!value) {
    if (required && !parse_error_) Violation(name, "Member must not be null");
    return std::nullopt;
  }
  if (!value->is_string()) {
    Violation(name, "Member must be a string");
    return std::nullopt;
  }
  return std::string(value->text());
}

std::optional<bool> RequestReader::Bool(std::string_view name) {
  std::optional<json::Value> value = Member(name);
  if (!value) return std::nullopt;
  if (!value->is_bool()) {
    Violation(name, "Member must be a boolean");
    return std::nullopt;
  }
  return value->boolean();
}

std::optional<int64_t> RequestReader::Int(std::string_view name) {
  std::optional<json::Value> value = Member(name);
  if (!value) return std::nullopt;
  if (!value->is_number()) {
    Violation(name, "Member must be an integer");
    return std::nullopt;
  }
  std::string text(value->text());
  char* end = nullptr;
  errno = 0;
  long long number = std::strtoll(text.c_str(), &end, 10);
  if (end == nullptr || *end != '\0') {
    Violation(name, "Member must be an integer");
    return std::nullopt;
  }
  // The models' Integer is 32 bits: a larger number is malformed, not clamped.
  if (errno == ERANGE || number < INT32_MIN || number > INT32_MAX) {
    Violation(name, "Member must be a 32-bit integer");
    return std::nullopt;
  }
  return number;
}

std::optional<std::vector<std::string>> RequestReader::Strings(std::string_view name,
                                                               bool required) {
  std::optional<json::Value> value = Member(name);
  if (!value) {
    if (required && !parse_error_) Violation(name, "Member must not be null");
    return std::nullopt;
  }
  if (!value->is_array()) {
    Violation(name, "Member must be a list of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (json::Value element : value->children()) {
    if (!element.is_string()) {
      Violation(name, "Member must be a list of strings");
      return std::nullopt;
    }
    out.emplace_back(element.text());
  }
  return out;
}

std::optional<std::vector<std::pair<std::string, std::string>>> RequestReader::StringMap(
    std::string_view name, bool required) {
  std::optional<json::Value> value = Member(name);
  if (!value) {
    if (required && !parse_error_) Violation(name, "Member must not be null");
    return std::nullopt;
  }
  if (!value->is_object()) {
    Violation(name, "Member must be a map of strings");
    return std::nullopt;
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (json::Value member : value->members()) {
    if (!member.is_string()) {
      Violation(name, "Member must be a map of strings");
      return std::nullopt;
    }
    out.emplace_back(std::string(member.key()), std::string(member.text()));
  }
  return out;
}

void RequestReader::Violation(std::string_view name, std::string_view constraint) {
  fields_.push_back(ValidationField{std::string(name), std::string(constraint)});
}

void RequestReader::AddIssues(std::string_view name, const std::vector<base::Issue>& issues) {
  for (const base::Issue& issue : issues) {
    if (issue.severity != base::Severity::kError) continue;
    Violation(name, issue.message);
  }
}

AwsError RequestReader::FieldError(std::string_view name, std::string_view constraint) {
  RequestReader reader("");
  reader.Violation(name, constraint);
  return reader.error();
}

AwsError RequestReader::error() const {
  if (parse_error_) {
    std::string message =
        parsed_.issues.empty()
            ? "The request body must be a JSON object"
            : base::Concat("Could not parse the request body: ", parsed_.issues.front().message);
    return ValidationError(message, "cannotParse");
  }
  std::string message =
      base::Concat(fields_.size(), fields_.size() == 1 ? " validation error" : " validation errors",
                   " detected: ");
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i > 0) message += "; ";
    message += base::Concat("Value at '", fields_[i].name,
                            "' failed to satisfy constraint: ", fields_[i].message);
  }
  return ValidationError(message, "fieldValidationFailed", fields_);
}

namespace {

bool MatchesName(std::string_view name, bool underscore_first) {
  if (name.empty() || name.size() > 255) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!alpha(name[0]) && !(underscore_first && name[0] == '_')) return false;
  for (char c : name.substr(1)) {
    if (!alpha(c) && !digit(c) && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

}  // namespace

bool MatchesAnalyzerName(std::string_view name) { return MatchesName(name, true); }
bool MatchesRuleName(std::string_view name) { return MatchesName(name, false); }

}  // namespace perimeter::api
