#include "perimeter/ingest/ingest.h"

#include <utility>

#include "perimeter/aws/arn.h"
#include "perimeter/base/text.h"
#include "perimeter/ingest/internal/converters.h"
#include "perimeter/json/document.h"
#include "perimeter/resources/policy_positions.h"

namespace perimeter::ingest {
namespace {

constexpr std::pair<InputFormat, std::string_view> kFormats[] = {
    {InputFormat::kInventory, "inventory"},
    {InputFormat::kAwsConfig, "config"},
    {InputFormat::kIamAuthorizationDetails, "iam-authorization-details"},
    {InputFormat::kCloudFormation, "cloudformation"},
    {InputFormat::kTerraformPlan, "terraform-plan"},
};

std::string_view SkipSpace(std::string_view text) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  size_t i = 0;
  while (i < text.size() &&
         (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
    ++i;
  return text.substr(i);
}

// The format of one JSON object by its distinguishing members.
std::optional<InputFormat> ClassifyObject(const json::Value& object) {
  auto has = [&](std::string_view key) { return object.Find(key).has_value(); };
  if (has("kind")) return InputFormat::kInventory;
  if (has("AWSTemplateFormatVersion")) return InputFormat::kCloudFormation;
  if (std::optional<json::Value> resources = object.Find("Resources");
      resources.has_value() && resources->is_object()) {
    return InputFormat::kCloudFormation;
  }
  if (has("format_version") && (has("planned_values") || has("resource_changes") || has("values") ||
                                has("terraform_version"))) {
    return InputFormat::kTerraformPlan;
  }
  if (has("RoleDetailList") || has("UserDetailList") || has("GroupDetailList")) {
    return InputFormat::kIamAuthorizationDetails;
  }
  if (has("configurationItems") || has("baseConfigurationItems") || has("Results") ||
      has("configurationItemCaptureTime") || has("ConfigurationItems")) {
    return InputFormat::kAwsConfig;
  }
  return std::nullopt;
}

}  // namespace

std::string_view InputFormatName(InputFormat format) {
  for (const auto& [value, name] : kFormats) {
    if (value == format) return name;
  }
  return "inventory";
}

std::optional<InputFormat> ParseInputFormat(std::string_view name) {
  for (const auto& [value, format_name] : kFormats) {
    if (format_name == name) return value;
  }
  return std::nullopt;
}

std::optional<InputFormat> DetectInputFormat(std::string_view text) {
  std::string_view start = SkipSpace(text);
  if (start.empty()) return InputFormat::kInventory;  // an empty inventory
  if (start.front() == '{' || start.front() == '[') {
    json::ParseResult parsed = json::Parse(std::string(text));
    if (!parsed.ok()) {
      // Several JSON values (JSON Lines) or broken JSON: the inventory reader names the problem.
      return start.front() == '{' ? std::optional<InputFormat>(InputFormat::kInventory)
                                  : std::nullopt;
    }
    json::Value root = parsed.document.root();
    if (root.is_object()) return ClassifyObject(root);
    if (root.is_array()) {
      if (root.size() == 0) return InputFormat::kInventory;
      json::Value first = *root.children().begin();
      if (!first.is_object()) return std::nullopt;
      if (first.Find("kind").has_value()) return InputFormat::kInventory;
      if (first.Find("resourceType").has_value() ||
          first.Find("configurationItemCaptureTime").has_value()) {
        return InputFormat::kAwsConfig;
      }
      return std::nullopt;
    }
    return std::nullopt;
  }
  // Not JSON: a YAML CloudFormation template names its version or its Resources at the top level.
  if (text.find("AWSTemplateFormatVersion") != std::string_view::npos)
    return InputFormat::kCloudFormation;
  if (start.starts_with("Resources:") || text.find("\nResources:") != std::string_view::npos) {
    return InputFormat::kCloudFormation;
  }
  return std::nullopt;
}

bool IsReservedUnknownAccount(std::string_view account) {
  return internal::IsUnknownAccountId(account);
}

IngestResult ReadInput(InputFormat format, std::string source_name, std::string_view text,
                       const IngestOptions& options) {
  IngestResult result;
  if (format == InputFormat::kInventory) {
    result.inventory = resources::ReadInventory(std::move(source_name), text);
    return result;
  }
  internal::InventoryBuilder builder(source_name);
  switch (format) {
    case InputFormat::kInventory:
      break;  // handled above
    case InputFormat::kCloudFormation:
      internal::ConvertCloudFormation(text, options, builder);
      break;
    case InputFormat::kAwsConfig:
    case InputFormat::kIamAuthorizationDetails:
    case InputFormat::kTerraformPlan: {
      json::ParseResult parsed = json::Parse(std::string(text));
      if (!parsed.ok()) {
        for (const base::Issue& issue : parsed.issues) {
          builder.Error(issue.code.empty() ? "ingest.syntax" : issue.code, issue.position,
                        issue.message);
        }
        break;
      }
      json::Value root = parsed.document.root();
      if (format == InputFormat::kAwsConfig) {
        internal::ConvertAwsConfig(root, options, builder);
      } else if (format == InputFormat::kIamAuthorizationDetails) {
        internal::ConvertIamAuthorizationDetails(root, options, builder);
      } else {
        internal::ConvertTerraformPlan(root, options, builder);
      }
      break;
    }
  }
  result.inventory = builder.Finish(result.notes);
  return result;
}

IngestResult ReadDetectedInput(std::string source_name, std::string_view text,
                               const IngestOptions& options) {
  std::optional<InputFormat> format = DetectInputFormat(text);
  if (!format.has_value()) {
    IngestResult result;
    result.inventory.source_name = std::move(source_name);
    result.inventory.issues.push_back(base::Issue{
        base::Severity::kError, "ingest.unknown-format",
        json::PositionAt(text, text.size() - SkipSpace(text).size()),
        "not a format Perimeter reads (inventory, AWS Config items or snapshot, "
        "get-account-authorization-details output, CloudFormation template, Terraform plan JSON); "
        "name it with --input-format"});
    return result;
  }
  return ReadInput(*format, std::move(source_name), text, options);
}

namespace internal {

std::optional<std::string> UrlDecode(std::string_view text) {
  std::optional<resources::PercentDecoded> decoded = resources::PercentDecode(text);
  if (!decoded.has_value()) return std::nullopt;
  return std::move(decoded->text);
}

std::optional<std::string> PolicyMemberJson(const json::Value& value, base::SourcePosition position,
                                            std::string_view what, InventoryBuilder& builder) {
  if (value.is_null()) return std::string("\"\"");
  if (value.is_object()) return json::Quote(value.source_text());
  if (!value.is_string()) {
    builder.Error("ingest.wrong-type", position,
                  base::Concat(what, " must be a policy (a JSON object or string), not ",
                               json::KindName(value.kind())));
    return std::nullopt;
  }
  std::string_view text = value.text();
  std::string_view trimmed = SkipSpace(text);
  if (trimmed.empty() || trimmed.front() == '{') return json::Quote(text);
  // IAM returns policy documents URL-encoded (RFC 3986): "%7B%22Version%22...".
  if (trimmed.starts_with("%7B") || trimmed.starts_with("%7b")) {
    std::optional<std::string> decoded = UrlDecode(text);
    if (!decoded.has_value()) {
      builder.Error("ingest.invalid-value", position,
                    base::Concat(what, " has a malformed %-escape"));
      return std::nullopt;
    }
    return json::Quote(*decoded);
  }
  builder.Error(
      "ingest.invalid-value", position,
      base::Concat(what, " is not a policy document (neither JSON nor URL-encoded JSON)"));
  return std::nullopt;
}

std::string ArnAccount(std::string_view arn) { return std::string(aws::AccountOfArn(arn)); }

std::string ArnRegion(std::string_view arn) { return std::string(aws::RegionOfArn(arn)); }

std::string Placeholder(std::string_view name) {
  // ':' would split an ARN ("arn:aws:sqs:{AWS-Region}:..."): "AWS::Region" is written
  // "{AWS-Region}".
  std::string out = "{";
  for (size_t i = 0; i < name.size(); ++i) {
    if (name[i] == ':') {
      out += '-';
      while (i + 1 < name.size() && name[i + 1] == ':') ++i;
      continue;
    }
    out += name[i];
  }
  return out + "}";
}

std::string DefaultAccount(const IngestOptions& options) {
  return options.account_id.empty() ? Placeholder("AWS::AccountId") : options.account_id;
}

}  // namespace internal
}  // namespace perimeter::ingest
