// The output formats of `perimeter validate-policy` (docs/validate-policy.md): the ValidatePolicy
// findings of one policy file as a table, as the API's response body, or as SARIF 2.1.0. Pure.
#ifndef PERIMETER_REPORT_VALIDATION_FORMATS_H_
#define PERIMETER_REPORT_VALIDATION_FORMATS_H_

#include <span>
#include <string>
#include <string_view>

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

}  // namespace perimeter::report

#endif  // PERIMETER_REPORT_VALIDATION_FORMATS_H_
