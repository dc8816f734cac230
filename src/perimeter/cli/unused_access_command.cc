#include "perimeter/cli/unused_access_command.h"

#include <ostream>
#include <set>
#include <variant>

#include "absl/time/time.h"
#include "perimeter/base/text.h"
#include "perimeter/cli/app.h"
#include "perimeter/cli/input_files.h"
#include "perimeter/findings/finding_record.h"
#include "perimeter/ingest/unused_access_inputs.h"
#include "perimeter/json/writer.h"
#include "perimeter/resources/inventory.h"
#include "perimeter/unused/recommendation.h"
#include "perimeter/unused/unused_access.h"

namespace perimeter::cli {
namespace {

// The organization's accounts from --org-accounts (an inventory with an organization record).
bool OrganizationAccounts(const std::string& path, std::istream& in,
                          std::vector<std::string>& accounts, std::ostream& err) {
  std::string text;
  if (!ReadInput(path, in, text, err)) return false;
  resources::Inventory inventory = resources::ReadInventory(path, text);
  for (const resources::OrganizationRecord& record : inventory.organizations) {
    for (const auto& member : record.organization.members) accounts.push_back(member.account_id);
  }
  if (accounts.empty()) {
    err << "error: " << path << " has no organization record with accounts\n";
    return false;
  }
  return true;
}

std::string Summary(const findings::UnusedFindingDetails& details) {
  if (const auto* role = std::get_if<findings::UnusedIamRoleDetails>(&details)) {
    return role->last_accessed
               ? base::Concat("last used ", findings::FormatTimestamp(*role->last_accessed))
               : std::string("never used");
  }
  if (const auto* key = std::get_if<findings::UnusedIamUserAccessKeyDetails>(&details)) {
    return base::Concat(
        key->access_key_id,
        key->last_accessed
            ? base::Concat(" last used ", findings::FormatTimestamp(*key->last_accessed))
            : std::string(" never used"));
  }
  if (const auto* password = std::get_if<findings::UnusedIamUserPasswordDetails>(&details)) {
    return password->last_accessed
               ? base::Concat("last used ", findings::FormatTimestamp(*password->last_accessed))
               : std::string("never used");
  }
  const auto& permission = std::get<findings::UnusedPermissionDetails>(details);
  if (permission.actions.empty()) return base::Concat(permission.service_namespace, ":* (service)");
  std::string actions;
  for (const findings::UnusedAction& action : permission.actions) {
    actions += (actions.empty() ? "" : ",") + action.action;
  }
  return actions;
}

}  // namespace

int RunUnusedAccessAnalyze(const AnalyzeOptions& options, std::istream& in, std::ostream& out,
                           std::ostream& err, bool out_is_terminal) {
  std::string format = options.format.value_or(out_is_terminal ? "table" : "json");
  if (format != "table" && format != "json") {
    err << "error: unused-access analysis prints --format table or json, not \"" << format
        << "\"\n";
    return kExitBadInput;
  }
  if (options.unused_access_age < 1 || options.unused_access_age > 365) {
    err << "error: --unused-access-age takes 1 to 365 days (UnusedAccessConfiguration)\n";
    return kExitBadInput;
  }
  // No clock in the analysis: the time of the data is given.
  absl::Time now;
  std::string time_error;
  if (options.now.empty() || !absl::ParseTime(absl::RFC3339_full, options.now, &now, &time_error)) {
    err << "error: --now takes the time the data was exported, e.g. 2026-12-07T00:00:00Z\n";
    return kExitBadInput;
  }
  unused::UnusedAccessZone zone;
  if (options.analyzer_type == "ACCOUNT_UNUSED_ACCESS") {
    if (options.zone_account.empty()) {
      err << "error: ACCOUNT_UNUSED_ACCESS needs --zone-account\n";
      return kExitBadInput;
    }
    zone = {unused::UnusedAccessZone::Kind::kAccount, options.zone_account, {}};
  } else {
    zone.kind = unused::UnusedAccessZone::Kind::kOrganization;
    if (!options.org_accounts.empty() &&
        !OrganizationAccounts(options.org_accounts, in, zone.member_accounts, err)) {
      return kExitBadInput;
    }
  }

  std::vector<std::string> files;
  if (!ExpandPaths(options.inputs, {".json", ".jsonl", ".csv"}, files, err)) return kExitBadInput;
  ingest::UnusedAccessInputs inputs;
  bool bad_input = false;
  for (const std::string& file : files) {
    std::string text;
    if (!ReadInput(file, in, text, err)) {
      bad_input = true;
      continue;
    }
    std::optional<ingest::UnusedAccessInputKind> kind = ingest::DetectUnusedAccessInput(text);
    if (!kind.has_value()) {
      err << file
          << ": error: not get-account-authorization-details output, a credential report "
             "or an activity file (docs/inventory.md, \"Unused access inputs\")\n";
      bad_input = true;
      continue;
    }
    inputs.Add(*kind, file, text);
  }
  std::vector<unused::IamPrincipal> principals = inputs.Principals();
  for (const ingest::UnusedAccessInputs::FileIssue& issue : inputs.issues()) {
    err << (issue.source_name.empty() ? "" : issue.source_name + ":")
        << base::ToString(issue.issue.position) << ": " << base::SeverityName(issue.issue.severity)
        << ": " << issue.issue.message << " [" << issue.issue.code << "]\n";
  }
  bad_input |= inputs.has_errors();
  if (zone.kind == unused::UnusedAccessZone::Kind::kOrganization && zone.member_accounts.empty()) {
    std::set<std::string> accounts;
    for (const unused::IamPrincipal& principal : principals) accounts.insert(principal.account);
    zone.member_accounts.assign(accounts.begin(), accounts.end());
  }
  unused::UnusedAccessConfiguration configuration;
  configuration.unused_access_age_days = options.unused_access_age;
  unused::UnusedAccessResult result =
      unused::AnalyzeUnusedAccess(principals, zone, configuration, now);

  std::map<std::string, const unused::IamPrincipal*> by_arn;
  for (const unused::IamPrincipal& principal : principals) by_arn[principal.arn] = &principal;

  std::string text;
  if (format == "json") {
    json::Writer w(json::WriterOptions{.indent = 2});
    w.BeginObject().Key("findings").BeginArray();
    for (const findings::UnusedAccessFinding& finding : result.findings) {
      w.BeginObject()
          .Key("id")
          .String(findings::UnusedFindingId(finding))
          .Key("findingType")
          .String(findings::FindingTypeName(finding.type))
          .Key("resource")
          .String(finding.resource)
          .Key("resourceType")
          .String(finding.resource_type)
          .Key("resourceOwnerAccount")
          .String(finding.resource_owner_account)
          .Key("status")
          .String("ACTIVE")
          .Key("findingDetails")
          .BeginArray();
      for (const findings::UnusedFindingDetails& details : finding.details) {
        findings::WriteUnusedFindingDetails(w, details);
      }
      w.EndArray();
      if (finding.type == findings::FindingType::kUnusedPermission) {
        unused::Recommendation recommendation =
            unused::RecommendPolicies(*by_arn.at(finding.resource), finding);
        w.Key("recommendedSteps").BeginArray();
        for (const unused::RecommendedStep& step : recommendation.steps) {
          w.BeginObject().Key("unusedPermissionsRecommendedStep").BeginObject();
          w.Key("recommendedAction").String(unused::RecommendedActionName(step.action));
          w.Key("existingPolicyId").String(step.existing_policy_id);
          if (step.recommended_policy) w.Key("recommendedPolicy").String(*step.recommended_policy);
          w.EndObject().EndObject();
        }
        w.EndArray();
      }
      w.EndObject();
    }
    w.EndArray().Key("undecided").BeginArray();
    for (const unused::Undecided& undecided : result.undecided) {
      w.BeginObject().Key("principal").String(undecided.principal_arn);
      w.Key("what").String(undecided.what).Key("reason").String(undecided.reason).EndObject();
    }
    w.EndArray();
    w.Key("principalsAnalyzed").Int(static_cast<int64_t>(result.principals_analyzed));
    w.Key("principalsExcluded").Int(static_cast<int64_t>(result.principals_excluded));
    w.EndObject();
    text = std::move(w).Take() + "\n";
  } else {
    for (const findings::UnusedAccessFinding& finding : result.findings) {
      for (const findings::UnusedFindingDetails& details : finding.details) {
        text += base::Concat(findings::FindingTypeName(finding.type), "  ", finding.resource, "  ",
                             Summary(details), "\n");
      }
    }
    for (const unused::Undecided& undecided : result.undecided) {
      text += base::Concat("UNDECIDED  ", undecided.principal_arn, "  ", undecided.what, ": ",
                           undecided.reason, "\n");
    }
  }
  if (!WriteOutput(options.output, text, out, err)) return kExitBadInput;
  if (!options.quiet) {
    err << result.findings.size() << " unused-access finding(s), " << result.undecided.size()
        << " undecided, " << result.principals_analyzed << " principal(s) analyzed\n";
  }
  if (bad_input) return kExitBadInput;
  return result.findings.empty() && result.undecided.empty() ? kExitOk : kExitFindings;
}

}  // namespace perimeter::cli
