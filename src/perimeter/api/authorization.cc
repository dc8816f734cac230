#include "perimeter/api/authorization.h"

#include <algorithm>

#include "perimeter/base/issue.h"
#include "perimeter/base/text.h"
#include "perimeter/eval/request.h"
#include "perimeter/json/document.h"
#include "perimeter/policy/policy_parser.h"

namespace perimeter::api {

namespace {

std::string AnalyzerArnOf(const Caller& caller, std::string_view name) {
  return base::Concat("arn:aws:access-analyzer:", caller.region, ":", caller.account_id,
                      ":analyzer/", name);
}

// A string member of the request's JSON body; nullopt when absent or the body is not an object.
std::optional<std::string> BodyString(const RestRequest& request, std::string_view member) {
  if (request.body.empty()) return std::nullopt;
  json::ParseResult parsed = json::Parse(request.body);
  if (!parsed.ok() || !parsed.document.root().is_object()) return std::nullopt;
  std::optional<json::Value> value = parsed.document.root().Find(member);
  if (!value || !value->is_string()) return std::nullopt;
  return std::string(value->text());
}

std::optional<std::string> Label(const RestRequest& request, std::string_view name) {
  auto it = request.labels.find(std::string(name));
  if (it == request.labels.end()) return std::nullopt;
  return it->second;
}

}  // namespace

// Resource types per action: Service Authorization Reference, "Actions, resources, and condition
// keys for IAM Access Analyzer" (Analyzer:
// arn:${Partition}:access-analyzer:${Region}:${Account}:analyzer/
// ${AnalyzerName}; ArchiveRule: .../analyzer/${AnalyzerName}/archive-rule/${RuleName}).
AuthorizationTarget AccessAnalyzerTarget(const Caller& caller, const RestRequest& request) {
  const std::string& op = request.operation;
  AuthorizationTarget target{base::Concat("access-analyzer:", op), "*"};
  // "ListFindings and ListFindingsV2 both use access-analyzer:ListFindings", and GetFindingV2
  // access-analyzer:GetFinding (API Reference, "ListFindingsV2", "GetFindingV2"): IAM has no V2
  // actions.
  if (op == "ListFindingsV2") target.action = "access-analyzer:ListFindings";
  if (op == "GetFindingV2") target.action = "access-analyzer:GetFinding";
  std::optional<std::string> analyzer_name = Label(request, "analyzerName");
  if (op == "CreateAnalyzer") analyzer_name = BodyString(request, "analyzerName");
  std::optional<std::string> rule_name = Label(request, "ruleName");
  if (op == "CreateArchiveRule") rule_name = BodyString(request, "ruleName");
  if (op == "TagResource" || op == "UntagResource" || op == "ListTagsForResource") {
    if (std::optional<std::string> arn = Label(request, "resourceArn")) target.resource = *arn;
    return target;
  }
  if (op == "ApplyArchiveRule") {
    std::optional<std::string> arn = BodyString(request, "analyzerArn");
    rule_name = BodyString(request, "ruleName");
    if (arn && rule_name) target.resource = base::Concat(*arn, "/archive-rule/", *rule_name);
    return target;
  }
  if (analyzer_name) {
    target.resource = AnalyzerArnOf(caller, *analyzer_name);
    bool rule_operation = op == "CreateArchiveRule" || op == "UpdateArchiveRule" ||
                          op == "GetArchiveRule" || op == "DeleteArchiveRule";
    if (rule_operation && rule_name)
      target.resource = base::Concat(target.resource, "/archive-rule/", *rule_name);
    return target;
  }
  // Calls on an analyzer named by ARN: in the body, or in the query (GetFinding,
  // GetAnalyzedResource).
  std::optional<std::string> analyzer_arn = BodyString(request, "analyzerArn");
  if (!analyzer_arn) analyzer_arn = request.Query("analyzerArn");
  if (analyzer_arn) target.resource = *analyzer_arn;
  return target;
}

AuthorizationTarget OrganizationsTarget(std::string_view operation) {
  return AuthorizationTarget{base::Concat("organizations:", operation), "*"};
}

AuthorizationTarget ImportTarget() { return AuthorizationTarget{"perimeter:ImportInventory", "*"}; }

absl::StatusOr<std::shared_ptr<const IdentityPolicies>> IdentityPolicies::Compile(
    const std::vector<std::pair<std::string, std::string>>& documents) {
  auto compiled = std::make_shared<IdentityPolicies>();
  for (const auto& [name, text] : documents) {
    policy::PolicyParseOptions options;
    options.kind = policy::PolicyKind::kIdentity;
    policy::PolicyParseResult parsed = policy::ParsePolicy(text, options);
    if (!parsed.ok()) {
      auto error = std::find_if(
          parsed.issues.begin(), parsed.issues.end(),
          [](const base::Issue& issue) { return issue.severity == base::Severity::kError; });
      return absl::InvalidArgumentError(base::FormatIssue(*error, name, text));
    }
    std::vector<base::Issue> issues;
    compiled->policies_.identity.push_back(eval::CompiledPolicy::Compile(
        std::move(*parsed.policy), policy::PolicyKind::kIdentity, issues));
    for (const base::Issue& issue : issues) {
      if (issue.severity == base::Severity::kError) {
        return absl::InvalidArgumentError(base::FormatIssue(issue, name, text));
      }
    }
  }
  return std::shared_ptr<const IdentityPolicies>(std::move(compiled));
}

std::optional<AwsError> IdentityPolicies::Authorize(const Caller& caller,
                                                    const AuthorizationTarget& target) const {
  absl::StatusOr<eval::RequestPrincipal> principal =
      eval::ParseRequestPrincipal(caller.principal_arn);
  if (!principal.ok()) {
    return AccessDeniedError(base::Concat(
        "User: ", caller.principal_arn, " is not authorized to perform: ", target.action,
        " on resource: ", target.resource, " because the principal is not an IAM identity"));
  }
  eval::Request request;
  request.principal = std::move(*principal);
  request.action = target.action;
  request.resource_arn = target.resource;
  // The resources are the caller's own account's (an account sees only its own analyzers).
  request.resource_account = caller.account_id;
  request.context.Set("aws:RequestedRegion", caller.region);
  eval::AddPrincipalContextKeys(request.principal, request.context);
  eval::EvaluationOptions options;
  options.explain = false;
  eval::Evaluation evaluation = eval::Evaluate(policies_, request, options);
  std::string prefix =
      base::Concat("User: ", caller.principal_arn, " is not authorized to perform: ", target.action,
                   " on resource: ", target.resource);
  switch (evaluation.decision) {
    case eval::Decision::kAllow:
      return std::nullopt;
    case eval::Decision::kExplicitDeny:
      return AccessDeniedError(
          base::Concat(prefix, " with an explicit deny in an identity-based policy"));
    case eval::Decision::kImplicitDeny:
      return AccessDeniedError(base::Concat(prefix, " because no identity-based policy allows the ",
                                            target.action, " action"));
  }
  return AccessDeniedError(prefix);  // unreachable: every decision is handled above
}

}  // namespace perimeter::api
