#include "perimeter/api/iam_operations.h"

#include <regex>

#include "perimeter/api/sts_operations.h"
#include "perimeter/aws/arn.h"
#include "perimeter/aws/sigv4/sigv4.h"
#include "perimeter/base/text.h"
#include "perimeter/findings/finding_record.h"

namespace perimeter::api {
namespace {

ApiResponse Refuse(int status, std::string code, std::string message, std::string_view request_id) {
  return QueryError(QueryProtocolError(status, std::move(code), std::move(message)), kIamNamespace,
                    request_id);
}

// A required parameter that is absent: IAM's model validation (ValidationError, 400).
ApiResponse Missing(std::string_view member, std::string_view request_id) {
  return Refuse(400, "ValidationError",
                base::Concat("1 validation error detected: Value null at '", member,
                             "' failed to satisfy constraint: Member must not be null"),
                request_id);
}

std::string Line(std::string_view name, std::string_view text) {
  return base::Concat("      ", XmlElement(name, text), "\n");
}

std::string Bool(bool value) { return value ? "true" : "false"; }

// The policy the call names, once its ARN, account and the caller's permissions are checked: the
// policy, or the refusal.
std::variant<const resources::ManagedPolicy*, ApiResponse> NamedPolicy(
    const Caller& caller, const QueryCall& call, const FindManagedPolicy& find,
    const AuthorizeCall& authorize, std::string_view request_id) {
  std::optional<std::string_view> arn_text = FormValue(call.parameters, "PolicyArn");
  if (!arn_text) return Missing("policyArn", request_id);
  std::optional<aws::Arn> arn = aws::ParseArn(*arn_text);
  if (!arn || arn->service != "iam" || !arn->region.empty() || arn->account.empty() ||
      !arn->resource.starts_with("policy/")) {
    return Refuse(400, "InvalidInput", base::Concat("ARN ", *arn_text, " is not valid."),
                  request_id);
  }
  std::string action = base::Concat("iam:", call.action);
  // IAM has no resource-based policies: no identity-based policy of one account reaches another
  // account's managed policies (IAM User Guide, "Cross account policy evaluation logic").
  if (arn->account != caller.account_id && arn->account != "aws") {
    return Refuse(403, "AccessDenied",
                  base::Concat("User: ", caller.principal_arn, " is not authorized to perform: ",
                               action, " on resource: policy ", *arn_text,
                               " because no resource-based policy allows the ", action, " action"),
                  request_id);
  }
  if (std::optional<AwsError> refusal =
          authorize(AuthorizationTarget{action, std::string(*arn_text)})) {
    return QueryError(StsAuthError(*refusal), kIamNamespace, request_id);
  }
  const resources::ManagedPolicy* policy = find(caller.account_id, *arn_text);
  if (policy == nullptr) {
    return Refuse(404, "NoSuchEntity", base::Concat("Policy ", *arn_text, " was not found."),
                  request_id);
  }
  return policy;
}

ApiResponse GetPolicy(const resources::ManagedPolicy& policy, std::string_view request_id) {
  std::string xml =
      base::Concat("    <Policy>\n", Line("PolicyName", policy.policy_name),
                   Line("PolicyId", policy.policy_id), Line("Arn", policy.arn),
                   Line("Path", policy.path), Line("DefaultVersionId", policy.default_version_id),
                   Line("AttachmentCount", std::to_string(policy.attachment_count)),
                   Line("PermissionsBoundaryUsageCount",
                        std::to_string(policy.permissions_boundary_usage_count)),
                   Line("IsAttachable", Bool(policy.is_attachable)));
  if (policy.description) xml += Line("Description", *policy.description);
  xml += base::Concat(Line("CreateDate", findings::FormatTimestamp(policy.create_date)),
                      Line("UpdateDate", findings::FormatTimestamp(policy.update_date)),
                      "    </Policy>\n");
  return QueryResponse("GetPolicy", kIamNamespace, xml, request_id);
}

ApiResponse GetPolicyVersion(const resources::ManagedPolicy& policy, const QueryCall& call,
                             std::string_view request_id) {
  std::optional<std::string_view> version_id = FormValue(call.parameters, "VersionId");
  if (!version_id) return Missing("versionId", request_id);
  // IAM's model: policyVersionIdType, v[1-9][0-9]*(\.[A-Za-z0-9-]*)?
  static const std::regex kVersionId(R"(v[1-9][0-9]*(\.[A-Za-z0-9-]*)?)");
  if (!std::regex_match(version_id->begin(), version_id->end(), kVersionId)) {
    return Refuse(
        400, "ValidationError",
        base::Concat("1 validation error detected: Value '", *version_id,
                     "' at 'versionId' failed to satisfy constraint: Member must "
                     "satisfy regular expression pattern: v[1-9][0-9]*(\\.[A-Za-z0-9-]*)?"),
        request_id);
  }
  for (const resources::ManagedPolicyVersion& version : policy.versions) {
    if (version.version_id != *version_id) continue;
    // The document as IAM returns it: URL-encoded (RFC 3986), which the SDKs decode.
    std::string xml = base::Concat(
        "    <PolicyVersion>\n",
        Line("Document", aws::sigv4::UriEncode(version.document, /*keep_slash=*/false)),
        Line("VersionId", version.version_id),
        Line("IsDefaultVersion", Bool(version.is_default_version)),
        Line("CreateDate", findings::FormatTimestamp(version.create_date)),
        "    </PolicyVersion>\n");
    return QueryResponse("GetPolicyVersion", kIamNamespace, xml, request_id);
  }
  return Refuse(404, "NoSuchEntity",
                base::Concat("Policy ", policy.arn, " version ", *version_id,
                             " does not exist or is not attachable."),
                request_id);
}

}  // namespace

ApiResponse HandleIam(const Caller& caller, const QueryRequest& request,
                      const FindManagedPolicy& find, const AuthorizeCall& authorize,
                      std::string_view request_id) {
  auto read = ReadQueryCall(request, kIamVersion, kIamNamespace, request_id);
  if (auto* refusal = std::get_if<ApiResponse>(&read)) return std::move(*refusal);
  const QueryCall& call = std::get<QueryCall>(read);
  if (call.action != "GetPolicy" && call.action != "GetPolicyVersion") {
    return Refuse(
        400, "InvalidAction",
        base::Concat("Could not find operation ", call.action, " for version ", kIamVersion,
                     " (Perimeter answers GetPolicy and GetPolicyVersion only: "
                     "docs/server.md)"),
        request_id);
  }
  auto named = NamedPolicy(caller, call, find, authorize, request_id);
  if (auto* refusal = std::get_if<ApiResponse>(&named)) return std::move(*refusal);
  const resources::ManagedPolicy& policy = *std::get<const resources::ManagedPolicy*>(named);
  if (call.action == "GetPolicy") return GetPolicy(policy, request_id);
  return GetPolicyVersion(policy, call, request_id);
}

}  // namespace perimeter::api
