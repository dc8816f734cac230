// What the Access Analyzer operations (api/*_operations.cc) share: the response and error plumbing,
// analyzer ARNs, offset pagination, and the organization rules that refuse an operation. Internal
// to api/: not part of its interface.
#ifndef PERIMETER_API_INTERNAL_OPERATION_SUPPORT_H_
#define PERIMETER_API_INTERNAL_OPERATION_SUPPORT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "perimeter/api/api_result.h"
#include "perimeter/api/aws_error.h"
#include "perimeter/api/rest_routes.h"
#include "perimeter/findings/archive_rule.h"
#include "perimeter/service/environment.h"
#include "perimeter/store/store.h"

namespace perimeter::api {

inline constexpr size_t kMaxArchiveRules =
    100;  // per analyzer (IAM User Guide, "IAM Access Analyzer quotas")

// 200 with a JSON body.
ApiResponse Ok(std::string body = "{}");
// InternalServerException (500) for an operational failure.
ApiResponse Internal(const absl::Status& status);

std::string AnalyzerArn(std::string_view region, std::string_view account, std::string_view name);

struct ParsedAnalyzerArn {
  std::string region;
  std::string account;
  std::string name;
};

// arn:aws:access-analyzer:REGION:ACCOUNT:analyzer/NAME (the model's AnalyzerArn pattern, with the
// service fixed).
std::optional<ParsedAnalyzerArn> ParseAnalyzerArn(std::string_view arn);

// AWS's timestamp format (findings::FormatTimestamp).
std::string Timestamp(absl::Time time);

// Offset pagination for short lists (analyzers, rules, analyzed resources): the token is the
// offset.
struct Bounds {
  size_t begin = 0;
  size_t end = 0;
  std::optional<std::string> next_token;
};

// The page [begin, end) of a list of `total` entries; a token that is not an offset within the
// list, or maxResults below 1, is a ValidationException. At most 1000 entries a page, 100 by
// default.
ApiResult<Bounds> PageOf(size_t total, const std::optional<std::string>& token,
                         std::optional<int64_t> max_results);

// A 32-bit integer query parameter; a malformed one is a violation recorded in `reader`.
std::optional<int64_t> QueryInt(const RestRequest& request, std::string_view name,
                                RequestReader& reader);

// The `filter` member as a findings filter for `use`; its problems are violations recorded in
// `reader`. Absent: a violation when `required`, else the empty filter.
std::optional<findings::FindingFilter> ReadFilter(RequestReader& reader, findings::FilterUse use,
                                                  bool required);

// The members ListFindings and ListAccessPreviewFindings share (API reference of each operation):
// analyzerArn (required), nextToken, maxResults and filter with ListFindings' keys.
struct FindingListMembers {
  std::optional<std::string> analyzer_arn;
  std::optional<std::string> next_token;
  std::optional<int64_t> max_results;
  std::optional<findings::FindingFilter> filter;  // the empty filter when absent
};

// Reads the FindingListMembers of the body in `reader`, in that order; their problems are
// violations recorded in `reader` (check reader.ok() before using them).
FindingListMembers ReadFindingListMembers(RequestReader& reader);

// Why an organization-zone analyzer of `account` cannot run now
// (service::OrganizationAnalyzerBlock) and what CreateAnalyzer answers for it; nullopt when it can
// run.
struct OrganizationBlock {
  store::StatusReasonCode reason;
  AwsError error;  // what CreateAnalyzer answers
};

std::optional<OrganizationBlock> OrganizationBlocker(std::string_view account,
                                                     const service::Environment& environment,
                                                     store::Store& store);

// AccessDeniedException, AWS's error for a caller without permission, when the analyzer's findings
// are not accessible (service::FindingsAccessible: an organization analyzer whose account was
// deregistered as delegated administrator); nullopt when they are.
std::optional<AwsError> FindingsBlocked(const store::Analyzer& analyzer);

}  // namespace perimeter::api

#endif  // PERIMETER_API_INTERNAL_OPERATION_SUPPORT_H_
