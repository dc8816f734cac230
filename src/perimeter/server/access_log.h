// The access log of `perimeter serve`: one JSON object per line for every request answered,
// refusals included (docs/server.md, "Access log", shows how to read it with jq). It records who
// asked for what and how it ended, never a secret or a body: no Authorization header, signature,
// secret key, session token, query string or body is written.
#ifndef PERIMETER_SERVER_ACCESS_LOG_H_
#define PERIMETER_SERVER_ACCESS_LOG_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <ostream>
#include <string>

#include "perimeter/base/clock.h"

namespace perimeter::server {

struct AccessLogEntry {
  base::UnixMillis time = 0;  // when the request's header arrived
  std::string request_id;
  std::string remote;  // "127.0.0.1:53122"
  std::string method;
  std::string path;       // without the query
  std::string operation;  // "ListFindings", "organizations:ListAccounts", "perimeter:Import"; ""
                          // when unrouted
  std::string access_key_id;  // "" when the request was not signed by a known key
  std::string account;
  std::string principal;
  std::string region;
  std::map<std::string, std::string>
      resource;  // the operation's path labels (analyzerName, resourceArn, id)
  int status = 0;
  std::string error_code;  // AWS's error code of a failed request; "" on success
  int64_t latency_micros = 0;
  uint64_t request_bytes = 0;
  uint64_t response_bytes = 0;
};

// The JSON line of `entry` (no newline).
std::string FormatAccessLogEntry(const AccessLogEntry& entry);

// Writes entries to a stream, one whole line at a time (thread-safe), flushed after each.
class AccessLog {
 public:
  explicit AccessLog(std::ostream& out) : out_(out) {}
  void Write(const AccessLogEntry& entry);

 private:
  std::mutex mutex_;
  std::ostream& out_;
};

}  // namespace perimeter::server

#endif  // PERIMETER_SERVER_ACCESS_LOG_H_
