// The AWS SDKs' default credential chain ("Standardized credential providers", AWS SDKs and Tools
// Reference Guide; "Configuration and credential file settings", AWS CLI User Guide), in two
// halves: ResolveProfile decides from the environment and the shared files *how* keys are obtained
// (pure, given CredentialSources), and ObtainCredentials obtains them (STS, the container or the
// instance metadata service, through an HttpTransport). First match wins:
//  1. AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY [/ AWS_SESSION_TOKEN] (unless --profile is given);
//  2. the profile (credentials file, then config file): `role_arn` with `source_profile` (keys of
//     that profile, itself resolved the same way; chains are followed, loops are an error) or
//     `credential_source` (Environment, Ec2InstanceMetadata, EcsContainer) -> sts:AssumeRole with
//     `external_id`, `role_session_name`, `duration_seconds`; `role_arn` with
//     `web_identity_token_file` -> sts:AssumeRoleWithWebIdentity (unsigned); static
//     aws_access_key_id / aws_secret_access_key [/ aws_session_token];
//  3. AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE (+ AWS_ROLE_SESSION_NAME): web identity;
//  4. the container provider: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI (on http://169.254.170.2) or
//     AWS_CONTAINER_CREDENTIALS_FULL_URI, with the Authorization header from
//     AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE or AWS_CONTAINER_AUTHORIZATION_TOKEN;
//  5. the instance metadata service, IMDSv2 (a PUT for a session token, then the role's keys),
//     at AWS_EC2_METADATA_SERVICE_ENDPOINT or http://169.254.169.254; skipped when
//     AWS_EC2_METADATA_DISABLED is "true".
// `credential_process` and `sso_*` profiles are reported as unsupported, naming the key.
#ifndef PERIMETER_AWS_CLIENT_CREDENTIAL_CHAIN_H_
#define PERIMETER_AWS_CLIENT_CREDENTIAL_CHAIN_H_

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "perimeter/aws/client/credentials.h"
#include "perimeter/aws/client/endpoints.h"
#include "perimeter/aws/client/http_transport.h"
#include "perimeter/base/clock.h"

namespace perimeter::aws {

enum class CredentialSourceKind {
  kStatic,            // keys as given
  kAssumeRole,        // sts:AssumeRole signed with `source`'s keys
  kWebIdentity,       // sts:AssumeRoleWithWebIdentity with a token file
  kContainer,         // the ECS/EKS container credentials endpoint
  kInstanceMetadata,  // IMDSv2
};

struct CredentialPlan {
  CredentialSourceKind kind = CredentialSourceKind::kStatic;
  std::string description;  // "environment", "/home/u/.aws/config [profile ops]", for messages
  AwsCredentials keys;      // kStatic
  // kAssumeRole, kWebIdentity.
  std::string role_arn;
  std::string role_session_name;
  std::string external_id;                       // kAssumeRole; "" when none
  int duration_seconds = 0;                      // 0: STS's default
  std::shared_ptr<const CredentialPlan> source;  // kAssumeRole
  std::string web_identity_token_file;           // kWebIdentity
  // kContainer: the full URL, and the Authorization value or the file holding it.
  std::string container_url;
  std::string container_token;
  std::string container_token_file;
  std::string metadata_endpoint;  // kInstanceMetadata: "http://169.254.169.254"
};

// A profile as the collector and `perimeter compliance` use it.
struct AwsProfile {
  std::string name;
  std::optional<std::string> region;
  CredentialPlan credentials;
  EndpointSettings endpoints;  // without explicit_url; getenv from the sources
};

// Resolves the profile (`profile`: --profile; nullopt: AWS_PROFILE, AWS_DEFAULT_PROFILE, "default")
// and region (--region, AWS_REGION, AWS_DEFAULT_REGION, the profile's `region`). Errors:
// InvalidArgument for an unreadable file, half a key pair, a `source_profile` loop or missing
// profile, an unsupported provider; NotFound when --profile names a profile that gives no keys.
absl::StatusOr<AwsProfile> ResolveProfile(const std::optional<std::string>& profile,
                                          const std::optional<std::string>& region,
                                          const CredentialSources& sources);

// Obtains keys by `plan`. STS calls go to the STS endpoint of `region` resolved with `endpoints`;
// errors name the step that failed (Unavailable for no answer, the AWS error otherwise).
// REQUIRES: `transport` and `clock` are usable for the duration of the call.
absl::StatusOr<AwsCredentials> ObtainCredentials(
    const CredentialPlan& plan, std::string_view region, const EndpointSettings& endpoints,
    const CredentialSources& sources, HttpTransport& transport, const base::Clock& clock);

// sts:AssumeRole with `caller`'s keys (the collector's step into member accounts). `external_id`
// "" for none.
absl::StatusOr<AwsCredentials> AssumeRole(const AwsCredentials& caller, std::string_view role_arn,
                                          std::string_view session_name,
                                          std::string_view external_id, int duration_seconds,
                                          const ServiceEndpoint& sts, HttpTransport& transport,
                                          const base::Clock& clock);

// The text of the first <name>...</name> inside `xml` with the five predefined entities decoded;
// nullopt when absent. Enough for STS's flat answers.
std::optional<std::string> FirstXmlElement(std::string_view xml, std::string_view name);

}  // namespace perimeter::aws

#endif  // PERIMETER_AWS_CLIENT_CREDENTIAL_CHAIN_H_
