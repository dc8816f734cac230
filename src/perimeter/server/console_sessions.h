// The web console's sign-in sessions (docs/console.md, "Sessions").
//
// A session is made by signing in with an access key id and its secret, both of the server's
// configuration ([[credentials]]); it acts with that key from then on, so the console sees exactly
// what the key's SigV4 callers see (same operation table, same identity-based policies). The id is
// 256 random bits (the HttpOnly, SameSite=Strict cookie), the CSRF token another 256 (a header the
// console sends with every call; a page of another origin can read neither). Sessions live in
// memory: a restart signs everyone out. A session expires `lifetime` after sign-in, and after
// `idle_timeout` without a call.
#ifndef PERIMETER_SERVER_CONSOLE_SESSIONS_H_
#define PERIMETER_SERVER_CONSOLE_SESSIONS_H_

#include <cstddef>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "perimeter/aws/sigv4/sigv4.h"
#include "perimeter/base/clock.h"

namespace perimeter::server {

struct ConsoleSession {
  std::string id;          // the cookie's value
  std::string csrf_token;  // required in X-Perimeter-Csrf on every call but sign-in
  std::string access_key_id;
  std::string account_id;
  std::string principal_arn;
  base::UnixMillis expires_at = 0;  // absolute: sign-in + lifetime
  base::UnixMillis last_used = 0;
};

// True when `given` equals `expected`. The time taken does not depend on where they differ nor on
// their lengths (both are hashed with SHA-256 first, then compared with CRYPTO_memcmp).
bool SecretMatches(std::string_view given, std::string_view expected);

// 32 random bytes (OpenSSL RAND_bytes), as 64 hexadecimal digits.
std::string RandomToken();

class ConsoleSessions {
 public:
  struct Options {
    base::UnixMillis lifetime = 8 * 3600 * 1000;
    base::UnixMillis idle_timeout = 3600 * 1000;
    // Beyond it, signing in drops the session used least recently.
    size_t max_sessions = 10000;
  };
  // `random_token` makes ids and CSRF tokens (RandomToken in production; tests inject their own).
  ConsoleSessions(const base::Clock& clock, std::function<std::string()> random_token,
                  Options options);

  // Signs in: nullopt unless `credentials` holds `access_key_id` with exactly `secret`. All keys'
  // secrets are compared, so a wrong key takes as long as a wrong secret. Thread-safe.
  std::optional<ConsoleSession> SignIn(const std::vector<aws::sigv4::Credential>& credentials,
                                       std::string_view access_key_id, std::string_view secret);
  // The live session of that id (its idle clock restarted); nullopt when unknown or expired (an
  // expired one is removed). Thread-safe.
  std::optional<ConsoleSession> Find(std::string_view id);
  // Signs out. Thread-safe.
  void SignOut(std::string_view id);
  size_t size() const;

 private:
  void EvictExpired(base::UnixMillis now);  // REQUIRES: mutex_ held

  const base::Clock& clock_;
  std::function<std::string()> random_token_;
  Options options_;
  mutable std::mutex mutex_;
  std::map<std::string, ConsoleSession, std::less<>> sessions_;  // guarded by mutex_
};

}  // namespace perimeter::server

#endif  // PERIMETER_SERVER_CONSOLE_SESSIONS_H_
