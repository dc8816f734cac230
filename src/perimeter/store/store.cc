#include "perimeter/store/store.h"

#include <algorithm>
#include <array>
#include <map>
#include <tuple>
#include <utility>

#include "perimeter/findings/finding_json.h"

namespace perimeter::store {

namespace {

template <typename Enum, size_t N>
std::optional<Enum> ParseByName(std::string_view name, const std::array<Enum, N>& values,
                                std::string_view (*name_of)(Enum)) {
  for (Enum value : values) {
    if (name_of(value) == name) return value;
  }
  return std::nullopt;
}

}  // namespace

std::string_view AnalyzerTypeName(AnalyzerType type) {
  switch (type) {
    case AnalyzerType::kAccount:
      return "ACCOUNT";
    case AnalyzerType::kOrganization:
      return "ORGANIZATION";
    case AnalyzerType::kAccountUnusedAccess:
      return "ACCOUNT_UNUSED_ACCESS";
    case AnalyzerType::kOrganizationUnusedAccess:
      return "ORGANIZATION_UNUSED_ACCESS";
    case AnalyzerType::kAccountInternalAccess:
      return "ACCOUNT_INTERNAL_ACCESS";
    case AnalyzerType::kOrganizationInternalAccess:
      return "ORGANIZATION_INTERNAL_ACCESS";
  }
  return "ACCOUNT";
}

std::optional<AnalyzerType> ParseAnalyzerType(std::string_view name) {
  static constexpr std::array kAll = {AnalyzerType::kAccount,
                                      AnalyzerType::kOrganization,
                                      AnalyzerType::kAccountUnusedAccess,
                                      AnalyzerType::kOrganizationUnusedAccess,
                                      AnalyzerType::kAccountInternalAccess,
                                      AnalyzerType::kOrganizationInternalAccess};
  return ParseByName(name, kAll, &AnalyzerTypeName);
}

bool IsOrganizationType(AnalyzerType type) {
  switch (type) {
    case AnalyzerType::kOrganization:
    case AnalyzerType::kOrganizationUnusedAccess:
    case AnalyzerType::kOrganizationInternalAccess:
      return true;
    case AnalyzerType::kAccount:
    case AnalyzerType::kAccountUnusedAccess:
    case AnalyzerType::kAccountInternalAccess:
      return false;
  }
  return false;
}

bool IsExternalAccessType(AnalyzerType type) {
  return type == AnalyzerType::kAccount || type == AnalyzerType::kOrganization;
}

std::string_view AnalyzerStatusName(AnalyzerStatus status) {
  switch (status) {
    case AnalyzerStatus::kActive:
      return "ACTIVE";
    case AnalyzerStatus::kCreating:
      return "CREATING";
    case AnalyzerStatus::kDisabled:
      return "DISABLED";
    case AnalyzerStatus::kFailed:
      return "FAILED";
  }
  return "ACTIVE";
}

std::optional<AnalyzerStatus> ParseAnalyzerStatus(std::string_view name) {
  static constexpr std::array kAll = {AnalyzerStatus::kActive, AnalyzerStatus::kCreating,
                                      AnalyzerStatus::kDisabled, AnalyzerStatus::kFailed};
  return ParseByName(name, kAll, &AnalyzerStatusName);
}

std::string_view StatusReasonCodeName(StatusReasonCode code) {
  switch (code) {
    case StatusReasonCode::kAwsServiceAccessDisabled:
      return "AWS_SERVICE_ACCESS_DISABLED";
    case StatusReasonCode::kDelegatedAdministratorDeregistered:
      return "DELEGATED_ADMINISTRATOR_DEREGISTERED";
    case StatusReasonCode::kOrganizationDeleted:
      return "ORGANIZATION_DELETED";
    case StatusReasonCode::kServiceLinkedRoleCreationFailed:
      return "SERVICE_LINKED_ROLE_CREATION_FAILED";
  }
  return "AWS_SERVICE_ACCESS_DISABLED";
}

std::optional<StatusReasonCode> ParseStatusReasonCode(std::string_view name) {
  static constexpr std::array kAll = {StatusReasonCode::kAwsServiceAccessDisabled,
                                      StatusReasonCode::kDelegatedAdministratorDeregistered,
                                      StatusReasonCode::kOrganizationDeleted,
                                      StatusReasonCode::kServiceLinkedRoleCreationFailed};
  return ParseByName(name, kAll, &StatusReasonCodeName);
}

std::string_view InventoryKindName(InventoryKind kind) {
  switch (kind) {
    case InventoryKind::kResource:
      return "resource";
    case InventoryKind::kAccount:
      return "account";
    case InventoryKind::kOrganization:
      return "organization";
    case InventoryKind::kManagedPolicy:
      return "managedPolicy";
    case InventoryKind::kPrincipal:
      return "principal";
    case InventoryKind::kGroup:
      return "group";
    case InventoryKind::kOrganizationPolicy:
      return "organizationPolicy";
    case InventoryKind::kUnusedAccessInput:
      return "unusedAccessInput";
  }
  return "resource";
}

bool AfterPageToken(const findings::FindingRecord& record, const findings::PageToken& token) {
  std::string value = findings::SortValue(record, token.sort.attribute);
  std::pair<std::string_view, std::string_view> key{value, record.id()};
  std::pair<std::string_view, std::string_view> last{token.last_sort_value, token.last_id};
  switch (token.sort.order) {
    case findings::SortOrder::kAscending:
      return key > last;
    case findings::SortOrder::kDescending:
      return key < last;
  }
  return false;
}

std::shared_ptr<const ListedFinding> ListedFindingOf(const findings::FindingRecord& record) {
  return std::make_shared<const ListedFinding>(
      ListedFinding{findings::SummaryOf(record), findings::FindingObjectJson(record)});
}

absl::StatusOr<bool> Store::ModifyResourcesFindings(std::string_view analyzer_arn,
                                                    std::span<const std::string> resource_arns,
                                                    const ResourceFindingsDecision& decide,
                                                    const AnalyzerDecision& then) {
  for (size_t i = 0; i < resource_arns.size(); ++i) {
    bool decided = false;  // ModifyFindings does not call `decide` when the analyzer is absent
    bool stop = false;
    absl::StatusOr<bool> written =
        ModifyFindings(analyzer_arn, FindingSelection{resource_arns[i], std::nullopt},
                       [&](const FindingsSnapshot& snapshot) {
                         decided = true;
                         return decide(i, snapshot, stop);
                       });
    if (!written.ok()) return written.status();
    if (!decided) return false;
    if (stop) return true;
  }
  if (then) {
    absl::StatusOr<bool> changed = ModifyAnalyzer(analyzer_arn, then);
    if (!changed.ok()) return changed.status();
  }
  return true;
}

absl::StatusOr<std::shared_ptr<const ListedFinding>> Store::GetListedFinding(
    std::string_view analyzer_arn, std::string_view id) {
  absl::StatusOr<std::optional<findings::FindingRecord>> record = GetFinding(analyzer_arn, id);
  if (!record.ok()) return record.status();
  if (!record->has_value()) return nullptr;
  return ListedFindingOf(**record);
}

absl::StatusOr<FindingPage> Store::ListFindingsPage(std::string_view analyzer_arn,
                                                    const FindingPageQuery& query) {
  absl::StatusOr<std::vector<findings::FindingRecord>> all = ListFindings(analyzer_arn);
  if (!all.ok()) return all.status();
  std::vector<findings::FindingRecord> kept;
  for (findings::FindingRecord& record : *all) {
    if (query.after && !AfterPageToken(record, *query.after)) continue;
    if (query.filter != nullptr && !query.filter->Matches(record)) continue;
    kept.push_back(std::move(record));
  }
  findings::SortFindings(kept, query.sort);
  FindingPage page;
  page.more = kept.size() > query.limit;
  if (page.more) kept.resize(query.limit);
  for (const findings::FindingRecord& record : kept)
    page.entries.push_back(ListedFindingOf(record));
  return page;
}

absl::StatusOr<FindingCounts> Store::CountFindings(std::string_view analyzer_arn) {
  absl::StatusOr<std::vector<findings::FindingRecord>> all = ListFindings(analyzer_arn);
  if (!all.ok()) return all.status();
  // The finding type by its name, so that groups order as FindingCounts says.
  using GroupKey =
      std::tuple<findings::FindingStatus, std::string, std::string_view, std::string, bool, bool>;
  std::map<GroupKey, int64_t> counts;
  FindingCounts out;
  for (const findings::FindingRecord& record : *all) {
    ++counts[GroupKey{record.status, record.finding.resource_type,
                      findings::FindingTypeName(record.finding.type),
                      record.finding.resource_owner_account, record.finding.error.has_value(),
                      record.finding.is_public}];
    absl::Time latest = std::max(record.updated_at, record.analyzed_at);
    out.latest = out.latest ? std::max(*out.latest, latest) : latest;
  }
  for (const auto& [key, count] : counts) {
    const auto& [status, resource_type, type_name, owner, error, is_public] = key;
    out.groups.push_back(FindingGroupCount{status, resource_type,
                                           *findings::ParseFindingType(type_name), owner, error,
                                           is_public, count});
  }
  return out;
}

absl::StatusOr<FindingAggregates> Store::AggregateFindings(std::string_view analyzer_arn) {
  absl::StatusOr<std::vector<findings::FindingRecord>> all = ListFindings(analyzer_arn);
  if (!all.ok()) return all.status();
  std::map<std::string, int64_t> by_type, by_account;
  std::map<int64_t, FindingAggregates::Day> by_day;
  FindingAggregates out;
  for (const findings::FindingRecord& record : *all) {
    int64_t created_day = DayOf(record.created_at);
    by_day[created_day].day = created_day;
    ++by_day[created_day].created;
    if (record.status == findings::FindingStatus::kResolved) {
      int64_t resolved_day = DayOf(record.updated_at);
      by_day[resolved_day].day = resolved_day;
      ++by_day[resolved_day].resolved;
    }
    if (record.status != findings::FindingStatus::kActive) continue;
    ++by_type[record.finding.resource_type];
    ++by_account[record.finding.resource_owner_account];
    if (record.finding.error) {
      ++out.active_errors;
    } else if (record.finding.is_public) {
      ++out.active_public;
    } else {
      ++out.active_external;
    }
  }
  out.active_by_resource_type.assign(by_type.begin(), by_type.end());
  out.active_by_account.assign(by_account.begin(), by_account.end());
  for (const auto& [day, counts] : by_day) out.by_day.push_back(counts);
  return out;
}

int64_t DayOf(absl::Time time) {
  constexpr int64_t kDayMillis = 24 * 3600 * 1000;
  int64_t millis = absl::ToUnixMillis(time);
  return millis >= 0 ? millis / kDayMillis : -((-millis + kDayMillis - 1) / kDayMillis);
}

std::string_view StatusChangeCauseName(StatusChangeCause cause) {
  switch (cause) {
    case StatusChangeCause::kAnalysis:
      return "ANALYSIS";
    case StatusChangeCause::kUpdateFindings:
      return "UPDATE_FINDINGS";
    case StatusChangeCause::kArchiveRule:
      return "ARCHIVE_RULE";
    case StatusChangeCause::kBeforeHistory:
      return "BEFORE_HISTORY";
  }
  return "ANALYSIS";
}

std::optional<StatusChangeCause> ParseStatusChangeCause(std::string_view name) {
  static constexpr std::array kAll = {
      StatusChangeCause::kAnalysis, StatusChangeCause::kUpdateFindings,
      StatusChangeCause::kArchiveRule, StatusChangeCause::kBeforeHistory};
  return ParseByName(name, kAll, &StatusChangeCauseName);
}

const StatusCause& CauseOf(const FindingChanges& changes, std::string_view id) {
  auto it = changes.causes.find(id);
  return it != changes.causes.end() ? it->second : changes.cause;
}

std::optional<FindingStatusChange> StatusChangeOf(const findings::FindingRecord* stored,
                                                  const findings::FindingRecord& record,
                                                  const StatusCause& cause) {
  if (stored == nullptr) {
    return FindingStatusChange{record.created_at, std::nullopt, record.status, cause};
  }
  if (stored->status == record.status) return std::nullopt;
  return FindingStatusChange{record.updated_at, stored->status, record.status, cause};
}

absl::StatusOr<std::vector<FindingStatusChange>> Store::GetFindingHistory(std::string_view,
                                                                          std::string_view) {
  return absl::UnimplementedError("this store keeps no status history");
}

absl::Status Store::PutAccessPreview(const AccessPreviewRecord&) {
  return absl::UnimplementedError("this store keeps no access previews");
}

absl::StatusOr<std::optional<AccessPreviewRecord>> Store::GetAccessPreview(std::string_view,
                                                                           std::string_view) {
  return absl::UnimplementedError("this store keeps no access previews");
}

absl::StatusOr<std::vector<AccessPreviewRecord>> Store::ListAccessPreviews(std::string_view) {
  return absl::UnimplementedError("this store keeps no access previews");
}

absl::Status Store::PutFindingRecommendation(const FindingRecommendationRecord&) {
  return absl::UnimplementedError("this store keeps no finding recommendations");
}

absl::StatusOr<std::optional<FindingRecommendationRecord>> Store::GetFindingRecommendation(
    std::string_view, std::string_view) {
  return absl::UnimplementedError("this store keeps no finding recommendations");
}

}  // namespace perimeter::store
