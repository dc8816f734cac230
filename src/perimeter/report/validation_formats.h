// The output formats of `perimeter validate-policy` (docs/validate-policy.md): the ValidatePolicy
// findings of one policy file as a table, as the API's response body, or as SARIF 2.1.0. Pure.
#ifndef PERIMETER_REPORT_VALIDATION_FORMATS_H_
#define PERIMETER_REPORT_VALIDATION_FORMATS_H_

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "perimeter/base/issue.h"
#include "perimeter/base/source_position.h"
#include "perimeter/validation/validate_policy.h"

namespace perimeter::report {

// One line a finding, "name:line:column: TYPE CODE: details" (line and column from 1, as
// compilers print them), then a summary line.
std::string RenderValidationTable(std::string_view name,
                                  std::span<const validation::ValidationFinding> findings);

// Exactly the body `POST /policy/validation` returns for the same document (without nextToken),
// followed by a newline.
std::string RenderValidationJson(std::span<const validation::ValidationFinding> findings);

// SARIF 2.1.0: one result per finding, ruleId its issue code, located in `uri` at the span of the
// finding's first location (SARIF lines and columns from 1); every documented check is a rule with
// its learnMoreLink as helpUri. Levels: ERROR -> error, SECURITY_WARNING and WARNING -> warning,
// SUGGESTION -> note (the finding type is kept in the result's properties).
std::string RenderValidationSarif(std::string_view uri,
                                  std::span<const validation::ValidationFinding> findings);

// ---- `perimeter validate TEMPLATE|PLAN` (docs/validate-policy.md, "Templates and plans")

// One policy of a template or plan with its ValidatePolicy findings; `template_spans[i]` is where
// finding i's first location is written in the file ([start, end), lines and columns from 1).
struct TemplatePolicyFindings {
  std::string resource;                       // logical id or address
  std::string resource_type;                  // "AWS::IAM::Role", "aws_iam_role", ...
  std::string property;                       // "Policies[0].PolicyDocument", ...
  std::string policy_type;                    // "IDENTITY_POLICY", ...
  std::string validate_policy_resource_type;  // "" for none
  base::SourcePosition position;              // of the policy in the file
  std::vector<validation::ValidationFinding> findings;
  std::vector<std::pair<base::SourcePosition, base::SourcePosition>> template_spans;
};

// The policies of one file and the problems met reading it (policies not validated, notes).
struct TemplateValidation {
  std::string file;
  std::vector<TemplatePolicyFindings> policies;
  std::vector<base::Issue> issues;
};

// "file:line:column: TYPE CODE: resource property: details" a finding, "file:line:column: error
// code: message" an issue, then a summary line.
std::string RenderTemplateValidationTable(std::span<const TemplateValidation> files);

// {"policies": [{"file", "resource", "resourceType", "property", "policyType",
// "validatePolicyResourceType", "templateLocation", "findings": [ValidatePolicyFinding +
// "templateLocation"]}], "issues": [{"file", "severity", "code", "message", "templateLocation"}]};
// a templateLocation is {"file", "line", "column"} (from 1).
std::string RenderTemplateValidationJson(std::span<const TemplateValidation> files);

// SARIF 2.1.0, as RenderValidationSarif, each result at the finding's place in its file; issues
// are results too (ruleId their code).
std::string RenderTemplateValidationSarif(std::span<const TemplateValidation> files);

}  // namespace perimeter::report

#endif  // PERIMETER_REPORT_VALIDATION_FORMATS_H_
