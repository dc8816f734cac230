#include "perimeter/resources/analyze_resource.h"

#include "perimeter/resources/internal/findings_builder.h"
#include "perimeter/resources/registry.h"

namespace perimeter::resources {

ResourceAnalysis AnalyzeResource(const Resource &resource, const AccountSettings *account,
                                 const reasoning::ZoneOfTrust &zone, PolicyAnalysisMemo *memo) {
  if (resource.document == nullptr) {
    ResourceAnalysis analysis;
    analysis.findings.push_back(
        internal::ErrorFinding(resource, "the resource has no configuration"));
    return analysis;
  }
  if (account != nullptr && account->account_id != resource.owner_account) account = nullptr;
  ResourceAnalysis analysis = ModuleFor(resource.type).analyze(resource, account, zone, memo);
  for (findings::Finding &finding : analysis.findings) {
    if (finding.id.empty()) finding.id = findings::StableFindingId(finding);
  }
  return analysis;
}

}  // namespace perimeter::resources
