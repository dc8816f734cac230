// sts:AssumeRole's sessions: their keys' shape, their expiry, and the bound on how many are kept.
#include "perimeter/server/assumed_role_sessions.h"

#include <gtest/gtest.h>

#include <string>

namespace perimeter::server {
namespace {

// Distinct 64-hex-digit tokens, in sequence: "000...", "111...", ...
std::function<std::string()> CountingTokens() {
  auto next = std::make_shared<int>(0);
  return [next] { return std::string(64, "0123456789abcdef"[(*next)++ % 16]); };
}

TEST(AssumedRoleSessionsTest, KeysAreTemporaryOnesOfTheMemberAccount) {
  base::FakeClock clock(1'700'000'000'000);
  AssumedRoleSessions sessions(clock, CountingTokens());
  AssumedRoleSessions::Issued issued =
      sessions.Issue("444455556666",
                     "arn:aws:sts::444455556666:assumed-role/OrganizationAccountAccessRole/c", 900);
  EXPECT_EQ(issued.credential.access_key_id.size(), 20u);
  EXPECT_TRUE(issued.credential.access_key_id.starts_with("ASIA"));
  EXPECT_FALSE(issued.credential.session_token.empty());
  EXPECT_EQ(issued.expires_at, 1'700'000'900'000);
  std::optional<aws::sigv4::Credential> found = sessions.Lookup(issued.credential.access_key_id);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->account_id, "444455556666");
  EXPECT_EQ(found->session_token, issued.credential.session_token);
  EXPECT_FALSE(sessions.Lookup("ASIAUNKNOWN000000000").has_value());
}

TEST(AssumedRoleSessionsTest, AnExpiredSessionIsAnUnknownKey) {
  base::FakeClock clock(1'700'000'000'000);
  AssumedRoleSessions sessions(clock, CountingTokens());
  std::string key = sessions.Issue("444455556666", "arn", 900).credential.access_key_id;
  clock.Advance(899'999);
  EXPECT_TRUE(sessions.Lookup(key).has_value());
  clock.Advance(1);
  EXPECT_FALSE(sessions.Lookup(key).has_value());
}

TEST(AssumedRoleSessionsTest, BeyondTheBoundTheFirstToExpireIsDropped) {
  base::FakeClock clock(1'700'000'000'000);
  AssumedRoleSessions sessions(clock, CountingTokens(), /*max_sessions=*/2);
  std::string short_lived = sessions.Issue("1", "a", 900).credential.access_key_id;
  std::string long_lived = sessions.Issue("2", "b", 3600).credential.access_key_id;
  std::string newest = sessions.Issue("3", "c", 1800).credential.access_key_id;
  EXPECT_FALSE(sessions.Lookup(short_lived).has_value());
  EXPECT_TRUE(sessions.Lookup(long_lived).has_value());
  EXPECT_TRUE(sessions.Lookup(newest).has_value());
}

}  // namespace
}  // namespace perimeter::server
