#include "perimeter/reasoning/external_access.h"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/base/text.h"
#include "perimeter/eval/compiled_policy.h"
#include "perimeter/eval/request.h"
#include "perimeter/policy/policy_parser.h"
#include "perimeter/reasoning/finding_region.h"
#include "perimeter/reasoning/key_domain.h"
#include "perimeter/reasoning/policy_abstraction.h"

namespace perimeter::reasoning {
namespace {

constexpr char kOwner[] = "123456789012";
constexpr char kOrg[] = "o-a1b2c3d4e5";

Organization SampleOrganization() {
  return Organization{kOrg,
                      kOwner,
                      {{kOwner, "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"},
                       {"111122223333", "o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/"},
                       {"444455556666", "o-a1b2c3d4e5/r-ab12/ou-ab12-33333333/"}}};
}

// One line per finding: principal | actions | conditions | public?
std::string Summarize(const AnalysisResult& result) {
  std::string out;
  for (const findings::Finding& f : result.findings) {
    if (!out.empty()) out += "\n";
    if (f.error.has_value()) {
      out += "ERROR " + f.error_reason;
      continue;
    }
    for (const auto& [k, v] : f.principal) out += k + "=" + v;
    out += " |";
    for (const std::string& a : f.actions) out += " " + a;
    out += " |";
    for (const auto& [k, v] : f.condition) out += " " + k + "=" + v;
    out += f.is_public ? " | public" : " | not-public";
  }
  return out;
}

struct EngineCase {
  std::string name;
  std::string zone;  // "account", "account+org" or "org"
  std::string policy;
  std::string expected;  // Summarize() of the result
};

// A queue with the given policy, analyzed in the given zone; keeps what the analysis points to.
struct QueueAnalysis {
  policy::Policy policy;
  AccessModel model;
  ZoneOfTrust zone = ZoneOfTrust::ForAccount(kOwner);
  AnalysisResult result;
};

std::unique_ptr<QueueAnalysis> AnalyzeQueue(const std::string& zone_kind, const std::string& text) {
  policy::PolicyParseResult parsed = policy::ParsePolicy(text, {.kind = policy::PolicyKind::kResource});
  EXPECT_TRUE(parsed.policy.has_value()) << (parsed.issues.empty() ? "" : parsed.issues[0].message);
  auto queue = std::make_unique<QueueAnalysis>();
  queue->policy = *parsed.policy;
  AccessModel& model = queue->model;
  model.resource_arn = "arn:aws:sqs:us-east-1:123456789012:queue";
  model.resource_type = "AWS::SQS::Queue";
  model.owner_account = kOwner;
  model.targets = {ResourceTarget{{model.resource_arn}, {"sqs:ReceiveMessage", "sqs:SendMessage", "sqs:DeleteMessage"}}};
  model.policy = &queue->policy;
  queue->zone = zone_kind == "org"           ? ZoneOfTrust::ForOrganization(SampleOrganization())
                : zone_kind == "account+org" ? ZoneOfTrust::ForAccount(kOwner, SampleOrganization())
                                             : ZoneOfTrust::ForAccount(kOwner);
  queue->result = AnalyzeExternalAccess(model, queue->zone);
  return queue;
}

class ExternalAccessTest : public testing::TestWithParam<EngineCase> {};

TEST_P(ExternalAccessTest, FindsExactlyTheExternalAccess) {
  const EngineCase& c = GetParam();
  std::unique_ptr<QueueAnalysis> queue = AnalyzeQueue(c.zone, c.policy);
  const AnalysisResult& result = queue->result;
  EXPECT_EQ(Summarize(result), c.expected);
  for (const findings::Finding& f : result.findings) {
    if (!f.error.has_value()) {
      EXPECT_TRUE(f.witness.has_value());
    }
  }
}

// Every witness, read back as a request (its principal, with the organization its context names), is
// allowed by the concrete evaluator on the policy as written — unless the engine had to read the policy's
// variables more widely than the evaluator does (policy_abstraction.h), which these cases say. (A
// single-valued operator on a multivalued key, read as ForAnyValue, agrees with the evaluator on a
// witness: it carries one value, docs/simulate.md.)
TEST_P(ExternalAccessTest, WitnessesAreAllowedByTheEvaluator) {
  const EngineCase& c = GetParam();
  std::unique_ptr<QueueAnalysis> queue = AnalyzeQueue(c.zone, c.policy);
  bool widened = BoundVariables(queue->policy, VariableBound::kAllowMore).changed;
  std::vector<base::Issue> issues;
  eval::CompiledPolicy compiled = eval::CompiledPolicy::Compile(queue->policy, policy::PolicyKind::kResource, issues);
  for (const findings::Finding& f : queue->result.findings) {
    if (f.error.has_value()) continue;
    ASSERT_TRUE(f.witness.has_value());
    const findings::Witness& w = *f.witness;
    absl::StatusOr<eval::RequestPrincipal> principal =
        eval::MakeRequestPrincipal(*eval::ParsePrincipalType(w.principal_type), w.principal);
    ASSERT_TRUE(principal.ok()) << w.principal;
    eval::Request request;
    request.principal = *principal;
    request.action = w.action;
    request.resource_arn = w.resource;
    request.resource_account = kOwner;
    for (const auto& [key, values] : w.context) {
      std::string lower = base::AsciiLower(key);
      if (lower == "aws:principalorgid") request.principal.org_id = values.front();
      if (lower == "aws:principalorgpaths") request.principal.org_paths = values;
      if (IsMultivaluedKey(lower) || values.size() != 1) {
        request.context.SetMultivalued(lower, values);
      } else {
        request.context.Set(lower, values.front());
      }
    }
    eval::AddPrincipalContextKeys(request.principal, request.context);
    if (request.principal.is_iam()) request.context.Set("kms:calleraccount", request.principal.account);
    EXPECT_EQ(eval::PolicyAloneAllows(compiled, request), !widened) << w.principal << " " << w.action;
    EXPECT_TRUE(IsExternalRequest(request, queue->zone)) << w.principal;
  }
}

// The engine's cover check accepts its own findings and notices when they are taken away or narrowed.
TEST_P(ExternalAccessTest, CoverCheckNoticesMissingAccess) {
  const EngineCase& c = GetParam();
  std::unique_ptr<QueueAnalysis> queue = AnalyzeQueue(c.zone, c.policy);
  const std::vector<findings::Finding>& found = queue->result.findings;
  EXPECT_EQ(FindUncoveredAccess(queue->model, queue->zone, found), std::nullopt);
  std::optional<std::string> with_none = FindUncoveredAccess(queue->model, queue->zone, {});
  EXPECT_EQ(with_none.has_value(), !found.empty()) << with_none.value_or("");
  for (size_t f = 0; f < found.size(); ++f) {
    // Without one of its actions, a finding no longer covers that action (no other finding lists it
    // for the same principal in these cases).
    std::vector<findings::Finding> narrowed = found;
    narrowed[f].actions.erase(narrowed[f].actions.begin());
    EXPECT_TRUE(FindUncoveredAccess(queue->model, queue->zone, narrowed).has_value()) << f;
    // A condition value the policy does not name covers nothing of what the policy allows.
    for (auto& [key, value] : narrowed[f].condition) {
      std::vector<findings::Finding> moved = found;
      moved[f].condition[key] = "not-a-value-of-the-policy";
      EXPECT_TRUE(FindUncoveredAccess(queue->model, queue->zone, moved).has_value()) << key;
    }
  }
}

#define STMT(x) R"({"Version":"2012-10-17","Statement":[)" x "]}"

INSTANTIATE_TEST_SUITE_P(
    Cases, ExternalAccessTest,
    testing::Values(
        EngineCase{"SameAccountOnly", "account",
                   STMT(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sqs:*","Resource":"*"})"),
                   ""},
        EngineCase{"CrossAccount", "account",
                   STMT(R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sqs:SendMessage","Resource":"*"})"),
                   "AWS=999988887777 | sqs:SendMessage | | not-public"},
        EngineCase{"CrossAccountRole", "account",
                   STMT(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:role/writer"},"Action":["sqs:SendMessage","sqs:ReceiveMessage"],"Resource":"*"})"),
                   "AWS=arn:aws:iam::999988887777:role/writer | sqs:ReceiveMessage sqs:SendMessage | | not-public"},
        EngineCase{"Public", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"})"),
                   "AWS=* | sqs:SendMessage | | public"},
        EngineCase{"PublicButOrgOnlyInOrgZone", "org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}})"),
                   ""},
        EngineCase{"OrgConditionInAccountZone", "account+org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}})"),
                   "AWS=* | sqs:SendMessage | aws:PrincipalOrgID=o-a1b2c3d4e5 | not-public"},
        EngineCase{"SourceIpIsReportedNotPublic", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}})"),
                   "AWS=* | sqs:SendMessage | aws:SourceIp=203.0.113.0/24 | not-public"},
        EngineCase{"RefererIsIgnored", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringLike":{"aws:Referer":"https://example.com/*"}}})"),
                   "AWS=* | sqs:SendMessage | | public"},
        EngineCase{"DenyRemovesAnAction", "account",
                   STMT(R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sqs:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"sqs:DeleteMessage","Resource":"*"})"),
                   "AWS=999988887777 | sqs:ReceiveMessage sqs:SendMessage | | not-public"},
        EngineCase{"DenyOutsideOrgKeepsOnlyOrg", "account+org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}})"),
                   "AWS=* | sqs:SendMessage | | public"},
        EngineCase{"DenyWithCallerControlledKeyDoesNotHide", "account",
                   STMT(R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sqs:SendMessage","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}})"),
                   "AWS=999988887777 | sqs:SendMessage | | not-public"},
        EngineCase{"UnconditionalDenyOfEveryoneHidesAll", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*"})"),
                   ""},
        EngineCase{"NotPrincipalAllowIsPublic", "account",
                   STMT(R"({"Effect":"Allow","NotPrincipal":{"AWS":"999988887777"},"Action":"sqs:SendMessage","Resource":"*"})"),
                   "AWS=* | sqs:SendMessage | | public"},
        EngineCase{"WildcardAccountArn", "account",
                   STMT(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:root"},"Action":"sqs:SendMessage","Resource":"*"})"),
                   "AWS=arn:aws:iam::*:root | sqs:SendMessage | | public"},
        EngineCase{"PrincipalAccountCondition", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalAccount":["999988887777","123456789012"]}}})"),
                   "AWS=* | sqs:SendMessage | aws:PrincipalAccount=999988887777 | not-public"},
        EngineCase{"IfExistsDoesNotRestrict", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}})"),
                   "AWS=* | sqs:SendMessage | | public"},
        EngineCase{"OneFindingPerConditionValue", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}}})"),
                   "AWS=* | sqs:SendMessage | aws:SourceVpce=vpce-1 | not-public\nAWS=* | sqs:SendMessage | aws:SourceVpce=vpce-2 | not-public"},
        EngineCase{"SourceOwnerInZoneIsInternal", "account",
                   STMT(R"({"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"AWS:SourceOwner":"123456789012"}}})"),
                   ""},
        EngineCase{"SourceAccountOutsideZoneIsReported", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:SourceAccount":"999988887777"}}})"),
                   "AWS=* | sqs:SendMessage | aws:SourceAccount=999988887777 | not-public"},
        EngineCase{"SourceArnOfAZoneResourceIsInternal", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:topic"}}})"),
                   ""},
        EngineCase{"ServicePrincipalIsNotReported", "account",
                   STMT(R"({"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"*"})"),
                   ""},
        EngineCase{"ResourceMismatchGivesNothing", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:other"})"),
                   ""},
        EngineCase{"PartialAccountWildcardInPrincipal", "account",
                   STMT(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1111*:root"},"Action":"sqs:SendMessage","Resource":"*"})"),
                   "AWS=arn:aws:iam::1111*:root | sqs:SendMessage | | public"},
        EngineCase{"PartialAccountWildcardInPrincipalArnCondition", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::2222????????:role/*"}}})"),
                   "AWS=* | sqs:SendMessage | aws:PrincipalArn=arn:aws:iam::2222????????:role/* | public"},
        EngineCase{"PartialAccountWildcardMatchingOnlyTheZone", "account",
                   STMT(R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::12345678901?:root"},"Action":"sqs:SendMessage","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"123456789012"}}})"),
                   ""},
        // aws:PrincipalOrgPaths naming an organization other than the zone's: its members exist and
        // are outside the zone (issue #12, item 1).
        EngineCase{"OrgPathsOfAnotherOrg", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringLike":{"aws:PrincipalOrgPaths":"o-other12345/*"}}})"),
                   "AWS=* | sqs:SendMessage | aws:PrincipalOrgPaths=o-other12345/* | not-public"},
        EngineCase{"OrgPathsOfAnotherOrgInOrgZone", "org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-other12345/*"}}})"),
                   "AWS=* | sqs:SendMessage | aws:PrincipalOrgPaths=o-other12345/* | not-public"},
        EngineCase{"OrgPathsOuOfAnotherOrgInAccountZoneWithOrg", "account+org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:PrincipalOrgPaths":"o-other12345/r-zz99/ou-zz99-00000001/"}}})"),
                   "AWS=* | sqs:SendMessage | aws:PrincipalOrgPaths=o-other12345/r-zz99/ou-zz99-00000001/ | not-public"},
        EngineCase{"OrgPathsWithWildcardOrgSegment", "org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-*/r-ab12/ou-ab12-33333333/*"}}})"),
                   "AWS=* | sqs:SendMessage | aws:PrincipalOrgPaths=o-*/r-ab12/ou-ab12-33333333/* | public"},
        EngineCase{"OrgPathsOfTheOwnOrgInOrgZone", "org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/*"}}})"),
                   ""},
        // In an ACCOUNT zone, the other members are external; each OU the policy names is tried, not
        // only the first member's.
        EngineCase{"OrgPathsOfAnotherOuOfTheOwnOrgInAccountZone", "account+org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/r-ab12/ou-ab12-33333333/*"}}})"),
                   "AWS=* | sqs:SendMessage | aws:PrincipalOrgPaths=o-a1b2c3d4e5/r-ab12/ou-ab12-33333333/* | not-public"},
        EngineCase{"OrgPathsOfTheZoneAccountsOuInAccountZone", "account+org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}}})"),
                   ""},
        EngineCase{"OrgIdAndPathOfDifferentOrgsGiveNothing", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-other12345"},"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-third12345/*"}}})"),
                   ""},
        // Wildcards in aws:PrincipalAccount fix no account (issue #12, item 2).
        EngineCase{"PrincipalAccountPattern", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringLike":{"aws:PrincipalAccount":"9999*"}}})"),
                   "AWS=* | sqs:SendMessage | aws:PrincipalAccount=9999* | public"},
        EngineCase{"PrincipalAccountPatternMatchingOnlyTheZone", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringLike":{"aws:PrincipalAccount":"12345678901?"}}},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"123456789012"}}})"),
                   ""},
        // ARN-valued conditions whose account is a wildcard fix no caller: public (issue #12, item 2).
        EngineCase{"SourceArnWithWildcardAccountIsPublic", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:iam::*:role/Admin"}}})"),
                   "AWS=* | sqs:SendMessage | aws:SourceArn=arn:aws:iam::*:role/Admin | public"},
        EngineCase{"SourceArnOfAnyBucketIsPublic", "org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::*"}}})"),
                   "AWS=* | sqs:SendMessage | aws:SourceArn=arn:aws:s3:::* | public"},
        EngineCase{"SourceArnOfOneBucketIsNotPublic", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:s3:::logs-bucket"}}})"),
                   "AWS=* | sqs:SendMessage | aws:SourceArn=arn:aws:s3:::logs-bucket | not-public"},
        EngineCase{"SourceArnAllWildcardsIsPublic", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:*:*:*:*"}}})"),
                   "AWS=* | sqs:SendMessage | aws:SourceArn=arn:aws:*:*:*:* | public"},
        EngineCase{"SourceArnStringLikeWithWildcardAccountIsPublic", "org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringLike":{"aws:SourceArn":"arn:aws:sns:us-east-1:*:topic"}}})"),
                   "AWS=* | sqs:SendMessage | aws:SourceArn=arn:aws:sns:us-east-1:*:topic | public"},
        EngineCase{"SourceArnWithFixedAccountAndWildcardsIsNotPublic", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:999988887777:*"}}})"),
                   "AWS=* | sqs:SendMessage | aws:SourceArn=arn:aws:sns:*:999988887777:* | not-public"},
        EngineCase{"PrincipalArnWithWildcardAccountIsPublic", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/Admin"}}})"),
                   "AWS=* | sqs:SendMessage | aws:PrincipalArn=arn:aws:iam::*:role/Admin | public"},
        EngineCase{"SourceAccountPatternIsPublic", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringLike":{"aws:SourceAccount":"9999*"}}})"),
                   "AWS=* | sqs:SendMessage | aws:SourceAccount=9999* | public"},
        // A pattern holding a zone account and others: the others are external.
        EngineCase{"SourceAccountPatternAroundTheZone", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringLike":{"aws:SourceAccount":"12345678901?"}}})"),
                   "AWS=* | sqs:SendMessage | aws:SourceAccount=12345678901? | public"},
        EngineCase{"SourceArnPatternAroundTheZone", "org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns:us-east-1:1111222233?3:topic"}}})"),
                   "AWS=* | sqs:SendMessage | aws:SourceArn=arn:aws:sns:us-east-1:1111222233?3:topic | public"},
        EngineCase{"SourceAccountOfTheZoneOnlyIsInternal", "org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringLike":{"aws:SourceAccount":["111122223333","12345678901?"]}}},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotLike":{"aws:SourceAccount":["111122223333","123456789012"]}}})"),
                   ""},
        EngineCase{"CallerAccountPatternIsPublic", "org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringLike":{"kms:CallerAccount":"9999????????"}}})"),
                   "AWS=* | sqs:SendMessage | kms:CallerAccount=9999???????? | public"},
        EngineCase{"OrgIdPatternIsPublic", "org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringLike":{"aws:PrincipalOrgID":"o-*"}}})"),
                   "AWS=* | sqs:SendMessage | aws:PrincipalOrgID=o-* | public"},
        EngineCase{"SourceOwnerPatternAroundTheZone", "org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringLike":{"aws:SourceOwner":"4444555566?6"}}})"),
                   "AWS=* | sqs:SendMessage | aws:SourceOwner=4444555566?6 | public"},
        // In an ACCOUNT zone, members the policy's account patterns tell apart are tried apart.
        EngineCase{"AccountPatternNamingOneOtherMember", "account+org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::4444*:root"}}})"),
                   "AWS=* | sqs:SendMessage | aws:PrincipalArn=arn:aws:iam::4444*:root aws:PrincipalOrgID=o-a1b2c3d4e5 | not-public"},
        EngineCase{"GlobPatternNamingOneOtherMember", "account+org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"},"StringLike":{"aws:PrincipalArn":"arn:aws:iam::4444*"}}})"),
                   "AWS=* | sqs:SendMessage | aws:PrincipalArn=arn:aws:iam::4444* aws:PrincipalOrgID=o-a1b2c3d4e5 | not-public"},
        // Resource-owner keys describe the resource (issue #12, item 3).
        EngineCase{"ResourceAccountOfTheOwnerRestrictsNothing", "account",
                   STMT(R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:ResourceAccount":"123456789012"}}})"),
                   "AWS=999988887777 | sqs:SendMessage | | not-public"},
        EngineCase{"ResourceAccountOfAnotherAccountGrantsNothing", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:ResourceAccount":"999988887777"}}})"),
                   ""},
        EngineCase{"S3ResourceAccountPatternOfOthersGrantsNothing", "org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringLike":{"s3:ResourceAccount":"9999*"}}})"),
                   ""},
        EngineCase{"ResourceOrgIdOfTheZoneRestrictsNothing", "org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:ResourceOrgID":"o-a1b2c3d4e5"}}})"),
                   "AWS=* | sqs:SendMessage | | public"},
        EngineCase{"ResourceOrgIdOfAnotherOrgGrantsNothing", "org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:ResourceOrgID":"o-other12345"}}})"),
                   ""},
        EngineCase{"ResourceOrgIdOfAnotherOrgInAccountZoneWithOrg", "account+org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:ResourceOrgID":"o-other12345"}}})"),
                   ""},
        // An ACCOUNT zone without its organization: the owner's organization is unknown, any may hold.
        EngineCase{"ResourceOrgIdUnknownInAccountZone", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:ResourceOrgID":"o-other12345"}}})"),
                   "AWS=* | sqs:SendMessage | | public"},
        EngineCase{"ResourceOrgPathsOfTheOwnersOu", "org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:ResourceOrgPaths":"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}}})"),
                   "AWS=* | sqs:SendMessage | | public"},
        EngineCase{"ResourceOrgPathsOfAnotherOuGrantNothing", "account+org",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:ResourceOrgPaths":"o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/*"}}})"),
                   ""},
        EngineCase{"DenyOutsideTheOwnerAccountLeavesTheGrant", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"},{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:ResourceAccount":"123456789012"}}})"),
                   "AWS=* | sqs:SendMessage | | public"},
        // kms:ViaService is set by AWS (reported) but does not say who calls: still public.
        EngineCase{"KmsViaServiceIsReportedAndPublic", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com"}}})"),
                   "AWS=* | sqs:SendMessage | kms:ViaService=s3.us-east-1.amazonaws.com | public"},
        EngineCase{"KmsViaServiceWithCallerAccountIsNotPublic", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"kms:ViaService":"s3.us-east-1.amazonaws.com","kms:CallerAccount":"999988887777"}}})"),
                   "AWS=* | sqs:SendMessage | kms:CallerAccount=999988887777 kms:ViaService=s3.us-east-1.amazonaws.com | not-public"},
        EngineCase{"ContradictoryConditionsGiveNothing", "account",
                   STMT(R"({"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"},"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}})"),
                   ""}),
    [](const testing::TestParamInfo<EngineCase>& info) { return info.param.name; });

// ---- Role trust policies: a web identity or SAML provider can only be the caller of its
// AssumeRoleWith* action (with sts:TagSession and sts:SetSourceIdentity); other actions granted to it
// are no access (eval::ActionsOfIdentityProvider).
struct RoleCase {
  std::string name;
  std::string policy;
  std::string expected;  // Summarize() of the result
};

class RoleTrustTest : public testing::TestWithParam<RoleCase> {};

TEST_P(RoleTrustTest, FederatedPrincipalsGetOnlyTheirAssumeCall) {
  const RoleCase& c = GetParam();
  policy::PolicyParseResult parsed = policy::ParsePolicy(c.policy, {.kind = policy::PolicyKind::kRoleTrust});
  ASSERT_TRUE(parsed.policy.has_value()) << (parsed.issues.empty() ? "" : parsed.issues[0].message);
  AccessModel model;
  model.resource_arn = "arn:aws:iam::123456789012:role/deploy";
  model.resource_type = "AWS::IAM::Role";
  model.owner_account = kOwner;
  model.policy_kind = policy::PolicyKind::kRoleTrust;
  model.targets = {ResourceTarget{{model.resource_arn},
                                  {"sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity",
                                   "sts:SetSourceIdentity", "sts:TagSession"}}};
  model.policy = &*parsed.policy;
  ZoneOfTrust zone = ZoneOfTrust::ForAccount(kOwner);
  AnalysisResult result = AnalyzeExternalAccess(model, zone);
  EXPECT_EQ(Summarize(result), c.expected);
  EXPECT_EQ(FindUncoveredAccess(model, zone, result.findings), std::nullopt);
}

#define TRUST(x) R"({"Version":"2012-10-17","Statement":[)" x "]}"

INSTANTIATE_TEST_SUITE_P(
    Cases, RoleTrustTest,
    testing::Values(
        RoleCase{"WebIdentityGrantedAssumeRoleOnly",
                 TRUST(R"({"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRole"})"),
                 ""},
        RoleCase{"WebIdentityGrantedEveryStsAction",
                 TRUST(R"({"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:*"})"),
                 "Federated=accounts.google.com | sts:AssumeRoleWithWebIdentity sts:SetSourceIdentity sts:TagSession | | public"},
        RoleCase{"SamlGrantedBothAssumeCalls",
                 TRUST(R"({"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::999988887777:saml-provider/Okta"},"Action":["sts:AssumeRoleWithWebIdentity","sts:AssumeRoleWithSAML"]})"),
                 "Federated=arn:aws:iam::999988887777:saml-provider/Okta | sts:AssumeRoleWithSAML | | not-public"},
        RoleCase{"OidcGrantedSamlCall",
                 TRUST(R"({"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithSAML"})"),
                 ""},
        RoleCase{"AccountPrincipalKeepsAssumeRole",
                 TRUST(R"({"Effect":"Allow","Principal":{"AWS":"999988887777","Federated":"accounts.google.com"},"Action":"sts:AssumeRole"})"),
                 "AWS=999988887777 | sts:AssumeRole | | not-public"}),
    [](const testing::TestParamInfo<RoleCase>& info) { return info.param.name; });

// ---- A gate policy: a request through an S3 access point needs the access point's policy and the
// bucket's policy to allow it.

struct GateCase {
  std::string name;
  std::string point_policy;
  std::string bucket_policy;
  std::string expected;  // Summarize() of the result
};

constexpr char kPoint[] = "arn:aws:s3:us-east-1:123456789012:accesspoint/ap";
constexpr char kBucket[] = "arn:aws:s3:::bucket";

struct GatedAnalysis {
  policy::Policy point;
  policy::Policy bucket;
  AccessModel model;
  ZoneOfTrust zone = ZoneOfTrust::ForAccount(kOwner);
  AnalysisResult result;
};

std::unique_ptr<GatedAnalysis> AnalyzeThroughAccessPoint(const GateCase& c) {
  auto gated = std::make_unique<GatedAnalysis>();
  for (auto [text, into] : {std::pair{&c.point_policy, &gated->point}, std::pair{&c.bucket_policy, &gated->bucket}}) {
    policy::PolicyParseResult parsed = policy::ParsePolicy(*text, {.kind = policy::PolicyKind::kResource});
    EXPECT_TRUE(parsed.policy.has_value()) << (parsed.issues.empty() ? "" : parsed.issues[0].message);
    if (parsed.policy.has_value()) *into = *parsed.policy;
  }
  AccessModel& model = gated->model;
  model.resource_arn = kBucket;
  model.resource_type = "AWS::S3::Bucket";
  model.owner_account = kOwner;
  const std::string point = kPoint;
  model.targets = {
      ResourceTarget{{point}, {"s3:ListBucket"}, ArnPrefixMap{point, kBucket}},
      ResourceTarget{{point + "/object/*"}, {"s3:GetObject", "s3:PutObject"}, ArnPrefixMap{point + "/object/", std::string(kBucket) + "/"}}};
  model.policy = &gated->point;
  model.policy_label = point;
  model.gate = GatePolicy{&gated->bucket, policy::PolicyKind::kResource, "bucketPolicy"};
  gated->result = AnalyzeExternalAccess(model, gated->zone);
  return gated;
}

class GatedAccessTest : public testing::TestWithParam<GateCase> {};

TEST_P(GatedAccessTest, FindsWhatBothPoliciesAllow) {
  std::unique_ptr<GatedAnalysis> gated = AnalyzeThroughAccessPoint(GetParam());
  EXPECT_EQ(Summarize(gated->result), GetParam().expected);
  for (const findings::Finding& f : gated->result.findings) {
    if (f.error.has_value()) continue;
    ASSERT_TRUE(f.witness.has_value());
    EXPECT_TRUE(f.witness->resource.starts_with(kPoint)) << f.witness->resource;
    // The explanation names a statement of each policy.
    std::set<std::string> policies;
    for (const findings::StatementRef& ref : f.explanation) policies.insert(ref.policy);
    EXPECT_EQ(policies, (std::set<std::string>{kPoint, "bucketPolicy"}));
  }
  EXPECT_EQ(FindUncoveredAccess(gated->model, gated->zone, gated->result.findings), std::nullopt);
  if (!gated->result.findings.empty()) {
    EXPECT_TRUE(FindUncoveredAccess(gated->model, gated->zone, {}).has_value());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Cases, GatedAccessTest,
    testing::Values(
        // Each policy restricts a different key: only a request carrying both is allowed, and a witness
        // taken from either policy alone would be refused by the other.
        GateCase{"ConditionsOfBothPoliciesAreReported",
                 STMT(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}})"),
                 STMT(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1"}}})"),
                 "AWS=* | s3:GetObject | aws:SourceVpc=vpc-1 aws:SourceVpce=vpce-1 | not-public"},
        GateCase{"DisjointObjectPrefixesGiveNothing",
                 STMT(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/public/*"})"),
                 STMT(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/private/*"})"),
                 ""},
        GateCase{"OverlappingObjectPrefixes",
                 STMT(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/shared/*"})"),
                 STMT(R"({"Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::bucket","arn:aws:s3:::bucket/*"]})"),
                 "AWS=* | s3:GetObject | | public"},
        GateCase{"ADenyInTheBucketPolicyLeavesTheRest",
                 STMT(R"({"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:us-east-1:123456789012:accesspoint/ap","arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/*"]})"),
                 STMT(R"({"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bucket","arn:aws:s3:::bucket/*"]},{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::bucket/*"})"),
                 "AWS=* | s3:ListBucket | | public"},
        GateCase{"TheBucketPolicyNamesTheAccount",
                 STMT(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/*"})"),
                 STMT(R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"*","Resource":"*"})"),
                 "AWS=999988887777 | s3:GetObject | | not-public"},
        GateCase{"NoBucketGrantNoAccess",
                 STMT(R"({"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"})"),
                 STMT(R"({"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"*","Resource":"*"})"),
                 ""}),
    [](const testing::TestParamInfo<GateCase>& info) { return info.param.name; });

}  // namespace
}  // namespace perimeter::reasoning
