#include "perimeter/unused/recommendation.h"

#include <algorithm>
#include <map>
#include <set>
#include <variant>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "perimeter/base/text.h"
#include "perimeter/json/document.h"
#include "perimeter/json/writer.h"
#include "perimeter/policy/policy_parser.h"
#include "perimeter/unused/policy_actions.h"

namespace perimeter::unused {
namespace {

policy::PolicyParseOptions IdentityParseOptions() {
  policy::PolicyParseOptions options;
  options.kind = policy::PolicyKind::kIdentity;
  options.enforce_size_limit = false;  // the quota is IAM's business, not the analysis's
  return options;
}

// The finding's unused actions: a whole service (service-level detail) or named actions.
class UnusedSet {
 public:
  explicit UnusedSet(const findings::UnusedAccessFinding& finding) {
    for (const findings::UnusedFindingDetails& details : finding.details) {
      const auto* permission = std::get_if<findings::UnusedPermissionDetails>(&details);
      if (permission == nullptr) continue;
      std::string service = absl::AsciiStrToLower(permission->service_namespace);
      if (permission->actions.empty()) {
        whole_services_.insert(service);
      }
      for (const findings::UnusedAction& action : permission->actions) {
        actions_.insert(absl::AsciiStrToLower(action.action));
      }
    }
  }
  bool Unused(const CatalogAction& action) const {
    return whole_services_.contains(action.service) ||
           actions_.contains(absl::AsciiStrToLower(action.full_name));
  }

 private:
  std::set<std::string> whole_services_;
  std::set<std::string> actions_;
};

std::string_view ServiceOfPattern(std::string_view pattern) {
  size_t colon = pattern.find(':');
  return colon == std::string_view::npos ? std::string_view() : pattern.substr(0, colon);
}

// The Action list of statement `statement` keeping only actions not in `unused`; empty when it
// keeps nothing.
std::vector<std::string> KeptActions(const policy::Statement& statement, const UnusedSet& unused,
                                     CatalogActions& catalog, std::vector<std::string>& problems) {
  std::map<std::string, std::vector<const CatalogAction*>> granted;  // service -> actions
  for (const CatalogAction* action : StatementActions(statement, catalog, problems)) {
    granted[action->service].push_back(action);
  }
  std::vector<std::string> out;
  for (auto& [service, actions] : granted) {
    std::vector<const CatalogAction*> kept;
    for (const CatalogAction* action : actions) {
      if (!unused.Unused(*action)) kept.push_back(action);
    }
    if (kept.empty()) continue;
    bool all_kept = kept.size() == actions.size();
    bool own_patterns = !statement.action.negated;
    std::vector<std::string> patterns;
    for (const policy::Text& pattern : statement.action.patterns) {
      std::string_view prefix = ServiceOfPattern(pattern.value);
      if (prefix.find_first_of("*?") != std::string_view::npos) own_patterns = false;
      if (absl::EqualsIgnoreCase(std::string(prefix), service)) patterns.push_back(pattern.value);
    }
    if (all_kept && own_patterns && !patterns.empty()) {
      out.insert(out.end(), patterns.begin(), patterns.end());
    } else if (all_kept && actions.size() == catalog.ActionsOf(service).size()) {
      out.push_back(base::Concat(service, ":*"));
    } else {
      for (const CatalogAction* action : kept) out.push_back(action->full_name);
    }
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The statements of the policy document as JSON values, in order.
std::vector<json::Value> StatementValues(const json::Value& root) {
  std::vector<json::Value> out;
  std::optional<json::Value> statements = root.Find("Statement");
  if (!statements.has_value()) return out;
  if (statements->is_object()) {
    out.push_back(*statements);
  } else if (statements->is_array()) {
    for (const json::Value& statement : statements->children()) out.push_back(statement);
  }
  return out;
}

std::optional<RecommendedStep> StepFor(const IdentityPolicy& identity_policy,
                                       const UnusedSet& unused, CatalogActions& catalog,
                                       std::vector<std::string>& problems) {
  std::vector<std::string> policy_problems;
  AllowedActions allowed = AllowedBy(identity_policy.document, catalog, policy_problems);
  policy::PolicyParseResult parsed =
      policy::ParsePolicy(identity_policy.document, IdentityParseOptions());
  json::ParseResult document = json::Parse(identity_policy.document);
  if (!parsed.ok() || !document.ok()) {
    problems.push_back(base::Concat("policy ", identity_policy.id, " cannot be read"));
    return std::nullopt;
  }
  bool touches_unused = false, keeps_something = false;
  for (const auto& [service, actions] : allowed) {
    for (const std::string& action : actions) {
      bool is_unused = unused.Unused(CatalogAction{service, action});
      touches_unused |= is_unused;
      keeps_something |= !is_unused;
    }
  }
  if (!touches_unused) return std::nullopt;
  if (!keeps_something) {
    return RecommendedStep{RecommendedAction::kDetachPolicy, identity_policy.id, std::nullopt};
  }
  std::vector<json::Value> values = StatementValues(document.document.root());
  json::Writer writer;
  writer.BeginObject().Key("Version").String("2012-10-17").Key("Statement").BeginArray();
  for (const policy::Statement& statement : parsed.policy->statements) {
    if (statement.index >= values.size()) continue;  // the parser and the document agree
    const json::Value& value = values[statement.index];
    if (statement.effect == policy::Effect::kDeny) {
      writer.Raw(value.source_text());
      continue;
    }
    std::vector<std::string> kept = KeptActions(statement, unused, catalog, policy_problems);
    if (kept.empty()) continue;
    writer.BeginObject();
    if (statement.sid.has_value()) writer.Key("Sid").String(*statement.sid);
    writer.Key("Effect").String("Allow").Key("Action").BeginArray();
    for (const std::string& action : kept) writer.String(action);
    writer.EndArray();
    for (std::string_view member : {"Resource", "NotResource", "Condition"}) {
      if (std::optional<json::Value> copied = value.Find(member); copied.has_value()) {
        writer.Key(member).Raw(copied->source_text());
      }
    }
    writer.EndObject();
  }
  writer.EndArray().EndObject();
  return RecommendedStep{RecommendedAction::kCreatePolicy, identity_policy.id,
                         std::move(writer).Take()};
}

}  // namespace

std::string_view RecommendedActionName(RecommendedAction action) {
  switch (action) {
    case RecommendedAction::kCreatePolicy:
      return "CREATE_POLICY";
    case RecommendedAction::kDetachPolicy:
      return "DETACH_POLICY";
  }
  return "";  // unreachable: the switch covers every enumerator
}

Recommendation RecommendPolicies(const IamPrincipal& principal,
                                 const findings::UnusedAccessFinding& finding) {
  Recommendation recommendation;
  UnusedSet unused(finding);
  CatalogActions catalog;
  for (const IdentityPolicy& policy : principal.policies) {
    std::optional<RecommendedStep> step = StepFor(policy, unused, catalog, recommendation.problems);
    if (step.has_value()) recommendation.steps.push_back(std::move(*step));
  }
  return recommendation;
}

}  // namespace perimeter::unused
