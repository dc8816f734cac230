#include "perimeter/unused/recommendation.h"

#include <random>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "perimeter/base/text.h"
#include "perimeter/eval/evaluator.h"
#include "perimeter/policy/policy_parser.h"
#include "perimeter/unused/policy_actions.h"
#include "perimeter/unused/unused_access.h"
#include "perimeter/validation/validate_policy.h"

namespace perimeter::unused {
namespace {

using ::testing::IsEmpty;

const absl::Time kNow = absl::FromUnixSeconds(1796083200);  // 2026-12-01T00:00:00Z
absl::Time DaysAgo(int days) { return kNow - absl::Hours(24) * days; }

IamPrincipal Role(std::vector<IdentityPolicy> policies, std::vector<ServiceActivity> services) {
  IamPrincipal role;
  role.kind = PrincipalKind::kIamRole;
  role.arn = "arn:aws:iam::111122223333:role/app";
  role.account = "111122223333";
  role.created = DaysAgo(400);
  role.role_last_used = LastUsed::At(DaysAgo(1));
  role.policies = std::move(policies);
  role.services = std::move(services);
  return role;
}

// The finding of `role`, which must have exactly one (UnusedPermission).
findings::UnusedAccessFinding FindingOf(const IamPrincipal& role) {
  UnusedAccessResult result =
      AnalyzeUnusedAccess({role}, {UnusedAccessZone::Kind::kAccount, "111122223333", {}}, {}, kNow);
  EXPECT_EQ(result.findings.size(), 1u);
  return result.findings.empty() ? findings::UnusedAccessFinding{} : result.findings[0];
}

bool Allows(const std::string& document, const std::string& action) {
  policy::PolicyParseResult parsed = policy::ParsePolicy(document);
  EXPECT_TRUE(parsed.ok()) << document;
  if (!parsed.ok()) return false;
  std::vector<base::Issue> issues;
  eval::PolicySet policies;
  policies.identity.push_back(eval::CompiledPolicy::Compile(std::move(*parsed.policy),
                                                            policy::PolicyKind::kIdentity, issues));
  eval::Request request;
  request.principal = *eval::ParseRequestPrincipal("arn:aws:iam::111122223333:role/app");
  request.action = action;
  request.resource_arn = "*";
  return eval::Evaluate(policies, request, {.explain = false}).decision == eval::Decision::kAllow;
}

void ExpectValid(const std::string& document) {
  for (const validation::ValidationFinding& finding :
       validation::ValidatePolicy(document, validation::PolicyType::kIdentityPolicy)) {
    EXPECT_NE(finding.finding_type, validation::FindingType::kError)
        << finding.issue_code << ": " << finding.finding_details << "\n"
        << document;
    EXPECT_NE(finding.finding_type, validation::FindingType::kSecurityWarning)
        << finding.issue_code << ": " << finding.finding_details << "\n"
        << document;
  }
}

TEST(Recommendation, CreatePolicyKeepsUsedActionsAndConditions) {
  IdentityPolicy policy{
      "arn:aws:iam::111122223333:policy/app", true,
      R"({"Version":"2012-10-17","Statement":[)"
      R"({"Sid":"Objects","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::b/*",)"
      R"("Condition":{"Bool":{"aws:SecureTransport":"true"}}},)"
      R"({"Effect":"Allow","Action":"sqs:SendMessage","Resource":"*"},)"
      R"({"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]})"};
  IamPrincipal role = Role(
      {policy},
      {ServiceActivity{"s3", LastUsed::At(DaysAgo(2)),
                       std::map<std::string, LastUsed>{{"s3:GetObject", LastUsed::At(DaysAgo(2))},
                                                       {"s3:PutObject", LastUsed::Never()}}},
       ServiceActivity{"sqs", LastUsed::Never(), std::nullopt}});
  Recommendation recommendation = RecommendPolicies(role, FindingOf(role));
  EXPECT_THAT(recommendation.problems, IsEmpty());
  ASSERT_EQ(recommendation.steps.size(), 1u);
  const RecommendedStep& step = recommendation.steps[0];
  EXPECT_EQ(step.action, RecommendedAction::kCreatePolicy);
  EXPECT_EQ(step.existing_policy_id, "arn:aws:iam::111122223333:policy/app");
  ASSERT_TRUE(step.recommended_policy.has_value());
  EXPECT_EQ(
      *step.recommended_policy,
      R"({"Version":"2012-10-17","Statement":[)"
      R"({"Sid":"Objects","Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::b/*",)"
      R"("Condition":{"Bool":{"aws:SecureTransport":"true"}}},)"
      R"({"Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]})");
  ExpectValid(*step.recommended_policy);
}

TEST(Recommendation, DetachPolicyWhenNothingIsUsedAndNoStepForUntouchedPolicies) {
  IdentityPolicy unused_policy{
      "queue-access", false,
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}})"};
  IdentityPolicy used_policy{
      "arn:aws:iam::aws:policy/S3Read", true,
      R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}})"};
  IamPrincipal role = Role({unused_policy, used_policy},
                           {ServiceActivity{"s3", LastUsed::At(DaysAgo(2)), std::nullopt},
                            ServiceActivity{"sqs", LastUsed::At(DaysAgo(300)), std::nullopt}});
  Recommendation recommendation = RecommendPolicies(role, FindingOf(role));
  ASSERT_EQ(recommendation.steps.size(), 1u);
  EXPECT_EQ(recommendation.steps[0].action, RecommendedAction::kDetachPolicy);
  EXPECT_EQ(recommendation.steps[0].existing_policy_id, "queue-access");
  EXPECT_FALSE(recommendation.steps[0].recommended_policy.has_value());
  EXPECT_EQ(RecommendedActionName(RecommendedAction::kDetachPolicy), "DETACH_POLICY");
}

// Property: on random policies and random last-accessed data, every CREATE_POLICY replacement is
// valid (no ValidatePolicy error or security warning) and allows exactly the actions of its policy
// that the finding does not report unused; every DETACH_POLICY policy has no used action.
TEST(RecommendationProperty, ReplacementAllowsExactlyTheUsedActions) {
  const std::vector<std::string> services = {"s3", "sqs", "sns", "dynamodb", "kms"};
  const std::vector<std::string> patterns = {
      "s3:GetObject",     "s3:PutObject",   "s3:Get*",        "s3:List*",    "s3:*",
      "sqs:SendMessage",  "sqs:Receive*",   "sqs:*",          "sns:Publish", "sns:*",
      "dynamodb:GetItem", "dynamodb:Query", "dynamodb:*Item", "kms:Decrypt", "kms:*"};
  std::mt19937 random(17);
  CatalogActions catalog;
  int creates = 0, detaches = 0;
  for (int iteration = 0; iteration < 60; ++iteration) {
    std::string document = R"({"Version":"2012-10-17","Statement":[)";
    int statements = 1 + random() % 3;
    for (int s = 0; s < statements; ++s) {
      if (s > 0) document += ",";
      std::set<std::string> chosen;
      int count = 1 + random() % 3;
      for (int a = 0; a < count; ++a) chosen.insert(patterns[random() % patterns.size()]);
      std::string actions;
      for (const std::string& pattern : chosen) {
        actions += (actions.empty() ? "\"" : ",\"") + pattern + "\"";
      }
      document += base::Concat(R"({"Effect":"Allow","Action":[)", actions, R"(],"Resource":"*"})");
    }
    if (random() % 3 == 0) {
      document += R"(,{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"})";
    }
    document += "]}";

    // Random activity: each service used or not, at service level or action level.
    std::vector<ServiceActivity> activity;
    for (const std::string& service : services) {
      ServiceActivity entry{service, random() % 2 ? LastUsed::At(DaysAgo(3)) : LastUsed::Never(),
                            std::nullopt};
      if (random() % 2 && entry.last_authenticated.state == LastUsed::State::kUsed) {
        std::map<std::string, LastUsed> tracked;
        for (const CatalogAction& action : catalog.ActionsOf(service)) {
          tracked[action.full_name] = random() % 2 ? LastUsed::At(DaysAgo(5)) : LastUsed::Never();
        }
        entry.actions = std::move(tracked);
      }
      activity.push_back(std::move(entry));
    }
    IamPrincipal role = Role({{"policy", false, document}}, activity);
    UnusedAccessResult result = AnalyzeUnusedAccess(
        {role}, {UnusedAccessZone::Kind::kAccount, "111122223333", {}}, {}, kNow);
    ASSERT_THAT(result.undecided, IsEmpty()) << document;
    std::vector<std::string> problems;
    AllowedActions allowed = AllowedBy(document, catalog, problems);
    ASSERT_THAT(problems, IsEmpty());
    if (result.findings.empty()) continue;
    // The unused actions the finding names.
    std::set<std::string> unused;
    for (const auto& details : result.findings[0].details) {
      const auto& permission = std::get<findings::UnusedPermissionDetails>(details);
      if (permission.actions.empty()) {
        for (const std::string& action : allowed[permission.service_namespace])
          unused.insert(action);
      }
      for (const findings::UnusedAction& action : permission.actions) unused.insert(action.action);
    }
    Recommendation recommendation = RecommendPolicies(role, result.findings[0]);
    ASSERT_EQ(recommendation.steps.size(), 1u) << document;
    const RecommendedStep& step = recommendation.steps[0];
    if (step.action == RecommendedAction::kDetachPolicy) {
      ++detaches;
      for (const auto& [service, actions] : allowed) {
        for (const std::string& action : actions) EXPECT_TRUE(unused.contains(action)) << action;
      }
      continue;
    }
    ASSERT_TRUE(step.recommended_policy.has_value());
    ++creates;
    ExpectValid(*step.recommended_policy);
    for (const auto& [service, actions] : allowed) {
      for (const std::string& action : actions) {
        EXPECT_EQ(Allows(*step.recommended_policy, action), !unused.contains(action))
            << action << "\n"
            << document << "\n"
            << *step.recommended_policy;
      }
    }
  }
  // The generator reaches both kinds of step.
  EXPECT_GT(creates, 10);
  EXPECT_GT(detaches, 2);
}

}  // namespace
}  // namespace perimeter::unused
