#include "perimeter/ingest/internal/lambda_permission.h"

#include <span>
#include <string>
#include <string_view>

#include "perimeter/base/text.h"
#include "perimeter/json/document.h"
#include "perimeter/resources/resource.h"

namespace perimeter::ingest::internal {
namespace {

// AddPermission takes a service principal ("s3.amazonaws.com") or an account or ARN; a layer
// version's permission is granted to accounts (or "*") only.
std::string PrincipalJson(const LambdaPermission& permission) {
  const std::string& principal = permission.principal;
  if (principal == "*") return "\"*\"";
  bool service =
      principal.find(".amazonaws.com") != std::string::npos || principal.ends_with(".amazon.com");
  if (permission.target == LambdaPermission::Target::kFunction && service) {
    return base::Concat("{\"Service\":", json::Quote(principal), "}");
  }
  return base::Concat("{\"AWS\":", json::Quote(principal), "}");
}

constexpr LambdaPermissionCondition kFunctionConditions[] = {
    {"SourceArn", "source_arn", &LambdaPermission::source_arn},
    {"SourceAccount", "source_account", &LambdaPermission::source_account},
    {"PrincipalOrgID", "principal_org_id", &LambdaPermission::principal_org_id},
    {"FunctionUrlAuthType", "function_url_auth_type", &LambdaPermission::function_url_auth_type},
    {"EventSourceToken", "event_source_token", &LambdaPermission::event_source_token},
};
constexpr LambdaPermissionCondition kLayerVersionConditions[] = {
    {"OrganizationId", "organization_id", &LambdaPermission::organization_id},
};

}  // namespace

std::span<const LambdaPermissionCondition> LambdaPermissionConditions(
    LambdaPermission::Target target) {
  switch (target) {
    case LambdaPermission::Target::kFunction:
      return kFunctionConditions;
    case LambdaPermission::Target::kLayerVersion:
      return kLayerVersionConditions;
  }
  return {};
}

std::string LambdaPermissionStatement(const LambdaPermission& permission) {
  std::string conditions;
  auto condition = [&](const std::string& value, std::string_view op, std::string_view key) {
    if (value.empty()) return;
    conditions += base::Concat(conditions.empty() ? "" : ",", json::Quote(op), ":{",
                               json::Quote(key), ":", json::Quote(value), "}");
  };
  condition(permission.source_arn, "ArnLike", "AWS:SourceArn");
  condition(permission.source_account, "StringEquals", "AWS:SourceAccount");
  condition(permission.principal_org_id, "StringEquals", "aws:PrincipalOrgID");
  condition(permission.function_url_auth_type, "StringEquals", "lambda:FunctionUrlAuthType");
  condition(permission.event_source_token, "StringEquals", "lambda:EventSourceToken");
  condition(permission.organization_id, "StringEquals", "aws:PrincipalOrgID");
  return base::Concat(
      "{", permission.sid.empty() ? "" : base::Concat("\"Sid\":", json::Quote(permission.sid), ","),
      "\"Effect\":\"Allow\",\"Principal\":", PrincipalJson(permission),
      ",\"Action\":", json::Quote(permission.action),
      ",\"Resource\":", json::Quote(permission.resource),
      conditions.empty() ? "" : base::Concat(",\"Condition\":{", conditions, "}"), "}");
}

void AddLambdaPermission(const LambdaPermission& permission, std::string_view arn,
                         std::string_view owner_account, std::string_view region,
                         base::SourcePosition position, InventoryBuilder& builder) {
  switch (permission.target) {
    case LambdaPermission::Target::kFunction:
      builder.AddStatement(resources::ResourceType::kLambdaFunction, arn, owner_account, region,
                           "functionPolicy", LambdaPermissionStatement(permission), position);
      return;
    case LambdaPermission::Target::kLayerVersion:
      builder.AddStatement(resources::ResourceType::kLambdaLayerVersion, arn, owner_account, region,
                           "layerVersionPolicy", LambdaPermissionStatement(permission), position);
      return;
  }
}

}  // namespace perimeter::ingest::internal
