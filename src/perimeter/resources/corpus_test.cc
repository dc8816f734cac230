// Every record of a generated corpus (shared/tools/gen_corpus.py, inventory
// format) goes through AnalyzeResource: nothing crashes, every finding has a
// witness or is an error finding, and error findings appear only for the
// documented reasons.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "perimeter/resources/analyze_resource.h"
#include "perimeter/resources/inventory.h"

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

class CorpusTest : public testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::path generator =
        std::filesystem::path(PERIMETER_SOURCE_DIR) / ".." / "shared" / "tools" / "gen_corpus.py";
    if (!std::filesystem::exists(generator)) GTEST_SKIP() << "../shared is absent: " << generator << " not found";
    // One directory per process and test (CTest runs tests in parallel processes), removed in TearDown.
    directory_ = std::filesystem::temp_directory_path() /
                 ("perimeter_resources_corpus_" + std::to_string(getpid()) + "_" +
                  testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(directory_);
    path_ = directory_ / "inventory.jsonl";
    std::string command =
        "python3 '" + generator.string() + "' --count 2000 --seed 3 --format inventory > '" + path_.string() + "'";
    if (std::system(command.c_str()) != 0) GTEST_SKIP() << "the corpus generator failed: " << command;
  }

  void TearDown() override {
    std::error_code ignored;
    if (!directory_.empty()) std::filesystem::remove_all(directory_, ignored);
  }

  std::filesystem::path directory_;
  std::filesystem::path path_;
};

TEST_F(CorpusTest, EveryRecordIsAnalyzed) {
  std::ifstream in(path_);
  std::stringstream text;
  text << in.rdbuf();
  Inventory inventory = ReadInventory(path_.string(), text.str());
  for (const base::Issue &issue : inventory.issues) {
    ADD_FAILURE() << path_.string() << ":" << base::ToString(issue.position) << ": " << issue.message;
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
      ResourceAnalysis analysis = AnalyzeResource(resource, inventory.FindAccount(resource.owner_account), *zone);
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
  for (const auto &[type, count] : findings_by_type) std::printf("  %-32s %zu findings\n", type.c_str(), count);
  for (const auto &[reason, count] : errors_by_reason) std::printf("  error x%zu: %s\n", count, reason.c_str());
  EXPECT_GE(findings_by_type.size(),
            7u);  // every type the generator makes has some external access
}

}  // namespace
}  // namespace perimeter::resources
