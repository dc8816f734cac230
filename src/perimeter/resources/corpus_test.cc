// Every record of a generated corpus (src/perimeter/testing/corpus_generator.h, inventory format,
// every resource type) goes through AnalyzeResource: nothing crashes, every finding has a witness
// or is an error finding, and error findings appear only for the documented reasons.
#include <cstdio>
#include <map>
#include <string>

#include "gtest/gtest.h"
#include "perimeter/resources/analyze_resource.h"
#include "perimeter/resources/inventory.h"
#include "perimeter/testing/corpus_generator.h"

namespace perimeter::resources {
namespace {

// Reasons an analysis may end in an error finding by design
// (reasoning/external_access.h: "anything the method cannot decide exactly ...
// gives an error finding"). Any other reason is a bug.
bool IsDocumentedErrorReason(const std::string &reason) {
  for (const char *documented : {"too many", "read by operators of different types", "cannot read",
                                 "the configuration cannot be read", "not analyzed yet"}) {
    if (reason.find(documented) != std::string::npos) return true;
  }
  return false;
}

TEST(CorpusTest, EveryRecordIsAnalyzed) {
  corpus::CorpusOptions options;
  options.seed = 3;
  // Every shape family (issue #12: the ARN families are decided on the engine's fast path).
  std::string text;
  for (const std::string &line :
       corpus::GenerateCorpus(options, 2000, corpus::CorpusFormat::kInventory)) {
    text += line + "\n";
  }
  const std::string path = "corpus-seed-3.jsonl";
  Inventory inventory = ReadInventory(path, text);
  for (const base::Issue &issue : inventory.issues) {
    ADD_FAILURE() << path << ":" << base::ToString(issue.position) << ": " << issue.message;
  }
  ASSERT_EQ(inventory.resources.size(), 2000u);
  ASSERT_FALSE(inventory.organizations.empty());
  const reasoning::Organization &organization = inventory.organizations.front().organization;
  reasoning::ZoneOfTrust account_zone =
      reasoning::ZoneOfTrust::ForAccount(organization.management_account, organization);
  reasoning::ZoneOfTrust org_zone = reasoning::ZoneOfTrust::ForOrganization(organization);

  std::map<std::string, size_t> findings_by_type;
  std::map<std::string, size_t> errors_by_reason;
  for (const reasoning::ZoneOfTrust *zone : {&account_zone, &org_zone}) {
    for (const Resource &resource : inventory.resources) {
      ResourceAnalysis analysis =
          AnalyzeResource(resource, inventory.FindAccount(resource.owner_account), *zone);
      for (const findings::Finding &finding : analysis.findings) {
        EXPECT_EQ(finding.resource, resource.arn);
        EXPECT_FALSE(finding.id.empty());
        if (finding.error.has_value()) {
          EXPECT_TRUE(IsDocumentedErrorReason(finding.error_reason)) << finding.error_reason;
          ++errors_by_reason[finding.error_reason.substr(finding.error_reason.find(": ") + 2, 60)];
          continue;
        }
        EXPECT_TRUE(finding.witness.has_value()) << resource.arn;
        EXPECT_FALSE(finding.actions.empty()) << resource.arn;
        EXPECT_FALSE(finding.principal.empty()) << resource.arn;
        ++findings_by_type[finding.resource_type];
      }
      for (const base::Issue &issue : analysis.issues) {
        EXPECT_NE(issue.severity, base::Severity::kError) << resource.arn << ": " << issue.message;
      }
    }
  }
  for (const auto &[type, count] : findings_by_type)
    std::printf("  %-32s %zu findings\n", type.c_str(), count);
  for (const auto &[reason, count] : errors_by_reason)
    std::printf("  error x%zu: %s\n", count, reason.c_str());
  // Every type the generator makes has some external access in 2,000 records.
  EXPECT_EQ(findings_by_type.size(), corpus::AllCorpusResourceTypes().size());
}

}  // namespace
}  // namespace perimeter::resources
