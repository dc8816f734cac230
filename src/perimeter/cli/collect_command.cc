#include "perimeter/cli/collect_command.h"

#include <chrono>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>

#include "CLI/CLI.hpp"
#include "perimeter/aws/client/credential_chain.h"
#include "perimeter/aws/client/http_transport.h"
#include "perimeter/base/clock.h"
#include "perimeter/cli/import_command.h"
#include "perimeter/collect/collector.h"
#include "perimeter/collect/signed_caller.h"

namespace perimeter::cli {

namespace {

void PrintSummary(const collect::CollectSummary& summary, std::ostream& err) {
  size_t regions = 0;
  for (const auto& [account, list] : summary.regions) regions += list.size();
  err << "perimeter collect: " << summary.accounts.size() << " account(s), " << regions
      << " account-region(s), " << summary.TotalResources() << " resource(s), "
      << summary.TotalErrors() << " error(s)\n";
  for (const auto& [type, count] : summary.resources) err << "  " << type << ": " << count << "\n";
  for (const auto& [kind, count] : summary.errors)
    err << "  errors " << kind << ": " << count << "\n";
}

}  // namespace

int RunCollect(const CollectCommandOptions& options, std::istream& in, std::ostream& out,
               std::ostream& err, Terminals terminals) {
  if (options.organization && options.account) {
    err << "perimeter collect: --organization and --account exclude each other\n";
    return kExitBadInput;
  }
  // The server imports only records of the signing key's own account (docs/server.md, "Imports:
  // whose record is it"): an organization's member resources would refuse the whole import.
  if (options.organization && options.import_url) {
    err << "perimeter collect: --import takes the caller's own account only (the account of the "
           "credentials); for an organization, write it with -o FILE for perimeter serve "
           "--inventory, or give the server a [collect] table (docs/collect.md)\n";
    return kExitBadInput;
  }
  for (const std::string& region : options.regions) {
    if (region.empty() ||
        region.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
      err << "perimeter collect: --regions: `" << region << "` is not a region name\n";
      return kExitBadInput;
    }
  }
  aws::CredentialSources sources = aws::CredentialSources::System();
  absl::StatusOr<aws::AwsProfile> profile =
      aws::ResolveProfile(options.profile, options.region, sources);
  if (!profile.ok()) {
    err << "perimeter collect: " << profile.status().message() << "\n";
    return kExitBadInput;
  }
  collect::CollectOptions collect_options;
  collect_options.organization = options.organization;
  collect_options.role_name = options.role_name;
  collect_options.external_id = options.external_id;
  collect_options.regions = options.regions;
  collect_options.home_region = profile->region.value_or("us-east-1");
  collect_options.concurrency = options.concurrency;

  std::unique_ptr<aws::HttpTransport> transport =
      aws::MakeHttpTransport({std::min(options.timeout_seconds, 10), options.timeout_seconds});
  static base::SystemClock clock;
  absl::StatusOr<aws::AwsCredentials> keys =
      aws::ObtainCredentials(profile->credentials, collect_options.home_region, profile->endpoints,
                             sources, *transport, clock);
  if (!keys.ok()) {
    err << "perimeter collect: " << profile->credentials.description << ": "
        << keys.status().message() << "\n";
    return kExitBadInput;
  }
  aws::EndpointSettings endpoints = profile->endpoints;
  endpoints.explicit_url = options.endpoint_url;
  aws::RetryPolicy retry;
  retry.max_attempts = options.max_attempts;
  collect::SignedCaller caller(*transport, *keys, clock, endpoints, retry,
                               aws::RetryTiming::System());

  // Where lines go: the file (-o), else standard output unless --import; with --import, a buffer
  // too, without the collectionError records (the server's import takes inventory records; the gaps
  // are printed on standard error and counted in the summary instead).
  std::ofstream file;
  std::ostringstream buffer;
  std::ostream* sink = options.import_url ? nullptr : &out;
  if (!options.output.empty() && options.output != "-") {
    file.open(options.output, std::ios::binary | std::ios::trunc);
    if (!file) {
      err << "perimeter collect: cannot write " << options.output << "\n";
      return kExitBadInput;
    }
    sink = &file;
  }
  bool importing = options.import_url.has_value();
  collect::LineWriter write = [sink, importing, &buffer, &err](const std::string& line) {
    if (sink != nullptr) *sink << line << '\n';
    if (!importing) return;
    if (line.starts_with(R"({"kind":"collectionError")")) {
      err << "perimeter collect: not read: " << line << "\n";
    } else {
      buffer << line << '\n';
    }
  };
  collect::ProgressCallback progress;
  auto last = std::chrono::steady_clock::now();
  if (terminals.err) {
    progress = [&err, &last](size_t done, size_t total) {
      auto now = std::chrono::steady_clock::now();
      if (done != total && now - last < std::chrono::milliseconds(100)) return;
      last = now;
      err << "\rperimeter collect: " << done << "/" << total << " units" << std::flush;
    };
  }
  absl::StatusOr<collect::CollectSummary> summary =
      collect::Collect(caller, collect_options, write, progress);
  if (terminals.err) err << "\n";
  if (!summary.ok()) {
    err << "perimeter collect: " << summary.status().message() << "\n";
    return kExitBadInput;
  }
  if (sink != nullptr) sink->flush();
  if (sink != nullptr && !*sink) {
    err << "perimeter collect: cannot write the inventory\n";
    return kExitBadInput;
  }
  PrintSummary(*summary, err);
  if (options.import_url) {
    ImportOptions import_options{"-", *options.import_url, options.profile, options.region};
    std::istringstream records(std::move(buffer).str());
    int code = RunImport(import_options, records, out, err, sources, clock);
    if (code != kExitOk) return kExitBadInput;
  }
  return summary->TotalErrors() == 0 ? kExitOk : kExitFindings;
}

CollectCommand::CollectCommand(CLI::App& app) {
  command_ = app.add_subcommand(
      "collect", "Read a live AWS organization or account into an inventory (docs/collect.md)");
  CLI::App* c = command_;
  c->add_option("--profile", options_.profile, "The AWS profile (credentials, region, endpoints)");
  c->add_option("--region", options_.region,
                "The home region (partition, global services; default the profile's)");
  c->add_option("--endpoint-url", options_.endpoint_url, "Send every request here");
  c->add_flag("--organization", options_.organization,
              "Every ACTIVE account of the organization (from the management account or a "
              "delegated administrator)");
  c->add_flag("--account", options_.account, "The caller's own account only (the default)");
  c->add_option("--role-name", options_.role_name,
                "The role assumed in each member account (default OrganizationAccountAccessRole)");
  c->add_option("--external-id", options_.external_id, "The external id of that role");
  c->add_option("--regions", options_.regions,
                "Read these regions (comma-separated; default each account's enabled regions)")
      ->delimiter(',');
  c->add_option("-o,--output", options_.output,
                "Write the inventory here (default stdout; with --import, nowhere unless given)");
  c->add_option("--import", options_.import_url,
                "Import the inventory into a running perimeter serve at this URL");
  c->add_option("--concurrency", options_.concurrency, "Parallel account-regions (default 8)")
      ->check(CLI::Range(1, 256));
  c->add_option("--timeout", options_.timeout_seconds, "Seconds before a call counts as failed")
      ->check(CLI::Range(1, 600));
  c->add_option("--max-attempts", options_.max_attempts,
                "Attempts per call, retries of throttling and 5xx included (default 3)")
      ->check(CLI::Range(1, 20));
}

bool CollectCommand::parsed() const { return command_->parsed(); }

int CollectCommand::Run(std::istream& in, std::ostream& out, std::ostream& err,
                        Terminals terminals) const {
  return RunCollect(options_, in, out, err, terminals);
}

}  // namespace perimeter::cli
