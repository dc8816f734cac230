#include "perimeter/cli/validate_command.h"

#include <algorithm>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "perimeter/cli/app.h"
#include "perimeter/cli/input_files.h"
#include "perimeter/cli/validate_policy_command.h"
#include "perimeter/ingest/template_policies.h"
#include "perimeter/report/validation_formats.h"
#include "perimeter/validation/validate_policy.h"

namespace perimeter::cli {
namespace {

// Where finding `finding`'s first location is in the file: the document's span mapped through
// `locate`, the end one past the place of the last character (and never before the start).
std::pair<base::SourcePosition, base::SourcePosition> TemplateSpan(
    const ingest::TemplatePolicy& policy, const validation::ValidationFinding& finding) {
  if (finding.locations.empty()) return {policy.position, policy.position};
  const validation::Span& span = finding.locations[0].span;
  base::SourcePosition start = policy.locate(static_cast<uint32_t>(span.start.offset));
  base::SourcePosition end = start;
  if (span.end.offset > span.start.offset) {
    end = policy.locate(static_cast<uint32_t>(span.end.offset - 1));
    ++end.column;
    ++end.offset;
  }
  if (end.offset < start.offset || end.line < start.line ||
      (end.line == start.line && end.column < start.column)) {
    end = start;
  }
  return {start, end};
}

// Unusable input: the file is not a template or plan, or does not parse.
bool IsUnusable(const base::Issue& issue) {
  return issue.severity == base::Severity::kError && !issue.code.starts_with("validate.");
}

}  // namespace

int RunValidate(const ValidateOptions& options, std::istream& in, std::ostream& out,
                std::ostream& err) {
  if (options.format != "table" && options.format != "json" && options.format != "sarif") {
    err << "error: --format: use table, json or sarif\n";
    return kExitBadInput;
  }
  std::optional<std::set<validation::FindingType>> blocking =
      ReadBlocking(options.treat_as_blocking, err);
  if (!blocking) return kExitBadInput;
  ingest::IngestOptions ingest_options;
  ingest_options.account_id = options.account_id;
  ingest_options.region = options.region;
  ingest_options.partition = options.partition;
  for (const std::string& parameter : options.parameters) {
    size_t equals = parameter.find('=');
    if (equals == std::string::npos || equals == 0) {
      err << "error: --parameter \"" << parameter << "\": use NAME=VALUE\n";
      return kExitBadInput;
    }
    ingest_options.parameters[parameter.substr(0, equals)] = parameter.substr(equals + 1);
  }

  std::vector<report::TemplateValidation> files;
  bool unusable = false;
  bool blocked = false;
  for (const std::string& path : options.files) {
    std::string text;
    if (!ReadInput(path, in, text, err)) return kExitBadInput;
    ingest::TemplatePolicies found = ingest::FindTemplatePolicies(text, ingest_options);
    report::TemplateValidation file{
        .file = path == "-" ? "<stdin>" : path, .policies = {}, .issues = std::move(found.issues)};
    for (const base::Issue& issue : file.issues) {
      if (IsUnusable(issue)) unusable = true;
      if (issue.severity == base::Severity::kError &&
          blocking->contains(validation::FindingType::kError)) {
        blocked = true;
      }
    }
    for (const ingest::TemplatePolicy& policy : found.policies) {
      // The tables of ingest/ name only the API's types: a failed parse is a bug there.
      std::optional<validation::PolicyType> type = validation::ParsePolicyType(policy.policy_type);
      std::optional<validation::ValidatePolicyResourceType> resource_type;
      if (!policy.validate_policy_resource_type.empty())
        resource_type = validation::ParseResourceType(policy.validate_policy_resource_type);
      if (!type.has_value()) continue;
      report::TemplatePolicyFindings result{
          .resource = policy.resource,
          .resource_type = policy.resource_type,
          .property = policy.property,
          .policy_type = policy.policy_type,
          .validate_policy_resource_type = policy.validate_policy_resource_type,
          .position = policy.position,
          .findings = validation::ValidatePolicy(policy.document, *type, resource_type),
          .template_spans = {}};
      for (const validation::ValidationFinding& finding : result.findings) {
        result.template_spans.push_back(TemplateSpan(policy, finding));
        if (blocking->contains(finding.finding_type)) blocked = true;
      }
      file.policies.push_back(std::move(result));
    }
    files.push_back(std::move(file));
  }
  if (options.format == "json") {
    out << report::RenderTemplateValidationJson(files);
  } else if (options.format == "sarif") {
    out << report::RenderTemplateValidationSarif(files);
  } else {
    out << report::RenderTemplateValidationTable(files);
  }
  if (unusable) return kExitBadInput;
  return blocked ? kExitFindings : kExitOk;
}

}  // namespace perimeter::cli
