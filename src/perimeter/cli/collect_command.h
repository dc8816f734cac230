// `perimeter collect`: reads a live AWS organization or account with the collector
// (src/perimeter/collect/, docs/collect.md) and writes the inventory (docs/inventory.md) to a file,
// to standard output, or imports it into a running `perimeter serve` (--import URL, as `perimeter
// import` does: the server takes only records of the caller's own account, so --import goes with
// --account; collectionError records are printed on standard error instead of imported).
//
// Exit codes: 0 everything was collected; 1 the inventory was written but some parts could not be
// read (collectionError records, counted in the summary); 2 nothing was collected (bad usage, no
// credentials, the caller's identity or the organization could not be read, the output could not be
// written, or the import failed).
#ifndef PERIMETER_CLI_COLLECT_COMMAND_H_
#define PERIMETER_CLI_COLLECT_COMMAND_H_

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "perimeter/cli/app.h"

namespace CLI {
class App;
}

namespace perimeter::cli {

struct CollectCommandOptions {
  std::optional<std::string> profile;
  std::optional<std::string> region;        // the home region
  std::optional<std::string> endpoint_url;  // every service (tests, perimeter serve)
  bool organization = false;
  bool account = false;
  std::string role_name = "OrganizationAccountAccessRole";
  std::string external_id;
  std::vector<std::string> regions;
  std::string output;  // "" or "-": standard output
  std::optional<std::string> import_url;
  int concurrency = 8;
  int timeout_seconds = 30;
  int max_attempts = 3;
};

class CollectCommand {
 public:
  explicit CollectCommand(CLI::App& app);
  bool parsed() const;
  int Run(std::istream& in, std::ostream& out, std::ostream& err, Terminals terminals) const;

 private:
  CLI::App* command_ = nullptr;
  CollectCommandOptions options_;
};

int RunCollect(const CollectCommandOptions& options, std::istream& in, std::ostream& out,
               std::ostream& err, Terminals terminals);

}  // namespace perimeter::cli

#endif  // PERIMETER_CLI_COLLECT_COMMAND_H_
