#include "perimeter/server/console_sessions.h"

#include "gtest/gtest.h"

namespace perimeter::server {
namespace {

struct SecretCase {
  std::string given;
  std::string expected;
  bool matches;
};

class SecretMatchesTest : public ::testing::TestWithParam<SecretCase> {};

TEST_P(SecretMatchesTest, ComparesWholeSecrets) {
  EXPECT_EQ(SecretMatches(GetParam().given, GetParam().expected), GetParam().matches);
}

INSTANTIATE_TEST_SUITE_P(Cases, SecretMatchesTest,
                         ::testing::Values(SecretCase{"secret", "secret", true},
                                           SecretCase{"secret", "secreT", false},
                                           SecretCase{"secre", "secret", false},
                                           SecretCase{"secret-and-more", "secret", false},
                                           SecretCase{"", "secret", false},
                                           SecretCase{"", "", true}));

const std::vector<aws::sigv4::Credential> kCredentials = {
    {"AKIADEV", "dev-secret", "444455556666", "arn:aws:iam::444455556666:user/dev"},
    {"AKIAPROD", "prod-secret", "777788889999", "arn:aws:iam::777788889999:user/prod"},
    {"", "", "111122223333", ""},  // a demo key not made yet
};

class ConsoleSessionsTest : public ::testing::Test {
 protected:
  ConsoleSessions Make(ConsoleSessions::Options options = {}) {
    return ConsoleSessions(
        clock_, [this] { return "token-" + std::to_string(++counter_); }, options);
  }
  base::FakeClock clock_{1'000'000};
  int counter_ = 0;
};

struct SignInCase {
  std::string key;
  std::string secret;
  std::string account;  // "" when refused
};

class SignInTest : public ConsoleSessionsTest, public ::testing::WithParamInterface<SignInCase> {};

TEST_P(SignInTest, BindsTheSessionToTheKeysAccount) {
  ConsoleSessions sessions = Make();
  std::optional<ConsoleSession> session =
      sessions.SignIn(kCredentials, GetParam().key, GetParam().secret);
  if (GetParam().account.empty()) {
    EXPECT_FALSE(session.has_value());
    EXPECT_EQ(sessions.size(), 0u);
    return;
  }
  ASSERT_TRUE(session.has_value());
  EXPECT_EQ(session->account_id, GetParam().account);
  EXPECT_EQ(session->access_key_id, GetParam().key);
  EXPECT_NE(session->id, session->csrf_token);
  EXPECT_EQ(sessions.Find(session->id)->account_id, GetParam().account);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, SignInTest,
    ::testing::Values(SignInCase{"AKIADEV", "dev-secret", "444455556666"},
                      SignInCase{"AKIAPROD", "prod-secret", "777788889999"},
                      SignInCase{"AKIADEV", "prod-secret", ""},  // another key's secret
                      SignInCase{"AKIADEV", "dev-secre", ""},    // a prefix
                      SignInCase{"AKIAUNKNOWN", "dev-secret", ""},
                      SignInCase{"", "", ""}));  // the empty key of a demo key not made

TEST_F(ConsoleSessionsTest, ExpiresAfterItsLifetimeEvenWhenUsed) {
  ConsoleSessions sessions = Make({.lifetime = 10'000, .idle_timeout = 5'000});
  std::string id = sessions.SignIn(kCredentials, "AKIADEV", "dev-secret")->id;
  for (int i = 0; i < 4; ++i) {
    clock_.Advance(2'000);
    EXPECT_TRUE(sessions.Find(id).has_value()) << i;
  }
  clock_.Advance(2'000);  // 10 s after sign-in
  EXPECT_FALSE(sessions.Find(id).has_value());
  EXPECT_EQ(sessions.size(), 0u);
}

TEST_F(ConsoleSessionsTest, ExpiresWhenIdle) {
  ConsoleSessions sessions = Make({.lifetime = 100'000, .idle_timeout = 5'000});
  std::string id = sessions.SignIn(kCredentials, "AKIADEV", "dev-secret")->id;
  clock_.Advance(4'999);
  EXPECT_TRUE(sessions.Find(id).has_value());
  clock_.Advance(5'000);
  EXPECT_FALSE(sessions.Find(id).has_value());
}

TEST_F(ConsoleSessionsTest, SignOutEndsOnlyThatSession) {
  ConsoleSessions sessions = Make();
  std::string first = sessions.SignIn(kCredentials, "AKIADEV", "dev-secret")->id;
  std::string second = sessions.SignIn(kCredentials, "AKIADEV", "dev-secret")->id;
  sessions.SignOut(first);
  EXPECT_FALSE(sessions.Find(first).has_value());
  EXPECT_TRUE(sessions.Find(second).has_value());
}

TEST_F(ConsoleSessionsTest, BeyondTheLimitTheLeastRecentlyUsedGoes) {
  ConsoleSessions sessions = Make({.max_sessions = 2});
  std::string a = sessions.SignIn(kCredentials, "AKIADEV", "dev-secret")->id;
  clock_.Advance(1);
  std::string b = sessions.SignIn(kCredentials, "AKIADEV", "dev-secret")->id;
  clock_.Advance(1);
  sessions.Find(a);  // a used after b
  clock_.Advance(1);
  std::string c = sessions.SignIn(kCredentials, "AKIAPROD", "prod-secret")->id;
  EXPECT_TRUE(sessions.Find(a).has_value());
  EXPECT_FALSE(sessions.Find(b).has_value());
  EXPECT_TRUE(sessions.Find(c).has_value());
}

TEST(RandomToken, IsSixtyFourHexDigitsAndDiffers) {
  std::string a = RandomToken(), b = RandomToken();
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_NE(a, b);
}

}  // namespace
}  // namespace perimeter::server
