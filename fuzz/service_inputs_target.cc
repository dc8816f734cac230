// Fuzz targets for the inputs the server and the offline analyzer read from users: inventories,
// archive rules (and ListFindings filters), AWS credential files, SigV4 Authorization headers, and
// the proposed configurations of access previews.
#include <string>

#include "fuzz/fuzz_targets.h"
#include "perimeter/aws/client/credentials.h"
#include "perimeter/aws/sigv4/sigv4.h"
#include "perimeter/base/issue.h"
#include "perimeter/findings/archive_rule.h"
#include "perimeter/resources/inventory.h"
#include "perimeter/service/access_preview.h"

namespace perimeter::fuzz {

// Every record is read or skipped with a reason; nothing is lost silently.
int FuzzInventory(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  resources::Inventory inventory = resources::ReadInventory("fuzz.jsonl", text);
  size_t read = inventory.resources.size() + inventory.accounts.size() +
                inventory.organizations.size() + inventory.managed_policies.size() +
                inventory.principals.size() + inventory.groups.size() +
                inventory.organization_policies.size();
  FuzzCheck(read + inventory.skipped_records == inventory.records,
            "every record is read or skipped");
  FuzzCheck(inventory.skipped_records == 0 || base::HasErrors(inventory.issues),
            "a skipped record has a reason");
  return 0;
}

// Rules are returned exactly when no error is reported.
int FuzzArchiveRules(const uint8_t* data, size_t size) {
  std::vector<base::Issue> issues;
  auto rules =
      findings::ParseArchiveRules(std::string(reinterpret_cast<const char*>(data), size), issues);
  FuzzCheck(rules.has_value() == !base::HasErrors(issues), "rules iff no errors");
  return 0;
}

int FuzzAwsIni(const uint8_t* data, size_t size) {
  (void)aws::ParseIni(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz");
  return 0;
}

// Arbitrary Authorization and X-Amz-Date headers are refused with a reason, never accepted: the
// secret is not in the input, so no input can carry a valid signature by chance.
int FuzzSigV4Header(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  size_t newline = text.find('\n');
  aws::sigv4::HttpRequestView request;
  request.method = "POST";
  request.raw_path = "/analyzer";
  request.headers = {
      {"Host", "127.0.0.1"},
      {"Authorization", text.substr(0, newline)},
      {"X-Amz-Date", newline == std::string::npos ? "20261125T120000Z" : text.substr(newline + 1)}};
  auto lookup = [](std::string_view key) -> std::optional<aws::sigv4::Credential> {
    return aws::sigv4::Credential{std::string(key), "secret-not-in-the-input", "111122223333",
                                  "arn:aws:iam::111122223333:user/fuzz"};
  };
  auto result = aws::sigv4::Verify(request, "access-analyzer", lookup, 1'795'608'000'000);
  FuzzCheck(std::holds_alternative<aws::sigv4::AuthError>(result), "a forged signature is refused");
  FuzzCheck(!std::get<aws::sigv4::AuthError>(result).code.empty(), "a refusal has a code");
  return 0;
}

// An access preview of a new resource (first line: its ARN; the rest: the Configuration union) is
// COMPLETED with only NEW findings of that resource, or FAILED with a reason and no findings.
int FuzzAccessPreview(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  size_t newline = text.find('\n');
  std::vector<service::ProposedConfiguration> proposed = {
      {text.substr(0, newline),
       newline == std::string::npos ? std::string() : text.substr(newline + 1)}};
  reasoning::ZoneOfTrust zone = reasoning::ZoneOfTrust::ForAccount("111122223333", std::nullopt);
  service::PreviewScope scope{"111122223333", "us-east-1", "fuzz", "preview",
                              absl::FromUnixSeconds(1714564800)};
  service::PreviewState state;
  state.zone = &zone;
  service::AccessPreviewResult result = service::ComputeAccessPreview(proposed, scope, state);
  bool completed = result.status == service::AccessPreviewStatus::kCompleted;
  FuzzCheck(completed == !result.failure.has_value(), "a failure reason iff not COMPLETED");
  FuzzCheck(completed || (!result.message.empty() && result.findings.empty()),
            "a FAILED preview says why and has no findings");
  for (const findings::AccessPreviewFinding& finding : result.findings) {
    FuzzCheck(finding.change_type == findings::FindingChangeType::kNew,
              "a new resource's findings are NEW");
    FuzzCheck(finding.record.finding.resource == proposed[0].resource_arn,
              "a preview finding names the previewed resource");
  }
  return 0;
}

}  // namespace perimeter::fuzz
