// The `perimeter serve` configuration: organization membership of the listed accounts
// (docs/server.md) and the Organizations flow a configuration without OU paths must support.
#include "perimeter/server/config.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "perimeter/api/access_analyzer_service.h"
#include "perimeter/api/organizations_service.h"
#include "perimeter/api/rest_routes.h"
#include "perimeter/base/clock.h"
#include "perimeter/service/continuous_analysis.h"
#include "perimeter/service/environment.h"
#include "perimeter/store/memory/memory_store.h"
#include "tests/testing/empty_catalog.h"

namespace perimeter::server {
namespace {

constexpr char kMgmt[] = "111122223333";
constexpr char kSecurity[] = "234598760742";
constexpr char kDev[] = "444455556666";
constexpr char kPartner[] = "999988887777";

// The configuration of docs/server.md's shape, with no account giving 'ou_path'.
constexpr char kNoOuPaths[] = R"(
[organization]
id = "o-exampleorgid"
management_account = "111122223333"

[[accounts]]
id = "111122223333"
name = "Mgmt"

[[accounts]]
id = "234598760742"
name = "Security"

[[accounts]]
id = "444455556666"
name = "Dev"

[[accounts]]
id = "999988887777"
name = "Partner"
member = false
)";

using perimeter_testing::EmptyCatalog;

service::Environment EnvironmentOf(const ServerConfig& config) {
  service::Environment environment;
  environment.organization = config.organization;
  environment.accounts = config.accounts;
  return environment;
}

TEST(ServerConfigTest, ListedAccountsAreMembersAtTheRootByDefault) {
  absl::StatusOr<ServerConfig> config = ParseServerConfig(kNoOuPaths, "perimeter.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  service::Environment environment = EnvironmentOf(*config);
  for (const char* id : {kMgmt, kSecurity, kDev}) {
    EXPECT_TRUE(environment.IsMember(id)) << id;
    ASSERT_NE(environment.FindAccount(id), nullptr);
    EXPECT_EQ(environment.FindAccount(id)->ou_path, "o-exampleorgid/r-exam/") << id;
  }
  EXPECT_FALSE(environment.IsMember(kPartner));
  EXPECT_EQ(environment.FindAccount(kPartner)->ou_path, "");
  std::optional<reasoning::Organization> organization = environment.ReasoningOrganization();
  ASSERT_TRUE(organization.has_value());
  EXPECT_EQ(organization->members.size(), 3u);
}

TEST(ServerConfigTest, DefaultPlacementUsesTheRootOfTheGivenPaths) {
  absl::StatusOr<ServerConfig> config = ParseServerConfig(R"(
[organization]
id = "o-exampleorgid"
management_account = "111122223333"
[[accounts]]
id = "234598760742"
ou_path = "o-exampleorgid/r-ab12/ou-ab12-security/"
[[accounts]]
id = "444455556666"
)",
                                                          "perimeter.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  service::Environment environment = EnvironmentOf(*config);
  EXPECT_EQ(environment.FindAccount(kSecurity)->ou_path, "o-exampleorgid/r-ab12/ou-ab12-security/");
  EXPECT_FALSE(environment.FindAccount(kSecurity)->ou_path_is_default);
  EXPECT_EQ(environment.FindAccount(kDev)->ou_path, "o-exampleorgid/r-ab12/");
  EXPECT_TRUE(environment.FindAccount(kDev)->ou_path_is_default);
  // The management account, added because it was not listed, is at the root too.
  ASSERT_NE(environment.FindAccount(kMgmt), nullptr);
  EXPECT_EQ(environment.FindAccount(kMgmt)->ou_path, "o-exampleorgid/r-ab12/");
}

TEST(ServerConfigTest, WithoutOrganizationAccountsStandAlone) {
  absl::StatusOr<ServerConfig> config =
      ParseServerConfig("[[accounts]]\nid = \"444455556666\"\n", "perimeter.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->accounts.size(), 1u);
  EXPECT_EQ(config->accounts[0].ou_path, "");
  EXPECT_FALSE(EnvironmentOf(*config).IsMember(kDev));
}

struct BadConfigCase {
  std::string name;
  std::string
      accounts;  // [[accounts]] tables after an [organization] of o-exampleorgid / 111122223333
  std::string error;  // what the error must contain
};

class BadConfigTest : public testing::TestWithParam<BadConfigCase> {};

TEST_P(BadConfigTest, IsRejectedWithItsPosition) {
  const BadConfigCase& c = GetParam();
  std::string text =
      "[organization]\nid = \"o-exampleorgid\"\nmanagement_account = \"111122223333\"\n" +
      c.accounts;
  absl::StatusOr<ServerConfig> config = ParseServerConfig(text, "perimeter.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find(c.error), std::string_view::npos) << config.status();
}

INSTANTIATE_TEST_SUITE_P(
    Config, BadConfigTest,
    testing::Values(
        BadConfigCase{"OutsiderWithPath",
                      "[[accounts]]\nid = \"999988887777\"\nmember = false\nou_path = "
                      "\"o-exampleorgid/r-ab12/\"\n",
                      "perimeter.toml:7:11: an account with 'member = false' has no 'ou_path'"},
        BadConfigCase{"ManagementOutside", "[[accounts]]\nid = \"111122223333\"\nmember = false\n",
                      "perimeter.toml:6:10: the management account is a member"},
        BadConfigCase{"MemberNotBoolean", "[[accounts]]\nid = \"444455556666\"\nmember = \"no\"\n",
                      "perimeter.toml:6:10: 'member' must be true or false"},
        BadConfigCase{
            "PathOfAnotherOrganization",
            "[[accounts]]\nid = \"444455556666\"\nou_path = \"o-other12345/r-ab12/\"\n",
            "perimeter.toml:6:11: 'ou_path' must be a path of organization o-exampleorgid"},
        BadConfigCase{"PathWithoutRoot",
                      "[[accounts]]\nid = \"444455556666\"\nou_path = \"o-exampleorgid/\"\n",
                      "'ou_path' must be a path of organization o-exampleorgid"},
        BadConfigCase{
            "TwoRoots",
            "[[accounts]]\nid = \"444455556666\"\nou_path = \"o-exampleorgid/r-ab12/\"\n"
            "[[accounts]]\nid = \"234598760742\"\nou_path = \"o-exampleorgid/r-cd34/\"\n",
            "perimeter.toml:9:11: 'ou_path' starts at root r-cd34, another account's at r-ab12"}),
    [](const testing::TestParamInfo<BadConfigCase>& info) { return info.param.name; });

TEST(ServerConfigTest, MemberNeedsAnOrganization) {
  absl::StatusOr<ServerConfig> config =
      ParseServerConfig("[[accounts]]\nid = \"444455556666\"\nmember = true\n", "perimeter.toml");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(
      config.status().message().find("perimeter.toml:3:10: 'member' needs an [organization] table"),
      std::string_view::npos)
      << config.status();
}

// The flow of docs/server.md on a configuration without OU paths: the management account enables
// trusted access and registers Security as delegated administrator, which creates an ORGANIZATION
// analyzer. Before listed accounts were members by default, registering failed with
// AccountNotFoundException.
TEST(ServerConfigTest, DelegatedAdministratorFlowWithoutOuPaths) {
  absl::StatusOr<ServerConfig> config = ParseServerConfig(kNoOuPaths, "perimeter.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  auto environment = std::make_shared<const service::Environment>(EnvironmentOf(*config));
  base::FakeClock clock(1714564800000);
  store::MemoryStore store;
  auto catalog = std::make_shared<const EmptyCatalog>();
  api::AccessAnalyzerService access_analyzer(
      store, [environment] { return environment; },
      [catalog]() -> std::shared_ptr<const service::ResourceCatalog> { return catalog; }, clock,
      [](service::ScanJob) {});
  api::OrganizationsService organizations(
      store, [environment] { return environment; }, clock,
      [&access_analyzer] { ASSERT_TRUE(access_analyzer.RefreshOrganizationAnalyzers().ok()); });
  auto caller = [](const char* account) {
    return api::Caller{account, std::string("arn:aws:iam::") + account + ":user/admin",
                       "us-east-1"};
  };
  api::ApiResponse enabled =
      organizations.Handle(caller(kMgmt), "EnableAWSServiceAccess",
                           R"({"ServicePrincipal": "access-analyzer.amazonaws.com"})");
  ASSERT_EQ(enabled.status, 200) << enabled.body;
  api::ApiResponse registered = organizations.Handle(
      caller(kMgmt), "RegisterDelegatedAdministrator",
      R"({"AccountId": "234598760742", "ServicePrincipal": "access-analyzer.amazonaws.com"})");
  ASSERT_EQ(registered.status, 200) << registered.body;
  // A member account without ou_path is visible to the organization; the outsider is not.
  EXPECT_EQ(
      organizations.Handle(caller(kMgmt), "DescribeAccount", R"({"AccountId": "444455556666"})")
          .status,
      200);
  api::ApiResponse outsider =
      organizations.Handle(caller(kMgmt), "DescribeAccount", R"({"AccountId": "999988887777"})");
  EXPECT_NE(outsider.body.find("AccountNotFoundException"), std::string::npos) << outsider.body;

  std::optional<api::RouteMatch> route = api::MatchRestRoute("PUT", "/analyzer");
  ASSERT_TRUE(route.has_value());
  api::RestRequest create{
      route->operation, route->labels, {}, R"({"analyzerName": "org", "type": "ORGANIZATION"})"};
  api::ApiResponse created = access_analyzer.Handle(caller(kSecurity), create);
  EXPECT_EQ(created.status, 200) << created.body;
  EXPECT_NE(created.body.find("arn:aws:access-analyzer:us-east-1:234598760742:analyzer/org"),
            std::string::npos)
      << created.body;
}

// The organization's tree from the configured OU paths (ListRoots, ListParents,
// ListOrganizationalUnitsForParent: what the collector's organization walk reads).
struct TreeCase {
  std::string name;
  const char* account;  // the caller
  std::string operation;
  std::string body;
  int status;
  std::string contains;  // in the answer
};

class OrganizationTreeTest : public testing::TestWithParam<TreeCase> {};

TEST_P(OrganizationTreeTest, AnswersFromTheOuPaths) {
  absl::StatusOr<ServerConfig> config = ParseServerConfig(R"(
[organization]
id = "o-exampleorgid"
management_account = "111122223333"

[[accounts]]
id = "111122223333"

[[accounts]]
id = "444455556666"
ou_path = "o-exampleorgid/r-ab12/ou-ab12-workloads/ou-ab12-dev/"

[[accounts]]
id = "234598760742"
ou_path = "o-exampleorgid/r-ab12/ou-ab12-security/"
)",
                                                          "perimeter.toml");
  ASSERT_TRUE(config.ok()) << config.status();
  auto environment = std::make_shared<const service::Environment>(EnvironmentOf(*config));
  base::FakeClock clock(1714564800000);
  store::MemoryStore store;
  api::OrganizationsService organizations(
      store, [environment] { return environment; }, clock, [] {});
  const TreeCase& c = GetParam();
  api::ApiResponse answer = organizations.Handle(
      api::Caller{c.account, std::string("arn:aws:iam::") + c.account + ":root", "us-east-1"},
      c.operation, c.body);
  EXPECT_EQ(answer.status, c.status) << answer.body;
  EXPECT_NE(answer.body.find(c.contains), std::string::npos) << answer.body;
}

INSTANTIATE_TEST_SUITE_P(
    Organizations, OrganizationTreeTest,
    testing::Values(
        TreeCase{"Roots", kMgmt, "ListRoots", "{}", 200,
                 R"({"Roots":[{"Id":"r-ab12","Arn":"arn:aws:organizations::111122223333:root/)"
                 R"(o-exampleorgid/r-ab12","Name":"Root","PolicyTypes":[]}]})"},
        TreeCase{"ParentOfAnAccountInAnOu", kMgmt, "ListParents", R"({"ChildId":"444455556666"})",
                 200, R"({"Parents":[{"Id":"ou-ab12-dev","Type":"ORGANIZATIONAL_UNIT"}]})"},
        TreeCase{"ParentOfAnOu", kMgmt, "ListParents", R"({"ChildId":"ou-ab12-dev"})", 200,
                 R"({"Id":"ou-ab12-workloads","Type":"ORGANIZATIONAL_UNIT"})"},
        TreeCase{"ParentAtTheRoot", kMgmt, "ListParents", R"({"ChildId":"111122223333"})", 200,
                 R"({"Parents":[{"Id":"r-ab12","Type":"ROOT"}]})"},
        TreeCase{"UnknownChild", kMgmt, "ListParents", R"({"ChildId":"999988887777"})", 400,
                 "ChildNotFoundException"},
        TreeCase{"ChildRequired", kMgmt, "ListParents", "{}", 400, "InvalidInputException"},
        TreeCase{"UnitsOfTheRoot", kMgmt, "ListOrganizationalUnitsForParent",
                 R"({"ParentId":"r-ab12"})", 200,
                 R"({"OrganizationalUnits":[{"Id":"ou-ab12-security","Arn":"arn:aws:)"
                 R"(organizations::111122223333:ou/o-exampleorgid/ou-ab12-security","Name":)"
                 R"("ou-ab12-security"},{"Id":"ou-ab12-workloads")"},
        TreeCase{"UnitsOfAnOu", kMgmt, "ListOrganizationalUnitsForParent",
                 R"({"ParentId":"ou-ab12-workloads"})", 200, R"("Id":"ou-ab12-dev")"},
        TreeCase{"AnAccountIsNoParent", kMgmt, "ListOrganizationalUnitsForParent",
                 R"({"ParentId":"444455556666"})", 400, "ParentNotFoundException"},
        TreeCase{"MembersMayNotList", kDev, "ListParents", R"({"ChildId":"444455556666"})", 400,
                 "AccessDeniedException"}),
    [](const testing::TestParamInfo<TreeCase>& info) { return info.param.name; });

}  // namespace
}  // namespace perimeter::server
