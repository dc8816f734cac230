#include "perimeter/aws/client/credentials.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"

namespace perimeter::aws {

namespace {

std::string_view Trim(std::string_view text) {
  size_t begin = text.find_first_not_of(" \t\r");
  if (begin == std::string_view::npos) return {};
  size_t end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

constexpr std::string_view kUnsupportedKeys[] = {"role_arn", "credential_process", "sso_session",
                                                 "sso_start_url", "web_identity_token_file"};

}  // namespace

absl::StatusOr<IniFile> ParseIni(std::string_view text, std::string_view source_name) {
  IniFile ini;
  std::map<std::string, std::string>* section = nullptr;
  std::string last_key;  // the last key of `section`, which indented lines continue
  size_t line_number = 0;
  while (!text.empty()) {
    size_t newline = text.find('\n');
    std::string_view raw = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
    ++line_number;
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    // An indented line continues the previous key's nested value (`s3 =` followed by sub-keys),
    // kept as "parent.sub-key" (the `services` sections' `s3 =\n  endpoint_url = ...`).
    if (raw.front() == ' ' || raw.front() == '\t') {
      if (section != nullptr) {
        size_t nested_equals = line.find('=');
        if (!last_key.empty() && nested_equals != std::string_view::npos) {
          (*section)[base::Concat(last_key, ".",
                                  base::AsciiLower(Trim(line.substr(0, nested_equals))))] =
              std::string(Trim(line.substr(nested_equals + 1)));
        }
        continue;
      }
    }
    if (line.front() == '[') {
      if (line.back() != ']') {
        return absl::InvalidArgumentError(
            base::Concat(source_name, ":", line_number, ": a section header must end with ']'"));
      }
      section = &ini[std::string(Trim(line.substr(1, line.size() - 2)))];
      last_key.clear();
      continue;
    }
    size_t equals = line.find('=');
    if (equals == std::string_view::npos) {
      return absl::InvalidArgumentError(
          base::Concat(source_name, ":", line_number, ": expected `key = value` or `[section]`"));
    }
    if (section == nullptr) {
      return absl::InvalidArgumentError(
          base::Concat(source_name, ":", line_number, ": a key before any [section]"));
    }
    std::string_view value = Trim(line.substr(equals + 1));
    // Inline comments need a space before the mark, as in the AWS CLI's parser.
    for (std::string_view mark : {" #", " ;", "\t#", "\t;"}) {
      size_t at = value.find(mark);
      if (at != std::string_view::npos) value = Trim(value.substr(0, at));
    }
    // configparser lower-cases option names: `AWS_ACCESS_KEY_ID = ...` is read as
    // aws_access_key_id.
    last_key = base::AsciiLower(Trim(line.substr(0, equals)));
    (*section)[last_key] = std::string(value);
  }
  return ini;
}

CredentialSources CredentialSources::System() {
  CredentialSources sources;
  sources.getenv = [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    if (value == nullptr || *value == '\0') return std::nullopt;
    return std::string(value);
  };
  sources.read_file = [](const std::string& path) -> std::optional<std::string> {
    std::ifstream file(path, std::ios::binary);
    if (!file) return std::nullopt;
    std::ostringstream buffer;
    buffer << file.rdbuf();
    return std::move(buffer).str();
  };
  return sources;
}

namespace {

struct LoadedIni {
  std::string path;
  std::optional<IniFile> ini;  // nullopt: the file does not exist
};

absl::StatusOr<LoadedIni> Load(const CredentialSources& sources, const char* variable,
                               std::string_view default_name) {
  LoadedIni loaded;
  if (std::optional<std::string> path = sources.getenv(variable)) {
    loaded.path = *path;
  } else {
    std::optional<std::string> home = sources.getenv("HOME");
    loaded.path = base::Concat(home.value_or(""), "/.aws/", default_name);
  }
  std::optional<std::string> text = sources.read_file(loaded.path);
  if (!text) return loaded;
  ASSIGN_OR_RETURN(loaded.ini, ParseIni(*text, loaded.path));
  return loaded;
}

const std::map<std::string, std::string>* Section(const LoadedIni& file, const std::string& name) {
  if (!file.ini) return nullptr;
  auto it = file.ini->find(name);
  return it == file.ini->end() ? nullptr : &it->second;
}

std::optional<std::string> Get(const std::map<std::string, std::string>* section,
                               const std::string& key) {
  if (section == nullptr) return std::nullopt;
  auto it = section->find(key);
  if (it == section->end() || it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace

absl::StatusOr<ResolvedAws> ResolveAws(const std::optional<std::string>& profile,
                                       const std::optional<std::string>& region,
                                       const CredentialSources& sources) {
  ResolvedAws resolved;
  if (profile) {
    resolved.profile = *profile;
  } else if (std::optional<std::string> env = sources.getenv("AWS_PROFILE")) {
    resolved.profile = *env;
  } else if (std::optional<std::string> env_default = sources.getenv("AWS_DEFAULT_PROFILE")) {
    resolved.profile = *env_default;
  } else {
    resolved.profile = "default";
  }
  ASSIGN_OR_RETURN(LoadedIni credentials_file,
                   Load(sources, "AWS_SHARED_CREDENTIALS_FILE", "credentials"));
  ASSIGN_OR_RETURN(LoadedIni config_file, Load(sources, "AWS_CONFIG_FILE", "config"));
  const auto* credentials_section = Section(credentials_file, resolved.profile);
  std::string config_name =
      resolved.profile == "default" ? "default" : base::Concat("profile ", resolved.profile);
  if (config_name == "default" && Section(config_file, config_name) == nullptr)
    config_name = "profile default";
  const auto* config_section = Section(config_file, config_name);

  // Region.
  if (region) {
    resolved.region = *region;
  } else if (std::optional<std::string> env = sources.getenv("AWS_REGION")) {
    resolved.region = *env;
  } else if (std::optional<std::string> env_default = sources.getenv("AWS_DEFAULT_REGION")) {
    resolved.region = *env_default;
  } else {
    resolved.region = Get(config_section, "region");
  }

  // Keys: the environment wins unless --profile names a profile explicitly.
  std::optional<std::string> env_key = sources.getenv("AWS_ACCESS_KEY_ID");
  std::optional<std::string> env_secret = sources.getenv("AWS_SECRET_ACCESS_KEY");
  if (!profile && env_key && env_secret) {
    resolved.credentials = {*env_key, *env_secret, sources.getenv("AWS_SESSION_TOKEN").value_or(""),
                            "environment"};
    return resolved;
  }
  struct Candidate {
    const std::map<std::string, std::string>* section;
    std::string source;
  };
  for (const Candidate& candidate :
       {Candidate{credentials_section,
                  base::Concat(credentials_file.path, " [", resolved.profile, "]")},
        Candidate{config_section, base::Concat(config_file.path, " [", config_name, "]")}}) {
    std::optional<std::string> key = Get(candidate.section, "aws_access_key_id");
    std::optional<std::string> secret = Get(candidate.section, "aws_secret_access_key");
    if (key && secret) {
      resolved.credentials = {*key, *secret,
                              Get(candidate.section, "aws_session_token").value_or(""),
                              candidate.source};
      return resolved;
    }
    if (key || secret) {
      return absl::InvalidArgumentError(base::Concat(
          candidate.source, ": has ", key ? "aws_access_key_id" : "aws_secret_access_key",
          " without ", key ? "aws_secret_access_key" : "aws_access_key_id"));
    }
    for (std::string_view unsupported : kUnsupportedKeys) {
      if (Get(candidate.section, std::string(unsupported))) {
        return absl::InvalidArgumentError(base::Concat(
            candidate.source, ": credentials from `", unsupported,
            "` are not supported; export the keys (for example `aws configure export-credentials "
            "--format env`) or use a profile with aws_access_key_id"));
      }
    }
  }
  return absl::NotFoundError(base::Concat("no AWS credentials for profile `", resolved.profile,
                                          "` (looked at ", profile ? "" : "AWS_ACCESS_KEY_ID, ",
                                          credentials_file.path, " and ", config_file.path, ")"));
}

}  // namespace perimeter::aws
