// Per-credential request rate limits: one token bucket per access key. A bucket holds at most
// `burst` tokens and gains `rate` a second; a request takes one. An empty bucket means the request
// is answered with AWS's throttling error (Access Analyzer: ThrottlingException, HTTP 429,
// Retry-After; Organizations: TooManyRequestsException), which the AWS SDKs and CLIs retry with
// backoff.
#ifndef PERIMETER_SERVER_RATE_LIMITER_H_
#define PERIMETER_SERVER_RATE_LIMITER_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace perimeter::server {

struct RateLimit {
  double rate = 0;   // requests per second; 0: no limit
  double burst = 0;  // bucket size; at least 1 when rate > 0
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimit limit) : limit_(limit) {}

  // Takes a token of `key`'s bucket at `now_millis` (a monotonic clock). Returns nullopt when the
  // request may go ahead, else the whole seconds after which a token will be there (at least 1).
  // Thread-safe.
  std::optional<int> Acquire(std::string_view key, int64_t now_millis);

 private:
  struct Bucket {
    double tokens;
    int64_t updated_millis;
  };
  RateLimit limit_;
  std::mutex mutex_;
  std::unordered_map<std::string, Bucket>
      buckets_;  // one per known access key: bounded by the config
};

}  // namespace perimeter::server

#endif  // PERIMETER_SERVER_RATE_LIMITER_H_
