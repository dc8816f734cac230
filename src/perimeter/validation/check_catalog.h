// The checks of the IAM User Guide's "Access Analyzer policy check reference": every documented
// issue code with its finding type and the anchor of its section, from which the learnMoreLink is
// built
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html
// #access-analyzer-reference-policy-checks-<anchor>). docs/validate-policy.md lists them with the
// state of each.
#ifndef PERIMETER_VALIDATION_CHECK_CATALOG_H_
#define PERIMETER_VALIDATION_CHECK_CATALOG_H_

#include <span>
#include <string>
#include <string_view>

namespace perimeter::validation {

// ValidatePolicyFinding.findingType.
enum class FindingType { kError, kSecurityWarning, kWarning, kSuggestion };
std::string_view FindingTypeName(FindingType type);  // "ERROR", "SECURITY_WARNING", ...
// Accepts the names above; nullopt-like false for anything else.
bool ParseFindingType(std::string_view name, FindingType& out);

struct PolicyCheck {
  std::string_view issue_code;  // "MISSING_VERSION"
  FindingType type;
  std::string_view anchor;  // "general-warning-missing-version"
  std::string_view title;   // "Missing version", as the reference names it
};

// Every documented check, in the reference's order.
std::span<const PolicyCheck> AllPolicyChecks();

// The check with this issue code. REQUIRES: `issue_code` is one of AllPolicyChecks() (a bug
// otherwise: the validator only emits documented codes).
const PolicyCheck& CheckOf(std::string_view issue_code);

std::string LearnMoreLink(const PolicyCheck& check);

}  // namespace perimeter::validation

#endif  // PERIMETER_VALIDATION_CHECK_CATALOG_H_
