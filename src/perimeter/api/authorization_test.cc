// Identity-based policies decide each API call: the IAM action and resource of a call, and AWS's
// AccessDeniedException message when the policies do not allow it.
#include "perimeter/api/authorization.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "perimeter/base/text.h"

namespace perimeter::api {
namespace {

constexpr char kAccount[] = "444455556666";
constexpr char kAuditor[] = "arn:aws:iam::444455556666:user/auditor";
constexpr char kAnalyzer[] = "arn:aws:access-analyzer:us-east-1:444455556666:analyzer/a";

Caller Auditor() { return Caller{kAccount, kAuditor, "us-east-1"}; }

RestRequest Request(std::string operation, std::map<std::string, std::string> labels,
                    std::string body, std::vector<std::pair<std::string, std::string>> query = {}) {
  return RestRequest{std::move(operation), std::move(labels), std::move(query), std::move(body)};
}

TEST(AccessAnalyzerTargetTest, NamesTheActionAndTheResourceOfEachCall) {
  struct Case {
    RestRequest request;
    std::string action, resource;
  };
  std::string body = base::Concat(R"({"analyzerArn":")", kAnalyzer, R"("})");
  for (const Case& c : std::vector<Case>{
           {Request("ListFindings", {}, body), "access-analyzer:ListFindings", kAnalyzer},
           {Request("GetFinding", {{"id", "x"}}, "", {{"analyzerArn", kAnalyzer}}),
            "access-analyzer:GetFinding", kAnalyzer},
           // The V2 operations are authorized as the first ones (API Reference, "ListFindingsV2",
           // "GetFindingV2"); the recommendations are actions of their own.
           {Request("ListFindingsV2", {}, body), "access-analyzer:ListFindings", kAnalyzer},
           {Request("GetFindingV2", {{"id", "x"}}, "", {{"analyzerArn", kAnalyzer}}),
            "access-analyzer:GetFinding", kAnalyzer},
           {Request("GenerateFindingRecommendation", {{"id", "x"}}, "",
                    {{"analyzerArn", kAnalyzer}}),
            "access-analyzer:GenerateFindingRecommendation", kAnalyzer},
           {Request("GetFindingRecommendation", {{"id", "x"}}, "", {{"analyzerArn", kAnalyzer}}),
            "access-analyzer:GetFindingRecommendation", kAnalyzer},
           {Request("GetAnalyzer", {{"analyzerName", "a"}}, ""), "access-analyzer:GetAnalyzer",
            kAnalyzer},
           {Request("CreateAnalyzer", {}, R"({"analyzerName":"a","type":"ACCOUNT"})"),
            "access-analyzer:CreateAnalyzer", kAnalyzer},
           {Request("DeleteArchiveRule", {{"analyzerName", "a"}, {"ruleName", "r"}}, ""),
            "access-analyzer:DeleteArchiveRule", base::Concat(kAnalyzer, "/archive-rule/r")},
           {Request("CreateArchiveRule", {{"analyzerName", "a"}},
                    R"({"ruleName":"r","filter":{}})"),
            "access-analyzer:CreateArchiveRule", base::Concat(kAnalyzer, "/archive-rule/r")},
           {Request("ApplyArchiveRule", {},
                    base::Concat(R"({"analyzerArn":")", kAnalyzer, R"(","ruleName":"r"})")),
            "access-analyzer:ApplyArchiveRule", base::Concat(kAnalyzer, "/archive-rule/r")},
           {Request("TagResource", {{"resourceArn", kAnalyzer}}, R"({"tags":{}})"),
            "access-analyzer:TagResource", kAnalyzer},
           {Request("ListAnalyzers", {}, ""), "access-analyzer:ListAnalyzers", "*"},
           {Request("CreateAccessPreview", {}, body), "access-analyzer:CreateAccessPreview",
            kAnalyzer},
           {Request("GetAccessPreview", {{"accessPreviewId", "p"}}, "",
                    {{"analyzerArn", kAnalyzer}}),
            "access-analyzer:GetAccessPreview", kAnalyzer},
           {Request("ListAccessPreviews", {}, "", {{"analyzerArn", kAnalyzer}}),
            "access-analyzer:ListAccessPreviews", kAnalyzer},
           {Request("ListAccessPreviewFindings", {{"accessPreviewId", "p"}}, body),
            "access-analyzer:ListAccessPreviewFindings", kAnalyzer},
           {Request("CheckNoNewAccess", {}, "{}"), "access-analyzer:CheckNoNewAccess", "*"},
       }) {
    AuthorizationTarget target = AccessAnalyzerTarget(Auditor(), c.request);
    EXPECT_EQ(target.action, c.action) << c.request.operation;
    EXPECT_EQ(target.resource, c.resource) << c.request.operation;
  }
  EXPECT_EQ(OrganizationsTarget("RegisterDelegatedAdministrator").action,
            "organizations:RegisterDelegatedAdministrator");
}

// The documented example: a read-only auditor key (docs/server.md).
constexpr char kReadOnly[] = R"({"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Action": ["access-analyzer:List*", "access-analyzer:Get*"], "Resource": "*"},
  {"Effect": "Deny", "Action": "access-analyzer:GetFinding*",
   "Resource": "arn:aws:access-analyzer:*:*:analyzer/secret"}]})";

struct AuthorizeCase {
  std::string label;
  AuthorizationTarget target;
  std::string denial;  // "" when allowed
  friend void PrintTo(const AuthorizeCase& c, std::ostream* out) { *out << c.label; }
};

class AuthorizeTest : public testing::TestWithParam<AuthorizeCase> {};

TEST_P(AuthorizeTest, DecidesLikeAws) {
  absl::StatusOr<std::shared_ptr<const IdentityPolicies>> policies =
      IdentityPolicies::Compile({{"auditor.json", kReadOnly}});
  ASSERT_TRUE(policies.ok()) << policies.status();
  std::optional<AwsError> error = (*policies)->Authorize(Auditor(), GetParam().target);
  if (GetParam().denial.empty()) {
    EXPECT_FALSE(error.has_value()) << error->message;
    return;
  }
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->http_status, 403);
  EXPECT_EQ(error->code, "AccessDeniedException");
  EXPECT_EQ(error->message, GetParam().denial);
}

INSTANTIATE_TEST_SUITE_P(
    ReadOnlyAuditor, AuthorizeTest,
    testing::Values(
        AuthorizeCase{"ListFindings", {"access-analyzer:ListFindings", kAnalyzer}, ""},
        AuthorizeCase{"GetAnalyzer", {"access-analyzer:GetAnalyzer", kAnalyzer}, ""},
        AuthorizeCase{"UpdateFindings",
                      {"access-analyzer:UpdateFindings", kAnalyzer},
                      "User: arn:aws:iam::444455556666:user/auditor is not authorized to perform: "
                      "access-analyzer:UpdateFindings on resource: "
                      "arn:aws:access-analyzer:us-east-1:444455556666:analyzer/a because no "
                      "identity-based policy "
                      "allows the access-analyzer:UpdateFindings action"},
        AuthorizeCase{"RegisterDelegatedAdministrator",
                      {"organizations:RegisterDelegatedAdministrator", "*"},
                      "User: arn:aws:iam::444455556666:user/auditor is not authorized to perform: "
                      "organizations:RegisterDelegatedAdministrator on resource: * because no "
                      "identity-based policy "
                      "allows the organizations:RegisterDelegatedAdministrator action"},
        AuthorizeCase{"ExplicitDeny",
                      {"access-analyzer:GetFinding",
                       "arn:aws:access-analyzer:us-east-1:444455556666:analyzer/secret"},
                      "User: arn:aws:iam::444455556666:user/auditor is not authorized to perform: "
                      "access-analyzer:GetFinding on resource: "
                      "arn:aws:access-analyzer:us-east-1:444455556666:analyzer/secret with an "
                      "explicit deny in an "
                      "identity-based policy"}),
    [](const testing::TestParamInfo<AuthorizeCase>& info) { return info.param.label; });

TEST(IdentityPoliciesTest, AnUnreadablePolicyIsPlacedInItsSource) {
  absl::StatusOr<std::shared_ptr<const IdentityPolicies>> policies = IdentityPolicies::Compile(
      {{"bad.json", R"({"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]})"}});
  ASSERT_FALSE(policies.ok());
  EXPECT_EQ(policies.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(policies.status().message().substr(0, 11), "bad.json:1:") << policies.status();
}

}  // namespace
}  // namespace perimeter::api
