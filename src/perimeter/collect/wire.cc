#include "perimeter/collect/wire.h"

#include "absl/status/status.h"
#include "perimeter/aws/sigv4/sigv4.h"
#include "perimeter/base/text.h"

namespace perimeter::collect {

std::string Encode(std::string_view text) { return aws::sigv4::UriEncode(text, false); }

ServiceCall QueryCall(aws::AwsService service, std::string_view version, std::string_view operation,
                      std::string_view iam_action, const FormParameters& parameters) {
  std::string body = base::Concat("Action=", operation, "&Version=", version);
  for (const auto& [name, value] : parameters)
    body += base::Concat("&", Encode(name), "=", Encode(value));
  return ServiceCall{service,
                     std::string(operation),
                     std::string(iam_action),
                     {"POST",
                      "/",
                      {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}},
                      std::move(body)}};
}

ServiceCall JsonCall(aws::AwsService service, std::string_view target_prefix,
                     std::string_view json_version, std::string_view operation,
                     std::string_view iam_action, std::string body) {
  return ServiceCall{service,
                     std::string(operation),
                     std::string(iam_action),
                     {"POST",
                      "/",
                      {{"Content-Type", base::Concat("application/x-amz-json-", json_version)},
                       {"X-Amz-Target", base::Concat(target_prefix, ".", operation)}},
                      std::move(body)}};
}

ServiceCall RestCall(aws::AwsService service, std::string_view operation,
                     std::string_view iam_action, std::string_view method, std::string target,
                     std::string body) {
  ServiceCall call{service,
                   std::string(operation),
                   std::string(iam_action),
                   {std::string(method), std::move(target), {}, std::move(body)}};
  if (!call.request.body.empty())
    call.request.headers.emplace_back("Content-Type", "application/json");
  return call;
}

absl::StatusOr<json::Document> JsonBody(const aws::HttpResponse& response,
                                        std::string_view operation) {
  json::ParseResult parsed = json::Parse(response.body);
  if (!parsed.ok() || !parsed.document.root().is_object()) {
    return absl::DataLossError(base::Concat(operation, ": the answer is not a JSON object"));
  }
  return std::move(parsed.document);
}

absl::StatusOr<std::unique_ptr<XmlElement>> XmlBody(const aws::HttpResponse& response,
                                                    std::string_view operation) {
  absl::StatusOr<std::unique_ptr<XmlElement>> parsed = ParseXml(response.body);
  if (!parsed.ok()) {
    return absl::DataLossError(
        base::Concat(operation, ": ", std::string(parsed.status().message())));
  }
  return parsed;
}

std::string JsonString(const json::Value& object, std::string_view key) {
  if (!object.is_object()) return "";
  std::optional<json::Value> value = object.Find(key);
  return value && value->is_string() ? std::string(value->text()) : "";
}

std::vector<json::Value> JsonArray(const json::Value& object, std::string_view key) {
  std::vector<json::Value> out;
  if (!object.is_object()) return out;
  std::optional<json::Value> value = object.Find(key);
  if (!value || !value->is_array()) return out;
  for (json::Value child : value->children()) out.push_back(child);
  return out;
}

}  // namespace perimeter::collect
