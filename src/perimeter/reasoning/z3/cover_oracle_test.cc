#include "perimeter/reasoning/z3/cover_oracle.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/base/text.h"
#include "perimeter/eval/compiled_policy.h"
#include "perimeter/policy/policy_parser.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/finding_region.h"

namespace perimeter::reasoning::z3 {
namespace {

constexpr char kOwner[] = "123456789012";
// A budget, not a measure: the cases are decided in well under a second to a few seconds, and the
// budget is wide so that a loaded machine (CI, parallel ctest) still decides them; an undecided
// cover is a failure (below), never a skip.
constexpr unsigned kTimeoutMs = 60000;

Organization SampleOrganization() {
  return Organization{"o-a1b2c3d4e5",
                      kOwner,
                      {{kOwner, "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"},
                       {"111122223333", "o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/"}}};
}

ZoneOfTrust Zone(const std::string& kind) {
  return kind == "org"           ? ZoneOfTrust::ForOrganization(SampleOrganization())
         : kind == "account+org" ? ZoneOfTrust::ForAccount(kOwner, SampleOrganization())
                                 : ZoneOfTrust::ForAccount(kOwner);
}

struct Fixture {
  policy::Policy policy;
  AccessModel model;
};

std::unique_ptr<Fixture> Queue(const std::string& text) {
  auto f = std::make_unique<Fixture>();
  policy::PolicyParseResult parsed =
      policy::ParsePolicy(text, policy::PolicyParseOptions{.kind = policy::PolicyKind::kResource,
                                                           .enforce_size_limit = true,
                                                           .size_limit = std::nullopt,
                                                           .max_depth = 32});
  EXPECT_TRUE(parsed.ok()) << (parsed.issues.empty() ? "" : parsed.issues[0].message);
  if (parsed.ok()) f->policy = *parsed.policy;
  f->model.resource_arn = "arn:aws:sqs:us-east-1:123456789012:queue";
  f->model.resource_type = "AWS::SQS::Queue";
  f->model.owner_account = kOwner;
  f->model.targets = {ResourceTarget{
      {f->model.resource_arn}, {"sqs:ReceiveMessage", "sqs:SendMessage", "sqs:DeleteMessage"}}};
  f->model.policy = &f->policy;
  return f;
}

// The resource policy alone allows the request (some Allow matches, no Deny does).
bool Allowed(const policy::Policy& policy, const eval::Request& request) {
  std::vector<base::Issue> issues;
  eval::CompiledPolicy compiled =
      eval::CompiledPolicy::Compile(policy, policy::PolicyKind::kResource, issues);
  std::string action = base::AsciiLower(request.action);
  bool allowed = false;
  for (size_t i = 0; i < compiled.statement_count(); ++i) {
    if (!compiled.Matches(i, request, action)) continue;
    if (policy.statements[i].effect == policy::Effect::kDeny) return false;
    allowed = true;
  }
  return allowed;
}

struct OracleCase {
  std::string name;
  std::string zone;
  std::string policy;
  bool external_access;  // whether any external request is allowed at all
};

class CoverOracleTest : public testing::TestWithParam<OracleCase> {};

// The engine's findings are a cover, and each finding is needed: without it the oracle finds an
// allowed external request outside the others, which the concrete evaluator confirms.
TEST_P(CoverOracleTest, EngineFindingsAreACoverAndEachIsNeeded) {
  const OracleCase& c = GetParam();
  std::unique_ptr<Fixture> f = Queue(c.policy);
  ZoneOfTrust zone = Zone(c.zone);
  AnalysisResult analysis = AnalyzeExternalAccess(f->model, zone);
  ASSERT_TRUE(analysis.stats.decided);
  EXPECT_EQ(!analysis.findings.empty(), c.external_access);

  // Unknown (Z3 gave up within the budget) is not a failure of the engine: it is counted, never
  // read as a pass.
  CoverResult any = FindExternalAccess(f->model, zone, kTimeoutMs);
  if (any.kind != CoverResult::Kind::kUnknown) {
    EXPECT_EQ(any.kind == CoverResult::Kind::kUncovered, c.external_access) << any.reason;
  }

  CoverResult cover = CheckCover(f->model, zone, analysis.findings, kTimeoutMs);
  EXPECT_NE(cover.kind, CoverResult::Kind::kUncovered) << cover.reason;
  if (cover.kind == CoverResult::Kind::kUncovered) {
    EXPECT_TRUE(Allowed(f->policy, *cover.counterexample) &&
                IsExternalRequest(*cover.counterexample, zone))
        << "the counterexample is not confirmed by the evaluator";
  }
  if (cover.kind == CoverResult::Kind::kUnknown) {
    // These cases are small: an oracle that cannot decide them within the budget is a failure, not
    // a skip (a skipped test passes unseen).
    ADD_FAILURE() << "the oracle could not decide the cover: " << cover.reason;
    return;
  }

  for (size_t drop = 0; drop < analysis.findings.size(); ++drop) {
    std::vector<findings::Finding> rest = analysis.findings;
    rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(drop));
    CoverResult result = CheckCover(f->model, zone, rest, kTimeoutMs);
    if (result.kind == CoverResult::Kind::kUnknown) continue;
    ASSERT_EQ(result.kind, CoverResult::Kind::kUncovered)
        << "without finding " << drop << ": " << result.reason;
    const eval::Request& request = *result.counterexample;
    EXPECT_TRUE(Allowed(f->policy, request)) << result.reason;
    EXPECT_TRUE(IsExternalRequest(request, zone)) << result.reason;
    EXPECT_TRUE(FindingContains(analysis.findings[drop], f->policy, request)) << result.reason;
    for (const findings::Finding& other : rest)
      EXPECT_FALSE(FindingContains(other, f->policy, request)) << result.reason;
  }
}

#define STMT(x) R"({"Version":"2012-10-17","Statement":[)" x "]}"

INSTANTIATE_TEST_SUITE_P(
    Cases, CoverOracleTest,
    testing::
        Values(
            OracleCase{
                "SameAccountOnly", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sqs:*","Resource":"*"})"),
                false},
            OracleCase{
                "CrossAccount", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sqs:SendMessage","Resource":"*"})"),
                true},
            OracleCase{
                "CrossAccountRole", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:role/writer"},"Action":["sqs:SendMessage","sqs:ReceiveMessage"],"Resource":"*"})"),
                true},
            OracleCase{
                "Public", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"})"),
                true},
            OracleCase{
                "OrgOnlyInOrgZone", "org",
                STMT(
                    R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}})"),
                false},
            OracleCase{
                "OrgConditionInAccountZone", "account+org",
                STMT(
                    R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}})"),
                true},
            OracleCase{
                "OrgPathsInOrgZone", "org",
                STMT(
                    R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/r-ab12/*"}}})"),
                false},
            OracleCase{
                "SourceIp", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}})"),
                true},
            OracleCase{
                "DenyNotIp", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sqs:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","2001:db8::/32"]}}})"),
                true},
            OracleCase{
                "DenyRemovesAnAction", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sqs:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"sqs:DeleteMessage","Resource":"*"})"),
                true},
            OracleCase{
                "DenyOutsideOrg", "account+org",
                STMT(
                    R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}})"),
                true},
            OracleCase{
                "UnconditionalDeny", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*"})"),
                false},
            OracleCase{
                "NotPrincipalAllow", "account",
                STMT(
                    R"({"Effect":"Allow","NotPrincipal":{"AWS":"999988887777"},"Action":"sqs:SendMessage","Resource":"*"})"),
                true},
            OracleCase{
                "WildcardAccountArn", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:root"},"Action":"sqs:SendMessage","Resource":"*"})"),
                true},
            OracleCase{
                "PrincipalAccountCondition", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":["999988887777","123456789012"]}}})"),
                true},
            OracleCase{
                "IfExists", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}})"),
                true},
            OracleCase{
                "TwoVpces", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}}})"),
                true},
            OracleCase{
                "ServicePrincipal", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*"})"),
                false},
            OracleCase{
                "ResourceMismatch", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:other"})"),
                false},
            OracleCase{
                "Contradiction", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"},"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}})"),
                false},
            OracleCase{
                "NumericAndDate", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sqs:SendMessage","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10.5"},"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}})"),
                true},
            OracleCase{
                "NullDeny", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"Null":{"aws:SourceVpce":"true"}}})"),
                true},
            OracleCase{
                "FederatedAndSession", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com","AWS":"arn:aws:sts::999988887777:assumed-role/r/s"},"Action":"sqs:SendMessage","Resource":"*"})"),
                true},
            OracleCase{
                "RoleWithPath", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:role/team/writer"},"Action":"sqs:SendMessage","Resource":"*"})"),
                true},
            OracleCase{
                "UserName", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sqs:SendMessage","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:username":"alice"}}})"),
                true},
            OracleCase{
                "UserArnPattern", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:user/team-*"},"Action":"sqs:SendMessage","Resource":"*"})"),
                true},
            // ARN operator values that are not ARNs match no ARN (eval::CompiledCondition, [OPS]).
            OracleCase{
                "ArnLikeNonArnValueNeverHolds", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":["*","arn:aws:sns:*"]}}})"),
                false},
            OracleCase{
                "ArnNotLikeNonArnValueDeniesEveryone", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"ArnNotLike":{"aws:SourceArn":"*"}}})"),
                false},
            // A web identity provider calls only sts:AssumeRoleWithWebIdentity
            // (eval::PrincipalCanCall).
            OracleCase{
                "FederatedOnlyCannotSendMessages", "account",
                STMT(
                    R"({"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sqs:*","Resource":"*"})"),
                false}),
    [](const testing::TestParamInfo<OracleCase>& info) { return info.param.name; });

// Access the engine once missed, found by the oracle and confirmed by the evaluator: federated
// users and role sessions named only by pattern are now candidate principals.
INSTANTIATE_TEST_SUITE_P(
    FormerEngineGaps, CoverOracleTest,
    testing::Values(
        OracleCase{
            "FederatedUserType", "account",
            STMT(
                R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalType":"FederatedUser"}}})"),
            true},
        OracleCase{
            "SessionPattern", "account",
            STMT(
                R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:sts::999988887777:assumed-role/*"},"Action":"sqs:SendMessage","Resource":"*"})"),
            true}),
    [](const testing::TestParamInfo<OracleCase>& info) { return info.param.name; });

// Issue #12: organization paths of other organizations, wildcard source accounts around the zone,
// and the resource-owner keys, which the oracle reads as the resource's own values
// (condition_keys.h).
INSTANTIATE_TEST_SUITE_P(
    Issue12, CoverOracleTest,
    testing::Values(
        OracleCase{
            "OrgPathsOfAnotherOrg", "account",
            STMT(
                R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-other12345/*"}}})"),
            true},
        OracleCase{
            "OrgPathsOfAnotherOrgInOrgZone", "org",
            STMT(
                R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:PrincipalOrgPaths":"o-other12345/r-zz99/ou-zz99-00000001/"}}})"),
            true},
        OracleCase{
            "SourceAccountPatternAroundTheZone", "account",
            STMT(
                R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringLike":{"aws:SourceAccount":"12345678901?"}}})"),
            true},
        OracleCase{
            "ResourceAccountOfTheOwner", "account",
            STMT(
                R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:ResourceAccount":"123456789012"}}})"),
            true},
        OracleCase{
            "ResourceAccountOfAnotherAccount", "account",
            STMT(
                R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:ResourceAccount":"999988887777"}}})"),
            false},
        OracleCase{
            "ResourceOrgIdOfAnotherOrg", "org",
            STMT(
                R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:ResourceOrgID":"o-other12345"}}})"),
            false},
        OracleCase{
            "ResourceOrgIdUnknownInAccountZone", "account",
            STMT(
                R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:ResourceOrgID":"o-other12345"}}})"),
            true},
        OracleCase{
            "ResourceOrgPathsOfAnotherOu", "org",
            STMT(
                R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:ResourceOrgPaths":"o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/*"}}})"),
            false},
        OracleCase{
            "ResourceOrgPathsOfTheOwnersOu", "org",
            STMT(
                R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:ResourceOrgPaths":"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}}})"),
            true}),
    [](const testing::TestParamInfo<OracleCase>& info) { return info.param.name; });

TEST(CoverOracle, NoPolicyIsUnknown) {
  AccessModel model;
  CoverResult result = CheckCover(model, ZoneOfTrust::ForAccount(kOwner), {}, kTimeoutMs);
  EXPECT_EQ(result.kind, CoverResult::Kind::kUnknown);
  EXPECT_FALSE(result.reason.empty());
}

}  // namespace
}  // namespace perimeter::reasoning::z3
