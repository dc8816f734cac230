// The policies a CloudFormation template (JSON or YAML) or a Terraform plan (`terraform show
// -json`) holds, each as the document to send to ValidatePolicy, with the policy type and
// validatePolicyResourceType its resource gives it and a map from the document back to the file,
// for `perimeter validate TEMPLATE|PLAN` (docs/validate-policy.md, "Templates and plans").
//
// Which resource types and properties hold policies, and how each is validated, follow AWS's own
// IaC validators (awslabs/aws-cloudformation-iam-policy-validator: its identity and resource
// parsers and `Validator`; awslabs/terraform-iam-policy-validator: `iamPolicyAttributes` and
// `validatePolicyResourceType` of its default configuration). The templates are read by the same
// readers as `perimeter analyze` (source tree, YAML adapter, intrinsic functions, plan reader).
//
// Never drops a policy silently: a policy that cannot be known (an intrinsic function that cannot
// be resolved offline, a Terraform value known only after apply, a policy that is neither a mapping
// nor a string) is an error issue naming the resource and property, and is not in `policies`.
//
// Pure: the caller reads the file.
#ifndef PERIMETER_INGEST_TEMPLATE_POLICIES_H_
#define PERIMETER_INGEST_TEMPLATE_POLICIES_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/issue.h"
#include "perimeter/base/source_position.h"
#include "perimeter/ingest/ingest.h"

namespace perimeter::ingest {

struct TemplatePolicy {
  // The CloudFormation logical id, or the Terraform address (a policy Lambda permissions make:
  // theirs, comma-separated).
  std::string resource;
  std::string resource_type;  // "AWS::IAM::Role", "aws_iam_role", "AWS::Lambda::Function", ...
  std::string property;       // "Policies[0].PolicyDocument", "inline_policy[0].policy", ...
  std::string policy_type;    // ValidatePolicy's policyType: "IDENTITY_POLICY", ...
  std::string validate_policy_resource_type;  // "AWS::S3::Bucket", ...; "" for none
  std::string document;                       // the policy text to validate
  base::SourcePosition position;              // the property's value in the file
  // Where byte `offset` of `document` is written in the file. Text Fn::Sub or Fn::Join built maps
  // to the text it was copied from (a substitution to its `${`); other text a function made, to
  // the function; a Lambda permission's statement, to the property each value comes from; past
  // the end, the end.
  std::function<base::SourcePosition(uint32_t offset)> locate;
};

struct TemplatePolicies {
  std::vector<TemplatePolicy> policies;  // in file order
  // Errors: the file is not a template or plan, or is unreadable (nothing found then), or a policy
  // could not be read (named, and not in `policies`). Warnings: values left as placeholders,
  // resources that hold no policy document ValidatePolicy reads (Organizations policies of other
  // types). Positioned in the file.
  std::vector<base::Issue> issues;
};

// Reads `text` as a CloudFormation template or a Terraform plan (DetectInputFormat decides; other
// formats are an error issue). `options` give the account, region, partition and parameter values
// intrinsic functions resolve to; a parameter with no value given takes its Default.
TemplatePolicies FindTemplatePolicies(std::string_view text, const IngestOptions& options);

}  // namespace perimeter::ingest

#endif  // PERIMETER_INGEST_TEMPLATE_POLICIES_H_
