#include "perimeter/server/access_log.h"

#include <sstream>

#include "gtest/gtest.h"

namespace perimeter::server {
namespace {

TEST(AccessLog, OneJsonLinePerEntry) {
  AccessLogEntry entry;
  entry.time = 1765098902123;  // 2025-12-07T09:15:02.123Z
  entry.request_id = "r-1";
  entry.remote = "127.0.0.1:5000";
  entry.method = "GET";
  entry.path = "/analyzer/a1";
  entry.operation = "GetAnalyzer";
  entry.access_key_id = "AKIAEXAMPLE";
  entry.account = "444455556666";
  entry.principal = "arn:aws:iam::444455556666:user/dev";
  entry.region = "us-east-1";
  entry.resource = {{"analyzerName", "a\"1"}};
  entry.status = 404;
  entry.error_code = "ResourceNotFoundException";
  entry.latency_micros = 1502;
  entry.request_bytes = 0;
  entry.response_bytes = 80;
  std::ostringstream out;
  AccessLog log(out);
  log.Write(entry);
  log.Write(entry);
  std::string line =
      R"({"time":"2025-12-07T09:15:02.123Z","requestId":"r-1","remote":"127.0.0.1:5000","method":"GET",)"
      R"("path":"/analyzer/a1","operation":"GetAnalyzer","accessKeyId":"AKIAEXAMPLE","account":"444455556666",)"
      R"("principal":"arn:aws:iam::444455556666:user/dev","region":"us-east-1","resource":{"analyzerName":"a\"1"},)"
      R"("status":404,"errorCode":"ResourceNotFoundException","latencyMs":1.502,"requestBytes":0,"responseBytes":80})";
  EXPECT_EQ(out.str(), line + "\n" + line + "\n");
}

}  // namespace
}  // namespace perimeter::server
