#include "perimeter/reasoning/z3/finding_region.h"

#include <vector>

#include "perimeter/base/text.h"
#include "perimeter/eval/condition_evaluator.h"
#include "perimeter/policy/arn.h"
#include "perimeter/policy/wildcard.h"

namespace perimeter::reasoning::z3 {
namespace {

bool IsRoleOrSession(const eval::RequestPrincipal& p) {
  return p.type == eval::PrincipalType::kIamRole || p.type == eval::PrincipalType::kAssumedRoleSession;
}

std::string RootArn(const eval::RequestPrincipal& p) {
  return base::Concat("arn:", p.partition.empty() ? std::string_view("aws") : std::string_view(p.partition),
                      ":iam::", p.account, ":root");
}

bool NamesAwsValue(std::string_view value, const eval::RequestPrincipal& p) {
  if (value == "*") return true;
  if (!p.is_iam()) return false;
  if (policy::IsAccountId(value)) return p.account == value;
  if (value.find_first_of("*?") != std::string_view::npos) {
    policy::WildcardPattern pattern = policy::WildcardPattern::FromGlob(value);
    return policy::ArnMatches(pattern, p.id) || (IsRoleOrSession(p) && policy::ArnMatches(pattern, p.RoleArn())) ||
           policy::ArnMatches(pattern, RootArn(p));
  }
  std::optional<policy::Arn> arn = policy::ParseArn(value);
  if (!arn.has_value()) return false;
  if (arn->service == "iam" && arn->resource == "root") return p.account == arn->account;
  if (arn->service == "iam" && std::string_view(arn->resource).starts_with("role/") && IsRoleOrSession(p)) {
    // A role is named by account and name, as the policy language reads role ARNs.
    std::string_view resource = arn->resource;
    return p.account == arn->account && p.name == resource.substr(resource.rfind('/') + 1);
  }
  return p.id == value;
}

}  // namespace

bool IsExternalPrincipal(const eval::RequestPrincipal& principal, const ZoneOfTrust& zone) {
  if (principal.type == eval::PrincipalType::kService) return false;
  if (principal.is_iam()) return !zone.ContainsAccount(principal.account);
  return true;
}

bool IsExternalRequest(const eval::Request& request, const ZoneOfTrust& zone) {
  if (!IsExternalPrincipal(request.principal, zone)) return false;
  auto single = [&](std::string_view key) -> std::optional<std::string_view> {
    const eval::ContextValue* entry = request.context.Find(key);
    if (entry == nullptr || entry->values.size() != 1) return std::nullopt;
    return std::string_view(entry->values.front());
  };
  for (std::string_view key : {"aws:sourceaccount", "aws:sourceowner"}) {
    if (auto value = single(key); value && zone.ContainsAccount(*value)) return false;
  }
  if (auto value = single("aws:sourcearn")) {
    std::optional<policy::Arn> arn = policy::ParseArn(*value);
    if (arn && policy::IsAccountId(arn->account) && zone.ContainsAccount(arn->account)) return false;
  }
  if (auto value = single("aws:sourceorgid"); value && zone.type() == ZoneOfTrust::Type::kOrganization &&
                                                 zone.organization().has_value() && zone.organization()->id == *value) {
    return false;
  }
  return true;
}

bool FindingNamesPrincipal(const std::map<std::string, std::string>& finding_principal,
                           const eval::RequestPrincipal& principal) {
  for (const auto& [kind, value] : finding_principal) {
    if (kind == "AWS" && NamesAwsValue(value, principal)) return true;
    if (kind == "Federated" && principal.type == eval::PrincipalType::kWebIdentityOrSaml && principal.id == value) {
      return true;
    }
    if (kind == "CanonicalUser" && principal.type == eval::PrincipalType::kCanonicalUser && principal.id == value) {
      return true;
    }
  }
  return false;
}

std::vector<policy::Condition> ConditionsNaming(const policy::Policy& policy, std::string_view key,
                                                std::string_view value) {
  std::string key_lower = base::AsciiLower(key);
  std::vector<policy::Condition> out;
  for (const policy::Statement& statement : policy.statements) {
    for (const policy::Condition& condition : statement.conditions) {
      if (condition.key_lower != key_lower) continue;
      for (const policy::ConditionValue& v : condition.values) {
        if (v.value != value) continue;
        policy::Condition single = condition;
        single.values = {v};
        out.push_back(std::move(single));
        break;
      }
    }
  }
  // A finding may list several values of one condition as "v1,v2,..." (any of them).
  if (out.empty() && value.find(',') != std::string_view::npos) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      if (comma == std::string_view::npos) comma = value.size();
      std::string_view part = value.substr(start, comma - start);
      if (!part.empty() && part.find(',') == std::string_view::npos) {
        std::vector<policy::Condition> naming = ConditionsNaming(policy, key, part);
        out.insert(out.end(), naming.begin(), naming.end());
      }
      start = comma + 1;
    }
  }
  return out;
}

bool FindingContains(const findings::Finding& finding, const policy::Policy& policy, const eval::Request& request) {
  if (finding.error.has_value()) return false;
  if (!FindingNamesPrincipal(finding.principal, request.principal)) return false;
  bool action_listed = false;
  for (const std::string& action : finding.actions) {
    if (base::EqualsIgnoreAsciiCase(action, request.action)) action_listed = true;
  }
  if (!action_listed) return false;
  const bool variables = policy.version == policy::PolicyVersion::k2012_10_17;
  for (const auto& [key, value] : finding.condition) {
    std::vector<policy::Condition> naming = ConditionsNaming(policy, key, value);
    bool holds = false;
    if (naming.empty()) {
      const eval::ContextValue* entry = request.context.Find(base::AsciiLower(key));
      if (entry != nullptr) {
        for (const std::string& v : entry->values) holds = holds || v == value;
      }
    }
    for (const policy::Condition& condition : naming) {
      std::vector<base::Issue> ignored;
      eval::CompiledCondition compiled = eval::CompiledCondition::Compile(condition, variables, ignored);
      if (compiled.Evaluate(request.context)) holds = true;
    }
    if (!holds) return false;
  }
  return true;
}

}  // namespace perimeter::reasoning::z3
