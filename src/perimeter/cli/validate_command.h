// `perimeter validate TEMPLATE|PLAN... [--format table|json|sarif] [--treat-as-blocking TYPES]
// [--account-id ID] [--region R] [--parameter NAME=VALUE]`: ValidatePolicy over every policy of
// CloudFormation templates (JSON or YAML) and Terraform plans (`terraform show -json`), each
// finding located in the file (docs/validate-policy.md, "Templates and plans"). The policies are
// found by ingest::FindTemplatePolicies and validated by validation::ValidatePolicy, the code of
// `validate-policy` and the server.
//
// Exit 0 when no finding is of a blocking type and every policy was validated, 1 when a finding
// is of a blocking type or a policy could not be validated (an intrinsic function that cannot be
// resolved offline, a value known only after apply; when ERROR is blocking), 2 for unusable input
// (an unreadable file, a file that is no template or plan or does not parse, a bad option value).
#ifndef PERIMETER_CLI_VALIDATE_COMMAND_H_
#define PERIMETER_CLI_VALIDATE_COMMAND_H_

#include <iosfwd>
#include <string>
#include <vector>

namespace perimeter::cli {

struct ValidateOptions {
  std::vector<std::string> files;  // templates and plans; - for standard input
  std::string format = "table";
  // Comma-separated finding types that make the exit code 1; "NONE" for none.
  std::string treat_as_blocking = "ERROR,SECURITY_WARNING";
  // What AWS::AccountId and AWS::Region resolve to in templates (AWS's CloudFormation policy
  // validator takes them from the caller's credentials and --region); documentation values by
  // default, so that ARNs built from them are well formed.
  std::string account_id = "123456789012";
  std::string region = "us-east-1";
  std::string partition = "aws";
  std::vector<std::string> parameters;  // NAME=VALUE: CloudFormation parameter values
};

int RunValidate(const ValidateOptions& options, std::istream& in, std::ostream& out,
                std::ostream& err);

}  // namespace perimeter::cli

#endif  // PERIMETER_CLI_VALIDATE_COMMAND_H_
