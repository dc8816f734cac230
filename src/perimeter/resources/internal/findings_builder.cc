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

namespace {

// Length-prefixed, so that no two different sequences of fields give the same key.
void AppendField(std::string &key, std::string_view field) {
  key += std::to_string(field.size());
  key += ':';
  key += field;
}

void AppendFlag(std::string &key, bool value) { key += value ? '1' : '0'; }

void AppendPatterns(std::string &key, const policy::PatternList &list) {
  AppendFlag(key, list.negated);
  AppendField(key, std::to_string(list.patterns.size()));
  for (const policy::Text &pattern : list.patterns) AppendField(key, pattern.value);
}

// Every field of the policy model but its source positions.
void AppendPolicy(std::string &key, const policy::Policy &policy) {
  key += static_cast<char>('0' + static_cast<int>(policy.version));
  AppendFlag(key, policy.version_present);
  AppendFlag(key, policy.id.has_value());
  if (policy.id.has_value()) AppendField(key, *policy.id);
  AppendField(key, std::to_string(policy.statements.size()));
  for (const policy::Statement &statement : policy.statements) {
    AppendField(key, std::to_string(statement.index));
    AppendFlag(key, statement.sid.has_value());
    if (statement.sid.has_value()) AppendField(key, *statement.sid);
    AppendField(key, policy::EffectName(statement.effect));
    AppendFlag(key, statement.principal.has_value());
    if (statement.principal.has_value()) {
      const policy::PrincipalSpec &principal = *statement.principal;
      AppendFlag(key, principal.negated);
      AppendFlag(key, principal.wildcard);
      AppendField(key, std::to_string(principal.values.size()));
      for (const policy::PrincipalValue &value : principal.values) {
        AppendField(key, policy::PrincipalKindName(value.kind));
        AppendField(key, value.value);
      }
    }
    AppendPatterns(key, statement.action);
    AppendFlag(key, statement.resource.has_value());
    if (statement.resource.has_value()) AppendPatterns(key, *statement.resource);
    AppendField(key, std::to_string(statement.conditions.size()));
    for (const policy::Condition &condition : statement.conditions) {
      AppendField(key, policy::ConditionOperatorName(condition.op.op));
      key += static_cast<char>('0' + static_cast<int>(condition.op.qualifier));
      AppendFlag(key, condition.op.if_exists);
      AppendField(key, condition.op.as_written);
      AppendField(key, condition.key);
      AppendField(key, condition.key_lower);
      AppendField(key, std::to_string(condition.values.size()));
      for (const policy::ConditionValue &value : condition.values) AppendField(key, value.value);
    }
  }
}

void AppendZone(std::string &key, const reasoning::ZoneOfTrust &zone) {
  switch (zone.type()) {
    case reasoning::ZoneOfTrust::Type::kAccount:
      key += 'A';
      break;
    case reasoning::ZoneOfTrust::Type::kOrganization:
      key += 'O';
      break;
  }
  AppendField(key, zone.account_id());
  AppendFlag(key, zone.organization().has_value());
  if (zone.organization().has_value()) {
    const reasoning::Organization &organization = *zone.organization();
    AppendField(key, organization.id);
    AppendField(key, organization.management_account);
    AppendField(key, std::to_string(organization.members.size()));
    for (const reasoning::OrganizationMember &member : organization.members) {
      AppendField(key, member.account_id);
      AppendField(key, member.ou_path);
    }
  }
}

// The ARN up to and including its last '/' or ':'. The name after it holds neither, so every
// prefix test the evaluator makes on an ARN's resource part ("role/aws-service-role/", "key/",
// "alias/": each ends with '/') has the same answer for two ARNs of the same shape.
std::string_view ArnShape(std::string_view arn) {
  size_t last = arn.find_last_of("/:");
  return last == std::string_view::npos ? std::string_view() : arn.substr(0, last + 1);
}

// The statement whose `index` is `index`, or null.
const policy::Statement *StatementAt(const policy::Policy &policy, size_t index) {
  if (index < policy.statements.size() && policy.statements[index].index == index)
    return &policy.statements[index];
  for (const policy::Statement &statement : policy.statements) {
    if (statement.index == index) return &statement;
  }
  return nullptr;
}

bool HasWildcard(std::string_view text) {
  return text.find_first_of("*?") != std::string_view::npos;
}

// Whether `result`, computed for `arn`, has the resource's ARN only where Instantiate replaces it,
// and statements of `label` only: what a result must be to be shared.
bool Shareable(const reasoning::AnalysisResult &result, std::string_view arn,
               const policy::Policy &policy, std::string_view label) {
  if (!result.stats.decided || result.stats.decided_by_oracle) return false;
  for (const findings::Finding &finding : result.findings) {
    if (finding.error.has_value() || finding.resource != arn) return false;
    if (finding.witness.has_value() && !finding.witness->resource.starts_with(arn)) return false;
    for (const findings::StatementRef &ref : finding.explanation) {
      if (ref.policy != label || StatementAt(policy, ref.index) == nullptr) return false;
    }
  }
  return true;
}

// `result` (computed for `from_arn`) as the analysis of the same policy for `resource`: the ARN
// replaced where the engine put the resource's own ARN, statement positions read from `policy`,
// ids recomputed. REQUIRES: Shareable(result, from_arn, policy, label).
void Instantiate(reasoning::AnalysisResult &result, std::string_view from_arn,
                 const Resource &resource, const policy::Policy &policy) {
  for (findings::Finding &finding : result.findings) {
    finding.resource = resource.arn;
    if (finding.witness.has_value()) {
      std::string &witnessed = finding.witness->resource;
      witnessed = base::Concat(resource.arn, std::string_view(witnessed).substr(from_arn.size()));
    }
    for (findings::StatementRef &ref : finding.explanation) {
      ref.position = StatementAt(policy, ref.index)->position;
    }
    finding.id = findings::StableFindingId(finding);
  }
}

}  // namespace

std::optional<std::string> PolicyMemoKey(const Resource &resource, const policy::Policy &policy,
                                         policy::PolicyKind kind,
                                         const std::vector<reasoning::ResourceTarget> &targets,
                                         const std::vector<findings::FindingSource> &sources,
                                         std::string_view label, const reasoning::ZoneOfTrust &zone,
                                         const std::optional<reasoning::GatePolicy> &gate) {
  if (gate.has_value() || resource.arn.empty()) return std::nullopt;
  for (const policy::Statement &statement : policy.statements) {
    if (!statement.resource.has_value()) continue;
    if (statement.resource->negated) return std::nullopt;
    for (const policy::Text &pattern : statement.resource->patterns) {
      if (pattern.value != "*") return std::nullopt;
    }
  }
  std::string key = "policy-memo-1|";
  AppendField(key, ResourceTypeName(resource.type));
  AppendField(key, policy::PolicyKindName(kind));
  AppendField(key, label);
  AppendField(key, resource.owner_account);
  AppendField(key, PartitionOf(resource.arn));
  AppendField(key, ArnShape(resource.arn));
  AppendField(key, std::to_string(targets.size()));
  for (const reasoning::ResourceTarget &target : targets) {
    if (target.gate_map.has_value()) return std::nullopt;
    AppendField(key, std::to_string(target.arn_patterns.size()));
    for (const std::string &arn : target.arn_patterns) {
      if (HasWildcard(arn) || !arn.starts_with(resource.arn)) return std::nullopt;
      AppendField(key, std::string_view(arn).substr(resource.arn.size()));
    }
    AppendField(key, std::to_string(target.actions.size()));
    for (const std::string &action : target.actions) AppendField(key, action);
  }
  AppendField(key, std::to_string(sources.size()));
  for (const findings::FindingSource &source : sources) {
    AppendField(key, findings::FindingSourceTypeName(source.type));
    AppendFlag(key, source.access_point_arn.has_value());
    if (source.access_point_arn.has_value()) AppendField(key, *source.access_point_arn);
    AppendFlag(key, source.access_point_account.has_value());
    if (source.access_point_account.has_value()) AppendField(key, *source.access_point_account);
  }
  AppendZone(key, zone);
  AppendPolicy(key, policy);
  return key;
}

reasoning::AnalysisResult AnalyzePolicy(const Resource &resource, const policy::Policy &policy,
                                        policy::PolicyKind kind,
                                        std::vector<reasoning::ResourceTarget> targets,
                                        std::vector<findings::FindingSource> sources,
                                        std::string label, const reasoning::ZoneOfTrust &zone,
                                        std::optional<reasoning::GatePolicy> gate,
                                        PolicyAnalysisMemo *memo) {
  std::optional<std::string> key;
  if (memo != nullptr) {
    key = PolicyMemoKey(resource, policy, kind, targets, sources, label, zone, gate);
    if (key.has_value()) {
      if (const PolicyAnalysisMemo::Entry *entry = memo->Find(*key)) {
        memo->CountHit();
        reasoning::AnalysisResult shared = entry->result;
        Instantiate(shared, entry->resource_arn, resource, policy);
        return shared;
      }
      memo->CountMiss();
    }
  }
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
  // Only what the engine decided on its own is shared: unknowns are computed afresh every time.
  if (key.has_value() && Shareable(result, resource.arn, policy, model.policy_label)) {
    memo->Insert(std::move(*key), PolicyAnalysisMemo::Entry{resource.arn, result});
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
