#include "perimeter/unused/unused_access.h"

#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "perimeter/unused/policy_actions.h"

namespace perimeter::unused {
namespace {

using findings::FindingType;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kNow = absl::FromUnixSeconds(1796083200);  // 2026-12-01T00:00:00Z
absl::Time DaysAgo(int days) { return kNow - absl::Hours(24) * days; }

constexpr char kS3ReadPolicy[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"*"},)"
    R"({"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"}]})";

IamPrincipal Role(LastUsed last_used) {
  IamPrincipal role;
  role.kind = PrincipalKind::kIamRole;
  role.arn = "arn:aws:iam::111122223333:role/app";
  role.account = "111122223333";
  role.created = DaysAgo(400);
  role.role_last_used = last_used;
  return role;
}

IamPrincipal User() {
  IamPrincipal user;
  user.kind = PrincipalKind::kIamUser;
  user.arn = "arn:aws:iam::111122223333:user/alice";
  user.account = "111122223333";
  user.created = DaysAgo(400);
  user.password_enabled = false;
  user.access_keys = std::vector<AccessKey>{};
  return user;
}

UnusedAccessResult Analyze(const IamPrincipal& principal, UnusedAccessConfiguration config = {}) {
  UnusedAccessZone zone{UnusedAccessZone::Kind::kAccount, "111122223333", {}};
  return AnalyzeUnusedAccess({principal}, zone, config, kNow);
}

std::vector<FindingType> Types(const UnusedAccessResult& result) {
  std::vector<FindingType> types;
  for (const auto& finding : result.findings) types.push_back(finding.type);
  return types;
}

std::vector<std::string> UndecidedWhat(const UnusedAccessResult& result) {
  std::vector<std::string> what;
  for (const Undecided& undecided : result.undecided) what.push_back(undecided.what);
  return what;
}

// --- Roles -----------------------------------------------------------------------------------

struct RoleCase {
  std::string name;
  LastUsed last_used;
  std::optional<absl::Time> created;
  std::vector<FindingType> expected;
  std::vector<std::string> undecided;
};

void PrintTo(const RoleCase& c, std::ostream* os) { *os << c.name; }

class RoleTest : public ::testing::TestWithParam<RoleCase> {};

TEST_P(RoleTest, Decides) {
  IamPrincipal role = Role(GetParam().last_used);
  role.created = GetParam().created;
  UnusedAccessResult result = Analyze(role);
  EXPECT_EQ(Types(result), GetParam().expected);
  EXPECT_EQ(UndecidedWhat(result), GetParam().undecided);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RoleTest,
    ::testing::Values(
        RoleCase{"UsedRecently", LastUsed::At(DaysAgo(10)), DaysAgo(400), {}, {}},
        RoleCase{"UsedLongAgo",
                 LastUsed::At(DaysAgo(120)),
                 DaysAgo(400),
                 {FindingType::kUnusedIamRole},
                 {}},
        RoleCase{
            "NeverUsedOld", LastUsed::Never(), DaysAgo(400), {FindingType::kUnusedIamRole}, {}},
        // IAM User Guide: only entities that existed for the whole tracking period are analyzed.
        RoleCase{"NeverUsedYoung", LastUsed::Never(), DaysAgo(30), {}, {}},
        RoleCase{"NoRoleLastUsed", LastUsed::Unknown(), DaysAgo(400), {}, {"role"}},
        RoleCase{"NoCreateDate", LastUsed::Never(), std::nullopt, {}, {"principal"}}),
    [](const auto& info) { return info.param.name; });

TEST(UnusedRole, DetailsCarryLastAccessed) {
  UnusedAccessResult result = Analyze(Role(LastUsed::At(DaysAgo(100))));
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].resource, "arn:aws:iam::111122223333:role/app");
  EXPECT_EQ(result.findings[0].resource_type, "AWS::IAM::Role");
  const auto& details = std::get<findings::UnusedIamRoleDetails>(result.findings[0].details[0]);
  EXPECT_EQ(details.last_accessed, DaysAgo(100));
}

// --- Users: password and access keys ---------------------------------------------------------

struct UserCase {
  std::string name;
  std::optional<bool> password_enabled;
  LastUsed password_last_used;
  std::optional<std::vector<AccessKey>> keys;
  std::vector<FindingType> expected;
  std::vector<std::string> undecided;
};

void PrintTo(const UserCase& c, std::ostream* os) { *os << c.name; }

class UserTest : public ::testing::TestWithParam<UserCase> {};

TEST_P(UserTest, Decides) {
  IamPrincipal user = User();
  user.password_enabled = GetParam().password_enabled;
  user.password_last_used = GetParam().password_last_used;
  user.access_keys = GetParam().keys;
  UnusedAccessResult result = Analyze(user);
  EXPECT_EQ(Types(result), GetParam().expected);
  EXPECT_EQ(UndecidedWhat(result), GetParam().undecided);
}

AccessKey Key(std::string id, bool active, LastUsed used, std::optional<absl::Time> created) {
  return AccessKey{std::move(id), active, created, used};
}

INSTANTIATE_TEST_SUITE_P(
    Cases, UserTest,
    ::testing::Values(
        UserCase{"NoPasswordNoKeys", false, LastUsed::Never(), std::vector<AccessKey>{}, {}, {}},
        UserCase{"PasswordUsed", true, LastUsed::At(DaysAgo(5)), std::vector<AccessKey>{}, {}, {}},
        UserCase{"PasswordOld",
                 true,
                 LastUsed::At(DaysAgo(200)),
                 std::vector<AccessKey>{},
                 {FindingType::kUnusedIamUserPassword},
                 {}},
        UserCase{"PasswordNeverUsed",
                 true,
                 LastUsed::Never(),
                 std::vector<AccessKey>{},
                 {FindingType::kUnusedIamUserPassword},
                 {}},
        UserCase{"NoCredentialReport",
                 std::nullopt,
                 LastUsed::Unknown(),
                 std::nullopt,
                 {},
                 {"password", "access keys"}},
        UserCase{
            "OneKeyPerFinding",
            false,
            LastUsed::Never(),
            std::vector<AccessKey>{Key("AKIA1", true, LastUsed::At(DaysAgo(100)), DaysAgo(300)),
                                   Key("AKIA2", true, LastUsed::Never(), DaysAgo(300))},
            {FindingType::kUnusedIamUserAccessKey, FindingType::kUnusedIamUserAccessKey},
            {}},
        UserCase{"KeyUsedRecently",
                 false,
                 LastUsed::Never(),
                 std::vector<AccessKey>{Key("AKIA1", true, LastUsed::At(DaysAgo(1)), DaysAgo(300))},
                 {},
                 {}},
        UserCase{"InactiveKeyIgnored",
                 false,
                 LastUsed::Never(),
                 std::vector<AccessKey>{Key("AKIA1", false, LastUsed::Never(), DaysAgo(300))},
                 {},
                 {}},
        UserCase{"NewKeyNeverUsed",
                 false,
                 LastUsed::Never(),
                 std::vector<AccessKey>{Key("AKIA1", true, LastUsed::Never(), DaysAgo(10))},
                 {},
                 {}},
        UserCase{"KeyWithoutData",
                 false,
                 LastUsed::Never(),
                 std::vector<AccessKey>{Key("AKIA1", true, LastUsed::Unknown(), DaysAgo(300))},
                 {},
                 {"access key AKIA1"}}),
    [](const auto& info) { return info.param.name; });

TEST(UnusedAccessKey, NamesTheKey) {
  IamPrincipal user = User();
  user.access_keys =
      std::vector<AccessKey>{Key("AKIA9", true, LastUsed::At(DaysAgo(91)), DaysAgo(300))};
  UnusedAccessResult result = Analyze(user);
  ASSERT_EQ(result.findings.size(), 1u);
  const auto& details =
      std::get<findings::UnusedIamUserAccessKeyDetails>(result.findings[0].details[0]);
  EXPECT_EQ(details.access_key_id, "AKIA9");
  EXPECT_EQ(details.last_accessed, DaysAgo(91));
  EXPECT_EQ(result.findings[0].resource_type, "AWS::IAM::User");
}

// --- Permissions -----------------------------------------------------------------------------

IamPrincipal RoleWithPolicy(std::vector<ServiceActivity> services) {
  IamPrincipal role = Role(LastUsed::At(DaysAgo(1)));
  role.policies.push_back({"arn:aws:iam::111122223333:policy/app", true, kS3ReadPolicy});
  role.services = std::move(services);
  return role;
}

ServiceActivity Service(std::string name, LastUsed used,
                        std::optional<std::map<std::string, LastUsed>> actions = std::nullopt) {
  return ServiceActivity{std::move(name), used, std::move(actions)};
}

TEST(UnusedPermission, ServiceLevelUnusedService) {
  UnusedAccessResult result = Analyze(RoleWithPolicy(
      {Service("s3", LastUsed::At(DaysAgo(2))), Service("sqs", LastUsed::At(DaysAgo(200)))}));
  ASSERT_EQ(Types(result), std::vector<FindingType>{FindingType::kUnusedPermission});
  ASSERT_EQ(result.findings[0].details.size(), 1u);
  const auto& details = std::get<findings::UnusedPermissionDetails>(result.findings[0].details[0]);
  EXPECT_EQ(details.service_namespace, "sqs");
  EXPECT_THAT(details.actions, IsEmpty());
  EXPECT_EQ(details.last_accessed, DaysAgo(200));
  EXPECT_THAT(result.undecided, IsEmpty());
}

TEST(UnusedPermission, ActionLevelUnusedActionOfAUsedService) {
  UnusedAccessResult result = Analyze(RoleWithPolicy(
      {Service("s3", LastUsed::At(DaysAgo(2)),
               std::map<std::string, LastUsed>{{"s3:GetObject", LastUsed::At(DaysAgo(2))},
                                               {"s3:PutObject", LastUsed::Never()}}),
       Service("sqs", LastUsed::At(DaysAgo(3)))}));
  ASSERT_EQ(Types(result), std::vector<FindingType>{FindingType::kUnusedPermission});
  const auto& details = std::get<findings::UnusedPermissionDetails>(result.findings[0].details[0]);
  EXPECT_EQ(details.service_namespace, "s3");
  ASSERT_EQ(details.actions.size(), 1u);
  EXPECT_EQ(details.actions[0].action, "s3:PutObject");
  EXPECT_EQ(details.actions[0].last_accessed, std::nullopt);
}

TEST(UnusedPermission, UntrackedActionIsNeverUnused) {
  // s3:PutObject is allowed but the tracked list does not name it: it is not reported.
  UnusedAccessResult result = Analyze(RoleWithPolicy(
      {Service("s3", LastUsed::At(DaysAgo(2)),
               std::map<std::string, LastUsed>{{"s3:GetObject", LastUsed::At(DaysAgo(2))}}),
       Service("sqs", LastUsed::At(DaysAgo(3)))}));
  EXPECT_THAT(result.findings, IsEmpty());
}

TEST(UnusedPermission, MissingServiceDataIsUndecided) {
  UnusedAccessResult no_data = Analyze(RoleWithPolicy({}));
  EXPECT_THAT(no_data.findings, IsEmpty());
  EXPECT_THAT(UndecidedWhat(no_data), ElementsAre("service s3", "service sqs"));

  IamPrincipal role = RoleWithPolicy({});
  role.services.reset();
  UnusedAccessResult none = Analyze(role);
  EXPECT_THAT(none.findings, IsEmpty());
  EXPECT_THAT(UndecidedWhat(none), ElementsAre("permissions"));
}

TEST(UnusedPermission, MissingManagedPolicyIsUndecided) {
  IamPrincipal role =
      RoleWithPolicy({Service("s3", LastUsed::Never()), Service("sqs", LastUsed::Never())});
  role.missing_policies.push_back("arn:aws:iam::aws:policy/ReadOnlyAccess");
  UnusedAccessResult result = Analyze(role);
  EXPECT_THAT(result.findings, IsEmpty());
  EXPECT_THAT(UndecidedWhat(result), ElementsAre("permissions"));
}

TEST(UnusedPermission, UnusedRoleHasNoPermissionFinding) {
  IamPrincipal role =
      RoleWithPolicy({Service("s3", LastUsed::Never()), Service("sqs", LastUsed::Never())});
  role.role_last_used = LastUsed::Never();
  EXPECT_EQ(Types(Analyze(role)), std::vector<FindingType>{FindingType::kUnusedIamRole});
}

// --- Zone and exclusions ---------------------------------------------------------------------

TEST(UnusedAccessZone, AccountAndOrganization) {
  IamPrincipal other = Role(LastUsed::Never());
  other.arn = "arn:aws:iam::444455556666:role/app";
  other.account = "444455556666";
  std::vector<IamPrincipal> principals = {Role(LastUsed::Never()), other};
  UnusedAccessResult account = AnalyzeUnusedAccess(
      principals, {UnusedAccessZone::Kind::kAccount, "111122223333", {}}, {}, kNow);
  EXPECT_EQ(account.findings.size(), 1u);
  UnusedAccessResult organization = AnalyzeUnusedAccess(
      principals, {UnusedAccessZone::Kind::kOrganization, "", {"111122223333", "444455556666"}}, {},
      kNow);
  EXPECT_EQ(organization.findings.size(), 2u);
}

TEST(UnusedAccessConfiguration, ExclusionsByAccountAndTags) {
  IamPrincipal tagged = Role(LastUsed::Never());
  tagged.tags = {{"team", "security"}, {"env", "prod"}};
  UnusedAccessConfiguration by_tags;
  by_tags.exclusions.push_back({{}, {{{"team", "security"}}}});
  UnusedAccessResult excluded = Analyze(tagged, by_tags);
  EXPECT_THAT(excluded.findings, IsEmpty());
  EXPECT_EQ(excluded.principals_excluded, 1u);

  UnusedAccessConfiguration other_value;
  other_value.exclusions.push_back({{}, {{{"team", "dev"}}}});
  EXPECT_EQ(Analyze(tagged, other_value).findings.size(), 1u);

  UnusedAccessConfiguration by_account;
  by_account.exclusions.push_back({{"111122223333"}, {}});
  EXPECT_THAT(Analyze(tagged, by_account).findings, IsEmpty());
}

TEST(UnusedAccessConfiguration, AgeDecides) {
  UnusedAccessConfiguration short_age;
  short_age.unused_access_age_days = 30;
  EXPECT_EQ(Analyze(Role(LastUsed::At(DaysAgo(45))), short_age).findings.size(), 1u);
  UnusedAccessConfiguration long_age;
  long_age.unused_access_age_days = 60;
  EXPECT_THAT(Analyze(Role(LastUsed::At(DaysAgo(45))), long_age).findings, IsEmpty());
}

// --- What a policy allows --------------------------------------------------------------------

TEST(AllowedBy, ExpandsWildcardsAndNotActionAndRemovesUnconditionalDenies) {
  CatalogActions catalog;
  std::vector<std::string> problems;
  AllowedActions allowed = AllowedBy(
      R"({"Version":"2012-10-17","Statement":[)"
      R"({"Effect":"Allow","Action":"sqs:Delete*","Resource":"*"},)"
      R"({"Effect":"Deny","Action":"sqs:DeleteQueue","Resource":"*"},)"
      R"({"Effect":"Deny","Action":"sqs:DeleteMessage","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})",
      catalog, problems);
  EXPECT_THAT(problems, IsEmpty());
  EXPECT_THAT(allowed["sqs"], ElementsAre("sqs:DeleteMessage"));

  AllowedActions not_action = AllowedBy(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}})",
      catalog, problems);
  EXPECT_FALSE(not_action.contains("iam"));
  EXPECT_TRUE(not_action.contains("s3"));
}

TEST(AllowedBy, ReportsUnknownActionsAndUnreadablePolicies) {
  CatalogActions catalog;
  std::vector<std::string> problems;
  AllowedBy(
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"nosuchservice:Get","Resource":"*"}})",
      catalog, problems);
  EXPECT_EQ(problems.size(), 1u);
  AllowedBy("{not json", catalog, problems);
  EXPECT_EQ(problems.size(), 2u);
}

}  // namespace
}  // namespace perimeter::unused
