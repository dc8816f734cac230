#include "perimeter/resources/internal/findings_builder.h"

#include <algorithm>
#include <utility>

#include "perimeter/base/text.h"
#include "perimeter/catalog/iam_catalog.h"
#include "perimeter/policy/arn.h"
#include "perimeter/reasoning/z3/analyze_with_oracle.h"

namespace perimeter::resources::internal {

std::vector<std::string> CatalogActions(std::string_view service, std::string_view resource_type) {
  std::vector<std::string> out;
  for (const catalog::ActionInfo &action : catalog::ActionsOnResourceType(service, resource_type)) {
    out.push_back(action.FullName());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string PartitionOf(std::string_view arn) {
  std::optional<policy::Arn> parsed = policy::ParseArn(arn);
  if (!parsed.has_value() || parsed->partition.empty()) return "aws";
  return std::string(parsed->partition);
}

reasoning::AnalysisResult AnalyzePolicy(const Resource &resource, const policy::Policy &policy,
                                        policy::PolicyKind kind,
                                        std::vector<reasoning::ResourceTarget> targets,
                                        std::vector<findings::FindingSource> sources,
                                        std::string label, const reasoning::ZoneOfTrust &zone,
                                        std::optional<reasoning::GatePolicy> gate) {
  reasoning::AccessModel model;
  model.resource_arn = resource.arn;
  model.resource_type = std::string(ResourceTypeName(resource.type));
  model.owner_account = resource.owner_account;
  model.partition = PartitionOf(resource.arn);
  model.targets = std::move(targets);
  model.policy = &policy;
  model.policy_kind = kind;
  model.policy_label = std::move(label);
  model.sources = std::move(sources);
  model.gate = std::move(gate);
  reasoning::AnalysisResult result = reasoning::z3::AnalyzeExternalAccessWithOracle(model, zone);
  for (findings::Finding &finding : result.findings) {
    if (finding.error.has_value()) {
      finding.error_reason = base::Concat(resource.arn, ": ", finding.error_reason);
    }
  }
  return result;
}

findings::Finding ErrorFinding(const Resource &resource, std::string reason,
                               std::vector<findings::FindingSource> sources) {
  findings::Finding finding;
  finding.resource = resource.arn;
  finding.resource_type = std::string(ResourceTypeName(resource.type));
  finding.resource_owner_account = resource.owner_account;
  finding.sources = std::move(sources);
  finding.error = "INTERNAL_ERROR";
  finding.error_reason = base::Concat(resource.arn, ": ", reason);
  finding.id = findings::StableFindingId(finding);
  return finding;
}

findings::Finding DirectFinding(const Resource &resource, DirectGrant grant) {
  findings::Finding finding;
  finding.principal = std::move(grant.principal);
  finding.actions = std::move(grant.actions);
  std::sort(finding.actions.begin(), finding.actions.end());
  finding.actions.erase(std::unique(finding.actions.begin(), finding.actions.end()),
                        finding.actions.end());
  finding.condition = std::move(grant.condition);
  finding.is_public = grant.is_public;
  finding.resource = resource.arn;
  finding.resource_type = std::string(ResourceTypeName(resource.type));
  finding.resource_owner_account = resource.owner_account;
  finding.sources = std::move(grant.sources);
  finding.witness = std::move(grant.witness);
  finding.explanation.push_back(std::move(grant.explanation));
  finding.id = findings::StableFindingId(finding);
  return finding;
}

void MergeFinding(std::vector<findings::Finding> &into, findings::Finding finding) {
  if (finding.error.has_value()) {
    into.push_back(std::move(finding));
    return;
  }
  std::string key = findings::FindingKey(finding);
  for (findings::Finding &existing : into) {
    if (existing.error.has_value() || findings::FindingKey(existing) != key) continue;
    existing.actions.insert(existing.actions.end(), finding.actions.begin(), finding.actions.end());
    std::sort(existing.actions.begin(), existing.actions.end());
    existing.actions.erase(std::unique(existing.actions.begin(), existing.actions.end()),
                           existing.actions.end());
    for (findings::StatementRef &ref : finding.explanation) {
      bool known = std::any_of(existing.explanation.begin(), existing.explanation.end(),
                               [&](const findings::StatementRef &s) {
                                 return s.policy == ref.policy && s.index == ref.index;
                               });
      if (!known) existing.explanation.push_back(std::move(ref));
    }
    existing.is_public = existing.is_public || finding.is_public;
    if (!existing.witness.has_value()) existing.witness = std::move(finding.witness);
    return;
  }
  into.push_back(std::move(finding));
}

std::string SampleExternalAccount(const reasoning::ZoneOfTrust &zone) {
  // Documentation-style ids; the first one outside the zone.
  for (std::string_view candidate : {"999999999999", "999999999998", "999999999997"}) {
    if (!zone.ContainsAccount(candidate)) return std::string(candidate);
  }
  // A zone holding all three is not a real organization; any other id will do.
  return "999999999996";
}

std::string DescribeErrors(const Resource &resource, const std::vector<base::Issue> &issues) {
  std::string out = "the configuration cannot be read: ";
  bool first = true;
  for (const base::Issue &issue : issues) {
    if (issue.severity != base::Severity::kError) continue;
    if (!first) out += "; ";
    first = false;
    out += base::Concat(resource.source_name, ":", base::ToString(issue.position), ": ",
                        issue.message);
  }
  return out;
}

}  // namespace perimeter::resources::internal
