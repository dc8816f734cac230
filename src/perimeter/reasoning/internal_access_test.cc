#include "perimeter/reasoning/internal_access.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/eval/evaluator.h"
#include "perimeter/policy/policy_parser.h"

namespace perimeter::reasoning {
namespace {

constexpr char kOwner[] = "111111111111";
constexpr char kOther[] = "222222222222";
constexpr char kFullAccess[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";

NamedPolicy Named(const std::string& label, const std::string& text, policy::PolicyKind kind) {
  policy::PolicyParseOptions options;
  options.kind = kind;
  policy::PolicyParseResult parsed = policy::ParsePolicy(text, options);
  EXPECT_TRUE(parsed.policy.has_value()) << label << ": " << text;
  return NamedPolicy{label, parsed.policy.value_or(policy::Policy{})};
}

struct Case {
  std::string name;
  bool organization_zone;
  std::string principal;              // role or user ARN
  std::vector<std::string> identity;  // identity-based policies
  std::string boundary;               // "" when none
  std::string resource_policy;        // "" when none
  std::string scp;                    // account-level SCP besides FullAWSAccess, "" when none
  std::string rcp;                    // account-level RCP besides full access, "" when none
  // Each finding as "ACCESS_TYPE actions|key=value;...", sorted; "ERROR" for an error finding.
  std::vector<std::string> expected;
};

std::string Describe(const findings::InternalAccessFinding& f) {
  if (f.error.has_value()) return "ERROR";
  std::string out(findings::InternalAccessTypeName(f.access_type));
  out += " ";
  for (size_t i = 0; i < f.actions.size(); ++i) out += (i ? "," : "") + f.actions[i];
  out += "|";
  bool first = true;
  for (const auto& [key, value] : f.condition) {
    out += (first ? "" : ";") + key + "=" + value;
    first = false;
  }
  return out;
}

InternalAccessInput InputFor(const Case& c) {
  Organization organization{"o-exampleorg",
                            "999999999999",
                            {{kOwner, "o-exampleorg/r-ab12/ou-ab12-11111111/"},
                             {kOther, "o-exampleorg/r-ab12/ou-ab12-22222222/"}}};
  InternalAccessInput input;
  input.zone = c.organization_zone ? ZoneOfTrust::ForOrganization(organization)
                                   : ZoneOfTrust::ForAccount(kOwner, organization);
  InternalPrincipal principal;
  absl::StatusOr<eval::RequestPrincipal> parsed = eval::ParseRequestPrincipal(c.principal);
  EXPECT_TRUE(parsed.ok());
  principal.principal = *parsed;
  principal.principal.org_id = organization.id;
  principal.principal.org_paths = {organization.FindMember(principal.principal.account)->ou_path};
  for (size_t i = 0; i < c.identity.size(); ++i) {
    principal.identity.push_back(
        Named("identity p" + std::to_string(i), c.identity[i], policy::PolicyKind::kIdentity));
  }
  if (!c.boundary.empty()) {
    principal.permissions_boundary =
        Named("permissionsBoundary b", c.boundary, policy::PolicyKind::kPermissionsBoundary);
  }
  input.principals.push_back(std::move(principal));
  InternalResource resource;
  resource.arn = "arn:aws:s3:::critical";
  resource.resource_type = "AWS::S3::Bucket";
  resource.owner_account = kOwner;
  resource.targets = {
      ResourceTarget{{"arn:aws:s3:::critical"}, {"s3:ListBucket", "s3:GetBucketPolicy"}},
      ResourceTarget{{"arn:aws:s3:::critical/*"},
                     {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}}};
  if (!c.resource_policy.empty()) {
    resource.resource_policy = Named("resource", c.resource_policy, policy::PolicyKind::kResource);
  }
  input.resources.push_back(std::move(resource));
  for (const std::string account : {kOwner, kOther}) {
    AccountControls& controls = input.controls[account];
    controls.scps = {{Named("scp root", kFullAccess, policy::PolicyKind::kServiceControl)},
                     {Named("scp ou", kFullAccess, policy::PolicyKind::kServiceControl)}};
    if (!c.scp.empty()) {
      controls.scps.push_back({Named("scp full", kFullAccess, policy::PolicyKind::kServiceControl),
                               Named("scp deny", c.scp, policy::PolicyKind::kServiceControl)});
    }
    if (!c.rcp.empty()) {
      controls.rcps = {
          {Named(
               "rcp full",
               R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})",
               policy::PolicyKind::kResourceControl),
           Named("rcp deny", c.rcp, policy::PolicyKind::kResourceControl)}};
    }
  }
  return input;
}

class InternalAccessCaseTest : public ::testing::TestWithParam<Case> {};

TEST_P(InternalAccessCaseTest, FindsExactlyTheAllowedAccess) {
  const Case& c = GetParam();
  InternalAccessResult result = AnalyzeInternalAccess(InputFor(c));
  std::vector<std::string> actual;
  for (const findings::InternalAccessFinding& finding : result.findings) {
    actual.push_back(Describe(finding));
    if (finding.error.has_value()) continue;
    // Each witness is a request the evaluator allows (checked again here, independently of the
    // engine's own call).
    ASSERT_TRUE(finding.witness.has_value());
    EXPECT_FALSE(finding.explanation.empty());
    EXPECT_EQ(finding.principal.at("AWS"), c.principal);
  }
  std::sort(actual.begin(), actual.end());
  EXPECT_EQ(actual, c.expected);
}

const char kGetObjects[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::critical/*"}]})";
const char kAllS3[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]})";
const char kRole[] = "arn:aws:iam::111111111111:role/app";
const char kOtherRole[] = "arn:aws:iam::222222222222:role/reader";

INSTANTIATE_TEST_SUITE_P(
    Cases, InternalAccessCaseTest,
    ::testing::Values(
        Case{"SameAccountIdentityOnly",
             false,
             kRole,
             {kGetObjects},
             "",
             "",
             "",
             "",
             {"INTRA_ACCOUNT s3:GetObject|"}},
        Case{
            "SameAccountResourcePolicyOnly",
            false,
            kRole,
            {},
            "",
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:role/app"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::critical"}]})",
            "",
            "",
            {"INTRA_ACCOUNT s3:ListBucket|"}},
        Case{"NoPolicyNoAccess", false, kRole, {}, "", "", "", "", {}},
        Case{"CrossAccountIdentityAloneIsNotEnough",
             true,
             kOtherRole,
             {kGetObjects},
             "",
             "",
             "",
             "",
             {}},
        Case{
            "CrossAccountNeedsBoth",
            true,
            kOtherRole,
            {kAllS3},
            "",
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::critical","arn:aws:s3:::critical/*"]}]})",
            "",
            "",
            {"INTRA_ORG s3:GetObject,s3:ListBucket|"}},
        Case{
            "ScpDenyInOrganizationZone",
            true,
            kRole,
            {kAllS3},
            "",
            "",
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:Delete*","Resource":"*"}]})",
            "",
            {"INTRA_ACCOUNT s3:GetBucketPolicy,s3:GetObject,s3:ListBucket,s3:PutObject|"}},
        Case{
            "ScpNotEvaluatedInAccountZone",
            false,
            kRole,
            {kAllS3},
            "",
            "",
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:Delete*","Resource":"*"}]})",
            "",
            {"INTRA_ACCOUNT "
             "s3:DeleteObject,s3:GetBucketPolicy,s3:GetObject,s3:ListBucket,s3:PutObject|"}},
        Case{
            "RcpDeny",
            true,
            kRole,
            {kAllS3},
            "",
            "",
            "",
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":["s3:PutObject","s3:GetBucketPolicy"],"Resource":"*"}]})",
            {"INTRA_ACCOUNT s3:DeleteObject,s3:GetObject,s3:ListBucket|"}},
        Case{"PermissionsBoundary",
             false,
             kRole,
             {kAllS3},
             kGetObjects,
             "",
             "",
             "",
             {"INTRA_ACCOUNT s3:GetObject|"}},
        Case{
            "RestrictingConditionKept",
            false,
            kRole,
            {R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1234"}}}]})"},
            "",
            "",
            "",
            "",
            {"INTRA_ACCOUNT s3:GetObject|aws:SourceVpc=vpc-1234"}},
        Case{
            "TwoStatementsTwoFindings",
            false,
            kRole,
            {R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1234"}}},
                 {"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]})"},
            "",
            "",
            "",
            "",
            {"INTRA_ACCOUNT s3:GetObject|aws:SourceVpc=vpc-1234", "INTRA_ACCOUNT s3:ListBucket|"}},
        Case{
            "CallerControlledConditionNotReported",
            false,
            kRole,
            {R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":"home/*"}}}]})"},
            "",
            "",
            "",
            "",
            {"INTRA_ACCOUNT s3:ListBucket|"}},
        Case{
            "NotAction",
            false,
            kRole,
            {R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":["s3:Delete*","s3:Put*"],"Resource":"*"}]})"},
            "",
            "",
            "",
            "",
            {"INTRA_ACCOUNT s3:GetBucketPolicy,s3:GetObject,s3:ListBucket|"}},
        Case{
            "ExplicitDenyOnResource",
            false,
            kRole,
            {kAllS3},
            "",
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::critical/*","Condition":{"StringNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111111111111:role/admin"}}}]})",
            "",
            "",
            {"INTRA_ACCOUNT s3:GetBucketPolicy,s3:ListBucket|"}},
        Case{
            "DenyLeavesSomeObjects",
            false,
            kRole,
            {kAllS3},
            "",
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::critical/secret/*"}]})",
            "",
            "",
            {"INTRA_ACCOUNT "
             "s3:DeleteObject,s3:GetBucketPolicy,s3:GetObject,s3:ListBucket,s3:PutObject|"}},
        // A Deny the request escapes through a negated condition on a restricting key: the
        // finding says which value the request must carry (issue #17).
        Case{
            "DenyUnlessFromVpcIsInTheCondition",
            false,
            kRole,
            {kGetObjects},
            "",
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpc":"vpc-1"}}}]})",
            "",
            "",
            {"INTRA_ACCOUNT s3:GetObject|aws:SourceVpc=vpc-1"}},
        Case{
            "ScpDenyUnlessFromNetworkIsInTheCondition",
            true,
            kRole,
            {kGetObjects},
            "",
            "",
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.0.2.0/24"]}}}]})",
            "",
            {"INTRA_ACCOUNT s3:GetObject|aws:SourceIp=10.0.0.0/8,192.0.2.0/24"}},
        // A Deny of one VPC cannot be written as a value to carry: the finding stays as the Allow
        // writes it (the denied cells are in no finding).
        Case{
            "DenyOfOneVpcIsNotSpelledOut",
            false,
            kRole,
            {kGetObjects},
            "",
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1"}}}]})",
            "",
            "",
            {"INTRA_ACCOUNT s3:GetObject|"}},
        // A Deny of other actions says nothing about this access.
        Case{
            "DenyOfOtherActionsSaysNothing",
            false,
            kRole,
            {kGetObjects},
            "",
            R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpc":"vpc-1"}}}]})",
            "",
            "",
            {"INTRA_ACCOUNT s3:GetObject|"}},
        Case{
            "PolicyVariableOfThePrincipal",
            false,
            "arn:aws:iam::111111111111:user/alice",
            {R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::critical/home/${aws:username}/*"}]})"},
            "",
            "",
            "",
            "",
            {"INTRA_ACCOUNT s3:GetObject|"}},
        Case{
            "PolicyVariableTheCallerChoosesIsAnError",
            false,
            kRole,
            {R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::critical/${aws:SourceVpc}/*"}]})"},
            "",
            "",
            "",
            "",
            {"ERROR"}},
        Case{
            "OtherServiceNotCandidate",
            false,
            kRole,
            {R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]})"},
            "",
            "",
            "",
            "",
            {}}),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(InternalAccessTest, RestrictionsFollowTheZone) {
  Case c{
      "",
      true,
      kRole,
      {kAllS3},
      "",
      "",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:Delete*","Resource":"*"}]})",
      "",
      {}};
  InternalAccessResult organization = AnalyzeInternalAccess(InputFor(c));
  ASSERT_EQ(organization.findings.size(), 1u);
  EXPECT_EQ(organization.findings[0].service_control_policy_restriction,
            findings::ControlPolicyRestriction::kApplied);
  EXPECT_EQ(organization.findings[0].resource_control_policy_restriction,
            findings::ControlPolicyRestriction::kNotApplicable);
  c.organization_zone = false;
  InternalAccessResult account = AnalyzeInternalAccess(InputFor(c));
  ASSERT_EQ(account.findings.size(), 1u);
  EXPECT_EQ(account.findings[0].service_control_policy_restriction,
            findings::ControlPolicyRestriction::kApplicable);
}

TEST(InternalAccessTest, WitnessAndExplanationNameThePolicies) {
  Case c{
      "",
      false,
      kRole,
      {R"({"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1234"}}}]})"},
      "",
      "",
      "",
      "",
      {}};
  InternalAccessResult result = AnalyzeInternalAccess(InputFor(c));
  ASSERT_EQ(result.findings.size(), 1u);
  const findings::InternalAccessFinding& f = result.findings[0];
  ASSERT_TRUE(f.witness.has_value());
  EXPECT_EQ(f.witness->action, "s3:GetObject");
  EXPECT_EQ(f.witness->context.at("aws:sourcevpc"), std::vector<std::string>{"vpc-1234"});
  ASSERT_EQ(f.explanation.size(), 1u);
  EXPECT_EQ(f.explanation[0].policy, "identity p0");
  EXPECT_EQ(f.explanation[0].sid.value_or(""), "Read");
  EXPECT_EQ(f.id.size(), 36u);
}

TEST(InternalAccessTest, UnreadableResourceIsAnErrorFinding) {
  Case c{"", false, kRole, {kAllS3}, "", "", "", "", {}};
  InternalAccessInput input = InputFor(c);
  input.resources[0].error = "the bucket policy is not JSON";
  InternalAccessResult result = AnalyzeInternalAccess(std::move(input));
  ASSERT_EQ(result.findings.size(), 1u);
  EXPECT_EQ(result.findings[0].error.value_or(""), "INTERNAL_ERROR");
}

TEST(InternalAccessTest, PrincipalsOutsideTheAccountZoneAreIgnored) {
  Case c{
      "",
      false,
      kOtherRole,
      {kAllS3},
      "",
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]})",
      "",
      "",
      {}};
  InternalAccessResult result = AnalyzeInternalAccess(InputFor(c));
  EXPECT_TRUE(result.findings.empty());
  EXPECT_EQ(result.stats.principals, 0u);
}

}  // namespace
}  // namespace perimeter::reasoning

namespace perimeter::reasoning {
namespace {

// A bucket ACL (InternalResource::grants) is read with the bucket policy: a grant to another
// account of the organization reaches its principals with an identity-based Allow, in a finding of
// its own with the source BUCKET_ACL and the ACL's statement as explanation; without the ACL, the
// same principal has only what the bucket policy grants.
TEST(InternalAccessAclTest, AclIsReadWithTheBucketPolicy) {
  for (bool with_acl : {true, false}) {
    Case c{
        "acl",
        true,
        "arn:aws:iam::222222222222:role/r",
        {kFullAccess},
        "",
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::critical/*"}]})",
        "",
        "",
        {}};
    InternalAccessInput input = InputFor(c);
    if (with_acl) {
      input.resources[0].grants_source = findings::FindingSource{
          findings::FindingSourceType::kBucketAcl, std::nullopt, std::nullopt};
      input.resources[0].grants = Named(
          "acl",
          R"({"Version":"2012-10-17","Statement":[{"Sid":"BucketAclGrant0","Effect":"Allow","Principal":{"AWS":"222222222222"},"Action":["s3:ListBucket"],"Resource":["arn:aws:s3:::critical","arn:aws:s3:::critical/*"]}]})",
          policy::PolicyKind::kResource);
    }
    InternalAccessResult result = AnalyzeInternalAccess(std::move(input));
    std::vector<std::string> actual;
    for (const findings::InternalAccessFinding& f : result.findings) actual.push_back(Describe(f));
    if (!with_acl) {
      EXPECT_EQ(actual, std::vector<std::string>{"INTRA_ORG s3:GetObject|"});
      continue;
    }
    ASSERT_EQ(actual,
              (std::vector<std::string>{"INTRA_ORG s3:GetObject|", "INTRA_ORG s3:ListBucket|"}));
    const findings::InternalAccessFinding& policy = result.findings[0];
    ASSERT_EQ(policy.sources.size(), 1u);
    EXPECT_EQ(policy.sources[0].type, findings::FindingSourceType::kPolicy);
    const findings::InternalAccessFinding& acl = result.findings[1];
    ASSERT_EQ(acl.sources.size(), 1u);
    EXPECT_EQ(acl.sources[0].type, findings::FindingSourceType::kBucketAcl);
    auto ref = std::find_if(acl.explanation.begin(), acl.explanation.end(),
                            [](const findings::StatementRef& r) { return r.policy == "acl"; });
    ASSERT_NE(ref, acl.explanation.end());
    EXPECT_EQ(ref->index, 0u);
    EXPECT_EQ(ref->sid, "BucketAclGrant0");
    EXPECT_NE(policy.id, acl.id);
  }
}

// What the resource's configuration leaves undecided is an error finding, besides the analysis.
TEST(InternalAccessAclTest, UndecidedPartsAreErrorFindings) {
  Case c{"undecided", false, "arn:aws:iam::111111111111:role/r", {kFullAccess}, "", "", "", "", {}};
  InternalAccessInput input = InputFor(c);
  input.resources[0].undecided = {"through the access point ap"};
  InternalAccessResult result = AnalyzeInternalAccess(std::move(input));
  ASSERT_EQ(result.findings.size(), 2u);
  EXPECT_EQ(result.findings[0].error, "INTERNAL_ERROR");
  EXPECT_EQ(result.findings[0].error_reason, "through the access point ap");
  EXPECT_TRUE(result.findings[0].principal.empty());
  EXPECT_FALSE(result.findings[1].error.has_value());
}

}  // namespace
}  // namespace perimeter::reasoning
