#include "perimeter/cli/compliance_command.h"

#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "CLI/CLI.hpp"
#include "perimeter/aws/client/credential_chain.h"
#include "perimeter/aws/client/http_transport.h"
#include "perimeter/aws/client/signed_client.h"
#include "perimeter/base/clock.h"
#include "perimeter/base/text.h"
#include "perimeter/cli/app.h"
#include "perimeter/compliance/analyzers_enabled.h"
#include "perimeter/compliance/aws_client.h"
#include "perimeter/compliance/compliance_report.h"
#include "perimeter/json/document.h"

namespace perimeter::cli {

namespace {

// Enabled regions per account from inventory `kind: "account"` records (JSON Lines or a JSON
// array).
bool ReadEnabledRegions(const std::string& path,
                        std::map<std::string, std::vector<std::string>>& out, std::ostream& err) {
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    err << "perimeter: " << path << ": cannot open the file\n";
    return false;
  }
  std::ostringstream buffer;
  buffer << file.rdbuf();
  std::string text = std::move(buffer).str();
  auto take = [&](json::Value record) {
    if (!record.is_object()) return;
    std::optional<json::Value> kind = record.Find("kind");
    std::optional<json::Value> id = record.Find("accountId");
    std::optional<json::Value> regions = record.Find("enabledRegions");
    if (!kind || !kind->is_string() || kind->text() != "account" || !id || !id->is_string() ||
        !regions || !regions->is_array()) {
      return;
    }
    std::vector<std::string>& list = out[std::string(id->text())];
    for (json::Value region : regions->children()) {
      if (region.is_string()) list.emplace_back(region.text());
    }
  };
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '[') {
    json::ParseResult parsed = json::Parse(text);
    if (!parsed.ok()) {
      err << "perimeter: " << path << ":" << parsed.issues.front().position.line << ": "
          << parsed.issues.front().message << "\n";
      return false;
    }
    for (json::Value record : parsed.document.root().children()) take(record);
    return true;
  }
  std::istringstream lines(text);
  std::string line;
  int number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json::ParseResult parsed = json::Parse(line);
    if (!parsed.ok()) {
      err << "perimeter: " << path << ":" << number << ": " << parsed.issues.front().message
          << "\n";
      return false;
    }
    take(parsed.document.root());
  }
  return true;
}

}  // namespace

int RunAnalyzersEnabledCommand(const ComplianceOptions& options, std::ostream& out,
                               std::ostream& err) {
  std::optional<compliance::ReportFormat> format = compliance::ParseReportFormat(options.format);
  if (!format) {
    err << "perimeter: --format must be table, json, asff or ocsf\n";
    return kExitBadInput;
  }
  if (options.dry_run && !options.fix) {
    err << "perimeter: --dry-run goes with --fix\n";
    return kExitBadInput;
  }
  compliance::CheckOptions check;
  check.regions = options.regions;
  for (const std::string& region : check.regions) {
    if (region.empty() ||
        region.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") != std::string::npos) {
      err << "perimeter: --regions: `" << region << "` is not a region name\n";
      return kExitBadInput;
    }
  }
  check.require_external = options.require_external;
  check.organization = options.organization;
  check.account_id = options.account_id;
  check.fix = options.fix;
  check.dry_run = options.dry_run;
  check.analyzer_type = options.analyzer_type;
  check.analyzer_name = options.analyzer_name;
  check.profile = options.profile;
  for (const std::string& path : options.inventory) {
    if (!ReadEnabledRegions(path, check.enabled_regions, err)) return kExitBadInput;
  }

  // The SDKs' credential chain (aws/client/credential_chain.h): keys, roles, web identity,
  // container and instance metadata.
  aws::CredentialSources sources = aws::CredentialSources::System();
  absl::StatusOr<aws::AwsProfile> aws =
      aws::ResolveProfile(options.profile, options.region, sources);
  if (!aws.ok()) {
    err << "perimeter: " << aws.status().message() << "\n";
    return kExitBadInput;
  }
  check.home_region = aws->region.value_or("us-east-1");

  std::unique_ptr<aws::HttpTransport> transport =
      aws::MakeHttpTransport({std::min(options.timeout_seconds, 5), options.timeout_seconds});
  static base::SystemClock clock;
  absl::StatusOr<aws::AwsCredentials> keys = aws::ObtainCredentials(
      aws->credentials, check.home_region, aws->endpoints, sources, *transport, clock);
  if (!keys.ok()) {
    err << "perimeter: " << aws->credentials.description << ": " << keys.status().message() << "\n";
    return kExitBadInput;
  }
  aws::SignedClient signer(*transport, *keys, clock, aws::RetryPolicy{}, aws::RetryTiming::System(),
                           "perimeter/0.1.0 compliance");
  compliance::AwsClient client(signer, options.endpoint_url, check.home_region);
  absl::StatusOr<compliance::CheckReport> report = compliance::RunAnalyzersEnabled(client, check);
  if (!report.ok()) {
    err << "perimeter: " << report.status().message() << "\n";
    return kExitBadInput;
  }
  std::string text = compliance::FormatReport(*report, *format, clock.Now());
  if (options.output.empty()) {
    out << text;
  } else {
    std::ofstream file(options.output, std::ios::binary);
    file << text;
    if (!file) {
      err << "perimeter: cannot write " << options.output << "\n";
      return kExitBadInput;
    }
  }
  bool any_fail = false, any_error = false;
  for (const compliance::RegionResult& row : report->results) {
    any_fail |= row.status == compliance::CheckStatus::kFail;
    any_error |= row.status == compliance::CheckStatus::kError;
  }
  if (any_error) return kExitBadInput;
  return any_fail ? kExitFindings : kExitOk;
}

ComplianceCommand::ComplianceCommand(CLI::App& app) {
  compliance_ = app.add_subcommand(
      "compliance", "Compliance checks against AWS or perimeter serve (docs/compliance.md)");
  compliance_->require_subcommand(1);
  analyzers_enabled_ =
      compliance_->add_subcommand("analyzers-enabled",
                                  "CIS AWS Foundations 1.20 / v5.0 1.19: an ACTIVE IAM Access "
                                  "Analyzer in every region of every account");
  CLI::App* c = analyzers_enabled_;
  c->add_option("--endpoint-url", options_.endpoint_url,
                "Send every request here (perimeter serve)");
  c->add_option("--profile", options_.profile, "The AWS credentials profile");
  c->add_option("--region", options_.region, "The home region (partition, Organizations endpoint)");
  c->add_option("--regions", options_.regions, "Check these regions (comma-separated)")
      ->delimiter(',');
  c->add_option("--inventory", options_.inventory,
                "Inventory files whose account records give enabledRegions");
  c->add_flag("--organization", options_.organization,
              "Every member account (run from the management or delegated administrator account)");
  c->add_flag("--require-external", options_.require_external,
              "Count only external access analyzers (ACCOUNT, ORGANIZATION): CIS v5.0 1.19");
  c->add_option("--account-id", options_.account_id, "The caller's account, when STS cannot tell");
  c->add_flag("--fix", options_.fix, "Create the missing analyzers");
  c->add_flag("--dry-run", options_.dry_run, "With --fix: show what would be created");
  c->add_option("--analyzer-type", options_.analyzer_type,
                "ACCOUNT or ORGANIZATION (default: ORGANIZATION with "
                "--organization, else ACCOUNT)")
      ->check(CLI::IsMember({"ACCOUNT", "ORGANIZATION"}));
  c->add_option("--analyzer-name", options_.analyzer_name,
                "Name of created analyzers ({region} is replaced)");
  c->add_option("--format", options_.format, "table, json, asff or ocsf");
  c->add_option("-o,--output", options_.output, "Write the report to this file");
  c->add_option("--timeout", options_.timeout_seconds,
                "Seconds before a region counts as unreachable")
      ->check(CLI::Range(1, 300));
}

bool ComplianceCommand::parsed() const { return compliance_->parsed(); }

int ComplianceCommand::Run(std::ostream& out, std::ostream& err) const {
  if (analyzers_enabled_->parsed()) return RunAnalyzersEnabledCommand(options_, out, err);
  return kExitBadInput;
}

}  // namespace perimeter::cli
