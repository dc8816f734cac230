#include "perimeter/analysis/policy_checks.h"

#include <algorithm>
#include <set>

#include "absl/status/status.h"
#include "perimeter/analysis/public_access_types.h"
#include "perimeter/base/text.h"
#include "perimeter/policy/wildcard.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/new_access.h"

namespace perimeter::analysis {
namespace {

// The account the checked resource is placed in. No principal of the policy is trusted: the zone of
// trust of a check is this account alone, which the policy cannot name by accident.
constexpr char kCheckAccount[] = "000000000000";

// How a reason names its statement, in AWS's wording (tf-policy-validator's recorded outputs of the
// real service): a lead, then "sid: S." or, without a Sid, "index: N.". CheckNoPublicAccess's lead
// is kPublicLead; CheckAccessNotGranted's names what the request listed (AccessLead).
constexpr std::string_view kPublicLead = "Public access granted in the following statement with ";

std::string_view AccessLead(bool actions_listed, bool resources_listed) {
  if (actions_listed && resources_listed) {
    return "One or more of the listed actions and/or resources in the statement with ";
  }
  return actions_listed ? "One or more of the listed actions in the statement with "
                        : "One or more of the listed resources in the statement with ";
}

std::string Describe(std::string_view lead, size_t index, const std::optional<std::string>& sid) {
  return sid.has_value() && !sid->empty() ? base::Concat(lead, "sid: ", *sid, ".")
                                          : base::Concat(lead, "index: ", index, ".");
}

std::vector<CheckReason> ReasonsFrom(const std::vector<findings::Finding>& found,
                                     bool (*wanted)(const findings::Finding&),
                                     std::string_view lead) {
  std::vector<CheckReason> reasons;
  std::set<size_t> seen;
  for (const findings::Finding& finding : found) {
    if (finding.error.has_value()) {
      reasons.push_back({base::Concat("the analysis could not decide: ", finding.error_reason),
                         std::nullopt, std::nullopt});
      continue;
    }
    if (!wanted(finding)) continue;
    for (const findings::StatementRef& ref : finding.explanation) {
      if (!seen.insert(ref.index).second) continue;
      reasons.push_back({Describe(lead, ref.index, ref.sid), ref.index, ref.sid});
    }
  }
  return reasons;
}

CheckResult Result(std::vector<CheckReason> reasons, std::string_view pass_message,
                   std::string_view fail_message) {
  CheckResult result;
  result.pass = reasons.empty();
  result.message = std::string(result.pass ? pass_message : fail_message);
  result.reasons = std::move(reasons);
  return result;
}

}  // namespace

std::vector<std::string> SupportedPublicAccessResourceTypes() {
  std::vector<std::string> out;
  for (const PublicAccessType& type : PublicAccessTypes()) out.emplace_back(type.name);
  return out;
}

absl::StatusOr<CheckResult> CheckNoPublicAccess(const policy::Policy& policy,
                                                const std::string& resource_type) {
  const PublicAccessType* checked = FindPublicAccessType(resource_type);
  if (checked == nullptr) {
    return absl::InvalidArgumentError(
        base::Concat("resource type ", resource_type, " is not supported by this check"));
  }
  reasoning::AccessModel model;
  model.resource_arn = std::string(checked->arn);
  model.resource_type = resource_type;
  model.owner_account = kCheckAccount;
  model.targets = checked->targets;
  if (checked->any_action_counts) {
    // Every action an Allow names counts, whatever its service (AWS's CheckNoPublicAccess fails a
    // table bucket policy that allows "s3:*" to everyone): each pattern is also checked as the
    // name of a request on the type's ARN. A pattern matches itself, so an Allow of it without a
    // restricting condition or a Deny that covers it is public.
    std::vector<std::string> named;
    for (const policy::Statement& statement : policy.statements) {
      if (statement.effect != policy::Effect::kAllow || statement.action.negated) continue;
      for (const policy::Text& pattern : statement.action.patterns) named.push_back(pattern.value);
    }
    if (!named.empty()) {
      model.targets.push_back(
          reasoning::ResourceTarget{{std::string(checked->arn)}, std::move(named)});
    }
  }
  model.policy = &policy;
  model.policy_kind = checked->kind;
  reasoning::AnalysisResult analysis =
      reasoning::AnalyzeExternalAccess(model, reasoning::ZoneOfTrust::ForAccount(kCheckAccount));
  return Result(
      ReasonsFrom(
          analysis.findings, [](const findings::Finding& f) { return f.is_public; }, kPublicLead),
      "The resource policy does not grant public access for the given resource type.",
      "The resource policy grants public access for the given resource type.");
}

absl::StatusOr<CheckResult> CheckAccessNotGranted(const policy::Policy& source,
                                                  CheckPolicyType type,
                                                  const std::vector<std::string>& actions,
                                                  const std::vector<std::string>& resources) {
  if (actions.empty() && resources.empty()) {
    return absl::InvalidArgumentError("the access to check names no action and no resource");
  }
  // An identity policy grants to whoever it is attached to: read it as a resource policy that names
  // everyone, so that the engine's "external principal" is that caller.
  policy::Policy policy = source;
  if (type == CheckPolicyType::kIdentityPolicy) {
    for (policy::Statement& statement : policy.statements) {
      policy::PrincipalSpec everyone;
      everyone.wildcard = true;
      statement.principal = everyone;
    }
  }
  // Every action the check names; with none, every action the policy's patterns could match is not
  // known offline, so the caller must name them (AWS requires actions or resources).
  std::vector<std::string> checked_actions = actions;
  if (checked_actions.empty()) {
    for (const policy::Statement& statement : policy.statements) {
      for (const policy::Text& pattern : statement.action.patterns)
        checked_actions.push_back(pattern.value);
    }
  }
  reasoning::AccessModel model;
  model.resource_arn = resources.empty() ? "*" : resources.front();
  model.resource_type = "AWS::IAM::Policy";
  model.owner_account = kCheckAccount;
  model.targets = {reasoning::ResourceTarget{
      resources.empty() ? std::vector<std::string>{"*"} : resources, checked_actions}};
  model.policy = &policy;
  model.policy_kind = policy::PolicyKind::kResource;
  reasoning::AnalysisResult analysis =
      reasoning::AnalyzeExternalAccess(model, reasoning::ZoneOfTrust::ForAccount(kCheckAccount));
  std::string_view lead = AccessLead(!actions.empty(), !resources.empty());
  std::vector<CheckReason> reasons = ReasonsFrom(
      analysis.findings, [](const findings::Finding&) { return true; }, lead);
  // The engine does not report service principals (Access Analyzer does not): a grant to a service
  // is access all the same. Without deciding its conditions, any Allow naming a service and one of
  // the actions fails the check (conservative: a PASS stays a proof).
  for (const policy::Statement& statement : policy.statements) {
    if (statement.effect != policy::Effect::kAllow || !statement.principal.has_value()) continue;
    bool names_service = std::any_of(
        statement.principal->values.begin(), statement.principal->values.end(),
        [](const policy::PrincipalValue& v) { return v.kind == policy::PrincipalKind::kService; });
    if (!names_service) continue;
    bool grants = false;
    for (const std::string& action : checked_actions) {
      bool listed = std::any_of(statement.action.patterns.begin(), statement.action.patterns.end(),
                                [&](const policy::Text& p) {
                                  return policy::WildcardPattern::FromGlob(p.value).Matches(
                                      action, policy::CaseMode::kInsensitive);
                                });
      grants = grants || listed != statement.action.negated;
    }
    if (grants) {
      // A grant to a service principal: reported as AWS words any grant of the listed access.
      reasons.push_back(
          {Describe(lead, statement.index, statement.sid), statement.index, statement.sid});
    }
  }
  return Result(std::move(reasons),
                "The policy document does not grant access to perform one of the listed actions or "
                "resources.",
                "The policy document grants access to perform one or more of the listed actions or "
                "resources.");
}

absl::StatusOr<CheckResult> CheckNoNewAccess(const policy::Policy& new_policy,
                                             const policy::Policy& existing_policy,
                                             CheckPolicyType type) {
  reasoning::ComparedPolicies compared = type == CheckPolicyType::kIdentityPolicy
                                             ? reasoning::ComparedPolicies::kIdentity
                                             : reasoning::ComparedPolicies::kResource;
  reasoning::NewAccessResult found =
      reasoning::FindNewAccess(new_policy, existing_policy, compared);
  std::vector<CheckReason> reasons;
  for (const reasoning::NewAccessGrant& grant : found.grants) {
    // AWS's wording (AWS CLI examples, check-no-new-access): the statement by Sid when it has one.
    bool named = grant.sid.has_value() && !grant.sid->empty();
    std::string description =
        named
            ? base::Concat("New access in the statement with sid: ", *grant.sid, ".")
            : base::Concat("New access in the statement with index: ", grant.statement_index, ".");
    if (!grant.confirmed) {
      description +=
          " (Possibly: the policies use policy variables, which Perimeter compares "
          "conservatively.)";
    }
    reasons.push_back({std::move(description), grant.statement_index, grant.sid});
  }
  if (!found.decided) {
    reasons.push_back(
        {base::Concat("The comparison could not be decided: ", found.undecided_reason),
         std::nullopt, std::nullopt});
  }
  return Result(
      std::move(reasons),
      "The modified permissions do not grant new access compared to your existing policy.",
      "The modified permissions grant new access compared to your existing policy.");
}

void WriteCheckResult(const CheckResult& result, json::Writer& w) {
  w.BeginObject()
      .Key("result")
      .String(result.pass ? "PASS" : "FAIL")
      .Key("message")
      .String(result.message);
  w.Key("reasons").BeginArray();
  for (const CheckReason& reason : result.reasons) {
    w.BeginObject().Key("description").String(reason.description);
    if (reason.statement_index.has_value())
      w.Key("statementIndex").Int(static_cast<int64_t>(*reason.statement_index));
    if (reason.statement_id.has_value() && !reason.statement_id->empty())
      w.Key("statementId").String(*reason.statement_id);
    w.EndObject();
  }
  w.EndArray().EndObject();
}

}  // namespace perimeter::analysis
