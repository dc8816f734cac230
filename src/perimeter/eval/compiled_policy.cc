#include "perimeter/eval/compiled_policy.h"

#include <cassert>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "perimeter/base/text.h"
#include "perimeter/eval/condition_evaluator.h"
#include "perimeter/policy/arn.h"
#include "perimeter/policy/policy_variables.h"
#include "perimeter/policy/wildcard.h"

namespace perimeter::eval {

namespace {

// One value of a Principal / NotPrincipal element, classified once.
struct PrincipalMatcher {
  enum class Kind {
    kEveryone,  // "*" or {"AWS": "*"}
    kAccount,   // "111122223333" or "arn:aws:iam::111122223333:root"
    kRole,      // "arn:aws:iam::111122223333:role/path/name": matches the role and its sessions
    kIamIdentifier,  // a user, assumed-role session or federated user ARN: matched exactly
    kService,        // "s3.amazonaws.com": matched case-insensitively (stored lower-cased)
    kFederated,      // an identity provider
    kCanonicalUser,  // an S3 canonical user id
    kPattern,  // an ARN with '*' or '?' ("arn:aws:iam::*:root"). IAM User Guide, "Principal": "You
               // cannot use a wildcard to match part of a principal name or ARN", and IAM rejects
               // such trust policies; but a stored resource policy may hold one, and reading it as
               // the pattern it spells can only add access, never hide it (sound for analysis).
    kNothing,  // a value no principal can be (not an ARN, not an account id)
  };
  Kind kind = Kind::kNothing;
  std::string value;      // as written (lower-cased for services)
  std::string partition;  // kAccount (when written as an ARN), kRole
  std::string account;    // kAccount, kRole
  std::string role_name;  // kRole: the last path segment; role names are unique within an account
  policy::ArnPattern pattern;  // kPattern, split into its ARN components once
};

PrincipalMatcher CompilePrincipalValue(const policy::PrincipalValue& value) {
  PrincipalMatcher m;
  m.value = value.value;
  switch (value.kind) {
    case policy::PrincipalKind::kAws: {
      if (value.value == "*") {
        m.kind = PrincipalMatcher::Kind::kEveryone;
        return m;
      }
      if (policy::IsAccountId(value.value)) {
        m.kind = PrincipalMatcher::Kind::kAccount;
        m.account = value.value;
        return m;
      }
      std::optional<policy::Arn> arn = policy::ParseArn(value.value);
      if (value.value.find_first_of("*?") != std::string::npos) {
        if (arn.has_value()) {
          m.kind = PrincipalMatcher::Kind::kPattern;
          m.pattern = policy::ArnPattern::Compile(policy::WildcardPattern::FromGlob(value.value));
        }
        return m;
      }
      if (!arn || !policy::IsAccountId(arn->account)) return m;
      if (arn->service == "iam" && arn->resource == "root") {
        m.kind = PrincipalMatcher::Kind::kAccount;
        m.partition = std::string(arn->partition);
        m.account = std::string(arn->account);
      } else if (arn->service == "iam" && std::string_view(arn->resource).starts_with("role/")) {
        m.kind = PrincipalMatcher::Kind::kRole;
        m.partition = std::string(arn->partition);
        m.account = std::string(arn->account);
        std::string_view path = arn->resource;
        m.role_name = std::string(path.substr(path.rfind('/') + 1));
      } else {
        m.kind = PrincipalMatcher::Kind::kIamIdentifier;
      }
      return m;
    }
    case policy::PrincipalKind::kService:
      m.kind = PrincipalMatcher::Kind::kService;
      m.value = base::AsciiLower(value.value);
      return m;
    case policy::PrincipalKind::kFederated:
      m.kind = PrincipalMatcher::Kind::kFederated;
      return m;
    case policy::PrincipalKind::kCanonicalUser:
      m.kind = PrincipalMatcher::Kind::kCanonicalUser;
      return m;
  }
  return m;
}

bool SamePartition(const PrincipalMatcher& m, const RequestPrincipal& p) {
  return m.partition.empty() || p.partition.empty() || m.partition == p.partition;
}

std::string RootArn(const RequestPrincipal& p) {
  return base::Concat(
      "arn:", p.partition.empty() ? std::string_view("aws") : std::string_view(p.partition),
      ":iam::", p.account, ":root");
}

bool IsRoleOrSession(const RequestPrincipal& p) {
  return p.type == PrincipalType::kIamRole || p.type == PrincipalType::kAssumedRoleSession;
}

// Whether `m` names the principal's account (the outermost identity of an IAM principal).
bool NamesAccount(const PrincipalMatcher& m, const RequestPrincipal& p) {
  if (m.kind == PrincipalMatcher::Kind::kPattern)
    return p.is_iam() && m.pattern.Matches(RootArn(p));
  return m.kind == PrincipalMatcher::Kind::kAccount && p.is_iam() && m.account == p.account &&
         SamePartition(m, p);
}

// Whether `m` names the role of a role principal or role session.
bool NamesRole(const PrincipalMatcher& m, const RequestPrincipal& p) {
  if (m.kind == PrincipalMatcher::Kind::kPattern)
    return IsRoleOrSession(p) && m.pattern.Matches(p.RoleArn());
  return m.kind == PrincipalMatcher::Kind::kRole && IsRoleOrSession(p) && m.account == p.account &&
         m.role_name == p.name && SamePartition(m, p);
}

// Whether `m` names the principal itself (its innermost identity).
bool NamesPrincipalItself(const PrincipalMatcher& m, const RequestPrincipal& p) {
  switch (m.kind) {
    case PrincipalMatcher::Kind::kEveryone:
      return true;
    case PrincipalMatcher::Kind::kIamIdentifier:
      return (p.type == PrincipalType::kIamUser || p.type == PrincipalType::kAssumedRoleSession ||
              p.type == PrincipalType::kFederatedUser) &&
             m.value == p.id;
    case PrincipalMatcher::Kind::kService:
      return p.type == PrincipalType::kService && m.value == p.id;
    case PrincipalMatcher::Kind::kFederated:
      return p.type == PrincipalType::kWebIdentityOrSaml && m.value == p.id;
    case PrincipalMatcher::Kind::kCanonicalUser:
      return p.type == PrincipalType::kCanonicalUser && m.value == p.id;
    case PrincipalMatcher::Kind::kAccount:
      // The root user's own identity is its account.
      return p.type == PrincipalType::kAccountRoot && NamesAccount(m, p);
    case PrincipalMatcher::Kind::kPattern:
      if (p.type == PrincipalType::kAccountRoot) return NamesAccount(m, p);
      return (p.type == PrincipalType::kIamUser || p.type == PrincipalType::kAssumedRoleSession ||
              p.type == PrincipalType::kFederatedUser) &&
             m.pattern.Matches(p.id);
    case PrincipalMatcher::Kind::kRole:
    case PrincipalMatcher::Kind::kNothing:
      return false;
  }
  return false;
}

PrincipalMatch MatchOne(const PrincipalMatcher& m, const RequestPrincipal& p) {
  if (NamesPrincipalItself(m, p)) return PrincipalMatch::kDirect;
  if (NamesRole(m, p)) return PrincipalMatch::kRole;
  if (NamesAccount(m, p)) return PrincipalMatch::kAccount;
  return PrincipalMatch::kNone;
}

// Appends one part of the explanation of a match ("Principal ...; Action ...; Resource ...").
void AppendPart(std::string& why, std::initializer_list<std::string_view> pieces) {
  if (!why.empty()) why.append("; ");
  for (std::string_view piece : pieces) why.append(piece);
}

std::string JoinQuoted(const std::vector<std::string>& values) {
  std::string out;
  for (const std::string& v : values) {
    if (!out.empty()) out += ", ";
    out += base::Concat("\"", v, "\"");
  }
  return out;
}

struct ResourcePattern {
  std::string text;            // as written
  bool has_variables = false;  // substituted per request (Version 2012-10-17 only)
  policy::ArnPattern pattern;  // when !has_variables: split into ARN components once
};

struct CompiledStatement {
  const policy::Statement* source = nullptr;
  // Principal / NotPrincipal.
  bool has_principal = false;
  bool principal_negated = false;
  std::vector<PrincipalMatcher> principals;  // kEveryone included when the element is "*"
  // Action / NotAction, lower-cased.
  bool action_negated = false;
  std::vector<std::pair<std::string, policy::WildcardPattern>> actions;
  // Resource / NotResource.
  bool has_resource = false;
  bool resource_negated = false;
  std::vector<ResourcePattern> resources;
  std::vector<CompiledCondition> conditions;
};

}  // namespace

std::string_view PrincipalMatchName(PrincipalMatch match) {
  switch (match) {
    case PrincipalMatch::kNone:
      return "none";
    case PrincipalMatch::kImplicit:
      return "implicit";
    case PrincipalMatch::kAccount:
      return "account";
    case PrincipalMatch::kRole:
      return "role";
    case PrincipalMatch::kDirect:
      return "direct";
  }
  return "none";
}

struct CompiledPolicy::Impl {
  policy::PolicyKind kind = policy::PolicyKind::kIdentity;
  policy::Policy policy;  // owned: statements_ and conditions point into it; Impl never moves
  std::vector<CompiledStatement> statements;

  // Matches statement `index`; builds the explanation only when `explain`, and evaluates the
  // conditions only when `check_conditions` (without them it decides the statement's scope: whether
  // its Principal, Action and Resource name the request).
  StatementMatch Match(size_t index, const Request& request, std::string_view action_lower,
                       const MatchOptions& options, bool explain, unsigned part_mask) const;
};

CompiledPolicy::CompiledPolicy(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CompiledPolicy::CompiledPolicy(CompiledPolicy&&) noexcept = default;
CompiledPolicy& CompiledPolicy::operator=(CompiledPolicy&&) noexcept = default;
CompiledPolicy::~CompiledPolicy() = default;

policy::PolicyKind CompiledPolicy::kind() const { return impl_->kind; }
const policy::Policy& CompiledPolicy::source() const { return impl_->policy; }
size_t CompiledPolicy::statement_count() const { return impl_->statements.size(); }

CompiledPolicy CompiledPolicy::Compile(policy::Policy policy, policy::PolicyKind kind,
                                       std::vector<base::Issue>& issues) {
  auto impl = std::make_unique<Impl>();
  impl->kind = kind;
  impl->policy = std::move(policy);
  const bool variables = impl->policy.version == policy::PolicyVersion::k2012_10_17;
  impl->statements.reserve(impl->policy.statements.size());
  for (const policy::Statement& statement : impl->policy.statements) {
    CompiledStatement c;
    c.source = &statement;
    if (statement.principal) {
      c.has_principal = true;
      c.principal_negated = statement.principal->negated;
      if (statement.principal->wildcard) {
        PrincipalMatcher everyone;
        everyone.kind = PrincipalMatcher::Kind::kEveryone;
        everyone.value = "*";
        c.principals.push_back(std::move(everyone));
      }
      for (const policy::PrincipalValue& value : statement.principal->values) {
        c.principals.push_back(CompilePrincipalValue(value));
      }
    }
    c.action_negated = statement.action.negated;
    for (const policy::Text& action : statement.action.patterns) {
      std::string lower = base::AsciiLower(action.value);
      policy::WildcardPattern pattern = policy::WildcardPattern::FromGlob(lower);
      c.actions.emplace_back(action.value, std::move(pattern));
    }
    if (statement.resource) {
      c.has_resource = true;
      c.resource_negated = statement.resource->negated;
      for (const policy::Text& resource : statement.resource->patterns) {
        ResourcePattern r;
        r.text = resource.value;
        r.has_variables = variables && policy::HasPolicyVariables(resource.value);
        if (!r.has_variables)
          r.pattern =
              policy::ArnPattern::Compile(policy::WildcardPattern::FromGlob(resource.value));
        c.resources.push_back(std::move(r));
      }
    }
    for (const policy::Condition& condition : statement.conditions) {
      c.conditions.push_back(CompiledCondition::Compile(condition, variables, issues));
    }
    impl->statements.push_back(std::move(c));
  }
  return CompiledPolicy(std::move(impl));
}

StatementMatch CompiledPolicy::Match(size_t index, const Request& request,
                                     std::string_view action_lower,
                                     const MatchOptions& options) const {
  return impl_->Match(index, request, action_lower, options, /*explain=*/true, kMatchAll);
}

bool CompiledPolicy::Matches(size_t index, const Request& request, std::string_view action_lower,
                             const MatchOptions& options) const {
  return impl_->Match(index, request, action_lower, options, /*explain=*/false, kMatchAll).matched;
}

PrincipalMatch CompiledPolicy::MatchScope(size_t index, const Request& request,
                                          std::string_view action_lower,
                                          const MatchOptions& options) const {
  StatementMatch match = impl_->Match(index, request, action_lower, options, /*explain=*/false,
                                      kMatchPrincipal | kMatchAction | kMatchResource);
  return match.matched ? match.principal : PrincipalMatch::kNone;
}

StatementMatch CompiledPolicy::MatchParts(size_t index, const Request& request,
                                          std::string_view action_lower, unsigned part_mask,
                                          const MatchOptions& options) const {
  return impl_->Match(index, request, action_lower, options, /*explain=*/false, part_mask);
}

const std::vector<CompiledCondition>& CompiledPolicy::conditions(size_t index) const {
  // An out-of-range index is a caller bug: statement_count() bounds every caller's loop.
  assert(index < impl_->statements.size());
  return impl_->statements[index].conditions;
}

StatementMatch CompiledPolicy::Impl::Match(size_t index, const Request& request,
                                           std::string_view action_lower,
                                           const MatchOptions& options, bool explain,
                                           unsigned part_mask) const {
  // An out-of-range index is a caller bug: statement_count() bounds every caller's loop.
  assert(index < statements.size());
  const CompiledStatement& s = statements[index];
  const RequestPrincipal& principal = request.principal;
  StatementMatch result;
  // The parts of the explanation are appended to result.why as they match; a part that does not
  // match replaces them with the reason.

  // Principal / NotPrincipal.
  if ((part_mask & kMatchPrincipal) == 0) {
    result.principal = PrincipalMatch::kImplicit;
  } else if (!s.has_principal) {
    result.principal = PrincipalMatch::kImplicit;
  } else if (!s.principal_negated) {
    PrincipalMatch best = PrincipalMatch::kNone;
    const PrincipalMatcher* best_matcher = nullptr;
    for (const PrincipalMatcher& m : s.principals) {
      PrincipalMatch one = MatchOne(m, principal);
      if (static_cast<int>(one) > static_cast<int>(best)) {
        best = one;
        best_matcher = &m;
      }
    }
    if (best == PrincipalMatch::kNone) {
      if (explain)
        result.why = base::Concat("Principal does not name ", PrincipalTypeName(principal.type),
                                  principal.id.empty() ? "" : " ", principal.id);
      return result;
    }
    result.principal = best;
    std::string_view how = best == PrincipalMatch::kAccount ? " (the principal's account)"
                           : best == PrincipalMatch::kRole  ? " (the role of the session)"
                                                            : "";
    if (explain) AppendPart(result.why, {"Principal \"", best_matcher->value, "\"", how});
  } else {
    // NotPrincipal: the request is excluded only when every identity it carries is listed: the
    // account, the role of a session, and the principal itself. IAM User Guide, "NotPrincipal":
    // "AWS might validate the account first, then the role, and then the assumed-role user", which
    // is why the account ARN must be listed too.
    auto listed = [&](auto&& predicate) {
      for (const PrincipalMatcher& m : s.principals) {
        if (m.kind == PrincipalMatcher::Kind::kEveryone || predicate(m)) return true;
      }
      return false;
    };
    bool excluded =
        listed([&](const PrincipalMatcher& m) { return NamesPrincipalItself(m, principal); });
    if (principal.is_iam() && principal.type != PrincipalType::kAccountRoot) {
      excluded =
          excluded && listed([&](const PrincipalMatcher& m) { return NamesAccount(m, principal); });
    }
    if (principal.type == PrincipalType::kAssumedRoleSession) {
      excluded =
          excluded && listed([&](const PrincipalMatcher& m) { return NamesRole(m, principal); });
    }
    if (principal.type == PrincipalType::kIamRole) {
      // A role principal stands for one of its sessions: its own identity is the role.
      excluded = listed([&](const PrincipalMatcher& m) { return NamesRole(m, principal); }) &&
                 listed([&](const PrincipalMatcher& m) { return NamesAccount(m, principal); });
    }
    bool boundary_rule = s.source->effect == policy::Effect::kDeny &&
                         options.principal_has_boundary && principal.is_iam() &&
                         principal.type != PrincipalType::kAccountRoot;
    if (excluded && !boundary_rule) {
      if (explain) result.why = "NotPrincipal lists the principal, its role and its account";
      return result;
    }
    result.principal = PrincipalMatch::kDirect;
    if (explain) {
      AppendPart(
          result.why,
          {boundary_rule && excluded
               ? "NotPrincipal with Deny applies to every principal with a permissions boundary"
               : "NotPrincipal does not exclude the principal"});
    }
  }

  // Action / NotAction.
  if ((part_mask & kMatchAction) != 0) {
    const std::string* matched_action = nullptr;
    for (const auto& [text, pattern] : s.actions) {
      if (pattern.Matches(action_lower)) {
        matched_action = &text;
        break;
      }
    }
    if (!s.action_negated) {
      if (matched_action == nullptr) {
        if (explain) result.why = base::Concat("Action does not match \"", request.action, "\"");
        return result;
      }
      if (explain) AppendPart(result.why, {"Action \"", *matched_action, "\""});
    } else {
      if (matched_action != nullptr) {
        if (explain)
          result.why =
              base::Concat("NotAction \"", *matched_action, "\" excludes \"", request.action, "\"");
        return result;
      }
      if (explain) AppendPart(result.why, {"NotAction does not list \"", request.action, "\""});
    }
  }

  // Resource / NotResource.
  if (s.has_resource && (part_mask & kMatchResource) != 0) {
    const std::string* matched_resource = nullptr;
    for (const ResourcePattern& r : s.resources) {
      bool hit = false;
      if (r.has_variables) {
        std::optional<policy::WildcardPattern> substituted =
            policy::SubstituteVariables(r.text, request.context, /*glob=*/true);
        hit = substituted.has_value() && policy::ArnMatches(*substituted, request.resource_arn);
      } else {
        hit = r.pattern.Matches(request.resource_arn);
      }
      if (hit) {
        matched_resource = &r.text;
        break;
      }
    }
    if (!s.resource_negated) {
      if (matched_resource == nullptr) {
        if (explain)
          result.why = base::Concat("Resource does not match \"", request.resource_arn, "\"");
        return result;
      }
      if (explain) AppendPart(result.why, {"Resource \"", *matched_resource, "\""});
    } else {
      if (matched_resource != nullptr) {
        result.why = base::Concat("NotResource \"", *matched_resource, "\" excludes \"",
                                  request.resource_arn, "\"");
        return result;
      }
      if (explain)
        AppendPart(result.why, {"NotResource does not list \"", request.resource_arn, "\""});
    }
  }

  // Condition: all must hold. A condition that could not be compiled fails closed.
  const bool is_deny = s.source->effect == policy::Effect::kDeny;
  for (const CompiledCondition& condition : s.conditions) {
    if ((part_mask & kMatchConditions) == 0) break;
    bool holds = condition.valid() ? condition.Evaluate(request.context) : is_deny;
    if (!holds) {
      if (explain) {
        const policy::Condition& c = condition.source();
        std::vector<std::string> values;
        for (const policy::ConditionValue& v : c.values) values.push_back(v.value);
        result.why =
            base::Concat("Condition ", c.op.as_written, " ", c.key, " [", JoinQuoted(values),
                         "] does not hold", condition.valid() ? "" : " (invalid condition)");
      }
      return result;
    }
  }
  if (!s.conditions.empty() && (part_mask & kMatchConditions) != 0) {
    if (explain) {
      AppendPart(result.why, {s.conditions.size() == 1
                                  ? std::string("1 condition holds")
                                  : base::Concat(s.conditions.size(), " conditions hold")});
    }
  }

  result.matched = true;
  return result;
}

bool PolicyAloneAllows(const CompiledPolicy& policy, const Request& request) {
  std::string action_lower = base::AsciiLower(request.action);
  if (!PrincipalCanCall(request.principal, action_lower))
    return false;  // no such request (request.h)
  bool allowed = false;
  for (size_t i = 0; i < policy.statement_count(); ++i) {
    if (!policy.Matches(i, request, action_lower)) continue;
    if (policy.source().statements[i].effect == policy::Effect::kDeny) return false;
    allowed = true;
  }
  return allowed;
}

}  // namespace perimeter::eval
