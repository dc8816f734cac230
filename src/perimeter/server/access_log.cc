#include "perimeter/server/access_log.h"

#include <ctime>

#include "perimeter/json/writer.h"

namespace perimeter::server {

namespace {

// "2026-12-07T09:15:02.123Z"
std::string IsoTime(base::UnixMillis millis) {
  std::time_t seconds = static_cast<std::time_t>(millis / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char buffer[40];
  size_t size = std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%S", &utc);
  std::snprintf(buffer + size, sizeof(buffer) - size, ".%03dZ", static_cast<int>(millis % 1000));
  return buffer;
}

}  // namespace

std::string FormatAccessLogEntry(const AccessLogEntry& entry) {
  json::Writer w;
  w.BeginObject();
  w.Key("time").String(IsoTime(entry.time));
  w.Key("requestId").String(entry.request_id);
  w.Key("remote").String(entry.remote);
  w.Key("method").String(entry.method);
  w.Key("path").String(entry.path);
  w.Key("operation").String(entry.operation);
  w.Key("accessKeyId").String(entry.access_key_id);
  w.Key("account").String(entry.account);
  w.Key("principal").String(entry.principal);
  w.Key("region").String(entry.region);
  w.Key("resource").BeginObject();
  for (const auto& [name, value] : entry.resource) w.Key(name).String(value);
  w.EndObject();
  w.Key("status").Int(entry.status);
  w.Key("errorCode").String(entry.error_code);
  w.Key("latencyMs")
      .Number(std::to_string(entry.latency_micros / 1000) + "." +
              std::to_string(1000 + entry.latency_micros % 1000).substr(1));
  w.Key("requestBytes").Int(static_cast<int64_t>(entry.request_bytes));
  w.Key("responseBytes").Int(static_cast<int64_t>(entry.response_bytes));
  w.EndObject();
  return std::move(w).Take();
}

void AccessLog::Write(const AccessLogEntry& entry) {
  std::string line = FormatAccessLogEntry(entry);
  line.push_back('\n');
  std::lock_guard lock(mutex_);
  out_ << line << std::flush;
}

}  // namespace perimeter::server
