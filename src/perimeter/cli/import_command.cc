#include "perimeter/cli/import_command.h"

#include <memory>
#include <ostream>
#include <string_view>
#include <utility>
#include <vector>

#include "perimeter/aws/client/http_transport.h"
#include "perimeter/aws/client/signed_client.h"
#include "perimeter/base/text.h"
#include "perimeter/cli/app.h"
#include "perimeter/cli/input_files.h"
#include "perimeter/json/document.h"

namespace perimeter::cli {

namespace {

constexpr std::string_view kImportPath = "/perimeter/import";

// "http://HOST:PORT" (a trailing "/" allowed) -> "HOST:PORT". Only plain HTTP: the server listens
// on loopback without TLS.
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
  return value && (value->is_string() || value->is_number()) ? std::string(value->text())
                                                             : std::string();
}

}  // namespace

int RunImport(const ImportOptions& options, std::istream& in, std::ostream& out, std::ostream& err,
              const aws::CredentialSources& sources, const base::Clock& clock) {
  std::optional<std::string> authority = EndpointAuthority(options.endpoint_url);
  if (!authority) {
    err << "perimeter import: --endpoint-url must be http://HOST:PORT (got " << options.endpoint_url
        << ")\n";
    return kExitBadInput;
  }
  std::string body;
  if (!ReadInput(options.input, in, body, err)) return kExitBadInput;
  absl::StatusOr<aws::ResolvedAws> resolved =
      aws::ResolveAws(options.profile, options.region, sources);
  if (!resolved.ok()) {
    err << "perimeter import: " << resolved.status().message() << "\n";
    return kExitBadInput;
  }
  const aws::AwsCredentials& credentials = resolved->credentials;
  std::string region = resolved->region.value_or("us-east-1");

  // The signed client of aws/client: SigV4, and the SDKs' retries of throttling and 5xx answers.
  std::unique_ptr<aws::HttpTransport> transport = aws::MakeHttpTransport(
      {.connect_seconds = 10, .read_seconds = 600});  // one transaction per import
  aws::SignedClient client(*transport, credentials, clock, aws::RetryPolicy{},
                           aws::RetryTiming::System(), "");
  absl::StatusOr<aws::HttpResponse> result = client.Send(
      {base::Concat("http://", *authority), region}, "access-analyzer",
      {"POST", std::string(kImportPath), {{"Content-Type", "application/json"}}, std::move(body)});
  if (!result.ok()) {
    err << "perimeter import: cannot reach " << options.endpoint_url << ": "
        << result.status().message() << "\n";
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
    aws::AwsErrorDetails error = aws::DecodeAwsError(*result);
    err << "perimeter import: " << options.endpoint_url << " refused the import (HTTP "
        << result->status << " " << error.code << "): " << error.message << "\n";
    return kExitBadInput;
  }
  std::string name = options.input == "-" ? "<stdin>" : options.input;
  if (std::optional<json::Value> issues = root.Find("issues"); issues && issues->is_array()) {
    for (json::Value issue : issues->children()) {
      err << name << ":" << Text(issue, "line") << ":" << Text(issue, "column") << ": "
          << Text(issue, "severity") << ": " << Text(issue, "message") << " ["
          << Text(issue, "code") << "]\n";
    }
  }
  std::string imported = Text(root, "imported");
  std::string skipped = Text(root, "skipped");
  out << "imported " << imported << " record(s) from " << name << " into " << options.endpoint_url
      << " as " << credentials.access_key_id << " (" << credentials.source << ")";
  if (!skipped.empty() && skipped != "0") out << "; " << skipped << " record(s) skipped";
  out << "\n";
  return skipped.empty() || skipped == "0" ? kExitOk : kExitBadInput;
}

}  // namespace perimeter::cli
