#include "perimeter/eval/evaluator.h"

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/base/text.h"
#include "perimeter/eval/compiled_policy.h"
#include "perimeter/eval/request.h"
#include "perimeter/policy/policy_parser.h"

namespace perimeter::eval {
namespace {

using policy::PolicyKind;

CompiledPolicy MustCompile(const std::string& text, PolicyKind kind) {
  policy::PolicyParseOptions options;
  options.kind = kind;
  policy::PolicyParseResult parsed = policy::ParsePolicy(text, options);
  std::string messages;
  for (const base::Issue& issue : parsed.issues) messages += issue.message + "\n";
  // A test policy that does not parse is a bug in the test table, not a case.
  EXPECT_TRUE(parsed.ok()) << text << "\n" << messages;
  if (!parsed.ok()) {
    parsed = policy::ParsePolicy(R"({"Version":"2012-10-17","Statement":[]})", options);
  }
  std::vector<base::Issue> issues;
  CompiledPolicy compiled = CompiledPolicy::Compile(*std::move(parsed.policy), kind, issues);
  EXPECT_FALSE(base::HasErrors(issues)) << text;
  return compiled;
}

std::string Statement(std::string_view effect, std::string_view action, std::string_view resource,
                      std::string_view extra = "") {
  return base::Concat(R"({"Effect":")", effect, R"(","Action":")", action, R"(","Resource":")",
                      resource, "\"", extra.empty() ? "" : ",", extra, "}");
}

std::string Policy(const std::vector<std::string>& statements) {
  std::string joined;
  for (const std::string& s : statements) joined += base::Concat(joined.empty() ? "" : ",", s);
  return base::Concat(R"({"Version":"2012-10-17","Statement":[)", joined, "]}");
}

std::string WithPrincipal(std::string_view effect, std::string_view principal_json,
                          std::string_view action, std::string_view resource) {
  return Statement(effect, action, resource, base::Concat(R"("Principal":)", principal_json));
}

// Account 111122223333 is the caller's, 444455556666 another one.
constexpr std::string_view kUser = "arn:aws:iam::111122223333:user/carlossalazar";
constexpr std::string_view kRole = "arn:aws:iam::111122223333:role/examplerole";
constexpr std::string_view kSession =
    "arn:aws:sts::111122223333:assumed-role/examplerole/examplerolesessionname";
constexpr std::string_view kFederated = "arn:aws:sts::111122223333:federated-user/exampleuser";
constexpr std::string_view kBucketObject = "arn:aws:s3:::amzn-s3-demo-bucket/key";

// The policies of the table, by name. "-" means none.
std::optional<std::string> NamedPolicy(std::string_view name) {
  const std::string any_s3 = Policy({Statement("Allow", "s3:*", "*")});
  if (name == "-") return std::nullopt;
  if (name == "allow-s3") return any_s3;
  if (name == "allow-ec2") return Policy({Statement("Allow", "ec2:*", "*")});
  if (name == "allow-kms") return Policy({Statement("Allow", "kms:*", "*")});
  if (name == "allow-assume") return Policy({Statement("Allow", "sts:AssumeRole", "*")});
  if (name == "allow-iam") return Policy({Statement("Allow", "iam:*", "*")});
  if (name == "deny-all") return Policy({Statement("Deny", "*", "*")});
  if (name == "deny-s3-log")
    return Policy(
        {Statement("Allow", "s3:*", "*"), Statement("Deny", "s3:*", "arn:aws:s3:::*log*")});
  if (name == "bucket:user")
    return Policy({WithPrincipal("Allow", base::Concat(R"({"AWS":")", kUser, "\"}"), "s3:*", "*")});
  if (name == "bucket:role")
    return Policy({WithPrincipal("Allow", base::Concat(R"({"AWS":")", kRole, "\"}"), "s3:*", "*")});
  if (name == "bucket:session") {
    return Policy(
        {WithPrincipal("Allow", base::Concat(R"({"AWS":")", kSession, "\"}"), "s3:*", "*")});
  }
  if (name == "bucket:federated") {
    return Policy(
        {WithPrincipal("Allow", base::Concat(R"({"AWS":")", kFederated, "\"}"), "s3:*", "*")});
  }
  if (name == "bucket:account")
    return Policy({WithPrincipal("Allow", R"({"AWS":"111122223333"})", "s3:*", "*")});
  if (name == "bucket:root-arn") {
    return Policy(
        {WithPrincipal("Allow", R"({"AWS":"arn:aws:iam::111122223333:root"})", "s3:*", "*")});
  }
  if (name == "bucket:public")
    return Policy({WithPrincipal("Allow", R"("*")", "s3:GetObject", "*")});
  if (name == "bucket:aws-star")
    return Policy({WithPrincipal("Allow", R"({"AWS":"*"})", "s3:GetObject", "*")});
  if (name == "bucket:service") {
    return Policy(
        {WithPrincipal("Allow", R"({"Service":"cloudtrail.amazonaws.com"})", "s3:PutObject", "*")});
  }
  if (name == "key:root")
    return Policy(
        {WithPrincipal("Allow", R"({"AWS":"arn:aws:iam::111122223333:root"})", "kms:*", "*")});
  if (name == "key:user")
    return Policy(
        {WithPrincipal("Allow", base::Concat(R"({"AWS":")", kUser, "\"}"), "kms:*", "*")});
  if (name == "key:other")
    return Policy({WithPrincipal("Allow", R"({"AWS":"444455556666"})", "kms:*", "*")});
  if (name == "trust:account") {
    return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}]})";
  }
  if (name == "trust:user") {
    return base::Concat(
        R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":")", kUser,
        R"("},"Action":"sts:AssumeRole"}]})");
  }
  if (name == "trust:service-ecs") {
    return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}]})";
  }
  if (name == "trust:service") {
    return R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]})";
  }
  if (name == "notprincipal:user") {
    return Policy({WithPrincipal("Allow", R"("*")", "s3:*", "*"),
                   base::Concat(R"({"Effect":"Deny","NotPrincipal":{"AWS":[")", kUser,
                                R"("]},"Action":"s3:*","Resource":"*"})")});
  }
  if (name == "notprincipal:user+account") {
    return Policy(
        {WithPrincipal("Allow", R"("*")", "s3:*", "*"),
         base::Concat(R"({"Effect":"Deny","NotPrincipal":{"AWS":[")", kUser,
                      R"(","arn:aws:iam::111122223333:root"]},"Action":"s3:*","Resource":"*"})")});
  }
  return base::Concat("unknown policy name ", name);  // fails MustCompile, naming the typo
}

struct Case {
  const char* name;  // the doc the case comes from, then what it shows
  const char* principal;
  const char* action;
  const char* resource;
  const char* resource_account;  // "" when not given
  const char* identity;
  const char* resource_policy;
  const char* boundary;
  const char* session;
  Decision expected;
};

std::ostream& operator<<(std::ostream& os, const Case& c) { return os << c.name; }

constexpr Decision kAllow = Decision::kAllow;
constexpr Decision kDeny = Decision::kExplicitDeny;
constexpr Decision kImplicit = Decision::kImplicitDeny;
constexpr const char* kAcct = "111122223333";
constexpr const char* kOther = "444455556666";
constexpr const char* kObj = "arn:aws:s3:::amzn-s3-demo-bucket/key";
constexpr const char* kLogs = "arn:aws:s3:::carlossalazar-logs/key";
constexpr const char* kKey =
    "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
constexpr const char* kTarget = "arn:aws:iam::111122223333:role/target";
constexpr const char* kUserC = "arn:aws:iam::111122223333:user/carlossalazar";
constexpr const char* kRoleC = "arn:aws:iam::111122223333:role/examplerole";
constexpr const char* kSessionC =
    "arn:aws:sts::111122223333:assumed-role/examplerole/examplerolesessionname";
constexpr const char* kFederatedC = "arn:aws:sts::111122223333:federated-user/exampleuser";
constexpr const char* kOtherUser = "arn:aws:iam::444455556666:user/bob";

class EvaluatorTableTest : public testing::TestWithParam<Case> {};

TEST_P(EvaluatorTableTest, Decides) {
  const Case& c = GetParam();
  PolicySet set;
  if (auto p = NamedPolicy(c.identity))
    set.identity.push_back(MustCompile(*p, PolicyKind::kIdentity));
  PolicyKind resource_kind =
      IsRoleTrustAction(c.action) ? PolicyKind::kRoleTrust : PolicyKind::kResource;
  if (auto p = NamedPolicy(c.resource_policy)) set.resource = MustCompile(*p, resource_kind);
  if (auto p = NamedPolicy(c.boundary))
    set.permissions_boundary = MustCompile(*p, PolicyKind::kPermissionsBoundary);
  if (auto p = NamedPolicy(c.session)) set.session = MustCompile(*p, PolicyKind::kSession);
  Request request;
  if (std::string_view(c.principal) == "anonymous") {
    request.principal.type = PrincipalType::kAnonymous;
  } else {
    absl::StatusOr<RequestPrincipal> principal = ParseRequestPrincipal(c.principal);
    ASSERT_TRUE(principal.ok()) << principal.status();
    request.principal = *principal;
  }
  request.action = c.action;
  request.resource_arn = c.resource;
  if (*c.resource_account != '\0') request.resource_account = c.resource_account;
  AddPrincipalContextKeys(request.principal, request.context);
  Evaluation result = Evaluate(set, request);
  std::string explanation;
  for (const DecidingStatement& e : result.explanation)
    explanation += base::Concat(e.policy, ": ", e.why, "\n");
  EXPECT_EQ(DecisionName(result.decision), DecisionName(c.expected)) << explanation;
  EXPECT_FALSE(result.explanation.empty()) << "every decision is explained";
}

// Sources: [EVAL] "Policy evaluation logic" (incl. the same-account table of resource-based
// policies and implicit denies); [CROSS] "Cross-account policy evaluation logic"; [BOUNDARY]
// "Permissions boundaries for IAM entities"; [KMS] "Key policies in AWS KMS"; [PRINCIPAL] "AWS JSON
// policy elements: Principal" / "NotPrincipal".
// clang-format off: one line per case.
INSTANTIATE_TEST_SUITE_P(
    Docs, EvaluatorTableTest,
    testing::Values(
        // name                                              principal   action  resource acct
        // identity   resource boundary session expected
        Case{"EvalExample_CarlosWritesOwnBucket_Allow", kUserC, "s3:PutObject",
             "arn:aws:s3:::carlossalazar/k", kAcct, "deny-s3-log", "bucket:user", "-", "-", kAllow},
        Case{"EvalExample_CarlosWritesLogsBucket_ExplicitDeny", kUserC, "s3:PutObject", kLogs,
             kAcct, "deny-s3-log", "bucket:user", "-", "-", kDeny},
        Case{"Eval_SameAccount_IdentityAloneAllows", kUserC, "s3:GetObject", kObj, kAcct,
             "allow-s3", "-", "-", "-", kAllow},
        Case{"Eval_SameAccount_ResourceAloneAllows", kUserC, "s3:GetObject", kObj, kAcct, "-",
             "bucket:user", "-", "-", kAllow},
        Case{"Eval_NoPolicy_ImplicitDeny", kUserC, "s3:GetObject", kObj, kAcct, "-", "-", "-", "-",
             kImplicit},
        Case{"Eval_WrongService_ImplicitDeny", kUserC, "s3:GetObject", kObj, kAcct, "allow-ec2",
             "-", "-", "-", kImplicit},
        Case{"Eval_RootUserHasFullAccessInItsAccount", "111122223333", "s3:GetObject", kObj, kAcct,
             "-", "-", "-", "-", kAllow},
        Case{"Principal_AccountGrantDelegates_SameAccountNeedsIdentity", kUserC, "s3:GetObject",
             kObj, kAcct, "-", "bucket:account", "-", "-", kImplicit},
        Case{"Principal_RootArnGrantDelegatesLikeAccountId", kUserC, "s3:GetObject", kObj, kAcct,
             "-", "bucket:root-arn", "-", "-", kImplicit},
        Case{"Principal_StarAllowsSameAccountWithoutIdentity", kUserC, "s3:GetObject", kObj, kAcct,
             "-", "bucket:public", "-", "-", kAllow},
        Case{"Principal_StarAllowsAnonymous", "anonymous", "s3:GetObject", kObj, kAcct, "-",
             "bucket:public", "-", "-", kAllow},
        Case{"Principal_AwsStarAllowsAnonymous", "anonymous", "s3:GetObject", kObj, kAcct, "-",
             "bucket:aws-star", "-", "-", kAllow},
        Case{"Principal_AccountGrantExcludesAnonymous", "anonymous", "s3:GetObject", kObj, kAcct,
             "-", "bucket:account", "-", "-", kImplicit},
        Case{"Principal_ServicePrincipalAllowedByName", "cloudtrail.amazonaws.com", "s3:PutObject",
             kObj, kAcct, "-", "bucket:service", "-", "-", kAllow},
        Case{"Principal_OtherServiceNotAllowed", "config.amazonaws.com", "s3:PutObject", kObj,
             kAcct, "-", "bucket:service", "-", "-", kImplicit},
        Case{"Cross_BothSidesAllow", kOtherUser, "s3:GetObject", kObj, kAcct, "allow-s3",
             "bucket:public", "-", "-", kAllow},
        Case{"Cross_AccountGrantAndIdentityAllow", kUserC, "s3:GetObject", kObj, kOther, "allow-s3",
             "bucket:account", "-", "-", kAllow},
        Case{"Cross_ResourceOnly_ImplicitDeny", kOtherUser, "s3:GetObject", kObj, kAcct, "-",
             "bucket:public", "-", "-", kImplicit},
        Case{"Cross_IdentityOnly_ImplicitDeny", kUserC, "s3:GetObject", kObj, kOther, "allow-s3",
             "-", "-", "-", kImplicit},
        Case{"Cross_UnknownOwnerIsCrossAccount", kUserC, "s3:GetObject", kObj, "", "-",
             "bucket:user", "-", "-", kImplicit},
        Case{"Cross_UnknownOwnerBothAllow", kUserC, "s3:GetObject", kObj, "", "allow-s3",
             "bucket:user", "-", "-", kAllow},
        Case{"EvalTable_RoleArnGrantLimitedByBoundary", kSessionC, "s3:GetObject", kObj, kAcct, "-",
             "bucket:role", "allow-ec2", "-", kImplicit},
        Case{"EvalTable_RoleArnGrantWithinBoundary", kSessionC, "s3:GetObject", kObj, kAcct, "-",
             "bucket:role", "allow-s3", "-", kAllow},
        Case{"EvalTable_RoleArnGrantLimitedBySessionPolicy", kSessionC, "s3:GetObject", kObj, kAcct,
             "-", "bucket:role", "-", "allow-ec2", kImplicit},
        Case{"EvalTable_SessionArnGrantNotLimitedByBoundary", kSessionC, "s3:GetObject", kObj,
             kAcct, "-", "bucket:session", "allow-ec2", "allow-ec2", kAllow},
        Case{"EvalTable_UserArnGrantNotLimitedByBoundary", kUserC, "s3:GetObject", kObj, kAcct, "-",
             "bucket:user", "allow-ec2", "-", kAllow},
        Case{"EvalTable_FederatedUserArnGrantNotLimited", kFederatedC, "s3:GetObject", kObj, kAcct,
             "-", "bucket:federated", "allow-ec2", "allow-ec2", kAllow},
        Case{"Boundary_IdentityAllowsOutsideBoundary", kUserC, "s3:GetObject", kObj, kAcct,
             "allow-s3", "-", "allow-ec2", "-", kImplicit},
        Case{"Boundary_IdentityAllowsInsideBoundary", kUserC, "s3:GetObject", kObj, kAcct,
             "allow-s3", "-", "allow-s3", "-", kAllow},
        Case{"Boundary_CrossAccountResourceGrantStillLimited", kOtherUser, "s3:GetObject", kObj,
             kAcct, "allow-s3", "bucket:public", "allow-ec2", "-", kImplicit},
        Case{"Session_RoleSessionWithoutSessionPolicy", kSessionC, "s3:GetObject", kObj, kAcct,
             "allow-s3", "-", "-", "-", kAllow},
        Case{"Session_SessionPolicyDoesNotAllow", kSessionC, "s3:GetObject", kObj, kAcct,
             "allow-s3", "-", "-", "allow-ec2", kImplicit},
        Case{"Session_FederatedUserNeedsSessionPolicy", kFederatedC, "s3:GetObject", kObj, kAcct,
             "allow-s3", "-", "-", "-", kImplicit},
        Case{"Session_FederatedUserWithSessionPolicy", kFederatedC, "s3:GetObject", kObj, kAcct,
             "allow-s3", "-", "-", "allow-s3", kAllow},
        Case{"Kms_IdentityAloneIsNotEnough", kUserC, "kms:Decrypt", kKey, kAcct, "allow-kms", "-",
             "-", "-", kImplicit},
        Case{"Kms_KeyPolicyNamesOtherAccountOnly", kUserC, "kms:Decrypt", kKey, kAcct, "allow-kms",
             "key:other", "-", "-", kImplicit},
        Case{"Kms_RootPrincipalDelegatesToIam", kUserC, "kms:Decrypt", kKey, kAcct, "allow-kms",
             "key:root", "-", "-", kAllow},
        Case{"Kms_RootPrincipalWithoutIamPolicy", kUserC, "kms:Decrypt", kKey, kAcct, "-",
             "key:root", "-", "-", kImplicit},
        Case{"Kms_KeyPolicyNamesUserDirectly", kUserC, "kms:Decrypt", kKey, kAcct, "-", "key:user",
             "-", "-", kAllow},
        Case{"Trust_IdentityAloneCannotAssume", kUserC, "sts:AssumeRole", kTarget, kAcct,
             "allow-assume", "-", "-", "-", kImplicit},
        Case{"Trust_AccountTrustPlusIdentity", kUserC, "sts:AssumeRole", kTarget, kAcct,
             "allow-assume", "trust:account", "-", "-", kAllow},
        Case{"Trust_AccountTrustWithoutIdentity", kUserC, "sts:AssumeRole", kTarget, kAcct, "-",
             "trust:account", "-", "-", kImplicit},
        Case{"Trust_UserNamedInTrustSameAccount", kUserC, "sts:AssumeRole", kTarget, kAcct, "-",
             "trust:user", "-", "-", kAllow},
        Case{"Trust_ServicePrincipal", "ec2.amazonaws.com", "sts:AssumeRole", kTarget, kAcct, "-",
             "trust:service", "-", "-", kAllow},
        Case{"NotPrincipal_UserListedWithoutAccountIsDenied", kUserC, "s3:GetObject", kObj, kAcct,
             "-", "notprincipal:user", "-", "-", kDeny},
        Case{"NotPrincipal_UserAndAccountListedIsNotDenied", kUserC, "s3:GetObject", kObj, kAcct,
             "-", "notprincipal:user+account", "-", "-", kAllow},
        Case{"NotPrincipal_DenyAlwaysAppliesWithBoundary", kUserC, "s3:GetObject", kObj, kAcct, "-",
             "notprincipal:user+account", "allow-s3", "-", kDeny},
        Case{"Role_ArnStandsForItsSessions", kRoleC, "s3:GetObject", kObj, kAcct, "-",
             "bucket:role", "-", "-", kAllow},
        // aws_rules.h: actions no policy controls, resources AWS owns, the scope of the key-policy
        // rule.
        Case{"Sts_GetCallerIdentityDespiteDeny", kSessionC, "sts:GetCallerIdentity", "*", "",
             "deny-all", "-", "deny-all", "deny-all", kAllow},
        Case{"Sts_GetCallerIdentityWithoutPolicies", kFederatedC, "sts:GetCallerIdentity", "*", "",
             "-", "-", "-", "-", kAllow},
        Case{"Sts_GetCallerIdentityAnonymousNeedsSignature", "anonymous", "sts:GetCallerIdentity",
             "*", "", "-", "-", "-", "-", kImplicit},
        Case{"Sts_GetSessionTokenUserDespiteDeny", kUserC, "sts:GetSessionToken", "*", "",
             "deny-all", "-", "-", "-", kAllow},
        Case{"Sts_GetSessionTokenRootUser", "111122223333", "sts:GetSessionToken", "*", "", "-",
             "-", "-", "-", kAllow},
        Case{"Sts_GetSessionTokenNotForRoleSessions", kSessionC, "sts:GetSessionToken", "*", "",
             "allow-assume", "-", "-", "-", kImplicit},
        Case{"AwsOwned_ManagedPolicyNewVersion", kUserC, "iam:CreatePolicyVersion",
             "arn:aws:iam::aws:policy/AdministratorAccess", "", "allow-iam", "-", "-", "-",
             kImplicit},
        Case{"AwsOwned_ManagedPolicyDelete", "111122223333", "iam:DeletePolicy",
             "arn:aws:iam::aws:policy/ReadOnlyAccess", "", "-", "-", "-", "-", kImplicit},
        Case{"AwsOwned_ManagedPolicySetDefaultVersion", kUserC, "iam:SetDefaultPolicyVersion",
             "arn:aws:iam::aws:policy/ReadOnlyAccess", "", "allow-iam", "-", "-", "-", kImplicit},
        Case{"AwsOwned_ManagedPolicyUntag", kUserC, "iam:UntagPolicy",
             "arn:aws:iam::aws:policy/ReadOnlyAccess", "", "allow-iam", "-", "-", "-", kImplicit},
        Case{"AwsOwned_ManagedPolicyReadWithIdentity", kUserC, "iam:GetPolicy",
             "arn:aws:iam::aws:policy/ReadOnlyAccess", "", "allow-iam", "-", "-", "-", kAllow},
        Case{"AwsOwned_ManagedPolicyReadWithoutIdentity", kUserC, "iam:GetPolicy",
             "arn:aws:iam::aws:policy/ReadOnlyAccess", "", "-", "-", "-", "-", kImplicit},
        Case{"AwsOwned_ManagedPolicyExplicitDenyStillExplicit", kUserC, "iam:CreatePolicyVersion",
             "arn:aws:iam::aws:policy/ReadOnlyAccess", "", "deny-all", "-", "-", "-", kDeny},
        Case{"AwsOwned_AttachManagedPolicyToOwnRole", kUserC, "iam:AttachRolePolicy", kTarget,
             kAcct, "allow-iam", "-", "-", "-", kAllow},
        Case{"AwsOwned_CustomerPolicyNewVersion", kUserC, "iam:CreatePolicyVersion",
             "arn:aws:iam::111122223333:policy/mine", "", "allow-iam", "-", "-", "-", kAllow},
        Case{"AwsOwned_SlrDeleteRole", kUserC, "iam:DeleteRole",
             "arn:aws:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/"
             "AWSServiceRoleForECS",
             "", "allow-iam", "-", "-", "-", kImplicit},
        Case{"AwsOwned_SlrUpdateTrustPolicy", "111122223333", "iam:UpdateAssumeRolePolicy",
             "arn:aws:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/"
             "AWSServiceRoleForECS",
             "", "-", "-", "-", "-", kImplicit},
        Case{"AwsOwned_SlrPutBoundary", kUserC, "iam:PutRolePermissionsBoundary",
             "arn:aws:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/"
             "AWSServiceRoleForECS",
             "", "allow-iam", "-", "-", "-", kImplicit},
        Case{"AwsOwned_SlrDeleteServiceLinkedRole", kUserC, "iam:DeleteServiceLinkedRole",
             "arn:aws:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/"
             "AWSServiceRoleForECS",
             "", "allow-iam", "-", "-", "-", kAllow},
        Case{"AwsOwned_SlrPassRole", kUserC, "iam:PassRole",
             "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/"
             "AWSServiceRoleForAutoScaling_app",
             "", "allow-iam", "-", "-", "-", kAllow},
        Case{"AwsOwned_SlrEditDescription", kUserC, "iam:UpdateRoleDescription",
             "arn:aws:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/"
             "AWSServiceRoleForECS",
             "", "allow-iam", "-", "-", "-", kAllow},
        Case{"AwsOwned_SlrTagRole", kUserC, "iam:TagRole",
             "arn:aws:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/"
             "AWSServiceRoleForECS",
             "", "allow-iam", "-", "-", "-", kAllow},
        Case{"AwsOwned_SlrReadRole", kUserC, "iam:GetRole",
             "arn:aws:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/"
             "AWSServiceRoleForECS",
             "", "allow-iam", "-", "-", "-", kAllow},
        Case{"AwsOwned_ReservedRoleAttachPolicy", kUserC, "iam:AttachRolePolicy",
             "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/"
             "AWSReservedSSO_Admin_0123456789abcdef",
             "", "allow-iam", "-", "-", "-", kImplicit},
        Case{"AwsOwned_ReservedRoleDelete", kUserC, "iam:DeleteRole",
             "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/"
             "AWSReservedSSO_Admin_0123456789abcdef",
             "", "allow-iam", "-", "-", "-", kImplicit},
        Case{"AwsOwned_AssumeServiceLinkedRoleByTrust", "ecs.amazonaws.com", "sts:AssumeRole",
             "arn:aws:iam::111122223333:role/aws-service-role/ecs.amazonaws.com/"
             "AWSServiceRoleForECS",
             "", "-", "trust:service-ecs", "-", "-", kAllow},
        Case{"Kms_AliasHalfByIdentity", kUserC, "kms:CreateAlias",
             "arn:aws:kms:us-east-1:111122223333:alias/app", "", "allow-kms", "-", "-", "-",
             kAllow},
        Case{"Kms_DeleteAliasByIdentity", kSessionC, "kms:DeleteAlias",
             "arn:aws:kms:us-east-1:111122223333:alias/app", "", "allow-kms", "-", "-", "-",
             kAllow},
        Case{"Kms_EncryptThroughAliasNeedsKeyPolicy", kUserC, "kms:Encrypt",
             "arn:aws:kms:us-east-1:111122223333:alias/app", "", "allow-kms", "-", "-", "-",
             kImplicit},
        Case{"Kms_ListKeysByIdentity", kUserC, "kms:ListKeys", "*", "", "allow-kms", "-", "-", "-",
             kAllow},
        Case{"Kms_CreateKeyByIdentity", kSessionC, "kms:CreateKey", "*", "", "allow-kms", "-", "-",
             "-", kAllow},
        Case{"Kms_ListAliasesWithoutIdentity", kUserC, "kms:ListAliases", "*", "", "-", "-", "-",
             "-", kImplicit},
        Case{"Kms_KeyStillNeedsKeyPolicy", kSessionC, "kms:Decrypt", kKey, "", "allow-kms", "-",
             "-", "-", kImplicit},
        Case{"NoResource_OtherServiceByIdentity", kUserC, "s3:ListAllMyBuckets", "*", "",
             "allow-s3", "-", "-", "-", kAllow}),
    [](const testing::TestParamInfo<Case>& info) { return std::string(info.param.name); });
// clang-format on

// Gates: SCPs, RCPs, VPC endpoint policies.

// carlossalazar (account 111122223333) reads an object of a bucket of the same account.
Request UserGetsObject() {
  Request request;
  request.principal = *ParseRequestPrincipal(kUser);
  request.action = "s3:GetObject";
  request.resource_arn = std::string(kBucketObject);
  request.resource_account = "111122223333";
  return request;
}

TEST(EvaluatorGateTest, ScpNeedsAnAllowAtEveryLevel) {
  PolicySet set;
  set.identity.push_back(MustCompile(*NamedPolicy("allow-s3"), PolicyKind::kIdentity));
  set.scps.emplace_back();
  set.scps.back().push_back(
      MustCompile(Policy({Statement("Allow", "*", "*")}), PolicyKind::kServiceControl));
  set.scps.emplace_back();
  set.scps.back().push_back(
      MustCompile(Policy({Statement("Allow", "ec2:*", "*")}), PolicyKind::kServiceControl));
  Request request = UserGetsObject();
  Evaluation result = Evaluate(set, request);
  EXPECT_EQ(result.decision, Decision::kImplicitDeny);
  ASSERT_EQ(result.explanation.size(), 1u);
  EXPECT_EQ(result.explanation[0].policy, "scps[1]");

  // SCPs do not apply to service principals ([SCP] "SCPs affect only principals that are managed by
  // accounts that are part of the organization").
  set.resource = MustCompile(*NamedPolicy("bucket:service"), PolicyKind::kResource);
  request.principal = *ParseRequestPrincipal("cloudtrail.amazonaws.com");
  request.action = "s3:PutObject";
  EXPECT_EQ(Evaluate(set, request).decision, Decision::kAllow);

  // Nor to service-linked roles ([SCP] "SCPs do not affect any service-linked role").
  PolicySet slr;
  slr.identity.push_back(MustCompile(*NamedPolicy("allow-s3"), PolicyKind::kIdentity));
  slr.scps.emplace_back();
  slr.scps.back().push_back(
      MustCompile(Policy({Statement("Deny", "*", "*")}), PolicyKind::kServiceControl));
  request.principal = *ParseRequestPrincipal(
      "arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForConfig/session");
  request.action = "s3:GetObject";
  EXPECT_EQ(Evaluate(slr, request).decision, Decision::kAllow);
}

TEST(EvaluatorGateTest, RcpAppliesToOutsidersAndAnonymous) {
  PolicySet set;
  set.resource = MustCompile(*NamedPolicy("bucket:public"), PolicyKind::kResource);
  set.rcps.emplace_back();
  set.rcps.back().push_back(MustCompile(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
          {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*",
           "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-exampleorgid"}}}]})",
      PolicyKind::kResourceControl));
  Request request;
  request.principal.type = PrincipalType::kAnonymous;
  request.action = "s3:GetObject";
  request.resource_arn = std::string(kBucketObject);
  request.resource_account = "111122223333";
  // Anonymous requests carry no aws:PrincipalOrgID: ...IfExists makes the Deny apply.
  Evaluation result = Evaluate(set, request);
  EXPECT_EQ(result.decision, Decision::kExplicitDeny);
  ASSERT_EQ(result.explanation.size(), 1u);
  EXPECT_EQ(result.explanation[0].policy, "rcps[0][0]");
  EXPECT_EQ(result.explanation[0].statement, 1u);
}

TEST(EvaluatorGateTest, VpcEndpointPolicyMustAllow) {
  PolicySet set;
  set.identity.push_back(MustCompile(*NamedPolicy("allow-s3"), PolicyKind::kIdentity));
  set.vpc_endpoint = MustCompile(
      Policy({WithPrincipal("Allow", R"("*")", "s3:GetObject", "arn:aws:s3:::other/*")}),
      PolicyKind::kVpcEndpoint);
  Request request = UserGetsObject();
  Evaluation result = Evaluate(set, request);
  EXPECT_EQ(result.decision, Decision::kImplicitDeny);
  ASSERT_EQ(result.explanation.size(), 1u);
  EXPECT_EQ(result.explanation[0].policy, "vpcEndpoint");
}

TEST(RequestTest, DerivesOnlyTheKeysAwsSends) {
  RequestContext context;
  RequestPrincipal session = *ParseRequestPrincipal(kSession);
  session.org_id = "o-exampleorgid";
  session.tags["team"] = "blue";
  context.Set("aws:PrincipalTag/team", "given");
  AddPrincipalContextKeys(session, context);
  EXPECT_EQ(context.Lookup("aws:principalarn"), "arn:aws:iam::111122223333:role/examplerole");
  EXPECT_EQ(context.Lookup("aws:principaltype"), "AssumedRole");
  EXPECT_EQ(context.Lookup("aws:principalaccount"), "111122223333");
  EXPECT_EQ(context.Lookup("aws:principalorgid"), "o-exampleorgid");
  EXPECT_EQ(context.Lookup("aws:principaltag/team"), "given") << "the input wins";
  EXPECT_FALSE(context.Has("aws:username")) << "only IAM users have aws:username";
  EXPECT_FALSE(context.Has("aws:userid")) << "a role's unique id is not known offline";

  RequestContext anonymous;
  RequestPrincipal nobody;
  AddPrincipalContextKeys(nobody, anonymous);
  EXPECT_TRUE(anonymous.entries().empty());

  RequestContext service;
  AddPrincipalContextKeys(*ParseRequestPrincipal("Logs.amazonaws.com"), service);
  EXPECT_EQ(service.Lookup("aws:principalisawsservice"), "true");
  EXPECT_EQ(service.Lookup("aws:principalservicename"), "logs.amazonaws.com");
  EXPECT_FALSE(service.Has("aws:principalarn"));
}

TEST(RequestTest, ClassifiesPrincipals) {
  EXPECT_EQ(ParseRequestPrincipal("123456789012")->type, PrincipalType::kAccountRoot);
  EXPECT_EQ(ParseRequestPrincipal("arn:aws:iam::123456789012:root")->type,
            PrincipalType::kAccountRoot);
  EXPECT_EQ(ParseRequestPrincipal("arn:aws:iam::123456789012:user/a/b/c")->name, "c");
  EXPECT_EQ(ParseRequestPrincipal("cognito-identity.amazonaws.com")->type,
            PrincipalType::kWebIdentityOrSaml);
  EXPECT_EQ(ParseRequestPrincipal("arn:aws:iam::123456789012:saml-provider/Okta")->type,
            PrincipalType::kWebIdentityOrSaml);
  EXPECT_EQ(ParseRequestPrincipal("lambda.amazonaws.com")->type, PrincipalType::kService);
  EXPECT_FALSE(ParseRequestPrincipal("*").ok());
  EXPECT_FALSE(ParseRequestPrincipal("arn:aws:iam::12345:user/x").ok());
  EXPECT_FALSE(ParseRequestPrincipal("arn:aws:sts::123456789012:assumed-role/onlyrole").ok());
  EXPECT_FALSE(ParseRequestPrincipal("bob").ok());
  EXPECT_TRUE(
      ParseRequestPrincipal(
          "arn:aws:iam::123456789012:role/aws-service-role/x.amazonaws.com/AWSServiceRoleForX")
          ->is_service_linked_role());
}

// ---- Properties over generated policies and requests (fixed seeds: hermetic and reproducible).
// ----

const std::vector<std::string> kServices = {"s3", "ec2", "iam", "kms"};
// Requests avoid kms: a KMS request also needs the key policy, which these properties do not
// generate.
const std::vector<std::string> kRequestServices = {"s3", "ec2", "iam"};
const std::vector<std::string> kVerbs = {"GetObject",         "PutObject",  "ListBucket",
                                         "DescribeInstances", "CreateUser", "Decrypt",
                                         "GetBucketPolicy"};
const std::vector<std::string> kResources = {"arn:aws:s3:::alpha/key", "arn:aws:s3:::beta/logs/1",
                                             "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
                                             "*"};

std::string RandomActionPattern(std::mt19937& rng) {
  std::string service = kServices[rng() % kServices.size()];
  std::string verb = kVerbs[rng() % kVerbs.size()];
  switch (rng() % 5) {
    case 0:
      return "*";
    case 1:
      return service + ":*";
    case 2:
      return service + ":" + verb.substr(0, 3) + "*";
    case 3:
      return service + ":" + base::AsciiLower(verb);  // action names are case-insensitive
    default:
      return service + ":" + verb;
  }
}

std::string RandomResourcePattern(std::mt19937& rng) {
  switch (rng() % 4) {
    case 0:
      return "*";
    case 1:
      return "arn:aws:s3:::alpha/*";
    case 2:
      return "arn:aws:s3:::*/logs/*";
    default:
      return "arn:aws:ec2:*:111122223333:instance/*";
  }
}

std::string RandomStatement(std::mt19937& rng, std::string_view effect) {
  std::string actions;
  int n = 1 + static_cast<int>(rng() % 3);
  for (int i = 0; i < n; ++i)
    actions += base::Concat(i ? "," : "", "\"", RandomActionPattern(rng), "\"");
  std::string_view action_key = rng() % 4 == 0 ? "NotAction" : "Action";
  std::string_view resource_key = rng() % 5 == 0 ? "NotResource" : "Resource";
  return base::Concat(R"({"Effect":")", effect, R"(",")", action_key, "\":[", actions, R"(],")",
                      resource_key, R"(":")", RandomResourcePattern(rng), "\"}");
}

Request RandomRequest(std::mt19937& rng) {
  Request request;
  request.principal = *ParseRequestPrincipal(kUser);
  request.action =
      kRequestServices[rng() % kRequestServices.size()] + ":" + kVerbs[rng() % kVerbs.size()];
  request.resource_arn = kResources[rng() % kResources.size()];
  request.resource_account = "111122223333";
  AddPrincipalContextKeys(request.principal, request.context);
  return request;
}

TEST(EvaluatorPropertyTest, NotActionIsTheComplementOfAction) {
  std::mt19937 rng(20240601);
  for (int round = 0; round < 300; ++round) {
    std::string patterns;
    int n = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < n; ++i)
      patterns += base::Concat(i ? "," : "", "\"", RandomActionPattern(rng), "\"");
    PolicySet with_action, with_not_action;
    with_action.identity.push_back(MustCompile(
        base::Concat(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[)",
                     patterns, R"(],"Resource":"*"}]})"),
        PolicyKind::kIdentity));
    with_not_action.identity.push_back(MustCompile(
        base::Concat(R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":[)",
                     patterns, R"(],"Resource":"*"}]})"),
        PolicyKind::kIdentity));
    Request request = RandomRequest(rng);
    if (rng() % 2) request.action = base::AsciiLower(request.action);
    bool allowed = Evaluate(with_action, request).decision == Decision::kAllow;
    bool allowed_by_not = Evaluate(with_not_action, request).decision == Decision::kAllow;
    EXPECT_NE(allowed, allowed_by_not) << patterns << " " << request.action;
  }
}

TEST(EvaluatorPropertyTest, AddingADenyNeverAllowsMore) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> statements;
    int n = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i)
      statements.push_back(RandomStatement(rng, rng() % 3 == 0 ? "Deny" : "Allow"));
    Request request = RandomRequest(rng);
    PolicySet before;
    before.identity.push_back(MustCompile(Policy(statements), PolicyKind::kIdentity));
    Decision d0 = Evaluate(before, request).decision;
    statements.push_back(RandomStatement(rng, "Deny"));
    PolicySet after;
    after.identity.push_back(MustCompile(Policy(statements), PolicyKind::kIdentity));
    Decision d1 = Evaluate(after, request).decision;
    if (d0 != Decision::kAllow) {
      EXPECT_NE(d1, Decision::kAllow) << Policy(statements) << " " << request.action;
    }
    if (d0 == Decision::kExplicitDeny) {
      EXPECT_EQ(d1, Decision::kExplicitDeny);
    }
  }
}

TEST(EvaluatorPropertyTest, StatementOrderDoesNotMatter) {
  std::mt19937 rng(99);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::string> statements;
    int n = 2 + static_cast<int>(rng() % 4);
    for (int i = 0; i < n; ++i)
      statements.push_back(RandomStatement(rng, rng() % 3 == 0 ? "Deny" : "Allow"));
    Request request = RandomRequest(rng);
    PolicySet original;
    original.identity.push_back(MustCompile(Policy(statements), PolicyKind::kIdentity));
    std::shuffle(statements.begin(), statements.end(), rng);
    PolicySet shuffled;
    shuffled.identity.push_back(MustCompile(Policy(statements), PolicyKind::kIdentity));
    EXPECT_EQ(Evaluate(original, request).decision, Evaluate(shuffled, request).decision)
        << Policy(statements);
  }
}

}  // namespace
}  // namespace perimeter::eval
