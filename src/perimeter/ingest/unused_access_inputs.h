// Reads the last-used data AWS exports, and the principals it concerns, into the input of the
// unused-access analysis (unused/unused_access_input.h). docs/inventory.md ("Unused access
// inputs") describes each file, with the commands that produce it:
//   - `aws iam get-account-authorization-details`: roles (CreateDate, Tags, RoleLastUsed, inline
//     and attached policies), users (CreateDate, Tags, groups, policies), groups, and the managed
//     policies' default versions (IAM API Reference, "GetAccountAuthorizationDetails",
//     "RoleDetail", "UserDetail", "GroupDetail", "ManagedPolicyDetail", "RoleLastUsed");
//   - the IAM credential report (`aws iam get-credential-report`: the JSON output with the
//     base64 `Content`, or the decoded CSV; IAM User Guide, "Generate credential reports for
//     your AWS account": password_enabled, password_last_used, password_last_changed,
//     access_key_N_active, access_key_N_last_rotated, access_key_N_last_used_date);
//   - an activity file, JSON Lines of records wrapping the outputs that do not name their
//     principal: {"kind": "serviceLastAccessed", "principalArn": ..., "details": <the output of
//     aws iam get-service-last-accessed-details, ACTION_LEVEL or SERVICE_LEVEL>} and
//     {"kind": "accessKeyLastUsed", "userArn": ..., "accessKeyId": ..., "status": "Active",
//     "createDate": ..., "details": <the output of aws iam get-access-key-last-used>}.
//
// Pure: text in, values out. What cannot be read is an Issue positioned in its file; what is
// missing stays "unknown" in the result, so the analysis reports it as undecided.
#ifndef PERIMETER_INGEST_UNUSED_ACCESS_INPUTS_H_
#define PERIMETER_INGEST_UNUSED_ACCESS_INPUTS_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/issue.h"
#include "perimeter/unused/unused_access_input.h"

namespace perimeter::ingest {

enum class UnusedAccessInputKind { kAuthorizationDetails, kCredentialReport, kActivity };

// The kind of `text`, from its content; nullopt when it is none of them.
std::optional<UnusedAccessInputKind> DetectUnusedAccessInput(std::string_view text);

// Collects the inputs of one analysis, file by file, then joins them by principal ARN.
class UnusedAccessInputs {
 public:
  struct FileIssue {
    std::string source_name;
    base::Issue issue;
  };

  // Reads one file (`text`, named `source_name` in issues) of the given kind.
  void Add(UnusedAccessInputKind kind, const std::string& source_name, std::string_view text);

  // The principals of every authorization-details file, with the credential report rows and the
  // activity records of their ARNs. Activity or report rows for principals no
  // authorization-details file names are reported as warnings.
  std::vector<unused::IamPrincipal> Principals();

  const std::vector<FileIssue>& issues() const { return issues_; }
  bool has_errors() const;

 private:
  struct ReportRow {
    std::optional<absl::Time> user_created;
    std::optional<bool> password_enabled;
    std::optional<absl::Time> password_changed;
    unused::LastUsed password_last_used;
    std::vector<unused::AccessKey> keys;
  };
  void AddAuthorizationDetails(const std::string& source_name, std::string_view text);
  void AddCredentialReport(const std::string& source_name, std::string_view text);
  void AddActivity(const std::string& source_name, std::string_view text);
  void Error(const std::string& source_name, base::SourcePosition position, std::string code,
             std::string message, base::Severity severity = base::Severity::kError);

  std::vector<unused::IamPrincipal> principals_;
  std::map<std::string, ReportRow> report_;                               // user ARN -> row
  std::map<std::string, std::vector<unused::ServiceActivity>> services_;  // principal ARN
  std::map<std::string, std::vector<unused::AccessKey>> keys_;            // user ARN
  std::vector<FileIssue> issues_;
};

}  // namespace perimeter::ingest

#endif  // PERIMETER_INGEST_UNUSED_ACCESS_INPUTS_H_
