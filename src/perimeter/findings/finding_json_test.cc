#include "perimeter/findings/finding_json.h"

#include <functional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/json/writer.h"

namespace perimeter::findings {
namespace {

absl::Time At(std::string_view text) { return *ParseTimestamp(text); }

FindingRecord BucketRecord() {
  FindingRecord record;
  Finding& f = record.finding;
  f.id = "3c1f0b2a-1d2e-8f00-9a00-0123456789ab";
  f.principal = {{"AWS", "999988887777"}};
  f.actions = {"s3:GetObject", "s3:ListBucket"};
  f.condition = {{"aws:SourceVpc", "vpc-1"}};
  f.resource = "arn:aws:s3:::bucket";
  f.resource_type = "AWS::S3::Bucket";
  f.resource_owner_account = "111122223333";
  f.sources = {FindingSource{FindingSourceType::kS3AccessPoint,
                             "arn:aws:s3:us-east-1:111122223333:accesspoint/ap", std::nullopt}};
  f.witness.emplace();
  f.witness->principal = "arn:aws:iam::999988887777:root";
  f.witness->principal_type = "Account";
  f.witness->action = "s3:GetObject";
  f.witness->resource = "arn:aws:s3:::bucket/x";
  f.witness->context = {{"aws:SourceVpc", {"vpc-1"}}};
  f.explanation = {StatementRef{"resource", 0, "Share", base::SourcePosition{3, 5, 40}}};
  record.status = FindingStatus::kArchived;
  record.created_at = At("2024-05-01T12:00:00Z");
  record.analyzed_at = At("2024-05-03T08:30:15.250Z");
  record.updated_at = At("2024-05-02T00:00:00Z");
  return record;
}

FindingRecord ErrorRecord() {
  FindingRecord record;
  Finding& f = record.finding;
  f.id = "e0000000-0000-8000-8000-000000000000";
  f.resource = "arn:aws:kms:us-east-1:111122223333:key/k";
  f.resource_type = "AWS::KMS::Key";
  f.resource_owner_account = "111122223333";
  f.error = "ACCESS_DENIED";
  f.error_reason = "the key policy does not let the analyzer read it";
  f.principal = {{"AWS", "ignored"}};  // error findings carry no access details
  record.created_at = record.analyzed_at = record.updated_at = At("2024-05-01T12:00:00Z");
  return record;
}

// The text from the first `marker` on, so that a case can check the end of a long object.
std::string From(const std::string& text, std::string_view marker) {
  size_t at = text.find(marker);
  return at == std::string::npos ? "<no " + std::string(marker) + " in " + text + ">"
                                 : text.substr(at);
}

struct ShapeCase {
  std::string name;
  std::function<std::string()> render;
  std::string expected;
};

class FindingJsonTest : public testing::TestWithParam<ShapeCase> {};

TEST_P(FindingJsonTest, RendersAwsShape) { EXPECT_EQ(GetParam().render(), GetParam().expected); }

const JsonOptions kExtras{.perimeter_extras = true, .indent = -1};

INSTANTIATE_TEST_SUITE_P(
    Cases, FindingJsonTest,
    testing::Values(
        ShapeCase{
            "finding", [] { return FindingToJson(BucketRecord()); },
            R"({"id":"3c1f0b2a-1d2e-8f00-9a00-0123456789ab","principal":{"AWS":"999988887777"},)"
            R"("action":["s3:GetObject","s3:ListBucket"],"resource":"arn:aws:s3:::bucket","isPublic":false,)"
            R"("resourceType":"AWS::S3::Bucket","condition":{"aws:SourceVpc":"vpc-1"},)"
            R"("createdAt":"2024-05-01T12:00:00.000Z","analyzedAt":"2024-05-03T08:30:15.250Z",)"
            R"("updatedAt":"2024-05-02T00:00:00.000Z","status":"ARCHIVED","resourceOwnerAccount":"111122223333",)"
            R"("sources":[{"type":"S3_ACCESS_POINT","detail":{"accessPointArn":"arn:aws:s3:us-east-1:111122223333:accesspoint/ap"}}],)"
            R"("resourceControlPolicyRestriction":"NOT_APPLICABLE"})"},
        ShapeCase{
            "finding_with_extras",
            [] {
              return From(FindingToJson(BucketRecord(), kExtras),
                          "\"resourceControlPolicyRestriction\"");
            },
            R"("resourceControlPolicyRestriction":"NOT_APPLICABLE","witness":{"principal":"arn:aws:iam::999988887777:root",)"
            R"("principalType":"Account","action":"s3:GetObject","resource":"arn:aws:s3:::bucket/x",)"
            R"("context":{"aws:SourceVpc":["vpc-1"]}},"explanation":[{"policy":"resource","statementIndex":0,)"
            R"("statementId":"Share","line":3,"column":5}]})"},
        ShapeCase{
            "error_finding", [] { return FindingToJson(ErrorRecord()); },
            R"({"id":"e0000000-0000-8000-8000-000000000000","resource":"arn:aws:kms:us-east-1:111122223333:key/k",)"
            R"("resourceType":"AWS::KMS::Key","condition":{},"createdAt":"2024-05-01T12:00:00.000Z",)"
            R"("analyzedAt":"2024-05-01T12:00:00.000Z","updatedAt":"2024-05-01T12:00:00.000Z","status":"ACTIVE",)"
            R"("resourceOwnerAccount":"111122223333","error":"ACCESS_DENIED"})"},
        ShapeCase{
            "error_finding_with_reason",
            [] { return From(FindingToJson(ErrorRecord(), kExtras), "\"error\""); },
            R"("error":"ACCESS_DENIED","errorReason":"the key policy does not let the analyzer read it"})"},
        ShapeCase{
            "summary_v2", [] { return FindingSummaryV2ToJson(BucketRecord()); },
            R"({"analyzedAt":"2024-05-03T08:30:15.250Z","createdAt":"2024-05-01T12:00:00.000Z",)"
            R"("id":"3c1f0b2a-1d2e-8f00-9a00-0123456789ab","resource":"arn:aws:s3:::bucket",)"
            R"("resourceType":"AWS::S3::Bucket","resourceOwnerAccount":"111122223333","status":"ARCHIVED",)"
            R"("updatedAt":"2024-05-02T00:00:00.000Z","findingType":"ExternalAccess"})"},
        ShapeCase{
            "get_finding_v2",
            [] { return From(GetFindingV2ResponseJson(BucketRecord()), "\"findingDetails\""); },
            R"("findingDetails":[{"externalAccessDetails":{"action":["s3:GetObject","s3:ListBucket"],)"
            R"("condition":{"aws:SourceVpc":"vpc-1"},"isPublic":false,"principal":{"AWS":"999988887777"},)"
            R"("sources":[{"type":"S3_ACCESS_POINT","detail":{"accessPointArn":"arn:aws:s3:us-east-1:111122223333:accesspoint/ap"}}],)"
            R"("resourceControlPolicyRestriction":"NOT_APPLICABLE"}}]})"},
        ShapeCase{
            "get_finding_v2_error", [] { return GetFindingV2ResponseJson(ErrorRecord()); },
            R"({"analyzedAt":"2024-05-01T12:00:00.000Z","createdAt":"2024-05-01T12:00:00.000Z",)"
            R"("error":"ACCESS_DENIED","id":"e0000000-0000-8000-8000-000000000000",)"
            R"("resource":"arn:aws:kms:us-east-1:111122223333:key/k","resourceType":"AWS::KMS::Key",)"
            R"("resourceOwnerAccount":"111122223333","status":"ACTIVE","updatedAt":"2024-05-01T12:00:00.000Z",)"
            R"("findingType":"ExternalAccess","findingDetails":[]})"},
        ShapeCase{"list_empty", [] { return ListFindingsResponseJson({}, std::nullopt); },
                  R"({"findings":[]})"},
        ShapeCase{"list_v2_token",
                  [] {
                    std::vector<FindingRecord> page = {ErrorRecord()};
                    return From(ListFindingsV2ResponseJson(page, "tok"), "\"findingType\"");
                  },
                  R"("findingType":"ExternalAccess"}],"nextToken":"tok"})"},
        ShapeCase{"get_finding_wraps",
                  [] { return GetFindingResponseJson(ErrorRecord()).substr(0, 17); },
                  R"({"finding":{"id":)"},
        ShapeCase{"invalid_utf8_replaced",
                  [] {
                    FindingRecord record = ErrorRecord();
                    record.finding.resource = "arn:\xff";
                    return From(FindingToJson(record), "\"resource\"").substr(0, 21);
                  },
                  "\"resource\":\"arn:\xEF\xBF\xBD\","}),
    [](const testing::TestParamInfo<ShapeCase>& info) { return info.param.name; });

TEST(FindingJsonTest, PrettyPrintsWhenAsked) {
  EXPECT_EQ(ListFindingsResponseJson({}, std::nullopt,
                                     JsonOptions{.perimeter_extras = false, .indent = 2}),
            "{\n  \"findings\": []\n}");
}

TEST(FindingJsonTest, FilterRoundTrips) {
  json::ParseResult parsed = json::Parse(
      R"({"resourceType":{"eq":["AWS::S3::Bucket"]},"principal.AWS":{"neq":["1","2"],"exists":true},"resource":{"contains":["x"]}})");
  ASSERT_TRUE(parsed.ok());
  std::vector<base::Issue> issues;
  std::optional<FindingFilter> filter =
      ParseFindingFilter(parsed.document.root(), FilterUse::kArchiveRule, issues);
  ASSERT_TRUE(filter.has_value());
  EXPECT_EQ(FilterToJson(*filter), parsed.document.source());
}

TEST(FindingJsonTest, ReadsBackWhatItWrites) {
  for (const FindingRecord& original : {BucketRecord(), ErrorRecord()}) {
    std::string text = FindingToJson(original, kExtras);
    json::ParseResult parsed = json::Parse(text);
    ASSERT_TRUE(parsed.ok());
    std::vector<base::Issue> issues;
    std::optional<FindingRecord> read = FindingFromJson(parsed.document.root(), issues);
    ASSERT_TRUE(read.has_value()) << issues[0].message;
    // Extras are skipped, and error findings lose their (unrendered) access details.
    FindingRecord expected = original;
    expected.finding.witness.reset();
    expected.finding.explanation.clear();
    if (expected.finding.error.has_value()) expected.finding.principal.clear();
    EXPECT_EQ(FindingToJson(*read, kExtras), FindingToJson(expected, kExtras));
    EXPECT_EQ(read->created_at, original.created_at);
    EXPECT_EQ(read->analyzed_at, original.analyzed_at);
  }
}

struct BadFindingCase {
  std::string name;
  std::string json;
  std::string code;
  uint32_t column;
};

class FindingFromJsonErrorTest : public testing::TestWithParam<BadFindingCase> {};

TEST_P(FindingFromJsonErrorTest, ReportsPositionedError) {
  const BadFindingCase& c = GetParam();
  json::ParseResult parsed = json::Parse(c.json);
  ASSERT_TRUE(parsed.ok()) << parsed.issues[0].message;
  std::vector<base::Issue> issues;
  EXPECT_FALSE(FindingFromJson(parsed.document.root(), issues).has_value());
  ASSERT_FALSE(issues.empty());
  EXPECT_EQ(issues[0].code, c.code) << issues[0].message;
  EXPECT_EQ(issues[0].position.column, c.column) << issues[0].message;
}

constexpr std::string_view kMinimal =
    R"("id":"i","resourceType":"AWS::S3::Bucket","condition":{},"createdAt":"2024-05-01T12:00:00Z",)"
    R"("analyzedAt":"2024-05-01T12:00:00Z","updatedAt":"2024-05-01T12:00:00Z","resourceOwnerAccount":"1")";

INSTANTIATE_TEST_SUITE_P(
    Cases, FindingFromJsonErrorTest,
    testing::Values(
        BadFindingCase{"not_object", "[]", "finding.type", 1},
        BadFindingCase{"missing_status", "{" + std::string(kMinimal) + "}",
                       "finding.missing-member", 1},
        BadFindingCase{"bad_status", R"({"status":"OPEN",)" + std::string(kMinimal) + "}",
                       "finding.invalid-value", 11},
        BadFindingCase{"bad_time", R"({"status":"ACTIVE","createdAt":"yesterday"})",
                       "finding.invalid-value", 32},
        BadFindingCase{"unknown_member", R"({"status":"ACTIVE","severity":"high"})",
                       "finding.unknown-member", 20},
        BadFindingCase{"bad_source", R"({"sources":[{"type":"ACL"}]})", "finding.invalid-value",
                       13},
        BadFindingCase{"principal_not_map", R"({"principal":"*"})", "finding.type", 14}),
    [](const testing::TestParamInfo<BadFindingCase>& info) { return info.param.name; });

struct TimestampCase {
  std::string text;
  std::string formatted;  // "" = rejected
};

class TimestampTest : public testing::TestWithParam<TimestampCase> {};

TEST_P(TimestampTest, ParsesRfc3339AndFormatsUtcMilliseconds) {
  std::optional<absl::Time> time = ParseTimestamp(GetParam().text);
  if (GetParam().formatted.empty()) {
    EXPECT_FALSE(time.has_value());
    return;
  }
  ASSERT_TRUE(time.has_value());
  EXPECT_EQ(FormatTimestamp(*time), GetParam().formatted);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, TimestampTest,
    testing::Values(TimestampCase{"2024-05-01T12:00:00Z", "2024-05-01T12:00:00.000Z"},
                    TimestampCase{"2024-05-01T12:00:00.5Z", "2024-05-01T12:00:00.500Z"},
                    TimestampCase{"2024-05-01T12:00:00.123456Z", "2024-05-01T12:00:00.123Z"},
                    TimestampCase{"2024-05-01T14:00:00+02:00", "2024-05-01T12:00:00.000Z"},
                    TimestampCase{"1970-01-01T00:00:00Z", "1970-01-01T00:00:00.000Z"},
                    TimestampCase{"2024-05-01 12:00:00", ""}, TimestampCase{"", ""},
                    TimestampCase{"1714564800", ""}));

// FormatTimestamp writes the years 1970..9999 itself: it must give absl's text everywhere,
// including day, month and leap-year boundaries, sub-millisecond parts, and the times absl still
// formats.
TEST(TimestampTest, FormatAgreesWithAbslFormatTime) {
  auto absl_text = [](absl::Time time) {
    return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", time, absl::UTCTimeZone());
  };
  std::vector<absl::Time> times = {absl::UnixEpoch(),
                                   absl::UnixEpoch() - absl::Microseconds(1),
                                   At("2000-02-29T23:59:59.999Z"),
                                   At("2100-03-01T00:00:00Z"),
                                   At("9999-12-31T23:59:59.999Z") + absl::Microseconds(999),
                                   At("9999-12-31T23:59:59.999Z") + absl::Milliseconds(1),
                                   absl::FromUnixSeconds(-1)};
  uint64_t state = 1;
  for (int i = 0; i < 20000; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    // Microseconds across 1970..10070, sub-millisecond parts included.
    times.push_back(absl::FromUnixMicros(static_cast<int64_t>(state >> 11) % 256000000000000000LL));
  }
  for (absl::Time time : times)
    EXPECT_EQ(FormatTimestamp(time), absl_text(time)) << absl::ToUnixMicros(time);
}

// `text` parsed and written again compactly: equal for documents that differ only in layout.
std::string Canonical(const std::string& text) {
  json::ParseResult parsed = json::Parse(text);
  EXPECT_TRUE(parsed.ok()) << text;
  if (!parsed.ok()) return "";
  json::Writer w;
  w.Copy(parsed.document.root());
  return std::move(w).Take();
}

// Compact and pretty-printed output hold the same members in the same order, the store's
// object texts assemble into the same responses, and invalid UTF-8 comes out replaced.
TEST(FindingJsonTest, CompactAndPrettyAgree) {
  FindingRecord odd = BucketRecord();
  odd.finding.condition = {{"aws:SourceVpc", "vpc-\"1\"\\\n\t\x01"}};
  odd.finding.sources = {FindingSource{FindingSourceType::kS3AccessPoint,
                                       "arn:aws:s3:us-east-1:1:accesspoint/a", "1"}};
  odd.finding.principal.clear();
  odd.finding.resource = "arn:aws:s3:::b\xc3\xa9";
  for (const FindingRecord& record : {BucketRecord(), ErrorRecord(), odd}) {
    std::vector<FindingRecord> page{record, record};
    EXPECT_EQ(GetFindingResponseJson(record),
              Canonical(GetFindingResponseJson(record, JsonOptions{false, 0})));
    EXPECT_EQ(ListFindingsResponseJson(page, std::string("t")),
              Canonical(ListFindingsResponseJson(page, std::string("t"), JsonOptions{false, 2})));
    std::string object = FindingObjectJson(record);
    EXPECT_EQ(GetFindingResponseJsonFromObject(object), GetFindingResponseJson(record));
    std::vector<std::string_view> objects{object, object};
    EXPECT_EQ(ListFindingsResponseJsonFromObjects(objects, std::string("t")),
              ListFindingsResponseJson(page, std::string("t")));
    EXPECT_EQ(ListFindingsResponseJsonFromObjects({}, std::nullopt), R"({"findings":[]})");
    EXPECT_EQ(ListFindingsV2ResponseJson(page, std::string("t")),
              Canonical(ListFindingsV2ResponseJson(page, std::string("t"), JsonOptions{false, 2})));
    // V2 summaries read only what SummaryOf keeps.
    std::vector<FindingRecord> summaries{SummaryOf(record)};
    std::vector<FindingRecord> whole{record};
    EXPECT_EQ(ListFindingsV2ResponseJson(summaries, std::nullopt),
              ListFindingsV2ResponseJson(whole, std::nullopt));
  }
  FindingRecord invalid = BucketRecord();
  invalid.finding.resource = "arn:aws:s3:::b\xff";
  std::string text = GetFindingResponseJson(invalid);
  EXPECT_NE(text.find("\xef\xbf\xbd"), std::string::npos) << text;
}

}  // namespace
}  // namespace perimeter::findings
