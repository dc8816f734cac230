#include "perimeter/aws/client/credentials.h"

#include <map>

#include "gtest/gtest.h"

namespace perimeter::aws {
namespace {

TEST(ParseIniTest, SectionsKeysCommentsAndNestedValues) {
  absl::StatusOr<IniFile> ini = ParseIni(
      "# comment\n"
      "[default]\n"
      "aws_access_key_id = AKIDDEFAULT\n"
      "aws_secret_access_key=secret # inline comment\n"
      "; another comment\n"
      "[profile dev]\n"
      "region = eu-west-1\n"
      "s3 =\n"
      "  max_concurrent_requests = 20\n"
      "output = json\r\n",
      "config");
  ASSERT_TRUE(ini.ok()) << ini.status();
  EXPECT_EQ((*ini)["default"]["aws_access_key_id"], "AKIDDEFAULT");
  EXPECT_EQ((*ini)["default"]["aws_secret_access_key"], "secret");
  EXPECT_EQ((*ini)["profile dev"]["region"], "eu-west-1");
  EXPECT_EQ((*ini)["profile dev"]["output"], "json");
  EXPECT_FALSE((*ini)["profile dev"].contains("max_concurrent_requests"));
}

TEST(ParseIniTest, KeysAreCaseInsensitiveLikeConfigparser) {
  absl::StatusOr<IniFile> ini = ParseIni("[Prod]\nAWS_Access_Key_ID = AKID\n", "credentials");
  ASSERT_TRUE(ini.ok()) << ini.status();
  EXPECT_EQ((*ini)["Prod"]["aws_access_key_id"], "AKID");  // section names keep their case
}

struct BadIniCase {
  const char* text;
  const char* message;
};

class BadIniTest : public testing::TestWithParam<BadIniCase> {};

TEST_P(BadIniTest, NamesTheLine) {
  absl::StatusOr<IniFile> ini = ParseIni(GetParam().text, "credentials");
  ASSERT_FALSE(ini.ok());
  EXPECT_EQ(ini.status().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Ini, BadIniTest,
    testing::Values(BadIniCase{"key = value\n", "credentials:1: a key before any [section]"},
                    BadIniCase{"[a]\n[b\n", "credentials:2: a section header must end with ']'"},
                    BadIniCase{"[a]\nnot a pair\n",
                               "credentials:2: expected `key = value` or `[section]`"}));

// A fake environment: variables and files.
struct FakeSources {
  std::map<std::string, std::string> env = {{"HOME", "/home/u"}};
  std::map<std::string, std::string> files;
  CredentialSources sources() const {
    return {[this](const char* name) -> std::optional<std::string> {
              auto it = env.find(name);
              return it == env.end() ? std::nullopt : std::optional(it->second);
            },
            [this](const std::string& path) -> std::optional<std::string> {
              auto it = files.find(path);
              return it == files.end() ? std::nullopt : std::optional(it->second);
            }};
  }
};

constexpr char kCredentials[] =
    "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = sdefault\n"
    "[prod]\naws_access_key_id = AKIDPROD\naws_secret_access_key = sprod\naws_session_token = "
    "tprod\n";
constexpr char kConfig[] =
    "[default]\nregion = us-west-2\n"
    "[profile prod]\nregion = eu-central-1\n"
    "[profile cfgonly]\naws_access_key_id = AKIDCFG\naws_secret_access_key = scfg\n"
    "[profile sso]\nsso_session = corp\n";

struct ResolveCase {
  const char* name;
  std::map<std::string, std::string> env;
  std::optional<std::string> profile;
  std::optional<std::string> region;
  const char* key;  // expected access key id; nullptr: an error
  const char* token;
  std::optional<std::string> expected_region;
};

class ResolveAwsTest : public testing::TestWithParam<ResolveCase> {};

TEST_P(ResolveAwsTest, AsTheAwsCli) {
  const ResolveCase& c = GetParam();
  FakeSources fake;
  fake.files["/home/u/.aws/credentials"] = kCredentials;
  fake.files["/home/u/.aws/config"] = kConfig;
  fake.files["/elsewhere/creds"] =
      "[other]\naws_access_key_id = AKIDOTHER\naws_secret_access_key = sother\n";
  fake.files["/elsewhere/upper"] =
      "[Upper]\nAWS_ACCESS_KEY_ID = AKIDUPPER\nAWS_SECRET_ACCESS_KEY = supper\n";
  fake.files["/elsewhere/config"] = "[profile default]\nregion = me-south-1\n";
  for (const auto& [name, value] : c.env) fake.env[name] = value;
  absl::StatusOr<ResolvedAws> resolved = ResolveAws(c.profile, c.region, fake.sources());
  if (c.key == nullptr) {
    EXPECT_FALSE(resolved.ok());
    return;
  }
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  EXPECT_EQ(resolved->credentials.access_key_id, c.key);
  EXPECT_EQ(resolved->credentials.session_token, c.token);
  EXPECT_EQ(resolved->region, c.expected_region);
}

using Env = std::map<std::string, std::string>;
INSTANTIATE_TEST_SUITE_P(
    Credentials, ResolveAwsTest,
    testing::Values(
        ResolveCase{
            "default_profile", {}, std::nullopt, std::nullopt, "AKIDDEFAULT", "", "us-west-2"},
        ResolveCase{"named_profile", {}, "prod", std::nullopt, "AKIDPROD", "tprod", "eu-central-1"},
        ResolveCase{"aws_profile_env", Env{{"AWS_PROFILE", "prod"}}, std::nullopt, std::nullopt,
                    "AKIDPROD", "tprod", "eu-central-1"},
        ResolveCase{"env_keys_win_over_aws_profile",
                    Env{{"AWS_PROFILE", "prod"},
                        {"AWS_ACCESS_KEY_ID", "AKIDENV"},
                        {"AWS_SECRET_ACCESS_KEY", "s"},
                        {"AWS_SESSION_TOKEN", "tenv"}},
                    std::nullopt, std::nullopt, "AKIDENV", "tenv", "eu-central-1"},
        ResolveCase{"explicit_profile_wins_over_env_keys",
                    Env{{"AWS_ACCESS_KEY_ID", "AKIDENV"}, {"AWS_SECRET_ACCESS_KEY", "s"}}, "prod",
                    std::nullopt, "AKIDPROD", "tprod", "eu-central-1"},
        ResolveCase{
            "keys_in_config_file", {}, "cfgonly", std::nullopt, "AKIDCFG", "", std::nullopt},
        ResolveCase{"region_flag_then_env",
                    Env{{"AWS_REGION", "ap-south-1"}, {"AWS_DEFAULT_REGION", "sa-east-1"}},
                    std::nullopt, "ca-central-1", "AKIDDEFAULT", "", "ca-central-1"},
        ResolveCase{"aws_region_before_default_region",
                    Env{{"AWS_REGION", "ap-south-1"}, {"AWS_DEFAULT_REGION", "sa-east-1"}},
                    std::nullopt, std::nullopt, "AKIDDEFAULT", "", "ap-south-1"},
        ResolveCase{"shared_credentials_file_env",
                    Env{{"AWS_SHARED_CREDENTIALS_FILE", "/elsewhere/creds"}}, "other", std::nullopt,
                    "AKIDOTHER", "", std::nullopt},
        ResolveCase{"env_key_without_secret_is_not_used", Env{{"AWS_ACCESS_KEY_ID", "AKIDENV"}},
                    std::nullopt, std::nullopt, "AKIDDEFAULT", "", "us-west-2"},
        ResolveCase{"aws_default_profile_env", Env{{"AWS_DEFAULT_PROFILE", "prod"}}, std::nullopt,
                    std::nullopt, "AKIDPROD", "tprod", "eu-central-1"},
        ResolveCase{"default_region_from_profile_default_section",
                    Env{{"AWS_CONFIG_FILE", "/elsewhere/config"}}, std::nullopt, std::nullopt,
                    "AKIDDEFAULT", "", "me-south-1"},
        ResolveCase{"upper_case_keys", Env{{"AWS_SHARED_CREDENTIALS_FILE", "/elsewhere/upper"}},
                    "Upper", std::nullopt, "AKIDUPPER", "", std::nullopt},
        ResolveCase{"missing_files",
                    Env{{"AWS_SHARED_CREDENTIALS_FILE", "/none"}, {"AWS_CONFIG_FILE", "/none"}},
                    std::nullopt, std::nullopt, nullptr, "", std::nullopt},
        ResolveCase{"missing_profile", {}, "nope", std::nullopt, nullptr, "", std::nullopt},
        ResolveCase{"sso_unsupported", {}, "sso", std::nullopt, nullptr, "", std::nullopt}),
    [](const testing::TestParamInfo<ResolveCase>& info) { return std::string(info.param.name); });

TEST(ResolveAwsTest, HalfAKeyPairIsAnError) {
  FakeSources fake;
  fake.files["/home/u/.aws/credentials"] = "[default]\naws_access_key_id = AKID\n";
  absl::StatusOr<ResolvedAws> resolved = ResolveAws(std::nullopt, std::nullopt, fake.sources());
  ASSERT_FALSE(resolved.ok());
  EXPECT_EQ(resolved.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(
      resolved.status().message(),
      "/home/u/.aws/credentials [default]: has aws_access_key_id without aws_secret_access_key");
}

TEST(ResolveAwsTest, UnsupportedSourcesAreNamed) {
  FakeSources fake;
  fake.files["/home/u/.aws/config"] = kConfig;
  absl::StatusOr<ResolvedAws> resolved = ResolveAws("sso", std::nullopt, fake.sources());
  ASSERT_FALSE(resolved.ok());
  EXPECT_NE(std::string(resolved.status().message()).find("sso_session"), std::string::npos);
}

}  // namespace
}  // namespace perimeter::aws
