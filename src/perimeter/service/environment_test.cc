// The simulated environment: the configured organization and accounts merged with inventory
// organization records (docs/inventory.md, docs/server.md).
#include "perimeter/service/environment.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace perimeter::service {
namespace {

constexpr char kMgmt[] = "111122223333";
constexpr char kSecurity[] = "234598760742";
constexpr char kDev[] = "444455556666";
constexpr char kPartner[] = "999988887777";
constexpr char kOrg[] = "o-exampleorgid";

store::InventoryRecord OrganizationRecord(std::string id, std::string json) {
  return store::InventoryRecord{store::InventoryKind::kOrganization, std::move(id), std::move(json),
                                absl::UnixEpoch(), ""};
}

// After an inventory organization record placed some accounts (BuildEnvironment), the accounts
// still at the root by default follow the root of the placed ones.
TEST(PlaceAtRootTest, FollowsTheRootOfPlacedAccounts) {
  OrganizationInfo organization{kOrg, kMgmt};
  std::vector<Account> accounts = {
      {kSecurity, "", {}, "o-exampleorgid/r-ab12/ou-ab12-security/", false},
      {kDev, "", {}, "o-exampleorgid/r-exam/", true},
      {kMgmt, "", {}, "", false},
      {kPartner, "", {}, "", false}};
  PlaceAtRoot(organization, accounts);
  EXPECT_EQ(accounts[0].ou_path, "o-exampleorgid/r-ab12/ou-ab12-security/");
  EXPECT_EQ(accounts[1].ou_path, "o-exampleorgid/r-ab12/");
  EXPECT_EQ(accounts[2].ou_path, "o-exampleorgid/r-ab12/")
      << "the management account is always a member";
  EXPECT_EQ(accounts[3].ou_path, "") << "not placed: not a member";

  std::vector<Account> unplaced = {{kDev, "", {}, "", true}};
  PlaceAtRoot(organization, unplaced);
  EXPECT_EQ(unplaced[0].ou_path, "o-exampleorgid/r-exam/");
}

TEST(RootIdForTest, IsAValidRootId) {
  EXPECT_EQ(RootIdFor("o-exampleorgid"), "r-exam");
  EXPECT_EQ(RootIdFor("o-a1b2c3d4e5"), "r-a1b2");
}

TEST(OuPathRootTest, RootOfWellFormedPathsOfTheOrganization) {
  EXPECT_EQ(OuPathRoot("o-exampleorgid/r-ab12/ou-ab12-11111111/", kOrg), "r-ab12");
  EXPECT_EQ(OuPathRoot("o-exampleorgid/r-ab12/", kOrg), "r-ab12");
  EXPECT_EQ(OuPathRoot("o-otherorgid12/r-ab12/", kOrg), std::nullopt);
  EXPECT_EQ(OuPathRoot("o-exampleorgid/r-ab12", kOrg), std::nullopt) << "not ended by '/'";
  EXPECT_EQ(OuPathRoot("o-exampleorgid/r-ab/", kOrg), std::nullopt) << "root id too short";
  EXPECT_EQ(OuPathRoot("o-exampleorgid/r-AB12/", kOrg), std::nullopt);
  EXPECT_EQ(OuPathRoot("o-exampleorgid/r-ab12//", kOrg), std::nullopt);
}

// One case: what is configured, the organization records, and the environment expected.
struct BuildCase {
  std::string name;
  std::optional<OrganizationInfo> organization;
  std::vector<Account> accounts;
  std::vector<store::InventoryRecord> records;
  std::optional<std::string> organization_id;  // of the environment built
  std::optional<std::string> management_account;
  // account id -> expected ou_path ("" = not a member); accounts not listed here are not checked.
  std::vector<std::pair<std::string, std::string>> ou_paths;
  size_t account_count;
  std::vector<std::string> conflicting;
};

class BuildEnvironmentTest : public testing::TestWithParam<BuildCase> {};

TEST_P(BuildEnvironmentTest, MergesConfigurationAndRecords) {
  const BuildCase& c = GetParam();
  BuiltEnvironment built = BuildEnvironment(c.organization, c.accounts, c.records);
  const Environment& environment = built.environment;
  ASSERT_EQ(environment.organization.has_value(), c.organization_id.has_value());
  if (c.organization_id) {
    EXPECT_EQ(environment.organization->id, *c.organization_id);
    EXPECT_EQ(environment.organization->management_account, *c.management_account);
  }
  EXPECT_EQ(environment.accounts.size(), c.account_count);
  for (const auto& [id, ou_path] : c.ou_paths) {
    const Account* account = environment.FindAccount(id);
    ASSERT_NE(account, nullptr) << id;
    EXPECT_EQ(account->ou_path, ou_path) << id;
    EXPECT_EQ(environment.IsMember(id), !ou_path.empty()) << id;
  }
  EXPECT_EQ(built.conflicting_organizations, c.conflicting);
}

const OrganizationInfo kConfigured{kOrg, kMgmt};

INSTANTIATE_TEST_SUITE_P(
    Cases, BuildEnvironmentTest,
    testing::Values(
        BuildCase{"ConfigurationAlone",
                  kConfigured,
                  {{kMgmt, "Mgmt", {}, "o-exampleorgid/r-exam/", true},
                   {kPartner, "Partner", {}, "", false}},
                  {},
                  kOrg,
                  kMgmt,
                  {{kMgmt, "o-exampleorgid/r-exam/"}, {kPartner, ""}},
                  2,
                  {}},
        BuildCase{"NoOrganizationAnywhere",
                  std::nullopt,
                  {{kDev, "", {}, "", false}},
                  {},
                  std::nullopt,
                  std::nullopt,
                  {{kDev, ""}},
                  1,
                  {}},
        BuildCase{"RecordGivesTheOrganization",
                  std::nullopt,
                  {{kDev, "", {}, "", false}},
                  {OrganizationRecord(kOrg, R"({"managementAccount": "111122223333", "accounts": [
                        {"accountId": "234598760742",
                         "ouPath": "o-exampleorgid/r-ab12/ou-ab12-security/"},
                        {"accountId": "444455556666"}]})")},
                  kOrg,
                  kMgmt,
                  // The management account is a member though no account entry lists it; the
                  // entry without "ouPath" sits at the root of the placed account.
                  {{kSecurity, "o-exampleorgid/r-ab12/ou-ab12-security/"},
                   {kDev, "o-exampleorgid/r-ab12/"}},
                  2,
                  {}},
        BuildCase{"RecordPlacesAnAccountConfiguredAtTheRootByDefault",
                  kConfigured,
                  {{kMgmt, "", {}, "o-exampleorgid/r-exam/", true},
                   {kDev, "", {}, "o-exampleorgid/r-exam/", true}},
                  {OrganizationRecord(kOrg, R"({"accounts": [{"accountId": "444455556666",
                    "ouPath": "o-exampleorgid/r-ab12/ou-ab12-dev/"}]})")},
                  kOrg,
                  kMgmt,
                  // The root follows the placed account's root.
                  {{kDev, "o-exampleorgid/r-ab12/ou-ab12-dev/"}, {kMgmt, "o-exampleorgid/r-ab12/"}},
                  2,
                  {}},
        BuildCase{"RecordNeverMovesAConfiguredOuPath",
                  kConfigured,
                  {{kMgmt, "", {}, "o-exampleorgid/r-ab12/", true},
                   {kSecurity, "", {}, "o-exampleorgid/r-ab12/ou-ab12-security/", false}},
                  {OrganizationRecord(kOrg, R"({"accounts": [{"accountId": "234598760742",
                    "ouPath": "o-exampleorgid/r-ab12/ou-ab12-elsewhere/"}]})")},
                  kOrg,
                  kMgmt,
                  {{kSecurity, "o-exampleorgid/r-ab12/ou-ab12-security/"}},
                  2,
                  {}},
        BuildCase{"RecordMakesANonMemberAccountAMemberAtTheRoot",
                  kConfigured,
                  {{kMgmt, "", {}, "o-exampleorgid/r-exam/", true}, {kPartner, "", {}, "", false}},
                  {OrganizationRecord(kOrg, R"({"accounts": [{"accountId": "999988887777"}]})")},
                  kOrg,
                  kMgmt,
                  {{kPartner, "o-exampleorgid/r-exam/"}},
                  2,
                  {}},
        BuildCase{"RecordOfAnotherOrganizationIsLeftOut",
                  kConfigured,
                  {{kMgmt, "", {}, "o-exampleorgid/r-exam/", true}},
                  {OrganizationRecord("o-otherorgid12", R"({"managementAccount": "444455556666",
                    "accounts": [{"accountId": "444455556666"}]})")},
                  kOrg,
                  kMgmt,
                  {{kMgmt, "o-exampleorgid/r-exam/"}},
                  1,
                  {"o-otherorgid12"}},
        BuildCase{"UnreadableRecordsAndEntriesAreSkipped",
                  kConfigured,
                  {{kMgmt, "", {}, "o-exampleorgid/r-exam/", true}},
                  {OrganizationRecord(kOrg, "not json"),
                   OrganizationRecord(kOrg, R"({"accounts": "none"})"),
                   OrganizationRecord(kOrg, R"({"accounts": [7, {"accountId": 5},
                     {"ouPath": "o-exampleorgid/r-exam/"}]})")},
                  kOrg,
                  kMgmt,
                  {{kMgmt, "o-exampleorgid/r-exam/"}},
                  1,
                  {}}),
    [](const testing::TestParamInfo<BuildCase>& info) { return info.param.name; });

}  // namespace
}  // namespace perimeter::service
