// The statement a Lambda permission adds to a function's or layer version's resource-based policy,
// built once for every input format that declares permissions as separate records (CloudFormation's
// AWS::Lambda::Permission / AWS::Lambda::LayerVersionPermission, Terraform's aws_lambda_permission
// / aws_lambda_layer_version_permission). The statement follows what the Lambda API's AddPermission
// and AddLayerVersionPermission write (AWS Lambda API Reference, "AddPermission",
// "AddLayerVersionPermission"): a service principal for a service name, an AWS principal otherwise,
// and one condition for each of SourceArn, SourceAccount, PrincipalOrgID, FunctionUrlAuthType,
// EventSourceToken (function) or OrganizationId (layer version) that is given.
#ifndef PERIMETER_INGEST_INTERNAL_LAMBDA_PERMISSION_H_
#define PERIMETER_INGEST_INTERNAL_LAMBDA_PERMISSION_H_

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "perimeter/base/source_position.h"
#include "perimeter/ingest/internal/inventory_builder.h"
#include "perimeter/ingest/template_policies.h"

namespace perimeter::ingest::internal {

struct LambdaPermission {
  enum class Target { kFunction, kLayerVersion };
  Target target = Target::kFunction;
  std::string sid = {};        // "" writes no Sid
  std::string principal = {};  // "*", an account, an ARN or a service name
  std::string action = {};
  std::string resource =
      {};  // the statement's Resource (the ARN, with a qualifier where one is given)
  // Condition values; "" for one not given. The first five are AddPermission's (function only), the
  // last AddLayerVersionPermission's.
  std::string source_arn = {};
  std::string source_account = {};
  std::string principal_org_id = {};
  std::string function_url_auth_type = {};
  std::string event_source_token = {};
  std::string organization_id = {};
};

// One condition a permission takes, by its name in each input format, and where it goes.
struct LambdaPermissionCondition {
  std::string_view cloudformation_property;  // AWS::Lambda::Permission, ...::LayerVersionPermission
  std::string_view
      terraform_attribute;  // aws_lambda_permission, aws_lambda_layer_version_permission
  std::string LambdaPermission::*value;
};

// The conditions a permission of `target` takes, in the order the statement writes them.
std::span<const LambdaPermissionCondition> LambdaPermissionConditions(
    LambdaPermission::Target target);

// The permission's policy statement as JSON text.
std::string LambdaPermissionStatement(const LambdaPermission& permission);

// Adds the permission's statement to the policy of the function or layer version `arn`
// ("functionPolicy" or "layerVersionPolicy"), reported at `position`.
void AddLambdaPermission(const LambdaPermission& permission, std::string_view arn,
                         std::string_view owner_account, std::string_view region,
                         base::SourcePosition position, InventoryBuilder& builder);

// A permission as `perimeter validate` reads it: the statement, the template resource that declares
// it and where the statement's values are written in the file.
struct LocatedLambdaPermission {
  LambdaPermission permission;
  std::string policy_key;  // the permissions sharing a key make one policy (a function's ARN, ...)
  std::string resource;    // the logical id or the Terraform address
  base::SourcePosition position;  // the resource in the file
  // The statement's values in the order the statement writes them (principal, action, resource,
  // then the condition values), each with the position of the property or attribute it came from.
  std::vector<std::pair<std::string, base::SourcePosition>> values;
};

// The resource-based policies AWS's IaC validators build from Lambda permissions
// (awslabs/aws-cloudformation-iam-policy-validator: one policy a function or layer version, all its
// permissions' statements, validated as RESOURCE_POLICY of AWS::Lambda::Function or
// AWS::Lambda::LayerVersion; awslabs/terraform-iam-policy-validator: one a permission), one
// TemplatePolicy a distinct policy_key in order of first appearance. `resource` lists the
// permissions' resources; `locate` maps each statement's values to where they are written, the
// rest of a statement to its resource, and the policy's frame to the first resource.
std::vector<TemplatePolicy> LambdaPermissionPolicies(
    const std::vector<LocatedLambdaPermission>& permissions);

}  // namespace perimeter::ingest::internal

#endif  // PERIMETER_INGEST_INTERNAL_LAMBDA_PERMISSION_H_
