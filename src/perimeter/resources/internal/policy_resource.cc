#include "perimeter/resources/internal/policy_resource.h"

#include <optional>
#include <string>

#include "perimeter/resources/internal/config_reader.h"
#include "perimeter/resources/internal/findings_builder.h"

namespace perimeter::resources::internal {
namespace {

std::optional<PolicySource> ReadShape(const PolicyResourceSpec &spec,
                                      const json::Value &configuration, Diagnostics &diagnostics) {
  ObjectReader reader(configuration, std::string(spec.member), diagnostics);
  std::optional<PolicySource> policy = ReadPolicyMember(reader, spec.policy_field);
  for (std::string_view field : spec.other_string_fields) reader.String(field);
  reader.Finish();
  return policy;
}

}  // namespace

std::vector<base::Issue> CheckPolicyResource(const PolicyResourceSpec &spec,
                                             const json::Value &configuration,
                                             const RecordLocation &location) {
  Diagnostics diagnostics(location);
  ReadShape(spec, configuration, diagnostics);
  return diagnostics.TakeIssues();
}

ResourceAnalysis AnalyzePolicyResource(const PolicyResourceSpec &spec, const Resource &resource,
                                       const reasoning::ZoneOfTrust &zone,
                                       PolicyAnalysisMemo *memo) {
  ResourceAnalysis analysis;
  Diagnostics diagnostics(resource.location);
  std::optional<PolicySource> source = ReadShape(spec, resource.configuration, diagnostics);
  std::optional<policy::Policy> policy;
  if (!diagnostics.has_errors() && source.has_value())
    policy = ParsePolicySource(*source, spec.kind, diagnostics);
  if (diagnostics.has_errors()) {
    analysis.findings.push_back(
        ErrorFinding(resource, DescribeErrors(resource, diagnostics.issues())));
  } else if (policy.has_value()) {
    // Only S3 bucket findings carry `sources` (Access Analyzer API,
    // "FindingSourceDetail").
    reasoning::AnalysisResult result =
        AnalyzePolicy(resource, *policy, spec.kind, spec.targets(resource), {},
                      std::string(spec.policy_field), zone, std::nullopt, memo);
    analysis.findings = std::move(result.findings);
    analysis.policies_decided_by_oracle += result.stats.decided_by_oracle;
  }
  analysis.issues = diagnostics.TakeIssues();
  return analysis;
}

}  // namespace perimeter::resources::internal
