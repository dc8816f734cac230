#include "perimeter/api/query_protocol.h"

#include <string>

#include "gtest/gtest.h"
#include "perimeter/api/s3_operations.h"
#include "perimeter/api/sts_operations.h"

namespace perimeter::api {
namespace {

struct FormCase {
  std::string name;
  std::string text;
  FormParameters expected;  // when `error` is empty
  std::string error;        // the error code, or ""
};

class DecodeFormTest : public testing::TestWithParam<FormCase> {};

TEST_P(DecodeFormTest, DecodesOrRefuses) {
  const FormCase& c = GetParam();
  auto decoded = DecodeForm(c.text);
  if (c.error.empty()) {
    ASSERT_TRUE(std::holds_alternative<FormParameters>(decoded))
        << std::get<AwsError>(decoded).message;
    EXPECT_EQ(std::get<FormParameters>(decoded), c.expected);
  } else {
    ASSERT_TRUE(std::holds_alternative<AwsError>(decoded));
    EXPECT_EQ(std::get<AwsError>(decoded).code, c.error);
    EXPECT_EQ(std::get<AwsError>(decoded).http_status, 404);
  }
}

std::string ManyPairs(size_t count) {
  std::string text;
  for (size_t i = 0; i < count; ++i) text += "a=1&";
  return text;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DecodeFormTest,
    testing::Values(
        FormCase{"GetCallerIdentity",
                 "Action=GetCallerIdentity&Version=2011-06-15",
                 {{"Action", "GetCallerIdentity"}, {"Version", "2011-06-15"}},
                 ""},
        FormCase{
            "PlusAndEscapes", "a=x+y%2Fz&b=%e2%82%ac", {{"a", "x y/z"}, {"b", "\xE2\x82\xAC"}}, ""},
        FormCase{"EmptyPairsAndValueless", "&&a&b=", {{"a", ""}, {"b", ""}}, ""},
        FormCase{"Empty", "", {}, ""},
        FormCase{"TruncatedEscape", "a=%4", {}, "MalformedQueryString"},
        FormCase{"BadHex", "a=%zz", {}, "MalformedQueryString"},
        FormCase{"EscapeAtEnd", "a=%", {}, "MalformedQueryString"},
        FormCase{
            "LongName", std::string(kMaxFormNameBytes + 1, 'n') + "=1", {}, "MalformedQueryString"},
        FormCase{"TooManyPairs", ManyPairs(kMaxFormParameters + 1), {}, "MalformedQueryString"}),
    [](const testing::TestParamInfo<FormCase>& info) { return info.param.name; });

TEST(XmlEscapeTest, EscapesMarkupAndReplacesControlCharacters) {
  EXPECT_EQ(XmlEscape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
  EXPECT_EQ(XmlEscape("x\ry"), "x&#xD;y");
  EXPECT_EQ(XmlEscape(std::string("a\0b\x01", 4)),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD");
  EXPECT_EQ(XmlEscape("tab\tnl\n"), "tab\tnl\n");
}

TEST(QueryErrorTest, HasTheErrorResponseShape) {
  ApiResponse response = QueryError(QueryProtocolError(400, "InvalidAction", "no <such> thing"),
                                    kStsNamespace, "req-1");
  EXPECT_EQ(response.status, 400);
  EXPECT_NE(
      response.body.find("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"),
      std::string::npos);
  EXPECT_NE(response.body.find("<Type>Sender</Type>"), std::string::npos);
  EXPECT_NE(response.body.find("<Code>InvalidAction</Code>"), std::string::npos);
  EXPECT_NE(response.body.find("<Message>no &lt;such&gt; thing</Message>"), std::string::npos);
  EXPECT_NE(response.body.find("<RequestId>req-1</RequestId>"), std::string::npos);
}

// STS over the query protocol.

Caller Dev(std::string principal = "arn:aws:iam::111122223333:user/dev<ops>") {
  return Caller{"111122223333", std::move(principal), "us-east-1"};
}

struct StsCase {
  std::string name;
  StsRequest request;
  int status;
  std::string must_contain;
};

class StsTest : public testing::TestWithParam<StsCase> {};

TEST_P(StsTest, AnswersInTheQueryProtocol) {
  const StsCase& c = GetParam();
  ApiResponse response = HandleSts(Dev(), c.request, "req-7");
  EXPECT_EQ(response.status, c.status) << response.body;
  EXPECT_NE(response.body.find(c.must_contain), std::string::npos) << response.body;
  EXPECT_NE(response.body.find("req-7"), std::string::npos);
}

constexpr std::string_view kForm = "application/x-www-form-urlencoded; charset=utf-8";

INSTANTIATE_TEST_SUITE_P(
    Cases, StsTest,
    testing::Values(
        StsCase{"PostForm",
                {"POST", "", kForm, "Action=GetCallerIdentity&Version=2011-06-15"},
                200,
                "<Arn>arn:aws:iam::111122223333:user/dev&lt;ops&gt;</Arn>"},
        StsCase{"GetQuery",
                {"GET", "Action=GetCallerIdentity&Version=2011-06-15", "", ""},
                200,
                "<Account>111122223333</Account>"},
        StsCase{"BodyIgnoredWithoutFormType",
                {"POST", "", "text/plain", "Action=GetCallerIdentity&Version=2011-06-15"},
                400,
                "<Code>MissingAction</Code>"},
        StsCase{"OtherAction",
                {"POST", "", kForm, "Action=AssumeRole&Version=2011-06-15&RoleArn=x"},
                400,
                "<Code>InvalidAction</Code>"},
        StsCase{"OtherVersion",
                {"POST", "", kForm, "Action=GetCallerIdentity&Version=2010-01-01"},
                400,
                "<Code>InvalidAction</Code>"},
        StsCase{"NoVersion",
                {"POST", "", kForm, "Action=GetCallerIdentity"},
                400,
                "<Code>MissingParameter</Code>"},
        StsCase{"MalformedBody",
                {"POST", "", kForm, "Action=Get%2"},
                404,
                "<Code>MalformedQueryString</Code>"},
        StsCase{"OtherMethod", {"PUT", "", kForm, ""}, 400, "<Code>InvalidAction</Code>"},
        StsCase{"OtherQueryService",
                {"POST", "", kForm, "Action=ListQueues&Version=2012-11-05", "sqs"},
                400,
                "Perimeter does not answer sqs:ListQueues"}),
    [](const testing::TestParamInfo<StsCase>& info) { return info.param.name; });

TEST(StsUserIdTest, FollowsAwsUniqueIdShapes) {
  EXPECT_EQ(StsUserId("111122223333", "arn:aws:iam::111122223333:root"), "111122223333");
  std::string user = StsUserId("111122223333", "arn:aws:iam::111122223333:user/dev");
  EXPECT_EQ(user.size(), 21u);
  EXPECT_TRUE(user.starts_with("AIDA")) << user;
  EXPECT_EQ(user.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"), std::string::npos);
  EXPECT_EQ(user, StsUserId("111122223333", "arn:aws:iam::111122223333:user/dev")) << "stable";
  EXPECT_NE(user, StsUserId("111122223333", "arn:aws:iam::111122223333:user/ops"));
  std::string session =
      StsUserId("111122223333", "arn:aws:sts::111122223333:assumed-role/Deploy/ci-run");
  EXPECT_TRUE(session.starts_with("AROA")) << session;
  EXPECT_TRUE(session.ends_with(":ci-run")) << session;
}

TEST(StsAuthErrorTest, UsesTheQueryProtocolCodes) {
  AwsError mismatch{403, "InvalidSignatureException", "bad", "", {}, "", ""};
  EXPECT_EQ(StsAuthError(mismatch).code, "SignatureDoesNotMatch");
  AwsError unknown{403, "UnrecognizedClientException", "bad", "", {}, "", ""};
  EXPECT_EQ(StsAuthError(unknown).code, "InvalidClientTokenId");
  EXPECT_EQ(StsAuthError(unknown).http_status, 403);
  AwsError throttled{400, "Throttling", "Rate exceeded", "", {}, "", ""};
  EXPECT_EQ(StsAuthError(throttled).code, "Throttling");
}

TEST(S3AuthErrorTest, UsesS3CodesAndKeepsOthers) {
  EXPECT_EQ(S3AuthError({403, "InvalidSignatureException", "bad", "", {}, "", ""}).code,
            "SignatureDoesNotMatch");
  EXPECT_EQ(S3AuthError({403, "UnrecognizedClientException", "bad", "", {}, "", ""}).code,
            "InvalidAccessKeyId");
  EXPECT_EQ(S3AuthError({403, "AccessDeniedException", "no", "", {}, "", ""}).code, "AccessDenied");
  AwsError slow =
      S3AuthError({503, "SlowDown", "Please reduce your request rate.", "", {}, "", ""});
  EXPECT_EQ(slow.code, "SlowDown");
  EXPECT_EQ(slow.http_status, 503);
}

// S3 ListBuckets.

std::vector<S3BucketEntry> Buckets() {
  return {{"zeta", "us-east-1"}, {"alpha", "eu-west-1"}, {"beta&co", "us-east-1"}};
}

std::vector<std::string> Names(const std::string& body) {
  std::vector<std::string> names;
  for (size_t at = body.find("<Name>"); at != std::string::npos; at = body.find("<Name>", at + 1)) {
    size_t end = body.find("</Name>", at);
    names.push_back(body.substr(at + 6, end - at - 6));
  }
  return names;
}

TEST(ListBucketsTest, ListsSortedWithTheOwner) {
  ApiResponse response = ListBuckets({}, {"abc123", "Dev"}, Buckets(), "req-2");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(Names(response.body), (std::vector<std::string>{"alpha", "beta&amp;co", "zeta"}));
  EXPECT_NE(response.body.find("<ListAllMyBucketsResult xmlns=\"http://s3.amazonaws.com/doc/"
                               "2006-03-01/\">"),
            std::string::npos);
  EXPECT_NE(response.body.find("<ID>abc123</ID>"), std::string::npos);
  EXPECT_NE(response.body.find("<DisplayName>Dev</DisplayName>"), std::string::npos);
  EXPECT_EQ(response.body.find("ContinuationToken"), std::string::npos);
}

TEST(ListBucketsTest, PagesFiltersAndValidates) {
  ApiResponse first = ListBuckets({{{"max-buckets", "2"}}}, {"id", "Dev"}, Buckets(), "r");
  EXPECT_EQ(Names(first.body), (std::vector<std::string>{"alpha", "beta&amp;co"}));
  EXPECT_NE(first.body.find("<ContinuationToken>beta&amp;co</ContinuationToken>"),
            std::string::npos);
  ApiResponse second = ListBuckets({{{"max-buckets", "2"}, {"continuation-token", "beta&co"}}},
                                   {"id", "Dev"}, Buckets(), "r");
  EXPECT_EQ(Names(second.body), (std::vector<std::string>{"zeta"}));
  EXPECT_EQ(second.body.find("ContinuationToken"), std::string::npos);
  ApiResponse regional =
      ListBuckets({{{"bucket-region", "eu-west-1"}}}, {"id", "Dev"}, Buckets(), "r");
  EXPECT_EQ(Names(regional.body), (std::vector<std::string>{"alpha"}));
  ApiResponse prefixed = ListBuckets({{{"prefix", "be"}}}, {"id", "Dev"}, Buckets(), "r");
  EXPECT_EQ(Names(prefixed.body), (std::vector<std::string>{"beta&amp;co"}));
  for (std::string bad : {"0", "10001", "x", "-1", "2x"}) {
    ApiResponse refused = ListBuckets({{{"max-buckets", bad}}}, {"id", "Dev"}, Buckets(), "r");
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_NE(refused.body.find("<Code>InvalidArgument</Code>"), std::string::npos) << bad;
  }
}

TEST(BucketNameOfTest, ReadsOnlyBucketArns) {
  EXPECT_EQ(BucketNameOf("arn:aws:s3:::my-bucket"), "my-bucket");
  EXPECT_EQ(BucketNameOf("arn:aws:s3:::my-bucket/key"), "");
  EXPECT_EQ(BucketNameOf("arn:aws:s3:us-east-1:111122223333:accesspoint/ap"), "");
  EXPECT_EQ(BucketNameOf("arn:aws:sqs:us-east-1:111122223333:q"), "");
}

}  // namespace
}  // namespace perimeter::api
