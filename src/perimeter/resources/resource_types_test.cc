// Per resource type: what AnalyzeResource reports for configurations taken from
// AWS's documented examples and their edge cases. One line per case: the
// inventory records and the expected findings.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/base/text.h"
#include "perimeter/resources/analyze_resource.h"
#include "perimeter/resources/inventory.h"

namespace perimeter::resources {
namespace {

constexpr char kOwner[] = "123456789012";

reasoning::Organization SampleOrganization() {
  return reasoning::Organization{
      "o-a1b2c3d4e5",
      kOwner,
      {{kOwner, "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"}, {"111122223333", "o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/"}}};
}

std::string SourcesText(const findings::Finding &finding) {
  std::string out;
  for (const findings::FindingSource &source : finding.sources) {
    if (!out.empty()) out += ",";
    out += std::string(findings::FindingSourceTypeName(source.type));
    if (source.access_point_arn.has_value() || source.access_point_account.has_value()) {
      out += "(" + source.access_point_arn.value_or("") + ";" + source.access_point_account.value_or("") + ")";
    }
  }
  return out;
}

// One line per finding: principal | actions | conditions | public? | sources
std::string Summarize(const std::vector<findings::Finding> &found) {
  std::vector<std::string> lines;
  for (const findings::Finding &f : found) {
    std::string line;
    if (f.error.has_value()) {
      lines.push_back("ERROR " + f.error_reason);
      continue;
    }
    for (const auto &[k, v] : f.principal) line += k + "=" + v;
    line += " |";
    if (f.actions.size() > 6) {
      line += base::Concat(" ", f.actions.size(), " actions");
    } else {
      for (const std::string &a : f.actions) line += " " + a;
    }
    line += " |";
    for (const auto &[k, v] : f.condition) line += " " + k + "=" + v;
    line += f.is_public ? " | public" : " | not-public";
    std::string sources = SourcesText(f);
    if (!sources.empty()) line += " | " + sources;
    lines.push_back(line);
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string &line : lines) out += (out.empty() ? "" : "\n") + line;
  return out;
}

struct TypeCase {
  std::string name;
  std::string zone;  // "account" or "org"
  std::vector<std::string> records;
  std::string expected;
  std::string expected_warning = "";  // a substring of a warning issue, when one is expected
};

class ResourceTypeTest : public testing::TestWithParam<TypeCase> {};

TEST_P(ResourceTypeTest, ReportsTheExternalAccess) {
  const TypeCase &c = GetParam();
  std::string text;
  for (const std::string &record : c.records) text += record + "\n";
  Inventory inventory = ReadInventory("case.jsonl", text);
  for (const base::Issue &issue : inventory.issues) {
    ADD_FAILURE() << "inventory issue " << base::ToString(issue.position) << ": " << issue.message;
  }
  reasoning::ZoneOfTrust zone = c.zone == "org" ? reasoning::ZoneOfTrust::ForOrganization(SampleOrganization())
                                                : reasoning::ZoneOfTrust::ForAccount(kOwner, SampleOrganization());
  std::vector<findings::Finding> found;
  std::string warnings;
  for (const Resource &resource : inventory.resources) {
    ResourceAnalysis analysis = AnalyzeResource(resource, inventory.FindAccount(resource.owner_account), zone);
    for (findings::Finding &f : analysis.findings) {
      if (!f.error.has_value()) {
        EXPECT_TRUE(f.witness.has_value()) << f.resource;
        EXPECT_FALSE(f.explanation.empty()) << f.resource;
        EXPECT_EQ(f.resource_type, std::string(ResourceTypeName(resource.type)));
        EXPECT_FALSE(f.id.empty());
      }
      found.push_back(std::move(f));
    }
    for (const base::Issue &issue : analysis.issues) {
      if (issue.severity == base::Severity::kError) ADD_FAILURE() << "issue: " << issue.message;
      warnings += issue.message + "\n";
    }
  }
  EXPECT_EQ(Summarize(found), c.expected);
  if (!c.expected_warning.empty()) {
    EXPECT_NE(warnings.find(c.expected_warning), std::string::npos) << warnings;
  }
}

// Records, written compactly. Policies are given as JSON objects (the inventory
// accepts both forms; the string form is covered by the inventory tests).
std::string Bucket(const std::string &members) {
  return R"({"kind":"resource","resourceArn":"arn:aws:s3:::docs-bucket","resourceType":"AWS::S3::Bucket","resourceOwnerAccount":"123456789012","region":"us-east-1","configuration":{"s3Bucket":{)" +
         members + "}}}";
}
std::string Resource1(const std::string &arn, const std::string &member, const std::string &body) {
  return R"({"kind":"resource","resourceArn":")" + arn +
         R"(","resourceOwnerAccount":"123456789012","region":"us-east-1","configuration":{")" + member + "\":{" + body +
         "}}}";
}
std::string Policy(const std::string &statements) {
  return R"({"Version":"2012-10-17","Statement":[)" + statements + "]}";
}
const std::string kAccountBpa =
    R"({"kind":"account","accountId":"123456789012","s3PublicAccessBlock":{"restrictPublicBuckets":true,"ignorePublicAcls":true}})";
const std::string kPublicGet =
    R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::docs-bucket/*"})";
const std::string kCrossList =
    R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::docs-bucket"})";
const std::string kAccessPoint = "arn:aws:s3:us-east-1:123456789012:accesspoint/reports";
const std::string kDelegateToOwner =
    R"({"Effect":"Allow","Principal":"*","Action":"*","Resource":["arn:aws:s3:::docs-bucket","arn:aws:s3:::docs-bucket/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"123456789012"}}})";

INSTANTIATE_TEST_SUITE_P(
    S3Bucket, ResourceTypeTest,
    testing::Values(
        TypeCase{"PublicPolicy",
                 "account",
                 {Bucket(R"("bucketPolicy":)" + Policy(kPublicGet))},
                 "AWS=* | s3:GetObject | | public | POLICY"},
        TypeCase{
            "PublicPolicyAsString",
            "account",
            {Bucket(
                R"("bucketPolicy":")" +
                std::string(
                    R"({\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::docs-bucket/*\"}]})") +
                "\"")},
            "AWS=* | s3:GetObject | | public | POLICY"},
        // S3 API, PublicAccessBlockConfiguration.RestrictPublicBuckets: a
        // public policy loses its public and cross-account access.
        TypeCase{"PublicPolicyRestrictedByBucketBpa",
                 "account",
                 {Bucket(R"("bucketPolicy":)" + Policy(kPublicGet) +
                         R"(,"bucketPublicAccessBlock":{"ignorePublicAcls":false,"restrictPublicBuckets":true})")},
                 ""},
        TypeCase{"PublicPolicyRestrictedByAccountBpa",
                 "account",
                 {kAccountBpa, Bucket(R"("bucketPolicy":)" + Policy(kPublicGet))},
                 ""},
        TypeCase{"RestrictBlocksCrossAccountInAPublicPolicy",
                 "account",
                 {kAccountBpa, Bucket(R"("bucketPolicy":)" + Policy(kPublicGet + "," + kCrossList))},
                 ""},
        TypeCase{"RestrictKeepsANonPublicPolicy",
                 "account",
                 {kAccountBpa, Bucket(R"("bucketPolicy":)" + Policy(kCrossList))},
                 "AWS=999988887777 | s3:ListBucket | | not-public | POLICY"},
        TypeCase{"IgnorePublicAclsDoesNotTouchThePolicy",
                 "account",
                 {Bucket(R"("bucketPolicy":)" + Policy(kPublicGet) +
                         R"(,"bucketPublicAccessBlock":{"ignorePublicAcls":true,"restrictPublicBuckets":false})")},
                 "AWS=* | s3:GetObject | | public | POLICY"},
        TypeCase{
            "AllUsersAcl",
            "account",
            {Bucket(
                R"("bucketAclGrants":[{"permission":"READ","grantee":{"uri":"http://acs.amazonaws.com/groups/global/AllUsers"}}])")},
            "AWS=* | s3:ListBucket s3:ListBucketMultipartUploads "
            "s3:ListBucketVersions | | public | BUCKET_ACL"},
        TypeCase{
            "AllUsersAclIgnoredByBucketBpa",
            "account",
            {Bucket(
                R"("bucketAclGrants":[{"permission":"READ","grantee":{"uri":"http://acs.amazonaws.com/groups/global/AllUsers"}}],"bucketPublicAccessBlock":{"ignorePublicAcls":true,"restrictPublicBuckets":false})")},
            ""},
        TypeCase{
            "AllUsersAclIgnoredByAccountBpa",
            "account",
            {kAccountBpa,
             Bucket(
                 R"("bucketAclGrants":[{"permission":"FULL_CONTROL","grantee":{"uri":"http://acs.amazonaws.com/groups/global/AllUsers"}}])")},
            ""},
        TypeCase{
            "AuthenticatedUsersAclIsPublic",
            "account",
            {Bucket(
                R"("bucketAclGrants":[{"permission":"WRITE","grantee":{"uri":"http://acs.amazonaws.com/groups/global/AuthenticatedUsers"}}])")},
            "AWS=* | s3:DeleteObject s3:PutObject | | public | BUCKET_ACL"},
        TypeCase{
            "CanonicalUserAclOwnerAndLogDelivery",
            "account",
            {Bucket(
                R"("ownerCanonicalId":"aaaa","bucketAclGrants":[{"permission":"FULL_CONTROL","grantee":{"id":"aaaa"}},{"permission":"READ_ACP","grantee":{"id":"bbbb"}},{"permission":"WRITE","grantee":{"uri":"http://acs.amazonaws.com/groups/s3/LogDelivery"}}])")},
            "CanonicalUser=bbbb | s3:GetBucketAcl | | not-public | "
            "BUCKET_ACL"},
        TypeCase{
            "EmailAcl",
            "account",
            {Bucket(
                R"("bucketAclGrants":[{"permission":"WRITE_ACP","grantee":{"emailAddress":"partner@example.com"}}])")},
            "EmailAddress=partner@example.com | s3:PutBucketAcl | | "
            "not-public | BUCKET_ACL"},
        // IAM User Guide, Access Analyzer resource types, S3: a bucket
        // delegating to a cross-account access point is public with BPA off
        // and a cross-account finding for the access point's owner with it
        // on.
        TypeCase{
            "CrossAccountAccessPointDelegation",
            "account",
            {Bucket(
                R"("bucketPolicy":)" +
                Policy(
                    R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::docs-bucket/*","Condition":{"StringEquals":{"s3:DataAccessPointAccount":"999988887777"}}})"))},
            "AWS=* | s3:GetObject | s3:DataAccessPointAccount=999988887777 "
            "| public | S3_ACCESS_POINT_ACCOUNT(;999988887777)"},
        TypeCase{
            "CrossAccountAccessPointDelegationWithBpa",
            "account",
            {kAccountBpa,
             Bucket(
                 R"("bucketPolicy":)" +
                 Policy(
                     R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::docs-bucket/*","Condition":{"StringEquals":{"s3:DataAccessPointArn":"arn:aws:s3:us-east-1:999988887777:accesspoint/partner"}}})"))},
            "AWS=999988887777 | s3:GetObject | "
            "s3:DataAccessPointArn=arn:aws:s3:us-east-1:999988887777:accesspoint/partner | not-public | "
            "S3_ACCESS_POINT_ACCOUNT(arn:aws:s3:us-east-1:999988887777:accesspoint/partner;999988887777)"},
        TypeCase{
            "OwnAccessPointGrantsAnotherAccount",
            "account",
            {Bucket(
                R"("bucketPolicy":)" + Policy(kDelegateToOwner) + R"(,"accessPoints":{")" + kAccessPoint +
                R"(":{"accessPointPolicy":)" +
                Policy(
                    R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:role/reader"},"Action":"s3:GetObject","Resource":")" +
                    kAccessPoint + R"(/object/*"})") +
                "}}")},
            "AWS=arn:aws:iam::999988887777:role/reader | s3:GetObject | | "
            "not-public | S3_ACCESS_POINT(" +
                kAccessPoint + ";)"},
        // Delegation by an ARN pattern that names the owner's account: the grant is analyzed through
        // the owner's access points only, never reported as direct access.
        TypeCase{
            "DelegationByAnAccessPointArnPatternOfTheOwner",
            "account",
            {Bucket(
                R"("bucketPolicy":)" +
                Policy(
                    R"({"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::docs-bucket","arn:aws:s3:::docs-bucket/*"],"Condition":{"ArnLike":{"s3:DataAccessPointArn":"arn:aws:s3:*:123456789012:accesspoint/*"}}})") +
                R"(,"accessPoints":{")" + kAccessPoint + R"(":{"accessPointPolicy":)" +
                Policy(R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"s3:GetObject","Resource":")" +
                       kAccessPoint + R"(/object/*"})") +
                "}}")},
            "AWS=999988887777 | s3:GetObject | | not-public | S3_ACCESS_POINT(" + kAccessPoint + ";)"},
        TypeCase{
            "OwnAccessPointWithoutBucketDelegation",
            "account",
            {Bucket(
                R"("accessPoints":{")" + kAccessPoint + R"(":{"accessPointPolicy":)" +
                Policy(R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"s3:GetObject","Resource":")" +
                       kAccessPoint + R"(/object/*"})") +
                "}}")},
            ""},
        TypeCase{
            "BucketPolicyNamesThePrincipalTheAccessPointOpens",
            "account",
            {Bucket(
                R"("bucketPolicy":)" +
                Policy(
                    R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::docs-bucket/*"})") +
                R"(,"accessPoints":{")" + kAccessPoint +
                R"(":{"publicAccessBlock":{"ignorePublicAcls":false,"restrictPublicBuckets":false},"accessPointPolicy":)" +
                Policy(R"({"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":")" + kAccessPoint +
                       R"(/object/*"})") +
                "}}")},
            "AWS=999988887777 | s3:GetObject | | not-public | "
            "POLICY\nAWS=999988887777 | s3:GetObject | | not-public | "
            "S3_ACCESS_POINT(" +
                kAccessPoint + ";)"},
        TypeCase{"PublicAccessPointBlockedByItsDefaultBpa",
                 "account",
                 {Bucket(R"("bucketPolicy":)" + Policy(kDelegateToOwner) + R"(,"accessPoints":{")" + kAccessPoint +
                         R"(":{"accessPointPolicy":)" +
                         Policy(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":")" +
                                kAccessPoint + R"(/object/*"})") +
                         "}}")},
                 ""},
        // Each policy restricts a different key: only requests carrying both get
        // through, and the finding names both conditions (a witness of either
        // policy alone is refused by the other).
        TypeCase{
            "AccessPointAndBucketConditionsCombine",
            "account",
            {Bucket(
                R"("bucketPolicy":)" +
                Policy(
                    R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::docs-bucket/*","Condition":{"StringEquals":{"s3:DataAccessPointAccount":"123456789012","aws:SourceVpc":"vpc-1"}}})") +
                R"(,"accessPoints":{")" + kAccessPoint +
                R"(":{"publicAccessBlock":{"ignorePublicAcls":false,"restrictPublicBuckets":false},"accessPointPolicy":)" +
                Policy(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":")" + kAccessPoint +
                       R"(/object/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}})") +
                "}}")},
            "AWS=* | s3:GetObject | aws:SourceVpc=vpc-1 aws:SourceVpce=vpce-1 | not-public | S3_ACCESS_POINT(" +
                kAccessPoint + ";)"},
        TypeCase{
            "VpcAccessPointIsNotPublic",
            "account",
            {Bucket(
                R"("bucketPolicy":)" + Policy(kDelegateToOwner) + R"(,"accessPoints":{")" + kAccessPoint +
                R"(":{"publicAccessBlock":{"ignorePublicAcls":false,"restrictPublicBuckets":false},"networkOrigin":{"vpcConfiguration":{"vpcId":"vpc-1a2b3c4d"}},"accessPointPolicy":)" +
                Policy(R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":")" + kAccessPoint +
                       R"(/object/*"})") +
                "}}")},
            "AWS=* | s3:GetObject | aws:SourceVpc=vpc-1a2b3c4d | "
            "not-public | S3_ACCESS_POINT(" +
                kAccessPoint + ";)"}),
    [](const testing::TestParamInfo<TypeCase> &info) { return info.param.name; });

// A public GetObject grant under one condition block.
std::string PublicGetIf(const std::string &condition) {
  return R"({"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::docs-bucket/*","Condition":)" +
         condition + "}";
}

// Issue #12: organization paths of other organizations, wildcard ARNs, and the resource-owner keys,
// in both zone kinds.
INSTANTIATE_TEST_SUITE_P(
    S3BucketIssue12, ResourceTypeTest,
    testing::Values(
        TypeCase{"OrgPathsOfAnotherOrg",
                 "account",
                 {Bucket(R"("bucketPolicy":)" + Policy(PublicGetIf(R"({"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-other12345/*"}})")))},
                 "AWS=* | s3:GetObject | aws:PrincipalOrgPaths=o-other12345/* | not-public | POLICY"},
        TypeCase{"OrgPathsOfAnotherOrgInOrgZone",
                 "org",
                 {Bucket(R"("bucketPolicy":)" + Policy(PublicGetIf(R"({"ForAnyValue:StringEquals":{"aws:PrincipalOrgPaths":"o-other12345/r-zz99/ou-zz99-00000001/"}})")))},
                 "AWS=* | s3:GetObject | aws:PrincipalOrgPaths=o-other12345/r-zz99/ou-zz99-00000001/ | not-public | POLICY"},
        TypeCase{"OrgPathsOfTheOwnOrgInOrgZone",
                 "org",
                 {Bucket(R"("bucketPolicy":)" + Policy(PublicGetIf(R"({"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/*"}})")))},
                 ""},
        TypeCase{"SourceArnOfAnyBucketIsPublic",
                 "account",
                 {Bucket(R"("bucketPolicy":)" + Policy(PublicGetIf(R"({"ArnLike":{"aws:SourceArn":"arn:aws:s3:::*"}})")))},
                 "AWS=* | s3:GetObject | aws:SourceArn=arn:aws:s3:::* | public | POLICY"},
        // Public, so RestrictPublicBuckets keeps it to the owner's account.
        TypeCase{"SourceArnWithWildcardAccountRestrictedByAccountBpa",
                 "org",
                 {kAccountBpa, Bucket(R"("bucketPolicy":)" + Policy(PublicGetIf(R"({"ArnLike":{"aws:SourceArn":"arn:aws:iam::*:role/Admin"}})")))},
                 ""},
        TypeCase{"S3ResourceAccountOfAnotherAccountGrantsNothing",
                 "org",
                 {Bucket(R"("bucketPolicy":)" + Policy(PublicGetIf(R"({"StringEquals":{"s3:ResourceAccount":"999988887777"}})")))},
                 ""},
        TypeCase{"ResourceAccountOfTheOwnerRestrictsNothing",
                 "account",
                 {Bucket(R"("bucketPolicy":)" + Policy(PublicGetIf(R"({"StringEquals":{"aws:ResourceAccount":"123456789012"}})")))},
                 "AWS=* | s3:GetObject | | public | POLICY"},
        TypeCase{"ResourceOrgIdOfAnotherOrgGrantsNothing",
                 "account",
                 {Bucket(R"("bucketPolicy":)" + Policy(PublicGetIf(R"({"StringEquals":{"aws:ResourceOrgID":"o-other12345"}})")))},
                 ""},
        TypeCase{"ResourceOrgPathsOfTheOwnersOuRestrictNothing",
                 "org",
                 {Bucket(R"("bucketPolicy":)" + Policy(PublicGetIf(R"({"ForAnyValue:StringLike":{"aws:ResourceOrgPaths":"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}})")))},
                 "AWS=* | s3:GetObject | | public | POLICY"}),
    [](const testing::TestParamInfo<TypeCase> &info) { return info.param.name; });

const std::string kKey =
    "arn:aws:kms:us-east-1:123456789012:key/"
    "1234abcd-12ab-34cd-56ef-1234567890ab";

INSTANTIATE_TEST_SUITE_P(
    KmsKey, ResourceTypeTest,
    testing::Values(
        TypeCase{
            "GrantToAnotherAccount",
            "account",
            {Resource1(
                kKey, "kmsKey",
                R"("grants":[{"operations":["Decrypt","Encrypt"],"granteePrincipal":"arn:aws:iam::999988887777:role/app","issuingAccount":"123456789012"}])")},
            "AWS=arn:aws:iam::999988887777:role/app | kms:Decrypt kms:Encrypt "
            "| | not-public"},
        TypeCase{
            "GrantToOwnAccountAndService",
            "account",
            {Resource1(
                kKey, "kmsKey",
                R"("grants":[{"operations":["Decrypt"],"granteePrincipal":"arn:aws:iam::123456789012:role/app","issuingAccount":"123456789012"},{"operations":["Decrypt"],"granteePrincipal":"dynamodb.us-east-1.amazonaws.com","issuingAccount":"123456789012"}])")},
            ""},
        TypeCase{
            "ExternalRetiringPrincipal",
            "account",
            {Resource1(
                kKey, "kmsKey",
                R"("grants":[{"operations":["Decrypt"],"granteePrincipal":"arn:aws:iam::123456789012:role/app","retiringPrincipal":"arn:aws:iam::999988887777:root","issuingAccount":"123456789012","constraints":{"encryptionContextEquals":{"Department":"IT"}}}])")},
            "AWS=999988887777 | kms:RetireGrant | | not-public"},
        TypeCase{
            "GrantToOrgMemberInOrgZone",
            "org",
            {Resource1(
                kKey, "kmsKey",
                R"("grants":[{"operations":["Decrypt"],"granteePrincipal":"arn:aws:iam::111122223333:root","issuingAccount":"123456789012"}])")},
            ""},
        // IAM User Guide, Access Analyzer resource types, KMS:
        // kms:CallerAccount of another account.
        TypeCase{
            "KeyPolicyCallerAccount",
            "account",
            {Resource1(
                kKey, "kmsKey",
                R"("keyPolicies":{"default":)" +
                    Policy(
                        R"({"Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:Decrypt","Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"999988887777"}}})") +
                    "}")},
            "AWS=* | kms:Decrypt | kms:CallerAccount=999988887777 | "
            "not-public"},
        TypeCase{
            "KeyPolicyAndGrantMerge",
            "account",
            {Resource1(
                kKey, "kmsKey",
                R"("keyPolicies":{"default":)" +
                    Policy(
                        R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"kms:Encrypt","Resource":"*"})") +
                    R"(},"grants":[{"operations":["Decrypt"],"granteePrincipal":"999988887777","issuingAccount":"123456789012"}])")},
            "AWS=999988887777 | kms:Decrypt kms:Encrypt | | not-public"}),
    [](const testing::TestParamInfo<TypeCase> &info) { return info.param.name; });

const std::string kFunction = "arn:aws:lambda:us-east-1:123456789012:function:resize";
const std::string kRole = "arn:aws:iam::123456789012:role/deploy";
const std::string kGithub =
    "arn:aws:iam::123456789012:oidc-provider/"
    "token.actions.githubusercontent.com";

const std::string kDirectoryBucket = "arn:aws:s3express:us-east-1:123456789012:bucket/logs--use1-az4--x-s3";
const std::string kDirectoryPoint = "arn:aws:s3express:us-east-1:123456789012:accesspoint/reader--use1-az4--xa-s3";
const std::string kDirectoryDelegate =
    R"({"Effect":"Allow","Principal":"*","Action":"s3express:*","Resource":"*","Condition":{"StringEquals":{"s3express:DataAccessPointAccount":"123456789012"}}})";

INSTANTIATE_TEST_SUITE_P(
    PolicyTypes, ResourceTypeTest,
    testing::Values(TypeCase{"LambdaSourceArnInAnotherAcco"
                             "unt",
                             "account",
                             {Resource1(
                                 kFunction, "lambdaFunction",
                                 R"("functionPolicy":)" +
                                     Policy(
                                         R"({"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":")" +
                                         kFunction +
                                         R"(","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:sns:us-east-1:999988887777:uploads"}}})"))},
                             "AWS=* | "
                             "lambda:InvokeFunction | "
                             "aws:SourceArn=arn:aws:sns:"
                             "us-east-1:999988887777:"
                             "uploads | not-public"},
                    TypeCase{
                        "LambdaServicePrincipalIsNotReport"
                        "ed",
                        "account",
                        {Resource1(
                            kFunction, "lambdaFunction",
                            R"("functionPolicy":)" +
                                Policy(
                                    R"({"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Resource":")" +
                                    kFunction +
                                    R"(","Condition":{"StringEquals":{"AWS:SourceAccount":"999988887777"}}})"))},
                        ""},
                    TypeCase{
                        "LambdaQualifiedArnFoldsIntoTheFun"
                        "ction",
                        "account",
                        {Resource1(
                            kFunction, "lambdaFunction",
                            R"("functionPolicy":)" +
                                Policy(
                                    R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"lambda:InvokeFunction","Resource":")" +
                                    kFunction + R"(:prod"})"))},
                        "AWS=999988887777 | "
                        "lambda:InvokeFunction | | "
                        "not-public"},
                    TypeCase{
                        "LayerSharedWithEveryone",
                        "account",
                        {Resource1(
                            "arn:aws:lambda:us-east-1:"
                            "123456789012:layer:common:3",
                            "lambdaLayerVersion",
                            R"("layerVersionPolicy":)" +
                                Policy(
                                    R"({"Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"arn:aws:lambda:us-east-1:123456789012:layer:common:3"})"))},
                        "AWS=* | lambda:GetLayerVersion | "
                        "| public"},
                    TypeCase{
                        "LayerSharedWithAnOrganization",
                        "account",
                        {Resource1(
                            "arn:aws:lambda:us-east-1:"
                            "123456789012:layer:common:3",
                            "lambdaLayerVersion",
                            R"("layerVersionPolicy":)" +
                                Policy(
                                    R"({"Effect":"Allow","Principal":"*","Action":"lambda:GetLayerVersion","Resource":"arn:aws:lambda:us-east-1:123456789012:layer:common:3","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-zz9y8x7w6v"}}})"))},
                        "AWS=* | lambda:GetLayerVersion | "
                        "aws:PrincipalOrgID=o-zz9y8x7w6v "
                        "| not-public"},
                    TypeCase{
                        "RoleTrustedByGithubWithoutSub",
                        "account",
                        {Resource1(
                            kRole, "iamRole",
                            R"("trustPolicy":)" +
                                Policy(
                                    R"({"Effect":"Allow","Principal":{"Federated":")" + kGithub +
                                    R"("},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com"}}})"))},
                        "Federated=" + kGithub +
                            " | "
                            "sts:"
                            "AssumeRoleWithWebIdentity | "
                            "token.actions."
                            "githubusercontent.com:aud="
                            "sts.amazonaws.com | public"},
                    TypeCase{
                        "RoleTrustedByGithubWithSub",
                        "account",
                        {Resource1(
                            kRole, "iamRole",
                            R"("trustPolicy":)" +
                                Policy(
                                    R"({"Effect":"Allow","Principal":{"Federated":")" + kGithub +
                                    R"("},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"token.actions.githubusercontent.com:aud":"sts.amazonaws.com","token.actions.githubusercontent.com:sub":"repo:octo-org/octo-repo:ref:refs/heads/main"}}})"))},
                        "Federated=" + kGithub +
                            " | "
                            "sts:"
                            "AssumeRoleWithWebIdentity | "
                            "token.actions."
                            "githubusercontent.com:aud="
                            "sts.amazonaws.com "
                            "token.actions."
                            "githubusercontent.com:sub="
                            "repo:octo-org/"
                            "octo-repo:ref:refs/heads/"
                            "main | not-public"},
                    TypeCase{
                        "RoleTrustingAnotherAccount",
                        "account",
                        {Resource1(
                            kRole, "iamRole",
                            R"("trustPolicy":)" +
                                Policy(
                                    R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":["sts:AssumeRole","sts:TagSession"]})"))},
                        "AWS=999988887777 | "
                        "sts:AssumeRole sts:TagSession | "
                        "| not-public"},
                    TypeCase{
                        "RoleTrustingAService",
                        "account",
                        {Resource1(
                            kRole, "iamRole",
                            R"("trustPolicy":)" +
                                Policy(
                                    R"({"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"})"))},
                        ""},
                    TypeCase{
                        "SqsQueue",
                        "account",
                        {Resource1(
                            "arn:aws:sqs:us-east-1:"
                            "123456789012:orders",
                            "sqsQueue",
                            R"("queuePolicy":)" +
                                Policy(
                                    R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:123456789012:orders"})"))},
                        "AWS=999988887777 | "
                        "sqs:SendMessage | | not-public"},
                    TypeCase{
                        "SnsTopic",
                        "account",
                        {Resource1(
                            "arn:aws:sns:us-east-1:123456789012:alerts", "snsTopic",
                            R"("topicPolicy":)" +
                                Policy(
                                    R"({"Effect":"Allow","Principal":{"AWS":"*"},"Action":"SNS:Subscribe","Resource":"arn:aws:sns:us-east-1:123456789012:alerts"})"))},
                        "AWS=* | sns:Subscribe | | public"},
                    TypeCase{
                        "SecretWithKmsKey",
                        "account",
                        {Resource1(
                            "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf", "secretsManagerSecret",
                            R"("kmsKeyId":"alias/app","secretPolicy":)" +
                                Policy(
                                    R"({"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:role/reader"},"Action":"secretsmanager:GetSecretValue","Resource":"*"})"))},
                        "AWS=arn:aws:iam::999988887777:role/reader | secretsmanager:GetSecretValue | | not-public"},
                    TypeCase{
                        "EcrRepository",
                        "account",
                        {Resource1(
                            "arn:aws:ecr:us-east-1:123456789012:repository/app", "ecrRepository",
                            R"("repositoryPolicy":)" +
                                Policy(
                                    R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]})"))},
                        "AWS=999988887777 | ecr:BatchGetImage ecr:GetDownloadUrlForLayer | | not-public"},
                    TypeCase{
                        "EfsFileSystem",
                        "account",
                        {Resource1(
                            "arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-01234567", "efsFileSystem",
                            R"("fileSystemPolicy":)" +
                                Policy(
                                    R"({"Effect":"Allow","Principal":{"AWS":"*"},"Action":"elasticfilesystem:ClientMount","Resource":"*","Condition":{"Bool":{"elasticfilesystem:AccessedViaMountTarget":"true"}}})"))},
                        "AWS=* | elasticfilesystem:ClientMount | | public"},
                    TypeCase{
                        "DynamoDbTableAndIndex",
                        "account",
                        {Resource1(
                            "arn:aws:dynamodb:us-east-1:123456789012:table/orders", "dynamodbTable", R"("tablePolicy":)" + Policy(R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"dynamodb:Query","Resource":["arn:aws:dynamodb:us-east-1:123456789012:table/orders","arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/*"]})"))},
                        "AWS=999988887777 | dynamodb:Query | | not-public"},
                    TypeCase{
                        "DynamoDbStream",
                        "account",
                        {Resource1(
                            "arn:aws:dynamodb:us-east-1:123456789012:table/orders/stream/2024-01-01T00:00:00.000",
                            "dynamodbStream",
                            R"("streamPolicy":)" +
                                Policy(
                                    R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":["dynamodb:GetRecords","dynamodb:DescribeStream"],"Resource":"*"})"))},
                        "AWS=999988887777 | dynamodb:DescribeStream dynamodb:GetRecords | | not-public"},
                    TypeCase{
                        "DirectoryBucket",
                        "account",
                        {Resource1(
                            "arn:aws:s3express:us-east-1:"
                            "123456789012:bucket/"
                            "logs--use1-az4--x-s3",
                            "s3ExpressDirectoryBucket",
                            R"("bucketPolicy":)" +
                                Policy(
                                    R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"s3express:CreateSession","Resource":"arn:aws:s3express:us-east-1:123456789012:bucket/logs--use1-az4--x-s3"})"))},
                        "AWS=999988887777 | "
                        "s3express:CreateSession | | "
                        "not-public"},
                    // Access points of directory buckets: the bucket delegates to the
                    // owner's access points; an access point opens CreateSession to
                    // another account.
                    TypeCase{"DirectoryBucketAccessPoint",
                             "account",
                             {Resource1(kDirectoryBucket, "s3ExpressDirectoryBucket",
                                        R"("bucketPolicy":)" + Policy(kDirectoryDelegate) + R"(,"accessPoints":{")" +
                                            kDirectoryPoint + R"(":{"accessPointPolicy":)" +
                                            Policy(R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"s3express:CreateSession","Resource":")" +
                                                   kDirectoryPoint + R"("})") +
                                            "}}")},
                             "AWS=999988887777 | s3express:CreateSession | | not-public | S3_ACCESS_POINT(" +
                                 kDirectoryPoint + ";)"},
                    // Delegation by an access point ARN pattern of the owner's account.
                    TypeCase{"DirectoryBucketDelegationByArnPattern",
                             "account",
                             {Resource1(kDirectoryBucket, "s3ExpressDirectoryBucket",
                                        R"("bucketPolicy":)" +
                                            Policy(R"({"Effect":"Allow","Principal":"*","Action":"s3express:CreateSession","Resource":"*","Condition":{"ArnLike":{"s3express:DataAccessPointArn":"arn:aws:s3express:us-east-1:123456789012:accesspoint/*"}}})") +
                                            R"(,"accessPoints":{")" + kDirectoryPoint + R"(":{"accessPointPolicy":)" +
                                            Policy(R"({"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":"s3express:CreateSession","Resource":")" +
                                                   kDirectoryPoint + R"("})") +
                                            "}}")},
                             "AWS=999988887777 | s3express:CreateSession | | not-public | S3_ACCESS_POINT(" +
                                 kDirectoryPoint + ";)"},
                    // The bucket policy does not delegate: the access point's grant
                    // is not enough.
                    TypeCase{"DirectoryBucketAccessPointWithoutDelegation",
                             "account",
                             {Resource1(kDirectoryBucket, "s3ExpressDirectoryBucket",
                                        R"("bucketPolicy":)" +
                                            Policy(R"({"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3express:*","Resource":"*"})") +
                                            R"(,"accessPoints":{")" + kDirectoryPoint + R"(":{"accessPointPolicy":)" +
                                            Policy(R"({"Effect":"Allow","Principal":"*","Action":"s3express:CreateSession","Resource":")" +
                                                   kDirectoryPoint + R"("})") +
                                            "}}")},
                             ""},
                    // A VPC-only access point: public policies, yet only requests from
                    // the VPC get through.
                    TypeCase{"DirectoryBucketVpcAccessPoint",
                             "account",
                             {Resource1(kDirectoryBucket, "s3ExpressDirectoryBucket",
                                        R"("bucketPolicy":)" + Policy(kDirectoryDelegate) + R"(,"accessPoints":{")" +
                                            kDirectoryPoint +
                                            R"(":{"networkOrigin":{"vpcConfiguration":{"vpcId":"vpc-1a2b3c4d"}},"accessPointPolicy":)" +
                                            Policy(R"({"Effect":"Allow","Principal":"*","Action":"s3express:CreateSession","Resource":")" +
                                                   kDirectoryPoint + R"("})") +
                                            "}}")},
                             "AWS=* | s3express:CreateSession | aws:SourceVpc=vpc-1a2b3c4d | not-public | S3_ACCESS_POINT(" +
                                 kDirectoryPoint + ";)"},
                    // The bucket policy only lets requests from another VPC in: the
                    // VPC-only access point can never satisfy it.
                    TypeCase{"DirectoryBucketVpcAccessPointOtherVpc",
                             "account",
                             {Resource1(kDirectoryBucket, "s3ExpressDirectoryBucket",
                                        R"("bucketPolicy":)" +
                                            Policy(R"({"Effect":"Allow","Principal":"*","Action":"s3express:CreateSession","Resource":"*","Condition":{"StringEquals":{"s3express:DataAccessPointAccount":"123456789012","aws:SourceVpc":"vpc-other"}}})") +
                                            R"(,"accessPoints":{")" + kDirectoryPoint +
                                            R"(":{"networkOrigin":{"vpcConfiguration":{"vpcId":"vpc-1a2b3c4d"}},"accessPointPolicy":)" +
                                            Policy(R"({"Effect":"Allow","Principal":"*","Action":"s3express:CreateSession","Resource":")" +
                                                   kDirectoryPoint + R"("})") +
                                            "}}")},
                             ""},
                    // AWS CLI example (list-findings): a Cognito identity pool's unauthenticated role
                    // is reported with the pool (aud) as condition, not public.
                    TypeCase{"RoleTrustedByACognitoIdentityPool",
                             "account",
                             {Resource1("arn:aws:iam::123456789012:role/Cognito_testpoolUnauth_Role", "iamRole",
                                        R"("trustPolicy":)" +
                                            Policy(R"({"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-west-2:EXAMPLE0-0000-0000-0000-000000000000"},"ForAnyValue:StringLike":{"cognito-identity.amazonaws.com:amr":"unauthenticated"}}})"))},
                             "Federated=cognito-identity.amazonaws.com | sts:AssumeRoleWithWebIdentity | "
                             "cognito-identity.amazonaws.com:aud=us-west-2:EXAMPLE0-0000-0000-0000-000000000000 | not-public"},
                    // A SAML provider belongs to whoever runs it: federated access, not public.
                    TypeCase{"RoleTrustedByASamlProvider",
                             "account",
                             {Resource1("arn:aws:iam::123456789012:role/okta", "iamRole",
                                        R"("trustPolicy":)" +
                                            Policy(R"({"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:saml-provider/Okta"},"Action":["sts:AssumeRoleWithSAML","sts:TagSession"],"Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}})"))},
                             "Federated=arn:aws:iam::123456789012:saml-provider/Okta | sts:AssumeRoleWithSAML "
                             "sts:TagSession | SAML:aud=https://signin.aws.amazon.com/saml | not-public"},
                    // A function URL without authentication: public, with the auth type as condition.
                    TypeCase{"LambdaFunctionUrlWithoutAuth",
                             "account",
                             {Resource1("arn:aws:lambda:us-east-1:123456789012:function:url", "lambdaFunction",
                                        R"("functionPolicy":)" +
                                            Policy(R"({"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"arn:aws:lambda:us-east-1:123456789012:function:url","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}})"))},
                             "AWS=* | lambda:InvokeFunctionUrl | lambda:FunctionUrlAuthType=NONE | public"},
                    TypeCase{"NoPolicyNoFinding",
                             "account",
                             {Resource1("arn:aws:sqs:us-east-1:"
                                        "123456789012:empty",
                                        "sqsQueue", R"("queuePolicy":"")")},
                             ""}),
    [](const testing::TestParamInfo<TypeCase> &info) { return info.param.name; });

const std::string kSnapshot = "arn:aws:ec2:us-east-1::snapshot/snap-0123456789abcdef0";

INSTANTIATE_TEST_SUITE_P(
    Snapshots, ResourceTypeTest,
    testing::Values(
        TypeCase{"EbsSharedWithAccounts",
                 "account",
                 {Resource1(kSnapshot, "ebsSnapshot", R"("userIds":["999988887777","123456789012"])")},
                 "AWS=999988887777 | ec2:CopySnapshot ec2:CreateVolume | | "
                 "not-public"},
        TypeCase{"EbsPublic",
                 "account",
                 {Resource1(kSnapshot, "ebsSnapshot", R"("groups":["all"])")},
                 "AWS=* | ec2:CopySnapshot ec2:CreateVolume | | public"},
        // EC2: "You can't make your encrypted snapshots publicly available."
        TypeCase{
            "EbsEncryptedSharedWithAllIsNotPublic",
            "account",
            {Resource1(
                kSnapshot, "ebsSnapshot",
                R"("groups":["all"],"userIds":["999988887777"],"kmsKeyId":"arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab")")},
            "AWS=999988887777 | ec2:CopySnapshot ec2:CreateVolume | | "
            "not-public",
            "encrypted"},
        TypeCase{"RdsRestoreAttribute",
                 "org",
                 {Resource1("arn:aws:rds:us-east-1:123456789012:snapshot:nightly", "rdsDbSnapshot",
                            R"("attributes":{"restore":{"accountIds":["111122223333","999988887777","all"]}})")},
                 "AWS=* | rds:CopyDBSnapshot rds:RestoreDBInstanceFromDBSnapshot | "
                 "| public\nAWS=999988887777 | rds:CopyDBSnapshot "
                 "rds:RestoreDBInstanceFromDBSnapshot | | not-public"},
        TypeCase{"RdsClusterEncryptedAll",
                 "account",
                 {Resource1("arn:aws:rds:us-east-1:123456789012:cluster-snapshot:weekly", "rdsDbClusterSnapshot",
                            R"("kmsKeyId":"k","attributes":{"restore":{"accountIds":["all"]}})")},
                 "",
                 "never makes an encrypted snapshot public"}),
    [](const testing::TestParamInfo<TypeCase> &info) { return info.param.name; });

// A record whose bucket policy and access point policy are both unreadable reports both, each at its
// own member, and the resource is one error finding (never "no access").
TEST(ResourceErrorsTest, EveryUnreadablePolicyOfARecordIsReported) {
  const std::string record = Resource1(
      kDirectoryBucket, "s3ExpressDirectoryBucket",
      R"("bucketPolicy":{"Version":"2012-10-17","Statement":[]},"accessPoints":{")" + kDirectoryPoint +
          R"(":{"accessPointPolicy":"{\"Version\":\"2012-10-17\",\"Statement\":"}})");
  Inventory inventory = ReadInventory("case.jsonl", record + "\n");
  ASSERT_EQ(inventory.resources.size(), 1u);
  ResourceAnalysis analysis = AnalyzeResource(inventory.resources[0], nullptr, reasoning::ZoneOfTrust::ForAccount(kOwner));
  ASSERT_EQ(analysis.findings.size(), 1u);
  EXPECT_TRUE(analysis.findings[0].error.has_value());
  std::vector<std::string> errors;
  for (const base::Issue &issue : analysis.issues) {
    if (issue.severity == base::Severity::kError) errors.push_back(issue.message);
  }
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_NE(errors[0].find("bucketPolicy"), std::string::npos) << errors[0];
  EXPECT_NE(errors[1].find("accessPointPolicy"), std::string::npos) << errors[1];
}

// An error inside a policy held as a JSON string is reported where it is written in the file: the
// decoded place mapped back through the string's escapes.
TEST(ResourceErrorsTest, AnErrorInsideAStringPolicyIsPlacedInTheFile) {
  const std::string record = Resource1(
      "arn:aws:sqs:us-east-1:123456789012:q", "sqsQueue",
      R"("queuePolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"aws:SourceVpce\":}}}]}")");
  Inventory inventory = ReadInventory("case.jsonl", record + "\n");
  ASSERT_EQ(inventory.resources.size(), 1u);
  ResourceAnalysis analysis = AnalyzeResource(inventory.resources[0], nullptr, reasoning::ZoneOfTrust::ForAccount(kOwner));
  ASSERT_FALSE(analysis.issues.empty());
  const size_t at = record.find(R"(\"aws:SourceVpce\":})") + std::string(R"(\"aws:SourceVpce\":)").size();
  EXPECT_EQ(analysis.issues[0].position.line, 1u);
  EXPECT_EQ(analysis.issues[0].position.column, at + 1) << analysis.issues[0].message;
}

}  // namespace
}  // namespace perimeter::resources
