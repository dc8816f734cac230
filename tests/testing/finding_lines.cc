#include "tests/testing/finding_lines.h"

#include <string>
#include <vector>

namespace perimeter_testing {
namespace {

std::string SourcesText(const perimeter::findings::Finding& finding) {
  std::string out;
  for (const perimeter::findings::FindingSource& source : finding.sources) {
    if (!out.empty()) out += ",";
    out += std::string(perimeter::findings::FindingSourceTypeName(source.type));
    if (source.access_point_arn.has_value() || source.access_point_account.has_value()) {
      out += "(" + source.access_point_arn.value_or("") + ";" +
             source.access_point_account.value_or("") + ")";
    }
  }
  return out;
}

}  // namespace

std::string FindingLine(const perimeter::findings::Finding& finding, Sources sources) {
  if (finding.error.has_value()) return "ERROR " + finding.error_reason;
  std::string line;
  for (const auto& [key, value] : finding.principal) line += key + "=" + value;
  line += " |";
  if (finding.actions.size() > 6) {
    line += " " + std::to_string(finding.actions.size()) + " actions";
  } else {
    for (const std::string& action : finding.actions) line += " " + action;
  }
  line += " |";
  for (const auto& [key, value] : finding.condition) line += " " + key + "=" + value;
  line += finding.is_public ? " | public" : " | not-public";
  switch (sources) {
    case Sources::kShown:
      if (!finding.sources.empty()) line += " | " + SourcesText(finding);
      break;
    case Sources::kLeftOut:
      break;
  }
  return line;
}

std::vector<std::string> FindingLines(const std::vector<perimeter::findings::Finding>& found,
                                      Sources sources) {
  std::vector<std::string> lines;
  lines.reserve(found.size());
  for (const perimeter::findings::Finding& finding : found)
    lines.push_back(FindingLine(finding, sources));
  return lines;
}

}  // namespace perimeter_testing
