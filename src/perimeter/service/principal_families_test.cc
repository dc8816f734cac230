// Continuous analysis of the internal- and unused-access analyzers (continuous_analysis.h): the
// findings of a fake catalog go through the lifecycle — created ACTIVE, ARCHIVED by a rule on the
// V2 fields, RESOLVED when gone, ACTIVE again when back — with the analyzer's stored configuration
// and the clock's now; the external-access family is left as it was. Then the real catalog over the
// bundled sample organization (samples/organization) imported as the server imports it.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "perimeter/base/clock.h"
#include "perimeter/findings/internal_access_record.h"
#include "perimeter/service/continuous_analysis.h"
#include "perimeter/service/environment.h"
#include "perimeter/service/inventory_catalog.h"
#include "perimeter/store/memory/memory_store.h"

namespace perimeter::service {
namespace {

constexpr char kMgmt[] = "111122223333";
constexpr char kDev[] = "444455556666";
constexpr char kBucket[] = "arn:aws:s3:::dev-data";
constexpr char kReader[] = "arn:aws:iam::444455556666:role/reader";
constexpr char kAdmin[] = "arn:aws:iam::111122223333:role/admin";
constexpr char kStale[] = "arn:aws:iam::444455556666:role/stale";
constexpr base::UnixMillis kStart = 1'765'000'000'000;  // 2025-12-06

findings::Finding Internal(std::string_view principal, std::string_view account) {
  findings::Finding finding;
  finding.type = findings::FindingType::kInternalAccess;
  finding.resource = kBucket;
  finding.resource_type = "AWS::S3::Bucket";
  finding.resource_owner_account = kDev;
  finding.principal = {{"AWS", std::string(principal)}};
  finding.actions = {"s3:GetObject"};
  finding.sources = {findings::FindingSource{}};
  finding.internal_details = findings::InternalAccessDetails{
      std::string(account), findings::InternalPrincipalType::kIamRole,
      account == kDev ? findings::InternalAccessType::kIntraAccount
                      : findings::InternalAccessType::kIntraOrg,
      findings::ControlPolicyRestriction::kApplied,
      findings::ControlPolicyRestriction::kNotApplicable};
  return finding;
}

findings::Finding UnusedRole(std::string_view role) {
  return findings::ToFinding(findings::UnusedAccessFinding{
      findings::FindingType::kUnusedIamRole,
      std::string(role),
      "AWS::IAM::Role",
      kDev,
      {findings::UnusedIamRoleDetails{absl::FromUnixMillis(kStart) - absl::Hours(24 * 200)}}});
}

// A catalog whose analyses return what the test sets, and which records what it was asked.
class FakeCatalog final : public ResourceCatalog {
 public:
  std::vector<ResourceSummary> Resources() const override { return {}; }
  std::optional<ResourceSummary> Find(std::string_view) const override { return std::nullopt; }
  std::vector<findings::Finding> Analyze(std::string_view,
                                         const reasoning::ZoneOfTrust&) const override {
    ++external_calls;
    return {};
  }
  std::vector<findings::Finding> AnalyzeInternalAccess(
      const reasoning::ZoneOfTrust&, const analysis::InternalAccessRule& rule) const override {
    last_rule = rule;
    return internal;
  }
  std::vector<findings::Finding> AnalyzeUnusedAccess(
      const unused::UnusedAccessZone& zone, const unused::UnusedAccessConfiguration& configuration,
      absl::Time now) const override {
    last_zone = zone;
    last_configuration = configuration;
    last_now = now;
    return unused;
  }

  std::vector<findings::Finding> internal;
  std::vector<findings::Finding> unused;
  mutable int external_calls = 0;
  mutable std::optional<analysis::InternalAccessRule> last_rule;
  mutable std::optional<unused::UnusedAccessZone> last_zone;
  mutable std::optional<unused::UnusedAccessConfiguration> last_configuration;
  mutable std::optional<absl::Time> last_now;
};

Environment Organization() {
  Environment environment;
  environment.organization = OrganizationInfo{"o-a1b2c3d4e5", kMgmt};
  environment.accounts = {Account{kMgmt, "", {}, "o-a1b2c3d4e5/r-ab12/", false},
                          Account{kDev, "", {}, "o-a1b2c3d4e5/r-ab12/ou-ab12-dev/", false}};
  return environment;
}

store::Analyzer MakeAnalyzer(std::string_view name, store::AnalyzerType type,
                             std::string configuration = "") {
  store::Analyzer analyzer;
  analyzer.arn =
      std::string("arn:aws:access-analyzer:us-east-1:111122223333:analyzer/") + std::string(name);
  analyzer.account_id = store::IsOrganizationType(type) ? kMgmt : kDev;
  analyzer.region = "us-east-1";
  analyzer.name = std::string(name);
  analyzer.type = type;
  analyzer.configuration_json = std::move(configuration);
  return analyzer;
}

class PrincipalFamiliesTest : public testing::Test {
 protected:
  PrincipalFamiliesTest()
      : environment_(std::make_shared<const Environment>(Organization())),
        catalog_(std::make_shared<FakeCatalog>()),
        clock_(kStart),
        analysis_(
            store_, [this] { return environment_; }, [this] { return catalog_; }, clock_,
            absl::Hours(24 * 90)) {}

  // Status of each stored finding of `analyzer`, by its principal (internal access) or resource.
  std::map<std::string, std::string> Statuses(const store::Analyzer& analyzer) {
    std::map<std::string, std::string> out;
    absl::StatusOr<std::vector<findings::FindingRecord>> records =
        store_.ListFindings(analyzer.arn);
    EXPECT_TRUE(records.ok());
    for (const findings::FindingRecord& record : *records) {
      std::string key = record.finding.principal.empty() ? record.finding.resource
                                                         : record.finding.principal.at("AWS");
      out[key] = std::string(findings::FindingStatusName(record.status));
    }
    return out;
  }

  store::MemoryStore store_;
  std::shared_ptr<const Environment> environment_;
  std::shared_ptr<FakeCatalog> catalog_;
  base::FakeClock clock_;
  ContinuousAnalysis analysis_;
};

TEST_F(PrincipalFamiliesTest, InternalAccessFindingsFollowTheLifecycle) {
  store::Analyzer analyzer = MakeAnalyzer(
      "internal", store::AnalyzerType::kOrganizationInternalAccess,
      R"({"internalAccess":{"analysisRule":{"inclusions":[{"resourceTypes":["AWS::S3::Bucket"]}]}}})");
  ASSERT_TRUE(store_.PutAnalyzer(analyzer).ok());
  // Archive rules on the V2 fields: findingType and the principal.
  ASSERT_TRUE(store_
                  .PutArchiveRule(store::ArchiveRuleRecord{
                      analyzer.arn, "admins",
                      R"({"findingType":{"eq":["InternalAccess"]},"principal.AWS":{"eq":[")" +
                          std::string(kAdmin) + R"("]}})"})
                  .ok());
  catalog_->internal = {Internal(kReader, kDev), Internal(kAdmin, kMgmt)};
  ASSERT_TRUE(analysis_.ScanAnalyzer(analyzer.arn).ok());
  ASSERT_TRUE(catalog_->last_rule.has_value());
  ASSERT_EQ(catalog_->last_rule->inclusions.size(), 1u);
  EXPECT_EQ(catalog_->last_rule->inclusions[0].resource_types,
            std::vector<std::string>{"AWS::S3::Bucket"});
  EXPECT_EQ(Statuses(analyzer),
            (std::map<std::string, std::string>{{kAdmin, "ARCHIVED"}, {kReader, "ACTIVE"}}));

  // The stored finding keeps its type and InternalAccessDetails.
  absl::StatusOr<std::vector<findings::FindingRecord>> stored = store_.ListFindings(analyzer.arn);
  ASSERT_TRUE(stored.ok());
  for (const findings::FindingRecord& record : *stored) {
    EXPECT_EQ(record.finding.type, findings::FindingType::kInternalAccess);
    ASSERT_TRUE(record.finding.internal_details.has_value());
  }

  // The reader's access is gone: RESOLVED; back: ACTIVE again, with the same id.
  clock_.Advance(60'000);
  catalog_->internal = {Internal(kAdmin, kMgmt)};
  ASSERT_TRUE(analysis_.ScanAnalyzer(analyzer.arn).ok());
  EXPECT_EQ(Statuses(analyzer),
            (std::map<std::string, std::string>{{kAdmin, "ARCHIVED"}, {kReader, "RESOLVED"}}));
  clock_.Advance(60'000);
  catalog_->internal = {Internal(kReader, kDev), Internal(kAdmin, kMgmt)};
  ASSERT_TRUE(analysis_.ScanAnalyzer(analyzer.arn).ok());
  EXPECT_EQ(Statuses(analyzer),
            (std::map<std::string, std::string>{{kAdmin, "ARCHIVED"}, {kReader, "ACTIVE"}}));
  absl::StatusOr<std::vector<findings::FindingRecord>> again = store_.ListFindings(analyzer.arn);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->size(), 2u) << "reactivated, not duplicated";
  EXPECT_EQ(catalog_->external_calls, 0);
}

TEST_F(PrincipalFamiliesTest, UnusedAccessUsesTheConfigurationAndTheClock) {
  store::Analyzer analyzer = MakeAnalyzer(
      "unused", store::AnalyzerType::kAccountUnusedAccess,
      R"({"unusedAccess":{"unusedAccessAge":30,"analysisRule":{"exclusions":[{"accountIds":["777788889999"]},{"resourceTags":[{"keep":"yes"}]}]}}})");
  ASSERT_TRUE(store_.PutAnalyzer(analyzer).ok());
  catalog_->unused = {UnusedRole(kStale)};
  ASSERT_TRUE(analysis_.ScanAnalyzer(analyzer.arn).ok());
  ASSERT_TRUE(catalog_->last_configuration.has_value());
  EXPECT_EQ(catalog_->last_configuration->unused_access_age_days, 30);
  ASSERT_EQ(catalog_->last_configuration->exclusions.size(), 2u);
  EXPECT_EQ(catalog_->last_configuration->exclusions[0].account_ids,
            std::vector<std::string>{"777788889999"});
  EXPECT_EQ(catalog_->last_configuration->exclusions[1].resource_tags,
            (std::vector<std::map<std::string, std::string>>{{{"keep", "yes"}}}));
  EXPECT_EQ(catalog_->last_zone->kind, unused::UnusedAccessZone::Kind::kAccount);
  EXPECT_EQ(catalog_->last_zone->account, kDev);
  EXPECT_EQ(*catalog_->last_now, absl::FromUnixMillis(kStart));
  EXPECT_EQ(Statuses(analyzer), (std::map<std::string, std::string>{{kStale, "ACTIVE"}}));
  absl::StatusOr<std::vector<findings::FindingRecord>> stored = store_.ListFindings(analyzer.arn);
  ASSERT_TRUE(stored.ok() && stored->size() == 1);
  EXPECT_EQ((*stored)[0].finding.type, findings::FindingType::kUnusedIamRole);
  EXPECT_EQ((*stored)[0].finding.unused_details.size(), 1u);

  // The role was used: RESOLVED; unused again: ACTIVE.
  clock_.Advance(60'000);
  catalog_->unused = {};
  ASSERT_TRUE(analysis_.ScanAnalyzer(analyzer.arn).ok());
  EXPECT_EQ(*catalog_->last_now, absl::FromUnixMillis(kStart + 60'000));
  EXPECT_EQ(Statuses(analyzer), (std::map<std::string, std::string>{{kStale, "RESOLVED"}}));
  catalog_->unused = {UnusedRole(kStale)};
  ASSERT_TRUE(analysis_.ScanPrincipalFamilies().ok());
  EXPECT_EQ(Statuses(analyzer), (std::map<std::string, std::string>{{kStale, "ACTIVE"}}));
}

TEST_F(PrincipalFamiliesTest, OrganizationUnusedAccessCoversTheMembers) {
  store::Analyzer analyzer =
      MakeAnalyzer("org-unused", store::AnalyzerType::kOrganizationUnusedAccess,
                   R"({"unusedAccess":{"unusedAccessAge":90}})");
  ASSERT_TRUE(store_.PutAnalyzer(analyzer).ok());
  ASSERT_TRUE(analysis_.ScanAnalyzer(analyzer.arn).ok());
  ASSERT_TRUE(catalog_->last_zone.has_value());
  EXPECT_EQ(catalog_->last_zone->kind, unused::UnusedAccessZone::Kind::kOrganization);
  EXPECT_EQ(catalog_->last_zone->member_accounts, (std::vector<std::string>{kMgmt, kDev}));
}

TEST_F(PrincipalFamiliesTest, ResourceScanAppliesOnlyThatResource) {
  store::Analyzer analyzer = MakeAnalyzer("unused", store::AnalyzerType::kAccountUnusedAccess,
                                          R"({"unusedAccess":{"unusedAccessAge":90}})");
  ASSERT_TRUE(store_.PutAnalyzer(analyzer).ok());
  catalog_->unused = {UnusedRole(kStale), UnusedRole(kReader)};
  ASSERT_TRUE(analysis_.ScanResource(analyzer.arn, kReader).ok());
  EXPECT_EQ(Statuses(analyzer), (std::map<std::string, std::string>{{kReader, "ACTIVE"}}));
}

TEST_F(PrincipalFamiliesTest, ExternalAccessFamilyIsLeftAsItWas) {
  store::Analyzer external = MakeAnalyzer("external", store::AnalyzerType::kAccount);
  store::Analyzer internal =
      MakeAnalyzer("internal", store::AnalyzerType::kAccountInternalAccess, "");
  ASSERT_TRUE(store_.PutAnalyzer(external).ok());
  ASSERT_TRUE(store_.PutAnalyzer(internal).ok());
  catalog_->internal = {Internal(kReader, kDev)};
  // An import's per-resource jobs reach only the external family; the principal families are
  // scanned whole, and never ask the catalog's per-resource analysis.
  ASSERT_TRUE(analysis_.ScanResourceEverywhere(kBucket).ok());
  EXPECT_TRUE(Statuses(internal).empty());
  EXPECT_FALSE(catalog_->last_rule.has_value());
  ASSERT_TRUE(analysis_.ScanPrincipalFamilies().ok());
  EXPECT_EQ(catalog_->external_calls, 0);
  EXPECT_TRUE(Statuses(external).empty());
  EXPECT_EQ(Statuses(internal), (std::map<std::string, std::string>{{kReader, "ACTIVE"}}));
  ASSERT_TRUE(catalog_->last_rule.has_value());
  EXPECT_TRUE(catalog_->last_rule->inclusions.empty()) << "no rule: every supported resource";
}

TEST_F(PrincipalFamiliesTest, DisabledAnalyzerDoesNotAnalyze) {
  store::Analyzer analyzer = MakeAnalyzer("internal", store::AnalyzerType::kAccountInternalAccess);
  analyzer.status = store::AnalyzerStatus::kDisabled;
  ASSERT_TRUE(store_.PutAnalyzer(analyzer).ok());
  catalog_->internal = {Internal(kReader, kDev)};
  ASSERT_TRUE(analysis_.ScanAnalyzer(analyzer.arn).ok());
  EXPECT_TRUE(Statuses(analyzer).empty());
}

struct ConfigurationCase {
  std::string label;
  std::string json;
  bool ok;
  int age;  // when ok
  friend void PrintTo(const ConfigurationCase& c, std::ostream* out) { *out << c.label; }
};

class UnusedConfigurationTest : public testing::TestWithParam<ConfigurationCase> {};

TEST_P(UnusedConfigurationTest, ReadsTheStoredConfiguration) {
  absl::StatusOr<unused::UnusedAccessConfiguration> parsed =
      ParseUnusedAccessConfiguration(GetParam().json);
  ASSERT_EQ(parsed.ok(), GetParam().ok) << parsed.status();
  if (parsed.ok()) {
    EXPECT_EQ(parsed->unused_access_age_days, GetParam().age);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Configurations, UnusedConfigurationTest,
    testing::Values(
        ConfigurationCase{"EmptyIsDefault", "", true, 90},
        ConfigurationCase{"Age", R"({"unusedAccess":{"unusedAccessAge":7}})", true, 7},
        ConfigurationCase{"NoAge", R"({"unusedAccess":{}})", true, 90},
        ConfigurationCase{"AgeOutOfRange", R"({"unusedAccess":{"unusedAccessAge":0}})", false, 0},
        ConfigurationCase{"WrongMember", R"({"internalAccess":{}})", false, 0},
        ConfigurationCase{
            "BadExclusions",
            R"({"unusedAccess":{"analysisRule":{"exclusions":[{"accountIds":[1]}]}}})", false, 0}));

TEST(InternalConfigurationTest, ReadsTheAnalysisRule) {
  EXPECT_TRUE(ParseInternalAccessConfiguration("")->inclusions.empty());
  EXPECT_TRUE(ParseInternalAccessConfiguration(R"({"internalAccess":{}})")->inclusions.empty());
  absl::StatusOr<analysis::InternalAccessRule> rule = ParseInternalAccessConfiguration(
      R"({"internalAccess":{"analysisRule":{"inclusions":[{"accountIds":["444455556666"]}]}}})");
  ASSERT_TRUE(rule.ok()) << rule.status();
  ASSERT_EQ(rule->inclusions.size(), 1u);
  EXPECT_EQ(rule->inclusions[0].account_ids, std::vector<std::string>{kDev});
  EXPECT_FALSE(
      ParseInternalAccessConfiguration(
          R"({"internalAccess":{"analysisRule":{"inclusions":[{"resourceTypes":["AWS::SQS::Queue"]}]}}})")
          .ok());
}

// --- The real catalog over the sample organization, imported as the server imports it. ---

std::string ReadSample(const std::string& path) {
  std::ifstream file(std::string(PERIMETER_SOURCE_DIR) + "/samples/organization/" + path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

TEST(InventoryCatalogFamiliesTest, SampleOrganizationGivesFindingsOfBothFamilies) {
  store::MemoryStore store;
  SplitInventory split =
      SplitInventoryFile("inventory.jsonl", ReadSample("inventory.jsonl"), absl::UnixEpoch());
  size_t principals = 0, groups = 0, organization_policies = 0;
  for (const store::InventoryRecord& record : split.records) {
    principals += record.kind == store::InventoryKind::kPrincipal;
    groups += record.kind == store::InventoryKind::kGroup;
    organization_policies += record.kind == store::InventoryKind::kOrganizationPolicy;
  }
  EXPECT_EQ(principals, 4u);
  EXPECT_EQ(groups, 1u);
  EXPECT_EQ(organization_policies, 2u);
  ASSERT_TRUE(store.PutInventory(split.records).ok());
  for (const char* file : {"unused/authorization-details.json", "unused/credential-report.csv",
                           "unused/activity.jsonl"}) {
    std::optional<SplitInventory> input =
        SplitUnusedAccessInput(file, ReadSample(file), absl::UnixEpoch(), "");
    ASSERT_TRUE(input.has_value()) << file;
    ASSERT_EQ(input->records.size(), 1u) << file;
    EXPECT_EQ(input->records[0].kind, store::InventoryKind::kUnusedAccessInput);
    ASSERT_TRUE(store.PutInventory(input->records).ok());
  }
  EXPECT_FALSE(SplitUnusedAccessInput("inventory.jsonl", ReadSample("inventory.jsonl"),
                                      absl::UnixEpoch(), "")
                   .has_value());

  absl::StatusOr<std::shared_ptr<const InventoryCatalog>> catalog = InventoryCatalog::Load(store);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  Environment environment;
  BuiltEnvironment built = BuildEnvironment(std::nullopt, {}, [&] {
    absl::StatusOr<std::vector<store::InventoryRecord>> records =
        store.ListInventory(store::InventoryKind::kOrganization);
    return *records;
  }());
  std::optional<reasoning::Organization> organization = built.environment.ReasoningOrganization();
  ASSERT_TRUE(organization.has_value());
  std::vector<findings::Finding> internal = (*catalog)->AnalyzeInternalAccess(
      reasoning::ZoneOfTrust::ForOrganization(*organization), analysis::InternalAccessRule{});
  ASSERT_FALSE(internal.empty());
  for (const findings::Finding& finding : internal) {
    EXPECT_EQ(finding.type, findings::FindingType::kInternalAccess);
    EXPECT_EQ(finding.internal_details.has_value(), !finding.error.has_value());
  }

  unused::UnusedAccessZone zone;
  zone.kind = unused::UnusedAccessZone::Kind::kOrganization;
  for (const reasoning::OrganizationMember& member : organization->members)
    zone.member_accounts.push_back(member.account_id);
  std::vector<findings::Finding> unused_findings =
      (*catalog)->AnalyzeUnusedAccess(zone, unused::UnusedAccessConfiguration{},
                                      absl::FromUnixMillis(kStart) + absl::Hours(24 * 365));
  ASSERT_FALSE(unused_findings.empty());
  for (const findings::Finding& finding : unused_findings)
    EXPECT_TRUE(findings::IsUnusedAccessType(finding.type));
}

TEST(InventoryCatalogFamiliesTest, AnAccountsInputsDescribeOnlyItsPrincipals) {
  // The sample's authorization details name principals of three accounts; imported by one of them
  // through the API, only that account's principals are analyzed.
  store::MemoryStore store;
  std::optional<SplitInventory> input = SplitUnusedAccessInput(
      "authorization-details.json", ReadSample("unused/authorization-details.json"),
      absl::UnixEpoch(), kDev);
  ASSERT_TRUE(input.has_value());
  ASSERT_TRUE(store.PutInventory(input->records).ok());
  absl::StatusOr<std::shared_ptr<const InventoryCatalog>> catalog = InventoryCatalog::Load(store);
  ASSERT_TRUE(catalog.ok());
  ASSERT_FALSE((*catalog)->unused_access_principals().empty());
  for (const unused::IamPrincipal& principal : (*catalog)->unused_access_principals())
    EXPECT_EQ(principal.account, kDev) << principal.arn;
  EXPECT_EQ(ImportRefusal(*input, kDev, std::string(kMgmt)), std::nullopt);
  EXPECT_TRUE(ImportRefusal(*input, kMgmt, std::string(kMgmt)).has_value())
      << "stored as the importer's: another account may not write it";
}

}  // namespace
}  // namespace perimeter::service
