#include "perimeter/ingest/internal/lambda_permission.h"

#include <algorithm>
#include <iterator>
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

std::vector<TemplatePolicy> LambdaPermissionPolicies(
    const std::vector<LocatedLambdaPermission>& permissions) {
  // A part of the document written at `position` in the file: [start, end) in the document.
  struct Span {
    uint32_t start, end;
    base::SourcePosition position;
  };
  struct Policy {
    std::string key;
    const LocatedLambdaPermission* first;
    std::string resources;
    std::string document;
    std::vector<Span> spans;  // statements first, then their values (the finer ones win)
  };
  std::vector<Policy> policies;
  for (const LocatedLambdaPermission& located : permissions) {
    auto it = std::find_if(policies.begin(), policies.end(),
                           [&](const Policy& policy) { return policy.key == located.policy_key; });
    if (it == policies.end()) {
      policies.push_back(Policy{
          located.policy_key, &located, "", "{\"Version\":\"2012-10-17\",\"Statement\":[", {}});
      it = std::prev(policies.end());
    } else {
      it->document += ",";
    }
    if (!it->resources.empty()) it->resources += ",";
    it->resources += located.resource;
    std::string statement = LambdaPermissionStatement(located.permission);
    uint32_t start = static_cast<uint32_t>(it->document.size());
    it->spans.push_back(
        Span{start, start + static_cast<uint32_t>(statement.size()), located.position});
    size_t from = 0;
    for (const auto& [value, position] : located.values) {
      std::string quoted = json::Quote(value);
      size_t at = statement.find(quoted, from);
      if (at == std::string::npos) continue;
      it->spans.push_back(Span{start + static_cast<uint32_t>(at),
                               start + static_cast<uint32_t>(at + quoted.size()), position});
      from = at + quoted.size();
    }
    it->document += statement;
  }
  std::vector<TemplatePolicy> out;
  for (Policy& policy : policies) {
    policy.document += "]}";
    bool layer = policy.first->permission.target == LambdaPermission::Target::kLayerVersion;
    std::vector<Span> spans = std::move(policy.spans);
    base::SourcePosition frame = policy.first->position;
    out.push_back(TemplatePolicy{
        .resource = std::move(policy.resources),
        .resource_type = layer ? "AWS::Lambda::LayerVersion" : "AWS::Lambda::Function",
        .property = layer ? "LayerVersionPermission" : "PermissionsPolicy",
        .policy_type = "RESOURCE_POLICY",
        .validate_policy_resource_type = "",
        .document = std::move(policy.document),
        .position = frame,
        .locate = [spans = std::move(spans), frame](uint32_t offset) {
          base::SourcePosition found = frame;
          for (const Span& span : spans) {
            if (offset >= span.start && offset < span.end) found = span.position;
          }
          return found;
        }});
  }
  return out;
}

}  // namespace perimeter::ingest::internal
