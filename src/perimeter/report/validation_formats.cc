#include "perimeter/report/validation_formats.h"

#include <string>

#include "perimeter/json/writer.h"
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

std::string RenderValidationSarif(std::string_view uri,
                                  std::span<const ValidationFinding> findings) {
  json::Writer w(json::WriterOptions{.indent = 2});
  w.BeginObject();
  w.Key("$schema").String("https://json.schemastore.org/sarif-2.1.0.json");
  w.Key("version").String("2.1.0");
  w.Key("runs").BeginArray().BeginObject();
  w.Key("tool").BeginObject().Key("driver").BeginObject();
  w.Key("name").String("Perimeter validate-policy");
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
  for (const ValidationFinding& finding : findings) {
    w.BeginObject();
    w.Key("ruleId").String(finding.issue_code);
    w.Key("level").String(SarifLevel(finding.finding_type));
    w.Key("message").BeginObject().Key("text").String(finding.finding_details).EndObject();
    w.Key("locations").BeginArray();
    if (!finding.locations.empty()) {
      const validation::Span& span = finding.locations[0].span;
      w.BeginObject().Key("physicalLocation").BeginObject();
      w.Key("artifactLocation").BeginObject().Key("uri").String(uri).EndObject();
      w.Key("region").BeginObject();
      w.Key("startLine").Int(span.start.line).Key("startColumn").Int(span.start.column + 1);
      w.Key("endLine").Int(span.end.line).Key("endColumn").Int(span.end.column + 1);
      w.EndObject().EndObject().EndObject();
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

}  // namespace perimeter::report
