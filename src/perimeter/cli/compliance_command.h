// `perimeter compliance analyzers-enabled`: CIS AWS Foundations 1.20 / v5.0 1.19 checked (and
// fixed) across an account or an organization, against AWS or `perimeter serve`
// (docs/compliance.md).
#ifndef PERIMETER_CLI_COMPLIANCE_COMMAND_H_
#define PERIMETER_CLI_COMPLIANCE_COMMAND_H_

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace perimeter::cli {

struct ComplianceOptions {
  std::optional<std::string> endpoint_url;
  std::optional<std::string> profile;
  std::optional<std::string> region;  // the home region (partition, Organizations)
  std::vector<std::string> regions;   // --regions a,b
  std::vector<std::string> inventory;
  bool organization = false;
  bool require_external = false;
  std::optional<std::string> account_id;
  bool fix = false;
  bool dry_run = false;
  std::optional<std::string> analyzer_type;
  std::string analyzer_name = "perimeter-{region}";
  std::string format = "table";
  std::string output;
  int timeout_seconds = 10;
};

// Registers `compliance` and its subcommands on `app`; Run() runs whichever was parsed.
class ComplianceCommand {
 public:
  explicit ComplianceCommand(CLI::App& app);
  bool parsed() const;
  // Exit code: 0 every pair passes, 1 some FAIL, 2 some ERROR or bad usage.
  int Run(std::ostream& out, std::ostream& err) const;

 private:
  CLI::App* compliance_ = nullptr;
  CLI::App* analyzers_enabled_ = nullptr;
  ComplianceOptions options_;
};

// The command itself, for tests.
int RunAnalyzersEnabledCommand(const ComplianceOptions& options, std::ostream& out,
                               std::ostream& err);

}  // namespace perimeter::cli

#endif  // PERIMETER_CLI_COMPLIANCE_COMMAND_H_
