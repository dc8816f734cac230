#include "perimeter/reasoning/internal_access.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "perimeter/base/text.h"
#include "perimeter/eval/compiled_policy.h"
#include "perimeter/eval/evaluator.h"
#include "perimeter/policy/policy_variables.h"
#include "perimeter/policy/wildcard.h"
#include "perimeter/reasoning/condition_keys.h"
#include "perimeter/reasoning/key_domain.h"
#include "perimeter/reasoning/string_partition.h"

namespace perimeter::reasoning {
namespace {

using findings::ControlPolicyRestriction;
using findings::InternalAccessFinding;

constexpr std::string_view kResourceOwnerKeys[] = {"aws:resourceaccount", "s3:resourceaccount",
                                                   "aws:resourceorgid", "aws:resourceorgpaths"};

// Policies compiled once, with their labels, in the layout of eval::PolicySet.
struct CompiledLevels {
  std::vector<std::vector<eval::CompiledPolicy>> policies;
  std::vector<std::vector<std::string>> labels;
  bool clean = true;  // every policy compiled without issues
  bool empty() const {
    return std::all_of(policies.begin(), policies.end(), [](const auto& l) { return l.empty(); });
  }
};

struct PrincipalEntry {
  eval::RequestPrincipal principal;
  eval::PolicySet set;  // identity and permissions boundary; the rest is swapped in per pair
  std::vector<std::string> identity_labels;
  std::string boundary_label;
  bool clean = true;
};

struct ResourceEntry {
  const InternalResource* resource = nullptr;
  std::optional<eval::CompiledPolicy> policy;  // the resource policy, then `grants`
  std::string policy_label;
  bool clean = true;
  size_t grants_from = SIZE_MAX;  // index of the first statement of `grants` in `policy`
  std::string grants_label;
};

eval::CompiledPolicy Compile(policy::Policy policy, policy::PolicyKind kind, bool& clean) {
  std::vector<base::Issue> issues;
  eval::CompiledPolicy compiled = eval::CompiledPolicy::Compile(std::move(policy), kind, issues);
  if (base::HasErrors(issues)) clean = false;
  return compiled;
}

CompiledLevels CompileLevels(std::vector<std::vector<NamedPolicy>>& levels,
                             policy::PolicyKind kind) {
  CompiledLevels out;
  for (std::vector<NamedPolicy>& level : levels) {
    out.policies.emplace_back();
    out.labels.emplace_back();
    for (NamedPolicy& named : level) {
      out.policies.back().push_back(Compile(std::move(named.policy), kind, out.clean));
      out.labels.back().push_back(std::move(named.label));
    }
  }
  return out;
}

// The service of an action pattern ("s3" for "s3:Get*"), or "" when the pattern's service part
// holds a wildcard (it may match any service).
std::string ServiceOfPattern(std::string_view pattern) {
  size_t colon = pattern.find(':');
  std::string_view service = pattern.substr(0, colon);
  if (colon == std::string_view::npos || service.find_first_of("*?") != std::string_view::npos)
    return "";
  return base::AsciiLower(service);
}

// The text before the first wildcard or policy variable of a Resource pattern.
std::string_view LiteralPrefix(std::string_view pattern) {
  size_t end = pattern.find_first_of("*?$");
  return pattern.substr(0, end);
}

// One statement of the pair, with the policy it belongs to.
struct PairStatement {
  const policy::Statement* statement;
  bool allow;
  bool identity_side;  // identity-based or resource policy: where an Allow can come from
};

std::string JoinValues(const std::vector<policy::ConditionValue>& values) {
  std::string joined;
  for (const policy::ConditionValue& value : values) {
    if (!joined.empty()) joined += ",";
    joined += value.value;
  }
  return joined;
}

class Analyzer {
 public:
  Analyzer(InternalAccessInput& input, const InternalAccessOptions& options)
      : input_(input), options_(options) {}

  InternalAccessResult Run() {
    const ZoneOfTrust& zone = input_.zone;
    for (auto& [account, controls] : input_.controls) {
      if (!zone.ContainsAccount(account)) continue;
      scps_[account] = CompileLevels(controls.scps, policy::PolicyKind::kServiceControl);
      rcps_[account] = CompileLevels(controls.rcps, policy::PolicyKind::kResourceControl);
    }
    for (InternalPrincipal& p : input_.principals) {
      if (!zone.ContainsAccount(p.principal.account)) continue;
      PrincipalEntry entry;
      entry.principal = p.principal;
      for (NamedPolicy& named : p.identity) {
        entry.set.identity.push_back(
            Compile(std::move(named.policy), policy::PolicyKind::kIdentity, entry.clean));
        entry.identity_labels.push_back(std::move(named.label));
      }
      if (p.permissions_boundary.has_value()) {
        entry.set.permissions_boundary =
            Compile(std::move(p.permissions_boundary->policy),
                    policy::PolicyKind::kPermissionsBoundary, entry.clean);
        entry.boundary_label = std::move(p.permissions_boundary->label);
      }
      principals_.push_back(std::move(entry));
    }
    for (InternalResource& r : input_.resources) {
      if (!zone.ContainsAccount(r.owner_account)) continue;
      ResourceEntry entry;
      entry.resource = &r;
      std::optional<policy::Policy> merged;
      if (r.resource_policy.has_value()) {
        merged = std::move(r.resource_policy->policy);
        entry.policy_label = r.resource_policy->label;
      }
      if (r.grants.has_value()) {
        if (!merged.has_value()) {
          merged = policy::Policy{};
          merged->version = r.grants->policy.version;
          merged->version_present = r.grants->policy.version_present;
        }
        entry.grants_from = merged->statements.size();
        entry.grants_label = r.grants->label;
        for (policy::Statement& statement : r.grants->policy.statements)
          merged->statements.push_back(std::move(statement));
      }
      if (merged.has_value())
        entry.policy = Compile(*std::move(merged), policy::PolicyKind::kResource, entry.clean);
      resources_.push_back(std::move(entry));
    }
    result_.stats.principals = principals_.size();
    result_.stats.resources = resources_.size();
    BuildIndex();
    for (ResourceEntry& resource : resources_) AnalyzeResource(resource);
    return std::move(result_);
  }

 private:
  // Step 1: who may be allowed. Each identity-based Allow statement is indexed by the service of
  // its actions ("" for a wildcard service or NotAction) and the literal prefix of each of its
  // Resource patterns, lower-cased ("" for NotResource or no Resource). Two patterns share a string
  // only if their literal prefixes agree, so looking up every prefix of a resource ARN's literal
  // prefix, and every indexed prefix that extends it, finds every statement that may match it.
  void BuildIndex() {
    for (size_t p = 0; p < principals_.size(); ++p) {
      const PrincipalEntry& entry = principals_[p];
      by_arn_[entry.principal.id].push_back(p);
      by_account_[entry.principal.account].push_back(p);
      for (const eval::CompiledPolicy& policy : entry.set.identity) {
        for (const policy::Statement& statement : policy.source().statements) {
          if (statement.effect != policy::Effect::kAllow) continue;
          std::set<std::string> services;
          if (statement.action.negated) {
            services.insert("");
          } else {
            for (const policy::Text& pattern : statement.action.patterns)
              services.insert(ServiceOfPattern(pattern.value));
          }
          // prefix -> whether the pattern is that literal text, wholly.
          std::map<std::string, bool> prefixes;
          if (!statement.resource.has_value() || statement.resource->negated) {
            prefixes[""] = false;
          } else {
            for (const policy::Text& pattern : statement.resource->patterns) {
              std::string_view literal = LiteralPrefix(pattern.value);
              prefixes[base::AsciiLower(literal)] |= literal.size() != pattern.value.size();
            }
            for (auto& [prefix, wildcard] : prefixes) wildcard = !wildcard;  // now: literal
          }
          for (const std::string& service : services) {
            for (const auto& [prefix, literal] : prefixes) {
              std::vector<IndexEntry>& list = index_[service][prefix];
              if (list.empty() || list.back().principal != p || (list.back().literal && !literal))
                list.push_back({p, literal});
            }
          }
        }
      }
    }
  }

  // The principals of the pairs to analyze for `resource`, sorted.
  std::vector<size_t> Candidates(const ResourceEntry& resource) {
    std::set<std::string> services = {""};
    for (const ResourceTarget& target : resource.resource->targets) {
      for (const std::string& action : target.actions) services.insert(ServiceOfPattern(action));
    }
    std::set<size_t> out;
    for (const std::string& service : services) {
      auto by_prefix = index_.find(service);
      if (by_prefix == index_.end()) continue;
      const auto& prefixes = by_prefix->second;
      for (const ResourceTarget& target : resource.resource->targets) {
        for (const std::string& arn : target.arn_patterns) {
          std::string literal = base::AsciiLower(LiteralPrefix(arn));
          std::string arn_lower = base::AsciiLower(arn);
          for (size_t n = 0; n <= literal.size(); ++n) {
            auto it = prefixes.find(std::string_view(literal).substr(0, n));
            if (it == prefixes.end()) continue;
            for (const IndexEntry& entry : it->second) {
              // A pattern without wildcard is one ARN: it may match only if the target's ARNs
              // include it.
              if (!entry.literal || policy::GlobMatches(arn_lower, it->first))
                out.insert(entry.principal);
            }
          }
          // A longer literal prefix can only match where the ARN has a wildcard to fill.
          if (literal.size() == arn.size()) continue;
          for (auto it = prefixes.lower_bound(literal);
               it != prefixes.end() && it->first.starts_with(literal); ++it) {
            for (const IndexEntry& entry : it->second) {
              if (!entry.literal || policy::GlobMatches(arn_lower, it->first))
                out.insert(entry.principal);
            }
          }
        }
      }
    }
    // Principals of the owner's account the resource policy may grant to on its own.
    if (resource.policy.has_value()) {
      const std::string& owner = resource.resource->owner_account;
      for (const policy::Statement& statement : resource.policy->source().statements) {
        if (statement.effect != policy::Effect::kAllow || !statement.principal.has_value())
          continue;
        const policy::PrincipalSpec& spec = *statement.principal;
        bool whole_account = spec.negated || spec.wildcard;
        for (const policy::PrincipalValue& value : spec.values) {
          if (value.kind != policy::PrincipalKind::kAws) continue;
          if (auto it = by_arn_.find(value.value); it != by_arn_.end()) {
            for (size_t p : it->second) {
              if (principals_[p].principal.account == owner) out.insert(p);
            }
          } else if (!value.value.starts_with("arn:") ||
                     value.value.find_first_of("*?") != std::string::npos ||
                     value.value.ends_with(":root")) {
            whole_account = true;  // "*", an account, an ARN pattern, a role's unique id, ...
          }  // else: the ARN of a principal the input does not have: none of ours
        }
        if (whole_account) {
          if (auto it = by_account_.find(owner); it != by_account_.end())
            out.insert(it->second.begin(), it->second.end());
        }
      }
    }
    return std::vector<size_t>(out.begin(), out.end());
  }

  void AnalyzeResource(ResourceEntry& resource) {
    const InternalResource& r = *resource.resource;
    if (r.error.has_value()) {
      InternalAccessFinding finding = BaseFinding(r);
      finding.error = "INTERNAL_ERROR";
      finding.error_reason = *r.error;
      Finish(finding);
      return;
    }
    for (const std::string& reason : r.undecided) {
      InternalAccessFinding finding = BaseFinding(r);
      finding.error = "INTERNAL_ERROR";
      finding.error_reason = reason;
      Finish(finding);
    }
    for (size_t p : Candidates(resource)) {
      ++result_.stats.candidate_pairs;
      AnalyzePair(principals_[p], resource);
    }
  }

  InternalAccessFinding BaseFinding(const InternalResource& r) {
    InternalAccessFinding finding;
    finding.resource = r.arn;
    finding.resource_type = r.resource_type;
    finding.resource_owner_account = r.owner_account;
    finding.sources = r.sources;
    return finding;
  }

  void Finish(InternalAccessFinding& finding) {
    finding.id = findings::StableIdOfKey(findings::InternalAccessFindingKey(finding));
    result_.findings.push_back(std::move(finding));
  }

  // Puts the resource's policy and the accounts' control policies into the principal's set for the
  // pair, and takes them back out when destroyed.
  class PairPolicies {
   public:
    PairPolicies(eval::PolicySet& set, ResourceEntry& resource, CompiledLevels* scps,
                 CompiledLevels* rcps)
        : set_(set), resource_(resource), scps_(scps), rcps_(rcps) {
      if (resource_.policy.has_value()) set_.resource = std::move(resource_.policy);
      resource_.policy.reset();
      if (scps_ != nullptr) set_.scps.swap(scps_->policies);
      if (rcps_ != nullptr) set_.rcps.swap(rcps_->policies);
    }
    ~PairPolicies() {
      resource_.policy = std::move(set_.resource);
      set_.resource.reset();
      if (scps_ != nullptr) set_.scps.swap(scps_->policies);
      if (rcps_ != nullptr) set_.rcps.swap(rcps_->policies);
    }
    PairPolicies(const PairPolicies&) = delete;
    PairPolicies& operator=(const PairPolicies&) = delete;

   private:
    eval::PolicySet& set_;
    ResourceEntry& resource_;
    CompiledLevels* scps_;
    CompiledLevels* rcps_;
  };

  CompiledLevels* Levels(std::map<std::string, CompiledLevels>& map, const std::string& account) {
    auto it = map.find(account);
    if (it == map.end() || it->second.empty()) return nullptr;
    return &it->second;
  }

  // Step 2 and 3 for one pair.
  void AnalyzePair(PrincipalEntry& principal, ResourceEntry& resource) {
    const InternalResource& r = *resource.resource;
    const ZoneOfTrust& zone = input_.zone;
    bool organization_zone = zone.type() == ZoneOfTrust::Type::kOrganization;
    CompiledLevels* scps = Levels(scps_, principal.principal.account);
    CompiledLevels* rcps = Levels(rcps_, r.owner_account);

    InternalAccessFinding base = BaseFinding(r);
    base.principal = {{"AWS", principal.principal.id}};
    base.principal_owner_account = principal.principal.account;
    base.principal_type = principal.principal.type == eval::PrincipalType::kIamUser
                              ? findings::InternalPrincipalType::kIamUser
                              : findings::InternalPrincipalType::kIamRole;
    base.access_type = principal.principal.account == r.owner_account
                           ? findings::InternalAccessType::kIntraAccount
                           : findings::InternalAccessType::kIntraOrg;
    auto restriction = [&](CompiledLevels* levels) {
      if (levels == nullptr) return ControlPolicyRestriction::kNotApplicable;
      if (!organization_zone) return ControlPolicyRestriction::kApplicable;
      return levels->clean ? ControlPolicyRestriction::kApplied
                           : ControlPolicyRestriction::kFailedToEvaluate;
    };
    base.service_control_policy_restriction = restriction(scps);
    base.resource_control_policy_restriction = restriction(rcps);
    auto error = [&](std::string reason) {
      InternalAccessFinding finding = base;
      finding.error = "INTERNAL_ERROR";
      finding.error_reason = base::Concat("internal access of ", principal.principal.id, " to ",
                                          r.arn, " not decided: ", std::move(reason));
      Finish(finding);
    };
    if (!principal.clean || !resource.clean ||
        (organization_zone &&
         ((scps != nullptr && !scps->clean) || (rcps != nullptr && !rcps->clean)))) {
      error("a policy has a condition value its operator cannot read (see the policy's issues)");
      return;
    }
    if (!organization_zone) {
      scps = nullptr;  // AWS leaves SCPs and RCPs out for an ACCOUNT zone ("APPLICABLE")
      rcps = nullptr;
    }
    PairPolicies pair(principal.set, resource, scps, rcps);
    const eval::PolicySet& set = principal.set;

    // Every statement of the pair.
    std::vector<PairStatement> statements;
    auto add = [&](const eval::CompiledPolicy& policy, bool identity_side) {
      for (const policy::Statement& statement : policy.source().statements) {
        statements.push_back(
            {&statement, statement.effect == policy::Effect::kAllow, identity_side});
      }
    };
    for (const eval::CompiledPolicy& policy : set.identity) add(policy, true);
    if (set.resource.has_value()) add(*set.resource, true);
    if (set.permissions_boundary.has_value()) add(*set.permissions_boundary, false);
    for (const auto& level : set.scps)
      for (const eval::CompiledPolicy& policy : level) add(policy, false);
    for (const auto& level : set.rcps)
      for (const eval::CompiledPolicy& policy : level) add(policy, false);

    eval::RequestContext base_context =
        BaseInternalContext(principal.principal, r.owner_account, zone);

    // Action classes: each target's actions grouped by the statements their name matches (a class
    // never spans two targets: their actions name different ARNs).
    struct ActionClass {
      std::string representative;
      std::vector<std::string> actions;
      std::vector<bool> live;  // per statement
      size_t target = 0;
    };
    std::map<std::pair<size_t, std::vector<bool>>, ActionClass> action_classes;
    for (size_t t = 0; t < r.targets.size(); ++t) {
      for (const std::string& action : r.targets[t].actions) {
        std::string lower = base::AsciiLower(action);
        std::vector<bool> signature;
        bool some_allow = false;
        for (const PairStatement& s : statements) {
          const std::vector<policy::WildcardPattern>& compiled = ActionPatterns(*s.statement);
          bool listed =
              std::any_of(compiled.begin(), compiled.end(), [&](const policy::WildcardPattern& p) {
                return p.Matches(lower, policy::CaseMode::kInsensitive);
              });
          bool matches = listed != s.statement->action.negated;
          signature.push_back(matches);
          if (matches && s.allow && s.identity_side) some_allow = true;
        }
        if (!some_allow) continue;  // nothing can allow it
        ActionClass& cls = action_classes[{t, signature}];
        if (cls.actions.empty()) {
          cls.representative = action;
          cls.live = signature;
          cls.target = t;
        }
        if (std::find(cls.actions.begin(), cls.actions.end(), action) == cls.actions.end())
          cls.actions.push_back(action);
      }
    }
    if (action_classes.empty()) return;

    // Statements live for some class.
    std::vector<bool> live(statements.size(), false);
    for (const auto& [signature, cls] : action_classes) {
      for (size_t i = 0; i < statements.size(); ++i)
        if (cls.live[i]) live[i] = true;
    }

    // Resource classes per target.
    std::vector<std::vector<std::string>> resource_classes(r.targets.size());
    std::vector<StringPattern> patterns;
    for (size_t i = 0; i < statements.size(); ++i) {
      if (!live[i] || !statements[i].statement->resource.has_value()) continue;
      for (const policy::Text& text : statements[i].statement->resource->patterns) {
        if (policy::HasPolicyVariables(text.value)) {
          policy::VariableTemplate parsed = policy::VariableTemplate::Parse(text.value, true);
          for (const auto& segment : parsed.segments()) {
            if (segment.kind == policy::VariableTemplate::Segment::Kind::kVariable &&
                !base_context.Has(segment.key_lower) &&
                !segment.key_lower.starts_with("aws:principaltag/")) {
              error(base::Concat("the Resource pattern ", text.value, " reads the request's key ",
                                 segment.key_lower));
              return;
            }
          }
          std::optional<policy::WildcardPattern> substituted =
              policy::SubstituteVariables(text.value, base_context, true);
          if (!substituted.has_value()) continue;  // matches nothing for this principal
          patterns.push_back(
              {std::move(*substituted), StringPattern::Syntax::kArn, policy::CaseMode::kSensitive});
          continue;
        }
        patterns.push_back({policy::WildcardPattern::FromGlob(text.value),
                            StringPattern::Syntax::kArn, policy::CaseMode::kSensitive});
      }
    }
    for (size_t t = 0; t < r.targets.size(); ++t) {
      std::vector<StringPattern> domain;
      for (const std::string& arn : r.targets[t].arn_patterns) {
        domain.push_back({policy::WildcardPattern::FromGlob(arn), StringPattern::Syntax::kGlob,
                          policy::CaseMode::kSensitive});
      }
      absl::StatusOr<std::vector<StringRegion>> regions = PartitionStrings(patterns, domain);
      if (!regions.ok()) {
        error(std::string(regions.status().message()));
        return;
      }
      for (StringRegion& region : *regions)
        resource_classes[t].push_back(std::move(region.representative));
    }

    // Free condition keys: those neither the principal nor the resource owner fixes.
    std::map<std::string, std::vector<const policy::Condition*>> by_key;
    for (size_t i = 0; i < statements.size(); ++i) {
      if (!live[i]) continue;
      for (const policy::Condition& condition : statements[i].statement->conditions) {
        if (base_context.Has(condition.key_lower) ||
            condition.key_lower.starts_with("aws:principaltag/"))
          continue;
        by_key[condition.key_lower].push_back(&condition);
      }
    }
    std::vector<KeyDomain> domains;
    size_t cells = 1;
    for (const auto& [key, conditions] : by_key) {
      for (const policy::Condition* condition : conditions) {
        for (const policy::ConditionValue& value : condition->values) {
          if (policy::HasPolicyVariables(value.value)) {
            error(base::Concat("a condition on ", condition->key, " has the policy variable ",
                               value.value));
            return;
          }
        }
      }
      absl::StatusOr<KeyDomain> domain = BuildKeyDomain(key, conditions);
      if (!domain.ok()) {
        error(std::string(domain.status().message()));
        return;
      }
      cells *= std::max<size_t>(1, domain->candidates.size());
      if (cells > options_.max_cells_per_class) {
        error(base::Concat("more than ", options_.max_cells_per_class,
                           " combinations of condition values to try"));
        return;
      }
      domains.push_back(*std::move(domain));
    }

    // Step 3: every cell, decided by the evaluator.
    struct Group {
      std::set<std::string> actions;
      std::optional<findings::Witness> witness;
      std::vector<findings::StatementRef> explanation;
    };
    // By (condition, whether `grants` allow the witness): an ACL grant is its own finding, with
    // the source BUCKET_ACL.
    std::map<std::pair<std::map<std::string, std::string>, bool>, Group> groups;
    eval::EvaluationOptions quiet;
    quiet.explain = false;
    for (const auto& [signature, cls] : action_classes) {
      {
        for (const std::string& arn : resource_classes[cls.target]) {
          std::vector<size_t> choice(domains.size(), 0);
          for (size_t n = 0; n < cells; ++n) {
            size_t rest = n;
            eval::Request request;
            request.principal = principal.principal;
            request.action = cls.representative;
            request.resource_arn = arn;
            request.resource_account = r.owner_account;
            request.context = base_context;
            for (size_t k = 0; k < domains.size(); ++k) {
              size_t count = std::max<size_t>(1, domains[k].candidates.size());
              SetCandidate(request.context, domains[k], rest % count);
              rest /= count;
            }
            ++result_.stats.evaluations;
            if (eval::Evaluate(set, request, quiet).decision != eval::Decision::kAllow) continue;
            eval::Evaluation evaluation = eval::Evaluate(set, request);
            std::map<std::string, std::string> condition;
            std::vector<findings::StatementRef> explanation;
            bool through_grants = false;
            for (const eval::DecidingStatement& d : evaluation.explanation) {
              if (!d.matched || !d.statement.has_value() || d.effect != policy::Effect::kAllow)
                continue;
              const policy::Statement* statement = StatementOf(set, d.policy, *d.statement);
              std::string label = LabelOf(principal, resource, scps, rcps, d.policy);
              size_t index = *d.statement;
              if (d.policy == "resource" && index >= resource.grants_from) {
                label = resource.grants_label;
                index -= resource.grants_from;
                through_grants = true;
              }
              explanation.push_back(findings::StatementRef{
                  std::move(label), index, d.sid,
                  statement != nullptr ? statement->position : base::SourcePosition{}});
              if (statement == nullptr) continue;
              for (const policy::Condition& c : statement->conditions) {
                if (RuleForKey(c.key_lower).role != KeyRole::kRestricting) continue;
                std::string& value = condition[CanonicalKeyName(c.key)];
                std::string joined = JoinValues(c.values);
                if (value.empty()) {
                  value = joined;
                } else if (value != joined) {
                  value += "," + joined;
                }
              }
            }
            AddEscapedDenies(set, request, condition);
            Group& group = groups[{condition, through_grants}];
            group.actions.insert(cls.actions.begin(), cls.actions.end());
            if (!group.witness.has_value()) {
              findings::Witness witness;
              witness.principal = request.principal.id;
              witness.principal_type = std::string(eval::PrincipalTypeName(request.principal.type));
              witness.action = request.action;
              witness.resource = request.resource_arn;
              for (const auto& [key, value] : request.context.entries())
                witness.context[key] = value.values;
              group.witness = std::move(witness);
              group.explanation = std::move(explanation);
            }
          }
        }
      }
    }
    for (auto& [key, group] : groups) {
      InternalAccessFinding finding = base;
      finding.actions.assign(group.actions.begin(), group.actions.end());
      finding.condition = key.first;
      if (key.second && r.grants_source.has_value()) {
        bool through_policy = std::any_of(
            group.explanation.begin(), group.explanation.end(),
            [&](const findings::StatementRef& ref) {
              return ref.policy ==
                     (resource.policy_label.empty() ? "resource" : resource.policy_label);
            });
        if (!through_policy) finding.sources.clear();
        finding.sources.push_back(*r.grants_source);
      }
      finding.witness = std::move(group.witness);
      finding.explanation = std::move(group.explanation);
      Finish(finding);
    }
  }

  // The Deny statements the allowed `request` escapes through a negated condition on a
  // restricting key ("Deny unless aws:SourceVpc is vpc-1": the request is allowed because it comes
  // from vpc-1): each such condition that does not hold for the request is part of the finding's
  // condition, key = its values, as the external engine reads a Deny guarded by a restricting
  // negated condition (docs/access-analyzer-rules.md §4.2) and as finding_region.h reads it back.
  // A Deny that does not apply to the request's principal, action or resource says nothing.
  static void AddEscapedDenies(const eval::PolicySet& set, const eval::Request& request,
                               std::map<std::string, std::string>& condition) {
    std::string action_lower = base::AsciiLower(request.action);
    eval::MatchOptions options;
    options.principal_has_boundary = set.permissions_boundary.has_value();
    auto scan = [&](const eval::CompiledPolicy& policy) {
      const std::vector<policy::Statement>& statements = policy.source().statements;
      for (size_t i = 0; i < statements.size(); ++i) {
        const policy::Statement& statement = statements[i];
        if (statement.effect != policy::Effect::kDeny || statement.conditions.empty()) continue;
        if (!policy
                 .MatchParts(i, request, action_lower,
                             eval::kMatchPrincipal | eval::kMatchAction | eval::kMatchResource,
                             options)
                 .matched)
          continue;
        const std::vector<eval::CompiledCondition>& compiled = policy.conditions(i);
        for (size_t k = 0; k < statement.conditions.size() && k < compiled.size(); ++k) {
          const policy::Condition& c = statement.conditions[k];
          if (!policy::IsNegatedOperator(c.op.op) ||
              c.op.qualifier != policy::SetQualifier::kNone ||
              RuleForKey(c.key_lower).role != KeyRole::kRestricting ||
              compiled[k].Evaluate(request.context))
            continue;
          std::string& value = condition[CanonicalKeyName(c.key)];
          std::string joined = JoinValues(c.values);
          if (value.empty()) {
            value = joined;
          } else if (value != joined) {
            value += "," + joined;
          }
        }
      }
    };
    for (const eval::CompiledPolicy& policy : set.identity) scan(policy);
    if (set.resource.has_value()) scan(*set.resource);
    if (set.permissions_boundary.has_value()) scan(*set.permissions_boundary);
    for (const auto& level : set.scps)
      for (const eval::CompiledPolicy& policy : level) scan(policy);
    for (const auto& level : set.rcps)
      for (const eval::CompiledPolicy& policy : level) scan(policy);
  }

  // The statement's Action or NotAction patterns, compiled once per statement.
  const std::vector<policy::WildcardPattern>& ActionPatterns(const policy::Statement& statement) {
    auto [it, inserted] = action_patterns_.try_emplace(&statement);
    if (inserted) {
      for (const policy::Text& pattern : statement.action.patterns)
        it->second.push_back(policy::WildcardPattern::FromGlob(pattern.value));
    }
    return it->second;
  }

  // The statement an explanation entry names ("identity[0]", "resource", "scps[1][0]", ...).
  static const policy::Statement* StatementOf(const eval::PolicySet& set, std::string_view name,
                                              size_t index) {
    const eval::CompiledPolicy* policy = PolicyOf(set, name);
    if (policy == nullptr || index >= policy->source().statements.size()) return nullptr;
    return &policy->source().statements[index];
  }

  static std::pair<size_t, size_t> Indexes(std::string_view name) {
    size_t a = 0, b = 0;
    size_t open = name.find('[');
    if (open != std::string_view::npos) a = std::stoul(std::string(name.substr(open + 1)));
    size_t second = name.find('[', open + 1);
    if (open != std::string_view::npos && second != std::string_view::npos)
      b = std::stoul(std::string(name.substr(second + 1)));
    return {a, b};
  }

  static const eval::CompiledPolicy* PolicyOf(const eval::PolicySet& set, std::string_view name) {
    auto [a, b] = Indexes(name);
    if (name == "resource") return set.resource.has_value() ? &*set.resource : nullptr;
    if (name == "permissionsBoundary")
      return set.permissions_boundary.has_value() ? &*set.permissions_boundary : nullptr;
    if (name.starts_with("identity[")) return a < set.identity.size() ? &set.identity[a] : nullptr;
    const auto* levels = name.starts_with("scps[")   ? &set.scps
                         : name.starts_with("rcps[") ? &set.rcps
                                                     : nullptr;
    if (levels == nullptr || a >= levels->size() || b >= (*levels)[a].size()) return nullptr;
    return &(*levels)[a][b];
  }

  static std::string LabelOf(const PrincipalEntry& principal, const ResourceEntry& resource,
                             const CompiledLevels* scps, const CompiledLevels* rcps,
                             std::string_view name) {
    auto [a, b] = Indexes(name);
    if (name == "resource")
      return resource.policy_label.empty() ? "resource" : resource.policy_label;
    if (name == "permissionsBoundary") return principal.boundary_label;
    if (name.starts_with("identity[") && a < principal.identity_labels.size())
      return principal.identity_labels[a];
    const CompiledLevels* levels = name.starts_with("scps[")   ? scps
                                   : name.starts_with("rcps[") ? rcps
                                                               : nullptr;
    if (levels != nullptr && a < levels->labels.size() && b < levels->labels[a].size())
      return levels->labels[a][b];
    return std::string(name);
  }

  InternalAccessInput& input_;
  const InternalAccessOptions& options_;
  std::vector<PrincipalEntry> principals_;
  std::vector<ResourceEntry> resources_;
  std::map<std::string, CompiledLevels> scps_;
  std::map<std::string, CompiledLevels> rcps_;
  // service -> lower-cased literal Resource prefix -> principals (step 1); `literal` when the
  // pattern is the prefix itself, without wildcard.
  struct IndexEntry {
    size_t principal;
    bool literal;
  };
  std::map<std::string, std::map<std::string, std::vector<IndexEntry>, std::less<>>> index_;
  std::map<std::string, std::vector<size_t>> by_arn_;
  std::map<std::string, std::vector<size_t>> by_account_;
  std::unordered_map<const policy::Statement*, std::vector<policy::WildcardPattern>>
      action_patterns_;
  InternalAccessResult result_;
};

}  // namespace

eval::RequestContext BaseInternalContext(const eval::RequestPrincipal& principal,
                                         const std::string& owner_account,
                                         const ZoneOfTrust& zone) {
  eval::RequestContext context;
  eval::AddPrincipalContextKeys(principal, context);
  for (std::string_view key : kResourceOwnerKeys) {
    std::optional<std::string> value = ResourceOwnerKeyValue(key, owner_account, zone);
    if (!value.has_value()) continue;
    if (key == "aws:resourceorgpaths") {
      context.SetMultivalued(key, {*value});
    } else {
      context.Set(key, *value);
    }
  }
  return context;
}

InternalAccessResult AnalyzeInternalAccess(InternalAccessInput input,
                                           const InternalAccessOptions& options) {
  Analyzer analyzer(input, options);
  return analyzer.Run();
}

}  // namespace perimeter::reasoning
