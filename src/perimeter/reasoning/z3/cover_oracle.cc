// The only file that talks to Z3 (with its test). Every z3::exception is caught in CheckCover.
#include "perimeter/reasoning/z3/cover_oracle.h"

#include <z3++.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <set>

#include "perimeter/base/text.h"
#include "perimeter/eval/condition_evaluator.h"
#include "perimeter/policy/arn.h"
#include "perimeter/policy/condition_values.h"
#include "perimeter/policy/policy_variables.h"
#include "perimeter/policy/wildcard.h"
#include "perimeter/reasoning/condition_keys.h"
#include "perimeter/reasoning/finding_region.h"
#include "perimeter/reasoning/key_domain.h"

namespace perimeter::reasoning::z3 {
namespace {

using policy::ConditionOperator;
using ::z3::expr;
using ::z3::expr_vector;
using Int128 = __int128;
using UInt128 = unsigned __int128;

// Principal kinds, as the integer the encoding uses. Service principals are left out: they are
// never external (finding_region.h).
enum class Kind : int {
  kUser,
  kRole,
  kSession,
  kFederatedUser,
  kRoot,
  kWebIdentity,
  kCanonicalUser,
  kAnonymous
};

eval::PrincipalType TypeOf(Kind kind) {
  switch (kind) {
    case Kind::kUser:
      return eval::PrincipalType::kIamUser;
    case Kind::kRole:
      return eval::PrincipalType::kIamRole;
    case Kind::kSession:
      return eval::PrincipalType::kAssumedRoleSession;
    case Kind::kFederatedUser:
      return eval::PrincipalType::kFederatedUser;
    case Kind::kRoot:
      return eval::PrincipalType::kAccountRoot;
    case Kind::kWebIdentity:
      return eval::PrincipalType::kWebIdentityOrSaml;
    case Kind::kCanonicalUser:
      return eval::PrincipalType::kCanonicalUser;
    case Kind::kAnonymous:
      return eval::PrincipalType::kAnonymous;
  }
  return eval::PrincipalType::kAnonymous;
}

// How an operator reads values: the evaluator's reading (policy.h, TraitsOfOperator).
using Family = policy::OperatorFamily;
using Comparison = policy::OperatorComparison;

std::pair<Family, Comparison> TraitsOf(ConditionOperator op) {
  policy::OperatorTraits traits = policy::TraitsOfOperator(op);
  return {traits.family, traits.comparison};
}

std::string Int128Text(Int128 value) {
  if (value == 0) return "0";
  bool negative = value < 0;
  UInt128 magnitude = negative ? -static_cast<UInt128>(value) : static_cast<UInt128>(value);
  std::string out;
  while (magnitude > 0) {
    out.push_back(static_cast<char>('0' + static_cast<int>(magnitude % 10)));
    magnitude /= 10;
  }
  if (negative) out.push_back('-');
  std::reverse(out.begin(), out.end());
  return out;
}

Int128 ParseInt128(std::string_view text) {
  bool negative = !text.empty() && text.front() == '-';
  if (negative) text.remove_prefix(1);
  Int128 value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') break;
    value = value * 10 + (c - '0');
  }
  return negative ? -value : value;
}

// A request value's typed readings (one per operator family the policy reads the key with). Each
// view other than the string one has a flag: false when the request text is not a value of that
// type.
struct Element {
  std::optional<expr> str;
  std::optional<expr> number, number_ok;  // Int: the value times 10^decimals
  std::optional<expr> date, date_ok;      // Int: epoch nanoseconds
  std::optional<expr> ip, ip_v6, ip_ok;   // BitVec 128 (IPv4 in the low 32 bits)
  std::optional<expr> boolean, bool_ok;
  std::optional<expr> bytes, bytes_ok;
};

struct KeyVars {
  std::string key_lower;
  bool multivalued = false;
  std::optional<expr> present;
  std::optional<expr> count;  // multivalued only: values carried, 0..elements.size()
  std::vector<Element> elements;
};

class Encoder {
 public:
  // One encoder per principal kind: the kind is fixed, so every ARN is a concatenation term and
  // every test of the kind folds to a constant (Z3's string solver does far better without the
  // case split).
  // `statements`: the model's policy, or with a gate the statements of both (StatementsOf).
  Encoder(::z3::context& ctx, const AccessModel& model, const policy::Policy& statements,
          const ZoneOfTrust& zone, const CoverOptions& options, Kind kind)
      : c_(ctx),
        model_(model),
        zone_(zone),
        options_(options),
        policy_(statements),
        gate_begin_(model.gate.has_value() ? model.policy->statements.size() : SIZE_MAX),
        kind_(kind) {}

  // Builds the request space and the policy's decision; returns "allowed ∧ external".
  expr AllowedExternal() {
    decimals_ = NumericDecimals();
    DeclareRequest();
    // Per policy (the model's, then the gate's): some Allow applies and no Deny does.
    expr allow[2] = {c_.bool_val(false), c_.bool_val(false)};
    expr deny[2] = {c_.bool_val(false), c_.bool_val(false)};
    for (size_t i = 0; i < policy_.statements.size(); ++i) {
      const policy::Statement& statement = policy_.statements[i];
      const int part = i >= gate_begin_ ? 1 : 0;
      expr applies = Statement(statement, part == 1);
      if (statement.effect == policy::Effect::kAllow) {
        allow[part] = allow[part] || applies;
      } else {
        deny[part] = deny[part] || applies;
      }
    }
    expr decision = allow[0] && !deny[0];
    if (model_.gate.has_value()) decision = decision && allow[1] && !deny[1];
    return Conjunction(side_) && External() && decision;
  }

  // The region of one finding (finding_region.h).
  expr Inside(const findings::Finding& finding) {
    if (finding.error.has_value()) return c_.bool_val(false);
    expr names = c_.bool_val(false);
    for (const auto& [kind, value] : finding.principal) names = names || FindingNames(kind, value);
    expr action = c_.bool_val(false);
    for (const std::string& a : finding.actions)
      action = action || action_ == Str(base::AsciiLower(a));
    expr conditions = c_.bool_val(true);
    for (const auto& [key, value] : finding.condition) {
      std::vector<policy::Condition> naming = ConditionsNaming(policy_, key, value);
      expr holds = c_.bool_val(false);
      for (const policy::Condition& condition : naming)
        holds = holds || Condition(condition, /*is_deny=*/false);
      if (naming.empty()) holds = CarriesVerbatim(base::AsciiLower(key), value);
      conditions = conditions && holds;
    }
    return names && action && conditions;
  }

  // Side constraints created while encoding findings (fresh views) must hold too.
  expr Side() { return Conjunction(side_); }

  eval::Request Counterexample(const ::z3::model& m) const;
  Kind kind() const { return kind_; }

 private:
  // ---- Helpers ----------------------------------------------------------------------------------
  expr Str(std::string_view text) {
    return c_.string_val(text.data(), static_cast<unsigned>(text.size()));
  }
  expr Re(std::string_view text) { return ::z3::to_re(Str(text)); }
  expr Union(const expr& a, const expr& b) {
    Z3_ast args[2] = {a, b};
    Z3_ast r = Z3_mk_re_union(c_, 2, args);
    c_.check_error();
    return expr(c_, r);
  }
  expr Conjunction(const std::vector<expr>& parts) {
    expr out = c_.bool_val(true);
    for (const expr& part : parts) out = out && part;
    return out;
  }
  expr Fresh(const char* prefix, const ::z3::sort& sort) {
    return c_.constant(base::Concat(prefix, "!", fresh_++).c_str(), sort);
  }
  expr FreshBool(const char* prefix) { return Fresh(prefix, c_.bool_sort()); }

  // One printable ASCII character other than '\' and the characters of `excluded`.
  expr CharClass(std::string_view excluded) {
    std::string out_of = base::Concat("\\", excluded);
    std::optional<expr> re;
    int lo = 0x20;
    auto flush = [&](int hi) {
      if (lo > hi) return;
      std::string a(1, static_cast<char>(lo)), b(1, static_cast<char>(hi));
      expr r = ::z3::range(Str(a), Str(b));
      re = re.has_value() ? Union(*re, r) : r;
    };
    for (int ch = 0x20; ch <= 0x7e; ++ch) {
      if (out_of.find(static_cast<char>(ch)) == std::string::npos) continue;
      flush(ch - 1);
      lo = ch + 1;
    }
    flush(0x7e);
    return *re;
  }
  expr Printable() { return CharClass(""); }

  // The regular language of a literal; with `fold`, ASCII letters in either case.
  expr LiteralRe(std::string_view text, bool fold) {
    if (!fold) return Re(text);
    std::optional<expr> out;
    for (char ch : text) {
      expr r = Re(std::string(1, ch));
      char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      if (lower != upper) r = Union(Re(std::string(1, lower)), Re(std::string(1, upper)));
      out = out.has_value() ? ::z3::concat(*out, r) : r;
    }
    return out.has_value() ? *out : Re("");
  }

  expr GlobRe(const policy::WildcardPattern& pattern, const expr& any, bool fold = false) {
    std::optional<expr> out;
    for (const policy::WildcardPattern::Piece& piece : pattern.pieces()) {
      expr r = piece.kind == policy::WildcardPattern::PieceKind::kLiteral
                   ? LiteralRe(piece.text, fold)
               : piece.kind == policy::WildcardPattern::PieceKind::kAnySequence ? ::z3::star(any)
                                                                                : any;
      out = out.has_value() ? ::z3::concat(*out, r) : r;
    }
    return out.has_value() ? *out : Re("");
  }

  // policy::ArnMatches as a regular language: '*' and '?' stay within the first five components.
  expr ArnRe(const policy::WildcardPattern& pattern) {
    std::vector<policy::WildcardPattern> parts = pattern.Split(':', 6);
    if (parts.size() < 6) return GlobRe(pattern, Printable());
    expr no_colon = CharClass(":");
    expr out = GlobRe(parts[0], no_colon);
    for (size_t i = 1; i < 6; ++i)
      out = ::z3::concat(out,
                         ::z3::concat(Re(":"), GlobRe(parts[i], i < 5 ? no_colon : Printable())));
    return out;
  }

  expr KindIs(Kind kind) { return c_.bool_val(kind_ == kind); }
  expr IsIam() { return c_.bool_val(static_cast<int>(kind_) <= static_cast<int>(Kind::kRoot)); }
  expr RoleOrSession() { return KindIs(Kind::kRole) || KindIs(Kind::kSession); }
  expr UserSessionOrFederated() {
    return KindIs(Kind::kUser) || KindIs(Kind::kSession) || KindIs(Kind::kFederatedUser);
  }

  // ---- The request
  // --------------------------------------------------------------------------------
  void DeclareRequest() {
    ::z3::sort string = c_.string_sort();
    account_ = c_.constant("account", string);
    name_ = c_.constant("name", string);
    path_ = c_.constant("path", string);
    session_ = c_.constant("session", string);
    has_org_ = c_.bool_const("has_org");
    org_id_ = c_.constant("org_id", string);
    org_path_count_ = c_.int_const("org_path_count");
    for (size_t i = 0; i < options_.max_org_paths; ++i)
      org_paths_.push_back(c_.constant(base::Concat("org_path!", i).c_str(), string));
    action_ = c_.constant("action", string);
    resource_ = c_.constant("resource", string);
    gate_resource_ = c_.constant("gate_resource", string);
    rest_ = c_.constant("resource_rest", string);

    expr digit = ::z3::range(Str("0"), Str("9"));
    // IAM names: alphanumerics and +=,.@_- (IAM User Guide, "IAM object quotas": name characters).
    expr name_char = Union(Union(::z3::range(Str("a"), Str("z")), ::z3::range(Str("A"), Str("Z"))),
                           Union(digit, Union(Union(Re("+"), Re("=")),
                                              Union(Union(Re(","), Re(".")),
                                                    Union(Re("@"), Union(Re("_"), Re("-")))))));
    // Bounded loops make Z3's regular-expression derivatives blow up: lengths are bounded apart.
    if (kind_ <= Kind::kRoot)
      side_.push_back(::z3::in_re(account_, ::z3::plus(digit)) && account_.length() == 12);
    if (kind_ < Kind::kRoot)
      side_.push_back(::z3::in_re(name_, ::z3::plus(name_char)) && name_.length() <= 64);
    if (kind_ == Kind::kSession) {
      // IAM asks for two characters at least, but the evaluator reads a one-character session name
      // too.
      side_.push_back(::z3::in_re(session_, ::z3::plus(name_char)) && session_.length() <= 64);
    }
    if (kind_ == Kind::kUser || kind_ == Kind::kRole) {
      side_.push_back(::z3::in_re(path_, ::z3::star(::z3::concat(::z3::plus(name_char), Re("/")))));
    }
    const std::string& partition = model_.partition;
    root_arn_ = ::z3::concat(Str(base::Concat("arn:", partition, ":iam::")),
                             ::z3::concat(account_, Str(":root")));
    expr iam_prefix = ::z3::concat(Str(base::Concat("arn:", partition, ":iam::")), account_);
    expr sts_prefix = ::z3::concat(Str(base::Concat("arn:", partition, ":sts::")), account_);
    role_arn_ = Str("");
    switch (kind_) {
      case Kind::kUser:
        pid_ = ::z3::concat(iam_prefix, ::z3::concat(Str(":user/"), ::z3::concat(path_, name_)));
        break;
      case Kind::kRole:
        pid_ = ::z3::concat(iam_prefix, ::z3::concat(Str(":role/"), ::z3::concat(path_, name_)));
        role_arn_ = pid_;
        break;
      case Kind::kSession:
        pid_ = ::z3::concat(sts_prefix,
                            ::z3::concat(Str(":assumed-role/"),
                                         ::z3::concat(name_, ::z3::concat(Str("/"), session_))));
        // A session's role ARN carries no path (eval::RequestPrincipal::RoleArn).
        role_arn_ = ::z3::concat(iam_prefix, ::z3::concat(Str(":role/"), name_));
        break;
      case Kind::kFederatedUser:
        pid_ = ::z3::concat(sts_prefix, ::z3::concat(Str(":federated-user/"), name_));
        break;
      case Kind::kRoot:
        pid_ = root_arn_;
        break;
      case Kind::kWebIdentity:
      case Kind::kCanonicalUser:
        pid_ = c_.constant("principal", string);
        side_.push_back(::z3::in_re(pid_, ::z3::plus(Printable())) && pid_.length() <= 128);
        break;
      case Kind::kAnonymous:
        pid_ = Str("");
        break;
    }
    // A web identity or SAML caller makes only its AssumeRoleWith* call (eval::PrincipalCanCall): a
    // SAML provider is named by an IAM saml-provider ARN (eval::IdentityProviderKindOf).
    if (kind_ == Kind::kWebIdentity) {
      expr field = ::z3::star(CharClass(":"));
      expr saml_arn = ::z3::concat(
          Re("arn:"),
          ::z3::concat(
              field,
              ::z3::concat(
                  Re(":iam:"),
                  ::z3::concat(
                      field,
                      ::z3::concat(Re(":"),
                                   ::z3::concat(field, ::z3::concat(Re(":saml-provider/"),
                                                                    ::z3::star(Printable()))))))));
      auto callable = [&](eval::IdentityProviderKind provider) {
        expr any = c_.bool_val(false);
        for (std::string_view action : eval::ActionsOfIdentityProvider(provider))
          any = any || action_ == Str(action);
        return any;
      };
      side_.push_back(::z3::ite(::z3::in_re(pid_, saml_arn),
                                callable(eval::IdentityProviderKind::kSaml),
                                callable(eval::IdentityProviderKind::kWebIdentity)));
    }

    // Organizations: members of the zone's organization carry its id and their OU path; any other
    // account belongs to another organization or to none (candidate_principals.h reads it the
    // same).
    side_.push_back(org_path_count_ >= 0 &&
                    org_path_count_ <= static_cast<int>(options_.max_org_paths));
    side_.push_back(::z3::implies(!IsIam(), !has_org_ && org_path_count_ == 0));
    side_.push_back(::z3::implies(!has_org_, org_path_count_ == 0));
    expr org_char = Union(::z3::range(Str("a"), Str("z")), digit);
    side_.push_back(::z3::implies(
        has_org_, ::z3::in_re(org_id_, ::z3::concat(Re("o-"), ::z3::plus(org_char))) &&
                      org_id_.length() >= 12 && org_id_.length() <= 34));
    for (size_t i = 0; i < org_paths_.size(); ++i) {
      side_.push_back(
          ::z3::implies(org_path_count_ > static_cast<int>(i),
                        ::z3::prefixof(::z3::concat(org_id_, Str("/")), org_paths_[i]) &&
                            ::z3::in_re(org_paths_[i], ::z3::star(Printable()))));
    }
    const std::optional<Organization>& organization = zone_.organization();
    if (organization.has_value()) {
      expr member = c_.bool_val(false);
      for (const OrganizationMember& m : organization->members) {
        expr is = account_ == Str(m.account_id);
        member = member || is;
        expr fixed = has_org_ && org_id_ == Str(organization->id) &&
                     org_path_count_ == (options_.max_org_paths > 0 ? 1 : 0);
        if (!org_paths_.empty()) fixed = fixed && org_paths_[0] == Str(m.ou_path);
        side_.push_back(::z3::implies(IsIam() && is, fixed));
      }
      side_.push_back(
          ::z3::implies(IsIam() && !member && has_org_, org_id_ != Str(organization->id)));
    }

    // Action and resource: one of the model's targets.
    expr in_targets = c_.bool_val(false);
    for (const ResourceTarget& target : model_.targets) {
      expr action = c_.bool_val(false);
      for (const std::string& a : target.actions)
        action = action || action_ == Str(base::AsciiLower(a));
      expr resource = c_.bool_val(false);
      for (const std::string& arn : target.arn_patterns) {
        resource = resource || ::z3::in_re(resource_, GlobRe(policy::WildcardPattern::FromGlob(arn),
                                                             Printable()));
      }
      in_targets = in_targets || (action && resource);
      if (model_.gate.has_value() && target.gate_map.has_value()) {
        // The gate sees the same request under its ARN: the prefix swapped, the rest kept.
        side_.push_back(::z3::implies(
            action && resource,
            resource_ == ::z3::concat(Str(target.gate_map->from_prefix), rest_) &&
                gate_resource_ == ::z3::concat(Str(target.gate_map->to_prefix), rest_)));
      }
    }
    side_.push_back(in_targets);
  }

  // IsExternalRequest (finding_region.h): the principal is outside the zone, and no service acts on
  // behalf of a resource of the zone.
  expr External() {
    std::vector<std::string> accounts = zone_.Accounts();
    expr inside = c_.bool_val(false);
    for (const std::string& account : accounts) inside = inside || account_ == Str(account);
    expr external = ::z3::implies(IsIam(), !inside);
    // A key counts when it carries exactly one value.
    auto single = [&](const std::string& key, auto&& test) {
      KeyVars& k = Key(key);
      expr one = *k.present && (k.count.has_value() ? *k.count == 1 : c_.bool_val(true));
      return one && test(StringView(k.elements[0]));
    };
    auto zone_account = [&](const expr& text) {
      expr any = c_.bool_val(false);
      for (const std::string& account : accounts) any = any || text == Str(account);
      return any;
    };
    for (const std::string key : {"aws:sourceaccount", "aws:sourceowner"}) {
      if (PolicyReads(key)) external = external && !single(key, zone_account);
    }
    if (PolicyReads("aws:sourcearn")) {
      expr no_colon = ::z3::star(CharClass(":"));
      external =
          external && !single("aws:sourcearn", [&](const expr& text) {
            expr any = c_.bool_val(false);
            for (const std::string& account : accounts) {
              expr re = ::z3::concat(
                  Re("arn:"),
                  ::z3::concat(
                      no_colon,
                      ::z3::concat(
                          Re(":"),
                          ::z3::concat(
                              no_colon,
                              ::z3::concat(
                                  Re(":"),
                                  ::z3::concat(no_colon,
                                               ::z3::concat(Re(base::Concat(":", account, ":")),
                                                            ::z3::star(Printable()))))))));
              any = any || ::z3::in_re(text, re);
            }
            return any;
          });
    }
    if (PolicyReads("aws:sourceorgid") && zone_.type() == ZoneOfTrust::Type::kOrganization &&
        zone_.organization()) {
      external = external && !single("aws:sourceorgid", [&](const expr& text) {
                   return text == Str(zone_.organization()->id);
                 });
    }
    return external;
  }

  // Whether some condition of the policy reads `key_lower` (keys it does not read are free, and a
  // free key can always be left out of the request).
  bool PolicyReads(const std::string& key_lower) const {
    for (const policy::Statement& s : policy_.statements) {
      for (const policy::Condition& c : s.conditions) {
        if (c.key_lower == key_lower) return true;
      }
    }
    return false;
  }

  // ---- Condition keys
  // -----------------------------------------------------------------------------
  size_t NumericDecimals() const {
    size_t decimals = 0;
    for (const policy::Statement& s : policy_.statements) {
      for (const policy::Condition& c : s.conditions) {
        if (TraitsOf(c.op.op).first != Family::kNumeric) continue;
        for (const policy::ConditionValue& v : c.values) {
          if (auto n = policy::ParseNumber(v.value))
            decimals = std::max(decimals, n->fraction.size());
        }
      }
    }
    return decimals + 1;
  }

  bool PolicyReadsWithQualifier(const std::string& key_lower) const {
    for (const policy::Statement& s : policy_.statements) {
      for (const policy::Condition& c : s.conditions) {
        if (c.key_lower == key_lower && c.op.qualifier != policy::SetQualifier::kNone) return true;
      }
    }
    return false;
  }

  // The variables of key `key_lower`, created on first use.
  KeyVars& Key(const std::string& key_lower) {
    auto it = keys_.find(key_lower);
    if (it != keys_.end()) return it->second;
    KeyVars& k = keys_[key_lower];
    k.key_lower = key_lower;
    ::z3::sort string = c_.string_sort();
    auto derived = [&](expr present, expr value) {
      k.present = present;
      k.elements.resize(1);
      k.elements[0].str = value;
    };
    const std::string& partition = model_.partition;
    if (key_lower == "aws:principalarn") {
      derived(IsIam(), ::z3::ite(RoleOrSession(), role_arn_, pid_));
    } else if (key_lower == "aws:principalaccount" || key_lower == "kms:calleraccount") {
      derived(IsIam(), account_);
    } else if (key_lower == "aws:principaltype") {
      derived(IsIam(), ::z3::ite(KindIs(Kind::kUser), Str("User"),
                                 ::z3::ite(RoleOrSession(), Str("AssumedRole"),
                                           ::z3::ite(KindIs(Kind::kFederatedUser),
                                                     Str("FederatedUser"), Str("Account")))));
    } else if (key_lower == "aws:principalisawsservice") {
      derived(IsIam(), Str("false"));
      k.elements[0].boolean = c_.bool_val(false);
      k.elements[0].bool_ok = c_.bool_val(true);
    } else if (key_lower == "aws:principalservicename") {
      derived(c_.bool_val(false), Str(""));
    } else if (key_lower == "aws:principalorgid") {
      derived(IsIam() && has_org_, org_id_);
    } else if (key_lower == "aws:username") {
      derived(KindIs(Kind::kUser), name_);
    } else if (key_lower == "aws:userid") {
      // The root user's id is its account and a federated user's "account:name"; the unique ids of
      // users and roles are not known offline: free.
      expr free_present = FreshBool("userid_present");
      expr free_value = Fresh("userid", string);
      side_.push_back(::z3::in_re(free_value, ::z3::star(Printable())));
      derived(
          KindIs(Kind::kRoot) || KindIs(Kind::kFederatedUser) || free_present,
          ::z3::ite(KindIs(Kind::kRoot), account_,
                    ::z3::ite(KindIs(Kind::kFederatedUser),
                              ::z3::concat(account_, ::z3::concat(Str(":"), name_)), free_value)));
      free_keys_.push_back(key_lower);
      userid_free_present_ = free_present;
    } else if (key_lower == "aws:principalorgpaths") {
      k.multivalued = true;
      k.present = IsIam() && org_path_count_ > 0;
      k.count = org_path_count_;
      for (const expr& path : org_paths_) {
        Element e;
        e.str = path;
        k.elements.push_back(e);
      }
    } else if (std::optional<std::string> owner =
                   ResourceOwnerKeyValue(key_lower, model_.owner_account, zone_)) {
      // Set by AWS from the resource (condition_keys.h): carried or not, but only with the owner's
      // value.
      k.present = FreshBool("present");
      k.multivalued = IsMultivaluedKey(key_lower);
      if (k.multivalued) k.count = c_.int_val(1);
      k.elements.resize(1);
      k.elements[0].str = Str(*owner);
      free_keys_.push_back(key_lower);
    } else {
      (void)partition;
      k.multivalued = IsMultivaluedKey(key_lower) || PolicyReadsWithQualifier(key_lower);
      k.present = FreshBool("present");
      size_t n = k.multivalued ? options_.max_set_size : 1;
      k.elements.resize(n);
      if (k.multivalued) {
        k.count = Fresh("count", c_.int_sort());
        side_.push_back(*k.count >= 0 && *k.count <= static_cast<int>(n));
      }
      free_keys_.push_back(key_lower);
    }
    return k;
  }

  expr& StringView(Element& e) {
    if (!e.str.has_value()) {
      e.str = Fresh("str", c_.string_sort());
      side_.push_back(::z3::in_re(*e.str, ::z3::star(Printable())));
    }
    return *e.str;
  }
  void NumberView(Element& e) {
    if (e.number.has_value()) return;
    e.number = Fresh("num", c_.int_sort());
    e.number_ok = FreshBool("num_ok");
  }
  void DateView(Element& e) {
    if (e.date.has_value()) return;
    e.date = Fresh("date", c_.int_sort());
    e.date_ok = FreshBool("date_ok");
  }
  void IpView(Element& e) {
    if (e.ip.has_value()) return;
    e.ip = Fresh("ip", c_.bv_sort(128));
    e.ip_v6 = FreshBool("ip_v6");
    e.ip_ok = FreshBool("ip_ok");
    side_.push_back(::z3::implies(!*e.ip_v6, e.ip->extract(127, 32) == c_.bv_val(0, 96)));
  }
  void BoolView(Element& e) {
    if (e.boolean.has_value()) return;
    e.boolean = FreshBool("bool");
    e.bool_ok = FreshBool("bool_ok");
  }
  void BytesView(Element& e) {
    if (e.bytes.has_value()) return;
    e.bytes = Fresh("bytes", c_.string_sort());
    e.bytes_ok = FreshBool("bytes_ok");
    side_.push_back(::z3::in_re(*e.bytes, ::z3::star(Printable())));
  }

  // "the key carries `value` verbatim" (a finding's pair that no condition of the policy names).
  expr CarriesVerbatim(const std::string& key_lower, const std::string& value) {
    KeyVars& k = Key(key_lower);
    expr any = c_.bool_val(false);
    for (size_t i = 0; i < k.elements.size(); ++i) {
      expr at = StringView(k.elements[i]) == Str(value);
      if (k.count.has_value()) at = at && *k.count > static_cast<int>(i);
      any = any || at;
    }
    return *k.present && any;
  }

  std::string Scaled(const policy::DecimalNumber& n) const {
    std::string fraction(n.fraction);
    fraction.resize(decimals_, '0');
    std::string digits = base::Concat(n.integer, fraction);
    size_t first = digits.find_first_not_of('0');
    if (first == std::string::npos) return "0";
    return base::Concat(n.negative ? "-" : "", digits.substr(first));
  }

  static expr Compare(const expr& a, const expr& b, Comparison comparison) {
    switch (comparison) {
      case Comparison::kEqual:
        return a == b;
      case Comparison::kLess:
        return a < b;
      case Comparison::kLessEqual:
        return a <= b;
      case Comparison::kGreater:
        return a > b;
      case Comparison::kGreaterEqual:
        return a >= b;
    }
    return a == b;
  }

  // policy::Cidr::Contains over the element's IP view.
  expr CidrContains(const policy::Cidr& cidr, Element& e) {
    auto prefix_equal = [&](const expr& bits, const std::array<uint8_t, 16>& base, int width,
                            int prefix) -> expr {
      if (prefix == 0) return c_.bool_val(true);
      UInt128 value = 0;
      for (int i = 0; i < width / 8; ++i) value = (value << 8) | base[i];
      value >>= (width - prefix);
      // A bit-vector numeral of `prefix` bits from its decimal text.
      expr constant =
          c_.bv_val(Int128Text(static_cast<Int128>(value)).c_str(), static_cast<unsigned>(prefix));
      return bits.extract(static_cast<unsigned>(width - 1),
                          static_cast<unsigned>(width - prefix)) == constant;
    };
    const expr& ip = *e.ip;
    expr low32 = ip.extract(31, 0);
    expr mapped_prefix = ip.extract(127, 32) == c_.bv_val(0xffff, 96);
    if (!cidr.base.v6) {
      return ::z3::ite(
          *e.ip_v6, mapped_prefix && prefix_equal(low32, cidr.base.bytes, 32, cidr.prefix_length),
          prefix_equal(low32, cidr.base.bytes, 32, cidr.prefix_length));
    }
    expr mapped = ::z3::concat(c_.bv_val(0xffff, 96), low32);
    expr v4_in_v6 = cidr.prefix_length >= 96
                        ? prefix_equal(mapped, cidr.base.bytes, 128, cidr.prefix_length)
                        : c_.bool_val(false);
    return ::z3::ite(*e.ip_v6, prefix_equal(ip, cidr.base.bytes, 128, cidr.prefix_length),
                     v4_in_v6);
  }

  // Whether one request value matches at least one of the condition's values
  // (condition_evaluator.cc, AnyValueMatches). REQUIRES: every value is readable by the operator.
  expr AnyValueMatches(const policy::Condition& condition, Family family, Comparison comparison,
                       Element& e) {
    expr any = c_.bool_val(false);
    for (const policy::ConditionValue& v : condition.values) {
      switch (family) {
        case Family::kString:
          any = any || StringView(e) == Str(v.value);
          break;
        case Family::kStringIgnoreCase:
          any = any || ::z3::in_re(StringView(e), LiteralRe(v.value, /*fold=*/true));
          break;
        case Family::kStringLike:
          any = any || ::z3::in_re(StringView(e),
                                   GlobRe(policy::WildcardPattern::FromGlob(v.value), Printable()));
          break;
        case Family::kArn: {
          // A value without the six ARN components matches no ARN (eval::CompiledCondition).
          policy::WildcardPattern pattern = policy::WildcardPattern::FromGlob(v.value);
          if (policy::ArnPattern::Compile(pattern).is_arn())
            any = any || ::z3::in_re(StringView(e), ArnRe(pattern));
          break;
        }
        case Family::kNumeric: {
          NumberView(e);
          policy::DecimalNumber n = *policy::ParseNumber(v.value);
          any = any ||
                (*e.number_ok && Compare(*e.number, c_.int_val(Scaled(n).c_str()), comparison));
          break;
        }
        case Family::kDate: {
          DateView(e);
          policy::Timestamp t = *policy::ParseDate(v.value);
          Int128 nanos = static_cast<Int128>(t.seconds) * 1'000'000'000 + t.nanos;
          any = any ||
                (*e.date_ok && Compare(*e.date, c_.int_val(Int128Text(nanos).c_str()), comparison));
          break;
        }
        case Family::kBool:
          BoolView(e);
          any = any || (*e.bool_ok && *e.boolean == c_.bool_val(*policy::ParseBool(v.value)));
          break;
        case Family::kBinary: {
          BytesView(e);
          std::string bytes = *policy::DecodeBase64(v.value);
          any = any || (*e.bytes_ok && *e.bytes == Str(bytes));
          break;
        }
        case Family::kIp:
          IpView(e);
          any = any || (*e.ip_ok && CidrContains(*policy::ParseCidr(v.value), e));
          break;
        case Family::kNull:
          break;  // decided in Condition
      }
    }
    return any;
  }

  static bool ValueReadable(Family family, const std::string& value) {
    switch (family) {
      case Family::kString:
      case Family::kStringIgnoreCase:
      case Family::kStringLike:
      case Family::kArn:
        return true;
      case Family::kNumeric:
        return policy::ParseNumber(value).has_value();
      case Family::kDate:
        return policy::ParseDate(value).has_value();
      case Family::kBool:
      case Family::kNull:
        return policy::ParseBool(value).has_value();
      case Family::kBinary:
        return policy::DecodeBase64(value).has_value();
      case Family::kIp:
        return policy::ParseCidr(value).has_value();
    }
    return false;
  }

 public:
  // Whether `condition` holds (condition_evaluator.cc, Evaluate; compiled_policy.cc for invalid
  // conditions: an Allow's fails, a Deny's holds).
  expr Condition(const policy::Condition& condition, bool is_deny) {
    auto [family, comparison] = TraitsOf(condition.op.op);
    const bool negated = policy::IsNegatedOperator(condition.op.op);
    if (policy_.version == policy::PolicyVersion::k2012_10_17 &&
        eval::AllowsPolicyVariables(family)) {
      for (const policy::ConditionValue& v : condition.values) {
        // Over-approximation: the comparison with a substituted variable is unconstrained.
        if (policy::HasPolicyVariables(v.value)) return FreshBool("variable_condition");
      }
    }
    for (const policy::ConditionValue& v : condition.values) {
      if (!ValueReadable(family, v.value)) return c_.bool_val(is_deny);
    }
    KeyVars& k = Key(condition.key_lower);
    const expr present = *k.present;
    auto carried = [&](size_t i) -> expr {
      return k.count.has_value() ? *k.count > static_cast<int>(i) : c_.bool_val(i == 0);
    };
    expr empty = !present || (k.count.has_value() ? *k.count == 0 : c_.bool_val(false));
    if (family == Family::kNull) {
      expr any = c_.bool_val(false);
      for (const policy::ConditionValue& v : condition.values)
        any = any || (empty == c_.bool_val(*policy::ParseBool(v.value)));
      return any;
    }
    auto satisfies = [&, family = family, comparison = comparison](Element& e) -> expr {
      expr m = AnyValueMatches(condition, family, comparison, e);
      return negated ? !m : m;
    };
    switch (condition.op.qualifier) {
      case policy::SetQualifier::kNone: {
        expr absent = c_.bool_val(condition.op.if_exists || negated);
        // The evaluator's reading (condition_evaluator.cc, docs/simulate.md): a multivalued key
        // carrying exactly one value is compared as that value; with several values, no match.
        if (k.multivalued)
          return ::z3::ite(present, *k.count == 1 && satisfies(k.elements[0]), absent);
        return ::z3::ite(present, satisfies(k.elements[0]), absent);
      }
      case policy::SetQualifier::kForAllValues: {
        expr all = c_.bool_val(true);
        for (size_t i = 0; i < k.elements.size(); ++i)
          all = all && ::z3::implies(carried(i), satisfies(k.elements[i]));
        return empty || all;
      }
      case policy::SetQualifier::kForAnyValue: {
        expr any = c_.bool_val(false);
        for (size_t i = 0; i < k.elements.size(); ++i)
          any = any || (carried(i) && satisfies(k.elements[i]));
        return ::z3::ite(present, any, c_.bool_val(condition.op.if_exists));
      }
    }
    return c_.bool_val(false);
  }

 private:
  // ---- Statements
  // ---------------------------------------------------------------------------------
  struct Names {
    expr itself, role, account;
  };

  // One Principal value, classified as eval::CompiledPolicy classifies it.
  Names PrincipalValue(const policy::PrincipalValue& value) {
    expr no = c_.bool_val(false);
    auto same_partition = [&](std::string_view partition) {
      return partition.empty() || partition == model_.partition;
    };
    switch (value.kind) {
      case policy::PrincipalKind::kAws: {
        if (value.value == "*") return {c_.bool_val(true), no, no};
        if (policy::IsAccountId(value.value)) {
          expr account = IsIam() && account_ == Str(value.value);
          return {KindIs(Kind::kRoot) && account, no, account};
        }
        std::optional<policy::Arn> arn = policy::ParseArn(value.value);
        if (value.value.find_first_of("*?") != std::string::npos) {
          if (!arn.has_value()) return {no, no, no};
          expr re = ArnRe(policy::WildcardPattern::FromGlob(value.value));
          expr account = IsIam() && ::z3::in_re(root_arn_, re);
          return {(KindIs(Kind::kRoot) && account) ||
                      (UserSessionOrFederated() && ::z3::in_re(pid_, re)),
                  RoleOrSession() && ::z3::in_re(role_arn_, re), account};
        }
        if (!arn || !policy::IsAccountId(arn->account)) return {no, no, no};
        if (!same_partition(arn->partition)) return {no, no, no};
        std::string_view resource = arn->resource;
        if (arn->service == "iam" && resource == "root") {
          expr account = IsIam() && account_ == Str(arn->account);
          return {KindIs(Kind::kRoot) && account, no, account};
        }
        if (arn->service == "iam" && resource.starts_with("role/")) {
          std::string role_name(resource.substr(resource.rfind('/') + 1));
          return {no, RoleOrSession() && account_ == Str(arn->account) && name_ == Str(role_name),
                  no};
        }
        return {UserSessionOrFederated() && pid_ == Str(value.value), no, no};
      }
      case policy::PrincipalKind::kService:
        return {no, no, no};  // service principals are not in the request space
      case policy::PrincipalKind::kFederated:
        return {KindIs(Kind::kWebIdentity) && pid_ == Str(value.value), no, no};
      case policy::PrincipalKind::kCanonicalUser:
        return {KindIs(Kind::kCanonicalUser) && pid_ == Str(value.value), no, no};
    }
    return {no, no, no};
  }

  expr Principal(const policy::Statement& statement) {
    if (!statement.principal.has_value()) return c_.bool_val(true);  // kImplicit
    const policy::PrincipalSpec& spec = *statement.principal;
    expr itself = c_.bool_val(spec.wildcard), role = c_.bool_val(spec.wildcard),
         account = c_.bool_val(spec.wildcard);
    for (const policy::PrincipalValue& value : spec.values) {
      Names names = PrincipalValue(value);
      itself = itself || names.itself;
      role = role || names.role;
      account = account || names.account;
    }
    if (!spec.negated) return itself || role || account;
    // NotPrincipal excludes a request only when its principal, its role and its account are all
    // listed (compiled_policy.cc); a role principal stands for its sessions.
    expr excluded = itself;
    excluded = excluded && ::z3::implies(IsIam() && !KindIs(Kind::kRoot), account);
    excluded = excluded && ::z3::implies(KindIs(Kind::kSession), role);
    excluded = ::z3::ite(KindIs(Kind::kRole), role && account, excluded);
    return !excluded;
  }

  // `in_gate`: a statement of the gate policy, which reads the gate's ARN.
  expr Statement(const policy::Statement& statement, bool in_gate) {
    const bool variables = policy_.version == policy::PolicyVersion::k2012_10_17;
    expr principal = Principal(statement);
    expr action = c_.bool_val(false);
    for (const policy::Text& pattern : statement.action.patterns) {
      action = action || ::z3::in_re(action_, GlobRe(policy::WildcardPattern::FromGlob(
                                                         base::AsciiLower(pattern.value)),
                                                     Printable()));
    }
    if (statement.action.negated) action = !action;
    expr resource = c_.bool_val(true);
    if (statement.resource.has_value()) {
      expr hit = c_.bool_val(false);
      for (const policy::Text& pattern : statement.resource->patterns) {
        if (variables && policy::HasPolicyVariables(pattern.value)) {
          hit = hit || FreshBool("variable_resource");  // over-approximation, as for conditions
        } else {
          hit = hit || ::z3::in_re(in_gate ? gate_resource_ : resource_,
                                   ArnRe(policy::WildcardPattern::FromGlob(pattern.value)));
        }
      }
      resource = statement.resource->negated ? !hit : hit;
    }
    expr conditions = c_.bool_val(true);
    for (const policy::Condition& condition : statement.conditions) {
      conditions = conditions && Condition(condition, statement.effect == policy::Effect::kDeny);
    }
    return principal && action && resource && conditions;
  }

  expr FindingNames(const std::string& kind, const std::string& value) {
    expr no = c_.bool_val(false);
    if (kind == "Federated") return KindIs(Kind::kWebIdentity) && pid_ == Str(value);
    if (kind == "CanonicalUser") return KindIs(Kind::kCanonicalUser) && pid_ == Str(value);
    if (kind != "AWS") return no;
    if (value == "*") return c_.bool_val(true);
    if (policy::IsAccountId(value)) return IsIam() && account_ == Str(value);
    if (value.find_first_of("*?") != std::string::npos) {
      expr re = ArnRe(policy::WildcardPattern::FromGlob(value));
      return IsIam() && (::z3::in_re(pid_, re) || (RoleOrSession() && ::z3::in_re(role_arn_, re)) ||
                         ::z3::in_re(root_arn_, re));
    }
    std::optional<policy::Arn> arn = policy::ParseArn(value);
    if (!arn.has_value()) return no;
    std::string_view resource = arn->resource;
    if (arn->service == "iam" && resource == "root")
      return IsIam() && account_ == Str(arn->account);
    if (arn->service == "iam" && resource.starts_with("role/")) {
      return (RoleOrSession() && account_ == Str(arn->account) &&
              name_ == Str(resource.substr(resource.rfind('/') + 1))) ||
             (IsIam() && !RoleOrSession() && pid_ == Str(value));
    }
    return IsIam() && pid_ == Str(value);
  }

  // ---- Reading a model back
  // -----------------------------------------------------------------------
  static std::string StringOf(const ::z3::model& m, const expr& e) {
    return m.eval(e, true).get_string();
  }
  static bool BoolOf(const ::z3::model& m, const expr& e) { return m.eval(e, true).is_true(); }
  static std::string NumeralOf(const ::z3::model& m, const expr& e) {
    return m.eval(e, true).get_decimal_string(0);
  }

  std::string ElementText(const ::z3::model& m, const Element& e) const;

  ::z3::context& c_;
  const AccessModel& model_;
  const ZoneOfTrust& zone_;
  const CoverOptions& options_;
  // The statements encoded: with a gate, the gate's from gate_begin_ on.
  const policy::Policy& policy_;
  const size_t gate_begin_;
  size_t decimals_ = 1;
  size_t fresh_ = 0;
  std::vector<expr> side_;
  std::optional<expr> userid_free_present_;

  Kind kind_;
  expr account_{c_}, name_{c_}, path_{c_}, session_{c_}, pid_{c_}, role_arn_{c_}, root_arn_{c_};
  expr has_org_{c_}, org_id_{c_}, org_path_count_{c_};
  std::vector<expr> org_paths_;
  expr action_{c_}, resource_{c_}, gate_resource_{c_}, rest_{c_};
  std::map<std::string, KeyVars> keys_;
  std::vector<std::string> free_keys_;  // keys whose values the request chooses, in creation order
};

std::string Base64(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8) | uint8_t(bytes[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(n >> s) & 63]);
  }
  if (i + 1 == bytes.size()) {
    uint32_t n = uint8_t(bytes[i]) << 16;
    out += base::Concat(std::string(1, kAlphabet[(n >> 18) & 63]),
                        std::string(1, kAlphabet[(n >> 12) & 63]), "==");
  } else if (i + 2 == bytes.size()) {
    uint32_t n = (uint8_t(bytes[i]) << 16) | (uint8_t(bytes[i + 1]) << 8);
    out += base::Concat(std::string(1, kAlphabet[(n >> 18) & 63]),
                        std::string(1, kAlphabet[(n >> 12) & 63]),
                        std::string(1, kAlphabet[(n >> 6) & 63]), "=");
  }
  return out;
}

// The request text of one element: its string view when the policy reads the key as a string,
// otherwise the first typed view (a value the type cannot read when its flag is false).
std::string Encoder::ElementText(const ::z3::model& m, const Element& e) const {
  if (e.str.has_value()) return StringOf(m, *e.str);
  if (e.number.has_value()) {
    if (!BoolOf(m, *e.number_ok)) return "not-a-number";
    std::string digits = NumeralOf(m, *e.number);
    bool negative = !digits.empty() && digits.front() == '-';
    if (negative) digits.erase(0, 1);
    if (digits.size() <= decimals_) digits.insert(0, decimals_ + 1 - digits.size(), '0');
    return base::Concat(negative ? "-" : "", digits.substr(0, digits.size() - decimals_), ".",
                        digits.substr(digits.size() - decimals_));
  }
  if (e.date.has_value()) {
    if (!BoolOf(m, *e.date_ok)) return "not-a-date";
    Int128 nanos = ParseInt128(NumeralOf(m, *e.date));
    bool negative = nanos < 0;
    UInt128 magnitude = negative ? -static_cast<UInt128>(nanos) : static_cast<UInt128>(nanos);
    char fraction[16];
    std::snprintf(fraction, sizeof(fraction), "%09u",
                  static_cast<unsigned>(magnitude % 1'000'000'000));
    return base::Concat(negative ? "-" : "",
                        Int128Text(static_cast<Int128>(magnitude / 1'000'000'000)), ".", fraction);
  }
  if (e.ip.has_value()) {
    if (!BoolOf(m, *e.ip_ok)) return "not-an-ip";
    return policy::FormatIpNumber(static_cast<UInt128>(ParseInt128(NumeralOf(m, *e.ip))),
                                  BoolOf(m, *e.ip_v6));
  }
  if (e.boolean.has_value()) {
    if (!BoolOf(m, *e.bool_ok)) return "not-a-bool";
    return BoolOf(m, *e.boolean) ? "true" : "false";
  }
  if (e.bytes.has_value()) {
    if (!BoolOf(m, *e.bytes_ok)) return "not-base64!";
    return Base64(StringOf(m, *e.bytes));
  }
  return "any-value";  // a key only Null reads
}

eval::Request Encoder::Counterexample(const ::z3::model& m) const {
  eval::Request request;
  const Kind kind = kind_;
  eval::RequestPrincipal& p = request.principal;
  p.type = TypeOf(kind);
  p.id = StringOf(m, pid_);
  if (p.is_iam()) {
    p.partition = model_.partition;
    p.account = StringOf(m, account_);
    if (kind != Kind::kRoot) p.name = StringOf(m, name_);
    if (kind == Kind::kSession) p.session_name = StringOf(m, session_);
    if (BoolOf(m, has_org_)) p.org_id = StringOf(m, org_id_);
    int paths = m.eval(org_path_count_, true).get_numeral_int();
    for (int i = 0; i < paths; ++i) p.org_paths.push_back(StringOf(m, org_paths_[i]));
  }
  request.action = StringOf(m, action_);
  request.resource_arn = StringOf(m, resource_);
  request.resource_account = model_.owner_account;
  for (const std::string& key : free_keys_) {
    const KeyVars& k = keys_.at(key);
    if (key == "aws:userid") {
      // Only the free reading (users, roles, sessions, and principals without one) goes in here;
      // AddPrincipalContextKeys supplies the derived ones.
      if (kind != Kind::kRoot && kind != Kind::kFederatedUser && BoolOf(m, *userid_free_present_)) {
        request.context.Set(key, ElementText(m, k.elements[0]));
      }
      continue;
    }
    if (!BoolOf(m, *k.present)) continue;
    if (!k.multivalued) {
      request.context.Set(key, ElementText(m, k.elements[0]));
      continue;
    }
    std::vector<std::string> values;
    int count = m.eval(*k.count, true).get_numeral_int();
    for (int i = 0; i < count; ++i) values.push_back(ElementText(m, k.elements[i]));
    request.context.SetMultivalued(key, std::move(values));
  }
  eval::AddPrincipalContextKeys(p, request.context);
  if (p.is_iam()) request.context.Set("kms:calleraccount", p.account);
  return request;
}

// With a gate: the statements of both policies, the gate's last (what findings are read against,
// and what the request's condition keys come from). Without one: empty, the model's policy is used
// as is.
policy::Policy MergedWithGate(const AccessModel& model) {
  if (!model.gate.has_value()) return {};
  policy::Policy merged = *model.policy;
  merged.statements.insert(merged.statements.end(), model.gate->policy->statements.begin(),
                           model.gate->policy->statements.end());
  return merged;
}

}  // namespace

std::string_view CoverKindName(CoverResult::Kind kind) {
  switch (kind) {
    case CoverResult::Kind::kCovered:
      return "covered";
    case CoverResult::Kind::kUncovered:
      return "uncovered";
    case CoverResult::Kind::kUnknown:
      return "unknown";
  }
  return "unknown";
}

CoverResult CheckCover(const AccessModel& model, const ZoneOfTrust& zone,
                       const std::vector<findings::Finding>& findings, unsigned timeout_ms,
                       const CoverOptions& options) {
  CoverResult result;
  if (model.policy == nullptr) {
    result.reason = "no policy to analyze";
    return result;
  }
  try {
    ::z3::context ctx;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    std::string unknown;
    const policy::Policy merged = MergedWithGate(model);
    const policy::Policy& statements = model.gate.has_value() ? merged : *model.policy;
    // Cheapest kinds first: a counterexample ends the search.
    for (Kind kind : {Kind::kAnonymous, Kind::kCanonicalUser, Kind::kWebIdentity, Kind::kRoot,
                      Kind::kUser, Kind::kRole, Kind::kSession, Kind::kFederatedUser}) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        result.kind = CoverResult::Kind::kUnknown;
        result.reason = base::Concat("timeout after ", timeout_ms, " ms");
        return result;
      }
      Encoder encoder(ctx, model, statements, zone, options, kind);
      expr query = encoder.AllowedExternal();
      expr covered = ctx.bool_val(false);
      for (const findings::Finding& finding : findings)
        covered = covered || encoder.Inside(finding);
      ::z3::solver solver(ctx);
      ::z3::params params(ctx);
      params.set("timeout", static_cast<unsigned>(left.count()));
      solver.set(params);
      solver.add(query);
      solver.add(encoder.Side());
      solver.add(!covered);
      switch (solver.check()) {
        case ::z3::unsat:
          break;
        case ::z3::sat:
          result.kind = CoverResult::Kind::kUncovered;
          result.counterexample = encoder.Counterexample(solver.get_model());
          result.reason = eval::DescribeRequest(*result.counterexample);
          return result;
        case ::z3::unknown:
          // Keep looking: another kind may still give a counterexample.
          if (unknown.empty())
            unknown = base::Concat("z3 (", eval::PrincipalTypeName(TypeOf(kind)),
                                   "): ", solver.reason_unknown());
          break;
      }
    }
    result.kind = unknown.empty() ? CoverResult::Kind::kCovered : CoverResult::Kind::kUnknown;
    result.reason = unknown;
    return result;
  } catch (const ::z3::exception& e) {
    result.kind = CoverResult::Kind::kUnknown;
    result.reason = base::Concat("z3 error: ", std::string(e.msg()));
  }
  return result;
}

}  // namespace perimeter::reasoning::z3
