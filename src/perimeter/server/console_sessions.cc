#include "perimeter/server/console_sessions.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <cstdio>
#include <stdexcept>

namespace perimeter::server {

bool SecretMatches(std::string_view given, std::string_view expected) {
  unsigned char a[SHA256_DIGEST_LENGTH];
  unsigned char b[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(given.data()), given.size(), a);
  SHA256(reinterpret_cast<const unsigned char*>(expected.data()), expected.size(), b);
  return CRYPTO_memcmp(a, b, sizeof(a)) == 0;
}

std::string RandomToken() {
  unsigned char bytes[32];
  // RAND_bytes fails only when the OS's generator cannot be seeded: a session id must never be
  // guessable, so the process stops rather than hand out a weak one.
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) std::abort();
  std::string out;
  char hex[3];
  for (unsigned char byte : bytes) {
    std::snprintf(hex, sizeof(hex), "%02x", byte);
    out += hex;
  }
  return out;
}

ConsoleSessions::ConsoleSessions(const base::Clock& clock,
                                 std::function<std::string()> random_token, Options options)
    : clock_(clock), random_token_(std::move(random_token)), options_(options) {}

std::optional<ConsoleSession> ConsoleSessions::SignIn(
    const std::vector<aws::sigv4::Credential>& credentials, std::string_view access_key_id,
    std::string_view secret) {
  const aws::sigv4::Credential* matched = nullptr;
  for (const aws::sigv4::Credential& credential : credentials) {
    // Every secret is compared: the time does not tell whether the key id exists.
    bool secret_ok = SecretMatches(secret, credential.secret_access_key);
    if (SecretMatches(access_key_id, credential.access_key_id) && secret_ok &&
        !credential.access_key_id.empty())
      matched = &credential;
  }
  if (matched == nullptr) return std::nullopt;
  base::UnixMillis now = clock_.Now();
  ConsoleSession session{random_token_(),
                         random_token_(),
                         matched->access_key_id,
                         matched->account_id,
                         matched->principal_arn,
                         now + options_.lifetime,
                         now};
  std::lock_guard lock(mutex_);
  EvictExpired(now);
  while (sessions_.size() >= options_.max_sessions && !sessions_.empty()) {
    auto oldest = sessions_.begin();
    for (auto it = sessions_.begin(); it != sessions_.end(); ++it) {
      if (it->second.last_used < oldest->second.last_used) oldest = it;
    }
    sessions_.erase(oldest);
  }
  sessions_[session.id] = session;
  return session;
}

std::optional<ConsoleSession> ConsoleSessions::Find(std::string_view id) {
  base::UnixMillis now = clock_.Now();
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (now >= it->second.expires_at || now - it->second.last_used >= options_.idle_timeout) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_used = now;
  return it->second;
}

void ConsoleSessions::SignOut(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(id);
  if (it != sessions_.end()) sessions_.erase(it);
}

size_t ConsoleSessions::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

void ConsoleSessions::EvictExpired(base::UnixMillis now) {
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (now >= it->second.expires_at || now - it->second.last_used >= options_.idle_timeout) {
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
}

}  // namespace perimeter::server
