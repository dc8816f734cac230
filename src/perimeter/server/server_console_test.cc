// The web console's routes over raw sockets: its files and security headers, sign-in, the session
// cookie and CSRF token, and /console/api calls going through the same operation table and
// authorization as SigV4 callers.
#include <sstream>
#include <thread>

#include "gtest/gtest.h"
#include "perimeter/base/text.h"
#include "perimeter/json/document.h"
#include "perimeter/server/raw_test_client.h"
#include "perimeter/server/server.h"
#include "perimeter/store/memory/memory_store.h"

namespace perimeter::server {
namespace {

using testing_client::RawClient;

const aws::sigv4::Credential kDev{"AKIACONSOLEDEV", "dev-secret", "444455556666",
                                  "arn:aws:iam::444455556666:user/dev"};
const aws::sigv4::Credential kProd{"AKIACONSOLEPROD", "prod-secret", "777788889999",
                                   "arn:aws:iam::777788889999:user/prod"};
const aws::sigv4::Credential kAuditor{"AKIACONSOLEAUDIT", "audit-secret", "777788889999",
                                      "arn:aws:iam::777788889999:user/auditor"};

struct Reply {
  int status = 0;
  std::string raw;
  std::string Header(std::string_view name) const {
    std::string needle = base::Concat("\r\n", name, ": ");
    size_t at = raw.find(needle);
    if (at == std::string::npos) return "";
    at += needle.size();
    return raw.substr(at, raw.find("\r\n", at) - at);
  }
  std::string Body() const { return raw.substr(raw.find("\r\n\r\n") + 4); }
};

class ConsoleServer {
 public:
  ConsoleServer() : clock_(base::SystemClock().Now()) {
    ServerConfig config;
    config.port = 0;
    config.accounts = {{"444455556666", "Dev", {"us-east-1", "eu-west-1"}, ""},
                       {"777788889999", "Prod", {"us-east-1"}, ""}};
    config.credentials = {kDev, kProd, kAuditor};
    // The auditor may list analyzers but nothing else (api/authorization.h).
    config.identity_policies["AKIACONSOLEAUDIT"] = {
        {"auditor.json",
         R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"access-analyzer:ListAnalyzers","Resource":"*"}]})"}};
    config.scan_at_start = false;
    config.transport.shutdown_grace = absl::Seconds(1);
    server_ =
        Server::Create(std::move(config), std::make_unique<store::MemoryStore>(), clock_, log_)
            .value();
    port_ = server_->Bind().value();
    thread_ = std::thread([this] { server_->Run(); });
  }
  ~ConsoleServer() {
    server_->Stop();
    thread_.join();
  }

  Reply Send(std::string_view method, std::string_view path, std::string_view body = "",
             std::vector<std::pair<std::string, std::string>> headers = {}) {
    std::string request = base::Concat(method, " ", path, " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (const auto& [name, value] : headers) request += base::Concat(name, ": ", value, "\r\n");
    request += base::Concat("Content-Length: ", body.size(), "\r\n\r\n", body);
    RawClient client(port_);
    client.Send(request);
    Reply reply;
    reply.raw = client.ReadResponse();
    reply.status = reply.raw.size() > 12 ? std::stoi(reply.raw.substr(9, 3)) : 0;
    return reply;
  }

  absl::StatusOr<size_t> Import(const std::string& inventory) {
    return server_->Import("<test>", inventory);
  }
  void WaitForAnalysis() { server_->WaitForAnalysis(); }

  // Signs in; returns (cookie header value, CSRF token).
  std::pair<std::string, std::string> SignIn(const aws::sigv4::Credential& key) {
    Reply reply = Send("POST", "/console/session",
                       base::Concat(R"({"accessKeyId":")", key.access_key_id,
                                    R"(","secretAccessKey":")", key.secret_access_key, "\"}"),
                       {{"Content-Type", "application/json"}});
    EXPECT_EQ(reply.status, 200) << reply.raw;
    std::string cookie = reply.Header("Set-Cookie");
    std::string body = reply.Body();
    size_t at = body.find("\"csrfToken\":\"") + 13;
    return {cookie.substr(0, cookie.find(';')), body.substr(at, body.find('"', at) - at)};
  }

  Reply Call(const std::pair<std::string, std::string>& session, std::string_view operation,
             std::string_view input, std::string_view region = "us-east-1") {
    return Send("POST", base::Concat("/console/api/", operation), input,
                {{"Cookie", session.first},
                 {"X-Perimeter-Csrf", session.second},
                 {"X-Perimeter-Region", std::string(region)},
                 {"Content-Type", "application/json"}});
  }

 private:
  base::FakeClock clock_;
  std::ostringstream log_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
  int port_ = 0;
};

TEST(ServerConsole, ServesTheEmbeddedPageWithSecurityHeadersAndETag) {
  ConsoleServer server;
  Reply page = server.Send("GET", "/console/");
  ASSERT_EQ(page.status, 200) << page.raw;
  EXPECT_EQ(page.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(page.Header("Content-Security-Policy").find("default-src 'self'"), std::string::npos);
  EXPECT_NE(page.Header("Content-Security-Policy").find("frame-ancestors 'none'"),
            std::string::npos);
  EXPECT_EQ(page.Header("Content-Security-Policy").find("unsafe-inline"), std::string::npos);
  EXPECT_EQ(page.Header("X-Content-Type-Options"), "nosniff");
  std::string etag = page.Header("ETag");
  ASSERT_EQ(etag.size(), 34u) << etag;  // a strong ETag: 32 hex digits in quotes
  EXPECT_NE(page.Body().find("<script type=\"module\" src=\"/console/js/app.js\">"),
            std::string::npos);
  EXPECT_EQ(server.Send("GET", "/console/", "", {{"If-None-Match", etag}}).status, 304);
  EXPECT_EQ(server.Send("GET", "/console/js/app.js").Header("Content-Type"),
            "text/javascript; charset=utf-8");
  EXPECT_EQ(server.Send("GET", "/console/no-such-file.js").status, 404);
  EXPECT_EQ(server.Send("GET", "/console").status, 302);
}

TEST(ServerConsole, SignInNeedsTheRightSecretAndSetsAStrictHttpOnlyCookie) {
  ConsoleServer server;
  Reply wrong = server.Send("POST", "/console/session",
                            R"({"accessKeyId":"AKIACONSOLEDEV","secretAccessKey":"prod-secret"})",
                            {{"Content-Type", "application/json"}});
  EXPECT_EQ(wrong.status, 401) << wrong.raw;
  EXPECT_EQ(wrong.Header("Set-Cookie"), "");
  Reply form = server.Send("POST", "/console/session",
                           R"({"accessKeyId":"AKIACONSOLEDEV","secretAccessKey":"dev-secret"})",
                           {{"Content-Type", "application/x-www-form-urlencoded"}});
  EXPECT_EQ(form.status, 415) << "a cross-site form cannot sign in";
  Reply cross = server.Send("POST", "/console/session",
                            R"({"accessKeyId":"AKIACONSOLEDEV","secretAccessKey":"dev-secret"})",
                            {{"Content-Type", "application/json"}, {"Origin", "http://evil.test"}});
  EXPECT_EQ(cross.status, 403);
  Reply right = server.Send("POST", "/console/session",
                            R"({"accessKeyId":"AKIACONSOLEDEV","secretAccessKey":"dev-secret"})",
                            {{"Content-Type", "application/json"}});
  ASSERT_EQ(right.status, 200) << right.raw;
  std::string cookie = right.Header("Set-Cookie");
  EXPECT_TRUE(cookie.starts_with("perimeter_session=")) << cookie;
  EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
  EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << "plain HTTP: " << cookie;
  EXPECT_NE(right.Body().find("\"accountId\":\"444455556666\""), std::string::npos);
  EXPECT_NE(right.Body().find("\"regions\":[\"us-east-1\",\"eu-west-1\"]"), std::string::npos);
}

TEST(ServerConsole, SignInAttemptsAreThrottledPerKey) {
  ConsoleServer server;  // its clock does not move: no token comes back during the test
  auto attempt = [&server](std::string_view key, std::string_view secret) {
    return server
        .Send("POST", "/console/session",
              base::Concat(R"({"accessKeyId":")", key, R"(","secretAccessKey":")", secret, "\"}"),
              {{"Content-Type", "application/json"}})
        .status;
  };
  for (int i = 0; i < 10; ++i) EXPECT_EQ(attempt("AKIACONSOLEDEV", "guess"), 401) << i;
  EXPECT_EQ(attempt("AKIACONSOLEDEV", "guess"), 429);
  EXPECT_EQ(attempt("AKIACONSOLEDEV", "dev-secret"), 429) << "even the right secret waits";
  EXPECT_EQ(attempt("AKIACONSOLEPROD", "prod-secret"), 200) << "another key has its own bucket";
}

TEST(ServerConsole, ApiCallsNeedTheSessionAndItsCsrfToken) {
  ConsoleServer server;
  auto session = server.SignIn(kDev);
  EXPECT_EQ(server.Send("POST", "/console/api/ListAnalyzers", "{}").status, 401);
  Reply no_token =
      server.Send("POST", "/console/api/ListAnalyzers", "{}", {{"Cookie", session.first}});
  EXPECT_EQ(no_token.status, 403) << no_token.raw;
  Reply wrong_token = server.Call({session.first, session.second + "0"}, "ListAnalyzers", "{}");
  EXPECT_EQ(wrong_token.status, 403);
  Reply ok = server.Call(session, "ListAnalyzers", "{}");
  EXPECT_EQ(ok.status, 200) << ok.raw;
  EXPECT_EQ(ok.Header("Cache-Control"), "no-store");
  EXPECT_EQ(server.Call(session, "ListAnalyzers", "{}", "mars-north-1").status, 400);

  // Signed out: the cookie is worth nothing any more.
  EXPECT_EQ(server
                .Send("DELETE", "/console/session", "",
                      {{"Cookie", session.first}, {"X-Perimeter-Csrf", session.second}})
                .status,
            200);
  EXPECT_EQ(server.Call(session, "ListAnalyzers", "{}").status, 401);
}

TEST(ServerConsole, ActsAsTheSessionsAccountInTheChosenRegion) {
  ConsoleServer server;
  auto dev = server.SignIn(kDev);
  auto prod = server.SignIn(kProd);
  Reply created =
      server.Call(dev, "CreateAnalyzer", R"({"analyzerName":"dev","type":"ACCOUNT"})", "eu-west-1");
  ASSERT_EQ(created.status, 200) << created.raw;
  EXPECT_NE(created.Body().find("arn:aws:access-analyzer:eu-west-1:444455556666:analyzer/dev"),
            std::string::npos)
      << created.raw;
  EXPECT_NE(server.Call(dev, "ListAnalyzers", "{}", "eu-west-1").Body().find("\"dev\""),
            std::string::npos);
  EXPECT_EQ(server.Call(dev, "ListAnalyzers", "{}", "us-east-1").Body().find("\"dev\""),
            std::string::npos)
      << "another region";
  // Another account cannot reach it, by name or by ARN.
  EXPECT_EQ(server.Call(prod, "GetAnalyzer", R"({"analyzerName":"dev"})", "eu-west-1").status, 404);
  Reply foreign = server.Call(
      prod, "ListFindings",
      R"({"analyzerArn":"arn:aws:access-analyzer:eu-west-1:444455556666:analyzer/dev"})",
      "eu-west-1");
  EXPECT_GE(foreign.status, 400) << foreign.raw;
  Reply details = server.Call(
      prod, "perimeter/GetFindingDetails",
      R"({"analyzerArn":"arn:aws:access-analyzer:eu-west-1:444455556666:analyzer/dev","id":"x"})",
      "eu-west-1");
  EXPECT_GE(details.status, 400) << details.raw;
  EXPECT_EQ(details.Body().find("\"finding\""), std::string::npos);
}

// The finding page's call: GetFindingV2's answer with the witness and explanation of a read-only
// re-analysis and the resource's policies; for another account, nothing.
TEST(ServerConsole, FindingDetailsAddTheWitnessExplanationAndPolicy) {
  ConsoleServer server;
  ASSERT_TRUE(
      server
          .Import(
              R"({"kind":"resource","resourceArn":"arn:aws:sqs:us-east-1:444455556666:q","resourceType":"AWS::SQS::Queue","resourceOwnerAccount":"444455556666","region":"us-east-1","configuration":{"sqsQueue":{"queuePolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Partner\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"999988887777\"},\"Action\":\"sqs:SendMessage\",\"Resource\":\"arn:aws:sqs:us-east-1:444455556666:q\"}]}"}}})"
              "\n")
          .ok());
  auto dev = server.SignIn(kDev);
  ASSERT_EQ(server.Call(dev, "CreateAnalyzer", R"({"analyzerName":"dev","type":"ACCOUNT"})").status,
            200);
  server.WaitForAnalysis();
  const std::string arn = "arn:aws:access-analyzer:us-east-1:444455556666:analyzer/dev";
  Reply listed = server.Call(dev, "ListFindings", base::Concat(R"({"analyzerArn":")", arn, "\"}"));
  std::string body = listed.Body();
  size_t at = body.find("\"id\":\"");
  ASSERT_NE(at, std::string::npos) << listed.raw;
  at += 6;
  std::string id = body.substr(at, body.find('"', at) - at);
  std::string input = base::Concat(R"({"analyzerArn":")", arn, R"(","id":")", id, "\"}");
  Reply details = server.Call(dev, "perimeter/GetFindingDetails", input);
  ASSERT_EQ(details.status, 200) << details.raw;
  EXPECT_NE(details.Body().find("\"explained\":true"), std::string::npos) << details.raw;
  EXPECT_NE(details.Body().find("\"witness\":{"), std::string::npos) << details.raw;
  EXPECT_NE(details.Body().find("\"statementId\":\"Partner\""), std::string::npos) << details.raw;
  EXPECT_NE(details.Body().find("\"queuePolicy\""), std::string::npos) << details.raw;
  auto prod = server.SignIn(kProd);
  Reply foreign = server.Call(prod, "perimeter/GetFindingDetails", input);
  EXPECT_GE(foreign.status, 400) << foreign.raw;
  EXPECT_EQ(foreign.Body().find("queuePolicy"), std::string::npos);
}

// The finding page's status history and the dashboard's aggregates: the session's own findings,
// each change with its cause; another account is refused both, as GetFindingV2 and ListFindingsV2
// refuse it, and sees none of the history.
TEST(ServerConsole, FindingHistoryAndAggregatesOnlyForTheFindingsOwner) {
  ConsoleServer server;
  ASSERT_TRUE(
      server
          .Import(
              R"({"kind":"resource","resourceArn":"arn:aws:sqs:us-east-1:444455556666:q","resourceType":"AWS::SQS::Queue","resourceOwnerAccount":"444455556666","region":"us-east-1","configuration":{"sqsQueue":{"queuePolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"arn:aws:sqs:us-east-1:444455556666:q\"}]}"}}})"
              "\n")
          .ok());
  auto dev = server.SignIn(kDev);
  ASSERT_EQ(server.Call(dev, "CreateAnalyzer", R"({"analyzerName":"dev","type":"ACCOUNT"})").status,
            200);
  server.WaitForAnalysis();
  const std::string arn = "arn:aws:access-analyzer:us-east-1:444455556666:analyzer/dev";
  Reply listed = server.Call(dev, "ListFindings", base::Concat(R"({"analyzerArn":")", arn, "\"}"));
  std::string body = listed.Body();
  size_t at = body.find("\"id\":\"");
  ASSERT_NE(at, std::string::npos) << listed.raw;
  at += 6;
  std::string id = body.substr(at, body.find('"', at) - at);
  ASSERT_EQ(server
                .Call(dev, "UpdateFindings",
                      base::Concat(R"({"analyzerArn":")", arn, R"(","ids":[")", id,
                                   R"("],"status":"ARCHIVED"})"))
                .status,
            200);
  std::string input = base::Concat(R"({"analyzerArn":")", arn, R"(","id":")", id, "\"}");
  Reply history = server.Call(dev, "perimeter/GetFindingHistory", input);
  ASSERT_EQ(history.status, 200) << history.raw;
  body = history.Body();
  size_t created = body.find(R"("status":"ACTIVE","cause":"ANALYSIS")");
  size_t archived = body.find(
      R"("previousStatus":"ACTIVE","status":"ARCHIVED","cause":"UPDATE_FINDINGS","detail":"arn:aws:iam::444455556666:user/dev")");
  EXPECT_NE(created, std::string::npos) << body;
  EXPECT_NE(archived, std::string::npos) << body;
  EXPECT_LT(created, archived) << "oldest first";

  Reply aggregates = server.Call(dev, "perimeter/GetFindingAggregates",
                                 base::Concat(R"({"analyzerArn":")", arn, "\"}"));
  ASSERT_EQ(aggregates.status, 200) << aggregates.raw;
  // The one finding is archived: no active count, but its creation day.
  EXPECT_NE(
      aggregates.Body().find(R"("activeByResourceType":{},"activeByAccount":{},"activePublic":0)"),
      std::string::npos)
      << aggregates.raw;
  EXPECT_NE(aggregates.Body().find(R"("created":1,"resolved":0)"), std::string::npos)
      << aggregates.raw;
  ASSERT_EQ(server
                .Call(dev, "UpdateFindings",
                      base::Concat(R"({"analyzerArn":")", arn, R"(","ids":[")", id,
                                   R"("],"status":"ACTIVE"})"))
                .status,
            200);
  aggregates = server.Call(dev, "perimeter/GetFindingAggregates",
                           base::Concat(R"({"analyzerArn":")", arn, "\"}"));
  EXPECT_NE(
      aggregates.Body().find(
          R"("activeByResourceType":{"AWS::SQS::Queue":1},"activeByAccount":{"444455556666":1},"activePublic":1,"activeExternal":0,"activeErrors":0)"),
      std::string::npos)
      << aggregates.raw;

  auto prod = server.SignIn(kProd);
  Reply foreign = server.Call(prod, "perimeter/GetFindingHistory", input);
  EXPECT_GE(foreign.status, 400) << foreign.raw;
  EXPECT_EQ(foreign.Body().find("history"), std::string::npos) << foreign.raw;
  foreign = server.Call(prod, "perimeter/GetFindingAggregates",
                        base::Concat(R"({"analyzerArn":")", arn, "\"}"));
  EXPECT_GE(foreign.status, 400) << foreign.raw;
  EXPECT_EQ(foreign.Body().find("activeByAccount"), std::string::npos) << foreign.raw;
  auto auditor = server.SignIn(kAuditor);  // may only list analyzers (its identity policy)
  EXPECT_EQ(
      server
          .Call(auditor, "perimeter/GetFindingAggregates",
                R"({"analyzerArn":"arn:aws:access-analyzer:us-east-1:777788889999:analyzer/x"})")
          .status,
      403);
}

// A queue's resource record whose policy allows sqs:SendMessage to the AWS principal
// `policy_principal` (public when "*"); no policy when it is empty.
std::string QueueRecord(std::string_view name, std::string_view policy_principal) {
  std::string arn = base::Concat("arn:aws:sqs:us-east-1:444455556666:", name);
  std::string configuration =
      policy_principal.empty()
          ? std::string(R"({"sqsQueue":{}})")
          : base::Concat(
                R"({"sqsQueue":{"queuePolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\")",
                policy_principal, R"(\"},\"Action\":\"sqs:SendMessage\",\"Resource\":\")", arn,
                R"(\"}]}"}})");
  return base::Concat(
      R"({"kind":"resource","resourceArn":")", arn,
      R"(","resourceType":"AWS::SQS::Queue","resourceOwnerAccount":"444455556666","region":"us-east-1","configuration":)",
      configuration, "}\n");
}

// The id of the finding of `resource` in a ListFindings body ("" when none).
std::string FindingIdOf(const std::string& body, std::string_view resource) {
  json::ParseResult parsed = json::Parse(body);
  if (!parsed.ok()) return "";
  std::optional<json::Value> listed = parsed.document.root().Find("findings");
  if (!listed) return "";
  for (json::Value finding : listed->children()) {
    std::optional<json::Value> arn = finding.Find("resource");
    if (arn && arn->text() == resource) return std::string(finding.Find("id")->text());
  }
  return "";
}

// The analysis's causes in the status history: a finding created archived by a rule names the
// rule; a finding whose access is gone is RESOLVED by the analysis, and the dashboard's aggregates
// count it on its resolution day.
TEST(ServerConsole, FindingHistoryRecordsTheAnalysisAndItsArchiveRules) {
  ConsoleServer server;
  ASSERT_TRUE(server.Import(QueueRecord("q1", "*")).ok());
  auto dev = server.SignIn(kDev);
  ASSERT_EQ(server.Call(dev, "CreateAnalyzer", R"({"analyzerName":"dev","type":"ACCOUNT"})").status,
            200);
  server.WaitForAnalysis();
  ASSERT_EQ(
      server
          .Call(
              dev, "CreateArchiveRule",
              R"({"analyzerName":"dev","ruleName":"partner","filter":{"resource":{"eq":["arn:aws:sqs:us-east-1:444455556666:q2"]}}})")
          .status,
      200);
  ASSERT_TRUE(server.Import(QueueRecord("q2", "999988887777")).ok());  // archived by the rule
  ASSERT_TRUE(server.Import(QueueRecord("q1", "")).ok());              // q1's access is gone
  server.WaitForAnalysis();
  const std::string arn = "arn:aws:access-analyzer:us-east-1:444455556666:analyzer/dev";
  std::string listed =
      server.Call(dev, "ListFindings", base::Concat(R"({"analyzerArn":")", arn, "\"}")).Body();
  std::string q1 = FindingIdOf(listed, "arn:aws:sqs:us-east-1:444455556666:q1");
  std::string q2 = FindingIdOf(listed, "arn:aws:sqs:us-east-1:444455556666:q2");
  ASSERT_FALSE(q1.empty()) << listed;
  ASSERT_FALSE(q2.empty()) << listed;
  auto history = [&](const std::string& id) {
    Reply reply = server.Call(dev, "perimeter/GetFindingHistory",
                              base::Concat(R"({"analyzerArn":")", arn, R"(","id":")", id, "\"}"));
    EXPECT_EQ(reply.status, 200) << reply.raw;
    std::string body = reply.Body();
    // The times vary; the rest is exact.
    std::string out;
    for (size_t at = body.find("\"at\":\""); at != std::string::npos;
         at = body.find("\"at\":\"", at + 1)) {
      size_t start = body.find(',', at) + 1;
      out += body.substr(start, body.find('}', start) - start) + ";";
    }
    return out;
  };
  EXPECT_EQ(history(q1), R"("status":"ACTIVE","cause":"ANALYSIS";)"
                         R"("previousStatus":"ACTIVE","status":"RESOLVED","cause":"ANALYSIS";)");
  EXPECT_EQ(history(q2), R"("status":"ARCHIVED","cause":"ARCHIVE_RULE","detail":"partner";)");
  Reply aggregates = server.Call(dev, "perimeter/GetFindingAggregates",
                                 base::Concat(R"({"analyzerArn":")", arn, "\"}"));
  EXPECT_NE(aggregates.Body().find(R"("activeByResourceType":{},)"), std::string::npos)
      << aggregates.raw;
  EXPECT_NE(aggregates.Body().find(R"("created":2,"resolved":1)"), std::string::npos)
      << aggregates.raw;
}

TEST(ServerConsole, TheKeysIdentityPoliciesApply) {
  ConsoleServer server;
  auto auditor = server.SignIn(kAuditor);
  EXPECT_EQ(server.Call(auditor, "ListAnalyzers", "{}").status, 200);
  Reply denied = server.Call(auditor, "CreateAnalyzer", R"({"analyzerName":"a","type":"ACCOUNT"})");
  EXPECT_EQ(denied.status, 403) << denied.raw;
  EXPECT_EQ(denied.Header("x-amzn-ErrorType"), "AccessDeniedException");
  Reply org = server.Call(auditor, "organizations/ListAccounts", "{}");
  EXPECT_EQ(org.status, 403) << org.raw;
}

}  // namespace
}  // namespace perimeter::server
