// The credentials and region a client signs with, found the way the AWS CLI and SDKs find them
// (AWS CLI User Guide, "Configuration and credential file settings" and "Environment variables"):
//
//  1. an explicit profile (--profile) is read from the shared credentials file, then from the config
//     file's `[profile NAME]` section (`[default]` for the default profile);
//  2. otherwise AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY from the environment;
//  3. otherwise the profile named by AWS_PROFILE, or `default`, as in 1.
// The credentials file is AWS_SHARED_CREDENTIALS_FILE or ~/.aws/credentials; the config file is
// AWS_CONFIG_FILE or ~/.aws/config. The region: AWS_REGION, AWS_DEFAULT_REGION, the profile's
// `region` in the config file, else us-east-1.
//
// Only static keys are supported (no SSO, assume-role or process credentials): Perimeter's server
// knows static access keys only.
#ifndef PERIMETER_API_SIGV4_SHARED_CREDENTIALS_H_
#define PERIMETER_API_SIGV4_SHARED_CREDENTIALS_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace perimeter::api::sigv4 {

// Sections of an AWS INI file: section name -> (key -> value). Keys are lower-cased; values are
// trimmed. Comments (# and ;) and lines outside a section are ignored; nested (indented) settings
// such as `s3 =` sub-sections are skipped.
using IniSections = std::map<std::string, std::map<std::string, std::string>>;
IniSections ParseAwsIni(std::string_view text);

struct ClientCredentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // "" when none
  std::string region;
  std::string source;  // where the keys came from, for messages: "environment", "profile Security (FILE)"
};

// What the resolution reads, injected so that tests are hermetic.
struct CredentialEnvironment {
  std::function<std::optional<std::string>(const std::string& name)> getenv;
  // The file's text; nullopt when it cannot be read.
  std::function<std::optional<std::string>(const std::string& path)> read_file;
};

// The process's environment and file system.
CredentialEnvironment SystemCredentialEnvironment();

// Resolves credentials as above. `profile`: the --profile option, if given. Errors (NotFound) name the
// profile and the files looked at.
absl::StatusOr<ClientCredentials> ResolveClientCredentials(const std::optional<std::string>& profile,
                                                           const CredentialEnvironment& environment);

}  // namespace perimeter::api::sigv4

#endif  // PERIMETER_API_SIGV4_SHARED_CREDENTIALS_H_
