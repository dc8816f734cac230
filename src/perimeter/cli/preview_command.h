// `perimeter preview`: access previews offline (docs/previews.md) — the findings an external-access
// analyzer would report for resources under proposed configurations, compared with the findings of
// the current inventory (NEW / UNCHANGED / CHANGED), as the server's CreateAccessPreview computes
// them (service/access_preview.h).
#ifndef PERIMETER_CLI_PREVIEW_COMMAND_H_
#define PERIMETER_CLI_PREVIEW_COMMAND_H_

#include <iosfwd>
#include <optional>
#include <string>

namespace perimeter::cli {

struct PreviewOptions {
  std::string inventory;  // the current inventory (docs/inventory.md), or "-"
  std::string proposed;   // --proposed CHANGES.jsonl: {"resourceArn": ..., "configuration": {...}}
  std::string zone_account;           // --zone-account: the analyzer's account
  std::string zone_org;               // --zone-org: an organization of the inventory
  std::string region = "us-east-1";   // --region: the analyzer's region (S3 buckets name none)
  std::optional<std::string> format;  // --format table|json|csv|sarif|asff; default as `analyze`
  std::string archive_rules;          // --archive-rules FILE
  std::string output;                 // --output FILE
  bool quiet = false;
};

// Exit codes as `perimeter analyze`: 0 no preview finding ACTIVE, 1 some are, 2 bad input or usage
// (an unreadable line of CHANGES, a configuration the preview rejects — named with its line on
// `err` —, an unreadable inventory record).
int RunPreview(const PreviewOptions& options, std::istream& in, std::ostream& out,
               std::ostream& err, bool out_is_terminal);

}  // namespace perimeter::cli

#endif  // PERIMETER_CLI_PREVIEW_COMMAND_H_
