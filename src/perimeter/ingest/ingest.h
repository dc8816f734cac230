// Converters from real export and infrastructure-code formats to an inventory (docs/
// inventory.md), so that `perimeter analyze` reads what people already have: AWS Config items and
// snapshots, `aws iam get-account-authorization-details` output, CloudFormation templates (JSON and
// YAML) and Terraform plans (`terraform show -json`). docs/analyze.md describes each format, what
// is read from it and what is not.
//
// Every converted resource has the configuration shape of the inventory format, so it is analyzed
// by resources::AnalyzeResource unchanged, and its `source_name` / `position` point at its policy
// in the original file (SARIF annotates that line).
//
// Never fails and never drops input silently: what cannot be read is an error issue in
// `inventory.issues`, positioned in the file, and its record is skipped; values that cannot be
// known (a CloudFormation parameter, a Terraform value known only after apply) are notes, and stand
// in the analysis as placeholders that can never equal an account of the zone of trust, so they are
// reported as external rather than assumed inside; items that are not resources Access Analyzer
// analyzes are counted in a note per type.
//
// Pure: the caller reads the file; nothing here touches the file system.
#ifndef PERIMETER_INGEST_INGEST_H_
#define PERIMETER_INGEST_INGEST_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/issue.h"
#include "perimeter/resources/inventory.h"

namespace perimeter::ingest {

enum class InputFormat {
  kInventory,                // Perimeter's inventory (JSON Lines or a JSON array)
  kAwsConfig,                // AWS Config items: snapshots, batch-get / history / select results
  kIamAuthorizationDetails,  // aws iam get-account-authorization-details
  kCloudFormation,           // CloudFormation templates, JSON or YAML
  kTerraformPlan,            // terraform show -json (a plan, or a state)
};

// "inventory", "config", "iam-authorization-details", "cloudformation", "terraform-plan".
std::string_view InputFormatName(InputFormat format);
std::optional<InputFormat> ParseInputFormat(std::string_view name);

// The format of `text`, decided from its content (the file name is not trusted); nullopt when it is
// none of them.
std::optional<InputFormat> DetectInputFormat(std::string_view text);

struct IngestOptions {
  // The account and region the input belongs to when it does not say: CloudFormation's
  // AWS::AccountId and AWS::Region, the owner of Terraform resources whose ARN is not known. Empty:
  // a placeholder
  // ("{AWS::AccountId}") that never equals a zone account.
  std::string account_id;
  std::string region;
  std::string partition = "aws";
  // CloudFormation parameter values; a parameter without a value is a placeholder "{Name}".
  std::map<std::string, std::string, std::less<>> parameters;
};

struct IngestResult {
  resources::Inventory inventory;
  // Warnings that do not make the input unreadable: placeholders for unknown values, items outside
  // Access Analyzer's resource types. Positioned in the file.
  std::vector<base::Issue> notes;
};

// Whether `account` is one of the ids that stand for accounts the input does not name
// ("000000000001" to "000000000099"); a zone of trust must not be one of them.
bool IsReservedUnknownAccount(std::string_view account);

// Reads `text` (the contents of `source_name`) as `format`.
IngestResult ReadInput(InputFormat format, std::string source_name, std::string_view text,
                       const IngestOptions& options = {});

// Reads `text` in the format DetectInputFormat finds; an unrecognised file is an error issue
// (ingest.unknown-format) naming the formats.
IngestResult ReadDetectedInput(std::string source_name, std::string_view text,
                               const IngestOptions& options = {});

}  // namespace perimeter::ingest

#endif  // PERIMETER_INGEST_INGEST_H_
