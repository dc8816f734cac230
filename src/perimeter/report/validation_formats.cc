#include "perimeter/report/validation_formats.h"

#include <string>

#include "perimeter/json/writer.h"
#include "perimeter/report/sarif_artifact.h"
#include "perimeter/validation/check_catalog.h"
#include "perimeter/validation/finding_json.h"

namespace perimeter::report {
namespace {

using validation::FindingType;
using validation::ValidationFinding;

std::string_view SarifLevel(FindingType type) {
  switch (type) {
    case FindingType::kError:
      return "error";
    case FindingType::kSecurityWarning:
    case FindingType::kWarning:
      return "warning";
    case FindingType::kSuggestion:
      return "note";
  }
  return "error";
}

}  // namespace

std::string RenderValidationTable(std::string_view name,
                                  std::span<const ValidationFinding> findings) {
  std::string out;
  int counts[4] = {0, 0, 0, 0};
  for (const ValidationFinding& finding : findings) {
    validation::Position start =
        finding.locations.empty() ? validation::Position{} : finding.locations[0].span.start;
    out += std::string(name) + ":" + std::to_string(start.line) + ":" +
           std::to_string(start.column + 1) + ": " +
           std::string(validation::FindingTypeName(finding.finding_type)) + " " +
           finding.issue_code + ": " + finding.finding_details + "\n";
    ++counts[static_cast<int>(finding.finding_type)];
  }
  out += std::to_string(findings.size()) + " finding(s): " + std::to_string(counts[0]) +
         " error(s), " + std::to_string(counts[1]) + " security warning(s), " +
         std::to_string(counts[2]) + " warning(s), " + std::to_string(counts[3]) +
         " suggestion(s)\n";
  return out;
}

std::string RenderValidationJson(std::span<const ValidationFinding> findings) {
  return validation::ValidatePolicyResponseJson(findings, std::nullopt) + "\n";
}

namespace {

// The start of a SARIF log with one run of `tool`, every documented check a rule, up to the
// opening of "results".
void BeginSarifRun(json::Writer& w, std::string_view tool) {
  w.BeginObject();
  w.Key("$schema").String("https://json.schemastore.org/sarif-2.1.0.json");
  w.Key("version").String("2.1.0");
  w.Key("runs").BeginArray().BeginObject();
  w.Key("tool").BeginObject().Key("driver").BeginObject();
  w.Key("name").String(tool);
  w.Key("informationUri").String("https://github.com/perimeter-iam/perimeter");
  w.Key("version").String("0.1.0");
  w.Key("rules").BeginArray();
  for (const validation::PolicyCheck& check : validation::AllPolicyChecks()) {
    w.BeginObject().Key("id").String(check.issue_code).Key("name").String(check.title);
    w.Key("shortDescription").BeginObject().Key("text").String(check.title).EndObject();
    w.Key("helpUri").String(validation::LearnMoreLink(check));
    w.Key("defaultConfiguration").BeginObject().Key("level").String(SarifLevel(check.type));
    w.EndObject().EndObject();
  }
  w.EndArray().EndObject().EndObject();
  w.Key("results").BeginArray();
}

void WriteSarifRegion(json::Writer& w, std::string_view uri, int start_line, int start_column,
                      int end_line, int end_column) {
  w.BeginObject().Key("physicalLocation").BeginObject();
  WriteSarifArtifactLocation(w, uri);
  w.Key("region").BeginObject();
  w.Key("startLine").Int(start_line).Key("startColumn").Int(start_column);
  w.Key("endLine").Int(end_line).Key("endColumn").Int(end_column);
  w.EndObject().EndObject().EndObject();
}

void WriteTemplateLocation(json::Writer& w, std::string_view file,
                           const base::SourcePosition& position) {
  w.Key("templateLocation").BeginObject().Key("file").String(file);
  w.Key("line").Int(position.line).Key("column").Int(position.column).EndObject();
}

}  // namespace

std::string RenderValidationSarif(std::string_view uri,
                                  std::span<const ValidationFinding> findings) {
  json::Writer w(json::WriterOptions{.indent = 2});
  BeginSarifRun(w, "Perimeter validate-policy");
  for (const ValidationFinding& finding : findings) {
    w.BeginObject();
    w.Key("ruleId").String(finding.issue_code);
    w.Key("level").String(SarifLevel(finding.finding_type));
    w.Key("message").BeginObject().Key("text").String(finding.finding_details).EndObject();
    w.Key("locations").BeginArray();
    if (!finding.locations.empty()) {
      const validation::Span& span = finding.locations[0].span;
      WriteSarifRegion(w, uri, span.start.line, span.start.column + 1, span.end.line,
                       span.end.column + 1);
    }
    w.EndArray();
    w.Key("properties").BeginObject();
    w.Key("findingType").String(validation::FindingTypeName(finding.finding_type));
    w.Key("learnMoreLink").String(finding.learn_more_link);
    w.EndObject();
    w.EndObject();
  }
  w.EndArray().EndObject().EndArray().EndObject();
  return std::move(w).Take() + "\n";
}

namespace {

// The place of a finding in the file, and its end (one past the last character).
std::pair<base::SourcePosition, base::SourcePosition> SpanOf(
    const report::TemplatePolicyFindings& policy, size_t i) {
  return i < policy.template_spans.size() ? policy.template_spans[i]
                                          : std::make_pair(policy.position, policy.position);
}

bool IsError(const base::Issue& issue) { return issue.severity == base::Severity::kError; }

}  // namespace

std::string RenderTemplateValidationTable(std::span<const TemplateValidation> files) {
  std::string out;
  int counts[4] = {0, 0, 0, 0};
  size_t findings = 0, policies = 0, errors = 0, warnings = 0;
  for (const TemplateValidation& file : files) {
    for (const base::Issue& issue : file.issues) {
      out += file.file + ":" + base::ToString(issue.position) + ": " +
             (IsError(issue) ? "error " : "warning ") + issue.code + ": " + issue.message + "\n";
      ++(IsError(issue) ? errors : warnings);
    }
    for (const TemplatePolicyFindings& policy : file.policies) {
      ++policies;
      for (size_t i = 0; i < policy.findings.size(); ++i) {
        const ValidationFinding& finding = policy.findings[i];
        out += file.file + ":" + base::ToString(SpanOf(policy, i).first) + ": " +
               std::string(validation::FindingTypeName(finding.finding_type)) + " " +
               finding.issue_code + ": " + policy.resource + " " + policy.property + ": " +
               finding.finding_details + "\n";
        ++counts[static_cast<int>(finding.finding_type)];
        ++findings;
      }
    }
  }
  out += std::to_string(findings) + " finding(s) in " + std::to_string(policies) + " polic" +
         (policies == 1 ? "y" : "ies") + ": " + std::to_string(counts[0]) + " error(s), " +
         std::to_string(counts[1]) + " security warning(s), " + std::to_string(counts[2]) +
         " warning(s), " + std::to_string(counts[3]) + " suggestion(s); " + std::to_string(errors) +
         " polic" + (errors == 1 ? "y" : "ies") + " or file(s) not validated, " +
         std::to_string(warnings) + " note(s)\n";
  return out;
}

std::string RenderTemplateValidationJson(std::span<const TemplateValidation> files) {
  json::Writer w;
  w.BeginObject().Key("policies").BeginArray();
  for (const TemplateValidation& file : files) {
    for (const TemplatePolicyFindings& policy : file.policies) {
      w.BeginObject();
      w.Key("file").String(file.file);
      w.Key("resource").String(policy.resource);
      w.Key("resourceType").String(policy.resource_type);
      w.Key("property").String(policy.property);
      w.Key("policyType").String(policy.policy_type);
      if (!policy.validate_policy_resource_type.empty())
        w.Key("validatePolicyResourceType").String(policy.validate_policy_resource_type);
      WriteTemplateLocation(w, file.file, policy.position);
      w.Key("findings").BeginArray();
      for (size_t i = 0; i < policy.findings.size(); ++i) {
        w.BeginObject();
        validation::WriteFindingMembers(w, policy.findings[i]);
        WriteTemplateLocation(w, file.file, SpanOf(policy, i).first);
        w.EndObject();
      }
      w.EndArray().EndObject();
    }
  }
  w.EndArray().Key("issues").BeginArray();
  for (const TemplateValidation& file : files) {
    for (const base::Issue& issue : file.issues) {
      w.BeginObject();
      w.Key("file").String(file.file);
      w.Key("severity").String(IsError(issue) ? "ERROR" : "WARNING");
      w.Key("code").String(issue.code);
      w.Key("message").String(issue.message);
      WriteTemplateLocation(w, file.file, issue.position);
      w.EndObject();
    }
  }
  w.EndArray().EndObject();
  return std::move(w).Take() + "\n";
}

std::string RenderTemplateValidationSarif(std::span<const TemplateValidation> files) {
  json::Writer w(json::WriterOptions{.indent = 2});
  BeginSarifRun(w, "Perimeter validate");
  for (const TemplateValidation& file : files) {
    for (const base::Issue& issue : file.issues) {
      w.BeginObject();
      w.Key("ruleId").String(issue.code);
      w.Key("level").String(IsError(issue) ? "error" : "note");
      w.Key("message").BeginObject().Key("text").String(issue.message).EndObject();
      w.Key("locations").BeginArray();
      WriteSarifRegion(w, file.file, issue.position.line, issue.position.column,
                       issue.position.line, issue.position.column);
      w.EndArray().EndObject();
    }
    for (const TemplatePolicyFindings& policy : file.policies) {
      for (size_t i = 0; i < policy.findings.size(); ++i) {
        const ValidationFinding& finding = policy.findings[i];
        auto [start, end] = SpanOf(policy, i);
        w.BeginObject();
        w.Key("ruleId").String(finding.issue_code);
        w.Key("level").String(SarifLevel(finding.finding_type));
        w.Key("message")
            .BeginObject()
            .Key("text")
            .String(policy.resource + " " + policy.property + ": " + finding.finding_details)
            .EndObject();
        w.Key("locations").BeginArray();
        WriteSarifRegion(w, file.file, start.line, start.column, end.line, end.column);
        w.EndArray();
        w.Key("properties").BeginObject();
        w.Key("findingType").String(validation::FindingTypeName(finding.finding_type));
        w.Key("learnMoreLink").String(finding.learn_more_link);
        w.Key("resource").String(policy.resource);
        w.Key("resourceType").String(policy.resource_type);
        w.Key("property").String(policy.property);
        w.Key("policyType").String(policy.policy_type);
        w.EndObject();
        w.EndObject();
      }
    }
  }
  w.EndArray().EndObject().EndArray().EndObject();
  return std::move(w).Take() + "\n";
}

}  // namespace perimeter::report
