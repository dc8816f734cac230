// `perimeter check-no-public-access`, `perimeter check-access-not-granted` and `perimeter
// check-no-new-access`: Access Analyzer's custom policy checks, offline (docs/analyze.md). Exit 0
// PASS, 1 FAIL, 2 bad input.
#ifndef PERIMETER_CLI_CHECK_COMMANDS_H_
#define PERIMETER_CLI_CHECK_COMMANDS_H_

#include <iosfwd>
#include <string>

namespace perimeter::cli {

struct CheckOptions {
  std::string policy_document;  // a file, or - for standard input
  std::string resource_type;    // check-no-public-access
  std::string access;           // check-access-not-granted: {"actions": [...], "resources": [...]}
  std::string policy_type = "IDENTITY_POLICY";  // IDENTITY_POLICY | RESOURCE_POLICY
  std::string new_policy_document;              // check-no-new-access: a file, or -
  std::string existing_policy_document;         // check-no-new-access: a file, or - (not both)
};

int RunCheckNoPublicAccess(const CheckOptions& options, std::istream& in, std::ostream& out,
                           std::ostream& err);
int RunCheckAccessNotGranted(const CheckOptions& options, std::istream& in, std::ostream& out,
                             std::ostream& err);
int RunCheckNoNewAccess(const CheckOptions& options, std::istream& in, std::ostream& out,
                        std::ostream& err);

}  // namespace perimeter::cli

#endif  // PERIMETER_CLI_CHECK_COMMANDS_H_
