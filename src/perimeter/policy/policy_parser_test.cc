#include "perimeter/policy/policy_parser.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/base/issue.h"
#include "perimeter/json/document.h"

namespace perimeter::policy {
namespace {

using base::Severity;

PolicyParseOptions Options(PolicyKind kind, bool enforce_size_limit = true,
                           std::optional<size_t> size_limit = std::nullopt) {
  PolicyParseOptions options;
  options.kind = kind;
  options.enforce_size_limit = enforce_size_limit;
  options.size_limit = size_limit;
  return options;
}

PolicyParseOptions DepthLimited(PolicyKind kind) {
  PolicyParseOptions options = Options(kind);
  options.max_depth = 8;
  return options;
}

// A one-line rendering of the model, so that each valid case states what it must parse to:
//   <version>[(default)] [id=<id>] | [<sid>:]<effect> [P*|P{kind=value,...}|NP{...}] A[...]|NA[...]
//   [R[...]|NR[...]] [C{<operator as written>/<op>[/qualifier][/ifexists] <key>=<v>,<v>; ...}]
std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + items[i];
  return out;
}

std::string Patterns(const PatternList& list, std::string_view name) {
  std::vector<std::string> items;
  for (const Text& text : list.patterns) items.push_back(text.value);
  std::string out = list.negated ? "N" : "";
  out.append(name).append("[").append(Join(items)).append("]");
  return out;
}

std::string Summarize(const Policy& policy) {
  std::string out = policy.version == PolicyVersion::k2012_10_17 ? "2012" : "2008";
  if (!policy.version_present) out += "(default)";
  if (policy.id.has_value()) out += " id=" + *policy.id;
  for (const Statement& s : policy.statements) {
    out += " | ";
    if (s.sid.has_value()) out += *s.sid + ":";
    out += std::string(EffectName(s.effect));
    if (s.principal.has_value()) {
      out += s.principal->negated ? " NP" : " P";
      if (s.principal->wildcard) {
        out += "*";
      } else {
        std::vector<std::string> items;
        for (const PrincipalValue& v : s.principal->values) {
          items.push_back(std::string(PrincipalKindName(v.kind)) + "=" + v.value);
        }
        out.append("{").append(Join(items)).append("}");
      }
    }
    out.append(" ").append(Patterns(s.action, "A"));
    if (s.resource.has_value()) out.append(" ").append(Patterns(*s.resource, "R"));
    if (!s.conditions.empty()) {
      out += " C{";
      for (size_t i = 0; i < s.conditions.size(); ++i) {
        const Condition& c = s.conditions[i];
        std::vector<std::string> values;
        for (const ConditionValue& v : c.values) values.push_back(v.value);
        out +=
            (i ? "; " : "") + c.op.as_written + "/" + std::string(ConditionOperatorName(c.op.op));
        if (c.op.qualifier == SetQualifier::kForAllValues) out += "/all";
        if (c.op.qualifier == SetQualifier::kForAnyValue) out += "/any";
        if (c.op.if_exists) out += "/ifexists";
        out += " " + c.key_lower + "=" + Join(values);
      }
      out += "}";
    }
  }
  return out;
}

std::string DescribeIssues(const std::vector<base::Issue>& issues) {
  std::string out;
  for (const base::Issue& issue : issues) {
    out += "\n  " + base::ToString(issue.position) + " " +
           std::string(base::SeverityName(issue.severity)) + " " + issue.code + ": " +
           issue.message;
  }
  return out;
}

std::string WarningCodes(const std::vector<base::Issue>& issues) {
  std::vector<std::string> codes;
  for (const base::Issue& issue : issues) {
    if (issue.severity == Severity::kWarning) codes.push_back(issue.code);
  }
  return Join(codes);
}

// ---------------------------------------------------------------------------------------------------
// Valid policies, mostly the examples of the IAM User Guide, the Organizations User Guide and the
// KMS Developer Guide.

struct ValidCase {
  std::string name;
  PolicyKind kind;
  std::string text;
  std::string summary;   // Summarize() of the parsed policy
  std::string warnings;  // warning codes, comma-separated
};

class PolicyParserValidTest : public testing::TestWithParam<ValidCase> {};

TEST_P(PolicyParserValidTest, ParsesToModel) {
  const ValidCase& c = GetParam();
  PolicyParseResult result = ParsePolicy(c.text, Options(c.kind));
  ASSERT_TRUE(result.ok()) << DescribeIssues(result.issues);
  EXPECT_EQ(Summarize(*result.policy), c.summary);
  EXPECT_EQ(WarningCodes(result.issues), c.warnings) << DescribeIssues(result.issues);
}

constexpr PolicyKind kId = PolicyKind::kIdentity;
constexpr PolicyKind kRes = PolicyKind::kResource;
constexpr PolicyKind kTrust = PolicyKind::kRoleTrust;
constexpr PolicyKind kScp = PolicyKind::kServiceControl;
constexpr PolicyKind kRcp = PolicyKind::kResourceControl;
constexpr PolicyKind kVpce = PolicyKind::kVpcEndpoint;
constexpr PolicyKind kBoundary = PolicyKind::kPermissionsBoundary;
constexpr PolicyKind kSession = PolicyKind::kSession;

INSTANTIATE_TEST_SUITE_P(Cases, PolicyParserValidTest,
                         testing::
                             Values(
                                 ValidCase{
                                     "IdentityMinimal", kId,
                                     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]})",
                                     "2012 | Allow A[s3:GetObject] R[arn:aws:s3:::b/*]", ""},
                                 ValidCase{
                                     "StatementAsSingleObject", kId,
                                     R"({"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":["iam:*"],"Resource":"*"}})",
                                     "2012 | Deny A[iam:*] R[*]", ""},
                                 ValidCase{
                                     "Version2008", kId,
                                     R"({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
                                     "2008 | Allow A[*] R[*]", ""},
                                 ValidCase{
                                     "VersionMissingDefaultsTo2008", kId,
                                     R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
                                     "2008(default) | Allow A[*] R[*]", ""},
                                 ValidCase{
                                     "IdAndAlphanumericSids", kId,
                                     R"({"Version":"2012-10-17","Id":"my-policy","Statement":[{"Sid":"Stmt1","Effect":"Allow","Action":"ec2:Describe*","Resource":"*"},{"Sid":"","Effect":"Allow","Action":"s3:Get?bject","Resource":"*"}]})",
                                     "2012 id=my-policy | Stmt1:Allow A[ec2:Describe*] R[*] | "
                                     ":Allow A[s3:Get?bject] R[*]",
                                     ""},
                                 ValidCase{
                                     "NotResourceDeny", kId,
                                     R"({"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::HRBucket/Payroll","arn:aws:s3:::HRBucket/Payroll/*"]}})",
                                     "2012 | Deny A[s3:*] "
                                     "NR[arn:aws:s3:::HRBucket/Payroll,arn:aws:s3:::HRBucket/"
                                     "Payroll/*]",
                                     ""},
                                 ValidCase{
                                     "MultipleOperators", kId,
                                     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:StartInstances","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/Owner":"${aws:username}","ec2:Region":["us-east-1","eu-west-1"]},"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]})",
                                     "2012 | Allow A[ec2:StartInstances] R[*] "
                                     "C{StringEquals/StringEquals "
                                     "aws:resourcetag/owner=${aws:username}; "
                                     "StringEquals/StringEquals ec2:region=us-east-1,eu-west-1; "
                                     "IpAddress/IpAddress aws:sourceip=203.0.113.0/24}",
                                     ""},
                                 ValidCase{
                                     "ForAllValuesAndForAnyValue", kId,
                                     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*","Condition":{"ForAllValues:StringLike":{"dynamodb:Attributes":["Id","Name*"]},"ForAnyValue:StringEqualsIgnoreCase":{"aws:TagKeys":"env"}}}]})",
                                     "2012 | Allow A[dynamodb:GetItem] R[*] "
                                     "C{ForAllValues:StringLike/StringLike/all "
                                     "dynamodb:attributes=Id,Name*; "
                                     "ForAnyValue:StringEqualsIgnoreCase/StringEqualsIgnoreCase/"
                                     "any aws:tagkeys=env}",
                                     ""},
                                 ValidCase{
                                     "IfExistsAndNull", kId,
                                     R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ec2:RunInstances","Resource":"*","Condition":{"StringNotEqualsIfExists":{"ec2:InstanceType":["t3.micro"]},"Null":{"aws:TokenIssueTime":"true"}}}]})",
                                     "2012 | Deny A[ec2:RunInstances] R[*] "
                                     "C{StringNotEqualsIfExists/StringNotEquals/ifexists "
                                     "ec2:instancetype=t3.micro; Null/Null "
                                     "aws:tokenissuetime=true}",
                                     ""},
                                 ValidCase{
                                     "NumbersAndBooleansKeepTheirText", kId,
                                     R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NumericGreaterThan":{"aws:MultiFactorAuthAge":3600,"s3:max-keys":[1.50,-0]},"Bool":{"aws:SecureTransport":false,"aws:MultiFactorAuthPresent":[true]}}}]})",
                                     "2012 | Deny A[*] R[*] "
                                     "C{NumericGreaterThan/NumericGreaterThan "
                                     "aws:multifactorauthage=3600; "
                                     "NumericGreaterThan/NumericGreaterThan s3:max-keys=1.50,-0; "
                                     "Bool/Bool aws:securetransport=false; Bool/Bool "
                                     "aws:multifactorauthpresent=true}",
                                     ""},
                                 ValidCase{
                                     "EmptyConditionObject", kId,
                                     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*","Condition":{}}]})",
                                     "2012 | Allow A[s3:ListBucket] R[*]", ""},
                                 ValidCase{
                                     "S3BucketPolicyPublicRead", kRes,
                                     R"({"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":["arn:aws:s3:::DOC-EXAMPLE-BUCKET/*"]}]})",
                                     "2012 | PublicRead:Allow P* "
                                     "A[s3:GetObject,s3:GetObjectVersion] "
                                     "R[arn:aws:s3:::DOC-EXAMPLE-BUCKET/*]",
                                     ""},
                                 ValidCase{
                                     "S3DenyInsecureTransport", kRes,
                                     R"({"Version":"2012-10-17","Statement":[{"Sid":"AllowSSLRequestsOnly","Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})",
                                     "2012 | AllowSSLRequestsOnly:Deny P{AWS=*} A[s3:*] "
                                     "R[arn:aws:s3:::b,arn:aws:s3:::b/*] C{Bool/Bool "
                                     "aws:securetransport=false}",
                                     ""},
                                 ValidCase{
                                     "KmsDefaultKeyPolicy", kRes,
                                     R"({"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]})",
                                     "2012 id=key-default-1 | Enable IAM User Permissions:Allow "
                                     "P{AWS=arn:aws:iam::111122223333:root} A[kms:*] R[*]",
                                     ""},
                                 ValidCase{
                                     "AllPrincipalKinds", kRes,
                                     R"({"Statement":[{"Effect":"Allow","Principal":{"AWS":["111122223333","arn:aws:iam::444455556666:role/r"],"Service":"sns.amazonaws.com","Federated":"cognito-identity.amazonaws.com","CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"sqs:SendMessage","Resource":"*"}]})",
                                     "2008(default) | Allow "
                                     "P{AWS=111122223333,AWS=arn:aws:iam::444455556666:role/"
                                     "r,Service=sns.amazonaws.com,Federated=cognito-identity."
                                     "amazonaws.com,CanonicalUser="
                                     "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef"
                                     "2be} A[sqs:SendMessage] R[*]",
                                     ""},
                                 ValidCase{
                                     "NotPrincipalWithAllowWarns", kRes,
                                     R"({"Statement":{"Effect":"Allow","NotPrincipal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}})",
                                     "2008(default) | Allow NP{AWS=111122223333} A[*] R[*]",
                                     "policy.allow-with-notprincipal"},
                                 ValidCase{
                                     "ArnOperatorValueNotAnArnWarns", kRes,
                                     R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"*"}}}})",
                                     "2012 | Allow P* A[sqs:SendMessage] R[*] C{ArnLike/ArnLike "
                                     "aws:sourcearn=*}",
                                     "condition.not-an-arn"},
                                 ValidCase{
                                     "ArnOperatorValueWithVariableIsNotJudged", kRes,
                                     R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"ArnEquals":{"aws:SourceArn":"${aws:PrincipalArn}"}}}})",
                                     "2012 | Allow P* A[sqs:SendMessage] R[*] "
                                     "C{ArnEquals/ArnEquals aws:sourcearn=${aws:PrincipalArn}}",
                                     ""},
                                 ValidCase{"BoolWithVariableIn2012", kRes,
                                           R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"${aws:ViaAWSService}"}}}})",
                                           "2012 | Allow P* A[sqs:SendMessage] R[*] C{Bool/Bool "
                                           "aws:securetransport=${aws:ViaAWSService}}",
                                           ""},
                                 ValidCase{
                                     "PrincipalUniqueIdAndCloudFrontIdentity", kRes,
                                     R"({"Statement":{"Effect":"Allow","Principal":{"AWS":["AIDAJQABLZS4A3QDU576Q","arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E1"]},"Action":"s3:GetObject","Resource":"*"}})",
                                     "2008(default) | Allow "
                                     "P{AWS=AIDAJQABLZS4A3QDU576Q,AWS=arn:aws:iam::cloudfront:user/"
                                     "CloudFront Origin Access Identity E1} A[s3:GetObject] R[*]",
                                     ""},
                                 ValidCase{
                                     "NotPrincipalWithDeny", kRes,
                                     R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::444455556666:user/Bob"},"Action":"s3:*","Resource":"*"}]})",
                                     "2012 | Deny NP{AWS=arn:aws:iam::444455556666:user/Bob} "
                                     "A[s3:*] R[*]",
                                     ""},
                                 ValidCase{
                                     "ResourcePolicyWithoutResourceWarns", kRes,
                                     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish"}]})",
                                     "2012 | Allow P{Service=events.amazonaws.com} A[sns:Publish]",
                                     "policy.missing-resource"},
                                 ValidCase{
                                     "DuplicateSidWarns", kRes,
                                     R"({"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},{"Sid":"A","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*"}]})",
                                     "2012 | A:Allow P* A[s3:GetObject] R[*] | A:Deny P* "
                                     "A[s3:PutObject] R[*]",
                                     "policy.duplicate-sid"},
                                 ValidCase{
                                     "TrustPolicyServices", kTrust,
                                     R"({"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}]})",
                                     "2012 | :Allow "
                                     "P{Service=ec2.amazonaws.com,Service=lambda.amazonaws.com} "
                                     "A[sts:AssumeRole]",
                                     ""},
                                 ValidCase{
                                     "TrustPolicyOidc", kTrust,
                                     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"},"StringLike":{"token.actions.githubusercontent.com:sub":"repo:octo-org/octo-repo:*"}}}]})",
                                     "2012 | Allow "
                                     "P{Federated=arn:aws:iam::111122223333:oidc-provider/"
                                     "token.actions.githubusercontent.com} "
                                     "A[sts:AssumeRoleWithWebIdentity] C{StringEquals/StringEquals "
                                     "token.actions.githubusercontent.com:aud=sts.amazonaws.com; "
                                     "StringLike/StringLike "
                                     "token.actions.githubusercontent.com:sub=repo:octo-org/"
                                     "octo-repo:*}",
                                     ""},
                                 ValidCase{
                                     "TrustPolicySaml", kTrust,
                                     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:saml-provider/ExampleOrgSSOProvider"},"Action":["sts:AssumeRoleWithSAML","sts:TagSession"],"Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]})",
                                     "2012 | Allow "
                                     "P{Federated=arn:aws:iam::111122223333:saml-provider/"
                                     "ExampleOrgSSOProvider} "
                                     "A[sts:AssumeRoleWithSAML,sts:TagSession] "
                                     "C{StringEquals/StringEquals "
                                     "saml:aud=https://signin.aws.amazon.com/saml}",
                                     ""},
                                 ValidCase{
                                     "TrustPolicyCrossAccountExternalId", kTrust,
                                     R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"Unique-Id_1"}}}})",
                                     "2012 | Allow P{AWS=arn:aws:iam::444455556666:root} "
                                     "A[sts:AssumeRole] C{StringEquals/StringEquals "
                                     "sts:externalid=Unique-Id_1}",
                                     ""},
                                 ValidCase{
                                     "ScpDenyOutsideRegionsWithNotAction", kScp,
                                     R"({"Version":"2012-10-17","Statement":[{"Sid":"DenyAllOutsideEU","Effect":"Deny","NotAction":["cloudfront:*","iam:*","route53:*","support:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["eu-central-1","eu-west-1"]},"ArnNotLike":{"aws:PrincipalARN":"arn:aws:iam::*:role/Role1AllowedToBypassThisSCP"}}}]})",
                                     "2012 | DenyAllOutsideEU:Deny "
                                     "NA[cloudfront:*,iam:*,route53:*,support:*] R[*] "
                                     "C{StringNotEquals/StringNotEquals "
                                     "aws:requestedregion=eu-central-1,eu-west-1; "
                                     "ArnNotLike/ArnNotLike "
                                     "aws:principalarn=arn:aws:iam::*:role/"
                                     "Role1AllowedToBypassThisSCP}",
                                     ""},
                                 ValidCase{
                                     "ScpFullAwsAccess", kScp,
                                     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})",
                                     "2012 | Allow A[*] R[*]", ""},
                                 ValidCase{
                                     "RcpEnforceOrgIdentities", kRcp,
                                     R"({"Version":"2012-10-17","Statement":[{"Sid":"EnforceOrgIdentities","Effect":"Deny","Principal":"*","Action":["s3:*","sqs:*"],"Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]})",
                                     "2012 | EnforceOrgIdentities:Deny P* A[s3:*,sqs:*] R[*] "
                                     "C{StringNotEqualsIfExists/StringNotEquals/ifexists "
                                     "aws:principalorgid=o-abc123; BoolIfExists/Bool/ifexists "
                                     "aws:principalisawsservice=false}",
                                     ""},
                                 ValidCase{
                                     "VpcEndpointPolicyWithoutResource", kVpce,
                                     R"({"Statement":[{"Effect":"Allow","Principal":"*","Action":"*"}]})",
                                     "2008(default) | Allow P* A[*]", "policy.missing-resource"},
                                 ValidCase{
                                     "PermissionsBoundary", kBoundary,
                                     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:*","cloudwatch:*"],"Resource":"*"}]})",
                                     "2012 | Allow A[s3:*,cloudwatch:*] R[*]", ""},
                                 ValidCase{
                                     "SessionPolicy", kSession,
                                     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:userid}/*"}]})",
                                     "2012 | Allow A[s3:GetObject] "
                                     "R[arn:aws:s3:::b/${aws:userid}/*]",
                                     ""},
                                 ValidCase{
                                     "ActionCaseKeptAsWritten", kId,
                                     R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"S3:getobject","Resource":"*"}]})",
                                     "2012 | Allow A[S3:getobject] R[*]", ""}),
                         [](const testing::TestParamInfo<ValidCase>& info) {
                           return info.param.name;
                         });

// ---------------------------------------------------------------------------------------------------
// Invalid policies. The character '`' marks where the first error must point; the test removes it
// and computes the expected line and column from its offset (several cases span lines).

struct InvalidCase {
  std::string name;
  PolicyKind kind;
  std::string text;  // with one '`' marker
  std::string code;  // code of the first error
};

struct Marked {
  std::string text;
  uint32_t line = 1;
  uint32_t column = 1;
};

Marked RemoveMarker(std::string_view marked) {
  Marked out;
  size_t at = marked.find('`');
  EXPECT_NE(at, std::string_view::npos) << "test case has no '`' marker";
  if (at == std::string_view::npos) at = 0;
  out.text = std::string(marked.substr(0, at)) +
             std::string(marked.substr(std::min(at + 1, marked.size())));
  for (size_t i = 0; i < at; ++i) {
    if (marked[i] == '\n') {
      ++out.line;
      out.column = 1;
    } else {
      ++out.column;
    }
  }
  return out;
}

class PolicyParserInvalidTest : public testing::TestWithParam<InvalidCase> {};

TEST_P(PolicyParserInvalidTest, ReportsPositionedError) {
  const InvalidCase& c = GetParam();
  Marked m = RemoveMarker(c.text);
  PolicyParseResult result = ParsePolicy(m.text, DepthLimited(c.kind));
  EXPECT_FALSE(result.policy.has_value());
  const base::Issue* first = nullptr;
  for (const base::Issue& issue : result.issues) {
    if (issue.severity == Severity::kError) {
      first = &issue;
      break;
    }
  }
  ASSERT_NE(first, nullptr) << "no error for: " << m.text;
  EXPECT_EQ(first->code, c.code) << DescribeIssues(result.issues);
  EXPECT_EQ(first->position.line, m.line) << DescribeIssues(result.issues);
  EXPECT_EQ(first->position.column, m.column) << DescribeIssues(result.issues);
  EXPECT_FALSE(first->message.empty());
}

// A statement skeleton for the identity cases: "S(x)" would hide the positions, so they are spelt
// out.
INSTANTIATE_TEST_SUITE_P(
    Cases, PolicyParserInvalidTest,
    testing::Values(
        // Top level.
        InvalidCase{"RootNotObject", kId, R"(`["Statement"])", "policy.wrong-type"},
        InvalidCase{
            "UnknownTopLevelElement", kId,
            R"({"Version":"2012-10-17",`"Foo":1,"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
            "policy.unknown-element"},
        InvalidCase{
            "LowercaseStatementIsUnknown", kId,
            R"({"Version":"2012-10-17",`"statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
            "policy.unknown-element"},
        InvalidCase{"MissingStatement", kId, "`{\"Version\":\"2012-10-17\"}",
                    "policy.missing-statement"},
        InvalidCase{
            "InvalidVersion", kId,
            R"({"Version":`"2012-10-18","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
            "policy.invalid-version"},
        InvalidCase{
            "VersionNotString", kId,
            R"({"Version":`20121017,"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
            "policy.wrong-type"},
        InvalidCase{"IdNotString", kId,
                    R"({"Id":`7,"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}})",
                    "policy.wrong-type"},
        InvalidCase{"StatementString", kId, R"({"Statement":`"Allow"})", "policy.wrong-type"},
        InvalidCase{"StatementEmptyArray", kId, R"({"Statement":`[]})", "policy.empty-value"},
        InvalidCase{"StatementElementNotObject", kId,
                    R"({"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},`42]})",
                    "policy.wrong-type"},
        // Statement elements.
        InvalidCase{
            "UnknownStatementElement", kId,
            "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\n  `\"Resources\":\"*\"}}",
            "policy.unknown-element"},
        InvalidCase{"MissingEffect", kId,
                    "{\"Statement\":[\n  `{\"Action\":\"*\",\"Resource\":\"*\"}]}",
                    "policy.missing-effect"},
        InvalidCase{"LowercaseEffectValue", kId,
                    R"({"Statement":{"Effect":`"allow","Action":"*","Resource":"*"}})",
                    "policy.invalid-effect"},
        InvalidCase{"EffectNotString", kId,
                    R"({"Statement":{"Effect":`true,"Action":"*","Resource":"*"}})",
                    "policy.wrong-type"},
        InvalidCase{"MissingAction", kId, R"({"Statement":`{"Effect":"Allow","Resource":"*"}})",
                    "policy.missing-action"},
        InvalidCase{
            "ActionAndNotAction", kId,
            R"({"Statement":{"Effect":"Allow","Action":"*",`"NotAction":"iam:*","Resource":"*"}})",
            "policy.conflicting-elements"},
        InvalidCase{
            "ResourceAndNotResource", kId,
            R"({"Statement":{"Effect":"Allow","Action":"*","NotResource":"a",`"Resource":"*"}})",
            "policy.conflicting-elements"},
        InvalidCase{
            "PrincipalAndNotPrincipal", kRes,
            R"({"Statement":{"Effect":"Deny","Principal":"*",`"NotPrincipal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}})",
            "policy.conflicting-elements"},
        InvalidCase{"ActionEmptyArray", kId,
                    R"({"Statement":{"Effect":"Allow","Action":`[],"Resource":"*"}})",
                    "policy.empty-value"},
        InvalidCase{"ActionNumber", kId,
                    R"({"Statement":{"Effect":"Allow","Action":`1,"Resource":"*"}})",
                    "policy.wrong-type"},
        InvalidCase{
            "ActionArrayWithObject", kId,
            R"({"Statement":{"Effect":"Allow","Action":["s3:GetObject",`{}],"Resource":"*"}})",
            "policy.wrong-type"},
        InvalidCase{
            "ActionWithoutColon", kId,
            R"({"Statement":{"Effect":"Allow","Action":["s3:GetObject",`"s3GetObject"],"Resource":"*"}})",
            "policy.invalid-action"},
        InvalidCase{"ActionEmptyName", kId,
                    R"({"Statement":{"Effect":"Allow","Action":`"s3:","Resource":"*"}})",
                    "policy.invalid-action"},
        InvalidCase{"ActionEmptyService", kId,
                    R"({"Statement":{"Effect":"Allow","Action":`":GetObject","Resource":"*"}})",
                    "policy.invalid-action"},
        InvalidCase{
            "ActionTwoColons", kId,
            R"({"Statement":{"Effect":"Allow","NotAction":`"s3:Get:Object","Resource":"*"}})",
            "policy.invalid-action"},
        InvalidCase{"ActionWildcardInService", kId,
                    R"({"Statement":{"Effect":"Allow","Action":`"s*:GetObject","Resource":"*"}})",
                    "policy.invalid-action"},
        InvalidCase{"ResourceEmptyString", kId,
                    R"({"Statement":{"Effect":"Allow","Action":"*","Resource":`""}})",
                    "policy.empty-value"},
        InvalidCase{"IdentityMissingResource", kId,
                    R"({"Statement":`{"Effect":"Allow","Action":"*"}})", "policy.missing-resource"},
        InvalidCase{"ScpMissingResource", kScp,
                    R"({"Statement":`{"Effect":"Deny","Action":"iam:*"}})",
                    "policy.missing-resource"},
        InvalidCase{
            "TrustPolicyWithResource", kTrust,
            R"({"Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole",`"Resource":"*"}})",
            "policy.resource-not-allowed"},
        InvalidCase{
            "IdentityAlphanumericSid", kId,
            R"({"Statement":{"Sid":`"allow-read","Effect":"Allow","Action":"*","Resource":"*"}})",
            "policy.invalid-sid"},
        InvalidCase{
            "SidNotString", kRes,
            R"({"Statement":{"Sid":`1,"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}})",
            "policy.wrong-type"},
        // Principal.
        InvalidCase{
            "PrincipalInIdentityPolicy", kId,
            R"({"Statement":{"Effect":"Allow",`"Principal":"*","Action":"*","Resource":"*"}})",
            "policy.principal-not-allowed"},
        InvalidCase{
            "NotPrincipalInScp", kScp,
            R"({"Statement":{"Effect":"Deny",`"NotPrincipal":{"AWS":"111122223333"},"Action":"*","Resource":"*"}})",
            "policy.principal-not-allowed"},
        InvalidCase{"ResourcePolicyMissingPrincipal", kRes,
                    R"({"Statement":`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}})",
                    "policy.missing-principal"},
        InvalidCase{"TrustPolicyMissingPrincipal", kTrust,
                    R"({"Statement":`{"Effect":"Allow","Action":"sts:AssumeRole"}})",
                    "policy.missing-principal"},
        InvalidCase{
            "PrincipalBareAccountString", kRes,
            R"({"Statement":{"Effect":"Allow","Principal":`"111122223333","Action":"*","Resource":"*"}})",
            "policy.invalid-principal"},
        InvalidCase{
            "PrincipalNumber", kRes,
            R"({"Statement":{"Effect":"Allow","Principal":`5,"Action":"*","Resource":"*"}})",
            "policy.wrong-type"},
        InvalidCase{
            "PrincipalUnknownKind", kRes,
            R"({"Statement":{"Effect":"Allow","Principal":{`"Aws":"111122223333"},"Action":"*","Resource":"*"}})",
            "policy.unknown-element"},
        InvalidCase{
            "PrincipalEmptyObject", kRes,
            R"({"Statement":{"Effect":"Allow","Principal":`{},"Action":"*","Resource":"*"}})",
            "policy.empty-value"},
        InvalidCase{
            "PrincipalEmptyList", kRes,
            R"({"Statement":{"Effect":"Allow","Principal":{"AWS":`[]},"Action":"*","Resource":"*"}})",
            "policy.empty-value"},
        InvalidCase{
            "PrincipalValueNumber", kRes,
            R"({"Statement":{"Effect":"Allow","Principal":{"AWS":`111122223333},"Action":"*","Resource":"*"}})",
            "policy.wrong-type"},
        InvalidCase{
            "NotPrincipalInTrustPolicy", kTrust,
            R"({"Statement":{"Effect":"Deny",`"NotPrincipal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}})",
            "policy.principal-not-allowed"},
        InvalidCase{
            "RcpPrincipalNotWildcard", kRcp,
            R"({"Statement":{"Effect":"Deny","Principal":`{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}})",
            "policy.invalid-principal"},
        InvalidCase{
            "PrincipalShortAccountId", kRes,
            R"({"Statement":{"Effect":"Allow","Principal":{"AWS":`"12345"},"Action":"*","Resource":"*"}})",
            "policy.invalid-principal"},
        InvalidCase{
            "PrincipalArnShortAccountId", kRes,
            R"({"Statement":{"Effect":"Allow","Principal":{"AWS":["111122223333",`"arn:aws:iam::12345:root"]},"Action":"*","Resource":"*"}})",
            "policy.invalid-principal"},
        InvalidCase{
            "PrincipalArnLongAccountId", kTrust,
            R"({"Statement":{"Effect":"Allow","Principal":{"AWS":`"arn:aws:iam::1111222233334:role/r"},"Action":"sts:AssumeRole"}})",
            "policy.invalid-principal"},
        InvalidCase{
            "PrincipalNotAnArn", kRes,
            R"({"Statement":{"Effect":"Allow","Principal":{"AWS":`"arn:aws:iam:root"},"Action":"*","Resource":"*"}})",
            "policy.invalid-principal"},
        InvalidCase{
            "PrincipalArnOfAnotherService", kRes,
            R"({"Statement":{"Effect":"Allow","Principal":{"AWS":`"arn:aws:s3:::bucket"},"Action":"*","Resource":"*"}})",
            "policy.invalid-principal"},
        InvalidCase{
            "CanonicalUserWildcard", kRes,
            R"({"Statement":{"Effect":"Allow","Principal":{"CanonicalUser":`"*"},"Action":"s3:GetObject","Resource":"*"}})",
            "policy.invalid-principal"},
        // Condition.
        InvalidCase{
            "IpAddressWildcard", kRes,
            R"({"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":`"*"}}}})",
            "condition.invalid-ip"},
        InvalidCase{
            "NotIpAddressOctetTooLarge", kRes,
            R"({"Statement":{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8",`"256.256.256.256"]}}}})",
            "condition.invalid-ip"},
        InvalidCase{
            "IpAddressPrefixTooLong", kId,
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":`"10.0.0.0/33"}}}})",
            "condition.invalid-ip"},
        InvalidCase{
            "IpAddressVariableNotSubstituted", kId,
            R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":`"${aws:SourceIp}"}}}})",
            "condition.invalid-ip"},
        InvalidCase{
            "NumericNotANumber", kId,
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":`"ten"}}}})",
            "condition.invalid-number"},
        InvalidCase{
            "DateNotADate", kId,
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":`"2020-13-01"}}}})",
            "condition.invalid-date"},
        InvalidCase{
            "BoolNotABool", kId,
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":`"yes"}}}})",
            "condition.invalid-bool"},
        InvalidCase{
            "BoolVariableIn2008", kId,
            R"({"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":`"${aws:x}"}}}})",
            "condition.invalid-bool"},
        InvalidCase{
            "NullNotABool", kId,
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":`"maybe"}}}})",
            "condition.invalid-null-value"},
        InvalidCase{
            "BinaryNotBase64", kId,
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"BinaryEquals":{"k":`"not base64!"}}}})",
            "condition.invalid-base64"},
        InvalidCase{
            "ConditionNotObject", kId,
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":`["StringEquals"]}})",
            "policy.wrong-type"},
        InvalidCase{"UnknownOperator", kId,
                    "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\n "
                    "\"Condition\":{\n   `\"StringEqual\":{\"aws:username\":\"a\"}}}}",
                    "policy.unknown-operator"},
        InvalidCase{
            "OperatorIsCaseSensitive", kId,
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{`"stringequals":{"aws:username":"a"}}}})",
            "policy.unknown-operator"},
        InvalidCase{
            "NullIfExistsIsUnknown", kId,
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{`"NullIfExists":{"aws:username":"true"}}}})",
            "policy.unknown-operator"},
        InvalidCase{
            "OperatorBlockNotObject", kId,
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":`"aws:username"}}})",
            "policy.wrong-type"},
        InvalidCase{
            "OperatorBlockEmpty", kId,
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":`{}}}})",
            "policy.empty-value"},
        InvalidCase{
            "ConditionValueNull", kId,
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":`null}}}})",
            "policy.wrong-type"},
        InvalidCase{
            "ConditionValueObject", kId,
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":`{"a":1}}}}})",
            "policy.wrong-type"},
        InvalidCase{
            "ConditionValueNestedArray", kId,
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":["a",`["b"]]}}}})",
            "policy.wrong-type"},
        InvalidCase{
            "ConditionValueEmptyArray", kId,
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:username":`[]}}}})",
            "policy.empty-value"},
        InvalidCase{
            "ConditionKeysDifferOnlyByCase", kId,
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8",`"aws:sourceip":"192.168.0.0/16"}}}})",
            "policy.ambiguous-condition-key"},
        // JSON layer.
        InvalidCase{"JsonTruncated", kId, "{\"Statement\":{\"Effect\":\"Allow\"`",
                    "json.unexpected-end"},
        InvalidCase{
            "JsonDuplicateEffect", kId,
            R"({"Statement":{"Effect":"Allow",`"Effect":"Deny","Action":"*","Resource":"*"}})",
            "json.duplicate-key"},
        InvalidCase{
            "JsonTooDeep", kId,
            R"({"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"StringEquals":{"k":[[[[`[1]]]]]}}}})",
            "json.too-deep"}),
    [](const testing::TestParamInfo<InvalidCase>& info) { return info.param.name; });

// ---------------------------------------------------------------------------------------------------
// Size quotas.

std::string PolicyOfSize(size_t actions) {
  std::string text =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":[)";
  for (size_t i = 0; i < actions; ++i)
    text += (i ? ",\n    " : "") + std::string("\"sts:AssumeRole\"");
  return text + "]}]}";
}

TEST(PolicyParserSizeTest, TrustPolicyOverQuotaIsAnErrorAtTheStart) {
  std::string text = PolicyOfSize(200);  // ~3,400 characters without white space
  ASSERT_GT(PolicySize(text, kTrust), DefaultSizeLimit(kTrust));
  PolicyParseResult result = ParsePolicy(text, Options(kTrust));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.issues[0].code, "policy.too-large");
  EXPECT_EQ(result.issues[0].position.line, 1u);
  EXPECT_EQ(result.issues[0].position.column, 1u);
}

TEST(PolicyParserSizeTest, OverQuotaIsAWarningWhenNotEnforced) {
  PolicyParseResult result = ParsePolicy(PolicyOfSize(200), Options(kTrust, /*enforce=*/false));
  ASSERT_TRUE(result.ok()) << DescribeIssues(result.issues);
  EXPECT_EQ(WarningCodes(result.issues), "policy.too-large");
}

TEST(PolicyParserSizeTest, ExplicitLimitOverridesTheDefault) {
  EXPECT_TRUE(ParsePolicy(PolicyOfSize(200), Options(kTrust, /*enforce=*/true, 8'192)).ok());
  EXPECT_FALSE(ParsePolicy(PolicyOfSize(2), Options(kTrust, /*enforce=*/true, 10)).ok());
}

TEST(PolicyParserSizeTest, WhiteSpaceOutsideStringsCountsOnlyForOrganizationsPolicies) {
  std::string_view text = "{ \"a b\" :\n\t\"\xC3\xA9\\\" x\" }";
  // Without white space: {"a b":"é\" x"} = 15 characters (é is one character, two bytes).
  EXPECT_EQ(PolicySize(text, kId), 15u);
  EXPECT_EQ(PolicySize(text, kTrust), 15u);
  EXPECT_EQ(PolicySize(text, kScp), 20u);
  EXPECT_EQ(PolicySize(text, kRcp), 20u);
}

TEST(PolicyParserSizeTest, DefaultLimitsFollowTheQuotas) {
  EXPECT_EQ(DefaultSizeLimit(kBoundary), 6'144u);
  EXPECT_EQ(DefaultSizeLimit(kTrust), 2'048u);
  EXPECT_EQ(DefaultSizeLimit(kSession), 2'048u);
  EXPECT_EQ(DefaultSizeLimit(kScp), 5'120u);
  EXPECT_EQ(DefaultSizeLimit(kRcp), 5'120u);
  EXPECT_EQ(DefaultSizeLimit(kVpce), 20'480u);
}

TEST(PolicyParserSizeTest, HardCapAppliesEvenWithoutEnforcement) {
  std::string text =
      "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Sid\":\"" +
      std::string(kPolicyHardSizeCap, 'a') + "\"}}";
  PolicyParseResult result = ParsePolicy(text, Options(kRes, /*enforce=*/false));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.issues[0].code, "json.too-large");
}

// ---------------------------------------------------------------------------------------------------
// Positions kept in the model, and policies embedded in another JSON document.

TEST(PolicyParserPositionsTest, ModelKeepsElementPositions) {
  std::string text =
      "{\"Version\": \"2012-10-17\",\n"
      " \"Statement\": [\n"
      "  {\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"*\"},\n"
      "   \"Action\": [\"s3:GetObject\"], \"Resource\": \"*\",\n"
      "   \"Condition\": {\"StringEquals\": {\"aws:PrincipalTag/Team\": [\"a\", 2]}}}]}";
  PolicyParseResult result = ParsePolicy(text, Options(kRes));
  ASSERT_TRUE(result.ok()) << DescribeIssues(result.issues);
  const Statement& s = result.policy->statements.at(0);
  EXPECT_EQ(base::ToString(s.position), "3:3");
  EXPECT_EQ(base::ToString(s.principal->position), "3:23");
  EXPECT_EQ(base::ToString(s.principal->values.at(0).position), "3:44");
  EXPECT_EQ(base::ToString(s.action.position), "4:4");
  EXPECT_EQ(base::ToString(s.action.patterns.at(0).position), "4:15");
  EXPECT_EQ(base::ToString(s.resource->position), "4:32");
  EXPECT_EQ(base::ToString(s.resource->patterns.at(0).position), "4:44");
  const Condition& c = s.conditions.at(0);
  EXPECT_EQ(base::ToString(c.op.position), "5:18");
  EXPECT_EQ(base::ToString(c.key_position), "5:35");
  EXPECT_EQ(c.key, "aws:PrincipalTag/Team");
  EXPECT_EQ(c.key_lower, "aws:principaltag/team");
  ASSERT_EQ(c.values.size(), 2u);
  EXPECT_EQ(base::ToString(c.values[1].position), "5:66");
  EXPECT_EQ(c.values[1].value, "2");
}

TEST(PolicyParserPositionsTest, EmbeddedPolicyReportsOuterDocumentPositions) {
  json::ParseResult outer = json::Parse(
      "{\"caller\": \"x\",\n"
      " \"policy\": {\"Statement\": {\"Effect\": \"Permit\", \"Action\": \"*\", \"Resource\": "
      "\"*\"}}}");
  ASSERT_TRUE(outer.ok());
  PolicyParseResult result = ParsePolicy(*outer.document.root().Find("policy"), Options(kId));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.issues.at(0).code, "policy.invalid-effect");
  EXPECT_EQ(base::ToString(result.issues.at(0).position), "2:37");
}

TEST(PolicyParserPositionsTest, EmbeddedPolicyParsesAndMeasuresItsOwnText) {
  json::ParseResult outer = json::Parse("[1, " + PolicyOfSize(200) + "]");
  ASSERT_TRUE(outer.ok());
  json::Value embedded = *std::next(outer.document.root().children().begin());
  PolicyParseResult result = ParsePolicy(embedded, Options(kTrust));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.issues.at(0).code, "policy.too-large");
  EXPECT_EQ(base::ToString(result.issues.at(0).position), "1:5");
  result = ParsePolicy(embedded, Options(kTrust, /*enforce=*/false));
  ASSERT_TRUE(result.ok()) << DescribeIssues(result.issues);
  EXPECT_EQ(result.policy->statements.at(0).action.patterns.size(), 200u);
}

TEST(PolicyParserMessagesTest, UnknownElementSuggestsTheCaseSensitiveName) {
  PolicyParseResult result =
      ParsePolicy(R"({"Statement":{"effect":"Allow","Action":"*","Resource":"*"}})", Options(kId));
  ASSERT_FALSE(result.issues.empty());
  EXPECT_EQ(result.issues[0].code, "policy.unknown-element");
  EXPECT_NE(result.issues[0].message.find("did you mean \"Effect\""), std::string::npos)
      << result.issues[0].message;
}

// ---------------------------------------------------------------------------------------------------
// Robustness: every proper prefix of a valid policy is rejected with an error, never a crash or a
// silently partial policy.

TEST(PolicyParserRobustnessTest, EveryTruncationIsAnError) {
  const std::vector<std::pair<PolicyKind, std::string>> policies = {
      {kRes,
       R"({"Version":"2012-10-17","Id":"k","Statement":[{"Sid":"S1","Effect":"Deny","NotPrincipal":{"AWS":["111122223333","arn:aws:iam::444455556666:root"]},"Action":["s3:*"],"NotResource":"arn:aws:s3:::b/*","Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*",true,-1.5e2]},"Null":{"k":"false"}}}]})"},
      {kTrust,
       "{\n  \"Statement\": {\n    \"Effect\": \"Allow\",\n    \"Principal\": {\"Federated\": "
       "\"x\"},\n    \"Action\": \"sts:AssumeRoleWithSAML\"\n  }\n}"},
  };
  for (const auto& [kind, text] : policies) {
    ASSERT_TRUE(ParsePolicy(text, Options(kind)).ok()) << text;
    for (size_t length = 0; length < text.size(); ++length) {
      PolicyParseResult result = ParsePolicy(text.substr(0, length), Options(kind));
      EXPECT_FALSE(result.policy.has_value()) << "prefix of length " << length;
      EXPECT_TRUE(base::HasErrors(result.issues)) << "prefix of length " << length;
    }
  }
}

// Deleting any one character, or replacing it with a character that changes JSON structure, must
// give either a policy or an error: the result invariant holds for every input.
TEST(PolicyParserRobustnessTest, EverySingleCharacterEditKeepsTheResultInvariant) {
  const std::string text =
      R"({"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Deny","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":["*"],"Condition":{"StringLike":{"k":[1,true,"v"]}}}]})";
  for (size_t i = 0; i < text.size(); ++i) {
    std::vector<std::string> edits = {text.substr(0, i) + text.substr(i + 1)};
    for (char c : std::string_view("{}[]\":,0 "))
      edits.push_back(text.substr(0, i) + c + text.substr(i + 1));
    for (const std::string& edited : edits) {
      PolicyParseResult result = ParsePolicy(edited, Options(kRes));
      EXPECT_EQ(result.policy.has_value(), !base::HasErrors(result.issues)) << edited;
    }
  }
}

}  // namespace
}  // namespace perimeter::policy
