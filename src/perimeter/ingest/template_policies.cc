#include "perimeter/ingest/template_policies.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "perimeter/ingest/internal/converters.h"
#include "perimeter/ingest/internal/inventory_builder.h"
#include "perimeter/json/document.h"

namespace perimeter::ingest {

TemplatePolicies FindTemplatePolicies(std::string_view text, const IngestOptions& options) {
  TemplatePolicies result;
  internal::InventoryBuilder builder("");
  std::optional<InputFormat> format = DetectInputFormat(text);
  if (format == InputFormat::kCloudFormation) {
    internal::FindCloudFormationPolicies(text, options, builder, result.policies);
  } else if (format == InputFormat::kTerraformPlan) {
    json::ParseResult parsed = json::Parse(std::string(text));
    if (parsed.ok()) {
      internal::FindTerraformPlanPolicies(text, parsed.document.root(), options, builder,
                                          result.policies);
    } else {
      for (const base::Issue& issue : parsed.issues)
        builder.Error("ingest.syntax", issue.position, issue.message);
    }
  } else {
    builder.Error(
        "ingest.unknown-format", {},
        "not a CloudFormation template (JSON or YAML) or a Terraform plan (terraform show "
        "-json), the inputs `perimeter validate` reads");
  }
  std::vector<base::Issue> notes;
  resources::Inventory empty = builder.Finish(notes);
  result.issues = std::move(empty.issues);
  for (base::Issue& note : notes) result.issues.push_back(std::move(note));
  std::stable_sort(result.issues.begin(), result.issues.end(),
                   [](const base::Issue& a, const base::Issue& b) {
                     return a.position.offset < b.position.offset;
                   });
  return result;
}

}  // namespace perimeter::ingest
