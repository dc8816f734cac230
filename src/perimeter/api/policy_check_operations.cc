#include <algorithm>

#include "perimeter/analysis/policy_check_request.h"
#include "perimeter/analysis/policy_checks.h"
#include "perimeter/analysis/public_access_types.h"
#include "perimeter/api/access_analyzer_service.h"
#include "perimeter/api/internal/operation_support.h"
#include "perimeter/base/text.h"
#include "perimeter/json/writer.h"
#include "perimeter/policy/policy_parser.h"

namespace perimeter::api {

namespace {

// A policy document of a custom policy check, or the InvalidParameterException (400) that names the
// member, line and column of its first error.
ApiResult<policy::Policy> ParseCheckedDocument(std::string_view member, const std::string& document,
                                               policy::PolicyKind kind) {
  policy::PolicyParseOptions options;
  options.kind = kind;
  policy::PolicyParseResult parsed = policy::ParsePolicy(document, options);
  if (parsed.ok()) return std::move(*parsed.policy);
  const base::Issue& issue = *std::find_if(
      parsed.issues.begin(), parsed.issues.end(),
      [](const base::Issue& issue) { return issue.severity == base::Severity::kError; });
  return AwsError{400,
                  "InvalidParameterException",
                  base::Concat(member, ":", base::ToString(issue.position), ": ", issue.message),
                  "",
                  {},
                  "",
                  ""};
}

// A custom policy check's response: result, message, reasons.
std::string CheckResultJson(const analysis::CheckResult& result) {
  json::Writer w;
  analysis::WriteCheckResult(result, w);
  return std::move(w).Take();
}

// The policyType member of a custom policy check.
std::optional<analysis::CheckPolicyType> ReadCheckPolicyType(RequestReader& reader) {
  std::optional<std::string> name = reader.String("policyType", true);
  std::optional<analysis::CheckPolicyType> type =
      name ? analysis::ParseCheckPolicyType(*name) : std::nullopt;
  if (name && !type) reader.Violation("policyType", analysis::kPolicyTypeConstraint);
  return type;
}

}  // namespace

// CheckNoNewAccess (IAM Access Analyzer API Reference): both documents and the policy type
// required; a document that is not a policy of that type is InvalidParameterException (400) naming
// the member, line and column of the first error.
ApiResponse AccessAnalyzerService::CheckNoNewAccess(const RestRequest& request) {
  RequestReader reader(request.body);
  std::optional<std::string> new_document = reader.String("newPolicyDocument", true);
  std::optional<std::string> existing_document = reader.String("existingPolicyDocument", true);
  std::optional<analysis::CheckPolicyType> type = ReadCheckPolicyType(reader);
  if (!reader.ok()) return RestJsonError(reader.error());
  policy::PolicyKind kind = analysis::PolicyKindOf(*type);
  API_ASSIGN_OR_RETURN(policy::Policy new_policy,
                       ParseCheckedDocument("newPolicyDocument", *new_document, kind));
  API_ASSIGN_OR_RETURN(policy::Policy existing,
                       ParseCheckedDocument("existingPolicyDocument", *existing_document, kind));
  absl::StatusOr<analysis::CheckResult> result =
      analysis::CheckNoNewAccess(new_policy, existing, *type);
  if (!result.ok()) return Internal(result.status());
  return Ok(CheckResultJson(*result));
}

// CheckNoPublicAccess: the policy document and its resource type required; a type outside AWS's
// AccessCheckResourceType is a ValidationException. Every type inside it is checked
// (analysis/public_access_types.h).
ApiResponse AccessAnalyzerService::CheckNoPublicAccess(const RestRequest& request) {
  RequestReader reader(request.body);
  std::optional<std::string> document = reader.String("policyDocument", true);
  std::optional<std::string> resource_type = reader.String("resourceType", true);
  if (resource_type && !analysis::IsAccessCheckResourceType(*resource_type)) {
    reader.Violation("resourceType",
                     "Member must satisfy enum value set of AccessCheckResourceType");
  }
  if (!reader.ok()) return RestJsonError(reader.error());
  policy::PolicyKind kind = analysis::PublicAccessPolicyKind(*resource_type);
  API_ASSIGN_OR_RETURN(policy::Policy policy,
                       ParseCheckedDocument("policyDocument", *document, kind));
  absl::StatusOr<analysis::CheckResult> result =
      analysis::CheckNoPublicAccess(policy, *resource_type);
  if (!result.ok()) return Internal(result.status());
  return Ok(CheckResultJson(*result));
}

// CheckAccessNotGranted: the policy document, its type and at most one access {actions, resources}
// (each at most 100 entries, at least one of the two given).
ApiResponse AccessAnalyzerService::CheckAccessNotGranted(const RestRequest& request) {
  RequestReader reader(request.body);
  std::optional<std::string> document = reader.String("policyDocument", true);
  std::optional<analysis::CheckPolicyType> type = ReadCheckPolicyType(reader);
  std::optional<json::Value> access = reader.Member("access");
  analysis::AccessToCheck wanted;
  if (!access) {
    reader.Violation("access", "Member must not be null");
  } else {
    std::vector<analysis::MemberViolation> violations;
    wanted = analysis::ReadAccessToCheck(*access, analysis::AccessForm::kList, violations);
    for (const analysis::MemberViolation& violation : violations) {
      reader.Violation(violation.member, violation.constraint);
    }
  }
  if (!reader.ok()) return RestJsonError(reader.error());
  API_ASSIGN_OR_RETURN(policy::Policy policy, ParseCheckedDocument("policyDocument", *document,
                                                                   analysis::PolicyKindOf(*type)));
  absl::StatusOr<analysis::CheckResult> result =
      analysis::CheckAccessNotGranted(policy, *type, wanted.actions, wanted.resources);
  if (!result.ok()) return Internal(result.status());
  return Ok(CheckResultJson(*result));
}

}  // namespace perimeter::api
