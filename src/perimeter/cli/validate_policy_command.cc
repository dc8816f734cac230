#include "perimeter/cli/validate_policy_command.h"

#include <optional>
#include <ostream>
#include <set>
#include <vector>

#include "perimeter/cli/app.h"
#include "perimeter/cli/input_files.h"
#include "perimeter/report/validation_formats.h"
#include "perimeter/validation/check_catalog.h"
#include "perimeter/validation/validate_policy.h"

namespace perimeter::cli {

std::optional<std::set<validation::FindingType>> ReadBlocking(const std::string& text,
                                                              std::ostream& err) {
  std::set<validation::FindingType> types;
  if (text == "NONE") return types;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string name = text.substr(start, comma == std::string::npos ? comma : comma - start);
    validation::FindingType type;
    if (!validation::ParseFindingType(name, type)) {
      err << "error: --treat-as-blocking: \"" << name
          << "\" is not one of ERROR, SECURITY_WARNING, WARNING, SUGGESTION (or NONE)\n";
      return std::nullopt;
    }
    types.insert(type);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return types;
}

int RunValidatePolicy(const ValidatePolicyOptions& options, std::istream& in, std::ostream& out,
                      std::ostream& err) {
  std::optional<validation::PolicyType> type = validation::ParsePolicyType(options.policy_type);
  if (!type) {
    err << "error: --policy-type: use IDENTITY_POLICY, RESOURCE_POLICY, SERVICE_CONTROL_POLICY or "
           "RESOURCE_CONTROL_POLICY\n";
    return kExitBadInput;
  }
  std::optional<validation::ValidatePolicyResourceType> resource_type;
  if (!options.resource_type.empty()) {
    resource_type = validation::ParseResourceType(options.resource_type);
    if (!resource_type) {
      err << "error: --resource-type: use AWS::S3::Bucket, AWS::S3::AccessPoint, "
             "AWS::S3::MultiRegionAccessPoint, AWS::S3ObjectLambda::AccessPoint, "
             "AWS::IAM::AssumeRolePolicyDocument or AWS::DynamoDB::Table\n";
      return kExitBadInput;
    }
  }
  if (options.format != "table" && options.format != "json" && options.format != "sarif") {
    err << "error: --format: use table, json or sarif\n";
    return kExitBadInput;
  }
  std::optional<std::set<validation::FindingType>> blocking =
      ReadBlocking(options.treat_as_blocking, err);
  if (!blocking) return kExitBadInput;
  std::string text;
  if (!ReadInput(options.policy_document, in, text, err)) return kExitBadInput;
  std::string name = options.policy_document == "-" ? "<stdin>" : options.policy_document;

  std::vector<validation::ValidationFinding> findings =
      validation::ValidatePolicy(text, *type, resource_type);
  if (options.format == "json") {
    out << report::RenderValidationJson(findings);
  } else if (options.format == "sarif") {
    out << report::RenderValidationSarif(name, findings);
  } else {
    out << report::RenderValidationTable(name, findings);
  }
  for (const validation::ValidationFinding& finding : findings) {
    if (blocking->contains(finding.finding_type)) return kExitFindings;
  }
  return kExitOk;
}

}  // namespace perimeter::cli
