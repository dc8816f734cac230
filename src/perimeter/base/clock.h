// The time source. Code that needs "now" (SigV4 skew checks, finding timestamps, retention) takes a
// Clock so that tests are hermetic: they inject a FakeClock and move it by hand.
#ifndef PERIMETER_BASE_CLOCK_H_
#define PERIMETER_BASE_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>

namespace perimeter::base {

// Milliseconds since the Unix epoch, UTC.
using UnixMillis = int64_t;

class Clock {
 public:
  virtual ~Clock() = default;
  // The current time. Thread-safe.
  virtual UnixMillis Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  UnixMillis Now() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

// A clock that only moves when told to.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(UnixMillis now) : now_(now) {}
  UnixMillis Now() const override { return now_.load(); }
  void Set(UnixMillis now) { now_.store(now); }
  void Advance(UnixMillis millis) { now_.fetch_add(millis); }

 private:
  std::atomic<UnixMillis> now_;
};

}  // namespace perimeter::base

#endif  // PERIMETER_BASE_CLOCK_H_
