#include "perimeter/aws/client/credential_chain.h"

#include <set>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "perimeter/aws/client/signed_client.h"
#include "perimeter/aws/sigv4/sigv4.h"
#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"
#include "perimeter/json/document.h"

namespace perimeter::aws {

namespace {

using Section = std::map<std::string, std::string>;

struct Files {
  std::string credentials_path;
  std::string config_path;
  IniFile credentials;
  IniFile config;
};

absl::StatusOr<std::pair<std::string, IniFile>> LoadIni(const CredentialSources& sources,
                                                        const char* variable,
                                                        std::string_view default_name) {
  std::string path;
  if (std::optional<std::string> set = sources.getenv(variable)) {
    path = *set;
  } else {
    path = base::Concat(sources.getenv("HOME").value_or(""), "/.aws/", default_name);
  }
  std::optional<std::string> text = sources.read_file(path);
  if (!text) return std::make_pair(path, IniFile{});
  ASSIGN_OR_RETURN(IniFile ini, ParseIni(*text, path));
  return std::make_pair(path, std::move(ini));
}

const Section* Find(const IniFile& ini, const std::string& name) {
  auto it = ini.find(name);
  return it == ini.end() ? nullptr : &it->second;
}

std::optional<std::string> Get(const Section* section, std::string_view key) {
  if (section == nullptr) return std::nullopt;
  auto it = section->find(std::string(key));
  if (it == section->end() || it->second.empty()) return std::nullopt;
  return it->second;
}

// The config file's section of a profile: `[profile NAME]`, or `[default]` (`[profile default]`
// when there is no `[default]`).
const Section* ConfigSection(const Files& files, const std::string& profile, std::string* name) {
  *name = profile == "default" ? "default" : base::Concat("profile ", profile);
  const Section* section = Find(files.config, *name);
  if (section == nullptr && profile == "default") {
    *name = "profile default";
    section = Find(files.config, *name);
  }
  return section;
}

// A setting of the profile: the credentials file's section first, as the CLI reads keys there.
std::optional<std::string> Setting(const Section* credentials, const Section* config,
                                   std::string_view key) {
  if (std::optional<std::string> value = Get(credentials, key)) return value;
  return Get(config, key);
}

constexpr std::string_view kUnsupported[] = {"credential_process", "sso_session", "sso_start_url"};

std::optional<CredentialPlan> ContainerPlan(const CredentialSources& sources) {
  CredentialPlan plan;
  plan.kind = CredentialSourceKind::kContainer;
  if (std::optional<std::string> relative =
          sources.getenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    plan.container_url = "http://169.254.170.2" + *relative;
  } else if (std::optional<std::string> full =
                 sources.getenv("AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    plan.container_url = *full;
  } else {
    return std::nullopt;
  }
  plan.container_token_file = sources.getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE").value_or("");
  plan.container_token = sources.getenv("AWS_CONTAINER_AUTHORIZATION_TOKEN").value_or("");
  plan.description = base::Concat("the container credentials endpoint ", plan.container_url);
  return plan;
}

CredentialPlan MetadataPlan(const CredentialSources& sources) {
  CredentialPlan plan;
  plan.kind = CredentialSourceKind::kInstanceMetadata;
  plan.metadata_endpoint =
      sources.getenv("AWS_EC2_METADATA_SERVICE_ENDPOINT").value_or("http://169.254.169.254");
  while (plan.metadata_endpoint.ends_with('/')) plan.metadata_endpoint.pop_back();
  plan.description = base::Concat("the instance metadata service ", plan.metadata_endpoint);
  return plan;
}

std::optional<CredentialPlan> EnvironmentKeys(const CredentialSources& sources) {
  std::optional<std::string> key = sources.getenv("AWS_ACCESS_KEY_ID");
  std::optional<std::string> secret = sources.getenv("AWS_SECRET_ACCESS_KEY");
  if (!key || !secret) return std::nullopt;
  CredentialPlan plan;
  plan.kind = CredentialSourceKind::kStatic;
  plan.description = "environment";
  plan.keys = {*key, *secret, sources.getenv("AWS_SESSION_TOKEN").value_or(""), "environment"};
  return plan;
}

// The plan of one profile; nullopt when the profile says nothing about keys. `visited` catches
// source_profile loops.
absl::StatusOr<std::optional<CredentialPlan>> ProfilePlan(const Files& files,
                                                          const std::string& profile,
                                                          const CredentialSources& sources,
                                                          std::set<std::string>& visited) {
  if (!visited.insert(profile).second) {
    return absl::InvalidArgumentError(
        base::Concat("profile `", profile, "`: source_profile loops back to it"));
  }
  const Section* credentials = Find(files.credentials, profile);
  std::string config_name;
  const Section* config = ConfigSection(files, profile, &config_name);
  std::string where = config != nullptr ? base::Concat(files.config_path, " [", config_name, "]")
                                        : base::Concat(files.credentials_path, " [", profile, "]");
  std::optional<std::string> role_arn = Setting(credentials, config, "role_arn");
  if (role_arn) {
    CredentialPlan plan;
    plan.role_arn = *role_arn;
    plan.role_session_name = Setting(credentials, config, "role_session_name").value_or("");
    plan.description = where;
    if (std::optional<std::string> token_file =
            Setting(credentials, config, "web_identity_token_file")) {
      plan.kind = CredentialSourceKind::kWebIdentity;
      plan.web_identity_token_file = *token_file;
      return std::optional<CredentialPlan>(std::move(plan));
    }
    plan.kind = CredentialSourceKind::kAssumeRole;
    plan.external_id = Setting(credentials, config, "external_id").value_or("");
    if (std::optional<std::string> duration = Setting(credentials, config, "duration_seconds")) {
      plan.duration_seconds = std::atoi(duration->c_str());
    }
    std::optional<std::string> source_profile = Setting(credentials, config, "source_profile");
    std::optional<std::string> credential_source =
        Setting(credentials, config, "credential_source");
    if (source_profile && credential_source) {
      return absl::InvalidArgumentError(
          base::Concat(where, ": has both source_profile and credential_source"));
    }
    std::optional<CredentialPlan> source;
    if (source_profile) {
      // A source profile's own static keys are used even when it has a role_arn of its own
      // pointing back at itself (the CLI's "role chaining" special case).
      const Section* source_credentials = Find(files.credentials, *source_profile);
      std::string source_config_name;
      const Section* source_config = ConfigSection(files, *source_profile, &source_config_name);
      if (*source_profile == profile) {
        std::optional<std::string> key =
            Setting(source_credentials, source_config, "aws_access_key_id");
        std::optional<std::string> secret =
            Setting(source_credentials, source_config, "aws_secret_access_key");
        if (!key || !secret) {
          return absl::InvalidArgumentError(
              base::Concat(where, ": source_profile is the profile itself but it has no keys"));
        }
        source = CredentialPlan{};
        source->keys = {
            *key, *secret,
            Setting(source_credentials, source_config, "aws_session_token").value_or(""), where};
        source->description = where;
      } else {
        if (source_credentials == nullptr && source_config == nullptr) {
          return absl::InvalidArgumentError(base::Concat(
              where, ": source_profile `", *source_profile, "` is not in the shared files"));
        }
        ASSIGN_OR_RETURN(source, ProfilePlan(files, *source_profile, sources, visited));
        if (!source) {
          return absl::InvalidArgumentError(
              base::Concat(where, ": source_profile `", *source_profile, "` gives no credentials"));
        }
      }
    } else if (credential_source) {
      if (*credential_source == "Environment") {
        source = EnvironmentKeys(sources);
      } else if (*credential_source == "EcsContainer") {
        source = ContainerPlan(sources);
      } else if (*credential_source == "Ec2InstanceMetadata") {
        source = MetadataPlan(sources);
      } else {
        return absl::InvalidArgumentError(base::Concat(
            where,
            ": credential_source must be Environment, Ec2InstanceMetadata or EcsContainer, "
            "not `",
            *credential_source, "`"));
      }
      if (!source) {
        return absl::InvalidArgumentError(base::Concat(
            where, ": credential_source ", *credential_source, " gives no credentials"));
      }
    } else {
      return absl::InvalidArgumentError(base::Concat(
          where, ": role_arn needs source_profile, credential_source or web_identity_token_file"));
    }
    plan.source = std::make_shared<const CredentialPlan>(std::move(*source));
    return std::optional<CredentialPlan>(std::move(plan));
  }
  struct Candidate {
    const Section* section;
    std::string source;
  };
  for (const Candidate& candidate :
       {Candidate{credentials, base::Concat(files.credentials_path, " [", profile, "]")},
        Candidate{config, base::Concat(files.config_path, " [", config_name, "]")}}) {
    std::optional<std::string> key = Get(candidate.section, "aws_access_key_id");
    std::optional<std::string> secret = Get(candidate.section, "aws_secret_access_key");
    if (key && secret) {
      CredentialPlan plan;
      plan.description = candidate.source;
      plan.keys = {*key, *secret, Get(candidate.section, "aws_session_token").value_or(""),
                   candidate.source};
      return std::optional<CredentialPlan>(std::move(plan));
    }
    if (key || secret) {
      return absl::InvalidArgumentError(base::Concat(
          candidate.source, ": has ", key ? "aws_access_key_id" : "aws_secret_access_key",
          " without ", key ? "aws_secret_access_key" : "aws_access_key_id"));
    }
    for (std::string_view unsupported : kUnsupported) {
      if (Get(candidate.section, unsupported)) {
        return absl::InvalidArgumentError(
            base::Concat(candidate.source, ": credentials from `", unsupported,
                         "` are not supported; export the keys (for example `aws configure "
                         "export-credentials --format env`)"));
      }
    }
  }
  return std::optional<CredentialPlan>();
}

}  // namespace

absl::StatusOr<AwsProfile> ResolveProfile(const std::optional<std::string>& profile,
                                          const std::optional<std::string>& region,
                                          const CredentialSources& sources) {
  AwsProfile resolved;
  resolved.name = profile
                      ? *profile
                      : sources.getenv("AWS_PROFILE")
                            .value_or(sources.getenv("AWS_DEFAULT_PROFILE").value_or("default"));
  Files files;
  ASSIGN_OR_RETURN(auto credentials,
                   LoadIni(sources, "AWS_SHARED_CREDENTIALS_FILE", "credentials"));
  ASSIGN_OR_RETURN(auto config, LoadIni(sources, "AWS_CONFIG_FILE", "config"));
  files.credentials_path = std::move(credentials.first);
  files.credentials = std::move(credentials.second);
  files.config_path = std::move(config.first);
  files.config = std::move(config.second);
  std::string config_name;
  const Section* config_section = ConfigSection(files, resolved.name, &config_name);

  if (region) {
    resolved.region = *region;
  } else if (std::optional<std::string> env = sources.getenv("AWS_REGION")) {
    resolved.region = *env;
  } else if (std::optional<std::string> env_default = sources.getenv("AWS_DEFAULT_REGION")) {
    resolved.region = *env_default;
  } else {
    resolved.region = Get(config_section, "region");
  }

  resolved.endpoints.getenv = sources.getenv;
  resolved.endpoints.profile_endpoint_url = Get(config_section, "endpoint_url");
  resolved.endpoints.profile_ignores_configured = base::EqualsIgnoreAsciiCase(
      Get(config_section, "ignore_configured_endpoint_urls").value_or(""), "true");
  if (std::optional<std::string> services = Get(config_section, "services")) {
    if (const Section* section = Find(files.config, base::Concat("services ", *services))) {
      for (const auto& [key, value] : *section) {
        if (key.ends_with(".endpoint_url"))
          resolved.endpoints.service_endpoint_urls[key.substr(0, key.size() - 13)] = value;
      }
    }
  }

  if (!profile) {
    if (std::optional<CredentialPlan> env = EnvironmentKeys(sources)) {
      resolved.credentials = std::move(*env);
      return resolved;
    }
  }
  std::set<std::string> visited;
  ASSIGN_OR_RETURN(std::optional<CredentialPlan> from_profile,
                   ProfilePlan(files, resolved.name, sources, visited));
  if (from_profile) {
    resolved.credentials = std::move(*from_profile);
    return resolved;
  }
  if (profile) {
    return absl::NotFoundError(base::Concat("no AWS credentials for profile `", resolved.name,
                                            "` (looked at ", files.credentials_path, " and ",
                                            files.config_path, ")"));
  }
  std::optional<std::string> role = sources.getenv("AWS_ROLE_ARN");
  std::optional<std::string> token_file = sources.getenv("AWS_WEB_IDENTITY_TOKEN_FILE");
  if (role && token_file) {
    resolved.credentials.kind = CredentialSourceKind::kWebIdentity;
    resolved.credentials.role_arn = *role;
    resolved.credentials.web_identity_token_file = *token_file;
    resolved.credentials.role_session_name = sources.getenv("AWS_ROLE_SESSION_NAME").value_or("");
    resolved.credentials.description = "AWS_ROLE_ARN and AWS_WEB_IDENTITY_TOKEN_FILE";
    return resolved;
  }
  if (std::optional<CredentialPlan> container = ContainerPlan(sources)) {
    resolved.credentials = std::move(*container);
    return resolved;
  }
  if (base::EqualsIgnoreAsciiCase(sources.getenv("AWS_EC2_METADATA_DISABLED").value_or(""),
                                  "true")) {
    return absl::NotFoundError(base::Concat(
        "no AWS credentials (looked at AWS_ACCESS_KEY_ID, ", files.credentials_path, ", ",
        files.config_path, ", web identity and container variables; instance metadata disabled)"));
  }
  resolved.credentials = MetadataPlan(sources);
  return resolved;
}

std::optional<std::string> FirstXmlElement(std::string_view xml, std::string_view name) {
  std::string open = base::Concat("<", name, ">"), close = base::Concat("</", name, ">");
  size_t begin = xml.find(open);
  if (begin == std::string_view::npos) return std::nullopt;
  size_t end = xml.find(close, begin);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view raw = xml.substr(begin + open.size(), end - begin - open.size());
  std::string out;
  for (size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] == '&') {
      std::string_view rest = raw.substr(i);
      bool decoded = false;
      for (auto [entity, c] : {std::pair<std::string_view, char>{"&amp;", '&'},
                               {"&lt;", '<'},
                               {"&gt;", '>'},
                               {"&quot;", '"'},
                               {"&apos;", '\''}}) {
        if (rest.starts_with(entity)) {
          out.push_back(c);
          i += entity.size() - 1;
          decoded = true;
          break;
        }
      }
      if (decoded) continue;
    }
    out.push_back(raw[i]);
  }
  return out;
}

namespace {

std::string Form(const std::vector<std::pair<std::string, std::string>>& parameters) {
  std::string body;
  for (const auto& [name, value] : parameters) {
    if (!body.empty()) body.push_back('&');
    body += sigv4::UriEncode(name, false) + "=" + sigv4::UriEncode(value, false);
  }
  return body;
}

absl::StatusOr<AwsCredentials> KeysFromStsAnswer(const HttpResponse& response,
                                                 std::string_view what) {
  std::optional<std::string> key = FirstXmlElement(response.body, "AccessKeyId");
  std::optional<std::string> secret = FirstXmlElement(response.body, "SecretAccessKey");
  std::optional<std::string> token = FirstXmlElement(response.body, "SessionToken");
  if (!key || !secret || !token) {
    return absl::DataLossError(base::Concat(what, ": the answer has no Credentials"));
  }
  return AwsCredentials{*key, *secret, *token, std::string(what)};
}

std::string SessionName(const std::string& configured, const base::Clock& clock) {
  if (!configured.empty()) return configured;
  return base::Concat("perimeter-", clock.Now() / 1000);
}

// The container and metadata services answer {"AccessKeyId", "SecretAccessKey", "Token", ...}.
absl::StatusOr<AwsCredentials> KeysFromJson(const HttpResponse& response, std::string_view what) {
  if (response.status != 200) {
    return absl::UnavailableError(base::Concat(what, ": HTTP ", response.status));
  }
  json::ParseResult parsed = json::Parse(response.body);
  if (!parsed.ok() || !parsed.document.root().is_object()) {
    return absl::DataLossError(base::Concat(what, ": the answer is not a JSON object"));
  }
  auto field = [&](std::string_view key) -> std::string {
    std::optional<json::Value> value = parsed.document.root().Find(key);
    return value && value->is_string() ? std::string(value->text()) : "";
  };
  AwsCredentials keys{field("AccessKeyId"), field("SecretAccessKey"), field("Token"),
                      std::string(what)};
  if (keys.access_key_id.empty() || keys.secret_access_key.empty()) {
    return absl::DataLossError(
        base::Concat(what, ": the answer has no AccessKeyId/SecretAccessKey"));
  }
  return keys;
}

std::pair<std::string, std::string> SplitUrl(std::string_view url) {
  size_t scheme = url.find("://");
  size_t path = url.find('/', scheme == std::string_view::npos ? 0 : scheme + 3);
  if (path == std::string_view::npos) return {std::string(url), "/"};
  return {std::string(url.substr(0, path)), std::string(url.substr(path))};
}

}  // namespace

absl::StatusOr<AwsCredentials> AssumeRole(const AwsCredentials& caller, std::string_view role_arn,
                                          std::string_view session_name,
                                          std::string_view external_id, int duration_seconds,
                                          const ServiceEndpoint& sts, HttpTransport& transport,
                                          const base::Clock& clock) {
  std::vector<std::pair<std::string, std::string>> form = {
      {"Action", "AssumeRole"},
      {"Version", "2011-06-15"},
      {"RoleArn", std::string(role_arn)},
      {"RoleSessionName", std::string(session_name)}};
  if (!external_id.empty()) form.emplace_back("ExternalId", std::string(external_id));
  if (duration_seconds > 0) form.emplace_back("DurationSeconds", std::to_string(duration_seconds));
  SignedClient client(transport, caller, clock);
  ASSIGN_OR_RETURN(
      HttpResponse response,
      client.Call(
          sts, "sts",
          {"POST", "/", {{"Content-Type", "application/x-www-form-urlencoded"}}, Form(form)}));
  return KeysFromStsAnswer(response, base::Concat("sts:AssumeRole ", role_arn));
}

absl::StatusOr<AwsCredentials> ObtainCredentials(
    const CredentialPlan& plan, std::string_view region, const EndpointSettings& endpoints,
    const CredentialSources& sources, HttpTransport& transport, const base::Clock& clock) {
  switch (plan.kind) {
    case CredentialSourceKind::kStatic:
      return plan.keys;
    case CredentialSourceKind::kAssumeRole: {
      ASSIGN_OR_RETURN(AwsCredentials source, ObtainCredentials(*plan.source, region, endpoints,
                                                                sources, transport, clock));
      return AssumeRole(source, plan.role_arn, SessionName(plan.role_session_name, clock),
                        plan.external_id, plan.duration_seconds,
                        ResolveEndpoint(AwsService::kSts, region, endpoints).endpoint, transport,
                        clock);
    }
    case CredentialSourceKind::kWebIdentity: {
      std::optional<std::string> token = sources.read_file(plan.web_identity_token_file);
      if (!token) {
        return absl::InvalidArgumentError(
            base::Concat(plan.web_identity_token_file, ": cannot read the web identity token"));
      }
      while (!token->empty() && (token->back() == '\n' || token->back() == '\r')) token->pop_back();
      // AssumeRoleWithWebIdentity is not signed: the token is the proof.
      ServiceEndpoint sts = ResolveEndpoint(AwsService::kSts, region, endpoints).endpoint;
      std::string body = Form({{"Action", "AssumeRoleWithWebIdentity"},
                               {"Version", "2011-06-15"},
                               {"RoleArn", plan.role_arn},
                               {"RoleSessionName", SessionName(plan.role_session_name, clock)},
                               {"WebIdentityToken", *token}});
      auto [origin, prefix] = SplitUrl(sts.base_url);
      if (prefix == "/") prefix.clear();
      ASSIGN_OR_RETURN(HttpResponse response,
                       transport.Send({origin,
                                       "POST",
                                       prefix + "/",
                                       {{"Content-Type", "application/x-www-form-urlencoded"}},
                                       std::move(body)}));
      std::string what = base::Concat("sts:AssumeRoleWithWebIdentity ", plan.role_arn);
      if (response.status != 200) {
        AwsErrorDetails error = DecodeAwsError(response);
        return absl::PermissionDeniedError(base::Concat(
            what, ": ", error.code.empty() ? "HTTP " + std::to_string(response.status) : error.code,
            error.message.empty() ? "" : ": ", error.message));
      }
      return KeysFromStsAnswer(response, what);
    }
    case CredentialSourceKind::kContainer: {
      std::vector<std::pair<std::string, std::string>> headers;
      std::string token = plan.container_token;
      if (!plan.container_token_file.empty()) {
        std::optional<std::string> text = sources.read_file(plan.container_token_file);
        if (!text) {
          return absl::InvalidArgumentError(
              base::Concat(plan.container_token_file, ": cannot read the authorization token"));
        }
        token = *text;
        while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
      }
      if (!token.empty()) headers.emplace_back("Authorization", token);
      auto [origin, target] = SplitUrl(plan.container_url);
      ASSIGN_OR_RETURN(HttpResponse response,
                       transport.Send({origin, "GET", target, std::move(headers), ""}));
      return KeysFromJson(response, plan.description);
    }
    case CredentialSourceKind::kInstanceMetadata: {
      // IMDSv2 ("Use the Instance Metadata Service to access instance metadata", Amazon EC2 User
      // Guide): a session token by PUT, then the role name and its keys with the token.
      ASSIGN_OR_RETURN(HttpResponse token,
                       transport.Send({plan.metadata_endpoint,
                                       "PUT",
                                       "/latest/api/token",
                                       {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}},
                                       ""}));
      if (token.status != 200) {
        return absl::UnavailableError(base::Concat(
            plan.description, ": the session token request answered HTTP ", token.status));
      }
      std::vector<std::pair<std::string, std::string>> headers = {
          {"X-aws-ec2-metadata-token", token.body}};
      ASSIGN_OR_RETURN(
          HttpResponse role,
          transport.Send({plan.metadata_endpoint, "GET",
                          "/latest/meta-data/iam/security-credentials/", headers, ""}));
      std::string role_name = role.body.substr(0, role.body.find('\n'));
      if (role.status != 200 || role_name.empty()) {
        return absl::NotFoundError(base::Concat(
            plan.description, ": the instance has no IAM role (HTTP ", role.status, ")"));
      }
      ASSIGN_OR_RETURN(HttpResponse keys,
                       transport.Send({plan.metadata_endpoint, "GET",
                                       "/latest/meta-data/iam/security-credentials/" +
                                           sigv4::UriEncode(role_name, false),
                                       headers, ""}));
      return KeysFromJson(keys, plan.description);
    }
  }
  return absl::InternalError("unreachable: every credential source is handled above");
}

}  // namespace perimeter::aws
