#include "perimeter/cli/simulate_command.h"

#include <algorithm>
#include <optional>
#include <ostream>
#include <set>
#include <utility>

#include "perimeter/base/issue.h"
#include "perimeter/base/text.h"
#include "perimeter/cli/app.h"
#include "perimeter/eval/compiled_policy.h"
#include "perimeter/eval/evaluator.h"
#include "perimeter/eval/request.h"
#include "perimeter/json/document.h"
#include "perimeter/json/object_reader.h"
#include "perimeter/policy/arn.h"
#include "perimeter/policy/policy_parser.h"

namespace perimeter::cli {

namespace {

using json::Value;

// Collects problems with the input. Each keeps the document it points into, so that messages about
// a policy written as a JSON string show that string's line and a caret under the right character.
class Diagnostics {
 public:
  Diagnostics(std::string_view name, std::string_view source, std::ostream& err)
      : name_(name), source_(source), err_(err) {}

  void Error(const base::SourcePosition& position, std::string message,
             std::string code = "simulate.bad-input") {
    base::Issue issue;
    issue.severity = base::Severity::kError;
    issue.code = std::move(code);
    issue.position = position;
    issue.message = std::move(message);
    Report(issue, name_, source_);
  }

  // Reports issues whose positions refer to `source` (the input itself, or a policy string's
  // content, named `name`).
  void Report(const base::Issue& issue, std::string_view name, std::string_view source) {
    if (issue.severity == base::Severity::kError) ++errors_;
    err_ << base::FormatIssue(issue, name, source) << "\n";
  }

  bool has_errors() const { return errors_ > 0; }
  std::string_view name() const { return name_; }
  std::string_view source() const { return source_; }

 private:
  std::string name_;
  std::string_view source_;
  std::ostream& err_;
  int errors_ = 0;
};

// Reads one object of the input with json::ObjectReader: unknown members are errors (a misspelt
// "permissionBoundary" silently ignored would change the decision), as are missing required
// members and members of the wrong kind. Its issues are reported by Finish, or when it goes out of
// scope; read every member the format allows before returning early, or they count as unknown.
class MemberReader {
 public:
  MemberReader(const Value& object, std::string_view what, std::string_view members,
               Diagnostics& diag)
      : reader_(object, "simulate", what, issues_, members), diag_(diag) {}
  MemberReader(const MemberReader&) = delete;
  MemberReader& operator=(const MemberReader&) = delete;
  ~MemberReader() { Finish(); }

  json::ObjectReader* operator->() { return &reader_; }

  void Finish() {
    if (finished_) return;
    finished_ = true;
    reader_.Finish();
    for (const base::Issue& issue : issues_) diag_.Report(issue, diag_.name(), diag_.source());
  }

 private:
  std::vector<base::Issue> issues_;  // before reader_, which holds a reference to it
  json::ObjectReader reader_;
  Diagnostics& diag_;
  bool finished_ = false;
};

bool ExpectKind(const Value& value, json::Kind kind, std::string_view what, Diagnostics& diag) {
  if (value.kind() == kind) return true;
  diag.Error(value.position(),
             base::Concat(what, " must be ", json::KindName(kind) == "object" ? "an " : "a ",
                          json::KindName(kind), ", not ", json::KindName(value.kind())),
             "simulate.type");
  return false;
}

// The parsed input, before compilation.
struct PolicyInput {
  std::string label;  // "policies.identity[0]"
  Value value;        // the object or string
  std::string_view key;
  base::SourcePosition key_position;
};

struct SimulateInput {
  eval::Request request;
  base::SourcePosition principal_position;
  std::vector<PolicyInput> identity;
  base::SourcePosition identity_position;  // of the "identity" key
  std::optional<PolicyInput> resource, boundary, session, vpc_endpoint;
  std::vector<std::vector<PolicyInput>> scps, rcps;
};

std::optional<PolicyInput> OptionalPolicy(const Value& member, std::string label,
                                          Diagnostics& diag) {
  if (member.is_null()) return std::nullopt;
  if (!member.is_object() && !member.is_string()) {
    diag.Error(member.position(),
               base::Concat(label, " must be a policy (an object or a JSON string) or null, not ",
                            json::KindName(member.kind())),
               "simulate.type");
    return std::nullopt;
  }
  return PolicyInput{std::move(label), member, member.key(), member.key_position()};
}

std::vector<PolicyInput> PolicyList(const Value& list, const std::string& label,
                                    Diagnostics& diag) {
  std::vector<PolicyInput> out;
  if (!ExpectKind(list, json::Kind::kArray, label, diag)) return out;
  size_t i = 0;
  for (Value element : list.children()) {
    std::string element_label = base::Concat(label, "[", i++, "]");
    if (element.is_null()) {
      diag.Error(element.position(), base::Concat(element_label, " is null; omit it instead"),
                 "simulate.type");
      continue;
    }
    if (std::optional<PolicyInput> p = OptionalPolicy(element, element_label, diag))
      out.push_back(std::move(*p));
  }
  return out;
}

std::vector<std::vector<PolicyInput>> PolicyLevels(const Value& levels, const std::string& label,
                                                   Diagnostics& diag) {
  std::vector<std::vector<PolicyInput>> out;
  if (!ExpectKind(levels, json::Kind::kArray, label, diag)) return out;
  size_t i = 0;
  for (Value level : levels.children()) {
    out.push_back(PolicyList(level, base::Concat(label, "[", i++, "]"), diag));
  }
  return out;
}

void ReadPolicies(const Value& policies, SimulateInput& input, Diagnostics& diag) {
  MemberReader reader(policies, "policies",
                      "identity, resource, permissionsBoundary, session, scps, rcps, vpcEndpoint",
                      diag);
  if (std::optional<Value> identity = reader->Optional("identity")) {
    input.identity = PolicyList(*identity, "policies.identity", diag);
    input.identity_position = identity->key_position();
  }
  auto optional_policy = [&](std::string_view key) -> std::optional<PolicyInput> {
    std::optional<Value> member = reader->Optional(key);
    if (!member.has_value()) return std::nullopt;
    return OptionalPolicy(*member, base::Concat("policies.", key), diag);
  };
  input.resource = optional_policy("resource");
  input.boundary = optional_policy("permissionsBoundary");
  input.session = optional_policy("session");
  input.vpc_endpoint = optional_policy("vpcEndpoint");
  if (std::optional<Value> scps = reader->Optional("scps"))
    input.scps = PolicyLevels(*scps, "policies.scps", diag);
  if (std::optional<Value> rcps = reader->Optional("rcps"))
    input.rcps = PolicyLevels(*rcps, "policies.rcps", diag);
}

void ReadPrincipal(const Value& value, SimulateInput& input, Diagnostics& diag) {
  input.principal_position = value.position();
  if (value.is_string()) {
    absl::StatusOr<eval::RequestPrincipal> p = eval::ParseRequestPrincipal(value.text());
    if (!p.ok()) {
      diag.Error(value.position(), std::string(p.status().message()), "simulate.bad-principal");
      return;
    }
    input.request.principal = *std::move(p);
    return;
  }
  if (!value.is_object()) {
    diag.Error(value.position(),
               "\"principal\" must be a string (an ARN, an account id or a service) or an object",
               "simulate.type");
    return;
  }
  MemberReader reader(value, "principal", "type, id, orgId, orgPaths, tags", diag);
  std::optional<Value> type_value = reader->RequiredOfKind("type", json::Kind::kString);
  std::optional<std::string_view> id = reader->OptionalString("id");
  std::optional<std::string_view> org_id = reader->OptionalString("orgId");
  std::optional<Value> paths = reader->OptionalOfKind("orgPaths", json::Kind::kArray);
  std::optional<Value> tags = reader->OptionalOfKind("tags", json::Kind::kObject);
  if (!type_value) return;
  std::optional<eval::PrincipalType> type = eval::ParsePrincipalType(type_value->text());
  if (!type) {
    diag.Error(type_value->position(),
               base::Concat("unknown principal type \"", type_value->text(),
                            "\"; expected IAMUser, IAMRole, AssumedRoleSession, FederatedUser, "
                            "AccountRoot, Service, "
                            "WebIdentityOrSAML, CanonicalUser or Anonymous"),
               "simulate.bad-principal");
    return;
  }
  absl::StatusOr<eval::RequestPrincipal> p =
      eval::MakeRequestPrincipal(*type, std::string(id.value_or("")));
  if (!p.ok()) {
    diag.Error(value.position(), std::string(p.status().message()), "simulate.bad-principal");
    return;
  }
  if (org_id) p->org_id = std::string(*org_id);
  if (paths) {
    for (Value path : paths->children()) {
      if (ExpectKind(path, json::Kind::kString, "an organization path", diag)) {
        p->org_paths.emplace_back(path.text());
      }
    }
  }
  if (tags) {
    for (Value tag : tags->members()) {
      if (ExpectKind(tag, json::Kind::kString, "a tag value", diag)) {
        p->tags[std::string(tag.key())] = std::string(tag.text());
      }
    }
  }
  if ((p->org_id || !p->org_paths.empty() || !p->tags.empty()) && !p->is_iam()) {
    diag.Error(value.position(),
               base::Concat("a ", eval::PrincipalTypeName(p->type),
                            " principal has no account, so no organization and no principal tags"),
               "simulate.bad-principal");
  }
  input.request.principal = *std::move(p);
}

void ReadContext(const Value& context, eval::RequestContext& out, Diagnostics& diag) {
  if (!ExpectKind(context, json::Kind::kObject, "\"context\"", diag)) return;
  std::set<std::string> seen;
  for (Value member : context.members()) {
    std::string lower = base::AsciiLower(member.key());
    if (!seen.insert(lower).second) {
      diag.Error(member.key_position(),
                 base::Concat("context key \"", member.key(),
                              "\" is given twice (keys are case-insensitive)"),
                 "simulate.duplicate-key");
      continue;
    }
    if (member.is_string()) {
      out.Set(member.key(), std::string(member.text()));
    } else if (member.is_array()) {
      std::vector<std::string> values;
      bool ok = true;
      for (Value v : member.children()) {
        if (!v.is_string()) {
          diag.Error(v.position(),
                     base::Concat("values of context key \"", member.key(),
                                  "\" must be strings, as AWS passes them"),
                     "simulate.type");
          ok = false;
          continue;
        }
        values.emplace_back(v.text());
      }
      if (ok) out.SetMultivalued(member.key(), std::move(values));
    } else {
      diag.Error(member.position(),
                 base::Concat("context key \"", member.key(),
                              "\" must be a string or a list of strings, not ",
                              json::KindName(member.kind()), " (write \"true\", \"42\")"),
                 "simulate.type");
    }
  }
}

// Reports that the string `value` is not `what` ("\"x\" is not a 12-digit account id").
void NotA(const Value& value, std::string_view what, std::string code, Diagnostics& diag) {
  diag.Error(value.position(), base::Concat("\"", value.text(), "\" is not ", what),
             std::move(code));
}

// Reads the "resource" object of the request.
void ReadResource(const Value& resource, SimulateInput& input, Diagnostics& diag) {
  MemberReader reader(resource, "resource", "arn, account", diag);
  std::optional<Value> arn_value = reader->RequiredOfKind("arn", json::Kind::kString);
  std::optional<Value> account_value = reader->OptionalOfKind("account", json::Kind::kString);
  if (arn_value) {
    std::string_view arn = arn_value->text();
    if (arn != "*" && !policy::ParseArn(arn)) {
      NotA(*arn_value, "an ARN (arn:partition:service:region:account:resource) or \"*\"",
           "simulate.bad-resource", diag);
    }
    input.request.resource_arn = std::string(arn);
  }
  if (account_value) {
    std::string_view account = account_value->text();
    std::optional<policy::Arn> arn = policy::ParseArn(input.request.resource_arn);
    if (!policy::IsAccountId(account)) {
      NotA(*account_value, "a 12-digit account id", "simulate.bad-resource", diag);
    } else if (arn && !arn->account.empty() && arn->account != account) {
      // The owner is in the ARN (an account id, or "aws" for what AWS owns): a different
      // "account" would make the evaluator guess which of the two owns the resource.
      diag.Error(
          account_value->position(),
          base::Concat("\"account\" is \"", account, "\" but the resource ARN names the account \"",
                       arn->account, "\"; leave \"account\" out or make them agree"),
          "simulate.bad-resource");
    }
    input.request.resource_account = std::string(account);
  }
}

void ReadRequest(const Value& request, SimulateInput& input, Diagnostics& diag) {
  MemberReader reader(request, "request", "principal, action, resource, context", diag);
  if (std::optional<Value> principal = reader->Optional("principal")) {
    ReadPrincipal(*principal, input, diag);
  } else {
    input.request.principal.type =
        eval::PrincipalType::kAnonymous;  // documented: omitted = anonymous
    input.principal_position = request.position();
  }
  if (std::optional<Value> action_value = reader->RequiredOfKind("action", json::Kind::kString)) {
    std::string_view action = action_value->text();
    size_t colon = action.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == action.size() ||
        action.find_first_of("*? ") != std::string_view::npos) {
      NotA(*action_value, "an action: a request names one action, \"service:Action\"",
           "simulate.bad-action", diag);
    }
    input.request.action = std::string(action);
  }
  if (std::optional<Value> resource = reader->RequiredOfKind("resource", json::Kind::kObject)) {
    ReadResource(*resource, input, diag);
  }
  if (std::optional<Value> context = reader->Optional("context"))
    ReadContext(*context, input.request.context, diag);
}

// Which policies a principal can have: they are errors, not silently ignored, when given for a
// principal that cannot have them.
void CheckApplicability(const SimulateInput& input, Diagnostics& diag) {
  const eval::RequestPrincipal& p = input.request.principal;
  std::string who = base::Concat("the principal is of type ", eval::PrincipalTypeName(p.type));
  auto reject = [&](const PolicyInput& policy, std::string_view why) {
    diag.Error(policy.key_position, base::Concat(policy.label, " cannot apply: ", who, ", ", why),
               "simulate.inapplicable-policy");
  };
  const bool identity_side = p.is_iam() && p.type != eval::PrincipalType::kAccountRoot;
  if (!identity_side) {
    std::string_view why =
        p.type == eval::PrincipalType::kAccountRoot
            ? "which has no identity-based policies, permissions boundary or session policy"
            : "which has no identity-based policies in any account";
    if (!input.identity.empty()) {
      diag.Error(input.identity_position,
                 base::Concat("policies.identity cannot apply: ", who, ", ", why),
                 "simulate.inapplicable-policy");
    }
    if (input.boundary) reject(*input.boundary, why);
  }
  if (input.session && !p.is_session()) {
    reject(*input.session,
           "and only role sessions and federated user sessions have session policies");
  }
}

// Parses and compiles one policy; reports its issues. Positions of a policy given as a JSON string
// refer to the string's content, and the message names the policy:
// "FILE@policies.identity[0]:1:12".
std::optional<eval::CompiledPolicy> CompileOne(const PolicyInput& input, policy::PolicyKind kind,
                                               Diagnostics& diag) {
  policy::PolicyParseOptions options;
  options.kind = kind;
  policy::PolicyParseResult parsed;
  std::string string_name;
  std::string_view source = diag.source();
  std::string_view name = diag.name();
  std::string content;
  if (input.value.is_string()) {
    content = std::string(input.value.text());
    parsed = policy::ParsePolicy(content, options);
    string_name = base::Concat(diag.name(), "@", input.label);
    name = string_name;
    source = content;
  } else {
    parsed = policy::ParsePolicy(input.value, options);
  }
  for (const base::Issue& issue : parsed.issues) diag.Report(issue, name, source);
  if (!parsed.policy) return std::nullopt;
  std::vector<base::Issue> issues;
  eval::CompiledPolicy compiled =
      eval::CompiledPolicy::Compile(*std::move(parsed.policy), kind, issues);
  for (const base::Issue& issue : issues) diag.Report(issue, name, source);
  if (base::HasErrors(issues)) return std::nullopt;
  return compiled;
}

std::optional<eval::PolicySet> Compile(const SimulateInput& input, Diagnostics& diag) {
  eval::PolicySet set;
  bool ok = true;
  auto one = [&](const PolicyInput& p,
                 policy::PolicyKind kind) -> std::optional<eval::CompiledPolicy> {
    std::optional<eval::CompiledPolicy> c = CompileOne(p, kind, diag);
    if (!c) ok = false;
    return c;
  };
  for (const PolicyInput& p : input.identity) {
    if (auto c = one(p, policy::PolicyKind::kIdentity)) set.identity.push_back(*std::move(c));
  }
  if (input.resource) {
    // A role's resource-based policy is its trust policy: the request's action says which one it
    // is.
    policy::PolicyKind kind = eval::IsRoleTrustAction(input.request.action)
                                  ? policy::PolicyKind::kRoleTrust
                                  : policy::PolicyKind::kResource;
    set.resource = one(*input.resource, kind);
  }
  if (input.boundary)
    set.permissions_boundary = one(*input.boundary, policy::PolicyKind::kPermissionsBoundary);
  if (input.session) set.session = one(*input.session, policy::PolicyKind::kSession);
  if (input.vpc_endpoint)
    set.vpc_endpoint = one(*input.vpc_endpoint, policy::PolicyKind::kVpcEndpoint);
  for (const auto& level : input.scps) {
    set.scps.emplace_back();
    for (const PolicyInput& p : level) {
      if (auto c = one(p, policy::PolicyKind::kServiceControl))
        set.scps.back().push_back(*std::move(c));
    }
  }
  for (const auto& level : input.rcps) {
    set.rcps.emplace_back();
    for (const PolicyInput& p : level) {
      if (auto c = one(p, policy::PolicyKind::kResourceControl))
        set.rcps.back().push_back(*std::move(c));
    }
  }
  if (!ok) return std::nullopt;
  return set;
}

void WriteResult(const eval::Evaluation& evaluation, std::ostream& out) {
  out << "{\n  \"decision\": " << json::Quote(eval::DecisionName(evaluation.decision))
      << ",\n  \"explanation\": [";
  bool first = true;
  for (const eval::DecidingStatement& e : evaluation.explanation) {
    out << (first ? "\n    " : ",\n    ");
    first = false;
    out << "{\"policy\": " << json::Quote(e.policy);
    if (e.statement) out << ", \"statement\": " << *e.statement;
    if (e.sid) out << ", \"sid\": " << json::Quote(*e.sid);
    if (e.effect) out << ", \"effect\": " << json::Quote(policy::EffectName(*e.effect));
    out << ", \"matched\": " << (e.matched ? "true" : "false");
    out << ", \"why\": " << json::Quote(e.why) << "}";
  }
  out << (first ? "]\n}\n" : "\n  ]\n}\n");
}

}  // namespace

int RunSimulate(std::string_view name, const std::string& source, std::ostream& out,
                std::ostream& err, const SimulateOptions& options) {
  json::ParseResult parsed = json::Parse(source);
  if (!parsed.ok()) {
    // The document must not be used after a failed parse: the messages quote `source` itself.
    for (const base::Issue& issue : parsed.issues)
      err << base::FormatIssue(issue, name, source) << "\n";
    return kExitBadInput;
  }
  const json::Document& document = parsed.document;
  Diagnostics diag(name, document.source(), err);
  Value root = document.root();
  if (!root.is_object()) {
    ExpectKind(root, json::Kind::kObject, "the input", diag);
    return kExitBadInput;
  }
  std::string members = "policies, request";
  for (const std::string& extra : options.extra_top_level_fields) members += ", " + extra;
  SimulateInput input;
  {
    MemberReader reader(root, "simulation input", members, diag);
    for (const std::string& extra : options.extra_top_level_fields) reader->Ignore(extra);
    if (std::optional<Value> request = reader->RequiredOfKind("request", json::Kind::kObject)) {
      ReadRequest(*request, input, diag);
    }
    if (std::optional<Value> policies = reader->OptionalOfKind("policies", json::Kind::kObject)) {
      ReadPolicies(*policies, input, diag);
    }
  }
  if (diag.has_errors()) return kExitBadInput;
  CheckApplicability(input, diag);
  if (diag.has_errors()) return kExitBadInput;

  std::optional<eval::PolicySet> set = Compile(input, diag);
  if (!set || diag.has_errors()) return kExitBadInput;

  eval::AddPrincipalContextKeys(input.request.principal, input.request.context);
  WriteResult(eval::Evaluate(*set, input.request), out);
  return kExitOk;
}

}  // namespace perimeter::cli
