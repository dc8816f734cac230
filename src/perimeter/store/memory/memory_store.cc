#include "perimeter/store/memory/memory_store.h"

#include <algorithm>
#include <deque>
#include <set>
#include <tuple>

#include "perimeter/base/status_macros.h"

namespace perimeter::store {

absl::Status MemoryStore::PutAnalyzer(const Analyzer& analyzer) {
  std::lock_guard lock(mutex_);
  auto it = analyzers_.find(analyzer.arn);
  if (it == analyzers_.end()) {
    // A new life of the ARN (created, or created again after a delete): a new incarnation.
    Analyzer stored = analyzer;
    stored.incarnation = static_cast<int64_t>(++sequence_);
    analyzers_.emplace(analyzer.arn, std::make_pair(sequence_, std::move(stored)));
  } else {
    const int64_t incarnation = it->second.second.incarnation;
    it->second.second = analyzer;
    it->second.second.incarnation = incarnation;
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Analyzer>> MemoryStore::GetAnalyzer(std::string_view arn) {
  std::lock_guard lock(mutex_);
  auto it = analyzers_.find(arn);
  if (it == analyzers_.end()) return std::optional<Analyzer>();
  return std::optional<Analyzer>(it->second.second);
}

absl::StatusOr<std::vector<Analyzer>> MemoryStore::ListAnalyzers() {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<uint64_t, Analyzer>> ordered;
  for (const auto& [arn, entry] : analyzers_) ordered.push_back(entry);
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    if (a.second.created_at != b.second.created_at)
      return a.second.created_at < b.second.created_at;
    return a.second.arn < b.second.arn;
  });
  std::vector<Analyzer> out;
  for (auto& [sequence, analyzer] : ordered) out.push_back(std::move(analyzer));
  return out;
}

absl::Status MemoryStore::DeleteAnalyzer(std::string_view arn) {
  std::lock_guard lock(mutex_);
  auto it = analyzers_.find(arn);
  if (it != analyzers_.end()) analyzers_.erase(it);
  std::erase_if(rules_, [&](const auto& entry) { return entry.first.first == arn; });
  std::erase_if(findings_, [&](const auto& entry) { return entry.first.first == arn; });
  std::erase_if(history_, [&](const auto& entry) { return entry.first.first == arn; });
  std::erase_if(previews_, [&](const auto& entry) { return entry.first.first == arn; });
  std::erase_if(recommendations_, [&](const auto& entry) { return entry.first.first == arn; });
  return absl::OkStatus();
}

absl::StatusOr<bool> MemoryStore::ModifyAnalyzer(std::string_view arn,
                                                 const AnalyzerDecision& decide) {
  std::lock_guard lock(mutex_);
  auto it = analyzers_.find(arn);
  if (it == analyzers_.end()) return false;
  Analyzer changed = it->second.second;
  if (!decide(changed)) return false;
  changed.arn = it->second.second.arn;  // the key and its incarnation stay
  changed.incarnation = it->second.second.incarnation;
  it->second.second = std::move(changed);
  return true;
}

absl::Status MemoryStore::PutArchiveRule(const ArchiveRuleRecord& rule) {
  std::lock_guard lock(mutex_);
  PutArchiveRuleLocked(rule);
  return absl::OkStatus();
}

absl::StatusOr<bool> MemoryStore::ModifyArchiveRules(std::string_view analyzer_arn,
                                                     const ArchiveRulesDecision& decide) {
  std::lock_guard lock(mutex_);
  auto analyzer = analyzers_.find(analyzer_arn);
  if (analyzer == analyzers_.end()) return false;
  std::optional<ArchiveRuleChanges> changes =
      decide(analyzer->second.second, ListArchiveRulesLocked(analyzer_arn));
  if (!changes) return false;
  for (const std::string& name : changes->deleted_names)
    rules_.erase(Key{std::string(analyzer_arn), name});
  for (ArchiveRuleRecord& rule : changes->upserted) {
    rule.analyzer_arn = std::string(analyzer_arn);
    PutArchiveRuleLocked(rule);
  }
  return true;
}

void MemoryStore::PutArchiveRuleLocked(const ArchiveRuleRecord& rule) {
  Key key{rule.analyzer_arn, rule.rule_name};
  auto it = rules_.find(key);
  if (it == rules_.end()) {
    rules_.emplace(key, std::make_pair(++sequence_, rule));
  } else {
    it->second.second = rule;
  }
}

absl::StatusOr<std::optional<ArchiveRuleRecord>> MemoryStore::GetArchiveRule(
    std::string_view analyzer_arn, std::string_view rule_name) {
  std::lock_guard lock(mutex_);
  auto it = rules_.find(Key{std::string(analyzer_arn), std::string(rule_name)});
  if (it == rules_.end()) return std::optional<ArchiveRuleRecord>();
  return std::optional<ArchiveRuleRecord>(it->second.second);
}

absl::StatusOr<std::vector<ArchiveRuleRecord>> MemoryStore::ListArchiveRules(
    std::string_view analyzer_arn) {
  std::lock_guard lock(mutex_);
  return ListArchiveRulesLocked(analyzer_arn);
}

std::vector<ArchiveRuleRecord> MemoryStore::ListArchiveRulesLocked(
    std::string_view analyzer_arn) const {
  std::vector<std::pair<uint64_t, ArchiveRuleRecord>> ordered;
  for (const auto& [key, entry] : rules_) {
    if (key.first == analyzer_arn) ordered.push_back(entry);
  }
  std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    if (a.second.created_at != b.second.created_at)
      return a.second.created_at < b.second.created_at;
    return a.first < b.first;
  });
  std::vector<ArchiveRuleRecord> out;
  for (auto& [sequence, rule] : ordered) out.push_back(std::move(rule));
  return out;
}

absl::Status MemoryStore::DeleteArchiveRule(std::string_view analyzer_arn,
                                            std::string_view rule_name) {
  std::lock_guard lock(mutex_);
  rules_.erase(Key{std::string(analyzer_arn), std::string(rule_name)});
  return absl::OkStatus();
}

absl::Status MemoryStore::WriteFindings(std::string_view analyzer_arn,
                                        std::span<const findings::FindingRecord> records,
                                        std::span<const std::string> deleted_ids) {
  std::lock_guard lock(mutex_);
  WriteFindingsLocked(analyzer_arn, records, deleted_ids, StatusCause{}, {});
  return absl::OkStatus();
}

void MemoryStore::WriteFindingsLocked(
    std::string_view analyzer_arn, std::span<const findings::FindingRecord> records,
    std::span<const std::string> deleted_ids, const StatusCause& cause,
    const std::map<std::string, StatusCause, std::less<>>& causes) {
  for (const std::string& id : deleted_ids) {
    findings_.erase(Key{std::string(analyzer_arn), id});
    history_.erase(Key{std::string(analyzer_arn), id});
  }
  for (const findings::FindingRecord& record : records) {
    Key key{std::string(analyzer_arn), record.id()};
    auto stored = findings_.find(key);
    auto given = causes.find(record.id());
    std::optional<FindingStatusChange> change =
        StatusChangeOf(stored == findings_.end() ? nullptr : &stored->second, record,
                       given == causes.end() ? cause : given->second);
    if (change) {
      std::deque<FindingStatusChange>& history = history_[key];
      history.push_back(std::move(*change));
      while (history.size() > kStatusHistoryLimit) history.pop_front();
    }
    findings_.insert_or_assign(std::move(key), record);
  }
}

absl::StatusOr<bool> MemoryStore::ModifyFindings(std::string_view analyzer_arn,
                                                 const FindingSelection& selection,
                                                 const FindingsDecision& decide) {
  std::lock_guard lock(mutex_);
  auto analyzer = analyzers_.find(analyzer_arn);
  if (analyzer == analyzers_.end()) return false;
  FindingsSnapshot snapshot{analyzer->second.second, ListArchiveRulesLocked(analyzer_arn), {}};
  if (selection.ids) {
    std::set<std::string> ids(selection.ids->begin(), selection.ids->end());
    for (const std::string& id : ids) {
      auto it = findings_.find(Key{std::string(analyzer_arn), id});
      if (it != findings_.end()) snapshot.findings.push_back(it->second);
    }
  } else {
    for (auto it = findings_.lower_bound(Key{std::string(analyzer_arn), ""});
         it != findings_.end() && it->first.first == analyzer_arn; ++it) {
      if (!selection.resource_arn || it->second.finding.resource == *selection.resource_arn) {
        snapshot.findings.push_back(it->second);
      }
    }
  }
  ASSIGN_OR_RETURN(std::optional<FindingChanges> changes, decide(snapshot));
  if (!changes) return false;
  WriteFindingsLocked(analyzer_arn, changes->records, changes->deleted_ids, changes->cause,
                      changes->causes);
  return true;
}

absl::StatusOr<std::optional<findings::FindingRecord>> MemoryStore::GetFinding(
    std::string_view analyzer_arn, std::string_view id) {
  std::lock_guard lock(mutex_);
  auto it = findings_.find(Key{std::string(analyzer_arn), std::string(id)});
  if (it == findings_.end()) return std::optional<findings::FindingRecord>();
  return std::optional<findings::FindingRecord>(it->second);
}

absl::StatusOr<std::vector<FindingStatusChange>> MemoryStore::GetFindingHistory(
    std::string_view analyzer_arn, std::string_view id) {
  std::lock_guard lock(mutex_);
  auto it = history_.find(Key{std::string(analyzer_arn), std::string(id)});
  if (it == history_.end()) return std::vector<FindingStatusChange>();
  return std::vector<FindingStatusChange>(it->second.begin(), it->second.end());
}

absl::StatusOr<std::vector<findings::FindingRecord>> MemoryStore::ListFindings(
    std::string_view analyzer_arn) {
  std::lock_guard lock(mutex_);
  std::vector<findings::FindingRecord> out;
  for (auto it = findings_.lower_bound(Key{std::string(analyzer_arn), ""});
       it != findings_.end() && it->first.first == analyzer_arn; ++it) {
    out.push_back(it->second);
  }
  return out;
}

absl::StatusOr<std::vector<findings::FindingRecord>> MemoryStore::ListFindingsForResource(
    std::string_view analyzer_arn, std::string_view resource_arn) {
  std::lock_guard lock(mutex_);
  std::vector<findings::FindingRecord> out;
  for (auto it = findings_.lower_bound(Key{std::string(analyzer_arn), ""});
       it != findings_.end() && it->first.first == analyzer_arn; ++it) {
    if (it->second.finding.resource == resource_arn) out.push_back(it->second);
  }
  return out;
}

absl::Status MemoryStore::PutServiceAccess(const ServiceAccess& access) {
  std::lock_guard lock(mutex_);
  service_access_.try_emplace(access.service_principal, access);
  return absl::OkStatus();
}

absl::Status MemoryStore::DeleteServiceAccess(std::string_view service_principal) {
  std::lock_guard lock(mutex_);
  auto it = service_access_.find(service_principal);
  if (it != service_access_.end()) service_access_.erase(it);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<ServiceAccess>> MemoryStore::ListServiceAccess() {
  std::lock_guard lock(mutex_);
  std::vector<ServiceAccess> out;
  for (const auto& [principal, access] : service_access_) out.push_back(access);
  return out;
}

absl::Status MemoryStore::PutDelegatedAdministrator(const DelegatedAdministrator& administrator) {
  std::lock_guard lock(mutex_);
  administrators_.try_emplace(Key{administrator.account_id, administrator.service_principal},
                              administrator);
  return absl::OkStatus();
}

absl::Status MemoryStore::DeleteDelegatedAdministrator(std::string_view account_id,
                                                       std::string_view service_principal) {
  std::lock_guard lock(mutex_);
  administrators_.erase(Key{std::string(account_id), std::string(service_principal)});
  return absl::OkStatus();
}

absl::StatusOr<std::vector<DelegatedAdministrator>> MemoryStore::ListDelegatedAdministrators() {
  std::lock_guard lock(mutex_);
  std::vector<DelegatedAdministrator> out;
  for (const auto& [key, administrator] : administrators_) out.push_back(administrator);
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.registered_at < b.registered_at; });
  return out;
}

absl::Status MemoryStore::PutInventory(std::span<const InventoryRecord> records) {
  std::lock_guard lock(mutex_);
  for (const InventoryRecord& record : records) {
    inventory_.insert_or_assign({record.kind, record.key, record.owner}, record);
  }
  return absl::OkStatus();
}

absl::Status MemoryStore::DeleteInventory(InventoryKind kind, std::string_view owner,
                                          std::string_view key) {
  std::lock_guard lock(mutex_);
  inventory_.erase({kind, std::string(key), std::string(owner)});
  return absl::OkStatus();
}

absl::StatusOr<std::vector<InventoryRecord>> MemoryStore::ListInventory(InventoryKind kind) {
  std::lock_guard lock(mutex_);
  std::vector<InventoryRecord> out;
  for (const auto& [key, record] : inventory_) {
    if (std::get<0>(key) == kind) out.push_back(record);
  }
  return out;
}

absl::StatusOr<std::optional<InventoryRecord>> MemoryStore::GetInventory(InventoryKind kind,
                                                                         std::string_view owner,
                                                                         std::string_view key) {
  std::lock_guard lock(mutex_);
  auto it = inventory_.find({kind, std::string(key), std::string(owner)});
  if (it == inventory_.end()) return std::optional<InventoryRecord>();
  return std::optional<InventoryRecord>(it->second);
}

absl::Status MemoryStore::PutAccessPreview(const AccessPreviewRecord& preview) {
  std::lock_guard lock(mutex_);
  previews_.insert_or_assign(Key{preview.analyzer_arn, preview.id}, preview);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<AccessPreviewRecord>> MemoryStore::GetAccessPreview(
    std::string_view analyzer_arn, std::string_view id) {
  std::lock_guard lock(mutex_);
  auto it = previews_.find(Key{std::string(analyzer_arn), std::string(id)});
  if (it == previews_.end()) return std::optional<AccessPreviewRecord>();
  return std::optional<AccessPreviewRecord>(it->second);
}

absl::StatusOr<std::vector<AccessPreviewRecord>> MemoryStore::ListAccessPreviews(
    std::string_view analyzer_arn) {
  std::lock_guard lock(mutex_);
  std::vector<AccessPreviewRecord> out;
  for (const auto& [key, preview] : previews_) {
    if (key.first == analyzer_arn) out.push_back(preview);
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
  });
  return out;
}

absl::Status MemoryStore::PutFindingRecommendation(const FindingRecommendationRecord& record) {
  std::lock_guard lock(mutex_);
  recommendations_.insert_or_assign(Key{record.analyzer_arn, record.finding_id}, record);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<FindingRecommendationRecord>> MemoryStore::GetFindingRecommendation(
    std::string_view analyzer_arn, std::string_view finding_id) {
  std::lock_guard lock(mutex_);
  auto it = recommendations_.find(Key{std::string(analyzer_arn), std::string(finding_id)});
  if (it == recommendations_.end()) return std::optional<FindingRecommendationRecord>();
  return std::optional<FindingRecommendationRecord>(it->second);
}

absl::StatusOr<std::optional<std::string>> MemoryStore::GetClientToken(std::string_view scope) {
  std::lock_guard lock(mutex_);
  auto it = client_tokens_.find(scope);
  if (it == client_tokens_.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

absl::Status MemoryStore::PutClientToken(std::string_view scope, std::string_view result) {
  std::lock_guard lock(mutex_);
  client_tokens_.insert_or_assign(std::string(scope), std::string(result));
  return absl::OkStatus();
}

}  // namespace perimeter::store
