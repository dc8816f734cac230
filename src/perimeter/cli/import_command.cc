#include "perimeter/cli/import_command.h"

#include <httplib.h>

#include <ostream>
#include <string_view>
#include <utility>
#include <vector>

#include "perimeter/api/sigv4/sigv4.h"
#include "perimeter/base/text.h"
#include "perimeter/cli/app.h"
#include "perimeter/cli/input_files.h"
#include "perimeter/json/document.h"

namespace perimeter::cli {

namespace {

constexpr std::string_view kImportPath = "/perimeter/import";

// "http://HOST:PORT" (a trailing "/" allowed) -> "HOST:PORT". Only plain HTTP: the server listens on
// loopback without TLS.
std::optional<std::string> EndpointAuthority(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!base::StartsWithIgnoreAsciiCase(url, kScheme)) return std::nullopt;
  std::string_view rest = url.substr(kScheme.size());
  if (rest.ends_with('/')) rest.remove_suffix(1);
  if (rest.empty() || rest.find('/') != std::string_view::npos) return std::nullopt;
  return std::string(rest);
}

std::string Text(const json::Value& root, std::string_view key) {
  std::optional<json::Value> value = root.Find(key);
  return value && (value->is_string() || value->is_number()) ? std::string(value->text()) : std::string();
}

}  // namespace

int RunImport(const ImportOptions& options, std::istream& in, std::ostream& out, std::ostream& err,
              const api::sigv4::CredentialSources& sources, const base::Clock& clock) {
  std::optional<std::string> authority = EndpointAuthority(options.endpoint_url);
  if (!authority) {
    err << "perimeter import: --endpoint-url must be http://HOST:PORT (got " << options.endpoint_url << ")\n";
    return kExitBadInput;
  }
  std::string body;
  if (!ReadInput(options.input, in, body, err)) return kExitBadInput;
  absl::StatusOr<api::sigv4::ResolvedAws> aws = api::sigv4::ResolveAws(options.profile, options.region, sources);
  if (!aws.ok()) {
    err << "perimeter import: " << aws.status().message() << "\n";
    return kExitBadInput;
  }
  const api::sigv4::AwsCredentials& credentials = aws->credentials;
  std::string region = aws->region.value_or("us-east-1");

  std::vector<std::pair<std::string, std::string>> headers{{"Host", *authority}};
  if (!credentials.session_token.empty()) headers.emplace_back("X-Amz-Security-Token", credentials.session_token);
  api::sigv4::Credential key{credentials.access_key_id, credentials.secret_access_key, "", ""};
  api::sigv4::Sign("POST", kImportPath, "", headers, body, key, region, "access-analyzer", clock.Now());

  httplib::Client client(base::Concat("http://", *authority));
  client.set_connection_timeout(10);
  client.set_read_timeout(600);  // a large inventory is stored in one transaction
  client.set_write_timeout(600);
  httplib::Headers http_headers;
  for (auto& [name, value] : headers) http_headers.emplace(name, value);
  httplib::Result result = client.Post(std::string(kImportPath), http_headers, body, "application/json");
  if (!result) {
    err << "perimeter import: cannot reach " << options.endpoint_url << ": " << httplib::to_string(result.error())
        << "\n";
    return kExitBadInput;
  }
  json::ParseResult reply = json::Parse(result->body);
  if (!reply.ok() || !reply.document.root().is_object()) {
    err << "perimeter import: " << options.endpoint_url << " answered HTTP " << result->status
        << " with a body that is not JSON\n";
    return kExitBadInput;
  }
  json::Value root = reply.document.root();
  if (result->status != 200) {
    std::string code = result->get_header_value("x-amzn-ErrorType");
    if (code.empty()) code = Text(root, "__type");
    std::string message = Text(root, "message");
    if (message.empty()) message = Text(root, "Message");
    err << "perimeter import: " << options.endpoint_url << " refused the import (HTTP " << result->status << " "
        << code << "): " << message << "\n";
    return kExitBadInput;
  }
  std::string name = options.input == "-" ? "<stdin>" : options.input;
  if (std::optional<json::Value> issues = root.Find("issues"); issues && issues->is_array()) {
    for (json::Value issue : issues->children()) {
      err << name << ":" << Text(issue, "line") << ":" << Text(issue, "column") << ": " << Text(issue, "severity")
          << ": " << Text(issue, "message") << " [" << Text(issue, "code") << "]\n";
    }
  }
  std::string imported = Text(root, "imported");
  std::string skipped = Text(root, "skipped");
  out << "imported " << imported << " record(s) from " << name << " into " << options.endpoint_url << " as "
      << credentials.access_key_id << " (" << credentials.source << ")";
  if (!skipped.empty() && skipped != "0") out << "; " << skipped << " record(s) skipped";
  out << "\n";
  return skipped.empty() || skipped == "0" ? kExitOk : kExitBadInput;
}

}  // namespace perimeter::cli
