#include "perimeter/api/sigv4/shared_credentials.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "perimeter/base/text.h"

namespace perimeter::api::sigv4 {

namespace {

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

std::string HomePath(const CredentialEnvironment& environment, std::string_view relative) {
  std::optional<std::string> home = environment.getenv("HOME");
  return base::Concat(home ? *home : std::string("."), "/", relative);
}

struct Files {
  std::string credentials_path;
  std::string config_path;
  IniSections credentials;
  IniSections config;
};

Files ReadFiles(const CredentialEnvironment& environment) {
  Files files;
  std::optional<std::string> credentials = environment.getenv("AWS_SHARED_CREDENTIALS_FILE");
  std::optional<std::string> config = environment.getenv("AWS_CONFIG_FILE");
  files.credentials_path = credentials ? *credentials : HomePath(environment, ".aws/credentials");
  files.config_path = config ? *config : HomePath(environment, ".aws/config");
  if (std::optional<std::string> text = environment.read_file(files.credentials_path)) {
    files.credentials = ParseAwsIni(*text);
  }
  if (std::optional<std::string> text = environment.read_file(files.config_path)) files.config = ParseAwsIni(*text);
  return files;
}

const std::map<std::string, std::string>* ConfigSection(const Files& files, const std::string& profile) {
  auto it = files.config.find(profile == "default" ? profile : base::Concat("profile ", profile));
  if (it == files.config.end() && profile == "default") it = files.config.find("profile default");
  return it == files.config.end() ? nullptr : &it->second;
}

std::string Get(const std::map<std::string, std::string>* section, const std::string& key) {
  if (section == nullptr) return "";
  auto it = section->find(key);
  return it == section->end() ? "" : it->second;
}

}  // namespace

IniSections ParseAwsIni(std::string_view text) {
  IniSections sections;
  std::map<std::string, std::string>* current = nullptr;
  while (!text.empty()) {
    size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    bool indented = !line.empty() && (line.front() == ' ' || line.front() == '\t');
    line = Trim(line);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      size_t close = line.find(']');
      if (close == std::string_view::npos) {
        current = nullptr;
        continue;
      }
      current = &sections[std::string(Trim(line.substr(1, close - 1)))];
      continue;
    }
    if (current == nullptr || indented) continue;
    size_t equals = line.find('=');
    if (equals == std::string_view::npos) continue;
    (*current)[base::AsciiLower(Trim(line.substr(0, equals)))] = std::string(Trim(line.substr(equals + 1)));
  }
  return sections;
}

CredentialEnvironment SystemCredentialEnvironment() {
  CredentialEnvironment environment;
  environment.getenv = [](const std::string& name) -> std::optional<std::string> {
    const char* value = std::getenv(name.c_str());
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
  environment.read_file = [](const std::string& path) -> std::optional<std::string> {
    std::ifstream file(path, std::ios::binary);
    if (!file) return std::nullopt;
    std::ostringstream buffer;
    buffer << file.rdbuf();
    return std::move(buffer).str();
  };
  return environment;
}

absl::StatusOr<ClientCredentials> ResolveClientCredentials(const std::optional<std::string>& profile,
                                                           const CredentialEnvironment& environment) {
  Files files = ReadFiles(environment);
  std::optional<std::string> env_profile = environment.getenv("AWS_PROFILE");
  std::string profile_name = profile ? *profile : env_profile ? *env_profile : "default";
  const std::map<std::string, std::string>* config = ConfigSection(files, profile_name);

  ClientCredentials credentials;
  if (std::optional<std::string> region = environment.getenv("AWS_REGION")) {
    credentials.region = *region;
  } else if (std::optional<std::string> default_region = environment.getenv("AWS_DEFAULT_REGION")) {
    credentials.region = *default_region;
  } else {
    credentials.region = Get(config, "region");
  }
  if (credentials.region.empty()) credentials.region = "us-east-1";

  std::optional<std::string> key = environment.getenv("AWS_ACCESS_KEY_ID");
  std::optional<std::string> secret = environment.getenv("AWS_SECRET_ACCESS_KEY");
  if (!profile && key && secret) {
    credentials.access_key_id = *key;
    credentials.secret_access_key = *secret;
    credentials.session_token = environment.getenv("AWS_SESSION_TOKEN").value_or("");
    credentials.source = "environment";
    return credentials;
  }
  // The credentials file first, then the config file (the CLI reads keys from both).
  auto from_credentials = files.credentials.find(profile_name);
  const std::map<std::string, std::string>* section =
      from_credentials == files.credentials.end() ? nullptr : &from_credentials->second;
  std::string where = files.credentials_path;
  if (Get(section, "aws_access_key_id").empty()) {
    section = config;
    where = files.config_path;
  }
  credentials.access_key_id = Get(section, "aws_access_key_id");
  credentials.secret_access_key = Get(section, "aws_secret_access_key");
  credentials.session_token = Get(section, "aws_session_token");
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return absl::NotFoundError(base::Concat("no credentials for profile ", profile_name, " in ",
                                            files.credentials_path, " or ", files.config_path,
                                            profile ? "" : " (nor AWS_ACCESS_KEY_ID in the environment)"));
  }
  credentials.source = base::Concat("profile ", profile_name, " (", where, ")");
  return credentials;
}

}  // namespace perimeter::api::sigv4
