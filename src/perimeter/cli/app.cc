#include "perimeter/cli/app.h"

#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>

#include "CLI/CLI.hpp"
#include "perimeter/cli/analyze_command.h"
#include "perimeter/cli/check_commands.h"
#include "perimeter/cli/collect_command.h"
#include "perimeter/cli/compliance_command.h"
#include "perimeter/cli/import_command.h"
#include "perimeter/cli/input_files.h"
#include "perimeter/cli/preview_command.h"
#include "perimeter/cli/simulate_command.h"
#include "perimeter/cli/validate_command.h"
#include "perimeter/cli/validate_policy_command.h"
#include "perimeter/server/server.h"

namespace perimeter::cli {

int RunApp(int argc, const char* const* argv, std::istream& in, std::ostream& out,
           std::ostream& err, Terminals terminals) {
  CLI::App app{
      "Perimeter: which of your AWS resources can be reached from outside your zone of trust",
      "perimeter"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "perimeter 0.1.0");

  PreviewOptions preview_options;
  CLI::App* preview = app.add_subcommand(
      "preview",
      "Preview the findings of proposed configurations against an inventory (docs/previews.md)");
  preview->add_option("inventory", preview_options.inventory, "The current inventory, or -")
      ->required();
  preview
      ->add_option("--proposed", preview_options.proposed,
                   "JSON Lines: {\"resourceArn\": ..., \"configuration\": {...}} per line")
      ->required();
  preview->add_option("--zone-account", preview_options.zone_account,
                      "Preview as an ACCOUNT analyzer of this account");
  preview->add_option("--zone-org", preview_options.zone_org,
                      "Preview with the organization of the inventory as the zone of trust");
  preview->add_option("--region", preview_options.region,
                      "The analyzer's region (default us-east-1)");
  preview->add_option("--format", preview_options.format, "table, json, csv, sarif or asff");
  preview->add_option("--archive-rules", preview_options.archive_rules,
                      "Archive rules (docs/archive-rules.md)");
  preview->add_option("-o,--output", preview_options.output, "Write the report to this file");
  preview->add_flag("-q,--quiet", preview_options.quiet, "No summary line");

  std::string simulate_input;
  CLI::App* simulate = app.add_subcommand(
      "simulate",
      "Decide one request against its policies and explain the decision (docs/simulate.md)");
  simulate
      ->add_option("input", simulate_input, "The simulate input (JSON), or - for standard input")
      ->required();

  AnalyzeOptions analyze_options;
  CLI::App* analyze = app.add_subcommand(
      "analyze",
      "Find every external access to the resources in the given files (docs/analyze.md)");
  analyze
      ->add_option("inputs", analyze_options.inputs,
                   "Inventory files or directories, or - for standard input")
      ->required();
  analyze->add_option("--input-format", analyze_options.input_format,
                      "auto (default), inventory, config, iam-authorization-details, "
                      "cloudformation or terraform-plan");
  analyze->add_option(
      "--account-id", analyze_options.account_id,
      "AWS::AccountId for CloudFormation templates and Terraform plans (default: a placeholder)");
  analyze->add_option("--region", analyze_options.region,
                      "AWS::Region for CloudFormation templates and Terraform plans");
  analyze->add_option("--parameter", analyze_options.parameters,
                      "A CloudFormation parameter value, NAME=VALUE");
  analyze->add_option("--zone-account", analyze_options.zone_account,
                      "Analyze as an ACCOUNT analyzer of this account");
  analyze->add_option("--zone-org", analyze_options.zone_org,
                      "Analyze as an ORGANIZATION analyzer of this organization");
  analyze->add_option("--org-accounts", analyze_options.org_accounts,
                      "An inventory file whose organization record lists the member accounts");
  analyze->add_option("--analyzer-type", analyze_options.analyzer_type,
                      "ACCOUNT or ORGANIZATION (external access, the default), "
                      "ACCOUNT_INTERNAL_ACCESS or ORGANIZATION_INTERNAL_ACCESS "
                      "(docs/internal-access.md), ACCOUNT_UNUSED_ACCESS or "
                      "ORGANIZATION_UNUSED_ACCESS (docs/analyze.md)");
  analyze->add_option("--internal-access-rule", analyze_options.internal_access_rule,
                      "The internal-access analyzer's analysisRule (JSON)");
  analyze->add_option("--format", analyze_options.format, "table, json, sarif, asff or csv");
  analyze->add_option("--archive-rules", analyze_options.archive_rules,
                      "Archive rules (docs/archive-rules.md)");
  analyze->add_option("-o,--output", analyze_options.output, "Write the report to this file");
  analyze->add_option("--threads", analyze_options.threads,
                      "Worker threads (default: one per core)");
  analyze->add_flag("--no-color", analyze_options.no_color, "No colours in the table");
  analyze->add_flag("-q,--quiet", analyze_options.quiet, "No progress bar and no summary line");
  analyze->add_option("--unused-access-age", analyze_options.unused_access_age,
                      "Unused access: days without use that make access unused (default 90)");
  analyze->add_option("--now", analyze_options.now,
                      "Unused access: the time the last-used data is judged at (RFC 3339)");

  server::ServeOptions serve_options;
  CLI::App* serve = app.add_subcommand("serve",
                                       "Serve the IAM Access Analyzer and Organizations APIs for "
                                       "the aws CLI and SDKs (docs/server.md)");
  serve->add_option("--config", serve_options.config_path, "Server configuration (TOML)");
  serve->add_flag("--demo", serve_options.demo, "Start with a built-in example organization");
  serve->add_option("--inventory", serve_options.inventory, "Inventory files to import at start");
  serve->add_option("--data-dir", serve_options.data_dir, "Where the SQLite database lives");
  serve->add_option("--listen", serve_options.listen, "ADDRESS:PORT (port 0: a free port)");
  serve->add_flag("--ephemeral", serve_options.ephemeral, "Keep everything in memory");

  ImportOptions import_options;
  CLI::App* import_cmd = app.add_subcommand("import",
                                            "Send an inventory file to a running perimeter serve, "
                                            "signed like the aws CLI (docs/server.md)");
  import_cmd
      ->add_option("input", import_options.input, "The inventory file, or - for standard input")
      ->required();
  import_cmd
      ->add_option("--endpoint-url", import_options.endpoint_url, "The server, http://HOST:PORT")
      ->required();
  import_cmd->add_option("--profile", import_options.profile,
                         "The credentials profile (default: as the aws CLI)");
  import_cmd->add_option("--region", import_options.region, "The region to sign for");

  ComplianceCommand compliance(app);
  CollectCommand collect(app);

  CheckOptions public_options;
  CLI::App* check_public = app.add_subcommand(
      "check-no-public-access",
      "Can this resource policy grant public access? (Access Analyzer's CheckNoPublicAccess)");
  check_public
      ->add_option("--policy-document", public_options.policy_document, "The policy file, or -")
      ->required();
  check_public->add_option("--resource-type", public_options.resource_type, "e.g. AWS::S3::Bucket")
      ->required();
  CheckOptions granted_options;
  CLI::App* check_granted = app.add_subcommand(
      "check-access-not-granted",
      "Does this policy grant any of these actions? (Access Analyzer's CheckAccessNotGranted)");
  check_granted
      ->add_option("--policy-document", granted_options.policy_document, "The policy file, or -")
      ->required();
  check_granted
      ->add_option("--access", granted_options.access, R"({"actions": [...], "resources": [...]})")
      ->required();
  check_granted->add_option("--policy-type", granted_options.policy_type,
                            "IDENTITY_POLICY (default) or RESOURCE_POLICY");
  CheckOptions new_access_options;
  CLI::App* check_new = app.add_subcommand("check-no-new-access",
                                           "Does the new policy grant access the existing one does "
                                           "not? (Access Analyzer's CheckNoNewAccess)");
  check_new
      ->add_option("--new-policy-document", new_access_options.new_policy_document,
                   "The new policy file, or -")
      ->required();
  check_new
      ->add_option("--existing-policy-document", new_access_options.existing_policy_document,
                   "The existing (or reference) policy file, or -")
      ->required();
  check_new
      ->add_option("--policy-type", new_access_options.policy_type,
                   "IDENTITY_POLICY or RESOURCE_POLICY")
      ->required();

  ValidatePolicyOptions validate_options;
  CLI::App* validate_policy =
      app.add_subcommand("validate-policy",
                         "Check a policy's grammar and best practices (Access Analyzer's "
                         "ValidatePolicy, docs/validate-policy.md)");
  validate_policy->add_option("file", validate_options.policy_document, "The policy file, or -")
      ->required();
  validate_policy
      ->add_option("--policy-type", validate_options.policy_type,
                   "IDENTITY_POLICY, RESOURCE_POLICY, SERVICE_CONTROL_POLICY or "
                   "RESOURCE_CONTROL_POLICY")
      ->required();
  validate_policy->add_option("--resource-type", validate_options.resource_type,
                              "validatePolicyResourceType, e.g. AWS::S3::Bucket");
  validate_policy->add_option("--format", validate_options.format, "table (default), json, sarif");
  validate_policy->add_option("--treat-as-blocking", validate_options.treat_as_blocking,
                              "Finding types that make the exit code 1 (default "
                              "ERROR,SECURITY_WARNING; NONE for none)");

  ValidateOptions validate_iac_options;
  CLI::App* validate_iac = app.add_subcommand(
      "validate",
      "ValidatePolicy over every policy of CloudFormation templates and Terraform plans "
      "(docs/validate-policy.md)");
  validate_iac
      ->add_option("files", validate_iac_options.files,
                   "CloudFormation templates (JSON or YAML) and Terraform plans (terraform show "
                   "-json), or -")
      ->required();
  validate_iac->add_option("--format", validate_iac_options.format, "table (default), json, sarif");
  validate_iac->add_option("--treat-as-blocking", validate_iac_options.treat_as_blocking,
                           "Finding types that make the exit code 1 (default "
                           "ERROR,SECURITY_WARNING; NONE for none)");
  validate_iac->add_option("--account-id", validate_iac_options.account_id,
                           "AWS::AccountId of templates (default 123456789012)");
  validate_iac->add_option("--region", validate_iac_options.region,
                           "AWS::Region of templates (default us-east-1)");
  validate_iac->add_option("--partition", validate_iac_options.partition,
                           "AWS::Partition of templates (default aws)");
  validate_iac->add_option("--parameter", validate_iac_options.parameters,
                           "A CloudFormation parameter value, NAME=VALUE (default: its Default)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e, out, err);
    return code == 0 ? kExitOk : kExitBadInput;
  }
  if (simulate->parsed()) {
    std::string text;
    if (!ReadInput(simulate_input, in, text, err)) return kExitBadInput;
    return RunSimulate(simulate_input == "-" ? "<stdin>" : simulate_input, text, out, err);
  }
  if (preview->parsed()) return RunPreview(preview_options, in, out, err, terminals.out);
  if (analyze->parsed()) {
    return RunAnalyze(analyze_options, in, out, err, terminals.out, terminals.err);
  }
  if (serve->parsed()) return server::RunServe(serve_options, out, err);
  if (compliance.parsed()) return compliance.Run(out, err);
  if (collect.parsed()) return collect.Run(in, out, err, terminals);
  if (check_public->parsed()) return RunCheckNoPublicAccess(public_options, in, out, err);
  if (check_granted->parsed()) return RunCheckAccessNotGranted(granted_options, in, out, err);
  if (validate_policy->parsed()) return RunValidatePolicy(validate_options, in, out, err);
  if (validate_iac->parsed()) return RunValidate(validate_iac_options, in, out, err);
  if (check_new->parsed()) return RunCheckNoNewAccess(new_access_options, in, out, err);
  if (import_cmd->parsed()) {
    static base::SystemClock clock;
    return RunImport(import_options, in, out, err, aws::CredentialSources::System(), clock);
  }
  return kExitOk;
}

}  // namespace perimeter::cli
