#include "perimeter/analysis/offline_analysis.h"

#include <memory>
#include <utility>

#include "perimeter/analysis/streamed_analysis.h"

namespace perimeter::analysis {
namespace {

// Keeps the findings, pointing at their resources in the caller's inventories.
class ReportCollector : public FindingSink {
 public:
  explicit ReportCollector(OfflineReport& report) : report_(report) {}
  void Add(const findings::FindingRecord& record, const resources::Resource& resource) override {
    report_.findings.push_back(record);
    report_.finding_resources.push_back(&resource);
  }

 private:
  OfflineReport& report_;
};

}  // namespace

absl::StatusOr<OfflineReport> AnalyzeInventories(
    const std::vector<resources::Inventory>& inventories, const OfflineAnalysisOptions& options) {
  std::vector<AnalysisInput> inputs;
  for (const resources::Inventory& inventory : inventories)
    inputs.push_back(AnalysisInput{.inventory = &inventory, .source_name = inventory.source_name});
  absl::StatusOr<std::unique_ptr<StreamedAnalysis>> analysis =
      StreamedAnalysis::Prepare(std::move(inputs), options);
  if (!analysis.ok()) return analysis.status();
  OfflineReport report;
  ReportCollector collector(report);
  StreamedResult result = (*analysis)->Run(collector);
  report.errors = std::move(result.errors);
  report.summary = result.summary;
  return report;
}

}  // namespace perimeter::analysis
