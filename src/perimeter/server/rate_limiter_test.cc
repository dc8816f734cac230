#include "perimeter/server/rate_limiter.h"

#include "gtest/gtest.h"

namespace perimeter::server {
namespace {

TEST(RateLimiter, NoLimitByDefault) {
  RateLimiter limiter(RateLimit{});
  for (int i = 0; i < 10000; ++i) EXPECT_EQ(limiter.Acquire("k", 0), std::nullopt);
}

TEST(RateLimiter, BurstThenRatePerKey) {
  RateLimiter limiter(RateLimit{.rate = 2, .burst = 3});
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Acquire("a", 1000), std::nullopt) << i;
  EXPECT_EQ(limiter.Acquire("a", 1000), 1);             // empty: one token in 0.5 s, said as 1 s
  EXPECT_EQ(limiter.Acquire("b", 1000), std::nullopt);  // another key has its own bucket
  EXPECT_EQ(limiter.Acquire("a", 1499), 1);
  EXPECT_EQ(limiter.Acquire("a", 1500), std::nullopt);  // 0.5 s at 2/s: one token
  EXPECT_EQ(limiter.Acquire("a", 1500), 1);
  // Refills up to the burst, no further.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Acquire("a", 60000), std::nullopt) << i;
  EXPECT_EQ(limiter.Acquire("a", 60000), 1);
}

TEST(RateLimiter, SlowRateSaysHowLongToWait) {
  RateLimiter limiter(RateLimit{.rate = 0.1, .burst = 1});
  EXPECT_EQ(limiter.Acquire("a", 0), std::nullopt);
  EXPECT_EQ(limiter.Acquire("a", 0), 10);
  EXPECT_EQ(limiter.Acquire("a", 5000), 5);
}

}  // namespace
}  // namespace perimeter::server
