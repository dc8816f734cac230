#include "perimeter/analysis/policy_check_request.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace perimeter::analysis {
namespace {

struct AccessCase {
  std::string name;
  std::string access;  // JSON
  AccessForm form;
  std::vector<std::string> violations;  // "member: constraint"
  std::vector<std::string> actions;
  std::vector<std::string> resources;
};

std::string Hundred(const std::string& entry, int count) {
  std::string out = "[";
  for (int i = 0; i < count; ++i) out += (i ? ",\"" : "\"") + entry + std::to_string(i) + "\"";
  return out + "]";
}

class ReadAccessToCheckTest : public testing::TestWithParam<AccessCase> {};

TEST_P(ReadAccessToCheckTest, AppliesTheModelsLimits) {
  const AccessCase& c = GetParam();
  json::ParseResult parsed = json::Parse(c.access);
  ASSERT_TRUE(parsed.ok());
  std::vector<MemberViolation> violations;
  AccessToCheck access = ReadAccessToCheck(parsed.document.root(), c.form, violations);
  std::vector<std::string> found;
  for (const MemberViolation& violation : violations)
    found.push_back(violation.member + ": " + violation.constraint);
  EXPECT_EQ(found, c.violations);
  if (c.violations.empty()) {
    EXPECT_EQ(access.actions, c.actions);
    EXPECT_EQ(access.resources, c.resources);
  }
}

constexpr AccessForm kList = AccessForm::kList;
constexpr AccessForm kEither = AccessForm::kListOrObject;

INSTANTIATE_TEST_SUITE_P(
    Access, ReadAccessToCheckTest,
    testing::Values(
        AccessCase{
            "ListOfOne", R"([{"actions":["s3:GetObject"]}])", kList, {}, {"s3:GetObject"}, {}},
        AccessCase{"ObjectForTheCli",
                   R"({"actions":["s3:GetObject"],"resources":["arn:aws:s3:::b/*"]})",
                   kEither,
                   {},
                   {"s3:GetObject"},
                   {"arn:aws:s3:::b/*"}},
        AccessCase{"ObjectNotForTheApi",
                   R"({"actions":["s3:GetObject"]})",
                   kList,
                   {"access: Member must be a list of at most 1 access"}},
        AccessCase{"TwoAccesses",
                   R"([{"actions":["a:b"]},{"actions":["c:d"]}])",
                   kList,
                   {"access: Member must be a list of at most 1 access"}},
        AccessCase{
            "EmptyList", "[]", kList, {"access: Member must name at least one action or resource"}},
        AccessCase{"EmptyObject",
                   "{}",
                   kEither,
                   {"access: Member must name at least one action or resource"}},
        AccessCase{"NotAnObject",
                   R"(["s3:GetObject"])",
                   kList,
                   {"access: Member must hold objects {actions, resources}",
                    "access: Member must name at least one action or resource"}},
        AccessCase{"UnknownMember",
                   R"([{"action":["s3:GetObject"]}])",
                   kList,
                   {"access.action: Member must be a list of at most 100 strings",
                    "access: Member must name at least one action or resource"}},
        AccessCase{"HundredActions",
                   "{\"actions\":" + Hundred("s3:Get", 100) + "}",
                   kEither,
                   {},
                   [] {
                     std::vector<std::string> out;
                     for (int i = 0; i < 100; ++i) out.push_back("s3:Get" + std::to_string(i));
                     return out;
                   }(),
                   {}},
        AccessCase{"HundredAndOneResources",
                   "[{\"actions\":[\"s3:GetObject\"],\"resources\":" +
                       Hundred("arn:aws:s3:::b", 101) + "}]",
                   kList,
                   {"access.resources: Member must be a list of at most 100 strings"}},
        AccessCase{"NotStrings",
                   R"({"actions":["s3:GetObject",7]})",
                   kEither,
                   {"access.actions: Member must hold strings"}}),
    [](const testing::TestParamInfo<AccessCase>& info) { return info.param.name; });

TEST(ParseCheckPolicyType, KnowsTheModelsTwoTypes) {
  EXPECT_EQ(ParseCheckPolicyType("IDENTITY_POLICY"), CheckPolicyType::kIdentityPolicy);
  EXPECT_EQ(ParseCheckPolicyType("RESOURCE_POLICY"), CheckPolicyType::kResourcePolicy);
  EXPECT_EQ(ParseCheckPolicyType("MANAGED_POLICY"), std::nullopt);
  EXPECT_EQ(PolicyKindOf(CheckPolicyType::kIdentityPolicy), policy::PolicyKind::kIdentity);
  EXPECT_EQ(PublicAccessPolicyKind("AWS::IAM::AssumeRolePolicyDocument"),
            policy::PolicyKind::kRoleTrust);
  EXPECT_EQ(PublicAccessPolicyKind("AWS::S3::Bucket"), policy::PolicyKind::kResource);
}

}  // namespace
}  // namespace perimeter::analysis
