#include "perimeter/findings/listing.h"

#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace perimeter::findings {
namespace {

absl::Time Day(int day) { return absl::FromUnixSeconds(1704067200) + absl::Hours(24 * day); }

FindingRecord Record(std::string id, std::string resource, bool is_public, FindingStatus status,
                     int created, int updated, std::optional<std::string> error = std::nullopt) {
  FindingRecord record;
  record.finding.id = std::move(id);
  record.finding.resource = std::move(resource);
  record.finding.resource_type = "AWS::S3::Bucket";
  record.finding.is_public = is_public;
  record.finding.error = std::move(error);
  record.status = status;
  record.created_at = Day(created);
  record.analyzed_at = Day(updated);
  record.updated_at = Day(updated);
  return record;
}

std::vector<FindingRecord> Sample() {
  return {
      Record("d", "arn:aws:s3:::alpha", true, FindingStatus::kActive, 3, 3),
      Record("a", "arn:aws:s3:::beta", false, FindingStatus::kArchived, 1, 4),
      Record("c", "arn:aws:s3:::alpha", false, FindingStatus::kResolved, 2, 2),
      Record("b", "arn:aws:s3:::gamma", true, FindingStatus::kActive, 1, 5, "INTERNAL_ERROR"),
  };
}

std::string Ids(const std::vector<FindingRecord>& records) {
  std::string ids;
  for (const FindingRecord& record : records) ids += record.id();
  return ids;
}

struct SortCase {
  std::string name;
  SortAttribute attribute;
  SortOrder order;
  std::string ids;
};

class SortTest : public testing::TestWithParam<SortCase> {};

TEST_P(SortTest, OrdersByAttributeThenId) {
  std::vector<FindingRecord> records = Sample();
  SortFindings(records, FindingSort{GetParam().attribute, GetParam().order});
  EXPECT_EQ(Ids(records), GetParam().ids);
}

constexpr auto kAsc = SortOrder::kAscending;
constexpr auto kDesc = SortOrder::kDescending;

INSTANTIATE_TEST_SUITE_P(
    Cases, SortTest,
    testing::Values(SortCase{"created_asc", SortAttribute::kCreatedAt, kAsc, "abcd"},
                    SortCase{"created_desc", SortAttribute::kCreatedAt, kDesc, "dcba"},
                    SortCase{"updated_asc", SortAttribute::kUpdatedAt, kAsc, "cdab"},
                    SortCase{"resource_asc", SortAttribute::kResource, kAsc, "cdab"},
                    SortCase{"resource_desc", SortAttribute::kResource, kDesc, "badc"},
                    SortCase{"status_asc", SortAttribute::kStatus, kAsc, "bdac"},
                    SortCase{"is_public_desc", SortAttribute::kIsPublic, kDesc, "dbca"},
                    SortCase{"error_asc", SortAttribute::kError, kAsc, "acdb"},
                    SortCase{"id_desc", SortAttribute::kId, kDesc, "dcba"},
                    SortCase{"type_ties_by_id", SortAttribute::kResourceType, kAsc, "abcd"}),
    [](const testing::TestParamInfo<SortCase>& info) { return info.param.name; });

struct ParseSortCase {
  std::string name;
  std::string json;
  std::string code;  // "" = valid
  std::string attribute;
  SortOrder order;
};

class ParseSortTest : public testing::TestWithParam<ParseSortCase> {};

TEST_P(ParseSortTest, ParsesSortCriteria) {
  const ParseSortCase& c = GetParam();
  json::ParseResult parsed = json::Parse(c.json);
  ASSERT_TRUE(parsed.ok());
  std::vector<base::Issue> issues;
  std::optional<FindingSort> sort = ParseFindingSort(parsed.document.root(), issues);
  if (!c.code.empty()) {
    EXPECT_FALSE(sort.has_value());
    ASSERT_FALSE(issues.empty());
    EXPECT_EQ(issues[0].code, c.code);
    return;
  }
  ASSERT_TRUE(sort.has_value()) << issues[0].message;
  EXPECT_EQ(SortAttributeName(sort->attribute), c.attribute);
  EXPECT_EQ(sort->order, c.order);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseSortTest,
    testing::Values(
        ParseSortCase{"both", R"({"attributeName": "updatedAt", "orderBy": "DESC"})", "",
                      "updatedAt", kDesc},
        ParseSortCase{"default_order", R"({"attributeName": "resource"})", "", "resource", kAsc},
        ParseSortCase{"default_attribute", R"({"orderBy": "DESC"})", "", "createdAt", kDesc},
        ParseSortCase{"unknown_attribute", R"({"attributeName": "principal"})",
                      "sort.unknown-attribute", "", kAsc},
        ParseSortCase{"attribute_case", R"({"attributeName": "CreatedAt"})",
                      "sort.unknown-attribute", "", kAsc},
        ParseSortCase{"lowercase_order", R"({"orderBy": "asc"})", "sort.unknown-order", "", kAsc},
        ParseSortCase{"unknown_member", R"({"order": "ASC"})", "sort.unknown-member", "", kAsc},
        ParseSortCase{"not_object", R"("createdAt")", "sort.type", "", kAsc}),
    [](const testing::TestParamInfo<ParseSortCase>& info) { return info.param.name; });

// Walks every page and returns the ids in order.
std::vector<std::string> Walk(std::vector<FindingRecord> records, const FindingSort& sort,
                              int max_results) {
  SortFindings(records, sort);
  std::vector<std::string> ids;
  std::optional<std::string> token;
  for (int pages = 0; pages < 100; ++pages) {
    absl::StatusOr<Page> page = Paginate(records, sort, token, max_results);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) break;
    EXPECT_LE(page->end - page->begin, static_cast<size_t>(max_results));
    for (size_t i = page->begin; i < page->end; ++i) ids.push_back(records[i].id());
    if (!page->next_token.has_value()) break;
    token = page->next_token;
  }
  return ids;
}

class PaginateWalkTest : public testing::TestWithParam<int> {};

TEST_P(PaginateWalkTest, EveryFindingOnceInOrder) {
  std::vector<FindingRecord> records;
  for (int i = 0; i < 23; ++i) {
    records.push_back(
        Record("id" + std::to_string(100 + i), "r", i % 2 == 0, FindingStatus::kActive, i % 5, i));
  }
  for (FindingSort sort : {FindingSort{}, FindingSort{SortAttribute::kCreatedAt, kDesc},
                           FindingSort{SortAttribute::kIsPublic, kAsc}}) {
    std::vector<FindingRecord> sorted = records;
    SortFindings(sorted, sort);
    std::vector<std::string> expected;
    for (const FindingRecord& record : sorted) expected.push_back(record.id());
    EXPECT_EQ(Walk(records, sort, GetParam()), expected);
  }
}

INSTANTIATE_TEST_SUITE_P(PageSizes, PaginateWalkTest, testing::Values(1, 2, 5, 22, 23, 24, 1000));

TEST(PaginateTest, ContinuesAfterTheLastFindingWhenFindingsChange) {
  FindingSort sort;  // createdAt ascending
  std::vector<FindingRecord> records = Sample();
  SortFindings(records, sort);  // a(1) b(1) c(2) d(3)
  absl::StatusOr<Page> first = Paginate(records, sort, std::nullopt, 2);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->next_token.has_value());
  // Between the pages, "b" is deleted and "aa" (created on day 1) and "e" arrive.
  records.erase(records.begin() + 1);
  records.push_back(Record("aa", "r", false, FindingStatus::kActive, 1, 1));
  records.push_back(Record("e", "r", false, FindingStatus::kActive, 0, 0));
  SortFindings(records, sort);  // e(0) a(1) aa(1) c(2) d(3)
  absl::StatusOr<Page> second = Paginate(records, sort, first->next_token, 2);
  ASSERT_TRUE(second.ok());
  std::string ids;
  for (size_t i = second->begin; i < second->end; ++i) ids += records[i].id() + ",";
  EXPECT_EQ(ids, "c,d,");  // after (day 1, "b"): neither a nor aa again; e sorts before the cursor
  EXPECT_FALSE(second->next_token.has_value());
}

struct PaginateErrorCase {
  std::string name;
  std::optional<std::string> token;
  std::optional<int> max_results;
};

class PaginateErrorTest : public testing::TestWithParam<PaginateErrorCase> {};

TEST_P(PaginateErrorTest, RejectsBadInput) {
  std::vector<FindingRecord> records = Sample();
  absl::StatusOr<Page> page =
      Paginate(records, FindingSort{}, GetParam().token, GetParam().max_results);
  EXPECT_EQ(page.status().code(), absl::StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, PaginateErrorTest,
    testing::Values(PaginateErrorCase{"zero_results", std::nullopt, 0},
                    PaginateErrorCase{"negative_results", std::nullopt, -1},
                    PaginateErrorCase{"not_base64", "!!!", std::nullopt},
                    PaginateErrorCase{"garbage", "Z2FyYmFnZQ", std::nullopt},
                    PaginateErrorCase{
                        "truncated",
                        EncodePageToken(PageToken{FindingSort{}, "x", "y"}).substr(0, 10),
                        std::nullopt},
                    PaginateErrorCase{
                        "other_sort",
                        EncodePageToken(PageToken{FindingSort{SortAttribute::kId, kAsc}, "a", "a"}),
                        std::nullopt},
                    PaginateErrorCase{"other_order",
                                      EncodePageToken(PageToken{
                                          FindingSort{SortAttribute::kCreatedAt, kDesc}, "a", "a"}),
                                      std::nullopt}),
    [](const testing::TestParamInfo<PaginateErrorCase>& info) { return info.param.name; });

TEST(PageTokenTest, RoundTripsAnyText) {
  PageToken token{FindingSort{SortAttribute::kResource, kDesc}, "arn:aws:s3:::a|b:c\n\xff", "id:1"};
  std::string text = EncodePageToken(token);
  EXPECT_EQ(
      text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
      std::string::npos);
  absl::StatusOr<PageToken> decoded = DecodePageToken(text);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->sort.attribute, SortAttribute::kResource);
  EXPECT_EQ(decoded->sort.order, kDesc);
  EXPECT_EQ(decoded->last_sort_value, token.last_sort_value);
  EXPECT_EQ(decoded->last_id, token.last_id);
}

TEST(PaginateTest, DefaultsAndCaps) {
  std::vector<FindingRecord> records;
  for (int i = 0; i < 1500; ++i) {
    records.push_back(
        Record("id" + std::to_string(10000 + i), "r", false, FindingStatus::kActive, 0, 0));
  }
  SortFindings(records, FindingSort{});
  absl::StatusOr<Page> page = Paginate(records, FindingSort{}, std::nullopt, std::nullopt);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->end, static_cast<size_t>(kDefaultMaxResults));
  page = Paginate(records, FindingSort{}, std::nullopt, 5000);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->end, static_cast<size_t>(kMaxMaxResults));
}

}  // namespace
}  // namespace perimeter::findings
