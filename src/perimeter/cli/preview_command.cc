#include "perimeter/cli/preview_command.h"

#include <ostream>
#include <sstream>

#include "absl/time/clock.h"
#include "perimeter/aws/arn.h"
#include "perimeter/base/text.h"
#include "perimeter/cli/app.h"
#include "perimeter/cli/input_files.h"
#include "perimeter/findings/lifecycle.h"
#include "perimeter/ingest/ingest.h"
#include "perimeter/json/document.h"
#include "perimeter/json/writer.h"
#include "perimeter/report/report_formats.h"
#include "perimeter/resources/analyze_resource.h"
#include "perimeter/service/access_preview.h"

namespace perimeter::cli {
namespace {

struct Change {
  size_t line = 0;
  service::ProposedConfiguration proposed;
};

// One JSON object a line: {"resourceArn": "...", "configuration": {...}}. Problems go to `err`
// with their line; false when there was one.
bool ReadChanges(const std::string& name, const std::string& text, std::vector<Change>& changes,
                 std::ostream& err) {
  bool ok = true;
  std::istringstream lines(text);
  std::string line;
  size_t number = 0;
  while (std::getline(lines, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto fail = [&](std::string_view message) {
      err << name << ":" << number << ": error: " << message << "\n";
      ok = false;
    };
    json::ParseResult parsed = json::Parse(line);
    if (!parsed.ok() || !parsed.document.root().is_object()) {
      fail("not a JSON object");
      continue;
    }
    json::Value root = parsed.document.root();
    std::optional<json::Value> arn = root.Find("resourceArn");
    std::optional<json::Value> configuration = root.Find("configuration");
    if (!arn || !arn->is_string() || !configuration) {
      fail("a change needs \"resourceArn\" (a string) and \"configuration\"");
      continue;
    }
    for (json::Value member : root.members()) {
      if (member.key() != "resourceArn" && member.key() != "configuration") {
        fail(base::Concat("unknown member \"", member.key(),
                          "\"; a change has resourceArn and configuration"));
      }
    }
    changes.push_back(
        {number, {std::string(arn->text()), std::string(configuration->source_text())}});
  }
  return ok;
}

std::string PrincipalText(const findings::Finding& finding) {
  std::string out;
  for (const auto& [type, value] : finding.principal) {
    if (!out.empty()) out += " ";
    out += base::Concat(type, ":", value);
  }
  return out.empty() ? "-" : out;
}

std::string Render(std::string_view format, const std::vector<findings::AccessPreviewFinding>& all,
                   size_t active) {
  if (format == "json") {
    json::Writer w(json::WriterOptions{.indent = 2});
    w.BeginObject().Key("findings").BeginArray();
    for (const findings::AccessPreviewFinding& finding : all)
      findings::WriteAccessPreviewFinding(w, finding, /*perimeter_extras=*/true);
    w.EndArray();
    w.Key("summary").BeginObject();
    w.Key("findings").Int(static_cast<int64_t>(all.size()));
    w.Key("active").Int(static_cast<int64_t>(active));
    w.EndObject().EndObject();
    return std::move(w).Take() + "\n";
  }
  std::string out;
  if (format == "csv") {
    out =
        "changeType,status,existingFindingId,existingFindingStatus,resource,resourceType,"
        "principal,action,isPublic,error\n";
  }
  for (const findings::AccessPreviewFinding& preview : all) {
    const findings::Finding& finding = preview.record.finding;
    std::string existing_status =
        preview.existing_finding_status
            ? std::string(findings::FindingStatusName(*preview.existing_finding_status))
            : std::string();
    std::string actions;
    for (const std::string& action : finding.actions) {
      actions += actions.empty() ? action : base::Concat(" ", action);
    }
    if (format == "csv") {
      out += base::Concat(findings::FindingChangeTypeName(preview.change_type), ",",
                          findings::FindingStatusName(preview.record.status), ",",
                          preview.existing_finding_id.value_or(""), ",", existing_status, ",",
                          report::CsvField(finding.resource), ",", finding.resource_type, ",",
                          report::CsvField(PrincipalText(finding)), ",", report::CsvField(actions),
                          ",", finding.is_public ? "true" : "false", ",",
                          finding.error.value_or(""), "\n");
      continue;
    }
    std::string change(findings::FindingChangeTypeName(preview.change_type));
    std::string status(findings::FindingStatusName(preview.record.status));
    if (!existing_status.empty()) status = base::Concat(existing_status, "->", status);
    out += base::Concat(change, std::string(10 - std::min<size_t>(change.size(), 9), ' '), status,
                        std::string(19 - std::min<size_t>(status.size(), 18), ' '),
                        finding.resource, "  ", PrincipalText(finding), "  ",
                        finding.error ? base::Concat("error ", *finding.error) : actions,
                        finding.is_public ? "  (public)" : "", "\n");
  }
  return out;
}

// SARIF and ASFF through `perimeter analyze`'s writers (report/report_formats.h). Each finding is
// located at the line of CHANGES that proposes its resource's configuration: the positions the
// analysis gives are in that configuration's own text, not in the file, so they are left out.
std::string RenderReport(std::string_view format, const std::string& changes_name,
                         const std::string& analyzer_region,
                         const std::vector<findings::AccessPreviewFinding>& all,
                         const std::vector<size_t>& lines) {
  // One located stand-in per finding: the writers read source_name, position and region.
  std::vector<resources::Resource> places(all.size());
  analysis::OfflineReport report;
  std::vector<report::PreviewComparison> comparisons;
  for (size_t i = 0; i < all.size(); ++i) {
    findings::FindingRecord record = all[i].record;
    for (findings::StatementRef& ref : record.finding.explanation) ref.position.line = 0;
    places[i].source_name = changes_name;
    places[i].position = base::SourcePosition{static_cast<uint32_t>(lines[i]), 1, 0};
    std::optional<aws::Arn> arn = aws::ParseArn(record.finding.resource);
    places[i].region = arn && !arn->region.empty()                         ? arn->region
                       : record.finding.resource_type == "AWS::S3::Bucket" ? analyzer_region
                                                                           : "";
    report.findings.push_back(std::move(record));
    comparisons.push_back(report::PreviewComparison{all[i].change_type, all[i].existing_finding_id,
                                                    all[i].existing_finding_status});
  }
  for (const resources::Resource& place : places) report.finding_resources.push_back(&place);
  return format == "sarif" ? report::RenderSarif(report, comparisons)
                           : report::RenderAsff(report, comparisons);
}

}  // namespace

int RunPreview(const PreviewOptions& options, std::istream& in, std::ostream& out,
               std::ostream& err, bool out_is_terminal) {
  if (!options.zone_account.empty() && !options.zone_org.empty()) {
    err << "error: give --zone-account or --zone-org, not both\n";
    return kExitBadInput;
  }
  std::string format = options.format.value_or(out_is_terminal ? "table" : "json");
  if (!report::ParseFormat(format)) {
    err << "error: --format " << format << ": use table, json, csv, sarif or asff\n";
    return kExitBadInput;
  }
  std::string inventory_text, changes_text;
  if (!ReadInput(options.inventory, in, inventory_text, err)) return kExitBadInput;
  if (!ReadInput(options.proposed, in, changes_text, err)) return kExitBadInput;
  std::string inventory_name = options.inventory == "-" ? "<stdin>" : options.inventory;
  ingest::IngestResult ingested = ingest::ReadDetectedInput(inventory_name, inventory_text, {});
  const resources::Inventory& inventory = ingested.inventory;
  bool bad_input = false;
  for (const base::Issue& issue : inventory.issues) {
    err << base::FormatIssue(issue, inventory_name, inventory_text) << "\n";
    if (issue.severity == base::Severity::kError) bad_input = true;
  }
  std::vector<Change> changes;
  if (!ReadChanges(options.proposed, changes_text, changes, err)) return kExitBadInput;
  std::vector<findings::ArchiveRule> rules;
  if (!options.archive_rules.empty()) {
    std::optional<std::vector<findings::ArchiveRule>> parsed =
        ReadArchiveRules(options.archive_rules, in, err);
    if (!parsed) return kExitBadInput;
    rules = std::move(*parsed);
  }
  std::optional<reasoning::Organization> organization;
  for (const resources::OrganizationRecord& record : inventory.organizations) {
    if (!organization && (options.zone_org.empty() || record.organization.id == options.zone_org))
      organization = record.organization;
  }
  if (!options.zone_org.empty() && !organization) {
    err << "error: --zone-org " << options.zone_org
        << ": no organization record of the inventory describes it\n";
    return kExitBadInput;
  }

  absl::Time now = absl::Now();
  std::vector<findings::AccessPreviewFinding> all;
  std::vector<size_t> lines;  // of CHANGES, for each finding of `all`
  for (const Change& change : changes) {
    const std::string& arn = change.proposed.resource_arn;
    // The analyzer's account: --zone-account, else the account the ARN names, else (an S3 bucket)
    // the owner of its current record.
    std::string account = options.zone_account;
    if (account.empty()) account = std::string(aws::AccountOfArn(arn));
    const resources::Resource* current = nullptr;
    for (const resources::Resource& resource : inventory.resources) {
      if (resource.arn == arn && (account.empty() || resource.owner_account == account)) {
        current = &resource;
        break;
      }
    }
    if (account.empty() && current != nullptr) account = current->owner_account;
    if (account.empty()) {
      err << options.proposed << ":" << change.line << ": error: " << arn
          << " names no account and the inventory does not hold it: give --zone-account\n";
      bad_input = true;
      continue;
    }
    reasoning::ZoneOfTrust zone = !options.zone_org.empty()
                                      ? reasoning::ZoneOfTrust::ForOrganization(*organization)
                                      : reasoning::ZoneOfTrust::ForAccount(account, organization);
    const resources::AccountSettings* settings = inventory.FindAccount(account);
    // The current findings of the resource, as an analyzer with these archive rules has them.
    std::vector<findings::FindingRecord> existing;
    if (current != nullptr) {
      findings::LifecycleOptions lifecycle;
      lifecycle.archive_rules = rules;
      existing =
          findings::ApplyAnalysis({}, resources::AnalyzeResource(*current, settings, zone).findings,
                                  now, lifecycle)
              .records;
    }
    service::PreviewScope scope{account, options.region, "", "offline", now};
    service::PreviewState state;
    state.zone = &zone;
    state.current_resource = [&](std::string_view) { return current; };
    state.account = settings;
    state.existing = existing;
    state.archive_rules = rules;
    service::AccessPreviewResult result =
        service::ComputeAccessPreview({&change.proposed, 1}, scope, state);
    for (const base::Issue& issue : result.issues) {
      if (issue.severity == base::Severity::kWarning) {
        err << options.proposed << ":" << change.line << ": warning: " << issue.message << "\n";
      }
    }
    if (result.status != service::AccessPreviewStatus::kCompleted) {
      err << options.proposed << ":" << change.line << ": error: "
          << service::AccessPreviewFailureName(
                 result.failure.value_or(service::AccessPreviewFailure::kInternalError))
          << ": " << result.message << "\n";
      bad_input = true;
      continue;
    }
    all.insert(all.end(), std::make_move_iterator(result.findings.begin()),
               std::make_move_iterator(result.findings.end()));
    lines.resize(all.size(), change.line);
  }
  size_t active = 0;
  for (const findings::AccessPreviewFinding& finding : all) {
    if (finding.record.status == findings::FindingStatus::kActive) ++active;
  }
  std::string rendered =
      format == "sarif" || format == "asff"
          ? RenderReport(format, options.proposed == "-" ? "<stdin>" : options.proposed,
                         options.region, all, lines)
          : Render(format, all, active);
  if (!WriteOutput(options.output, rendered, out, err)) return kExitBadInput;
  if (!options.quiet) {
    err << changes.size() << " proposed configurations, " << all.size() << " preview findings, "
        << active << " active\n";
  }
  if (bad_input) return kExitBadInput;
  return active > 0 ? kExitFindings : kExitOk;
}

}  // namespace perimeter::cli
