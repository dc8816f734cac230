#include <string>
#include <string_view>

#include "fuzz/fuzz_targets.h"
#include "perimeter/ingest/ingest.h"
#include "perimeter/ingest/template_policies.h"

namespace perimeter::fuzz {

// Invariants: finding the policies of a template or plan never crashes, whatever the bytes; every
// issue and every policy is placed inside the file, and so is every byte of every policy document
// (and one past its end) mapped back to the file, as `perimeter validate` maps its findings.
int FuzzTemplatePolicies(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  ingest::IngestOptions options;
  options.account_id = "123456789012";
  options.region = "us-east-1";
  ingest::TemplatePolicies found = ingest::FindTemplatePolicies(text, options);
  auto inside = [&](const base::SourcePosition& position) {
    return position.line >= 1 && position.column >= 1 && position.offset <= size;
  };
  for (const base::Issue& issue : found.issues) {
    FuzzCheck(inside(issue.position), "an issue is placed inside the file");
    FuzzCheck(!issue.message.empty(), "an issue says what is wrong");
  }
  for (const ingest::TemplatePolicy& policy : found.policies) {
    FuzzCheck(!policy.resource.empty() && !policy.property.empty(), "a policy is named");
    FuzzCheck(!policy.policy_type.empty(), "a policy has a policy type");
    FuzzCheck(inside(policy.position), "a policy is placed inside the file");
    FuzzCheck(static_cast<bool>(policy.locate), "a policy maps back to the file");
    size_t n = policy.document.size();
    size_t step = n / 64 + 1;
    for (size_t offset = 0; offset <= n + 1; offset += step) {
      FuzzCheck(inside(policy.locate(static_cast<uint32_t>(offset))),
                "a byte of the policy maps inside the file");
    }
    FuzzCheck(inside(policy.locate(static_cast<uint32_t>(n))), "the policy's end maps inside");
  }
  return 0;
}

}  // namespace perimeter::fuzz
