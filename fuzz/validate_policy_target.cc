#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "fuzz/fuzz_targets.h"
#include "perimeter/json/document.h"
#include "perimeter/validation/check_catalog.h"
#include "perimeter/validation/finding_json.h"
#include "perimeter/validation/validate_policy.h"

namespace perimeter::fuzz {

// Invariants: ValidatePolicy never crashes, whatever the bytes; every finding has a documented
// issue code of its type and at least one location whose span lies inside the document (line from
// 1, column from 0, start before end); the API response body built from the findings is JSON.
int FuzzValidatePolicy(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the policy type and the resource type.
  static constexpr validation::PolicyType kTypes[] = {
      validation::PolicyType::kIdentityPolicy, validation::PolicyType::kResourcePolicy,
      validation::PolicyType::kServiceControlPolicy,
      validation::PolicyType::kResourceControlPolicy};
  validation::PolicyType type = kTypes[data[0] % 4];
  std::optional<validation::ValidatePolicyResourceType> resource_type;
  if (type == validation::PolicyType::kResourcePolicy && (data[0] / 4) % 3 == 1) {
    resource_type = validation::ValidatePolicyResourceType::kIamAssumeRolePolicyDocument;
  } else if (type == validation::PolicyType::kResourcePolicy && (data[0] / 4) % 3 == 2) {
    resource_type = validation::ValidatePolicyResourceType::kS3Bucket;
  }
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  std::vector<validation::ValidationFinding> findings =
      validation::ValidatePolicy(text, type, resource_type);
  auto checks = validation::AllPolicyChecks();
  for (const validation::ValidationFinding& finding : findings) {
    auto check = std::find_if(checks.begin(), checks.end(),
                              [&](const auto& c) { return c.issue_code == finding.issue_code; });
    FuzzCheck(check != checks.end(), "a documented issue code");
    FuzzCheck(check == checks.end() || check->type == finding.finding_type, "the code's type");
    FuzzCheck(!finding.locations.empty(), "a finding has a location");
    for (const validation::Location& location : finding.locations) {
      const validation::Span& span = location.span;
      FuzzCheck(span.start.line >= 1 && span.start.column >= 0, "positions in AWS's conventions");
      FuzzCheck(span.start.offset <= span.end.offset, "a span starts before it ends");
      FuzzCheck(static_cast<size_t>(span.end.offset) <= text.size(), "a span inside the document");
    }
  }
  FuzzCheck(json::Parse(validation::ValidatePolicyResponseJson(findings, std::nullopt)).ok(),
            "the response body is JSON");
  return 0;
}

}  // namespace perimeter::fuzz
