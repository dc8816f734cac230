#include "perimeter/reasoning/z3/analyze_with_oracle.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "perimeter/base/text.h"

namespace perimeter::reasoning::z3 {

AnalysisResult AnalyzeExternalAccessWithOracle(const AccessModel& model, const ZoneOfTrust& zone,
                                               const OracleFallbackOptions& options) {
  AnalysisResult result = AnalyzeExternalAccess(model, zone);
  if (result.stats.decided || model.policy == nullptr) return result;
  std::vector<findings::Finding> found;
  for (const findings::Finding& finding : result.findings) {
    if (!finding.error.has_value()) found.push_back(finding);
  }
  CoverResult cover = CheckCover(model, zone, found, options.timeout_ms, options.cover);
  if (cover.kind == CoverResult::Kind::kCovered) {
    // Proven: no external access beyond the engine's own findings (none at all when it refused).
    result.findings = std::move(found);
    result.stats.decided = true;
    result.stats.decided_by_oracle = true;
    return result;
  }
  std::string what =
      cover.kind == CoverResult::Kind::kUncovered
          ? base::Concat("the Z3 oracle found external access no finding reports: ", cover.reason)
          : base::Concat("the Z3 oracle could not decide either: ", cover.reason);
  for (findings::Finding& finding : result.findings) {
    if (finding.error.has_value())
      finding.error_reason = base::Concat(finding.error_reason, "; ", what);
  }
  return result;
}

}  // namespace perimeter::reasoning::z3
