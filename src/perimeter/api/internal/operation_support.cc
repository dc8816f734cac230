#include "perimeter/api/internal/operation_support.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "perimeter/aws/arn.h"
#include "perimeter/base/text.h"
#include "perimeter/findings/finding_json.h"
#include "perimeter/service/organization_analyzers.h"

namespace perimeter::api {

ApiResponse Ok(std::string body) {
  return ApiResponse{200, {{"Content-Type", "application/json"}}, std::move(body)};
}

ApiResponse Internal(const absl::Status& status) {
  return RestJsonError(
      InternalError(base::Concat("Internal error: ", std::string(status.message()))));
}

std::string AnalyzerArn(std::string_view region, std::string_view account, std::string_view name) {
  return base::Concat("arn:aws:access-analyzer:", region, ":", account, ":analyzer/", name);
}

std::optional<ParsedAnalyzerArn> ParseAnalyzerArn(std::string_view arn) {
  std::optional<aws::Arn> parts = aws::ParseArn(arn);
  if (!parts || parts->service != "access-analyzer" || !parts->resource.starts_with("analyzer/"))
    return std::nullopt;
  std::string_view name = parts->resource.substr(9);
  if (name.empty() || name.size() > 255) return std::nullopt;
  return ParsedAnalyzerArn{std::string(parts->region), std::string(parts->account),
                           std::string(name)};
}

std::string Timestamp(absl::Time time) { return findings::FormatTimestamp(time); }

ApiResult<Bounds> PageOf(size_t total, const std::optional<std::string>& token,
                         std::optional<int64_t> max_results) {
  Bounds bounds;
  if (token) {
    char* end = nullptr;
    unsigned long long offset = std::strtoull(token->c_str(), &end, 10);
    if (token->empty() || *end != '\0' || offset > total) {
      return ValidationError("Invalid pagination token", "fieldValidationFailed",
                             {{"nextToken", "Invalid pagination token"}});
    }
    bounds.begin = static_cast<size_t>(offset);
  }
  if (max_results && *max_results < 1) {
    return ValidationError("maxResults must be at least 1", "fieldValidationFailed",
                           {{"maxResults", "Member must have value greater than or equal to 1"}});
  }
  size_t size = max_results ? static_cast<size_t>(std::min<int64_t>(*max_results, 1000)) : 100;
  bounds.end = std::min(total, bounds.begin + size);
  if (bounds.end < total) bounds.next_token = std::to_string(bounds.end);
  return bounds;
}

std::optional<int64_t> QueryInt(const RestRequest& request, std::string_view name,
                                RequestReader& reader) {
  std::optional<std::string> text = request.Query(name);
  if (!text) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  long long value = std::strtoll(text->c_str(), &end, 10);
  if (text->empty() || *end != '\0') {
    reader.Violation(name, "Member must be an integer");
    return std::nullopt;
  }
  // The model's Integer is 32 bits: a larger number is malformed, not clamped.
  if (errno == ERANGE || value < INT32_MIN || value > INT32_MAX) {
    reader.Violation(name, "Member must be a 32-bit integer");
    return std::nullopt;
  }
  return value;
}

std::optional<findings::FindingFilter> ReadFilter(RequestReader& reader, findings::FilterUse use,
                                                  bool required) {
  std::optional<json::Value> value = reader.Member("filter");
  if (!value) {
    if (required) reader.Violation("filter", "Member must not be null");
    return required ? std::nullopt
                    : std::optional<findings::FindingFilter>(findings::FindingFilter());
  }
  std::vector<base::Issue> issues;
  std::optional<findings::FindingFilter> filter = findings::ParseFindingFilter(*value, use, issues);
  reader.AddIssues("filter", issues);
  return filter;
}

FindingListMembers ReadFindingListMembers(RequestReader& reader) {
  FindingListMembers members;
  members.analyzer_arn = reader.String("analyzerArn", true);
  members.next_token = reader.String("nextToken");
  members.max_results = reader.Int("maxResults");
  members.filter = ReadFilter(reader, findings::FilterUse::kListFindings, false);
  return members;
}

std::optional<OrganizationBlock> OrganizationBlocker(std::string_view account,
                                                     const service::Environment& environment,
                                                     store::Store& store) {
  std::optional<store::StatusReasonCode> reason =
      service::OrganizationAnalyzerBlock(account, environment, store);
  if (!reason) return std::nullopt;
  switch (*reason) {
    case store::StatusReasonCode::kOrganizationDeleted:
      return OrganizationBlock{
          *reason, ValidationError("Your account is not a member of an organization.", "other")};
    case store::StatusReasonCode::kDelegatedAdministratorDeregistered:
      return OrganizationBlock{
          *reason, AccessDeniedError(
                       base::Concat("Account ", account, " is not a delegated administrator"))};
    case store::StatusReasonCode::kAwsServiceAccessDisabled:
      return OrganizationBlock{*reason,
                               ValidationError("Service not enabled for AWS Organizations")};
    case store::StatusReasonCode::kServiceLinkedRoleCreationFailed:
      break;  // not an organization rule: OrganizationAnalyzerBlock never answers it
  }
  return OrganizationBlock{*reason,
                           InternalError(base::Concat("Unexpected organization block ",
                                                      store::StatusReasonCodeName(*reason)))};
}

std::optional<AwsError> FindingsBlocked(const store::Analyzer& analyzer) {
  if (service::FindingsAccessible(analyzer)) return std::nullopt;
  return AccessDeniedError(
      base::Concat("Account ", analyzer.account_id, " is not a delegated administrator for ",
                   service::kAccessAnalyzerPrincipal, ": the findings of analyzer ", analyzer.arn,
                   " are not accessible"));
}

}  // namespace perimeter::api
