// The temporary credentials `perimeter serve` issues for sts:AssumeRole (api/sts_operations.h), in
// memory (a restart ends every session, as it signs the console out): each an access key id
// "ASIA..." with its secret, session token, account, assumed-role ARN and expiration. Signed calls
// with them are verified like those of configured keys, their session token checked
// (aws/sigv4/sigv4.h); an expired session is an unknown key.
//
// Who may assume what (Server::IssueSession, docs/server.md "sts:AssumeRole"): the organization's
// management account may assume OrganizationAccountAccessRole in the member accounts, the role AWS
// Organizations creates in the accounts it creates, trusting the management account (AWS
// Organizations User Guide, "Accessing member accounts in your organization").
#ifndef PERIMETER_SERVER_ASSUMED_ROLE_SESSIONS_H_
#define PERIMETER_SERVER_ASSUMED_ROLE_SESSIONS_H_

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "perimeter/aws/sigv4/sigv4.h"
#include "perimeter/base/clock.h"

namespace perimeter::server {

class AssumedRoleSessions {
 public:
  // `random_token`: 64 hexadecimal digits a call (RandomToken in production).
  AssumedRoleSessions(const base::Clock& clock, std::function<std::string()> random_token,
                      size_t max_sessions = 10000)
      : clock_(clock), random_token_(std::move(random_token)), max_sessions_(max_sessions) {}

  struct Issued {
    aws::sigv4::Credential credential;  // with its session_token
    base::UnixMillis expires_at;
  };
  // A new session of `principal_arn` in `account_id` for `duration_seconds`. Beyond max_sessions,
  // the expired sessions are dropped, then the one that expires first.
  Issued Issue(std::string_view account_id, std::string_view principal_arn, int duration_seconds);
  // The session's credential while it has not expired.
  std::optional<aws::sigv4::Credential> Lookup(std::string_view access_key_id) const;

 private:
  const base::Clock& clock_;
  const std::function<std::string()> random_token_;
  const size_t max_sessions_;
  mutable std::mutex mutex_;
  std::map<std::string, Issued, std::less<>> sessions_;  // by access key id
};

}  // namespace perimeter::server

#endif  // PERIMETER_SERVER_ASSUMED_ROLE_SESSIONS_H_
