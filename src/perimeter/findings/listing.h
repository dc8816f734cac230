// ListFindings / ListFindingsV2 ordering and pagination as pure functions over finding records.
//
// Sort (botocore SortCriteria: attributeName, orderBy ASC|DESC). The model leaves attributeName
// free and AWS documents no list, so Perimeter accepts the scalar attributes of FindingSummary —
// id, resource, resourceType, resourceOwnerAccount, status, isPublic, error, findingType,
// createdAt, analyzedAt, updatedAt — and rejects any other name [PROP]. orderBy defaults to ASC.
// Without a sort, findings come by createdAt ascending [PROP]: createdAt never changes, so pages
// stay stable while findings are updated. Ties are broken by id, in the same direction, so the
// order is total.
//
// Pagination: nextToken is opaque to clients. It records the sort and the last returned finding's
// sort value and id (keyset pagination), so a page continues right after that finding even if
// findings were added, removed or re-sorted in between — no finding is returned twice in one walk
// unless its sort value changed. A token is only valid with the sort it was issued for.
#ifndef PERIMETER_FINDINGS_LISTING_H_
#define PERIMETER_FINDINGS_LISTING_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "perimeter/base/issue.h"
#include "perimeter/findings/finding_record.h"
#include "perimeter/json/document.h"

namespace perimeter::findings {

enum class SortAttribute {
  kId,
  kResource,
  kResourceType,
  kResourceOwnerAccount,
  kStatus,
  kIsPublic,
  kError,
  kFindingType,
  kCreatedAt,
  kAnalyzedAt,
  kUpdatedAt,
};

enum class SortOrder { kAscending, kDescending };

struct FindingSort {
  SortAttribute attribute = SortAttribute::kCreatedAt;
  SortOrder order = SortOrder::kAscending;
};

std::string_view SortAttributeName(SortAttribute attribute);             // "createdAt", ...
std::optional<SortAttribute> ParseSortAttribute(std::string_view name);  // exact, case-sensitive

// Parses a SortCriteria object ({"attributeName": ..., "orderBy": "ASC"|"DESC"}). Problems go to
// `issues` with positions ("sort.type", "sort.unknown-attribute", "sort.unknown-order",
// "sort.unknown-member"); nullopt iff an error was added. A missing attributeName keeps the default
// attribute.
std::optional<FindingSort> ParseFindingSort(json::Value value, std::vector<base::Issue>& issues);

// The value a record sorts by, as text that orders like the value: timestamps as FormatTimestamp,
// isPublic as "false" < "true", a missing error as "".
std::string SortValue(const FindingRecord& record, SortAttribute attribute);

// Strict weak (in fact total, given unique ids) order of records under `sort`.
bool SortsBefore(const FindingRecord& a, const FindingRecord& b, const FindingSort& sort);

// Sorts in place by SortsBefore.
void SortFindings(std::span<FindingRecord> records, const FindingSort& sort);

inline constexpr int kDefaultMaxResults = 100;
inline constexpr int kMaxMaxResults = 1000;

// A page of a sorted listing: the records in [begin, end), and the token for the next page, if any.
struct Page {
  size_t begin = 0;
  size_t end = 0;
  std::optional<std::string> next_token;
};

// Selects the page of `sorted` (REQUIRES: sorted by SortFindings with the same `sort`) that follows
// `next_token` (none: the first page), with at most `max_results` records (none:
// kDefaultMaxResults; larger than kMaxMaxResults: kMaxMaxResults [PROP]). Errors (InvalidArgument):
// max_results < 1, a token that is malformed or was issued for another sort.
absl::StatusOr<Page> Paginate(std::span<const FindingRecord> sorted, const FindingSort& sort,
                              std::optional<std::string_view> next_token,
                              std::optional<int> max_results);

// What a nextToken carries; exposed so that a store can run the same keyset query itself
// ("rows after (sort_value, id) in this order").
struct PageToken {
  FindingSort sort;
  std::string last_sort_value;
  std::string last_id;
};

std::string EncodePageToken(const PageToken& token);
absl::StatusOr<PageToken> DecodePageToken(std::string_view text);

}  // namespace perimeter::findings

#endif  // PERIMETER_FINDINGS_LISTING_H_
