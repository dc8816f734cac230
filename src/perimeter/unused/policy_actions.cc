#include "perimeter/unused/policy_actions.h"

#include <algorithm>

#include "perimeter/base/text.h"
#include "perimeter/catalog/iam_catalog.h"
#include "perimeter/policy/policy_parser.h"
#include "perimeter/policy/wildcard.h"

namespace perimeter::unused {
namespace {

policy::PolicyParseOptions IdentityParseOptions() {
  policy::PolicyParseOptions options;
  options.kind = policy::PolicyKind::kIdentity;
  options.enforce_size_limit = false;  // the quota is IAM's business, not the analysis's
  return options;
}

// A Deny that refuses its actions whatever the request: Resource "*" and no condition.
bool DeniesEverywhere(const policy::Statement& statement) {
  if (statement.effect != policy::Effect::kDeny || !statement.conditions.empty()) return false;
  if (!statement.resource.has_value() || statement.resource->negated) return false;
  for (const policy::Text& pattern : statement.resource->patterns) {
    if (policy::WildcardPattern::FromGlob(pattern.value).matches_everything()) return true;
  }
  return false;
}

}  // namespace

std::vector<const CatalogAction*> CatalogActions::Matching(std::string_view pattern) {
  policy::WildcardPattern glob = policy::WildcardPattern::FromGlob(pattern);
  size_t colon = pattern.find(':');
  std::string_view service_glob =
      colon == std::string_view::npos ? pattern : pattern.substr(0, colon);
  policy::WildcardPattern service_pattern = policy::WildcardPattern::FromGlob(service_glob);
  std::vector<const CatalogAction*> out;
  for (const std::string& service : Services()) {
    if (!service_pattern.Matches(service, policy::CaseMode::kInsensitive)) continue;
    for (const CatalogAction& action : ActionsOf(service)) {
      if (glob.Matches(action.full_name, policy::CaseMode::kInsensitive)) out.push_back(&action);
    }
  }
  return out;
}

std::vector<const CatalogAction*> CatalogActions::All() {
  std::vector<const CatalogAction*> out;
  for (const std::string& service : Services()) {
    for (const CatalogAction& action : ActionsOf(service)) out.push_back(&action);
  }
  return out;
}

const std::vector<std::string>& CatalogActions::Services() {
  if (services_.empty()) {
    for (size_t i = 0; i < catalog::internal::kServicesCount; ++i) {
      services_.push_back(catalog::internal::kServices[i].prefix);
    }
  }
  return services_;
}

const std::vector<CatalogAction>& CatalogActions::ActionsOf(const std::string& service) {
  auto [it, inserted] = actions_.try_emplace(service);
  if (inserted) {
    for (const catalog::ActionInfo& info : catalog::ServiceActions(service)) {
      it->second.push_back({std::string(info.service), info.FullName()});
    }
  }
  return it->second;
}

std::set<const CatalogAction*> StatementActions(const policy::Statement& statement,
                                                CatalogActions& catalog,
                                                std::vector<std::string>& problems) {
  std::set<const CatalogAction*> named;
  for (const policy::Text& pattern : statement.action.patterns) {
    std::vector<const CatalogAction*> matched = catalog.Matching(pattern.value);
    if (matched.empty()) {
      problems.push_back(
          base::Concat("the action \"", pattern.value, "\" names no action of the IAM catalogue"));
    }
    named.insert(matched.begin(), matched.end());
  }
  if (!statement.action.negated) return named;
  std::set<const CatalogAction*> rest;
  for (const CatalogAction* action : catalog.All()) {
    if (!named.contains(action)) rest.insert(action);
  }
  return rest;
}

AllowedActions AllowedBy(const std::string& document, CatalogActions& catalog,
                         std::vector<std::string>& problems) {
  policy::PolicyParseResult parsed = policy::ParsePolicy(document, IdentityParseOptions());
  AllowedActions allowed;
  if (!parsed.ok()) {
    for (const base::Issue& issue : parsed.issues) {
      if (issue.severity == base::Severity::kError) {
        problems.push_back(base::Concat("the policy cannot be read: ", issue.message));
        break;
      }
    }
    return allowed;
  }
  std::set<const CatalogAction*> granted, denied;
  for (const policy::Statement& statement : parsed.policy->statements) {
    std::set<const CatalogAction*> actions = StatementActions(statement, catalog, problems);
    if (statement.effect == policy::Effect::kAllow) {
      granted.insert(actions.begin(), actions.end());
    } else if (DeniesEverywhere(statement)) {
      denied.insert(actions.begin(), actions.end());
    }
  }
  for (const CatalogAction* action : granted) {
    if (!denied.contains(action)) allowed[action->service].push_back(action->full_name);
  }
  for (auto& [service, actions] : allowed) std::sort(actions.begin(), actions.end());
  return allowed;
}

}  // namespace perimeter::unused
