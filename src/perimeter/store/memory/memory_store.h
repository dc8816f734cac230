// A Store kept in memory, for tests and `perimeter serve --ephemeral`. Nothing survives the
// process.
#ifndef PERIMETER_STORE_MEMORY_MEMORY_STORE_H_
#define PERIMETER_STORE_MEMORY_MEMORY_STORE_H_

#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <utility>

#include "perimeter/store/store.h"

namespace perimeter::store {

class MemoryStore final : public Store {
 public:
  absl::Status PutAnalyzer(const Analyzer& analyzer) override;
  absl::StatusOr<std::optional<Analyzer>> GetAnalyzer(std::string_view arn) override;
  absl::StatusOr<std::vector<Analyzer>> ListAnalyzers() override;
  absl::Status DeleteAnalyzer(std::string_view arn) override;
  absl::StatusOr<bool> ModifyAnalyzer(std::string_view arn,
                                      const AnalyzerDecision& decide) override;

  absl::Status PutArchiveRule(const ArchiveRuleRecord& rule) override;
  absl::StatusOr<std::optional<ArchiveRuleRecord>> GetArchiveRule(
      std::string_view analyzer_arn, std::string_view rule_name) override;
  absl::StatusOr<std::vector<ArchiveRuleRecord>> ListArchiveRules(
      std::string_view analyzer_arn) override;
  absl::Status DeleteArchiveRule(std::string_view analyzer_arn,
                                 std::string_view rule_name) override;
  absl::StatusOr<bool> ModifyArchiveRules(std::string_view analyzer_arn,
                                          const ArchiveRulesDecision& decide) override;

  absl::Status WriteFindings(std::string_view analyzer_arn,
                             std::span<const findings::FindingRecord> records,
                             std::span<const std::string> deleted_ids) override;
  absl::StatusOr<bool> ModifyFindings(std::string_view analyzer_arn,
                                      const FindingSelection& selection,
                                      const FindingsDecision& decide) override;
  absl::StatusOr<std::optional<findings::FindingRecord>> GetFinding(std::string_view analyzer_arn,
                                                                    std::string_view id) override;
  absl::StatusOr<std::vector<findings::FindingRecord>> ListFindings(
      std::string_view analyzer_arn) override;
  absl::StatusOr<std::vector<findings::FindingRecord>> ListFindingsForResource(
      std::string_view analyzer_arn, std::string_view resource_arn) override;
  absl::StatusOr<std::vector<FindingStatusChange>> GetFindingHistory(std::string_view analyzer_arn,
                                                                     std::string_view id) override;

  absl::Status PutServiceAccess(const ServiceAccess& access) override;
  absl::Status DeleteServiceAccess(std::string_view service_principal) override;
  absl::StatusOr<std::vector<ServiceAccess>> ListServiceAccess() override;
  absl::Status PutDelegatedAdministrator(const DelegatedAdministrator& administrator) override;
  absl::Status DeleteDelegatedAdministrator(std::string_view account_id,
                                            std::string_view service_principal) override;
  absl::StatusOr<std::vector<DelegatedAdministrator>> ListDelegatedAdministrators() override;

  absl::Status PutInventory(std::span<const InventoryRecord> records) override;
  absl::Status DeleteInventory(InventoryKind kind, std::string_view owner,
                               std::string_view key) override;
  absl::StatusOr<std::vector<InventoryRecord>> ListInventory(InventoryKind kind) override;
  absl::StatusOr<std::optional<InventoryRecord>> GetInventory(InventoryKind kind,
                                                              std::string_view owner,
                                                              std::string_view key) override;

  absl::Status PutAccessPreview(const AccessPreviewRecord& preview) override;
  absl::StatusOr<std::optional<AccessPreviewRecord>> GetAccessPreview(std::string_view analyzer_arn,
                                                                      std::string_view id) override;
  absl::StatusOr<std::vector<AccessPreviewRecord>> ListAccessPreviews(
      std::string_view analyzer_arn) override;
  absl::Status PutFindingRecommendation(const FindingRecommendationRecord& record) override;
  absl::StatusOr<std::optional<FindingRecommendationRecord>> GetFindingRecommendation(
      std::string_view analyzer_arn, std::string_view finding_id) override;

  absl::StatusOr<std::optional<std::string>> GetClientToken(std::string_view scope) override;
  absl::Status PutClientToken(std::string_view scope, std::string_view result) override;

 private:
  using Key = std::pair<std::string, std::string>;
  // REQUIRES: mutex_ held.
  std::vector<ArchiveRuleRecord> ListArchiveRulesLocked(std::string_view analyzer_arn) const;
  void PutArchiveRuleLocked(const ArchiveRuleRecord& rule);
  void WriteFindingsLocked(std::string_view analyzer_arn,
                           std::span<const findings::FindingRecord> records,
                           std::span<const std::string> deleted_ids, const StatusCause& cause,
                           const std::map<std::string, StatusCause, std::less<>>& causes);

  std::mutex mutex_;
  uint64_t sequence_ = 0;  // creation order of analyzers and rules
  std::map<std::string, std::pair<uint64_t, Analyzer>, std::less<>> analyzers_;
  std::map<Key, std::pair<uint64_t, ArchiveRuleRecord>> rules_;
  std::map<Key, findings::FindingRecord> findings_;         // (analyzer, id)
  std::map<Key, std::deque<FindingStatusChange>> history_;  // (analyzer, id), oldest first
  std::map<std::string, ServiceAccess, std::less<>> service_access_;
  std::map<Key, DelegatedAdministrator> administrators_;  // (account, service)
  // (kind, key, owner): listed by key, then owner.
  std::map<std::tuple<InventoryKind, std::string, std::string>, InventoryRecord> inventory_;
  std::map<std::string, std::string, std::less<>> client_tokens_;
  std::map<Key, AccessPreviewRecord> previews_;                 // (analyzer, id)
  std::map<Key, FindingRecommendationRecord> recommendations_;  // (analyzer, finding id)
};

}  // namespace perimeter::store

#endif  // PERIMETER_STORE_MEMORY_MEMORY_STORE_H_
