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

std::string ExpectedList(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += base::Concat(out.empty() ? "" : ", ", "\"", n, "\"");
  return out;
}

// Reports every member of `object` whose key is not in `allowed`. Unknown fields are errors: a
// misspelt "permissionBoundary" silently ignored would change the decision.
void CheckMembers(const Value& object, const std::vector<std::string>& allowed,
                  std::string_view where, Diagnostics& diag) {
  for (Value member : object.members()) {
    if (std::find(allowed.begin(), allowed.end(), member.key()) != allowed.end()) continue;
    diag.Error(member.key_position(),
               base::Concat("unknown field \"", member.key(), "\" in ", where, "; expected one of ",
                            ExpectedList(allowed)),
               "simulate.unknown-field");
  }
}

bool ExpectKind(const Value& value, json::Kind kind, std::string_view what, Diagnostics& diag) {
  if (value.kind() == kind) return true;
  diag.Error(value.position(),
             base::Concat(what, " must be ", json::KindName(kind) == "object" ? "an " : "a ",
                          json::KindName(kind), ", not ", json::KindName(value.kind())),
             "simulate.wrong-type");
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
               "simulate.wrong-type");
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
                 "simulate.wrong-type");
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
  if (!ExpectKind(policies, json::Kind::kObject, "\"policies\"", diag)) return;
  CheckMembers(
      policies,
      {"identity", "resource", "permissionsBoundary", "session", "scps", "rcps", "vpcEndpoint"},
      "\"policies\"", diag);
  for (Value member : policies.members()) {
    std::string_view key = member.key();
    std::string label = base::Concat("policies.", key);
    if (key == "identity") {
      input.identity = PolicyList(member, label, diag);
      input.identity_position = member.key_position();
    }
    if (key == "resource") input.resource = OptionalPolicy(member, label, diag);
    if (key == "permissionsBoundary") input.boundary = OptionalPolicy(member, label, diag);
    if (key == "session") input.session = OptionalPolicy(member, label, diag);
    if (key == "vpcEndpoint") input.vpc_endpoint = OptionalPolicy(member, label, diag);
    if (key == "scps") input.scps = PolicyLevels(member, label, diag);
    if (key == "rcps") input.rcps = PolicyLevels(member, label, diag);
  }
}

std::optional<std::string> StringMember(const Value& object, std::string_view key,
                                        std::string_view where, Diagnostics& diag, bool required) {
  std::optional<Value> v = object.Find(key);
  if (!v) {
    if (required)
      diag.Error(object.position(), base::Concat(where, " needs \"", key, "\""),
                 "simulate.missing-field");
    return std::nullopt;
  }
  if (!ExpectKind(*v, json::Kind::kString, base::Concat(where, ".", key), diag))
    return std::nullopt;
  return std::string(v->text());
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
               "simulate.wrong-type");
    return;
  }
  CheckMembers(value, {"type", "id", "orgId", "orgPaths", "tags"}, "\"principal\"", diag);
  std::optional<std::string> type_name =
      StringMember(value, "type", "\"principal\"", diag, /*required=*/true);
  if (!type_name) return;
  std::optional<eval::PrincipalType> type = eval::ParsePrincipalType(*type_name);
  if (!type) {
    diag.Error(value.Find("type")->position(),
               base::Concat("unknown principal type \"", *type_name,
                            "\"; expected IAMUser, IAMRole, AssumedRoleSession, FederatedUser, "
                            "AccountRoot, Service, "
                            "WebIdentityOrSAML, CanonicalUser or Anonymous"),
               "simulate.bad-principal");
    return;
  }
  std::string id =
      StringMember(value, "id", "\"principal\"", diag, /*required=*/false).value_or("");
  absl::StatusOr<eval::RequestPrincipal> p = eval::MakeRequestPrincipal(*type, id);
  if (!p.ok()) {
    diag.Error(value.position(), std::string(p.status().message()), "simulate.bad-principal");
    return;
  }
  if (std::optional<std::string> org = StringMember(value, "orgId", "\"principal\"", diag, false))
    p->org_id = *org;
  if (std::optional<Value> paths = value.Find("orgPaths")) {
    if (ExpectKind(*paths, json::Kind::kArray, "\"principal\".orgPaths", diag)) {
      for (Value path : paths->children()) {
        if (ExpectKind(path, json::Kind::kString, "an organization path", diag)) {
          p->org_paths.emplace_back(path.text());
        }
      }
    }
  }
  if (std::optional<Value> tags = value.Find("tags")) {
    if (ExpectKind(*tags, json::Kind::kObject, "\"principal\".tags", diag)) {
      for (Value tag : tags->members()) {
        if (ExpectKind(tag, json::Kind::kString, "a tag value", diag)) {
          p->tags[std::string(tag.key())] = std::string(tag.text());
        }
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
                     "simulate.wrong-type");
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
                 "simulate.wrong-type");
    }
  }
}

void ReadRequest(const Value& request, SimulateInput& input, Diagnostics& diag) {
  if (!ExpectKind(request, json::Kind::kObject, "\"request\"", diag)) return;
  CheckMembers(request, {"principal", "action", "resource", "context"}, "\"request\"", diag);
  if (std::optional<Value> principal = request.Find("principal")) {
    ReadPrincipal(*principal, input, diag);
  } else {
    input.request.principal.type =
        eval::PrincipalType::kAnonymous;  // documented: omitted = anonymous
    input.principal_position = request.position();
  }
  if (std::optional<std::string> action =
          StringMember(request, "action", "\"request\"", diag, true)) {
    size_t colon = action->find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == action->size() ||
        action->find_first_of("*? ") != std::string::npos) {
      diag.Error(
          request.Find("action")->position(),
          base::Concat("\"", *action,
                       "\" is not an action: a request names one action, \"service:Action\""),
          "simulate.bad-action");
    }
    input.request.action = *action;
  }
  std::optional<Value> resource = request.Find("resource");
  if (!resource) {
    diag.Error(request.position(), "\"request\" needs \"resource\"", "simulate.missing-field");
  } else if (ExpectKind(*resource, json::Kind::kObject, "\"request\".resource", diag)) {
    CheckMembers(*resource, {"arn", "account"}, "\"resource\"", diag);
    if (std::optional<std::string> arn =
            StringMember(*resource, "arn", "\"resource\"", diag, true)) {
      if (*arn != "*" && !policy::ParseArn(*arn)) {
        diag.Error(resource->Find("arn")->position(),
                   base::Concat(
                       "\"", *arn,
                       "\" is not an ARN (arn:partition:service:region:account:resource) or \"*\""),
                   "simulate.bad-resource");
      }
      input.request.resource_arn = *arn;
    }
    if (std::optional<std::string> account =
            StringMember(*resource, "account", "\"resource\"", diag, false)) {
      std::optional<policy::Arn> arn = policy::ParseArn(input.request.resource_arn);
      if (!policy::IsAccountId(*account)) {
        diag.Error(resource->Find("account")->position(),
                   base::Concat("\"", *account, "\" is not a 12-digit account id"),
                   "simulate.bad-resource");
      } else if (arn && !arn->account.empty() && arn->account != *account) {
        // The owner is in the ARN (an account id, or "aws" for what AWS owns): a different
        // "account" would make the evaluator guess which of the two owns the resource.
        diag.Error(resource->Find("account")->position(),
                   base::Concat("\"account\" is \"", *account,
                                "\" but the resource ARN names the account \"", arn->account,
                                "\"; leave \"account\" out or make them agree"),
                   "simulate.bad-resource");
      }
      input.request.resource_account = *account;
    }
  }
  if (std::optional<Value> context = request.Find("context"))
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
  if (!ExpectKind(root, json::Kind::kObject, "the input", diag)) return kExitBadInput;

  std::vector<std::string> allowed = {"policies", "request"};
  allowed.insert(allowed.end(), options.extra_top_level_fields.begin(),
                 options.extra_top_level_fields.end());
  CheckMembers(root, allowed, "the input", diag);

  SimulateInput input;
  std::optional<Value> request = root.Find("request");
  if (!request) {
    diag.Error(root.position(), "the input needs \"request\"", "simulate.missing-field");
  } else {
    ReadRequest(*request, input, diag);
  }
  if (std::optional<Value> policies = root.Find("policies")) ReadPolicies(*policies, input, diag);
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
