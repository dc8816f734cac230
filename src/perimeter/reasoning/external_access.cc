#include "perimeter/reasoning/external_access.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "absl/status/statusor.h"
#include "perimeter/base/text.h"
#include "perimeter/eval/condition_evaluator.h"
#include "perimeter/eval/request.h"
#include "perimeter/policy/arn.h"
#include "perimeter/policy/condition_values.h"
#include "perimeter/policy/policy_variables.h"
#include "perimeter/reasoning/box.h"
#include "perimeter/reasoning/candidate_principals.h"
#include "perimeter/reasoning/condition_keys.h"
#include "perimeter/reasoning/finding_region.h"
#include "perimeter/reasoning/key_domain.h"
#include "perimeter/reasoning/policy_abstraction.h"
#include "perimeter/reasoning/statement_table.h"
#include "perimeter/reasoning/string_partition.h"

namespace perimeter::reasoning {
namespace {

using findings::Finding;

// The "C" locale's lower-casing (the program never sets another), without a call per character.
std::string Lower(std::string_view text) { return base::AsciiLower(text); }

// More value combinations than this in one statement are reported as one finding.
constexpr size_t kMaxFindingsPerStatement = 64;

Finding ErrorFinding(const AccessModel& model, std::string reason) {
  Finding finding;
  finding.resource = model.resource_arn;
  finding.resource_type = model.resource_type;
  finding.resource_owner_account = model.owner_account;
  finding.sources = model.sources;
  finding.error = "INTERNAL_ERROR";
  finding.error_reason = std::move(reason);
  finding.id = findings::StableFindingId(finding);
  return finding;
}

Box FullBox(const FreeKeys& keys) {
  Box box;
  for (const KeyDomain& domain : keys.domains)
    box.push_back(CandidateSet::All(domain.candidates.size()));
  return box;
}

// What one statement contributes, independent of who calls: its box over the free keys and the
// conditions on principal-derived keys (evaluated per principal).
struct StatementFacts {
  Box box;
  std::vector<size_t> derived_conditions;
  // Action / NotAction patterns, lower-cased, for the action classes.
  bool action_negated = false;
  std::vector<policy::WildcardPattern> actions;
};

std::vector<StatementFacts> BuildStatementFacts(const StatementTable& table, const FreeKeys& keys) {
  std::vector<StatementFacts> facts;
  for (size_t i = 0; i < table.size(); ++i) {
    const policy::Statement& statement = table.statement(i);
    StatementFacts fact;
    fact.box = FullBox(keys);
    const std::vector<eval::CompiledCondition>& conditions = table.conditions(i);
    for (size_t j = 0; j < conditions.size(); ++j) {
      const std::string& key = statement.conditions[j].key_lower;
      auto it = keys.index_of.find(key);
      if (it == keys.index_of.end()) {
        fact.derived_conditions.push_back(j);
        continue;
      }
      fact.box[it->second] = fact.box[it->second].Intersect(
          CandidatesSatisfying(conditions[j], keys.domains[it->second]));
    }
    fact.action_negated = statement.action.negated;
    for (const policy::Text& pattern : statement.action.patterns) {
      fact.actions.push_back(policy::WildcardPattern::FromGlob(Lower(pattern.value)));
    }
    facts.push_back(std::move(fact));
  }
  return facts;
}

struct ActionClass {
  std::vector<std::string> actions;  // AWS's spelling, sorted
  std::string representative_lower;
  std::vector<bool> statements;  // whether each statement's Action / NotAction matches the class
};

// Groups actions by which statements' Action elements match them.
std::vector<ActionClass> BuildActionClasses(const std::vector<std::string>& actions,
                                            const std::vector<StatementFacts>& facts) {
  std::map<std::vector<bool>, ActionClass> classes;
  for (const std::string& action : actions) {
    std::string lower = Lower(action);
    std::vector<bool> signature;
    for (const StatementFacts& fact : facts) {
      bool listed = std::any_of(fact.actions.begin(), fact.actions.end(),
                                [&](const policy::WildcardPattern& p) { return p.Matches(lower); });
      signature.push_back(listed != fact.action_negated);
    }
    // An action no statement matches can never be allowed: no class needed.
    if (std::none_of(signature.begin(), signature.end(), [](bool b) { return b; })) continue;
    // Who can be the caller is part of the class: a web identity or SAML provider calls only its
    // AssumeRoleWith* action (eval::PrincipalCanCall), so the actions of one class must agree on it
    // for the class's representative to decide for all of them.
    for (eval::IdentityProviderKind kind :
         {eval::IdentityProviderKind::kWebIdentity, eval::IdentityProviderKind::kSaml}) {
      std::vector<std::string_view> callable = eval::ActionsOfIdentityProvider(kind);
      signature.push_back(std::find(callable.begin(), callable.end(), lower) != callable.end());
    }
    ActionClass& cls = classes[signature];
    if (cls.actions.empty()) {
      cls.representative_lower = lower;
      cls.statements.assign(signature.begin(),
                            signature.begin() + static_cast<std::ptrdiff_t>(facts.size()));
    }
    cls.actions.push_back(action);
  }
  std::vector<ActionClass> out;
  for (auto& [signature, cls] : classes) {
    std::sort(cls.actions.begin(), cls.actions.end());
    out.push_back(std::move(cls));
  }
  return out;
}

// A class of the target's ARNs that no statement tells apart: a representative, and the ARN the
// gate policy sees for it.
struct ResourceClass {
  std::string arn;
  std::string gate_arn;  // empty without a gate
};

absl::StatusOr<std::vector<ResourceClass>> BuildResourceClasses(const ResourceTarget& target,
                                                                const StatementTable& table) {
  std::vector<StringPattern> patterns;
  for (size_t i = 0; i < table.size(); ++i) {
    const policy::Statement& statement = table.statement(i);
    if (!statement.resource.has_value()) continue;
    for (const policy::Text& pattern : statement.resource->patterns) {
      policy::WildcardPattern glob = policy::WildcardPattern::FromGlob(pattern.value);
      if (!table.in_gate(i)) {
        patterns.push_back(
            {std::move(glob), StringPattern::Syntax::kArn, policy::CaseMode::kSensitive});
        continue;
      }
      // The gate's pattern, as the target's ARNs whose gate ARN it matches.
      for (policy::WildcardPattern& pulled : PullBackArnPattern(glob, *target.gate_map)) {
        patterns.push_back(
            {std::move(pulled), StringPattern::Syntax::kGlob, policy::CaseMode::kSensitive});
      }
    }
  }
  std::vector<StringPattern> domain;
  for (const std::string& arn : target.arn_patterns) {
    domain.push_back({policy::WildcardPattern::FromGlob(arn), StringPattern::Syntax::kGlob,
                      policy::CaseMode::kSensitive});
  }
  absl::StatusOr<std::vector<StringRegion>> regions = PartitionStrings(patterns, domain);
  if (!regions.ok()) return regions.status();
  std::vector<ResourceClass> out;
  for (StringRegion& region : *regions) {
    ResourceClass cls;
    if (target.gate_map.has_value()) {
      std::optional<std::string> mapped = target.gate_map->Map(region.representative);
      if (!mapped.has_value()) {
        return absl::InternalError(
            base::Concat("the resource class ", region.representative,
                         " lies outside the gate's ARN map: please report this"));
      }
      cls.gate_arn = std::move(*mapped);
    }
    cls.arn = std::move(region.representative);
    out.push_back(std::move(cls));
  }
  return out;
}

// Whether the model is well-formed for a gate: every target maps its ARNs into the gate's.
absl::Status CheckGateMaps(const AccessModel& model) {
  if (!model.gate.has_value()) return absl::OkStatus();
  if (model.gate->policy == nullptr)
    return absl::InvalidArgumentError("the gate policy is missing");
  for (const ResourceTarget& target : model.targets) {
    if (!target.gate_map.has_value())
      return absl::InvalidArgumentError("a target has no ARN map for the gate policy");
    if (std::count(target.gate_map->to_prefix.begin(), target.gate_map->to_prefix.end(), ':') < 5) {
      return absl::InvalidArgumentError(base::Concat("the gate ARN prefix ",
                                                     target.gate_map->to_prefix,
                                                     " does not reach the resource component"));
    }
    for (const std::string& arn : target.arn_patterns) {
      if (!arn.starts_with(target.gate_map->from_prefix)) {
        return absl::InvalidArgumentError(base::Concat(
            "the target ARN ", arn, " does not start with ", target.gate_map->from_prefix));
      }
    }
  }
  return absl::OkStatus();
}

// The part of the context space that external requests occupy. A service acting on behalf of a
// resource of the zone (aws:SourceAccount / aws:SourceOwner naming a zone account, aws:SourceArn
// naming a resource of a zone account, aws:SourceOrgID naming the zone's organization) is inside
// the zone: such a request is not external access (docs/access-analyzer-rules.md §3.3, the same
// reading as aws:PrincipalAccount).
Box ExternalRequests(const FreeKeys& keys, const ZoneOfTrust& zone) {
  Box box = FullBox(keys);
  for (size_t k = 0; k < keys.domains.size(); ++k) {
    const KeyDomain& domain = keys.domains[k];
    const std::string& key = domain.key_lower;
    bool account_key = key == "aws:sourceaccount" || key == "aws:sourceowner";
    bool arn_key = key == "aws:sourcearn";
    bool org_key = key == "aws:sourceorgid";
    if (!account_key && !arn_key && !org_key) continue;
    CandidateSet keep = CandidateSet::None(domain.candidates.size());
    for (size_t c = 0; c < domain.candidates.size(); ++c) {
      const std::optional<std::vector<std::string>>& value = domain.candidates[c];
      bool inside = false;
      if (value.has_value() && value->size() == 1) {
        const std::string& text = value->front();
        if (account_key) inside = zone.ContainsAccount(text);
        if (arn_key) {
          std::optional<policy::Arn> arn = policy::ParseArn(text);
          inside = arn.has_value() && policy::IsAccountId(arn->account) &&
                   zone.ContainsAccount(arn->account);
        }
        if (org_key) {
          inside = zone.type() == ZoneOfTrust::Type::kOrganization &&
                   zone.organization().has_value() && zone.organization()->id == text;
        }
      }
      if (!inside) keep.Add(c);
    }
    box[k] = keep;
  }
  return box;
}

StringPattern LiteralPattern(const std::string& text) {
  return {policy::WildcardPattern::FromLiteral(text), StringPattern::Syntax::kGlob,
          policy::CaseMode::kSensitive};
}

// The values the engine must tell apart beyond the policy's (key_domain.h, KeySeparations):
// - for the keys that say a service acts for a resource of the zone (ExternalRequests below), each
//   zone account (organization id) that one of the policy's wildcard values on the key matches, so
//   that no class mixes requests from inside the zone with requests from outside it ("12345678901?"
//   holds the zone's 123456789012 and others: a representative must not decide for both);
// - for the resource-owner keys, the owner's value, so that RequestsToTheResource can keep exactly
// it.
KeySeparations EngineSeparations(const StatementTable& table, const ZoneOfTrust& zone,
                                 const std::string& owner) {
  KeySeparations separations;
  std::vector<std::string> accounts = zone.Accounts();
  for (size_t i = 0; i < table.size(); ++i) {
    for (const policy::Condition& condition : table.statement(i).conditions) {
      const std::string& key = condition.key_lower;
      if (std::optional<std::string> value = ResourceOwnerKeyValue(key, owner, zone);
          value.has_value()) {
        separations[key] = {LiteralPattern(*value)};
        continue;
      }
      bool account_key = key == "aws:sourceaccount" || key == "aws:sourceowner";
      bool arn_key = key == "aws:sourcearn";
      bool org_key = key == "aws:sourceorgid";
      if (!account_key && !arn_key && !org_key) continue;
      for (const policy::ConditionValue& value : condition.values) {
        StringPattern pattern = ConditionValuePattern(condition.op.op, value.value);
        if (pattern.pattern.is_literal() && pattern.case_mode == policy::CaseMode::kSensitive)
          continue;
        if (org_key) {
          if (zone.type() == ZoneOfTrust::Type::kOrganization && zone.organization().has_value() &&
              pattern.Matches(zone.organization()->id)) {
            separations[key].push_back(LiteralPattern(zone.organization()->id));
          }
          continue;
        }
        // A class's representative is one of its shortest members: it can be a zone account only if
        // some pattern of the class forbids the empty account ("12345678901?", "1111*"). A pattern
        // whose account may be empty ("*", "arn:aws:sns:*:*:*") needs no separation — which keeps
        // an ORGANIZATION zone's hundreds of accounts out of the common case.
        std::vector<policy::WildcardPattern> parts = pattern.pattern.Split(':', 6);
        if (account_key ? pattern.Matches("") : (parts.size() < 5 || parts[4].Matches("")))
          continue;
        // A StringLike '*' may cross the ':' around the account: then every zone account is
        // separated.
        bool faithful = pattern.syntax == StringPattern::Syntax::kArn;
        for (const std::string& account : accounts) {
          if (account_key) {
            if (pattern.Matches(account)) separations[key].push_back(LiteralPattern(account));
            continue;
          }
          if (faithful && !parts[4].Matches(account)) continue;
          separations[key].push_back(
              {policy::WildcardPattern::FromGlob(base::Concat("arn:*:*:*:", account, ":*")),
               StringPattern::Syntax::kArn, policy::CaseMode::kSensitive});
        }
      }
    }
  }
  for (auto& [key, patterns] : separations) {
    std::sort(patterns.begin(), patterns.end(), [](const StringPattern& a, const StringPattern& b) {
      return a.pattern.ToString() < b.pattern.ToString();
    });
    patterns.erase(std::unique(patterns.begin(), patterns.end(),
                               [](const StringPattern& a, const StringPattern& b) {
                                 return a.pattern == b.pattern && a.syntax == b.syntax;
                               }),
                   patterns.end());
  }
  return separations;
}

// The part of the context space that requests to this resource occupy: a resource-owner key carries
// the owner's value when the request has it (absent too: some actions do not carry the key, IAM
// User Guide, "AWS global condition context keys", Availability). A statement whose condition on
// such a key cannot hold grants nothing; one that always holds restricts nothing.
Box RequestsToTheResource(const FreeKeys& keys, const std::string& owner, const ZoneOfTrust& zone) {
  Box box = FullBox(keys);
  for (size_t k = 0; k < keys.domains.size(); ++k) {
    const KeyDomain& domain = keys.domains[k];
    std::optional<std::string> fact = ResourceOwnerKeyValue(domain.key_lower, owner, zone);
    if (!fact.has_value()) continue;
    CandidateSet keep = CandidateSet::None(domain.candidates.size());
    bool separated =
        false;  // the owner's value is a class of its own (string operators: KeySeparations)
    for (size_t c = 0; c < domain.candidates.size(); ++c) {
      const std::optional<std::vector<std::string>>& value = domain.candidates[c];
      bool owners = value.has_value() && value->size() == 1 && value->front() == *fact;
      separated = separated || owners;
      if (!value.has_value() || owners) keep.Add(c);
    }
    // Read by operators of another family (NumericLessThan on aws:ResourceAccount), the owner's
    // value may share its class with others: the key is left free, never narrowed by a guess.
    if (separated) box[k] = keep;
  }
  return box;
}

// The request context AWS builds from the caller's identity.
eval::RequestContext PrincipalContext(const eval::RequestPrincipal& principal) {
  eval::RequestContext context;
  eval::AddPrincipalContextKeys(principal, context);
  if (principal.is_iam()) context.Set("kms:calleraccount", principal.account);
  return context;
}

// The Principal value of `statement` that names `principal`, as a finding shows it, with how
// closely it names it (higher is narrower: -1 nothing better than "*", 0 "*", 1 the account, 2 a
// pattern or provider, 3 the principal's own ARN).
std::pair<int, std::map<std::string, std::string>> DescribePrincipalRanked(
    const policy::Statement& statement, const eval::RequestPrincipal& principal) {
  const std::optional<policy::PrincipalSpec>& spec = statement.principal;
  if (!spec.has_value() || spec->negated || spec->wildcard) return {0, {{"AWS", "*"}}};
  std::optional<std::pair<int, std::map<std::string, std::string>>> best;
  auto offer = [&](int rank, std::string kind, std::string value) {
    if (!best.has_value() || rank > best->first)
      best = {rank, {{std::move(kind), std::move(value)}}};
  };
  std::string role_arn = principal.type == eval::PrincipalType::kIamRole ||
                                 principal.type == eval::PrincipalType::kAssumedRoleSession
                             ? principal.RoleArn()
                             : std::string();
  for (const policy::PrincipalValue& value : spec->values) {
    switch (value.kind) {
      case policy::PrincipalKind::kAws: {
        if (value.value == "*") {
          offer(0, "AWS", "*");
          break;
        }
        if (!principal.is_iam()) break;
        std::string root =
            base::Concat("arn:", principal.partition, ":iam::", principal.account, ":root");
        if (policy::IsAccountId(value.value) || value.value == root) {
          // A grant to the account, shown as its id (docs/access-analyzer-rules.md §1.3).
          if (value.value == principal.account || value.value == root)
            offer(1, "AWS", principal.account);
          break;
        }
        policy::WildcardPattern pattern = policy::WildcardPattern::FromGlob(value.value);
        if (value.value == principal.id || (!role_arn.empty() && value.value == role_arn)) {
          offer(3, "AWS", value.value);
        } else if (!pattern.is_literal() &&
                   (policy::ArnMatches(pattern, principal.id) ||
                    (!role_arn.empty() && policy::ArnMatches(pattern, role_arn)))) {
          offer(2, "AWS", value.value);
        } else if (!pattern.is_literal() && policy::ArnMatches(pattern, root)) {
          offer(1, "AWS", value.value);
        }
        break;
      }
      case policy::PrincipalKind::kFederated:
        if (principal.type == eval::PrincipalType::kWebIdentityOrSaml &&
            principal.id == value.value) {
          offer(2, "Federated", value.value);
        }
        break;
      case policy::PrincipalKind::kCanonicalUser:
        if (principal.type == eval::PrincipalType::kCanonicalUser && principal.id == value.value) {
          offer(2, "CanonicalUser", value.value);
        }
        break;
      case policy::PrincipalKind::kService:
        break;
    }
  }
  if (best.has_value()) return *best;
  return {-1, {{"AWS", "*"}}};
}

// The narrower of the two statements' names for `principal` (the gate's statement, when any, may
// name it more closely than the policy's).
std::map<std::string, std::string> DescribePrincipal(const policy::Statement& statement,
                                                     const policy::Statement* gate_statement,
                                                     const eval::RequestPrincipal& principal) {
  std::pair<int, std::map<std::string, std::string>> own =
      DescribePrincipalRanked(statement, principal);
  if (gate_statement == nullptr) return std::move(own.second);
  std::pair<int, std::map<std::string, std::string>> gate =
      DescribePrincipalRanked(*gate_statement, principal);
  return gate.first > own.first ? std::move(gate.second) : std::move(own.second);
}

// A restricting condition of a statement, as findings report it.
struct ReportedCondition {
  size_t condition_index;  // into the statement's conditions
  std::string key;         // canonical spelling
};

std::vector<ReportedCondition> ReportedConditions(const policy::Statement& statement) {
  std::vector<ReportedCondition> out;
  for (size_t j = 0; j < statement.conditions.size(); ++j) {
    const policy::Condition& condition = statement.conditions[j];
    switch (RuleForKey(condition.key_lower).role) {
      case KeyRole::kPrincipal:
      case KeyRole::kRestricting:
        break;
      case KeyRole::kCallerControlled:  // the caller picks a value that satisfies it
      case KeyRole::kResourceOwner:     // fixed by the resource: holds for every caller or for none
        continue;
    }
    // Only positive constraints say "who may": a negated operator, IfExists (absent passes), Null
    // and ForAllValues (an absent key passes) do not restrict to the values they name.
    if (policy::IsNegatedOperator(condition.op.op) || condition.op.if_exists ||
        condition.op.op == policy::ConditionOperator::kNull ||
        condition.op.qualifier == policy::SetQualifier::kForAllValues) {
      continue;
    }
    out.push_back(ReportedCondition{j, CanonicalKeyName(condition.key)});
  }
  return out;
}

bool HasWildcard(std::string_view text) {
  return text.find_first_of("*?") != std::string_view::npos;
}

// Whether a reported condition value takes the grant away from "anyone" (S3's "The meaning of
// 'public'": only fixed values limit; docs/access-analyzer-rules.md §3.4). A value names a fixed
// set of callers only if the part that says whose it is holds no wildcard:
// - an account id, an organization id: the whole value ("1111*", "o-*" fix nothing);
// - an OU path: its organization segment, before the first '/' ("o-x/*" stays inside o-x);
// - an ARN: its account component ("arn:aws:iam::*:role/Admin", "arn:aws:*:*:*:*" fix no account);
//   an ARN without one (an S3 bucket) the whole ARN ("arn:aws:s3:::*" is every bucket).
bool LimitsPublic(std::string_view key, std::string_view value) {
  const std::string lower = Lower(key);
  ConditionKeyRule rule = RuleForKey(lower);
  if (!rule.limits_public) return false;
  if (lower == "aws:principalaccount" || lower == "kms:calleraccount" ||
      lower == "aws:sourceaccount" || lower == "aws:sourceowner" || lower == "aws:principalorgid" ||
      lower == "aws:sourceorgid" || lower == "s3:dataaccesspointaccount" ||
      lower == "s3express:dataaccesspointaccount") {
    return !HasWildcard(value);
  }
  if (lower == "aws:principalorgpaths" || lower == "aws:sourceorgpaths") {
    return !HasWildcard(value.substr(0, value.find('/')));
  }
  if (lower == "aws:principalarn" || lower == "aws:sourcearn" || lower == "s3:dataaccesspointarn" ||
      lower == "s3express:dataaccesspointarn") {
    if (!HasWildcard(value)) return true;
    std::optional<policy::Arn> arn = policy::ParseArn(value);
    if (!arn.has_value()) return false;
    return arn->account.empty() ? false : !HasWildcard(arn->account);
  }
  if (HasWildcard(value)) {
    // A wildcard value limits only when a fixed prefix names something, never when it is "*" alone.
    return value.find_first_not_of("*?") != std::string_view::npos;
  }
  if (lower == "aws:sourceip" || lower == "aws:vpcsourceip") {
    std::optional<policy::Cidr> cidr = policy::ParseCidr(value);
    return cidr.has_value() && cidr->prefix_length > (cidr->base.v6 ? 32 : 8);
  }
  return true;
}

bool IsPublic(const Finding& finding) {
  bool limited =
      std::any_of(finding.condition.begin(), finding.condition.end(),
                  [](const auto& entry) { return LimitsPublic(entry.first, entry.second); });
  if (limited) return false;
  auto aws = finding.principal.find("AWS");
  if (aws != finding.principal.end()) {
    std::optional<policy::Arn> arn = policy::ParseArn(aws->second);
    return aws->second == "*" ||
           (arn.has_value() && arn->account.find_first_of("*?") != std::string_view::npos);
  }
  auto federated = finding.principal.find("Federated");
  if (federated != finding.principal.end()) {
    // Public identity providers and OIDC providers let anyone with an account there sign in; a SAML
    // provider belongs to the organization that runs it.
    return federated->second.find(":saml-provider/") == std::string::npos;
  }
  return false;
}

// The lower-cased keys of the policy variables in `policy`'s Resource and condition values.
void AddVariableKeys(const policy::Policy& policy, std::set<std::string>& keys) {
  auto add = [&](const std::string& text) {
    if (!policy::HasPolicyVariables(text)) return;
    policy::VariableTemplate parsed = policy::VariableTemplate::Parse(text, /*glob=*/true);
    for (const policy::VariableTemplate::Segment& segment : parsed.segments()) {
      if (segment.kind == policy::VariableTemplate::Segment::Kind::kVariable)
        keys.insert(segment.key_lower);
    }
  };
  for (const policy::Statement& statement : policy.statements) {
    if (statement.resource.has_value()) {
      for (const policy::Text& pattern : statement.resource->patterns) add(pattern.value);
    }
    for (const policy::Condition& condition : statement.conditions) {
      for (const policy::ConditionValue& value : condition.values) add(value.value);
    }
  }
}

class Analysis {
 public:
  Analysis(const AccessModel& model, const ZoneOfTrust& zone) : model_(model), zone_(zone) {}

  AnalysisResult Run() {
    AnalysisResult result;
    if (model_.policy == nullptr) {
      result.findings.push_back(ErrorFinding(model_, "no policy to analyze"));
      result.stats.decided = false;
      return result;
    }
    if (absl::Status status = CheckGateMaps(model_); !status.ok())
      return Fail(std::string(status.message()));
    abstracted_ = AbstractCallerChosenVariables(*model_.policy);
    std::vector<base::Issue> issues;
    compiled_.emplace(
        eval::CompiledPolicy::Compile(abstracted_.policy, model_.policy_kind, issues));
    if (base::HasErrors(issues)) {
      return Fail(base::Concat("the policy has a value its operator cannot read at ",
                               base::ToString(issues.front().position), ": ",
                               issues.front().message));
    }
    statements_.Add(*compiled_, model_.policy_label, false);
    if (abstracted_.changed) {
      original_.emplace(eval::CompiledPolicy::Compile(*model_.policy, model_.policy_kind, issues));
      AddVariableKeys(*model_.policy, variable_keys_);
    }
    if (model_.gate.has_value()) {
      abstracted_gate_ = AbstractCallerChosenVariables(*model_.gate->policy);
      compiled_gate_.emplace(
          eval::CompiledPolicy::Compile(abstracted_gate_.policy, model_.gate->kind, issues));
      if (base::HasErrors(issues)) {
        return Fail(base::Concat(
            "the ", model_.gate->label, " policy has a value its operator cannot read at ",
            base::ToString(issues.front().position), ": ", issues.front().message));
      }
      statements_.Add(*compiled_gate_, model_.gate->label, true);
      if (abstracted_gate_.changed) {
        original_gate_.emplace(
            eval::CompiledPolicy::Compile(*model_.gate->policy, model_.gate->kind, issues));
        AddVariableKeys(*model_.gate->policy, variable_keys_);
      }
    }
    absl::StatusOr<FreeKeys> keys =
        BuildFreeKeys(statements_.statements(), /*skip_principal_derived=*/true,
                      EngineSeparations(statements_, zone_, model_.owner_account));
    if (!keys.ok()) return Fail(std::string(keys.status().message()));
    keys_ = std::move(*keys);
    facts_ = BuildStatementFacts(statements_, keys_);
    external_ = Intersect(ExternalRequests(keys_, zone_),
                          RequestsToTheResource(keys_, model_.owner_account, zone_));
    CandidatePrincipalOptions principal_options;
    principal_options.partition = model_.partition;
    absl::StatusOr<std::vector<eval::RequestPrincipal>> principals =
        BuildCandidatePrincipals(statements_.merged(), zone_, principal_options);
    if (!principals.ok()) return Fail(std::string(principals.status().message()));
    stats_.principal_classes = principals->size();
    // Each caller's identity and the context keys AWS derives from it, built once per analysis and
    // read by every target's exploration and by the cover check.
    callers_.reserve(principals->size());
    for (eval::RequestPrincipal& principal : *principals) {
      eval::Request who;
      who.context = PrincipalContext(principal);
      who.principal = std::move(principal);
      callers_.push_back(std::move(who));
    }

    std::vector<std::vector<ActionClass>>& action_classes = action_classes_;
    std::vector<std::vector<ResourceClass>>& resource_classes = resource_classes_;
    action_classes.resize(model_.targets.size());
    resource_classes.resize(model_.targets.size());
    for (size_t t = 0; t < model_.targets.size(); ++t) {
      const ResourceTarget& target = model_.targets[t];
      action_classes[t] = BuildActionClasses(target.actions, facts_);
      absl::StatusOr<std::vector<ResourceClass>> resources =
          BuildResourceClasses(target, statements_);
      if (!resources.ok()) return Fail(std::string(resources.status().message()));
      resource_classes[t] = std::move(*resources);
      stats_.action_classes += action_classes[t].size();
      stats_.resource_classes += resource_classes[t].size();
      std::vector<std::vector<bool>> resource_matches = ResourceMatches(resource_classes[t]);
      for (size_t p = 0; p < callers_.size(); ++p) {
        if (absl::Status status =
                Explore(p, action_classes[t], resource_classes[t], resource_matches);
            !status.ok()) {
          return Fail(std::string(status.message()));
        }
      }
    }
    for (auto& [key, finding] : findings_) {
      std::sort(finding.actions.begin(), finding.actions.end());
      finding.actions.erase(std::unique(finding.actions.begin(), finding.actions.end()),
                            finding.actions.end());
      finding.is_public = IsPublic(finding);
      finding.id = findings::StableFindingId(finding);
      result.findings.push_back(std::move(finding));
    }
    // The cover check: fail closed if any allowed external request lies outside every finding.
    if (std::optional<std::string> gap = UncoveredCell(result.findings); gap.has_value()) {
      result.findings.push_back(ErrorFinding(model_, std::move(*gap)));
      stats_.decided = false;
    }
    // Public first, then by principal and condition: the order people read them in.
    std::stable_sort(
        result.findings.begin(), result.findings.end(),
        [](const Finding& a, const Finding& b) { return a.is_public && !b.is_public; });
    result.stats = stats_;
    return result;
  }

 private:
  // "No gate statement": the policy alone decides.
  static constexpr size_t kNoGate = static_cast<size_t>(-1);

  // What an Allow statement (with, under a gate, an Allow statement of the gate) leaves allowed.
  struct Remainder {
    size_t statement;
    size_t gate_statement;  // kNoGate without a gate
    std::vector<Box> boxes;
  };

  AnalysisResult Fail(std::string reason) {
    AnalysisResult result;
    result.findings.push_back(ErrorFinding(model_, std::move(reason)));
    result.stats = stats_;
    result.stats.decided = false;
    return result;
  }

  // Whether each statement's Resource / NotResource matches each resource class (the same for every
  // caller: policy variables were abstracted away). The gate's statements read the gate's ARN.
  std::vector<std::vector<bool>> ResourceMatches(
      const std::vector<ResourceClass>& resources) const {
    std::vector<std::vector<bool>> matches;
    eval::Request own;
    own.resource_account = model_.owner_account;
    eval::Request through_gate = own;
    for (const ResourceClass& resource : resources) {
      own.resource_arn = resource.arn;
      through_gate.resource_arn = resource.gate_arn;
      std::vector<bool> row;
      row.reserve(statements_.size());
      for (size_t i = 0; i < statements_.size(); ++i) {
        row.push_back(
            statements_.Match(i, statements_.in_gate(i) ? through_gate : own, eval::kMatchResource)
                .matched);
      }
      matches.push_back(std::move(row));
    }
    return matches;
  }

  // The statements live for one (principal, action class, resource class) decide the remainders of
  // the Allow statements; many triples share the same live statements, so the box algebra is done
  // once per distinct set. Under a gate, a request needs an Allow of each policy and no Deny of
  // either.
  const std::vector<Remainder>& Remainders(const std::vector<size_t>& live) {
    auto it = remainders_.find(live);
    if (it != remainders_.end()) return it->second;
    std::vector<Box> denies;
    std::vector<size_t> gate_allows;
    for (size_t i : live) {
      const policy::Statement& statement = statements_.statement(i);
      if (statement.effect == policy::Effect::kDeny) denies.push_back(facts_[i].box);
      if (statement.effect == policy::Effect::kAllow && statements_.in_gate(i))
        gate_allows.push_back(i);
    }
    std::vector<Remainder> out;
    for (size_t i : live) {
      if (statements_.statement(i).effect != policy::Effect::kAllow || statements_.in_gate(i))
        continue;
      Box own = Intersect(facts_[i].box, external_);
      if (!model_.gate.has_value()) {
        std::vector<Box> remainder = SubtractAll({own}, denies);
        if (!remainder.empty()) out.push_back(Remainder{i, kNoGate, std::move(remainder)});
        continue;
      }
      for (size_t g : gate_allows) {
        Box both = Intersect(own, facts_[g].box);
        if (IsEmpty(both)) continue;
        std::vector<Box> remainder = SubtractAll({both}, denies);
        if (!remainder.empty()) out.push_back(Remainder{i, g, std::move(remainder)});
      }
    }
    return remainders_.emplace(live, std::move(out)).first->second;
  }

  absl::Status Explore(size_t principal_index, const std::vector<ActionClass>& actions,
                       const std::vector<ResourceClass>& resources,
                       const std::vector<std::vector<bool>>& resource_matches) {
    const eval::Request& who = callers_[principal_index];
    const eval::RequestPrincipal& principal = who.principal;
    const eval::RequestContext& base = who.context;
    // Whether each statement names this caller: its Principal matches and its conditions on the
    // caller's identity hold, whatever the request.
    std::vector<bool> names_caller(statements_.size(), true);
    for (size_t i = 0; i < statements_.size(); ++i) {
      ++stats_.statement_matches;
      names_caller[i] = statements_.Match(i, who, eval::kMatchPrincipal).matched;
      for (size_t j : facts_[i].derived_conditions) {
        if (names_caller[i] && !statements_.conditions(i)[j].Evaluate(base))
          names_caller[i] = false;
      }
    }
    std::vector<size_t> live;
    for (const ActionClass& action : actions) {
      // An action this caller can never make is no access, whatever the policy grants.
      if (!eval::PrincipalCanCall(principal, action.representative_lower)) continue;
      for (size_t r = 0; r < resources.size(); ++r) {
        live.clear();
        for (size_t i = 0; i < statements_.size(); ++i) {
          if (names_caller[i] && action.statements[i] && resource_matches[r][i]) live.push_back(i);
        }
        const std::vector<Remainder>& remainders = Remainders(live);
        if (!remainders.empty())
          allowed_cells_.push_back({principal_index, &action, &resources[r], &remainders});
        for (const Remainder& remainder : remainders) {
          if (absl::Status status = Report(remainder, principal, base, action, resources[r]);
              !status.ok()) {
            return status;
          }
        }
      }
    }
    return absl::OkStatus();
  }

  // A restricting condition of one of the statements behind a remainder.
  struct ReportedStatementCondition {
    size_t statement;
    ReportedCondition condition;
  };

  // Turns "these statements allow `principal` in `remainder`" into findings, one per combination of
  // the values of their restricting conditions that is still allowed.
  absl::Status Report(const Remainder& remainder, const eval::RequestPrincipal& principal,
                      const eval::RequestContext& base, const ActionClass& action,
                      const ResourceClass& resource) {
    std::vector<ReportedStatementCondition> reported;
    for (size_t i : {remainder.statement, remainder.gate_statement}) {
      if (i == kNoGate) continue;
      for (ReportedCondition& condition : ReportedConditions(statements_.statement(i))) {
        reported.push_back(ReportedStatementCondition{i, std::move(condition)});
      }
    }
    auto source_of = [&](const ReportedStatementCondition& r) -> const policy::Condition& {
      return statements_.statement(r.statement).conditions[r.condition.condition_index];
    };
    // Enumerate value combinations (one value per reported condition).
    std::vector<size_t> choice(reported.size(), 0);
    size_t combinations = 1;
    for (const ReportedStatementCondition& r : reported) {
      combinations *= source_of(r).values.size();
      if (combinations > kMaxFindingsPerStatement) break;
    }
    if (combinations > kMaxFindingsPerStatement) {
      // Too many values to give each its own finding: one finding whose condition lists every value
      // of each key, comma-separated (docs/access-analyzer-rules.md §3.2). The remainder is already
      // inside the statements' conditions, so nothing needs narrowing.
      std::map<std::string, std::string> condition;
      for (const ReportedStatementCondition& r : reported) {
        std::string joined;
        for (const policy::ConditionValue& value : source_of(r).values) {
          if (!joined.empty()) joined += ",";
          joined += value.value;
        }
        condition[r.condition.key] = std::move(joined);
      }
      return Record(remainder, principal, base, action, resource, std::move(condition),
                    remainder.boxes.front());
    }
    for (size_t n = 0; n < combinations; ++n) {
      size_t rest = n;
      for (size_t r = 0; r < reported.size(); ++r) {
        size_t count = source_of(reported[r]).values.size();
        choice[r] = rest % count;
        rest /= count;
      }
      std::map<std::string, std::string> condition;
      std::vector<Box> cells = remainder.boxes;
      bool possible = true;
      for (size_t r = 0; r < reported.size() && possible; ++r) {
        const policy::Condition& source = source_of(reported[r]);
        // Two statements may restrict the same key: the finding names the last value, and the cells
        // are narrowed by both (the finding's reading of the key holds for them).
        condition[reported[r].condition.key] = source.values[choice[r]].value;
        const SingleValueCondition& single =
            SingleValue(reported[r].statement, reported[r].condition.condition_index, choice[r]);
        if (!single.allowed.has_value()) {
          possible = single.condition.Evaluate(base);  // a condition on the caller's identity
          continue;
        }
        auto it = keys_.index_of.find(source.key_lower);
        const CandidateSet& allowed = *single.allowed;
        std::vector<Box> narrowed;
        for (Box box : cells) {
          box[it->second] = box[it->second].Intersect(allowed);
          if (!IsEmpty(box)) narrowed.push_back(std::move(box));
        }
        cells = std::move(narrowed);
        possible = !cells.empty();
      }
      if (!possible) continue;
      if (absl::Status status = Record(remainder, principal, base, action, resource,
                                       std::move(condition), cells.front());
          !status.ok()) {
        return status;
      }
    }
    return absl::OkStatus();
  }

  // Adds `action` to the finding of (the statements' principal for `principal`, `condition`),
  // creating it with a witness from `cell` when new.
  absl::Status Record(const Remainder& remainder, const eval::RequestPrincipal& principal,
                      const eval::RequestContext& base, const ActionClass& action,
                      const ResourceClass& resource, std::map<std::string, std::string> condition,
                      const Box& cell) {
    const policy::Statement& statement = statements_.statement(remainder.statement);
    const policy::Statement* gate_statement =
        remainder.gate_statement == kNoGate ? nullptr
                                            : &statements_.statement(remainder.gate_statement);
    Finding finding;
    finding.principal = DescribePrincipal(statement, gate_statement, principal);
    finding.condition = std::move(condition);
    finding.resource = model_.resource_arn;
    finding.resource_type = model_.resource_type;
    finding.resource_owner_account = model_.owner_account;
    finding.sources = model_.sources;
    std::string key = findings::FindingKey(finding);
    auto [it, inserted] = findings_.try_emplace(key, std::move(finding));
    Finding& target = it->second;
    target.actions.insert(target.actions.end(), action.actions.begin(), action.actions.end());
    for (size_t i : {remainder.statement, remainder.gate_statement}) {
      if (i == kNoGate) continue;
      const policy::Statement& granting = statements_.statement(i);
      findings::StatementRef ref{statements_.label(i), granting.index, granting.sid,
                                 granting.position};
      bool known = std::any_of(target.explanation.begin(), target.explanation.end(),
                               [&](const findings::StatementRef& s) {
                                 return s.index == ref.index && s.policy == ref.policy;
                               });
      if (!known) target.explanation.push_back(std::move(ref));
    }
    if (!target.witness.has_value()) {
      absl::StatusOr<findings::Witness> witness = Witness(principal, base, action, resource, cell);
      if (!witness.ok()) return witness.status();
      target.witness = std::move(*witness);
    }
    return absl::OkStatus();
  }

  // One value of a reported condition, compiled once per analysis, with the candidates it allows
  // when its key is a free one (independent of the caller).
  struct SingleValueCondition {
    eval::CompiledCondition condition;
    std::optional<CandidateSet> allowed;
  };

  const SingleValueCondition& SingleValue(size_t statement, size_t condition_index,
                                          size_t value_index) {
    auto key = std::make_tuple(statement, condition_index, value_index);
    auto it = single_values_.find(key);
    if (it != single_values_.end()) return it->second;
    const policy::Condition& source = statements_.statement(statement).conditions[condition_index];
    policy::Condition single = source;
    single.values = {source.values[value_index]};
    std::vector<base::Issue> ignored;
    SingleValueCondition entry{eval::CompiledCondition::Compile(single, false, ignored),
                               std::nullopt};
    auto free_key = keys_.index_of.find(source.key_lower);
    if (free_key != keys_.index_of.end()) {
      entry.allowed = CandidatesSatisfying(entry.condition, keys_.domains[free_key->second]);
    }
    return single_values_.emplace(key, std::move(entry)).first->second;
  }

  // Whether a condition of the policy (or the gate) reads `key_lower`.
  bool PolicyReads(const std::string& key_lower) const {
    for (size_t i = 0; i < statements_.size(); ++i) {
      for (const policy::Condition& condition : statements_.statement(i).conditions) {
        if (condition.key_lower == key_lower) return true;
      }
    }
    return false;
  }

  // Whether the policies as written (not their variable-free readings) allow `request`.
  bool OriginalsAllow(const eval::Request& request, const ResourceClass& resource) const {
    if (!eval::PolicyAloneAllows(original_.has_value() ? *original_ : *compiled_, request))
      return false;
    if (!compiled_gate_.has_value()) return true;
    eval::Request through_gate = request;
    through_gate.resource_arn = resource.gate_arn;
    return eval::PolicyAloneAllows(original_gate_.has_value() ? *original_gate_ : *compiled_gate_,
                                   through_gate);
  }

  // The variable-free reading (policy_abstraction.h) reads each policy variable as '*': a request
  // it allows may lack the variable's key, which makes the statement as written not apply ([VARS],
  // eval/condition_evaluator.cc). The caller chooses its own tags and the resource's tags are not
  // in the model, so the witness carries the variables' keys that are not derived from the
  // principal, with a value that makes the policies as written allow it: the empty string (what '*'
  // matched in a Resource like ".../teams/${aws:PrincipalTag/team}/*") or a value the request
  // already carries (a condition "aws:PrincipalTag/team": "${aws:ResourceTag/team}"). When none
  // does, the witness is left as it is (the finding stands: report when unsure).
  void BindPolicyVariables(eval::Request& request, const ResourceClass& resource,
                           findings::Witness& witness) const {
    if (variable_keys_.empty() || OriginalsAllow(request, resource)) return;
    std::vector<std::string> missing;
    for (const std::string& key : variable_keys_) {
      if (!request.context.Has(key) && !IsPrincipalDerivedKey(key)) missing.push_back(key);
    }
    if (missing.empty()) return;
    std::vector<std::string> values = {""};
    for (const auto& [key, value] : request.context.entries()) {
      for (const std::string& v : value.values) values.push_back(v);
    }
    for (const std::string& value : values) {
      eval::Request bound = request;
      for (const std::string& key : missing) bound.context.Set(key, value);
      if (!OriginalsAllow(bound, resource)) continue;
      for (const std::string& key : missing) witness.context[key] = {value};
      request = std::move(bound);
      return;
    }
  }

  // A concrete request inside `cell`, checked with the concrete evaluator: the policy (and the gate
  // policy, on the gate's ARN) must allow it.
  absl::StatusOr<findings::Witness> Witness(const eval::RequestPrincipal& principal,
                                            const eval::RequestContext& base,
                                            const ActionClass& action,
                                            const ResourceClass& resource, const Box& cell) {
    eval::Request request;
    request.principal = principal;
    request.action = action.actions.front();
    request.resource_arn = resource.arn;
    request.resource_account = model_.owner_account;
    request.context = base;
    findings::Witness witness;
    for (size_t k = 0; k < keys_.domains.size(); ++k) {
      const KeyDomain& domain = keys_.domains[k];
      size_t candidate = cell[k].First();
      SetCandidate(request.context, domain, candidate);
      if (domain.candidates[candidate].has_value())
        witness.context[domain.key] = *domain.candidates[candidate];
    }
    // The caller's organization, when the policy reads it: AWS puts it in the request from the
    // caller's account, and the principal's id alone does not say it (a witness is a whole
    // request).
    for (const auto& [key, values] :
         {std::pair{"aws:PrincipalOrgID", principal.org_id.has_value()
                                              ? std::vector<std::string>{*principal.org_id}
                                              : std::vector<std::string>{}},
          std::pair{"aws:PrincipalOrgPaths", principal.org_paths}}) {
      if (!values.empty() && PolicyReads(Lower(key))) witness.context[key] = values;
    }
    bool allowed = eval::PolicyAloneAllows(*compiled_, request);
    if (allowed && compiled_gate_.has_value()) {
      eval::Request through_gate = request;
      through_gate.resource_arn = resource.gate_arn;
      allowed = eval::PolicyAloneAllows(*compiled_gate_, through_gate);
    }
    if (allowed) BindPolicyVariables(request, resource, witness);
    if (!allowed) {
      return absl::InternalError(
          base::Concat("the witness for ", action.actions.front(), " on ", resource.arn,
                       " is not allowed by the concrete evaluator: please report this"));
    }
    witness.principal = principal.id;
    witness.principal_type = std::string(eval::PrincipalTypeName(principal.type));
    witness.action = request.action;
    witness.resource = resource.arn;
    return witness;
  }

 public:
  // The cover check, independent of how Report chose principals, conditions and merged actions:
  // every allowed external cell (principal class × action × resource class × context box) must lie
  // inside some finding, reading findings as finding_region.h does. Returns the first gap,
  // described.
  std::optional<std::string> UncoveredCell(const std::vector<Finding>& found) {
    stats_.cover_cells = 0;
    std::vector<std::set<std::string>> listed;  // per finding, its actions lower-cased
    for (const Finding& finding : found) {
      std::set<std::string> actions;
      for (const std::string& action : finding.actions) actions.insert(Lower(action));
      listed.push_back(std::move(actions));
    }
    // Per action class, its actions grouped by the findings that list them.
    std::map<const ActionClass*, std::map<std::vector<size_t>, std::string>> groups;
    std::vector<std::optional<FindingConditionRegion>> regions(found.size());
    std::map<std::pair<size_t, size_t>, bool>
        names;  // (finding, principal) -> the finding covers the caller
    for (const AllowedCell& cell : allowed_cells_) {
      ++stats_.cover_cells;
      auto [group, inserted] = groups.try_emplace(cell.action);
      if (inserted) {
        for (const std::string& action : cell.action->actions) {
          std::vector<size_t> listing;
          for (size_t f = 0; f < found.size(); ++f) {
            if (!found[f].error.has_value() && listed[f].contains(Lower(action)))
              listing.push_back(f);
          }
          group->second.try_emplace(std::move(listing), action);
        }
      }
      std::vector<Box> allowed;
      for (const Remainder& remainder : *cell.remainders) {
        allowed.insert(allowed.end(), remainder.boxes.begin(), remainder.boxes.end());
      }
      const eval::RequestPrincipal& principal = callers_[cell.principal].principal;
      for (const auto& [listing, action] : group->second) {
        std::vector<Box> holes;
        for (size_t f : listing) {
          if (!regions[f].has_value())
            regions[f].emplace(found[f], statements_.merged(), keys_.domains);
          auto [entry, fresh] = names.try_emplace({f, cell.principal}, false);
          if (fresh) {
            entry->second = FindingNamesPrincipal(found[f].principal, principal) &&
                            regions[f]->HoldsForCaller(callers_[cell.principal].context);
          }
          if (entry->second) holes.push_back(regions[f]->box());
        }
        if (!SubtractAll(allowed, holes).empty()) {
          return base::Concat("cover check failed: ", principal.id, " may perform ", action, " on ",
                              cell.resource->arn, " but no finding covers it; please report this");
        }
      }
    }
    return std::nullopt;
  }

 private:
  const AccessModel& model_;
  const ZoneOfTrust& zone_;
  AbstractedPolicy abstracted_;
  std::optional<eval::CompiledPolicy> compiled_;
  AbstractedPolicy abstracted_gate_;
  std::optional<eval::CompiledPolicy> compiled_gate_;
  // The policies as written, when their variable-free readings differ (witnesses are checked on
  // them).
  std::optional<eval::CompiledPolicy> original_;
  std::optional<eval::CompiledPolicy> original_gate_;
  std::set<std::string> variable_keys_;  // lower-cased keys of the policies' variables
  StatementTable statements_;
  FreeKeys keys_;
  std::vector<StatementFacts> facts_;
  Box external_;
  // The candidate principals (candidate_principals.h), each with the context AWS derives from it
  // (PrincipalContext) and nothing else set.
  std::vector<eval::Request> callers_;
  std::map<std::string, Finding> findings_;
  std::map<std::tuple<size_t, size_t, size_t>, SingleValueCondition> single_values_;
  std::map<std::vector<size_t>, std::vector<Remainder>> remainders_;
  // Every (principal, action class, resource class) with allowed external requests, for the cover
  // check: the Allow statements' remainders there.
  struct AllowedCell {
    size_t principal;
    const ActionClass* action;
    const ResourceClass* resource;
    const std::vector<Remainder>* remainders;
  };
  std::vector<AllowedCell> allowed_cells_;
  // Per target; the allowed cells point into them.
  std::vector<std::vector<ActionClass>> action_classes_;
  std::vector<std::vector<ResourceClass>> resource_classes_;
  AnalysisStats stats_;
};

}  // namespace

AnalysisResult AnalyzeExternalAccess(const AccessModel& model, const ZoneOfTrust& zone) {
  return Analysis(model, zone).Run();
}

std::optional<std::string> FindUncoveredAccess(const AccessModel& model, const ZoneOfTrust& zone,
                                               const std::vector<findings::Finding>& findings) {
  Analysis analysis(model, zone);
  AnalysisResult own = analysis.Run();
  if (!own.stats.decided)
    return "the engine cannot decide this policy: " + own.findings.back().error_reason;
  return analysis.UncoveredCell(findings);
}

}  // namespace perimeter::reasoning
