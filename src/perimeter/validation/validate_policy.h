// Access Analyzer's ValidatePolicy over one policy document: the basic policy checks of the IAM
// User Guide's "Access Analyzer policy check reference" (the list, and which are implemented, in
// docs/validate-policy.md), each finding located in the document as sent, in the API's shapes
// (Access Analyzer API Reference: ValidatePolicyFinding, Location, PathElement, Span, Position).
//
// One implementation for `perimeter validate-policy`, `POST /policy/validation` and the IaC
// validation: pure (no I/O), thread-safe.
#ifndef PERIMETER_VALIDATION_VALIDATE_POLICY_H_
#define PERIMETER_VALIDATION_VALIDATE_POLICY_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/validation/check_catalog.h"

namespace perimeter::validation {

// The API's policyType (ValidatePolicy request).
enum class PolicyType {
  kIdentityPolicy,
  kResourcePolicy,
  kServiceControlPolicy,
  kResourceControlPolicy,
};
std::string_view PolicyTypeName(PolicyType type);  // "IDENTITY_POLICY", ...
std::optional<PolicyType> ParsePolicyType(std::string_view name);

// The API's validatePolicyResourceType: the resource a RESOURCE_POLICY is attached to.
enum class ValidatePolicyResourceType {
  kS3Bucket,
  kS3AccessPoint,
  kS3MultiRegionAccessPoint,
  kS3ObjectLambdaAccessPoint,
  kIamAssumeRolePolicyDocument,
  kDynamoDbTable,
};
std::string_view ResourceTypeName(ValidatePolicyResourceType type);  // "AWS::S3::Bucket", ...
std::optional<ValidatePolicyResourceType> ParseResourceType(std::string_view name);

// A position in the document in the API's conventions (Position): line from 1, column from 0,
// offset from 0; columns and offsets count bytes of the document as sent.
struct Position {
  int line = 1;
  int column = 0;
  int offset = 0;
  friend bool operator==(const Position&, const Position&) = default;
};

// The text a finding points at: `end` is one past its last character.
struct Span {
  Position start;
  Position end;
  friend bool operator==(const Span&, const Span&) = default;
};

// One step of a path through the JSON document (PathElement, a union): an array index, an object
// key (the finding is about the key itself), the value of an object member named `text`, or a
// substring of a string value.
struct PathElement {
  enum class Kind { kIndex, kKey, kValue, kSubstring };
  Kind kind = Kind::kValue;
  int index = 0;              // kIndex
  std::string text;           // kKey, kValue
  int start = 0, length = 0;  // kSubstring
  friend bool operator==(const PathElement&, const PathElement&) = default;
};

struct Location {
  std::vector<PathElement> path;
  Span span;
};

struct ValidationFinding {
  std::string issue_code;  // AWS's code, e.g. "PASS_ROLE_WITH_STAR_IN_RESOURCE"
  FindingType finding_type = FindingType::kError;
  // What is wrong and how to fix it; when the finding comes from a finer check of our parser, its
  // code and message follow in brackets.
  std::string finding_details;
  std::string learn_more_link;
  std::vector<Location> locations;
};

// Validates `document` as a policy of `type` (attached to `resource_type` when given), against the
// pinned IAM catalogue (catalog/iam_catalog.h) and the global condition keys. Findings are in
// document order of their first location; never throws, whatever the input.
std::vector<ValidationFinding> ValidatePolicy(
    std::string_view document, PolicyType type,
    std::optional<ValidatePolicyResourceType> resource_type = std::nullopt);

}  // namespace perimeter::validation

#endif  // PERIMETER_VALIDATION_VALIDATE_POLICY_H_
