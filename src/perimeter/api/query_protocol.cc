#include "perimeter/api/query_protocol.h"

#include <cctype>

#include "perimeter/aws/sigv4/sigv4.h"
#include "perimeter/base/text.h"

namespace perimeter::api {
namespace {

// Decodes one name or value ('+' is a space, then sigv4's %XX decoding); nullopt for a malformed
// escape, which the shared decoder would keep verbatim.
std::optional<std::string> DecodeComponent(std::string_view text) {
  std::string spaced(text);
  for (size_t i = 0; i < spaced.size(); ++i) {
    if (spaced[i] == '+') spaced[i] = ' ';
    if (spaced[i] != '%') continue;
    if (i + 2 >= spaced.size() || !std::isxdigit(static_cast<unsigned char>(spaced[i + 1])) ||
        !std::isxdigit(static_cast<unsigned char>(spaced[i + 2]))) {
      return std::nullopt;
    }
  }
  return aws::sigv4::UriDecode(spaced);
}

AwsError Malformed(std::string message) {
  return QueryProtocolError(404, "MalformedQueryString", std::move(message));
}

}  // namespace

AwsError QueryProtocolError(int status, std::string code, std::string message) {
  return AwsError{status, std::move(code), std::move(message), "", {}, "", ""};
}

std::variant<FormParameters, AwsError> DecodeForm(std::string_view text) {
  FormParameters form;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('&', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view pair = text.substr(start, end - start);
    start = end + 1;
    if (pair.empty()) continue;
    if (form.size() == kMaxFormParameters) {
      return Malformed(
          base::Concat("The request has more than ", kMaxFormParameters, " parameters."));
    }
    size_t equals = pair.find('=');
    std::optional<std::string> name = DecodeComponent(pair.substr(0, equals));
    std::optional<std::string> value = equals == std::string_view::npos
                                           ? std::optional<std::string>("")
                                           : DecodeComponent(pair.substr(equals + 1));
    if (!name || !value) {
      return Malformed("The query string contains a malformed percent-encoding.");
    }
    if (name->size() > kMaxFormNameBytes) {
      return Malformed(
          base::Concat("A parameter name is longer than ", kMaxFormNameBytes, " bytes."));
    }
    form.emplace_back(std::move(*name), std::move(*value));
  }
  return form;
}

std::variant<FormParameters, AwsError> QueryParameters(const QueryRequest& request) {
  auto query = DecodeForm(request.raw_query);
  if (auto* error = std::get_if<AwsError>(&query)) return *error;
  FormParameters parameters = std::get<FormParameters>(std::move(query));
  std::string_view type = request.content_type.substr(0, request.content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) type.remove_prefix(1);
  if (base::EqualsIgnoreAsciiCase(type, "application/x-www-form-urlencoded")) {
    auto form = DecodeForm(request.body);
    if (auto* error = std::get_if<AwsError>(&form)) return *error;
    for (auto& parameter : std::get<FormParameters>(form)) {
      if (parameters.size() == kMaxFormParameters) {
        return Malformed(
            base::Concat("The request has more than ", kMaxFormParameters, " parameters."));
      }
      parameters.push_back(std::move(parameter));
    }
  }
  return parameters;
}

std::variant<QueryCall, ApiResponse> ReadQueryCall(const QueryRequest& request,
                                                   std::string_view version,
                                                   std::string_view xml_namespace,
                                                   std::string_view request_id) {
  auto refuse = [&](std::string code, std::string message) {
    return QueryError(QueryProtocolError(400, std::move(code), std::move(message)), xml_namespace,
                      request_id);
  };
  if (request.method != "GET" && request.method != "POST") {
    return refuse("InvalidAction",
                  base::Concat("The query protocol answers GET and POST requests, not ",
                               request.method, "."));
  }
  auto parameters = QueryParameters(request);
  if (auto* error = std::get_if<AwsError>(&parameters)) {
    return QueryError(*error, xml_namespace, request_id);
  }
  QueryCall call{"", std::get<FormParameters>(std::move(parameters))};
  std::optional<std::string_view> action = FormValue(call.parameters, "Action");
  if (!action || action->empty()) {
    return refuse("MissingAction", "The request must contain the parameter Action.");
  }
  call.action = std::string(*action);
  std::optional<std::string_view> asked = FormValue(call.parameters, "Version");
  if (!asked || asked->empty()) {
    return refuse("MissingParameter", "The request must contain the parameter Version.");
  }
  if (*asked != version) {
    return refuse("InvalidAction",
                  base::Concat("Could not find operation ", call.action, " for version ", *asked));
  }
  return call;
}

std::optional<std::string_view> FormValue(const FormParameters& form, std::string_view name) {
  for (const auto& [key, value] : form) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string XmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\r':
        out += "&#xD;";  // kept: a literal CR would be normalized away by the reader
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n') {
          out += "\xEF\xBF\xBD";  // U+FFFD: XML 1.0 has no way to write this character
        } else {
          out.push_back(c);
        }
    }
  }
  return out;
}

std::string XmlElement(std::string_view name, std::string_view text) {
  return base::Concat("<", name, ">", XmlEscape(text), "</", name, ">");
}

ApiResponse QueryResponse(std::string_view action, std::string_view xml_namespace,
                          std::string_view result_xml, std::string_view request_id) {
  ApiResponse response;
  response.status = 200;
  response.headers = {{"Content-Type", "text/xml"}, {"x-amzn-RequestId", std::string(request_id)}};
  response.body = base::Concat("<", action, "Response xmlns=\"", XmlEscape(xml_namespace), "\">\n",
                               "  <", action, "Result>\n", result_xml, "  </", action, "Result>\n",
                               "  <ResponseMetadata>\n    ", XmlElement("RequestId", request_id),
                               "\n  </ResponseMetadata>\n", "</", action, "Response>\n");
  return response;
}

ApiResponse QueryError(const AwsError& error, std::string_view xml_namespace,
                       std::string_view request_id) {
  ApiResponse response;
  response.status = error.http_status;
  response.headers = {{"Content-Type", "text/xml"},
                      {"x-amzn-RequestId", std::string(request_id)},
                      {"x-amzn-ErrorType", error.code}};
  std::string_view type = error.http_status >= 500 ? "Receiver" : "Sender";
  response.body =
      base::Concat("<ErrorResponse xmlns=\"", XmlEscape(xml_namespace), "\">\n", "  <Error>\n    ",
                   XmlElement("Type", type), "\n    ", XmlElement("Code", error.code), "\n    ",
                   XmlElement("Message", error.message), "\n  </Error>\n  ",
                   XmlElement("RequestId", request_id), "\n</ErrorResponse>\n");
  return response;
}

}  // namespace perimeter::api
