#include "perimeter/reasoning/new_access.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "perimeter/base/issue.h"
#include "perimeter/base/text.h"
#include "perimeter/eval/compiled_policy.h"
#include "perimeter/eval/condition_evaluator.h"
#include "perimeter/eval/request.h"
#include "perimeter/policy/arn.h"
#include "perimeter/reasoning/box.h"
#include "perimeter/reasoning/candidate_principals.h"
#include "perimeter/reasoning/condition_keys.h"
#include "perimeter/reasoning/key_domain.h"
#include "perimeter/reasoning/policy_abstraction.h"
#include "perimeter/reasoning/string_partition.h"

namespace perimeter::reasoning {
namespace {

bool HasWildcard(std::string_view text) {
  return text.find_first_of("*?") != std::string_view::npos;
}

// Whether a pattern naming principals treats every account alike or names literal accounts: each of
// its first five ':'-separated components (the account is the fifth) is a literal or "*". A partial
// wildcard in the account ("arn:aws:iam::1111*:root") would need classes of account ids, which the
// candidate principals do not have.
bool AccountUniform(std::string_view pattern) {
  if (!HasWildcard(pattern)) return true;
  size_t start = 0;
  for (int component = 0; component < 5; ++component) {
    size_t colon = pattern.find(':', start);
    std::string_view part = pattern.substr(
        start, colon == std::string_view::npos ? std::string_view::npos : colon - start);
    if (HasWildcard(part) && part != "*") return false;
    if (colon == std::string_view::npos) break;
    start = colon + 1;
  }
  return true;
}

// Every string a policy holds where a principal or a principal-derived key is named.
std::vector<std::string> PrincipalTexts(const std::vector<const policy::Statement*>& statements) {
  std::vector<std::string> out;
  for (const policy::Statement* statement : statements) {
    if (statement->principal.has_value()) {
      for (const policy::PrincipalValue& value : statement->principal->values)
        out.push_back(value.value);
    }
    for (const policy::Condition& condition : statement->conditions) {
      for (const policy::ConditionValue& value : condition.values) out.push_back(value.value);
    }
  }
  return out;
}

// Whether two statements say the same thing, element by element (Sid and positions aside): then
// they match exactly the same requests, whatever policy variables they hold.
bool SameMeaning(const policy::Statement& a, const policy::Statement& b) {
  auto same_texts = [](const std::vector<policy::Text>& x, const std::vector<policy::Text>& y) {
    return std::equal(
        x.begin(), x.end(), y.begin(), y.end(),
        [](const policy::Text& p, const policy::Text& q) { return p.value == q.value; });
  };
  auto same_lists = [&](const std::optional<policy::PatternList>& x,
                        const std::optional<policy::PatternList>& y) {
    return x.has_value() == y.has_value() &&
           (!x.has_value() || (x->negated == y->negated && same_texts(x->patterns, y->patterns)));
  };
  auto same_principals = [](const std::optional<policy::PrincipalSpec>& x,
                            const std::optional<policy::PrincipalSpec>& y) {
    if (x.has_value() != y.has_value()) return false;
    if (!x.has_value()) return true;
    return x->negated == y->negated && x->wildcard == y->wildcard &&
           std::equal(x->values.begin(), x->values.end(), y->values.begin(), y->values.end(),
                      [](const policy::PrincipalValue& p, const policy::PrincipalValue& q) {
                        return p.kind == q.kind && p.value == q.value;
                      });
  };
  auto same_conditions = [](const policy::Condition& x, const policy::Condition& y) {
    return x.op.op == y.op.op && x.op.qualifier == y.op.qualifier &&
           x.op.if_exists == y.op.if_exists && x.key_lower == y.key_lower &&
           std::equal(x.values.begin(), x.values.end(), y.values.begin(), y.values.end(),
                      [](const policy::ConditionValue& p, const policy::ConditionValue& q) {
                        return p.value == q.value;
                      });
  };
  return a.effect == b.effect && same_principals(a.principal, b.principal) &&
         same_lists(std::optional<policy::PatternList>(a.action),
                    std::optional<policy::PatternList>(b.action)) &&
         same_lists(a.resource, b.resource) &&
         std::equal(a.conditions.begin(), a.conditions.end(), b.conditions.begin(),
                    b.conditions.end(), same_conditions);
}

// One side of the comparison: the policy as written and its variable-free bound, compiled.
struct Side {
  AbstractedPolicy bounded;
  std::optional<eval::CompiledPolicy> compiled;  // of bounded.policy
  std::optional<eval::CompiledPolicy> written;   // of the policy as written
  // Per statement of bounded.policy: its box over the free keys, and its conditions on keys derived
  // from the principal (evaluated per candidate principal).
  std::vector<Box> boxes;
  std::vector<std::vector<size_t>> derived_conditions;
};

absl::Status Prepare(const policy::Policy& policy, VariableBound bound, policy::PolicyKind kind,
                     Side& side) {
  side.bounded = BoundVariables(policy, bound);
  std::vector<base::Issue> issues;
  side.compiled.emplace(eval::CompiledPolicy::Compile(side.bounded.policy, kind, issues));
  if (base::HasErrors(issues)) {
    return absl::InvalidArgumentError(base::Concat("a value its operator cannot read at ",
                                                   base::ToString(issues.front().position), ": ",
                                                   issues.front().message));
  }
  std::vector<base::Issue> ignored;  // the same values, reported above
  side.written.emplace(eval::CompiledPolicy::Compile(policy, kind, ignored));
  return absl::OkStatus();
}

// The condition keys whose values are tried freely, with their classes from both policies'
// conditions. The boxes of each statement (variables are bounded away, so a condition reads only
// its own key).
void BuildBoxes(const FreeKeys& keys, Side& side) {
  const policy::Policy& policy = side.compiled->source();
  for (size_t i = 0; i < policy.statements.size(); ++i) {
    Box box;
    for (const KeyDomain& domain : keys.domains)
      box.push_back(CandidateSet::All(domain.candidates.size()));
    std::vector<size_t> derived;
    const std::vector<eval::CompiledCondition>& conditions = side.compiled->conditions(i);
    for (size_t j = 0; j < conditions.size(); ++j) {
      auto it = keys.index_of.find(policy.statements[i].conditions[j].key_lower);
      if (it == keys.index_of.end()) {
        derived.push_back(j);
        continue;
      }
      box[it->second] =
          box[it->second].Intersect(CandidatesSatisfying(conditions[j], keys.domains[it->second]));
    }
    side.boxes.push_back(std::move(box));
    side.derived_conditions.push_back(std::move(derived));
  }
}

// One action per Venn region of every Action / NotAction pattern (action names are
// case-insensitive).
absl::StatusOr<std::vector<std::string>> ActionClasses(
    const std::vector<const policy::Statement*>& statements) {
  std::set<std::string> texts;
  for (const policy::Statement* statement : statements) {
    for (const policy::Text& pattern : statement->action.patterns)
      texts.insert(base::AsciiLower(pattern.value));
  }
  // The actions of web identity and SAML callers get regions of their own, so that one
  // representative decides eval::PrincipalCanCall for its whole region.
  for (eval::IdentityProviderKind kind :
       {eval::IdentityProviderKind::kWebIdentity, eval::IdentityProviderKind::kSaml}) {
    for (std::string_view action : eval::ActionsOfIdentityProvider(kind))
      texts.insert(std::string(action));
  }
  std::vector<StringPattern> patterns;
  for (const std::string& text : texts) {
    patterns.push_back({policy::WildcardPattern::FromGlob(text), StringPattern::Syntax::kGlob,
                        policy::CaseMode::kInsensitive});
  }
  return PartitionRepresentatives(patterns);
}

// One resource per Venn region of every Resource / NotResource pattern.
absl::StatusOr<std::vector<std::string>> ResourceClasses(
    const std::vector<const policy::Statement*>& statements) {
  std::set<std::string> texts;
  for (const policy::Statement* statement : statements) {
    if (!statement->resource.has_value()) continue;
    for (const policy::Text& pattern : statement->resource->patterns) texts.insert(pattern.value);
  }
  std::vector<StringPattern> patterns;
  for (const std::string& text : texts) {
    patterns.push_back({policy::WildcardPattern::FromGlob(text), StringPattern::Syntax::kArn,
                        policy::CaseMode::kSensitive});
  }
  return PartitionRepresentatives(patterns);
}

// Service principals, one per Venn region of the Service values (compared lower-cased) and the
// patterns of aws:PrincipalServiceName conditions, among the names a service principal can have.
absl::StatusOr<std::vector<eval::RequestPrincipal>> ServiceClasses(
    const std::vector<const policy::Statement*>& statements) {
  std::vector<StringPattern> patterns;
  for (const policy::Statement* statement : statements) {
    if (statement->principal.has_value()) {
      for (const policy::PrincipalValue& value : statement->principal->values) {
        if (value.kind != policy::PrincipalKind::kService) continue;
        patterns.push_back({policy::WildcardPattern::FromLiteral(base::AsciiLower(value.value)),
                            StringPattern::Syntax::kGlob, policy::CaseMode::kSensitive});
      }
    }
    for (const policy::Condition& condition : statement->conditions) {
      if (condition.key_lower != "aws:principalservicename") continue;
      for (const policy::ConditionValue& value : condition.values) {
        patterns.push_back(ConditionValuePattern(condition.op.op, value.value));
      }
    }
  }
  std::vector<StringPattern> names;
  for (const char* glob : {"?*.amazonaws.com", "?*.amazonaws.com.cn"}) {
    names.push_back({policy::WildcardPattern::FromGlob(glob), StringPattern::Syntax::kGlob,
                     policy::CaseMode::kSensitive});
  }
  absl::StatusOr<std::vector<StringRegion>> regions = PartitionStrings(patterns, names);
  if (!regions.ok()) return regions.status();
  std::vector<eval::RequestPrincipal> out;
  for (const StringRegion& region : *regions) {
    // A shortest member may not be a name a service can have ("..amazonaws.com"), and the evaluator
    // lower-cases names: take the first of a few variants that is a service's name in the same
    // region.
    std::optional<eval::RequestPrincipal> found;
    for (const char* prefix : {"", "x", "q", "perimeter-probe"}) {
      absl::StatusOr<eval::RequestPrincipal> principal =
          eval::MakeRequestPrincipal(eval::PrincipalType::kService, prefix + region.representative);
      bool same_region = principal.ok();
      for (size_t p = 0; p < patterns.size() && same_region; ++p) {
        same_region = patterns[p].Matches(principal->id) == region.matches[p];
      }
      if (same_region) {
        found = std::move(*principal);
        break;
      }
    }
    if (!found.has_value()) {
      return absl::UnimplementedError(
          base::Concat("no service principal name stands for the services like \"",
                       region.representative, "\""));
    }
    out.push_back(std::move(*found));
  }
  return out;
}

// Every class of callers both policies can tell apart: candidate_principals.h for the IAM,
// federated, canonical-user and anonymous callers of every partition the policies name, and the
// services. The candidates exclude the zone's account, so the zone is an account neither policy
// names: its callers are like those of the unnamed account the candidates include.
absl::StatusOr<std::vector<eval::RequestPrincipal>> PrincipalClasses(
    const std::vector<const policy::Statement*>& statements) {
  std::vector<std::string> texts = PrincipalTexts(statements);
  std::set<std::string> partitions = {"aws"};
  for (const policy::Statement* statement : statements) {
    if (statement->principal.has_value()) {
      for (const policy::PrincipalValue& value : statement->principal->values) {
        if (value.kind == policy::PrincipalKind::kAws && !AccountUniform(value.value)) {
          return absl::UnimplementedError(base::Concat(
              "the principal \"", value.value, "\" has a wildcard in part of its account id"));
        }
      }
    }
    for (const policy::Condition& condition : statement->conditions) {
      if (condition.key_lower != "aws:principalarn") continue;
      for (const policy::ConditionValue& value : condition.values) {
        if (!AccountUniform(value.value)) {
          return absl::UnimplementedError(
              base::Concat("the condition ", condition.key, " \"", value.value,
                           "\" has a wildcard in part of an account id"));
        }
      }
    }
  }
  for (const std::string& text : texts) {
    std::optional<policy::Arn> arn = policy::ParseArn(text);
    if (arn.has_value() && !arn->partition.empty() && !HasWildcard(arn->partition)) {
      partitions.insert(std::string(arn->partition));
    }
  }
  std::string zone_account;
  for (uint64_t n = 0; zone_account.empty(); ++n) {
    std::string candidate = std::to_string(n);
    candidate.insert(0, 12 - candidate.size(), '0');
    if (std::none_of(texts.begin(), texts.end(), [&](const std::string& text) {
          return text.find(candidate) != std::string::npos;
        })) {
      zone_account = candidate;
    }
  }
  policy::Policy combined;
  for (const policy::Statement* statement : statements) combined.statements.push_back(*statement);
  std::vector<eval::RequestPrincipal> out;
  for (const std::string& partition : partitions) {
    CandidatePrincipalOptions options;
    options.partition = partition;
    absl::StatusOr<std::vector<eval::RequestPrincipal>> candidates =
        BuildCandidatePrincipals(combined, ZoneOfTrust::ForAccount(zone_account), options);
    if (!candidates.ok()) return candidates.status();
    for (eval::RequestPrincipal& principal : *candidates) {
      // Callers without an account (anonymous, federated, canonical users) are the same in every
      // partition.
      if (partition != "aws" && !principal.is_iam()) continue;
      out.push_back(std::move(principal));
    }
  }
  absl::StatusOr<std::vector<eval::RequestPrincipal>> services = ServiceClasses(statements);
  if (!services.ok()) return services.status();
  out.insert(out.end(), services->begin(), services->end());
  return out;
}

class Comparison {
 public:
  Comparison(ComparedPolicies compared, const NewAccessOptions& options)
      : compared_(compared), options_(options) {}

  NewAccessResult Run(const policy::Policy& new_policy, const policy::Policy& existing_policy) {
    absl::Status status = Decide(new_policy, existing_policy);
    for (const std::string& note : new_.bounded.notes)
      result_.notes.push_back("new policy, " + note);
    for (const std::string& note : existing_.bounded.notes)
      result_.notes.push_back("existing policy, " + note);
    if (!status.ok()) {
      result_.decided = false;
      result_.undecided_reason = std::string(status.message());
    }
    std::sort(result_.grants.begin(), result_.grants.end(),
              [](const NewAccessGrant& a, const NewAccessGrant& b) {
                return a.statement_index < b.statement_index;
              });
    return std::move(result_);
  }

 private:
  bool resource() const { return compared_ == ComparedPolicies::kResource; }

  absl::Status Decide(const policy::Policy& new_policy, const policy::Policy& existing_policy) {
    policy::PolicyKind kind =
        resource() ? policy::PolicyKind::kResource : policy::PolicyKind::kIdentity;
    if (absl::Status status = Prepare(new_policy, VariableBound::kAllowMore, kind, new_);
        !status.ok()) {
      return absl::InvalidArgumentError(
          base::Concat("the new policy has ", std::string(status.message())));
    }
    if (absl::Status status = Prepare(existing_policy, VariableBound::kAllowLess, kind, existing_);
        !status.ok()) {
      return absl::InvalidArgumentError(
          base::Concat("the existing policy has ", std::string(status.message())));
    }
    // An Allow of the new policy that the existing policy holds too, word for word, matches only
    // requests that policy's Allow matches: its new access can only come from the existing Denies.
    for (const policy::Statement& statement : new_.compiled->source().statements) {
      mirrored_.push_back(
          new_policy.version == existing_policy.version &&
          std::any_of(existing_policy.statements.begin(), existing_policy.statements.end(),
                      [&](const policy::Statement& other) {
                        return other.effect == policy::Effect::kAllow &&
                               SameMeaning(other, new_policy.statements[statement.index]);
                      }));
    }
    std::vector<const policy::Statement*> statements;
    for (const Side* side : {&new_, &existing_}) {
      for (const policy::Statement& statement : side->compiled->source().statements)
        statements.push_back(&statement);
    }
    absl::StatusOr<FreeKeys> keys = BuildFreeKeys(statements, resource());
    if (!keys.ok()) return keys.status();
    keys_ = std::move(*keys);
    BuildBoxes(keys_, new_);
    BuildBoxes(keys_, existing_);

    absl::StatusOr<std::vector<std::string>> actions = ActionClasses(statements);
    if (!actions.ok()) return actions.status();
    absl::StatusOr<std::vector<std::string>> resources = ResourceClasses(statements);
    if (!resources.ok()) return resources.status();
    std::vector<eval::RequestPrincipal> principals;
    if (resource()) {
      absl::StatusOr<std::vector<eval::RequestPrincipal>> classes = PrincipalClasses(statements);
      if (!classes.ok()) return classes.status();
      principals = std::move(*classes);
    } else {
      // An identity policy applies to whoever it is attached to; what AWS derives from that
      // principal is tried freely with the other condition keys.
      absl::StatusOr<eval::RequestPrincipal> holder =
          eval::ParseRequestPrincipal("arn:aws:iam::000000000000:role/perimeter-policy-holder");
      if (!holder.ok()) return holder.status();
      principals.push_back(std::move(*holder));
    }
    if (principals.size() * actions->size() * resources->size() > options_.max_cells) {
      return absl::ResourceExhaustedError(base::Concat(
          principals.size(), " principal, ", actions->size(), " action and ", resources->size(),
          " resource classes: more than ", options_.max_cells, " combinations to try"));
    }
    MatchActions(*actions);
    MatchResources(*resources);
    // Deny statements grant nothing: only Allow statements are left to report.
    for (size_t i = 0; i < new_.compiled->statement_count(); ++i)
      reported_.push_back(!IsAllow(new_, i));
    for (const eval::RequestPrincipal& principal : principals) {
      if (absl::Status status = Explore(principal, *actions, *resources); !status.ok())
        return status;
      if (std::all_of(reported_.begin(), reported_.end(), [](bool b) { return b; })) break;
    }
    return absl::OkStatus();
  }

  // Whether each statement of each side matches each action class (the same for every caller).
  void MatchActions(const std::vector<std::string>& actions) {
    for (const std::string& action : actions) {
      eval::Request request;
      request.action = action;
      std::string lower = base::AsciiLower(action);
      for (Side* side : {&new_, &existing_}) {
        std::vector<bool> row;
        for (size_t i = 0; i < side->compiled->statement_count(); ++i) {
          row.push_back(side->compiled->MatchParts(i, request, lower, eval::kMatchAction).matched);
        }
        (side == &new_ ? new_actions_ : existing_actions_).push_back(std::move(row));
      }
    }
  }

  void MatchResources(const std::vector<std::string>& resources) {
    for (const std::string& resource : resources) {
      eval::Request request;
      request.resource_arn = resource;
      for (Side* side : {&new_, &existing_}) {
        std::vector<bool> row;
        for (size_t i = 0; i < side->compiled->statement_count(); ++i) {
          row.push_back(side->compiled->MatchParts(i, request, "", eval::kMatchResource).matched);
        }
        (side == &new_ ? new_resources_ : existing_resources_).push_back(std::move(row));
      }
    }
  }

  // The request context AWS builds from the caller's identity (resource policies; an identity
  // policy's caller is tried through the free keys instead).
  eval::RequestContext CallerContext(const eval::RequestPrincipal& principal) const {
    eval::RequestContext context;
    if (!resource()) return context;
    eval::AddPrincipalContextKeys(principal, context);
    if (principal.is_iam()) context.Set("kms:calleraccount", principal.account);
    return context;
  }

  // Whether each statement of `side` names the caller: its Principal matches and its conditions on
  // the caller's identity hold.
  std::vector<bool> NamesCaller(const Side& side, const eval::Request& who) const {
    std::vector<bool> names;
    for (size_t i = 0; i < side.compiled->statement_count(); ++i) {
      bool named = side.compiled->MatchParts(i, who, "", eval::kMatchPrincipal).matched;
      for (size_t j : side.derived_conditions[i])
        named = named && side.compiled->conditions(i)[j].Evaluate(who.context);
      names.push_back(named);
    }
    return names;
  }

  absl::Status Explore(const eval::RequestPrincipal& principal,
                       const std::vector<std::string>& actions,
                       const std::vector<std::string>& resources) {
    eval::Request who;
    who.principal = principal;
    who.context = CallerContext(principal);
    std::vector<bool> new_names = NamesCaller(new_, who);
    std::vector<bool> existing_names = NamesCaller(existing_, who);
    std::vector<size_t> new_live, existing_live;
    for (size_t a = 0; a < actions.size(); ++a) {
      // A request this caller can never make is no access under either policy.
      if (!eval::PrincipalCanCall(principal, base::AsciiLower(actions[a]))) continue;
      for (size_t r = 0; r < resources.size(); ++r) {
        Live(new_names, new_actions_[a], new_resources_[r], new_live);
        bool allows = std::any_of(new_live.begin(), new_live.end(),
                                  [&](size_t i) { return IsAllow(new_, i); });
        if (!allows) continue;
        Live(existing_names, existing_actions_[a], existing_resources_[r], existing_live);
        absl::StatusOr<const std::vector<std::pair<size_t, Box>>*> blamed =
            Blame(new_live, existing_live);
        if (!blamed.ok()) return blamed.status();
        for (const auto& [i, cell] : **blamed) {
          if (reported_[i]) continue;
          if (absl::Status status = Report(i, who, actions[a], resources[r], cell); !status.ok())
            return status;
        }
      }
    }
    return absl::OkStatus();
  }

  static bool IsAllow(const Side& side, size_t i) {
    return side.compiled->source().statements[i].effect == policy::Effect::kAllow;
  }

  static void Live(const std::vector<bool>& names, const std::vector<bool>& action,
                   const std::vector<bool>& resource, std::vector<size_t>& live) {
    live.clear();
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] && action[i] && resource[i]) live.push_back(i);
    }
  }

  // `from` minus every box of `holes`, empty boxes left out; refused beyond the box budget.
  absl::StatusOr<std::vector<Box>> Minus(std::vector<Box> from,
                                         const std::vector<Box>& holes) const {
    std::vector<Box> out = SubtractAll(std::move(from), holes);
    std::erase_if(out, [](const Box& box) { return IsEmpty(box); });
    if (out.size() > options_.max_boxes) {
      return absl::ResourceExhaustedError(base::Concat(
          "more than ", options_.max_boxes, " boxes of condition values in one comparison"));
    }
    return out;
  }

  // For the live statements of one (principal, action, resource) class: each Allow statement of the
  // new policy that allows contexts the existing policy does not, with one such cell. Many classes
  // share their live statements, so each distinct pair is computed once.
  absl::StatusOr<const std::vector<std::pair<size_t, Box>>*> Blame(
      const std::vector<size_t>& new_live, const std::vector<size_t>& existing_live) {
    auto key = std::make_pair(new_live, existing_live);
    auto it = blame_.find(key);
    if (it != blame_.end()) return &it->second;
    std::vector<Box> new_denies, existing_allows, existing_denies;
    for (size_t i : new_live) {
      if (!IsAllow(new_, i)) new_denies.push_back(new_.boxes[i]);
    }
    for (size_t i : existing_live) {
      (IsAllow(existing_, i) ? existing_allows : existing_denies).push_back(existing_.boxes[i]);
    }
    absl::StatusOr<std::vector<Box>> existing_allowed =
        Minus(std::move(existing_allows), existing_denies);
    if (!existing_allowed.ok()) return existing_allowed.status();
    std::vector<std::pair<size_t, Box>> blamed;
    for (size_t i : new_live) {
      if (!IsAllow(new_, i)) continue;
      absl::StatusOr<std::vector<Box>> fresh;
      if (mirrored_[i]) {
        // S ⊆ the existing Allows, so S − (Allows − Denies) = S ∩ Denies: no bound on S's variables
        // is compared with a bound on the existing Allow's.
        std::vector<Box> denied;
        for (const Box& deny : existing_denies) denied.push_back(Intersect(new_.boxes[i], deny));
        fresh = Minus(std::move(denied), new_denies);
      } else {
        absl::StatusOr<std::vector<Box>> allowed = Minus({new_.boxes[i]}, new_denies);
        if (!allowed.ok()) return allowed.status();
        fresh = Minus(std::move(*allowed), *existing_allowed);
      }
      if (!fresh.ok()) return fresh.status();
      if (!fresh->empty()) blamed.emplace_back(i, std::move(fresh->front()));
    }
    return &blame_.emplace(std::move(key), std::move(blamed)).first->second;
  }

  // Records statement `i` of the new policy with a witness built from `cell`, checked with the
  // concrete evaluator.
  absl::Status Report(size_t i, const eval::Request& who, const std::string& action,
                      const std::string& resource, const Box& cell) {
    eval::Request request = who;
    request.action = action;
    request.resource_arn = resource;
    for (size_t k = 0; k < keys_.domains.size(); ++k)
      SetCandidate(request.context, keys_.domains[k], cell[k].First());
    if (!eval::PolicyAloneAllows(*new_.compiled, request) ||
        eval::PolicyAloneAllows(*existing_.compiled, request)) {
      return absl::InternalError(
          base::Concat("the witness for ", action, " on ", resource,
                       " does not separate the policies in the concrete evaluator: please "
                       "report this"));
    }
    const policy::Statement& statement = new_.compiled->source().statements[i];
    NewAccessGrant grant;
    grant.statement_index = statement.index;
    grant.sid = statement.sid;
    grant.confirmed = eval::PolicyAloneAllows(*new_.written, request) &&
                      !eval::PolicyAloneAllows(*existing_.written, request);
    grant.witness = std::move(request);
    result_.grants.push_back(std::move(grant));
    reported_[i] = true;
    return absl::OkStatus();
  }

  const ComparedPolicies compared_;
  const NewAccessOptions& options_;
  Side new_, existing_;
  FreeKeys keys_;
  // [class][statement]: whether the statement's Action / Resource element matches the class.
  std::vector<std::vector<bool>> new_actions_, existing_actions_, new_resources_,
      existing_resources_;
  std::map<std::pair<std::vector<size_t>, std::vector<size_t>>, std::vector<std::pair<size_t, Box>>>
      blame_;
  std::vector<bool>
      mirrored_;  // per statement of the bounded new policy: an Allow the existing one has too
  std::vector<bool>
      reported_;  // per statement of the bounded new policy: reported, or nothing to report
  NewAccessResult result_;
};

}  // namespace

NewAccessResult FindNewAccess(const policy::Policy& new_policy,
                              const policy::Policy& existing_policy, ComparedPolicies compared,
                              const NewAccessOptions& options) {
  return Comparison(compared, options).Run(new_policy, existing_policy);
}

}  // namespace perimeter::reasoning
