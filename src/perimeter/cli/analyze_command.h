// `perimeter analyze`: Access Analyzer's external-access findings from files, offline.
#ifndef PERIMETER_CLI_ANALYZE_COMMAND_H_
#define PERIMETER_CLI_ANALYZE_COMMAND_H_

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace perimeter::cli {

struct AnalyzeOptions {
  std::vector<std::string> inputs;      // files, directories, or "-"
  std::string input_format = "auto";    // see ingest formats in docs/analyze.md
  std::string account_id;               // --account-id: AWS::AccountId of templates and plans
  std::string region;                   // --region: AWS::Region of templates and plans
  std::vector<std::string> parameters;  // --parameter NAME=VALUE: CloudFormation parameter values
  std::string zone_account;             // --zone-account
  std::string zone_org;                 // --zone-org
  std::string org_accounts;  // --org-accounts FILE (an inventory with an organization record)
  std::optional<std::string> format;  // --format; default: table on a terminal, json otherwise
  std::string archive_rules;          // --archive-rules FILE
  std::string output;                 // --output FILE; default standard output
  unsigned threads = 0;               // --threads; 0: one per core
  std::string internal_access_rule;   // --internal-access-rule FILE (an analysisRule)
  bool no_color = false;
  bool quiet = false;  // no summary line, no progress
  // --analyzer-type: ACCOUNT / ORGANIZATION (external access, the default), or a type of another
  // analyzer family; AnalyzeFamilyOf decides which command runs.
  std::string analyzer_type;
  int unused_access_age = 90;  // --unused-access-age DAYS (UnusedAccessConfiguration)
  std::string now;             // --now: RFC 3339 time the last-used data is judged at
};

// The analyzer families `perimeter analyze` runs, by --analyzer-type (AWS's `Type` of
// CreateAnalyzer). nullopt for a type it does not know.
enum class AnalyzeFamily { kExternalAccess, kInternalAccess, kUnusedAccess };
std::optional<AnalyzeFamily> AnalyzeFamilyOf(const std::string& analyzer_type);

// Runs the analysis; returns the exit code: 0 no active findings, 1 active findings, 2 bad input or
// usage (unreadable files or records are named with their position on `err`; findings are still
// reported for everything that could be read).
int RunAnalyze(const AnalyzeOptions& options, std::istream& in, std::ostream& out,
               std::ostream& err, bool out_is_terminal, bool err_is_terminal);

}  // namespace perimeter::cli

#endif  // PERIMETER_CLI_ANALYZE_COMMAND_H_
