// The converters behind ingest::ReadInput, one per format (aws_config.cc,
// iam_authorization_details.cc, cloudformation.cc, terraform_plan.cc), and what they share: policy
// text from the ways AWS returns it, URL decoding, ARNs of each resource type.
#ifndef PERIMETER_INGEST_INTERNAL_CONVERTERS_H_
#define PERIMETER_INGEST_INTERNAL_CONVERTERS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/ingest/ingest.h"
#include "perimeter/ingest/internal/inventory_builder.h"
#include "perimeter/ingest/template_policies.h"
#include "perimeter/json/document.h"

namespace perimeter::ingest::internal {

void ConvertAwsConfig(const json::Value& root, const IngestOptions& options,
                      InventoryBuilder& builder);
void ConvertIamAuthorizationDetails(const json::Value& root, const IngestOptions& options,
                                    InventoryBuilder& builder);
void ConvertTerraformPlan(const json::Value& root, const IngestOptions& options,
                          InventoryBuilder& builder);
// `text` is the template; JSON or YAML.
void ConvertCloudFormation(std::string_view text, const IngestOptions& options,
                           InventoryBuilder& builder);

// The policies of a template or plan (ingest/template_policies.h), appended to `out`; problems are
// reported to `builder` (whose inventory stays empty).
void FindCloudFormationPolicies(std::string_view text, const IngestOptions& options,
                                InventoryBuilder& builder, std::vector<TemplatePolicy>& out);
void FindTerraformPlanPolicies(std::string_view text, const json::Value& root,
                               const IngestOptions& options, InventoryBuilder& builder,
                               std::vector<TemplatePolicy>& out);

// Decodes %XX escapes (RFC 3986), as IAM returns policy documents. nullopt on a malformed escape.
std::optional<std::string> UrlDecode(std::string_view text);

// A policy as AWS exports return it: a JSON object, a JSON string, or a URL-encoded JSON string.
// Returns the policy as a JSON string literal for the configuration ("" literal for null: no
// policy), or nullopt with an error reported at `position` (the value's place in the file).
std::optional<std::string> PolicyMemberJson(const json::Value& value, base::SourcePosition position,
                                            std::string_view what, InventoryBuilder& builder);

// The account field of an ARN ("" when it has none or is not an ARN).
std::string ArnAccount(std::string_view arn);
std::string ArnRegion(std::string_view arn);

// The placeholder for a value the input does not know: "{name}" (':' written '-'). Braces never
// occur in names or ARNs AWS issues, so a placeholder never equals a real value. Placeholders that
// stand for an account are replaced by reserved account ids when the inventory is finished
// (InventoryBuilder: kUnknownAccountPrefix).
std::string Placeholder(std::string_view name);

// The owner account to use when the input does not say: options.account_id, or a placeholder.
std::string DefaultAccount(const IngestOptions& options);

}  // namespace perimeter::ingest::internal

#endif  // PERIMETER_INGEST_INTERNAL_CONVERTERS_H_
