#include "perimeter/server/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace perimeter::server {

std::optional<int> RateLimiter::Acquire(std::string_view key, int64_t now_millis) {
  if (limit_.rate <= 0) return std::nullopt;
  double burst = std::max(1.0, limit_.burst);
  std::lock_guard lock(mutex_);
  auto [it, inserted] = buckets_.try_emplace(std::string(key), Bucket{burst, now_millis});
  Bucket& bucket = it->second;
  if (now_millis > bucket.updated_millis) {
    bucket.tokens = std::min(
        burst, bucket.tokens + limit_.rate * (now_millis - bucket.updated_millis) / 1000.0);
    bucket.updated_millis = now_millis;
  }
  if (bucket.tokens >= 1) {
    bucket.tokens -= 1;
    return std::nullopt;
  }
  double wait_seconds = (1 - bucket.tokens) / limit_.rate;
  return std::max(1, static_cast<int>(std::ceil(wait_seconds)));
}

}  // namespace perimeter::server
