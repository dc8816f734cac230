// `perimeter validate-policy FILE|- --policy-type T [--resource-type R] [--format table|json|sarif]
// [--treat-as-blocking TYPES]`: Access Analyzer's ValidatePolicy offline (docs/validate-policy.md).
// Exit 0 when no finding is of a blocking type, 1 when one is, 2 for unusable input (an unreadable
// file, an unknown option value). A document that is not JSON is a JSON_SYNTAX_ERROR finding, as
// the API reports it, not unusable input.
#ifndef PERIMETER_CLI_VALIDATE_POLICY_COMMAND_H_
#define PERIMETER_CLI_VALIDATE_POLICY_COMMAND_H_

#include <iosfwd>
#include <optional>
#include <set>
#include <string>

#include "perimeter/validation/check_catalog.h"

namespace perimeter::cli {

struct ValidatePolicyOptions {
  std::string policy_document;  // a file, or - for standard input
  std::string policy_type;      // IDENTITY_POLICY | RESOURCE_POLICY | SERVICE_CONTROL_POLICY | ...
  std::string resource_type;    // validatePolicyResourceType, e.g. AWS::S3::Bucket; "" for none
  std::string format = "table";
  // Comma-separated finding types that make the exit code 1; "NONE" for none.
  std::string treat_as_blocking = "ERROR,SECURITY_WARNING";
};

// The finding types of a --treat-as-blocking list ("NONE": none), or nullopt (message printed on
// `err`) when one is not a finding type. Shared with `perimeter validate`.
std::optional<std::set<validation::FindingType>> ReadBlocking(const std::string& text,
                                                              std::ostream& err);

int RunValidatePolicy(const ValidatePolicyOptions& options, std::istream& in, std::ostream& out,
                      std::ostream& err);

}  // namespace perimeter::cli

#endif  // PERIMETER_CLI_VALIDATE_POLICY_COMMAND_H_
