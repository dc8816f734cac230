// [[credentials]] policies: files (relative to the configuration's directory) and inline text, kept
// by access key; an unreadable file is an error at its line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "perimeter/base/text.h"
#include "perimeter/server/config.h"
#include "tests/testing/scoped_temp_dir.h"
#include "tests/testing/status_matchers.h"

namespace perimeter::server {
namespace {

constexpr char kPolicy[] =
    R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "access-analyzer:List*", "Resource": "*"}]})";

class CredentialPoliciesTest : public testing::Test {
 protected:
  void SetUp() override { std::ofstream(dir_ / "auditor.json") << kPolicy; }

  absl::StatusOr<ServerConfig> Parse(std::string_view credentials) {
    std::string text = base::Concat(R"([[accounts]]
id = "444455556666"

[[credentials]]
access_key_id = "AKIAADMIN"
secret_access_key = "admin-secret"
account = "444455556666"

)",
                                    credentials);
    return ParseServerConfig(text, (dir_ / "server.toml").string());
  }

  perimeter_testing::ScopedTempDir temp_;
  const std::filesystem::path dir_ = temp_.path();
};

TEST_F(CredentialPoliciesTest, FilesAndInlineTextByAccessKey) {
  absl::StatusOr<ServerConfig> config = Parse(base::Concat(R"([[credentials]]
access_key_id = "AKIAAUDITOR"
secret_access_key = "auditor-secret"
account = "444455556666"
principal = "arn:aws:iam::444455556666:user/auditor"
policies = ["auditor.json"]
policy = '''{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}'''
)"));
  ASSERT_THAT(config, perimeter_testing::IsOk());
  EXPECT_FALSE(config->identity_policies.contains("AKIAADMIN")) << "no policies: full access";
  ASSERT_TRUE(config->identity_policies.contains("AKIAAUDITOR"));
  const auto& documents = config->identity_policies.at("AKIAAUDITOR");
  ASSERT_EQ(documents.size(), 2u);
  EXPECT_EQ(documents[0].first, (dir_ / "auditor.json").string());
  EXPECT_EQ(documents[0].second, kPolicy);
  EXPECT_NE(documents[1].first.find("server.toml:"), std::string::npos) << documents[1].first;
  EXPECT_NE(documents[1].second.find("Deny"), std::string::npos);
}

TEST_F(CredentialPoliciesTest, AnUnreadableFileIsAnErrorAtItsLine) {
  absl::StatusOr<ServerConfig> config = Parse(R"([[credentials]]
access_key_id = "AKIAAUDITOR"
secret_access_key = "auditor-secret"
account = "444455556666"
policies = ["missing.json"]
)");
  EXPECT_THAT(config,
              perimeter_testing::StatusIs(absl::StatusCode::kInvalidArgument, "server.toml:13:"));
  EXPECT_THAT(config, perimeter_testing::StatusIs(absl::StatusCode::kInvalidArgument,
                                                  "cannot read the policy file"));
}

}  // namespace
}  // namespace perimeter::server
