#include "perimeter/api/sigv4/shared_credentials.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

namespace perimeter::api::sigv4 {
namespace {

constexpr const char* kCredentials = R"ini(
# comment
[default]
aws_access_key_id = AKIADEFAULT
aws_secret_access_key = default-secret

[Security]
aws_access_key_id=AKIASECURITY
aws_secret_access_key =  security-secret
aws_session_token = token
)ini";

constexpr const char* kConfig = R"ini(
[default]
region = eu-west-1
[profile Security]
region = us-east-2
s3 =
  max_concurrent_requests = 2
[profile ConfigOnly]
aws_access_key_id = AKIACONFIG
aws_secret_access_key = config-secret
)ini";

struct ResolveCase {
  std::string name;
  std::optional<std::string> profile;
  std::map<std::string, std::string> env;
  std::string key;     // expected access key id; "" = NotFound
  std::string region;  // expected region
};

class ResolveTest : public testing::TestWithParam<ResolveCase> {};

TEST_P(ResolveTest, FindsTheCliCredentials) {
  const ResolveCase& c = GetParam();
  std::map<std::string, std::string> env = c.env;
  env.emplace("HOME", "/home/u");
  CredentialEnvironment environment;
  environment.getenv = [&env](const std::string& name) -> std::optional<std::string> {
    auto it = env.find(name);
    return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
  };
  environment.read_file = [](const std::string& path) -> std::optional<std::string> {
    if (path == "/home/u/.aws/credentials" || path == "/alt/credentials") return kCredentials;
    if (path == "/home/u/.aws/config") return kConfig;
    return std::nullopt;
  };
  absl::StatusOr<ClientCredentials> resolved = ResolveClientCredentials(c.profile, environment);
  if (c.key.empty()) {
    EXPECT_EQ(resolved.status().code(), absl::StatusCode::kNotFound) << resolved.status();
    return;
  }
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->access_key_id, c.key);
  EXPECT_EQ(resolved->region, c.region);
  EXPECT_FALSE(resolved->secret_access_key.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ResolveTest,
    testing::Values(
        ResolveCase{"DefaultProfile", std::nullopt, {}, "AKIADEFAULT", "eu-west-1"},
        ResolveCase{"NamedProfile", "Security", {}, "AKIASECURITY", "us-east-2"},
        ResolveCase{"ProfileBeatsEnvironmentKeys", "Security", {{"AWS_ACCESS_KEY_ID", "AKIAENV"}, {"AWS_SECRET_ACCESS_KEY", "s"}}, "AKIASECURITY", "us-east-2"},
        ResolveCase{"EnvironmentKeys", std::nullopt, {{"AWS_ACCESS_KEY_ID", "AKIAENV"}, {"AWS_SECRET_ACCESS_KEY", "s"}}, "AKIAENV", "eu-west-1"},
        ResolveCase{"EnvironmentKeyWithoutSecret", std::nullopt, {{"AWS_ACCESS_KEY_ID", "AKIAENV"}}, "AKIADEFAULT", "eu-west-1"},
        ResolveCase{"AwsProfile", std::nullopt, {{"AWS_PROFILE", "Security"}}, "AKIASECURITY", "us-east-2"},
        ResolveCase{"AwsRegionWins", "Security", {{"AWS_REGION", "ap-south-1"}, {"AWS_DEFAULT_REGION", "sa-east-1"}}, "AKIASECURITY", "ap-south-1"},
        ResolveCase{"DefaultRegionVariable", "Security", {{"AWS_DEFAULT_REGION", "sa-east-1"}}, "AKIASECURITY", "sa-east-1"},
        ResolveCase{"KeysInConfigFile", "ConfigOnly", {}, "AKIACONFIG", "us-east-1"},
        ResolveCase{"SharedCredentialsFileVariable", "Security", {{"AWS_SHARED_CREDENTIALS_FILE", "/alt/credentials"}}, "AKIASECURITY", "us-east-2"},
        ResolveCase{"UnknownProfile", "Nobody", {}, "", ""},
        ResolveCase{"MissingFiles", std::nullopt, {{"AWS_SHARED_CREDENTIALS_FILE", "/none"}, {"AWS_CONFIG_FILE", "/none"}}, "", ""}),
    [](const testing::TestParamInfo<ResolveCase>& info) { return info.param.name; });

TEST(ParseAwsIniTest, SkipsCommentsAndNestedSettings) {
  IniSections sections = ParseAwsIni(kConfig);
  EXPECT_EQ(sections["profile Security"]["region"], "us-east-2");
  EXPECT_EQ(sections["profile Security"].count("max_concurrent_requests"), 0u);
  EXPECT_EQ(sections["default"]["region"], "eu-west-1");
}

}  // namespace
}  // namespace perimeter::api::sigv4
