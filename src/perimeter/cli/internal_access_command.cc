#include "perimeter/cli/internal_access_command.h"

#include <optional>
#include <string>

#include "absl/time/clock.h"
#include "perimeter/analysis/internal_access_analysis.h"
#include "perimeter/base/text.h"
#include "perimeter/base/utf8.h"
#include "perimeter/cli/app.h"
#include "perimeter/cli/input_files.h"
#include "perimeter/json/writer.h"
#include "perimeter/report/internal_access_formats.h"

namespace perimeter::cli {
namespace {

// The organization record of id `id` (any when empty) in the inputs.
std::optional<reasoning::Organization> FindOrganization(
    const std::vector<resources::Inventory>& inventories, std::string_view id) {
  for (const resources::Inventory& inventory : inventories) {
    for (const resources::OrganizationRecord& record : inventory.organizations) {
      if (id.empty() || record.organization.id == id) return record.organization;
    }
  }
  return std::nullopt;
}

// Every input's records as one inventory (the analysis joins principals, policies and resources of
// several files).
resources::Inventory Merge(const std::vector<resources::Inventory>& inventories) {
  resources::Inventory merged;
  merged.source_name = "inputs";
  for (const resources::Inventory& inventory : inventories) {
    auto append = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
    append(merged.resources, inventory.resources);
    append(merged.accounts, inventory.accounts);
    append(merged.organizations, inventory.organizations);
    append(merged.managed_policies, inventory.managed_policies);
    append(merged.principals, inventory.principals);
    append(merged.groups, inventory.groups);
    append(merged.organization_policies, inventory.organization_policies);
  }
  return merged;
}

std::string Condition(const std::map<std::string, std::string>& condition) {
  std::string out;
  for (const auto& [key, value] : condition) {
    if (!out.empty()) out += ", ";
    out += key + "=" + value;
  }
  return out;
}

std::string RenderTable(const analysis::InternalAccessAnalysis& analysis) {
  std::string out;
  for (const findings::InternalAccessFinding& f : analysis.findings) {
    if (f.error.has_value()) {
      out += base::Concat("ERROR  ", f.resource, "  ", f.error_reason, "\n");
      continue;
    }
    // Long lists (s3:* is over a hundred actions) show their first ones; --format json has all.
    constexpr size_t kShown = 8;
    std::string actions;
    for (size_t i = 0; i < f.actions.size() && i < kShown; ++i)
      actions += (actions.empty() ? "" : ",") + f.actions[i];
    if (f.actions.size() > kShown)
      actions += base::Concat(" (+", f.actions.size() - kShown, " more)");
    out += base::Concat(findings::InternalAccessTypeName(f.access_type), "  ", f.resource, "  ",
                        f.principal.at("AWS"), "  ", actions);
    if (!f.condition.empty()) out += base::Concat("  [", Condition(f.condition), "]");
    out += "\n";
  }
  return base::ValidUtf8(out);
}

std::string RenderJson(const analysis::InternalAccessAnalysis& analysis, std::string_view type,
                       size_t errors) {
  json::Writer w(json::WriterOptions{2});
  w.BeginObject();
  w.Key("analyzerType").String(type);
  w.Key("findings").BeginArray();
  for (const findings::InternalAccessFinding& f : analysis.findings)
    w.Raw(findings::InternalAccessFindingToJson(f));
  w.EndArray();
  w.Key("summary").BeginObject();
  w.Key("principals").Int(static_cast<int64_t>(analysis.stats.principals));
  w.Key("resources").Int(static_cast<int64_t>(analysis.stats.resources));
  w.Key("candidatePairs").Int(static_cast<int64_t>(analysis.stats.candidate_pairs));
  w.Key("findings").Int(static_cast<int64_t>(analysis.findings.size()));
  w.Key("inputErrors").Int(static_cast<int64_t>(errors));
  w.EndObject();
  w.EndObject();
  return std::move(w).Take() + "\n";
}

}  // namespace

bool IsInternalAccessAnalyzerType(std::string_view analyzer_type) {
  return analyzer_type == "ACCOUNT_INTERNAL_ACCESS" ||
         analyzer_type == "ORGANIZATION_INTERNAL_ACCESS";
}

int RunInternalAccess(const AnalyzeOptions& options,
                      const std::vector<resources::Inventory>& inventories, bool unreadable,
                      std::istream& in, std::ostream& out, std::ostream& err,
                      bool out_is_terminal) {
  std::string format = options.format.value_or(out_is_terminal ? "table" : "json");
  if (format != "table" && format != "json" && format != "sarif" && format != "csv") {
    err << "error: --format " << format
        << " is not available for internal access; use table, json, sarif or csv\n";
    return kExitBadInput;
  }
  bool organization_zone = options.analyzer_type == "ORGANIZATION_INTERNAL_ACCESS";
  std::optional<reasoning::ZoneOfTrust> zone;
  if (organization_zone) {
    std::optional<reasoning::Organization> organization =
        FindOrganization(inventories, options.zone_org);
    if (!organization.has_value()) {
      err << "error: ORGANIZATION_INTERNAL_ACCESS needs an organization record"
          << (options.zone_org.empty() ? "" : " for --zone-org " + options.zone_org) << "\n";
      return kExitBadInput;
    }
    zone = reasoning::ZoneOfTrust::ForOrganization(*std::move(organization));
  } else {
    if (options.zone_account.empty()) {
      err << "error: ACCOUNT_INTERNAL_ACCESS needs --zone-account\n";
      return kExitBadInput;
    }
    zone =
        reasoning::ZoneOfTrust::ForAccount(options.zone_account, FindOrganization(inventories, ""));
  }
  analysis::InternalAccessRule rule;
  if (!options.internal_access_rule.empty()) {
    std::string text;
    if (!ReadInput(options.internal_access_rule, in, text, err)) return kExitBadInput;
    absl::StatusOr<analysis::InternalAccessRule> parsed = analysis::ParseInternalAccessRule(text);
    if (!parsed.ok()) {
      err << options.internal_access_rule << ": error: " << parsed.status().message() << "\n";
      return kExitBadInput;
    }
    rule = *std::move(parsed);
  }
  absl::Time start = absl::Now();
  resources::Inventory merged = Merge(inventories);
  analysis::InternalAccessAnalysis analysis =
      analysis::AnalyzeInventoryInternalAccess(merged, *zone, rule);
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);

  size_t errors = 0;
  for (const resources::Inventory& inventory : inventories) {
    for (const base::Issue& issue : inventory.issues) {
      if (issue.severity != base::Severity::kError) continue;
      ++errors;
      err << inventory.source_name << ":" << base::ToString(issue.position)
          << ": error: " << issue.message << " [" << issue.code << "]\n";
    }
  }
  for (const base::Issue& issue : analysis.issues) {
    ++errors;
    err << "error: " << issue.message << " [" << issue.code << "]\n";
  }
  std::string rendered;
  if (format == "table") {
    rendered = RenderTable(analysis);
  } else if (format == "csv") {
    rendered = report::RenderInternalAccessCsv(analysis.findings);
  } else if (format == "sarif") {
    rendered = report::RenderInternalAccessSarif(
        analysis.findings, inventories.size() == 1 ? inventories[0].source_name : "");
  } else {
    rendered = RenderJson(analysis, options.analyzer_type, errors);
  }
  if (!WriteOutput(options.output, rendered, out, err)) return kExitBadInput;
  size_t error_findings = 0;
  for (const findings::InternalAccessFinding& f : analysis.findings)
    if (f.error.has_value()) ++error_findings;
  if (!options.quiet) {
    err << analysis.findings.size() << " internal-access findings (" << error_findings
        << " errors) for " << analysis.stats.principals << " principals x "
        << analysis.stats.resources << " resources, " << analysis.stats.candidate_pairs
        << " pairs analyzed, " << errors << " input errors, "
        << base::Concat(static_cast<int64_t>(seconds * 1000)) << " ms\n";
  }
  if (unreadable || errors > 0) return kExitBadInput;
  return analysis.findings.empty() ? kExitOk : kExitFindings;
}

}  // namespace perimeter::cli
