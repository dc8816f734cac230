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
  using GroupKey = std::tuple<findings::FindingStatus, std::string, bool, bool>;
  std::map<GroupKey, int64_t> counts;
  FindingCounts out;
  for (const findings::FindingRecord& record : *all) {
    ++counts[GroupKey{record.status, record.finding.resource_type, record.finding.error.has_value(),
                      record.finding.is_public}];
    absl::Time latest = std::max(record.updated_at, record.analyzed_at);
    out.latest = out.latest ? std::max(*out.latest, latest) : latest;
  }
  for (const auto& [key, count] : counts) {
    const auto& [status, resource_type, error, is_public] = key;
    out.groups.push_back(FindingGroupCount{status, resource_type, error, is_public, count});
  }
  return out;
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

}  // namespace perimeter::store
