#include "perimeter/aws/sigv4/sigv4.h"

#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace perimeter::aws::sigv4 {
namespace {

constexpr base::UnixMillis kSignedAt = 1714564800000;  // 2024-05-01T12:00:00Z

const Credential kMgmt{"AKIAEXAMPLEMGMT00001", "mgmt-secret-example-key-000000000000000",
                       "111122223333", "arn:aws:iam::111122223333:user/admin"};

CredentialLookup Lookup() {
  return [](std::string_view key) -> std::optional<Credential> {
    if (key == kMgmt.access_key_id) return kMgmt;
    return std::nullopt;
  };
}

// Requests signed by botocore's SigV4Auth (python3-botocore 1.29) at kSignedAt with kMgmt's key.
struct BotocoreCase {
  std::string name;
  std::string method;
  std::string path;
  std::string query;
  std::string body;
  std::string content_type;
  std::string signed_headers;
  std::string signature;
};

class BotocoreVectorTest : public testing::TestWithParam<BotocoreCase> {};

TEST_P(BotocoreVectorTest, Verifies) {
  const BotocoreCase& c = GetParam();
  HttpRequestView request{c.method, c.path, c.query, {}, c.body};
  request.headers.emplace_back("Host", "127.0.0.1:8080");
  request.headers.emplace_back("X-Amz-Date", "20240501T120000Z");
  if (!c.content_type.empty()) request.headers.emplace_back("Content-Type", c.content_type);
  request.headers.emplace_back(
      "Authorization",
      "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEMGMT00001/20240501/us-east-1/access-analyzer/"
      "aws4_request, SignedHeaders=" +
          c.signed_headers + ", Signature=" + c.signature);
  auto result = Verify(request, "access-analyzer", Lookup(), kSignedAt + 60'000);
  ASSERT_TRUE(std::holds_alternative<Caller>(result)) << std::get<AuthError>(result).message;
  EXPECT_EQ(std::get<Caller>(result).account_id, "111122223333");
  EXPECT_EQ(std::get<Caller>(result).region, "us-east-1");

  // Our own signer gives the same signature.
  std::vector<std::pair<std::string, std::string>> headers = {{"Host", "127.0.0.1:8080"}};
  if (!c.content_type.empty()) headers.emplace_back("Content-Type", c.content_type);
  Sign(c.method, c.path, c.query, headers, c.body, kMgmt, "us-east-1", "access-analyzer",
       kSignedAt);
  EXPECT_NE(headers.back().second.find(c.signature), std::string::npos) << headers.back().second;
}

INSTANTIATE_TEST_SUITE_P(
    Sigv4, BotocoreVectorTest,
    testing::Values(
        BotocoreCase{
            "ArnLabel", "GET",
            "/tags/"
            "arn%3Aaws%3Aaccess-analyzer%3Aus-east-1%3A111122223333%3Aanalyzer%2Forg-analyzer",
            "", "", "", "host;x-amz-date",
            "958f5b2a8e2636398bae3e6d5e907ed7c8396009ccbecce4655dcca836e138d7"},
        BotocoreCase{"Query", "GET", "/analyzer", "maxResults=5&type=ORGANIZATION", "", "",
                     "host;x-amz-date",
                     "658a2623e71f22cf6ec9255e341a029a146c069c13d9c416ad33ca5ee7924bc8"},
        BotocoreCase{"RepeatedQuery", "DELETE",
                     "/tags/arn%3Aaws%3Aaccess-analyzer%3Aus-east-1%3A111122223333%3Aanalyzer%2Fa",
                     "tagKeys=k%201&tagKeys=a", "", "", "host;x-amz-date",
                     "467662b659cea342d112cf1e8db969fabdfba0590eaa7beb6524b1d1b768f0b5"},
        BotocoreCase{
            "Body", "PUT", "/analyzer", "",
            R"({"analyzerName": "org-analyzer", "type": "ORGANIZATION", "clientToken": "x"})",
            "application/json", "content-type;host;x-amz-date",
            "960f2223b576de2266a199b0144a7d1f9f71df39308cdac3635d7ad145cd961c"}),
    [](const testing::TestParamInfo<BotocoreCase>& info) { return info.param.name; });

// A request signed by our signer, then altered by each case: the expected refusal.
struct RefusalCase {
  std::string name;
  std::function<void(HttpRequestView&, std::vector<std::pair<std::string, std::string>>&,
                     std::string&)>
      alter;
  base::UnixMillis now_offset = 0;
  std::string service = "access-analyzer";
  std::string code;
};

class RefusalTest : public testing::TestWithParam<RefusalCase> {};

void SetHeader(std::vector<std::pair<std::string, std::string>>& headers, std::string_view name,
               std::string value) {
  for (auto& [header_name, header_value] : headers) {
    if (header_name == name) header_value = std::move(value);
  }
}

TEST_P(RefusalTest, Refuses) {
  const RefusalCase& c = GetParam();
  std::string body = R"({"analyzerName":"a","type":"ACCOUNT"})";
  std::vector<std::pair<std::string, std::string>> headers = {{"Host", "127.0.0.1:8080"},
                                                              {"Content-Type", "application/json"}};
  Sign("PUT", "/analyzer", "", headers, body, kMgmt, "eu-west-1", "access-analyzer", kSignedAt);
  HttpRequestView request{"PUT", "/analyzer", "", {}, body};
  c.alter(request, headers, body);
  request.headers = headers;
  request.body = body;
  auto result = Verify(request, c.service, Lookup(), kSignedAt + c.now_offset);
  if (c.code.empty()) {
    EXPECT_TRUE(std::holds_alternative<Caller>(result)) << std::get<AuthError>(result).message;
    return;
  }
  ASSERT_TRUE(std::holds_alternative<AuthError>(result));
  EXPECT_EQ(std::get<AuthError>(result).code, c.code) << std::get<AuthError>(result).message;
}

auto Nothing = [](HttpRequestView&, auto&, std::string&) {};

INSTANTIATE_TEST_SUITE_P(
    Sigv4, RefusalTest,
    testing::Values(
        RefusalCase{"Valid", Nothing, 0, "access-analyzer", ""},
        RefusalCase{"SkewJustInside", Nothing, 14 * 60'000, "access-analyzer", ""},
        RefusalCase{"Expired", Nothing, 16 * 60'000, "access-analyzer",
                    "InvalidSignatureException"},
        RefusalCase{"FromTheFuture", Nothing, -16 * 60'000, "access-analyzer",
                    "InvalidSignatureException"},
        RefusalCase{"WrongService", Nothing, 0, "organizations", "InvalidSignatureException"},
        RefusalCase{"BodyChanged", [](auto&, auto&, std::string& body) { body += " "; }, 0,
                    "access-analyzer", "InvalidSignatureException"},
        RefusalCase{"MethodChanged", [](HttpRequestView& r, auto&, auto&) { r.method = "POST"; }, 0,
                    "access-analyzer", "InvalidSignatureException"},
        RefusalCase{"PathChanged",
                    [](HttpRequestView& r, auto&, auto&) { r.raw_path = "/analyzer/x"; }, 0,
                    "access-analyzer", "InvalidSignatureException"},
        RefusalCase{"QueryAdded",
                    [](HttpRequestView& r, auto&, auto&) { r.raw_query = "type=ACCOUNT"; }, 0,
                    "access-analyzer", "InvalidSignatureException"},
        RefusalCase{"UnknownKey",
                    [](auto&, auto& headers, auto&) {
                      for (auto& [name, value] : headers) {
                        if (name == "Authorization") {
                          value.replace(value.find("AKIAEXAMPLEMGMT00001"), 20,
                                        "AKIAUNKNOWN000000000");
                        }
                      }
                    },
                    0, "access-analyzer", "UnrecognizedClientException"},
        RefusalCase{"NoAuthorization",
                    [](auto&, auto& headers, auto&) {
                      std::erase_if(headers,
                                    [](const auto& h) { return h.first == "Authorization"; });
                    },
                    0, "access-analyzer", "MissingAuthenticationTokenException"},
        RefusalCase{"NoDate",
                    [](auto&, auto& headers, auto&) {
                      std::erase_if(headers, [](const auto& h) { return h.first == "X-Amz-Date"; });
                    },
                    0, "access-analyzer", "IncompleteSignatureException"},
        RefusalCase{"NoSignature",
                    [](auto&, auto& headers, auto&) {
                      SetHeader(
                          headers, "Authorization",
                          "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLEMGMT00001/20240501/eu-west-1/"
                          "access-analyzer/aws4_request, SignedHeaders=host;x-amz-date");
                    },
                    0, "access-analyzer", "IncompleteSignatureException"},
        RefusalCase{
            "BasicAuth",
            [](auto&, auto& headers, auto&) { SetHeader(headers, "Authorization", "Basic Zm9v"); },
            0, "access-analyzer", "IncompleteSignatureException"},
        RefusalCase{"ScopeDateMismatch",
                    [](auto&, auto& headers, auto&) {
                      SetHeader(headers, "X-Amz-Date", "20240502T120000Z");
                    },
                    0, "access-analyzer", "InvalidSignatureException"},
        RefusalCase{"UnsignedContentSha",
                    [](auto&, auto& headers, auto&) {
                      headers.emplace_back("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD");
                    },
                    0, "access-analyzer", "InvalidSignatureException"},
        RefusalCase{"UnsignedTarget",
                    [](auto&, auto& headers, auto&) {
                      headers.emplace_back("X-Amz-Target",
                                           "AWSOrganizationsV20161128.ListAccounts");
                    },
                    0, "access-analyzer", "InvalidSignatureException"},
        RefusalCase{
            "UnsignedTargetAnyCase",
            [](auto&, auto& headers, auto&) { headers.emplace_back("x-AMZ-target", "X.Y"); }, 0,
            "access-analyzer", "InvalidSignatureException"},
        RefusalCase{"UnsignedSecurityToken",
                    [](auto&, auto& headers, auto&) {
                      headers.emplace_back("X-Amz-Security-Token", "FwoG");
                    },
                    0, "access-analyzer", "InvalidSignatureException"},
        RefusalCase{
            "UnsignedOtherHeaderIsFine",
            [](auto&, auto& headers, auto&) { headers.emplace_back("User-Agent", "aws-cli/2"); }, 0,
            "access-analyzer", ""},
        RefusalCase{
            "UnsignedAmznTraceIdIsFine",
            [](auto&, auto& headers, auto&) { headers.emplace_back("X-Amzn-Trace-Id", "Root=1"); },
            0, "access-analyzer", ""}),
    [](const testing::TestParamInfo<RefusalCase>& info) { return info.param.name; });

// Signed x-amz-* headers pass; a session token on a long-term key is refused like AWS refuses an
// unknown token, before and after the body.
TEST(Sigv4, SignedAmzHeadersPassAndSessionTokenIsRefused) {
  std::string body = "{}";
  for (bool with_token : {false, true}) {
    std::vector<std::pair<std::string, std::string>> headers = {
        {"Host", "127.0.0.1:8080"},
        {"X-Amz-Target", "AWSOrganizationsV20161128.ListAccounts"},
        {"X-Amz-Content-Sha256", HexSha256(body)}};
    if (with_token) headers.emplace_back("X-Amz-Security-Token", "FwoGZXIvYXdzEXAMPLE");
    Sign("POST", "/", "", headers, body, kMgmt, "us-east-1", "organizations", kSignedAt);
    HttpRequestView request{"POST", "/", "", headers, body};
    for (auto result : {Verify(request, "organizations", Lookup(), kSignedAt),
                        CheckHeaders(request, "organizations", Lookup(), kSignedAt)}) {
      if (!with_token) {
        EXPECT_TRUE(std::holds_alternative<Caller>(result)) << std::get<AuthError>(result).message;
      } else {
        ASSERT_TRUE(std::holds_alternative<AuthError>(result));
        EXPECT_EQ(std::get<AuthError>(result),
                  (AuthError{"UnrecognizedClientException",
                             "The security token included in the request is invalid."}));
      }
    }
  }
}

// A temporary key (sts:AssumeRole's) is accepted with its own session token only: without one, or
// with another, it is refused as AWS refuses an unknown token.
TEST(Sigv4, TemporaryKeyNeedsItsSessionToken) {
  const Credential session{"ASIAEXAMPLESESSION01", "session-secret-example-00000000000000000",
                           "444455556666",
                           "arn:aws:sts::444455556666:assumed-role/OrganizationAccountAccessRole/c",
                           "IQoJb3JpZ2luX2VjEXAMPLETOKEN"};
  CredentialLookup lookup = [&](std::string_view key) -> std::optional<Credential> {
    if (key == session.access_key_id) return session;
    return std::nullopt;
  };
  struct Case {
    std::optional<std::string> token;
    bool accepted;
  };
  for (const Case& c : {Case{session.session_token, true}, Case{std::nullopt, false},
                        Case{"IQoJb3JpZ2luX2VjEXAMPLETOKEX", false}, Case{"IQoJ", false}}) {
    std::vector<std::pair<std::string, std::string>> headers = {{"Host", "127.0.0.1:8080"}};
    if (c.token) headers.emplace_back("X-Amz-Security-Token", *c.token);
    Sign("GET", "/analyzer", "", headers, "", session, "us-east-1", "access-analyzer", kSignedAt);
    HttpRequestView request{"GET", "/analyzer", "", headers, ""};
    for (auto result : {Verify(request, "access-analyzer", lookup, kSignedAt),
                        CheckHeaders(request, "access-analyzer", lookup, kSignedAt)}) {
      if (c.accepted) {
        ASSERT_TRUE(std::holds_alternative<Caller>(result)) << std::get<AuthError>(result).message;
        EXPECT_EQ(std::get<Caller>(result).account_id, "444455556666");
      } else {
        ASSERT_TRUE(std::holds_alternative<AuthError>(result)) << c.token.value_or("(none)");
        EXPECT_EQ(std::get<AuthError>(result).code, "UnrecognizedClientException");
      }
    }
  }
}

// CheckHeaders does everything but the signature: a changed body passes it, fails Verify.
TEST(Sigv4, CheckHeadersNeedsNoBody) {
  std::vector<std::pair<std::string, std::string>> headers = {{"Host", "h"}};
  Sign("PUT", "/analyzer", "", headers, "{}", kMgmt, "us-east-1", "access-analyzer", kSignedAt);
  HttpRequestView request{"PUT", "/analyzer", "", headers, "{\"x\":1}"};
  EXPECT_TRUE(std::holds_alternative<Caller>(
      CheckHeaders(request, "access-analyzer", Lookup(), kSignedAt)));
  EXPECT_TRUE(
      std::holds_alternative<AuthError>(Verify(request, "access-analyzer", Lookup(), kSignedAt)));
  EXPECT_TRUE(std::holds_alternative<AuthError>(
      CheckHeaders(request, "access-analyzer", Lookup(), kSignedAt + 16 * 60'000)));
}

struct UriCase {
  std::string raw;
  std::string canonical;
};

class CanonicalUriTest : public testing::TestWithParam<UriCase> {};

TEST_P(CanonicalUriTest, DoubleEncodesAndNormalises) {
  EXPECT_EQ(CanonicalUri(GetParam().raw), GetParam().canonical);
}

INSTANTIATE_TEST_SUITE_P(Sigv4, CanonicalUriTest,
                         testing::Values(UriCase{"", "/"}, UriCase{"/", "/"},
                                         UriCase{"/analyzer", "/analyzer"},
                                         UriCase{"/a//b/", "/a/b/"}, UriCase{"/a/./b/../c", "/a/c"},
                                         UriCase{"/tags/arn%3Aaws%2Fx", "/tags/arn%253Aaws%252Fx"},
                                         UriCase{"/a b", "/a%20b"}));

// RFC 4231 test cases 2 and 6 (a key longer than the block is hashed first).
TEST(Sigv4, HmacSha256MatchesRfc4231) {
  auto hex = [](std::string_view mac) {
    std::string out;
    for (unsigned char c : mac)
      out += "0123456789abcdef"[c >> 4], out += "0123456789abcdef"[c & 0xF];
    return out;
  };
  EXPECT_EQ(hex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(hex(HmacSha256(std::string(131, '\xaa'),
                           "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(Sigv4, AmzDateRoundTrips) {
  EXPECT_EQ(AmzDate(kSignedAt), "20240501T120000Z");
  EXPECT_EQ(ParseAmzDate("20240501T120000Z"), kSignedAt);
  EXPECT_EQ(ParseAmzDate("2024-05-01T12:00:00Z"), std::nullopt);
  EXPECT_EQ(ParseAmzDate("20241301T120000Z"), std::nullopt);
}

TEST(Sigv4, CanonicalQuerySortsAndReencodes) {
  EXPECT_EQ(CanonicalQuery("b=2&a=%7e&a=1&c"), "a=1&a=~&b=2&c=");
  EXPECT_EQ(CanonicalQuery("k=a%2Fb%20c"), "k=a%2Fb%20c");
}

}  // namespace
}  // namespace perimeter::aws::sigv4
