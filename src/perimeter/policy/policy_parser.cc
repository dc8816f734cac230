#include "perimeter/policy/policy_parser.h"

#include <array>
#include <cassert>
#include <cstring>
#include <iterator>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "perimeter/policy/arn.h"
#include "perimeter/policy/condition_values.h"
#include "perimeter/policy/policy_variables.h"
#include "perimeter/policy/wildcard.h"

namespace perimeter::policy {
namespace {

using base::Issue;
using base::Severity;
using base::SourcePosition;
using json::Kind;
using json::Value;

constexpr std::string_view kVersion2012 = "2012-10-17";
constexpr std::string_view kVersion2008 = "2008-10-17";

constexpr std::array<std::string_view, 3> kTopLevelElements = {"Version", "Id", "Statement"};
constexpr std::array<std::string_view, 9> kStatementElements = {
    "Sid",       "Effect",   "Principal",   "NotPrincipal", "Action",
    "NotAction", "Resource", "NotResource", "Condition"};
constexpr std::array<std::pair<std::string_view, PrincipalKind>, 4> kPrincipalKeys = {{
    {"AWS", PrincipalKind::kAws},
    {"Service", PrincipalKind::kService},
    {"Federated", PrincipalKind::kFederated},
    {"CanonicalUser", PrincipalKind::kCanonicalUser},
}};

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

bool IsAsciiAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool IsJsonWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// text == name, for a literal name: a comparison of known length, which compilers inline (element
// names are compared for every member of every statement).
template <size_t N>
bool Is(std::string_view text, const char (&name)[N]) {
  return text.size() == N - 1 && std::memcmp(text.data(), name, N - 1) == 0;
}

// "a string", "an object": for messages.
std::string KindWithArticle(Kind kind) {
  std::string out = (kind == Kind::kArray || kind == Kind::kObject) ? "an " : "a ";
  out.append(json::KindName(kind));
  return out;
}

// "Effect", "Principal", ... quoted for messages.
std::string Quoted(std::string_view name) {
  std::string out = "\"";
  out.append(name).append("\"");
  return out;
}

template <size_t N>
std::string JoinNames(const std::array<std::string_view, N>& names) {
  std::string out;
  for (size_t i = 0; i < N; ++i) {
    if (i > 0) out += (i + 1 == N) ? " or " : ", ";
    out += names[i];
  }
  return out;
}

// The element a misspelt key was probably meant to be: element names are case-sensitive (IAM User
// Guide, "IAM JSON policy element reference"), and "effect" for "Effect" is the usual mistake.
template <size_t N>
std::string CaseHint(std::string_view key, const std::array<std::string_view, N>& names) {
  std::string lower = AsciiLower(key);
  for (std::string_view name : names) {
    if (AsciiLower(name) == lower) {
      return " (element names are case-sensitive: did you mean \"" + std::string(name) + "\"?)";
    }
  }
  return "";
}

// Which elements each kind requires or forbids.
enum class Requirement { kForbidden, kOptional, kRequired, kRecommended };

// Principal: the grammar requires principal_block in resource-based and trust policies and forbids
// it in identity-based ones; SCPs "do not support Principal" (AWS Organizations, "SCP syntax"); an
// RCP statement names its principals with "Principal": "*" (AWS Organizations, "RCP syntax"). VPC
// endpoint policies are resource-based policies (AWS PrivateLink guide, "Control access to VPC
// endpoints using endpoint policies") and carry a Principal.
Requirement PrincipalRequirement(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::kIdentity:
    case PolicyKind::kPermissionsBoundary:
    case PolicyKind::kSession:
    case PolicyKind::kServiceControl:
      return Requirement::kForbidden;
    case PolicyKind::kResource:
    case PolicyKind::kRoleTrust:
    case PolicyKind::kResourceControl:
    case PolicyKind::kVpcEndpoint:
      return Requirement::kRequired;
  }
  return Requirement::kOptional;
}

// Resource:
// - Identity, boundary and session policies: the grammar makes resource_block required in
//   identity-based policies.
// - SCPs and RCPs: every statement of the Organizations examples carries Resource, and
// Organizations
//   documents Resource/NotResource as the element saying which resources the statement applies to;
//   no default for a missing Resource is documented, so we require it rather than guess one.
// - Role trust policies: the resource is the role itself; IAM rejects the element
// ("MalformedPolicy-
//   Document: Has prohibited field Resource").
// - Resource-based and VPC endpoint policies: the grammar makes Resource optional there and some
//   services document policies without it (the resource is the one the policy is attached to), so a
//   missing Resource is only a warning: the evaluator reads it as "the attached resource".
Requirement ResourceRequirement(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::kIdentity:
    case PolicyKind::kPermissionsBoundary:
    case PolicyKind::kSession:
    case PolicyKind::kServiceControl:
    case PolicyKind::kResourceControl:
      return Requirement::kRequired;
    case PolicyKind::kRoleTrust:
      return Requirement::kForbidden;
    case PolicyKind::kResource:
    case PolicyKind::kVpcEndpoint:
      return Requirement::kRecommended;
  }
  return Requirement::kOptional;
}

// IAM User Guide, "IAM JSON policy elements: Sid": in IAM the Sid supports ASCII letters and digits
// only; other services (SQS, SNS, S3, ...) accept any string. Trust policies keep the permissive
// rule because the IAM console itself used to write "Sid": "" into them and IAM accepts them.
bool RestrictsSidToAlphanumerics(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::kIdentity:
    case PolicyKind::kPermissionsBoundary:
    case PolicyKind::kSession:
      return true;
    case PolicyKind::kResource:
    case PolicyKind::kRoleTrust:
    case PolicyKind::kServiceControl:
    case PolicyKind::kResourceControl:
    case PolicyKind::kVpcEndpoint:
      return false;
  }
  return false;
}

// Whether the quota counts white space outside string literals.
bool CountsWhitespace(PolicyKind kind) {
  switch (kind) {
    // IAM and AWS STS quotas: "IAM does not count white space when calculating the size of a
    // policy".
    case PolicyKind::kIdentity:
    case PolicyKind::kPermissionsBoundary:
    case PolicyKind::kRoleTrust:
      return false;
    // The Policy parameter of AssumeRole is limited as a string (2,048 characters), white space
    // included.
    case PolicyKind::kSession:
    // AWS Organizations, "SCP syntax"/"RCP syntax": "All characters in your SCP count against its
    // maximum size".
    case PolicyKind::kServiceControl:
    case PolicyKind::kResourceControl:
    // Service quotas for resource-based and endpoint policies are on the document as stored.
    case PolicyKind::kResource:
    case PolicyKind::kVpcEndpoint:
      return true;
  }
  return true;
}

class PolicyParser {
 public:
  explicit PolicyParser(const PolicyParseOptions& options) : options_(options) {}

  PolicyParseResult Run(const Value& root) {
    Policy policy;
    ParseDocument(root, policy);
    PolicyParseResult result;
    result.issues = std::move(issues_);
    if (!base::HasErrors(result.issues)) result.policy = std::move(policy);
    return result;
  }

  void CheckSize(std::string_view source, const SourcePosition& position) {
    if (source.size() > kPolicyHardSizeCap) {
      Error("policy.too-large", position,
            "policy document is " + std::to_string(source.size()) + " bytes: the limit is " +
                std::to_string(kPolicyHardSizeCap) + " bytes");
      return;
    }
    size_t limit = options_.size_limit.value_or(DefaultSizeLimit(options_.kind));
    // PolicySize counts characters, never more than the bytes: a document within the limit in bytes
    // needs no counting.
    if (source.size() <= limit) return;
    size_t size = PolicySize(source, options_.kind);
    if (size <= limit) return;
    Report(options_.enforce_size_limit ? Severity::kError : Severity::kWarning, "policy.too-large",
           position,
           "policy document has " + std::to_string(size) + " characters" +
               (CountsWhitespace(options_.kind) ? "" : " (not counting white space)") +
               ": the quota for " + std::string(PolicyKindName(options_.kind)) + " policies is " +
               std::to_string(limit));
  }

 private:
  void Report(Severity severity, std::string code, const SourcePosition& position,
              std::string message) {
    issues_.push_back(Issue{severity, std::move(code), position, std::move(message)});
  }
  void Error(std::string code, const SourcePosition& position, std::string message) {
    Report(Severity::kError, std::move(code), position, std::move(message));
  }
  void Warning(std::string code, const SourcePosition& position, std::string message) {
    Report(Severity::kWarning, std::move(code), position, std::move(message));
  }
  // An error whose message `message()` builds, out of line: keeps message building off the paths
  // that run for every element.
  template <typename Message>
  [[gnu::cold]] [[gnu::noinline]] void ErrorWith(std::string_view code,
                                                 const SourcePosition& position,
                                                 const Message& message) {
    Error(std::string(code), position, message());
  }

  // Reports a wrong JSON type for `value` (named `what`) unless it has kind `expected`.
  bool ExpectKind(const Value& value, Kind expected, std::string_view what) {
    return value.kind() == expected || WrongKind(value, expected, what);
  }
  [[gnu::cold]] [[gnu::noinline]] bool WrongKind(const Value& value, Kind expected,
                                                 std::string_view what) {
    Error("policy.wrong-type", value.position(),
          std::string(what) + " must be " + KindWithArticle(expected) + ", got " +
              KindWithArticle(value.kind()));
    return false;
  }

  void ParseDocument(const Value& root, Policy& policy) {
    if (root.kind() != Kind::kObject) {
      Error("policy.wrong-type", root.position(),
            "a policy document must be a JSON object, got " + KindWithArticle(root.kind()));
      return;
    }
    std::optional<Value> statements;  // the "Statement" element
    for (Value member : root.members()) {
      std::string_view key = member.key();
      if (Is(key, "Version")) {
        if (!ExpectKind(member, Kind::kString, "\"Version\"")) continue;
        if (member.text() == kVersion2012) {
          policy.version = PolicyVersion::k2012_10_17;
        } else if (member.text() == kVersion2008) {
          policy.version = PolicyVersion::k2008_10_17;
        } else {
          Error("policy.invalid-version", member.position(),
                "\"Version\" must be \"2012-10-17\" or \"2008-10-17\", got " +
                    json::Quote(member.text()));
          continue;
        }
        policy.version_present = true;
      } else if (Is(key, "Id")) {
        if (ExpectKind(member, Kind::kString, "\"Id\"")) policy.id = std::string(member.text());
      } else if (Is(key, "Statement")) {
        statements = member;
        ParseStatements(member, policy);
      } else {
        Error("policy.unknown-element", member.key_position(),
              "unknown policy element " + json::Quote(key) + ": expected " +
                  JoinNames(kTopLevelElements) + CaseHint(key, kTopLevelElements));
      }
    }
    if (!statements.has_value()) {
      Error("policy.missing-statement", root.position(), "policy has no \"Statement\" element");
      return;
    }
    CheckDuplicateSids(policy, *statements);
    // After the whole document: whether variables are substituted depends on "Version", which may
    // follow "Statement".
    for (const Statement& statement : policy.statements) {
      for (const Condition& condition : statement.conditions)
        CheckConditionValues(condition, policy.version);
    }
  }

  void ParseStatements(const Value& value, Policy& policy) {
    if (value.is_object()) {
      ParseStatement(value, 0, policy);
      return;
    }
    if (!value.is_array()) {
      Error("policy.wrong-type", value.position(),
            "\"Statement\" must be an object or an array of objects, got " +
                KindWithArticle(value.kind()));
      return;
    }
    if (value.size() == 0) {
      Error("policy.empty-value", value.position(),
            "\"Statement\" must contain at least one statement");
      return;
    }
    policy.statements.reserve(value.size());
    size_t index = 0;
    for (Value element : value.children()) {
      if (ExpectKind(element, Kind::kObject, "each statement"))
        ParseStatement(element, index, policy);
      ++index;
    }
  }

  void ParseStatement(const Value& value, size_t index, Policy& policy) {
    Statement& statement = policy.statements.emplace_back();
    statement.index = index;
    statement.position = value.position();
    // Members are handles into the document, valid as long as it lives.
    std::optional<Value> action_key, resource_key, principal_key;
    bool has_effect = false;
    std::optional<Effect> effect;  // nullopt when missing or invalid
    for (const Value member : value.members()) {
      std::string_view key = member.key();
      if (Is(key, "Sid")) {
        ParseSid(member, statement);
      } else if (Is(key, "Effect")) {
        has_effect = true;
        effect = ParseEffect(member);
        if (effect.has_value()) statement.effect = *effect;
      } else if (Is(key, "Action") || Is(key, "NotAction")) {
        if (ConflictsWith(member, action_key, "Action", "NotAction")) continue;
        action_key = member;
        statement.action = ParsePatternList(member, Is(key, "NotAction"), /*is_action=*/true);
      } else if (Is(key, "Resource") || Is(key, "NotResource")) {
        if (ConflictsWith(member, resource_key, "Resource", "NotResource")) continue;
        resource_key = member;
        statement.resource = ParsePatternList(member, Is(key, "NotResource"), /*is_action=*/false);
      } else if (Is(key, "Principal") || Is(key, "NotPrincipal")) {
        if (ConflictsWith(member, principal_key, "Principal", "NotPrincipal")) continue;
        principal_key = member;
        statement.principal = ParsePrincipal(member, Is(key, "NotPrincipal"));
      } else if (Is(key, "Condition")) {
        ParseConditionBlock(member, statement);
      } else {
        Error("policy.unknown-element", member.key_position(),
              "unknown statement element " + json::Quote(key) + ": expected " +
                  JoinNames(kStatementElements) + CaseHint(key, kStatementElements));
      }
    }

    if (!has_effect) {
      Error("policy.missing-effect", statement.position,
            Where(statement) + " has no \"Effect\" element");
    }

    if (!action_key.has_value()) {
      Error("policy.missing-action", statement.position,
            Where(statement) + " has no \"Action\" or \"NotAction\" element");
    }

    CheckPrincipalForKind(principal_key, effect, statement);
    CheckResourceForKind(resource_key, statement);
  }

  std::string KindName() const { return std::string(PolicyKindName(options_.kind)); }

  // "statement 2 (\"ReadOnly\")": the statement as messages name it.
  // `then` is appended: the message in one allocation.
  static std::string Where(const Statement& statement, std::string_view then = {}) {
    std::string where;
    where.reserve(32 + (statement.sid.has_value() ? statement.sid->size() : 0) + then.size());
    where.append("statement ");
    where.append(std::to_string(statement.index));
    if (statement.sid.has_value() && !statement.sid->empty()) {
      where.append(" (");
      json::AppendQuoted(where, *statement.sid);
      where.push_back(')');
    }
    where.append(then);
    return where;
  }

  // IAM User Guide, "IAM JSON policy elements: Effect": "The Effect value is case sensitive".
  std::optional<Effect> ParseEffect(const Value& member) {
    if (!ExpectKind(member, Kind::kString, "\"Effect\"")) return std::nullopt;
    if (Is(member.text(), "Allow")) return Effect::kAllow;
    if (Is(member.text(), "Deny")) return Effect::kDeny;
    Error("policy.invalid-effect", member.position(),
          "\"Effect\" must be \"Allow\" or \"Deny\" (case-sensitive), got " +
              json::Quote(member.text()));
    return std::nullopt;
  }

  // Reports the second of two mutually exclusive elements ("IAM JSON policy element reference":
  // Action/ NotAction, Principal/NotPrincipal and Resource/NotResource cannot be used together).
  bool ConflictsWith(const Value& member, const std::optional<Value>& earlier, std::string_view a,
                     std::string_view b) {
    return earlier.has_value() && Conflict(member, *earlier, a, b);
  }
  [[gnu::cold]] [[gnu::noinline]] bool Conflict(const Value& member, const Value& earlier,
                                                std::string_view a, std::string_view b) {
    Error("policy.conflicting-elements", member.key_position(),
          "a statement cannot contain both " + Quoted(a) + " and " + Quoted(b) + " (" +
              Quoted(earlier.key()) + " at " + base::ToString(earlier.key_position()) + ")");
    return true;
  }

  void ParseSid(const Value& member, Statement& statement) {
    if (!ExpectKind(member, Kind::kString, "\"Sid\"")) return;
    std::string_view sid = member.text();
    if (RestrictsSidToAlphanumerics(options_.kind)) {
      for (char c : sid) {
        if (!IsAsciiAlnum(c)) {
          Error("policy.invalid-sid", member.position(),
                "\"Sid\" " + json::Quote(sid) + " may contain only ASCII letters and digits in " +
                    std::string(PolicyKindName(options_.kind)) + " policies");
          break;
        }
      }
    }
    statement.sid.emplace(sid);
  }

  // `statements` is the "Statement" element the statements of `policy` were read from.
  void CheckDuplicateSids(const Policy& policy, const Value& statements) {
    // The first statement with each Sid; policies with few statements are compared pairwise.
    constexpr size_t kPairwiseLimit = 16;
    const bool pairwise = policy.statements.size() <= kPairwiseLimit;
    std::unordered_map<std::string_view, size_t> seen;
    auto first_with_sid = [&](const Statement& statement) -> std::optional<size_t> {
      if (!pairwise) {
        auto [it, inserted] = seen.emplace(*statement.sid, statement.index);
        return inserted ? std::nullopt : std::optional<size_t>(it->second);
      }
      for (const Statement& earlier : policy.statements) {
        if (&earlier == &statement) break;
        if (earlier.sid.has_value() && *earlier.sid == *statement.sid) return earlier.index;
      }
      return std::nullopt;
    };
    // Where the Sid of `statement` is written (looked up only for a duplicate).
    auto sid_position = [&](const Statement& statement) {
      Value element = statements;
      if (element.is_array()) {
        auto it = element.children().begin();
        std::advance(it, statement.index);
        element = *it;
      }
      // The statement has a string Sid, so its element is an object with exactly one "Sid" (a
      // duplicate key would have failed the JSON parse).
      std::optional<Value> sid = element.Find("Sid");
      assert(sid.has_value());
      return sid->position();
    };
    for (const Statement& statement : policy.statements) {
      if (!statement.sid.has_value()) continue;
      if (statement.sid->empty()) continue;  // "Sid": "" names nothing, so it cannot clash
      if (std::optional<size_t> first = first_with_sid(statement)) {
        Warning("policy.duplicate-sid", sid_position(statement),
                "\"Sid\" " + json::Quote(*statement.sid) + " is also used by statement " +
                    std::to_string(*first) + ": statement ids should be unique within a policy");
      }
    }
  }

  // Action/NotAction or Resource/NotResource: a string or a non-empty array of strings.
  PatternList ParsePatternList(const Value& member, bool negated, bool is_action) {
    PatternList list;
    list.negated = negated;
    list.position = member.key_position();
    std::string_view key = member.key();  // named in messages, quoted
    auto add = [&](const Value& item) {
      if (!item.is_string()) {
        ErrorWith("policy.wrong-type", item.position(), [&] {
          return "each value of " + Quoted(key) + " must be a string, got " +
                 KindWithArticle(item.kind());
        });
        return;
      }
      if (is_action) {
        CheckAction(item, key);
      } else if (item.text().empty()) {
        ErrorWith("policy.empty-value", item.position(),
                  [&] { return Quoted(key) + " values must not be empty strings"; });
      }
      list.patterns.push_back(Text{std::string(item.text()), item.position()});
    };
    if (member.is_string()) {
      add(member);
    } else if (member.is_array()) {
      if (member.size() == 0)
        Error("policy.empty-value", member.position(), Quoted(key) + " must not be an empty list");
      list.patterns.reserve(member.size());
      for (Value item : member.children()) add(item);
    } else {
      Error("policy.wrong-type", member.position(),
            Quoted(key) + " must be a string or an array of strings, got " +
                KindWithArticle(member.kind()));
    }
    return list;
  }

  // IAM User Guide, "IAM JSON policy elements: Action": "*" or a service prefix, a colon and an
  // action name, which may contain the wildcards '*' and '?'. Service prefixes are letters, digits
  // and '-'.
  void CheckAction(const Value& item, std::string_view element) {
    std::string_view action = item.text();
    if (action == "*") return;
    size_t colon = action.find(':');
    std::string_view problem;
    if (action.empty()) {
      problem = "it is empty";
    } else if (colon == std::string_view::npos) {
      problem = "it has no ':' between the service prefix and the action name";
    } else if (colon == 0) {
      problem = "the service prefix is empty";
    } else if (colon + 1 == action.size()) {
      problem = "the action name is empty";
    } else if (action.find(':', colon + 1) != std::string_view::npos) {
      problem = "it has more than one ':'";
    } else {
      for (char c : action.substr(0, colon)) {
        if (!IsAsciiAlnum(c) && c != '-') {
          problem = "the service prefix may contain only letters, digits and '-'";
          break;
        }
      }
      for (char c : action.substr(colon + 1)) {
        if (IsJsonWhitespace(c) || static_cast<unsigned char>(c) < 0x20) {
          problem = "the action name contains white space or a control character";
          break;
        }
      }
    }
    if (problem.empty()) return;
    ErrorWith("policy.invalid-action", item.position(), [&] {
      return "invalid action " + json::Quote(action) + " in " + Quoted(element) + ": " +
             std::string(problem) +
             "; expected \"*\" or \"service:action\" (e.g. \"s3:GetObject\", \"ec2:Describe*\")";
    });
  }

  // IAM User Guide, "AWS JSON policy elements: Principal": "*", or an object whose keys are the
  // principal kinds, each with a string or an array of strings.
  PrincipalSpec ParsePrincipal(const Value& member, bool negated) {
    PrincipalSpec spec;
    spec.negated = negated;
    spec.position = member.key_position();
    auto name = [&] { return Quoted(member.key()); };  // "\"Principal\"", for messages
    if (member.is_string()) {
      if (Is(member.text(), "*")) {
        spec.wildcard = true;
      } else {
        Error(
            "policy.invalid-principal", member.position(),
            name() +
                " must be \"*\" or an object such as {\"AWS\": \"123456789012\"}, got the string " +
                json::Quote(member.text()));
      }
      return spec;
    }
    if (!member.is_object()) {
      Error("policy.wrong-type", member.position(),
            name() + " must be \"*\" or an object, got " + KindWithArticle(member.kind()));
      return spec;
    }
    if (member.size() == 0) {
      Error("policy.empty-value", member.position(), name() + " must name at least one principal");
    }
    for (Value kind_member : member.members()) {
      std::optional<PrincipalKind> kind;
      for (const auto& [key, candidate] : kPrincipalKeys) {
        if (kind_member.key() == key) kind = candidate;
      }
      if (!kind.has_value()) {
        constexpr std::array<std::string_view, 4> kNames = {"AWS", "Service", "Federated",
                                                            "CanonicalUser"};
        Error("policy.unknown-element", kind_member.key_position(),
              "unknown principal type " + json::Quote(kind_member.key()) + " in " + name() +
                  ": expected " + JoinNames(kNames) + CaseHint(kind_member.key(), kNames));
        continue;
      }
      // "\"Principal\".AWS", for messages.
      auto what = [&] { return name() + "." + std::string(kind_member.key()); };
      auto add = [&](const Value& item) {
        if (!item.is_string()) {
          ErrorWith("policy.wrong-type", item.position(), [&] {
            return "each value of " + what() + " must be a string, got " +
                   KindWithArticle(item.kind());
          });
          return;
        }
        if (item.text().empty()) {
          ErrorWith("policy.empty-value", item.position(),
                    [&] { return what() + " values must not be empty strings"; });
        } else {
          CheckPrincipalValue(item, *kind, what);
        }
        spec.values.push_back(PrincipalValue{*kind, std::string(item.text()), item.position()});
      };
      if (kind_member.is_string()) {
        add(kind_member);
      } else if (kind_member.is_array()) {
        if (kind_member.size() == 0) {
          Error("policy.empty-value", kind_member.position(),
                what() + " must not be an empty list");
        }
        spec.values.reserve(spec.values.size() + kind_member.size());
        for (Value item : kind_member.children()) add(item);
      } else {
        Error("policy.wrong-type", kind_member.position(),
              what() + " must be a string or an array of strings, got " +
                  KindWithArticle(kind_member.kind()));
      }
    }
    return spec;
  }

  // Principal values AWS refuses to store (IAM User Guide, "AWS JSON policy elements: Principal";
  // IAM Access Analyzer policy checks "Error – Invalid principal format" and "Error – Invalid ARN
  // account"):
  // - an AWS account is named by its 12-digit id, alone or in an ARN ("arn:aws:iam::12345:root" and
  //   "12345" name no account);
  // - text starting with "arn:" must be an ARN (six ':'-separated components) of IAM or AWS STS,
  // the
  //   services whose ARNs name principals (account root, users, roles, role sessions, federated
  //   users);
  // - a canonical user id is the 64 hexadecimal digits of an S3 canonical user: "*" or any wildcard
  //   names none ("You cannot use a wildcard to match part of a principal name or ARN").
  // Other AWS values are kept: unique ids ("AIDA...", "AROA...") are what IAM shows in place of a
  // deleted principal, and CloudFront origin access identities are ARNs with "cloudfront" as
  // account.
  template <typename What>
  void CheckPrincipalValue(const Value& item, PrincipalKind kind, const What& what) {
    std::string_view text = item.text();
    auto all_digits = [](std::string_view t) {
      return !t.empty() && t.find_first_not_of("0123456789") == std::string_view::npos;
    };
    std::string problem;
    switch (kind) {
      case PrincipalKind::kAws:
        if (text == "*" || IsAccountId(text)) return;
        if (all_digits(text)) {
          problem = "an account id has 12 digits, this one has " + std::to_string(text.size());
        } else if (text.starts_with("arn:")) {
          std::optional<Arn> arn = ParseArn(text);
          if (!arn.has_value()) {
            problem =
                "an ARN has six ':'-separated components "
                "(arn:partition:service:region:account:resource)";
          } else if (all_digits(arn->account) && !IsAccountId(arn->account)) {
            problem = "the account id in the ARN has " + std::to_string(arn->account.size()) +
                      " digits instead of 12";
          } else if (arn->service != "iam" && arn->service != "sts" &&
                     arn->service.find_first_of("*?") == std::string_view::npos) {
            problem =
                "an AWS principal is an IAM (iam) or AWS STS (sts) ARN, not one of service \"" +
                std::string(arn->service) + "\"";
          }
        }
        break;
      case PrincipalKind::kCanonicalUser:
        if (text.find_first_of("*?") != std::string_view::npos) {
          problem = "a canonical user id is 64 hexadecimal digits and cannot be a wildcard";
        }
        break;
      case PrincipalKind::kService:
      case PrincipalKind::kFederated:
        return;
    }
    if (problem.empty()) return;
    ErrorWith("policy.invalid-principal", item.position(), [&] {
      return "invalid principal " + json::Quote(text) + " in " + what() + ": " + problem;
    });
  }

  void CheckPrincipalForKind(const std::optional<Value>& principal_key,
                             std::optional<Effect> effect, const Statement& statement) {
    switch (PrincipalRequirement(options_.kind)) {
      case Requirement::kForbidden:
        if (principal_key.has_value()) {
          Error("policy.principal-not-allowed", principal_key->key_position(),
                Quoted(principal_key->key()) + " is not allowed in " + KindName() +
                    " policies: the principal is the identity the policy is attached to");
        }
        return;
      case Requirement::kRequired:
        if (!principal_key.has_value()) {
          Error("policy.missing-principal", statement.position,
                Where(statement) + " has no \"Principal\" or \"NotPrincipal\" element, which " +
                    KindName() + " policies require");
          return;
        }
        break;
      case Requirement::kOptional:
      case Requirement::kRecommended:
        if (!principal_key.has_value()) return;
        break;
    }
    const PrincipalSpec& spec = *statement.principal;
    if (spec.negated) {
      // IAM User Guide, "AWS JSON policy elements: NotPrincipal": not usable in identity-based or
      // role trust policies, and "NotPrincipal must be used with "Effect":"Deny"".
      if (options_.kind == PolicyKind::kRoleTrust ||
          options_.kind == PolicyKind::kResourceControl) {
        Error("policy.principal-not-allowed", principal_key->key_position(),
              "\"NotPrincipal\" is not allowed in " + KindName() + " policies");
        return;
      }
      if (effect == Effect::kAllow) {
        // IAM User Guide, "AWS JSON policy elements: NotPrincipal": AWS "strongly recommends"
        // against Allow with NotPrincipal (it grants every principal but the listed ones, anonymous
        // included) but services accept it, so a stored policy may have it: a warning, and the
        // analysis reports the access it grants.
        Warning(
            "policy.allow-with-notprincipal", principal_key->key_position(),
            "\"NotPrincipal\" with \"Effect\": \"Allow\" grants access to every principal except "
            "the listed ones, anonymous users included");
      }
    }
    // AWS Organizations, "RCP syntax": the Principal of an RCP statement is "*"; conditions narrow
    // it.
    if (options_.kind == PolicyKind::kResourceControl && !spec.negated && !spec.wildcard &&
        (principal_key->is_object())) {
      Error("policy.invalid-principal", principal_key->position(),
            "the \"Principal\" of a resource-control policy must be \"*\"; use conditions such as "
            "aws:PrincipalAccount to narrow it");
    }
  }

  void CheckResourceForKind(const std::optional<Value>& resource_key, const Statement& statement) {
    switch (ResourceRequirement(options_.kind)) {
      case Requirement::kForbidden:
        if (resource_key.has_value()) {
          Error("policy.resource-not-allowed", resource_key->key_position(),
                Quoted(resource_key->key()) + " is not allowed in " + KindName() +
                    " policies: the resource is the role itself");
        }
        return;
      case Requirement::kRequired:
        if (!resource_key.has_value()) {
          Error("policy.missing-resource", statement.position,
                Where(statement) + " has no \"Resource\" or \"NotResource\" element, which " +
                    KindName() + " policies require");
        }
        return;
      case Requirement::kRecommended:
        if (!resource_key.has_value()) {
          Warning(
              "policy.missing-resource", statement.position,
              Where(
                  statement,
                  " has no \"Resource\" or \"NotResource\" element: it applies to the resource the "
                  "policy is attached to, which some services reject"));
        }
        return;
      case Requirement::kOptional:
        return;
    }
  }

  // IAM User Guide, "IAM JSON policy elements: Condition": {operator: {key: value or [values]}}.
  void ParseConditionBlock(const Value& member, Statement& statement) {
    if (!ExpectKind(member, Kind::kObject, "\"Condition\"")) return;
    size_t key_count = 0;
    for (Value op_member : member.members()) key_count += op_member.size();
    statement.conditions.reserve(statement.conditions.size() + key_count);
    for (Value op_member : member.members()) {
      std::optional<ConditionOperatorSpec> spec = ParseConditionOperator(op_member.key());
      if (!spec.has_value()) {
        Error("policy.unknown-operator", op_member.key_position(),
              "unknown condition operator " + json::Quote(op_member.key()) +
                  ": expected an operator such as \"StringEquals\", optionally prefixed with "
                  "\"ForAllValues:\" "
                  "or \"ForAnyValue:\" and suffixed with \"IfExists\" (operator names are "
                  "case-sensitive)");
        continue;
      }
      spec->position = op_member.key_position();
      if (!op_member.is_object()) {
        Error("policy.wrong-type", op_member.position(),
              "condition operator " + json::Quote(op_member.key()) +
                  " must map to an object of condition keys, got " +
                  KindWithArticle(op_member.kind()));
        continue;
      }
      if (op_member.size() == 0) {
        Error("policy.empty-value", op_member.position(),
              "condition operator " + json::Quote(op_member.key()) +
                  " must contain at least one condition key");
        continue;
      }
      // Condition keys are case-insensitive, so "aws:SourceIp" and "aws:sourceip" in one block
      // would be two values for one key, and which one IAM keeps is not documented. The keys of
      // this block seen so far are the conditions appended since `block_start`; large blocks also
      // index them by key.
      const size_t block_start = statement.conditions.size();
      constexpr size_t kLinearScanLimit = 16;
      std::unordered_map<std::string, SourcePosition> seen;
      auto find_seen = [&](const std::string& key_lower) -> const SourcePosition* {
        if (op_member.size() > kLinearScanLimit) {
          auto it = seen.find(key_lower);
          return it == seen.end() ? nullptr : &it->second;
        }
        for (size_t i = block_start; i < statement.conditions.size(); ++i) {
          if (statement.conditions[i].key_lower == key_lower)
            return &statement.conditions[i].key_position;
        }
        return nullptr;
      };
      for (Value key_member : op_member.members()) {
        std::string_view key = key_member.key();
        if (key.empty()) {
          Error("policy.empty-value", key_member.key_position(),
                "condition keys must not be empty");
          continue;
        }
        std::string key_lower = AsciiLower(key);
        if (const SourcePosition* first = find_seen(key_lower)) {
          Error("policy.ambiguous-condition-key", key_member.key_position(),
                "condition key " + json::Quote(key) + " differs only by case from the key at " +
                    base::ToString(*first) + " in the same " + json::Quote(op_member.key()) +
                    " block: condition keys are case-insensitive");
          continue;
        }
        if (op_member.size() > kLinearScanLimit) seen.emplace(key_lower, key_member.key_position());
        Condition& condition = statement.conditions.emplace_back();
        condition.op = *spec;
        condition.key = std::string(key);
        condition.key_lower = std::move(key_lower);
        condition.key_position = key_member.key_position();
        ParseConditionValues(key_member, condition);
      }
    }
  }

  // IAM accepts strings, numbers and booleans as condition values and compares their text.
  void ParseConditionValues(const Value& value, Condition& condition) {
    auto what = [&] { return "the value of condition key " + json::Quote(condition.key); };
    auto add = [&](const Value& item) {
      switch (item.kind()) {
        case Kind::kString:
        case Kind::kNumber:
          condition.values.push_back(ConditionValue{std::string(item.text()), item.position()});
          return;
        case Kind::kBool:
          condition.values.push_back(
              ConditionValue{item.boolean() ? "true" : "false", item.position()});
          return;
        case Kind::kNull:
        case Kind::kArray:
        case Kind::kObject:
          ErrorWith("policy.wrong-type", item.position(), [&] {
            return what() + " must be a string, number or boolean (or an array of them), got " +
                   (item.is_array() ? std::string("a nested array") : KindWithArticle(item.kind()));
          });
          return;
      }
    };
    if (value.is_array()) {
      if (value.size() == 0)
        Error("policy.empty-value", value.position(), what() + " must not be an empty list");
      condition.values.reserve(value.size());
      for (Value item : value.children()) add(item);
    } else if (value.is_null() || value.is_object()) {
      Error("policy.wrong-type", value.position(),
            what() + " must be a string, number or boolean (or an array of them), got " +
                KindWithArticle(value.kind()));
    } else {
      add(value);
    }
  }

  // Values the condition's operator cannot read (IAM User Guide, "IAM JSON policy elements:
  // Condition operators", each operator family's format, condition_values.h; IAM Access Analyzer
  // policy check "Error – Data type mismatch"). Policy variables are substituted only for String,
  // ARN and Bool operators in Version 2012-10-17 policies ("IAM policy elements: Variables and
  // tags"), so a variable elsewhere is an unreadable value too. Codes and messages are those of
  // eval::CompiledCondition, which checks conditions built without this parser the same way.
  //   condition.invalid-number / -date / -bool / -null-value / -ip / -base64   (errors)
  //   condition.not-an-arn  (warning) an ARN operator value without the six ARN components: it
  //                         matches no ARN, so ArnLike/ArnEquals with it never hold and ArnNotLike/
  //                         ArnNotEquals hold for every value of the key.
  void CheckConditionValues(const Condition& condition, PolicyVersion version) {
    const OperatorFamily family = TraitsOfOperator(condition.op.op).family;
    const std::string_view op_name = ConditionOperatorName(condition.op.op);
    const bool variables = version == PolicyVersion::k2012_10_17;
    for (const ConditionValue& value : condition.values) {
      const std::string& text = value.value;
      std::string_view code;
      std::string expected;
      switch (family) {
        case OperatorFamily::kString:
        case OperatorFamily::kStringIgnoreCase:
        case OperatorFamily::kStringLike:
          break;
        case OperatorFamily::kArn:
          if (variables && HasPolicyVariables(text)) break;  // read once substituted
          if (!ArnPattern::Compile(WildcardPattern::FromGlob(text)).is_arn()) {
            Warning("condition.not-an-arn", value.position,
                    std::string(op_name) + " value " + json::Quote(text) +
                        " is not an ARN (arn:partition:service:region:account:resource, each "
                        "component may "
                        "use '*' and '?'): it matches no ARN");
          }
          break;
        case OperatorFamily::kBool:
          if (variables && HasPolicyVariables(text)) break;
          if (!ParseBool(text))
            code = "condition.invalid-bool", expected = "is not \"true\" or \"false\"";
          break;
        case OperatorFamily::kNull:
          if (!ParseBool(text))
            code = "condition.invalid-null-value", expected = "is not \"true\" or \"false\"";
          break;
        case OperatorFamily::kNumeric:
          if (!ParseNumber(text))
            code = "condition.invalid-number", expected = "is not an integer or decimal number";
          break;
        case OperatorFamily::kDate:
          if (!ParseDate(text))
            code = "condition.invalid-date",
            expected = "is not an ISO 8601 (W3C) date or epoch time";
          break;
        case OperatorFamily::kIp:
          if (!ParseCidr(text))
            code = "condition.invalid-ip",
            expected = "is not an IPv4 or IPv6 address or CIDR block";
          break;
        case OperatorFamily::kBinary:
          if (!DecodeBase64(text)) code = "condition.invalid-base64", expected = "is not base64";
          break;
      }
      if (code.empty()) continue;
      ErrorWith(code, value.position, [&] {
        std::string message =
            (family == OperatorFamily::kNull ? std::string("Null") : std::string(op_name)) +
            " value " + json::Quote(text) + " " + expected;
        if (HasPolicyVariables(text))
          message +=
              " (policy variables are not substituted in " + std::string(op_name) + " conditions)";
        return message;
      });
    }
  }

  const PolicyParseOptions& options_;
  std::vector<Issue> issues_;
};

}  // namespace

// Sources (IAM User Guide, "IAM and AWS STS quotas"; AWS Organizations, "Quotas and service
// limits"; AWS KMS, "Quotas"; AWS PrivateLink, "Endpoint policies"). A kind covers several
// containers with different quotas; the default is the largest of them so that we never reject a
// document AWS would store. Callers that know the container pass PolicyParseOptions::size_limit.
size_t DefaultSizeLimit(PolicyKind kind) {
  switch (kind) {
    case PolicyKind::kIdentity:
      // Managed policies: 6,144; inline policies of a role: 10,240 (user 2,048, group 5,120).
      return 10'240;
    case PolicyKind::kPermissionsBoundary:
      // A boundary is a managed policy.
      return 6'144;
    case PolicyKind::kSession:
      // AssumeRole* / GetFederationToken: "The plaintext that you use for both inline and managed
      // session policies can't exceed 2,048 characters."
      return 2'048;
    case PolicyKind::kRoleTrust:
      // "Role trust policy length": 2,048 by default (adjustable up to 8,192).
      return 2'048;
    case PolicyKind::kServiceControl:
    case PolicyKind::kResourceControl:
      // "Maximum size of a policy document": SCPs and RCPs 5,120 characters.
      return 5'120;
    case PolicyKind::kResource:
      // Service-specific: S3 bucket policies 20 KB, SQS 8,192 bytes, KMS key policies 32 KB.
      return 32'768;
    case PolicyKind::kVpcEndpoint:
      // Endpoint policies: 20,480 characters, white space included.
      return 20'480;
  }
  return kPolicyHardSizeCap;
}

size_t PolicySize(std::string_view source, PolicyKind kind) {
  bool count_whitespace = CountsWhitespace(kind);
  size_t count = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : source) {
    if ((static_cast<unsigned char>(c) & 0xC0) == 0x80) continue;  // UTF-8 continuation byte
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (!count_whitespace && IsJsonWhitespace(c)) {
      continue;
    }
    ++count;
  }
  return count;
}

PolicyParseResult ParsePolicy(std::string text, const PolicyParseOptions& options) {
  json::ParseOptions json_options;
  json_options.max_depth = options.max_depth;
  json_options.max_bytes = kPolicyHardSizeCap;
  json::ParseResult parsed = json::Parse(std::move(text), json_options);
  if (!parsed.ok()) {
    PolicyParseResult result;
    result.issues = std::move(parsed.issues);
    return result;
  }
  PolicyParser parser(options);
  parser.CheckSize(parsed.document.source(), SourcePosition{});
  return parser.Run(parsed.document.root());
}

PolicyParseResult ParsePolicy(const json::Value& value, const PolicyParseOptions& options) {
  PolicyParser parser(options);
  parser.CheckSize(value.source_text(), value.position());
  return parser.Run(value);
}

}  // namespace perimeter::policy
