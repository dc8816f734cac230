#include "perimeter/server/assumed_role_sessions.h"

#include <algorithm>

namespace perimeter::server {

namespace {

// AWS's access key ids are 20 characters of [A-Z2-7], temporary ones starting with "ASIA" (IAM
// User Guide, "IAM identifiers"): 16 more from the random hexadecimal digits.
std::string AccessKeyId(std::string_view hex) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string id = "ASIA";
  for (size_t i = 0; i + 1 < hex.size() && id.size() < 20; i += 2) {
    int byte = std::stoi(std::string(hex.substr(i, 2)), nullptr, 16);
    id.push_back(kAlphabet[byte % 32]);
  }
  return id;
}

}  // namespace

AssumedRoleSessions::Issued AssumedRoleSessions::Issue(std::string_view account_id,
                                                       std::string_view principal_arn,
                                                       int duration_seconds) {
  base::UnixMillis now = clock_.Now();
  Issued issued;
  issued.credential.access_key_id = AccessKeyId(random_token_());
  issued.credential.secret_access_key = random_token_().substr(0, 40);
  issued.credential.session_token = random_token_() + random_token_();
  issued.credential.account_id = std::string(account_id);
  issued.credential.principal_arn = std::string(principal_arn);
  issued.expires_at = now + int64_t{duration_seconds} * 1000;
  std::lock_guard lock(mutex_);
  if (sessions_.size() >= max_sessions_) {
    std::erase_if(sessions_, [now](const auto& entry) { return entry.second.expires_at <= now; });
  }
  if (sessions_.size() >= max_sessions_) {
    auto first = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](const auto& a, const auto& b) { return a.second.expires_at < b.second.expires_at; });
    sessions_.erase(first);
  }
  sessions_[issued.credential.access_key_id] = issued;
  return issued;
}

std::optional<aws::sigv4::Credential> AssumedRoleSessions::Lookup(
    std::string_view access_key_id) const {
  std::lock_guard lock(mutex_);
  auto found = sessions_.find(access_key_id);
  if (found == sessions_.end() || found->second.expires_at <= clock_.Now()) return std::nullopt;
  return found->second.credential;
}

}  // namespace perimeter::server
