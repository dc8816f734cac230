#include "perimeter/reasoning/finding_region.h"

#include <algorithm>
#include <set>
#include <vector>

#include "perimeter/base/text.h"
#include "perimeter/eval/condition_evaluator.h"
#include "perimeter/policy/arn.h"
#include "perimeter/policy/wildcard.h"

namespace perimeter::reasoning {
namespace {

bool IsRoleOrSession(const eval::RequestPrincipal& p) {
  return p.type == eval::PrincipalType::kIamRole ||
         p.type == eval::PrincipalType::kAssumedRoleSession;
}

std::string RootArn(const eval::RequestPrincipal& p) {
  return base::Concat(
      "arn:", p.partition.empty() ? std::string_view("aws") : std::string_view(p.partition),
      ":iam::", p.account, ":root");
}

bool NamesAwsValue(std::string_view value, const eval::RequestPrincipal& p) {
  if (value == "*") return true;
  if (!p.is_iam()) return false;
  if (policy::IsAccountId(value)) return p.account == value;
  if (value.find_first_of("*?") != std::string_view::npos) {
    policy::WildcardPattern pattern = policy::WildcardPattern::FromGlob(value);
    return policy::ArnMatches(pattern, p.id) ||
           (IsRoleOrSession(p) && policy::ArnMatches(pattern, p.RoleArn())) ||
           policy::ArnMatches(pattern, RootArn(p));
  }
  std::optional<policy::Arn> arn = policy::ParseArn(value);
  if (!arn.has_value()) return false;
  if (arn->service == "iam" && arn->resource == "root") return p.account == arn->account;
  if (arn->service == "iam" && std::string_view(arn->resource).starts_with("role/") &&
      IsRoleOrSession(p)) {
    // A role is named by account and name, as the policy language reads role ARNs.
    std::string_view resource = arn->resource;
    return p.account == arn->account && p.name == resource.substr(resource.rfind('/') + 1);
  }
  return p.id == value;
}

// The values of one positive operator (not negated, not ForAllValues) are alternatives: conditions
// that differ only in their values merge into one that lists them all, which holds exactly when one
// of them does (one evaluation instead of one per value of a long list).
std::vector<policy::Condition> MergeAlternatives(std::vector<policy::Condition> conditions) {
  std::vector<policy::Condition> merged;
  for (policy::Condition& condition : conditions) {
    const policy::ConditionOperatorSpec& op = condition.op;
    bool alternatives =
        !policy::IsNegatedOperator(op.op) && op.qualifier != policy::SetQualifier::kForAllValues;
    auto same = std::find_if(merged.begin(), merged.end(), [&](const policy::Condition& m) {
      return alternatives && m.op.op == op.op && m.op.qualifier == op.qualifier &&
             m.op.if_exists == op.if_exists;
    });
    if (same == merged.end()) {
      merged.push_back(std::move(condition));
    } else {
      same->values.insert(same->values.end(), condition.values.begin(), condition.values.end());
    }
  }
  return merged;
}

}  // namespace

// A finding's "key = value" pair, compiled once (the reading in the header).
class FindingCondition {
 public:
  FindingCondition(const policy::Policy& policy, std::string_view key, std::string_view value)
      : key_lower_(base::AsciiLower(key)), value_(value) {
    const bool variables = policy.version == policy::PolicyVersion::k2012_10_17;
    for (const policy::Condition& condition :
         MergeAlternatives(ConditionsNaming(policy, key, value))) {
      std::vector<base::Issue> ignored;
      naming_.push_back(eval::CompiledCondition::Compile(condition, variables, ignored));
    }
  }

  bool HoldsIn(const eval::RequestContext& context) const {
    if (naming_.empty()) {
      const eval::ContextValue* entry = context.Find(key_lower_);
      return entry != nullptr &&
             std::find(entry->values.begin(), entry->values.end(), value_) != entry->values.end();
    }
    return std::any_of(naming_.begin(), naming_.end(),
                       [&](const eval::CompiledCondition& c) { return c.Evaluate(context); });
  }

  const std::string& key_lower() const { return key_lower_; }

 private:
  std::string key_lower_;
  std::string value_;
  std::vector<eval::CompiledCondition> naming_;
};

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
    if (arn && policy::IsAccountId(arn->account) && zone.ContainsAccount(arn->account))
      return false;
  }
  if (auto value = single("aws:sourceorgid");
      value && zone.type() == ZoneOfTrust::Type::kOrganization && zone.organization().has_value() &&
      zone.organization()->id == *value) {
    return false;
  }
  return true;
}

bool FindingNamesPrincipal(const std::map<std::string, std::string>& finding_principal,
                           const eval::RequestPrincipal& principal) {
  for (const auto& [kind, value] : finding_principal) {
    if (kind == "AWS" && NamesAwsValue(value, principal)) return true;
    if (kind == "Federated" && principal.type == eval::PrincipalType::kWebIdentityOrSaml &&
        principal.id == value) {
      return true;
    }
    if (kind == "CanonicalUser" && principal.type == eval::PrincipalType::kCanonicalUser &&
        principal.id == value) {
      return true;
    }
  }
  return false;
}

namespace {

// The positive twin of a negated operator (StringNotEquals -> StringEquals, NotIpAddress ->
// IpAddress, ...); the operator itself otherwise.
policy::ConditionOperator PositiveTwin(policy::ConditionOperator op) {
  using Op = policy::ConditionOperator;
  switch (op) {
    case Op::kStringNotEquals:
      return Op::kStringEquals;
    case Op::kStringNotEqualsIgnoreCase:
      return Op::kStringEqualsIgnoreCase;
    case Op::kStringNotLike:
      return Op::kStringLike;
    case Op::kNumericNotEquals:
      return Op::kNumericEquals;
    case Op::kDateNotEquals:
      return Op::kDateEquals;
    case Op::kNotIpAddress:
      return Op::kIpAddress;
    case Op::kArnNotEquals:
      return Op::kArnEquals;
    case Op::kArnNotLike:
      return Op::kArnLike;
    case Op::kStringEquals:
    case Op::kStringEqualsIgnoreCase:
    case Op::kStringLike:
    case Op::kNumericEquals:
    case Op::kNumericLessThan:
    case Op::kNumericLessThanEquals:
    case Op::kNumericGreaterThan:
    case Op::kNumericGreaterThanEquals:
    case Op::kDateEquals:
    case Op::kDateLessThan:
    case Op::kDateLessThanEquals:
    case Op::kDateGreaterThan:
    case Op::kDateGreaterThanEquals:
    case Op::kBool:
    case Op::kBinaryEquals:
    case Op::kIpAddress:
    case Op::kArnEquals:
    case Op::kArnLike:
    case Op::kNull:
      return op;
  }
  return op;
}

}  // namespace

std::vector<policy::Condition> ConditionsNaming(const policy::Policy& policy, std::string_view key,
                                                std::string_view value) {
  std::string key_lower = base::AsciiLower(key);
  // Every condition on the key that lists one of `wanted`, narrowed to each value it lists.
  auto naming = [&](const auto& wanted) {
    std::vector<policy::Condition> out;
    for (const policy::Statement& statement : policy.statements) {
      for (const policy::Condition& condition : statement.conditions) {
        if (condition.key_lower != key_lower) continue;
        // A Deny's negated condition ("Deny unless aws:SourceVpc is vpc-1") names the value a
        // request must carry to escape it: the pair reads as its positive twin, without IfExists
        // (the finding says the key carries the value).
        bool escaped_deny = statement.effect == policy::Effect::kDeny &&
                            policy::IsNegatedOperator(condition.op.op) &&
                            condition.op.qualifier == policy::SetQualifier::kNone;
        for (const policy::ConditionValue& v : condition.values) {
          if (!wanted(v.value)) continue;
          policy::Condition single;
          single.op = condition.op;
          if (escaped_deny) {
            single.op.op = PositiveTwin(condition.op.op);
            single.op.if_exists = false;
          }
          single.key = condition.key;
          single.key_lower = condition.key_lower;
          single.key_position = condition.key_position;
          single.values = {v};
          out.push_back(std::move(single));
        }
      }
    }
    return out;
  };
  std::vector<policy::Condition> out = naming([&](std::string_view v) { return v == value; });
  // A finding may list several values of one condition as "v1,v2,..." (any of them).
  if (out.empty() && value.find(',') != std::string_view::npos) {
    std::set<std::string_view> parts;
    for (size_t start = 0; start <= value.size();) {
      size_t comma = std::min(value.find(',', start), value.size());
      if (comma > start) parts.insert(value.substr(start, comma - start));
      start = comma + 1;
    }
    out = naming([&](std::string_view v) { return parts.contains(v); });
  }
  return out;
}

bool FindingContains(const findings::Finding& finding, const policy::Policy& policy,
                     const eval::Request& request) {
  if (finding.error.has_value()) return false;
  if (!FindingNamesPrincipal(finding.principal, request.principal)) return false;
  bool action_listed = false;
  for (const std::string& action : finding.actions) {
    if (base::EqualsIgnoreAsciiCase(action, request.action)) action_listed = true;
  }
  if (!action_listed) return false;
  for (const auto& [key, value] : finding.condition) {
    if (!FindingCondition(policy, key, value).HoldsIn(request.context)) return false;
  }
  return true;
}

FindingConditionRegion::FindingConditionRegion(const findings::Finding& finding,
                                               const policy::Policy& policy,
                                               const std::vector<KeyDomain>& domains) {
  for (const KeyDomain& domain : domains)
    box_.push_back(CandidateSet::All(domain.candidates.size()));
  for (const auto& [key, value] : finding.condition) {
    FindingCondition condition(policy, key, value);
    auto domain = std::find_if(domains.begin(), domains.end(), [&](const KeyDomain& d) {
      return d.key_lower == condition.key_lower();
    });
    if (domain == domains.end()) {
      on_caller_.push_back(std::move(condition));
      continue;
    }
    CandidateSet holds = CandidateSet::None(domain->candidates.size());
    eval::RequestContext context;
    for (size_t c = 0; c < domain->candidates.size(); ++c) {
      SetCandidate(context, *domain, c);
      if (condition.HoldsIn(context)) holds.Add(c);
    }
    CandidateSet& slot = box_[static_cast<size_t>(domain - domains.begin())];
    slot = slot.Intersect(holds);
  }
}

FindingConditionRegion::~FindingConditionRegion() = default;
FindingConditionRegion::FindingConditionRegion(FindingConditionRegion&&) noexcept = default;
FindingConditionRegion& FindingConditionRegion::operator=(FindingConditionRegion&&) noexcept =
    default;

bool FindingConditionRegion::HoldsForCaller(const eval::RequestContext& principal_context) const {
  return std::all_of(on_caller_.begin(), on_caller_.end(),
                     [&](const FindingCondition& c) { return c.HoldsIn(principal_context); });
}

}  // namespace perimeter::reasoning
