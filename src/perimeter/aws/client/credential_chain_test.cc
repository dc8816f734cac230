#include "perimeter/aws/client/credential_chain.h"

#include <map>
#include <vector>

#include "gtest/gtest.h"

namespace perimeter::aws {
namespace {

struct FakeWorld {
  std::map<std::string, std::string> env;
  std::map<std::string, std::string> files;
  CredentialSources Sources() const {
    CredentialSources sources;
    sources.getenv = [this](const char* name) -> std::optional<std::string> {
      auto it = env.find(name);
      return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    sources.read_file = [this](const std::string& path) -> std::optional<std::string> {
      auto it = files.find(path);
      return it == files.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    return sources;
  }
};

// Answers by "METHOD origin+target"; records every request.
class FakeTransport : public HttpTransport {
 public:
  std::map<std::string, HttpResponse> answers;
  std::vector<HttpRequest> requests;
  absl::StatusOr<HttpResponse> Send(const HttpRequest& request) override {
    requests.push_back(request);
    auto it = answers.find(request.method + " " + request.base_url + request.target);
    if (it == answers.end()) return absl::UnavailableError("no route");
    return it->second;
  }
};

const char kStsKeys[] =
    "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId>"
    "<SecretAccessKey>s&amp;cret</SecretAccessKey><SessionToken>TOKEN</SessionToken>"
    "</Credentials></AssumeRoleResult></AssumeRoleResponse>";

struct PlanCase {
  const char* name;
  std::map<std::string, std::string> env;
  std::optional<std::string> profile_flag;
  const char* config;
  const char* credentials;
  CredentialSourceKind kind;
  const char* detail;  // key id (static), role ARN (roles), URL (container, metadata)
};

class ResolveProfileTest : public testing::TestWithParam<PlanCase> {};

TEST_P(ResolveProfileTest, FirstSourceWins) {
  const PlanCase& c = GetParam();
  FakeWorld world;
  world.env = c.env;
  world.env["HOME"] = "/home/u";
  world.files["/home/u/.aws/config"] = c.config;
  world.files["/home/u/.aws/credentials"] = c.credentials;
  absl::StatusOr<AwsProfile> profile =
      ResolveProfile(c.profile_flag, std::nullopt, world.Sources());
  ASSERT_TRUE(profile.ok()) << profile.status();
  EXPECT_EQ(profile->credentials.kind, c.kind);
  std::string detail;
  switch (profile->credentials.kind) {
    case CredentialSourceKind::kStatic:
      detail = profile->credentials.keys.access_key_id;
      break;
    case CredentialSourceKind::kAssumeRole:
    case CredentialSourceKind::kWebIdentity:
      detail = profile->credentials.role_arn;
      break;
    case CredentialSourceKind::kContainer:
      detail = profile->credentials.container_url;
      break;
    case CredentialSourceKind::kInstanceMetadata:
      detail = profile->credentials.metadata_endpoint;
      break;
  }
  EXPECT_EQ(detail, c.detail);
}

const std::map<std::string, std::string> kEnvKeys = {{"AWS_ACCESS_KEY_ID", "AKIDENV"},
                                                     {"AWS_SECRET_ACCESS_KEY", "s"}};

INSTANTIATE_TEST_SUITE_P(
    Cases, ResolveProfileTest,
    testing::Values(PlanCase{"environment_first", kEnvKeys, std::nullopt, "",
                             "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = s\n",
                             CredentialSourceKind::kStatic, "AKIDENV"},
                    PlanCase{"profile_flag_beats_environment", kEnvKeys, "dev", "",
                             "[dev]\naws_access_key_id = AKIDDEV\naws_secret_access_key = s\n",
                             CredentialSourceKind::kStatic, "AKIDDEV"},
                    PlanCase{
                        "aws_profile",
                        {{"AWS_PROFILE", "dev"}},
                        std::nullopt,
                        "[profile dev]\naws_access_key_id = AKIDCFG\naws_secret_access_key = s\n",
                        "",
                        CredentialSourceKind::kStatic,
                        "AKIDCFG"},
                    PlanCase{"role_with_source_profile",
                             {},
                             "ops",
                             "[profile ops]\nrole_arn = arn:aws:iam::222233334444:role/ops\n"
                             "source_profile = base\nexternal_id = x\n",
                             "[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n",
                             CredentialSourceKind::kAssumeRole,
                             "arn:aws:iam::222233334444:role/ops"},
                    PlanCase{"role_with_web_identity",
                             {},
                             "wi",
                             "[profile wi]\nrole_arn = arn:aws:iam::222233334444:role/wi\n"
                             "web_identity_token_file = /t\n",
                             "",
                             CredentialSourceKind::kWebIdentity,
                             "arn:aws:iam::222233334444:role/wi"},
                    PlanCase{"web_identity_environment",
                             {{"AWS_ROLE_ARN", "arn:aws:iam::222233334444:role/env"},
                              {"AWS_WEB_IDENTITY_TOKEN_FILE", "/t"}},
                             std::nullopt,
                             "",
                             "",
                             CredentialSourceKind::kWebIdentity,
                             "arn:aws:iam::222233334444:role/env"},
                    PlanCase{"container_relative",
                             {{"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds"}},
                             std::nullopt,
                             "",
                             "",
                             CredentialSourceKind::kContainer,
                             "http://169.254.170.2/v2/creds"},
                    PlanCase{"container_full",
                             {{"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/creds"}},
                             std::nullopt,
                             "",
                             "",
                             CredentialSourceKind::kContainer,
                             "http://127.0.0.1:9/creds"},
                    PlanCase{"instance_metadata_last",
                             {},
                             std::nullopt,
                             "",
                             "",
                             CredentialSourceKind::kInstanceMetadata,
                             "http://169.254.169.254"},
                    PlanCase{"metadata_endpoint_variable",
                             {{"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:7/"}},
                             std::nullopt,
                             "",
                             "",
                             CredentialSourceKind::kInstanceMetadata,
                             "http://127.0.0.1:7"}),
    [](const testing::TestParamInfo<PlanCase>& info) { return info.param.name; });

TEST(ResolveProfileTest, EndpointSettingsFromTheProfile) {
  FakeWorld world;
  world.env = {{"HOME", "/h"}, {"AWS_ACCESS_KEY_ID", "A"}, {"AWS_SECRET_ACCESS_KEY", "S"}};
  world.files["/h/.aws/config"] =
      "[default]\nendpoint_url = http://profile:1\nservices = local\n"
      "[services local]\nsecrets_manager =\n  endpoint_url = http://sm:2\n";
  absl::StatusOr<AwsProfile> profile = ResolveProfile(std::nullopt, "eu-west-1", world.Sources());
  ASSERT_TRUE(profile.ok()) << profile.status();
  EXPECT_EQ(ResolveEndpoint(AwsService::kSecretsManager, "eu-west-1", profile->endpoints)
                .endpoint.base_url,
            "http://sm:2");
  EXPECT_EQ(ResolveEndpoint(AwsService::kKms, "eu-west-1", profile->endpoints).endpoint.base_url,
            "http://profile:1");
}

TEST(ResolveProfileTest, ErrorsNameTheProblem) {
  FakeWorld world;
  world.env = {{"HOME", "/h"}, {"AWS_EC2_METADATA_DISABLED", "true"}};
  world.files["/h/.aws/config"] =
      "[profile a]\nrole_arn = arn:aws:iam::1:role/a\nsource_profile = b\n"
      "[profile b]\nrole_arn = arn:aws:iam::1:role/b\nsource_profile = a\n"
      "[profile sso]\nsso_session = x\n";
  EXPECT_NE(ResolveProfile("a", std::nullopt, world.Sources()).status().message().find("loops"),
            std::string::npos);
  EXPECT_NE(
      ResolveProfile("sso", std::nullopt, world.Sources()).status().message().find("sso_session"),
      std::string::npos);
  EXPECT_EQ(ResolveProfile(std::nullopt, std::nullopt, world.Sources()).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(ObtainCredentialsTest, AssumeRoleSignsWithTheSourceKeysAndSendsTheExternalId) {
  FakeWorld world;
  world.env = {{"HOME", "/h"}, {"AWS_ENDPOINT_URL_STS", "http://sts.test:1"}};
  world.files["/h/.aws/config"] =
      "[profile ops]\nrole_arn = arn:aws:iam::222233334444:role/ops\nsource_profile = base\n"
      "external_id = ext-1\nrole_session_name = me\n"
      "[profile base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = s\n";
  absl::StatusOr<AwsProfile> profile = ResolveProfile("ops", "eu-west-1", world.Sources());
  ASSERT_TRUE(profile.ok()) << profile.status();
  FakeTransport transport;
  transport.answers["POST http://sts.test:1/"] = HttpResponse{200, {}, kStsKeys};
  base::FakeClock clock(1'700'000'000'000);
  absl::StatusOr<AwsCredentials> keys = ObtainCredentials(
      profile->credentials, "eu-west-1", profile->endpoints, world.Sources(), transport, clock);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->access_key_id, "ASIAROLE");
  EXPECT_EQ(keys->secret_access_key, "s&cret");
  EXPECT_EQ(keys->session_token, "TOKEN");
  ASSERT_EQ(transport.requests.size(), 1u);
  const HttpRequest& request = transport.requests[0];
  EXPECT_NE(request.body.find("Action=AssumeRole&Version=2011-06-15"), std::string::npos);
  EXPECT_NE(request.body.find("RoleArn=arn%3Aaws%3Aiam%3A%3A222233334444%3Arole%2Fops"),
            std::string::npos);
  EXPECT_NE(request.body.find("ExternalId=ext-1"), std::string::npos);
  EXPECT_NE(request.body.find("RoleSessionName=me"), std::string::npos);
  bool signed_by_base = false;
  for (const auto& [name, value] : request.headers) {
    if (name == "Authorization")
      signed_by_base = value.find("Credential=AKIDBASE/") != std::string::npos;
  }
  EXPECT_TRUE(signed_by_base);
}

TEST(ObtainCredentialsTest, WebIdentityIsUnsignedAndCarriesTheToken) {
  FakeWorld world;
  world.env = {{"HOME", "/h"},
               {"AWS_ENDPOINT_URL", "http://sts.test:1"},
               {"AWS_ROLE_ARN", "arn:aws:iam::1:role/wi"},
               {"AWS_WEB_IDENTITY_TOKEN_FILE", "/token"}};
  world.files["/token"] = "eyJ.token\n";
  absl::StatusOr<AwsProfile> profile = ResolveProfile(std::nullopt, "us-east-1", world.Sources());
  ASSERT_TRUE(profile.ok()) << profile.status();
  FakeTransport transport;
  transport.answers["POST http://sts.test:1/"] = HttpResponse{200, {}, kStsKeys};
  base::FakeClock clock(0);
  absl::StatusOr<AwsCredentials> keys = ObtainCredentials(
      profile->credentials, "us-east-1", profile->endpoints, world.Sources(), transport, clock);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->access_key_id, "ASIAROLE");
  ASSERT_EQ(transport.requests.size(), 1u);
  EXPECT_NE(transport.requests[0].body.find("Action=AssumeRoleWithWebIdentity"), std::string::npos);
  EXPECT_TRUE(transport.requests[0].body.ends_with("WebIdentityToken=eyJ.token"));
  for (const auto& [name, value] : transport.requests[0].headers) EXPECT_NE(name, "Authorization");
}

TEST(ObtainCredentialsTest, ContainerSendsTheAuthorizationToken) {
  FakeWorld world;
  world.env = {{"HOME", "/h"},
               {"AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/creds"},
               {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE", "/tok"}};
  world.files["/tok"] = "Bearer abc\n";
  absl::StatusOr<AwsProfile> profile = ResolveProfile(std::nullopt, "us-east-1", world.Sources());
  ASSERT_TRUE(profile.ok());
  FakeTransport transport;
  transport.answers["GET http://127.0.0.1:9/creds"] =
      HttpResponse{200, {}, R"({"AccessKeyId":"ASIACONT","SecretAccessKey":"s","Token":"t"})"};
  base::FakeClock clock(0);
  absl::StatusOr<AwsCredentials> keys = ObtainCredentials(
      profile->credentials, "us-east-1", profile->endpoints, world.Sources(), transport, clock);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->access_key_id, "ASIACONT");
  ASSERT_EQ(transport.requests.size(), 1u);
  EXPECT_EQ(transport.requests[0].headers.at(0),
            (std::pair<std::string, std::string>{"Authorization", "Bearer abc"}));
}

TEST(ObtainCredentialsTest, InstanceMetadataUsesImdsV2) {
  FakeWorld world;
  world.env = {{"HOME", "/h"}, {"AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://imds:1"}};
  absl::StatusOr<AwsProfile> profile = ResolveProfile(std::nullopt, "us-east-1", world.Sources());
  ASSERT_TRUE(profile.ok());
  FakeTransport transport;
  transport.answers["PUT http://imds:1/latest/api/token"] = HttpResponse{200, {}, "SESSION"};
  transport.answers["GET http://imds:1/latest/meta-data/iam/security-credentials/"] =
      HttpResponse{200, {}, "web-role"};
  transport.answers["GET http://imds:1/latest/meta-data/iam/security-credentials/web-role"] =
      HttpResponse{
          200,
          {},
          R"({"Code":"Success","AccessKeyId":"ASIAIMDS","SecretAccessKey":"s","Token":"t"})"};
  base::FakeClock clock(0);
  absl::StatusOr<AwsCredentials> keys = ObtainCredentials(
      profile->credentials, "us-east-1", profile->endpoints, world.Sources(), transport, clock);
  ASSERT_TRUE(keys.ok()) << keys.status();
  EXPECT_EQ(keys->access_key_id, "ASIAIMDS");
  ASSERT_EQ(transport.requests.size(), 3u);
  EXPECT_EQ(transport.requests[1].headers.at(0).second, "SESSION");
}

}  // namespace
}  // namespace perimeter::aws
