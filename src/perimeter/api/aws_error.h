// AWS's error responses for the two protocols Perimeter speaks, and the small request-reading
// helpers that produce them.
//
// restJson1 (Access Analyzer): HTTP status from the model (400 ValidationException, 402
// ServiceQuotaExceededException, 403 AccessDeniedException, 404 ResourceNotFoundException, 409
// ConflictException, 500 InternalServerException), header `x-amzn-ErrorType: <code>`, body
// {"message": ..., plus the shape's members: reason and fieldList, resourceId and resourceType}.
// JSON 1.1 (Organizations): HTTP 400 with {"__type": <code>, "Message": ..., "Reason"?: ...}.
#ifndef PERIMETER_API_AWS_ERROR_H_
#define PERIMETER_API_AWS_ERROR_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "perimeter/base/issue.h"
#include "perimeter/json/document.h"

namespace perimeter::api {

// What an operation answers: a status, headers and a JSON body.
struct ApiResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body = "{}";
};

struct ValidationField {
  std::string name;
  std::string message;
};

struct AwsError {
  int http_status = 400;
  std::string code;  // "ValidationException", "AccessDeniedException", ...
  std::string message;
  std::string reason;  // ValidationException.reason, or Organizations' Reason; "" when none
  std::vector<ValidationField> fields;
  std::string resource_id;  // ResourceNotFound, Conflict, ServiceQuotaExceeded
  std::string resource_type;
};

// Access Analyzer errors.
AwsError ValidationError(std::string message, std::string reason = "fieldValidationFailed",
                         std::vector<ValidationField> fields = {});
AwsError NotFoundError(std::string message, std::string resource_id, std::string resource_type);
AwsError ConflictError(std::string message, std::string resource_id, std::string resource_type);
AwsError QuotaExceededError(std::string message, std::string resource_id,
                            std::string resource_type);
AwsError AccessDeniedError(std::string message);
AwsError InternalError(std::string message);

// Organizations errors (all HTTP 400, as AWS Organizations answers them).
AwsError OrganizationsError(std::string code, std::string message, std::string reason = "");

ApiResponse RestJsonError(const AwsError& error);
ApiResponse Json11Error(const AwsError& error);

// The resource type names Access Analyzer puts in resourceType of its errors.
inline constexpr std::string_view kAnalyzerResourceType = "AWS::AccessAnalyzer::Analyzer";
inline constexpr std::string_view kArchiveRuleResourceType = "AWS::AccessAnalyzer::ArchiveRule";
inline constexpr std::string_view kFindingResourceType = "AWS::AccessAnalyzer::Finding";

// Reads the members of a JSON request body, collecting every constraint violation into one
// ValidationException as AWS reports them ("2 validation errors detected: Value at 'x' failed to
// satisfy constraint: ...").
class RequestReader {
 public:
  // Parses `body` ("" reads as {}). A body that is not a JSON object is a ValidationException with
  // reason cannotParse (see error()).
  explicit RequestReader(std::string_view body);

  // A string member. Missing and `required`: a violation. Present but not a string: a violation.
  std::optional<std::string> String(std::string_view name, bool required = false);
  std::optional<bool> Bool(std::string_view name);
  std::optional<int64_t> Int(std::string_view name);
  std::optional<json::Value> Member(std::string_view name);
  // A list of strings.
  std::optional<std::vector<std::string>> Strings(std::string_view name, bool required = false);
  // A map of strings (tags).
  std::optional<std::vector<std::pair<std::string, std::string>>> StringMap(std::string_view name,
                                                                            bool required = false);

  void Violation(std::string_view name, std::string_view constraint);
  // Adds the problems of a nested parser (filters, sorts) as violations of member `name`.
  void AddIssues(std::string_view name, const std::vector<base::Issue>& issues);

  bool ok() const { return !parse_error_ && fields_.empty(); }
  // The ValidationException for one violation of a member outside a body (a label, a query
  // parameter): "1 validation error detected: Value at 'NAME' failed to satisfy constraint:
  // CONSTRAINT".
  static AwsError FieldError(std::string_view name, std::string_view constraint);
  // The ValidationException for what was found wrong. REQUIRES: !ok().
  AwsError error() const;

 private:
  json::ParseResult parsed_;
  bool parse_error_ = false;
  std::vector<ValidationField> fields_;
};

// A value checked against a model constraint, with AWS's wording for the violation.
bool MatchesAnalyzerName(std::string_view name);  // [A-Za-z_][A-Za-z0-9_.-]*, 1..255
bool MatchesRuleName(std::string_view name);      // [A-Za-z][A-Za-z0-9_.-]*, 1..255

}  // namespace perimeter::api

#endif  // PERIMETER_API_AWS_ERROR_H_
