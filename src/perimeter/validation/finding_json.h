// ValidatePolicy findings as JSON in the API's shapes (Access Analyzer API Reference:
// ValidatePolicy response, ValidatePolicyFinding, Location, PathElement, Span, Position). The
// response body of `POST /policy/validation` and the output of `perimeter validate-policy --format
// json` are this one text.
#ifndef PERIMETER_VALIDATION_FINDING_JSON_H_
#define PERIMETER_VALIDATION_FINDING_JSON_H_

#include <optional>
#include <span>
#include <string>

#include "perimeter/json/writer.h"
#include "perimeter/validation/validate_policy.h"

namespace perimeter::validation {

void WriteFinding(json::Writer& writer, const ValidationFinding& finding);
// The members of WriteFinding's object, for a caller that adds its own (`perimeter validate`).
void WriteFindingMembers(json::Writer& writer, const ValidationFinding& finding);

// {"findings": [...], "nextToken": ...} (nextToken only when set).
std::string ValidatePolicyResponseJson(std::span<const ValidationFinding> findings,
                                       const std::optional<std::string>& next_token,
                                       const json::WriterOptions& options = {});

}  // namespace perimeter::validation

#endif  // PERIMETER_VALIDATION_FINDING_JSON_H_
