// The organization rules of ORGANIZATION-zone analyzers (organization_analyzers.h).
#include "perimeter/service/organization_analyzers.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "perimeter/store/memory/memory_store.h"

namespace perimeter::service {
namespace {

using store::AnalyzerStatus;
using store::StatusReasonCode;

constexpr char kMgmt[] = "111122223333";
constexpr char kSecurity[] = "234598760742";
constexpr char kPartner[] = "999988887777";

Environment OrganizationEnvironment() {
  Environment environment;
  environment.organization = OrganizationInfo{"o-exampleorgid", kMgmt};
  environment.accounts = {{kMgmt, "", {}, "o-exampleorgid/r-ab12/", true},
                          {kSecurity, "", {}, "o-exampleorgid/r-ab12/ou-ab12-security/", false},
                          {kPartner, "", {}, "", false}};
  return environment;
}

// One case: the organization's state, the account asking, the reason expected.
struct BlockCase {
  std::string name;
  bool organization;
  bool trusted_access;
  bool security_registered;  // kSecurity registered as delegated administrator
  std::string account;
  std::optional<StatusReasonCode> block;
};

class OrganizationAnalyzerBlockTest : public testing::TestWithParam<BlockCase> {};

TEST_P(OrganizationAnalyzerBlockTest, FollowsTheOrganizationsState) {
  const BlockCase& c = GetParam();
  store::MemoryStore store;
  if (c.trusted_access) {
    ASSERT_TRUE(store.PutServiceAccess({std::string(kAccessAnalyzerPrincipal)}).ok());
  }
  if (c.security_registered) {
    ASSERT_TRUE(
        store.PutDelegatedAdministrator({kSecurity, std::string(kAccessAnalyzerPrincipal)}).ok());
  }
  // Another service's registration and trusted access count for nothing.
  ASSERT_TRUE(store.PutServiceAccess({"config.amazonaws.com"}).ok());
  ASSERT_TRUE(store.PutDelegatedAdministrator({kPartner, "config.amazonaws.com"}).ok());
  Environment environment = c.organization ? OrganizationEnvironment() : Environment{};
  EXPECT_EQ(OrganizationAnalyzerBlock(c.account, environment, store), c.block);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, OrganizationAnalyzerBlockTest,
    testing::Values(
        BlockCase{"ManagementWithTrustedAccess", true, true, false, kMgmt, std::nullopt},
        BlockCase{"DelegatedAdministrator", true, true, true, kSecurity, std::nullopt},
        BlockCase{"NoOrganization", false, true, true, kMgmt,
                  StatusReasonCode::kOrganizationDeleted},
        BlockCase{"NotAMember", true, true, true, kPartner, StatusReasonCode::kOrganizationDeleted},
        BlockCase{"MemberNotRegistered", true, true, false, kSecurity,
                  StatusReasonCode::kDelegatedAdministratorDeregistered},
        BlockCase{"RegistrationComesBeforeTrustedAccess", true, false, false, kSecurity,
                  StatusReasonCode::kDelegatedAdministratorDeregistered},
        BlockCase{"TrustedAccessDisabled", true, false, true, kSecurity,
                  StatusReasonCode::kAwsServiceAccessDisabled},
        BlockCase{"ManagementWithoutTrustedAccess", true, false, false, kMgmt,
                  StatusReasonCode::kAwsServiceAccessDisabled}),
    [](const testing::TestParamInfo<BlockCase>& info) { return info.param.name; });

// One case: an analyzer's status and reason, the block, what it becomes.
struct TransitionCase {
  std::string name;
  AnalyzerStatus status;
  std::optional<StatusReasonCode> reason;
  std::optional<StatusReasonCode> block;
  bool changed;
  AnalyzerStatus new_status;
  std::optional<StatusReasonCode> new_reason;
  bool reactivated;
};

class ApplyOrganizationBlockTest : public testing::TestWithParam<TransitionCase> {};

TEST_P(ApplyOrganizationBlockTest, Transitions) {
  const TransitionCase& c = GetParam();
  store::Analyzer analyzer;
  analyzer.type = store::AnalyzerType::kOrganization;
  analyzer.status = c.status;
  analyzer.status_reason = c.reason;
  bool reactivated = false;
  EXPECT_EQ(ApplyOrganizationBlock(analyzer, c.block, reactivated), c.changed);
  EXPECT_EQ(analyzer.status, c.new_status);
  EXPECT_EQ(analyzer.status_reason, c.new_reason);
  EXPECT_EQ(reactivated, c.reactivated);
}

constexpr std::optional<StatusReasonCode> kNone = std::nullopt;
constexpr auto kDeregistered = StatusReasonCode::kDelegatedAdministratorDeregistered;
constexpr auto kDisabledAccess = StatusReasonCode::kAwsServiceAccessDisabled;

INSTANTIATE_TEST_SUITE_P(
    Cases, ApplyOrganizationBlockTest,
    testing::Values(
        TransitionCase{"ActiveStaysActive", AnalyzerStatus::kActive, kNone, kNone, false,
                       AnalyzerStatus::kActive, kNone, false},
        TransitionCase{"ActiveBlockedIsDisabled", AnalyzerStatus::kActive, kNone, kDeregistered,
                       true, AnalyzerStatus::kDisabled, kDeregistered, false},
        TransitionCase{"DisabledUnblockedIsActiveAgain", AnalyzerStatus::kDisabled, kDeregistered,
                       kNone, true, AnalyzerStatus::kActive, kNone, true},
        TransitionCase{"DisabledReasonFollowsTheBlock", AnalyzerStatus::kDisabled, kDeregistered,
                       kDisabledAccess, true, AnalyzerStatus::kDisabled, kDisabledAccess, false},
        TransitionCase{"DisabledSameReasonUnchanged", AnalyzerStatus::kDisabled, kDisabledAccess,
                       kDisabledAccess, false, AnalyzerStatus::kDisabled, kDisabledAccess, false},
        TransitionCase{"CreatingLeftAlone", AnalyzerStatus::kCreating, kNone, kDeregistered, false,
                       AnalyzerStatus::kCreating, kNone, false},
        TransitionCase{"FailedLeftAlone", AnalyzerStatus::kFailed, kNone, kNone, false,
                       AnalyzerStatus::kFailed, kNone, false}),
    [](const testing::TestParamInfo<TransitionCase>& info) { return info.param.name; });

TEST(FindingsAccessibleTest, OnlyADeregisteredOrganizationAnalyzerHidesItsFindings) {
  store::Analyzer analyzer;
  analyzer.type = store::AnalyzerType::kOrganization;
  EXPECT_TRUE(FindingsAccessible(analyzer));
  analyzer.status = AnalyzerStatus::kDisabled;
  analyzer.status_reason = kDisabledAccess;
  EXPECT_TRUE(FindingsAccessible(analyzer)) << "trusted access disabled: findings stay readable";
  analyzer.status_reason = kDeregistered;
  EXPECT_FALSE(FindingsAccessible(analyzer));
  analyzer.type = store::AnalyzerType::kAccount;
  EXPECT_TRUE(FindingsAccessible(analyzer)) << "an account analyzer has no organization rule";
}

TEST(RefreshOrganizationAnalyzersTest, DisablesAndReactivatesOrganizationAnalyzersOnly) {
  store::MemoryStore store;
  store::Analyzer organization;
  organization.arn = "arn:aws:access-analyzer:us-east-1:234598760742:analyzer/org";
  organization.account_id = kSecurity;
  organization.type = store::AnalyzerType::kOrganization;
  store::Analyzer account = organization;
  account.arn = "arn:aws:access-analyzer:us-east-1:234598760742:analyzer/account";
  account.type = store::AnalyzerType::kAccount;
  ASSERT_TRUE(store.PutAnalyzer(organization).ok());
  ASSERT_TRUE(store.PutAnalyzer(account).ok());
  ASSERT_TRUE(store.PutServiceAccess({std::string(kAccessAnalyzerPrincipal)}).ok());
  std::vector<std::string> scheduled;
  auto schedule = [&scheduled](ScanJob job) {
    EXPECT_FALSE(job.resource_arn.has_value()) << "a full scan";
    scheduled.push_back(job.analyzer_arn);
  };
  Environment environment = OrganizationEnvironment();

  // kSecurity is not registered: its organization analyzer is disabled, nothing scheduled.
  ASSERT_TRUE(RefreshOrganizationAnalyzers(store, environment, schedule).ok());
  absl::StatusOr<std::optional<store::Analyzer>> stored = store.GetAnalyzer(organization.arn);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->status, AnalyzerStatus::kDisabled);
  EXPECT_EQ((*stored)->status_reason, kDeregistered);
  stored = store.GetAnalyzer(account.arn);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->status, AnalyzerStatus::kActive);
  EXPECT_TRUE(scheduled.empty());

  // Registered: active again, and scanned in full.
  ASSERT_TRUE(
      store.PutDelegatedAdministrator({kSecurity, std::string(kAccessAnalyzerPrincipal)}).ok());
  ASSERT_TRUE(RefreshOrganizationAnalyzers(store, environment, schedule).ok());
  stored = store.GetAnalyzer(organization.arn);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  EXPECT_EQ((*stored)->status, AnalyzerStatus::kActive);
  EXPECT_EQ((*stored)->status_reason, kNone);
  EXPECT_EQ(scheduled, std::vector<std::string>{organization.arn});

  // Nothing changed: nothing written, nothing scheduled.
  ASSERT_TRUE(RefreshOrganizationAnalyzers(store, environment, schedule).ok());
  EXPECT_EQ(scheduled.size(), 1u);
}

}  // namespace
}  // namespace perimeter::service
