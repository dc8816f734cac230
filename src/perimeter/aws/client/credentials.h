// The credentials and region a client signs with (`perimeter import`, `perimeter compliance`),
// found the way the AWS CLI finds them ("Configuration and credential file settings" and
// "Environment variables to configure the AWS CLI", AWS CLI User Guide):
//  - profile: --profile, else AWS_PROFILE, else AWS_DEFAULT_PROFILE, else "default";
//  - keys: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN when --profile is not
//  given,
//    else the profile's section in the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, else
//    ~/.aws/credentials: `[name]`), else in the config file (AWS_CONFIG_FILE, else ~/.aws/config:
//    `[profile name]`; `[default]`, or `[profile default]` without it);
//  - region: --region, else AWS_REGION, else AWS_DEFAULT_REGION, else the profile's `region` in the
//  config
//    file; nullopt when none says.
// Only static keys: profiles that obtain keys another way (role_arn, credential_process, sso_*,
// web_identity_token_file) are reported as unsupported, naming the key, rather than silently
// skipped.
#ifndef PERIMETER_AWS_CLIENT_CREDENTIALS_H_
#define PERIMETER_AWS_CLIENT_CREDENTIALS_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace perimeter::aws {

// One INI file: section name -> key -> value, as the AWS CLI (Python's configparser) reads it:
// comments start with # or ;, an inline comment needs a blank before its mark, section names and
// values are trimmed, keys are trimmed and lower-cased, and indented lines continue a nested value
// (`s3 =` followed by sub-keys), which is ignored here.
using IniFile = std::map<std::string, std::map<std::string, std::string>>;

// Parses `text`; an error (InvalidArgument) names `source_name`:LINE for a line that is neither a
// section, a key = value, a comment nor a continuation, and for a key before any section.
absl::StatusOr<IniFile> ParseIni(std::string_view text, std::string_view source_name);

struct AwsCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // "" when none
  std::string source;         // "environment", "/home/u/.aws/credentials [prod]", for messages
};

struct ResolvedAws {
  AwsCredentials credentials;
  std::optional<std::string> region;
  std::string profile;
};

// What the resolution reads: the environment and files, behind functions so tests are hermetic.
struct CredentialSources {
  std::function<std::optional<std::string>(const char* name)> getenv;  // nullopt: unset or empty
  std::function<std::optional<std::string>(const std::string& path)> read_file;  // nullopt: missing
  // The process's: std::getenv and the file system, HOME for ~.
  static CredentialSources System();
};

// Resolves credentials and region. `profile` and `region` are the command-line flags (nullopt: not
// given). Errors: NotFound when no source has keys for the profile (naming the files looked at),
// InvalidArgument for an unreadable file, half a key pair, or an unsupported way of getting keys.
absl::StatusOr<ResolvedAws> ResolveAws(const std::optional<std::string>& profile,
                                       const std::optional<std::string>& region,
                                       const CredentialSources& sources);

}  // namespace perimeter::aws

#endif  // PERIMETER_AWS_CLIENT_CREDENTIALS_H_
