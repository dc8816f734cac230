#include "perimeter/validation/validate_policy.h"

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "perimeter/validation/finding_json.h"

namespace perimeter::validation {
namespace {

using R = ValidatePolicyResourceType;
constexpr PolicyType kId = PolicyType::kIdentityPolicy;
constexpr PolicyType kRes = PolicyType::kResourcePolicy;
constexpr PolicyType kScp = PolicyType::kServiceControlPolicy;

// One check: a policy that triggers it (`expected` true) or a close one that does not.
struct CheckCase {
  std::string name;
  PolicyType type;
  std::optional<R> resource_type;
  std::string policy;
  std::string code;
  bool expected;
};

std::string Statement(const std::string& body) {
  return R"({"Version":"2012-10-17","Statement":[{)" + body + "}]}";
}

// `count` distinct S3 object ARNs, quoted and comma-separated (about 40 characters each).
std::string Arns(int count) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    out += (i ? "," : "") + std::string("\"arn:aws:s3:::bucket-with-a-long-name/") +
           std::to_string(i) + "\"";
  }
  return out;
}

// `count` distinct role ARNs, quoted and comma-separated.
std::string Roles(int count) {
  std::string out;
  for (int i = 0; i < count; ++i) {
    out += (i ? "," : "") + std::string("\"arn:aws:iam::123456789012:role/role-") +
           std::to_string(i) + "\"";
  }
  return out;
}

std::vector<CheckCase> Cases() {
  const std::string allow_s3 = R"("Effect":"Allow","Action":"s3:GetObject","Resource":"*")";
  return {
      {"JsonSyntax", kId, {}, R"({"Version":"2012-10-17",)", "JSON_SYNTAX_ERROR", true},
      {"JsonSyntaxNot", kId, {}, Statement(allow_s3), "JSON_SYNTAX_ERROR", false},
      {"MissingVersion", kId, {}, R"({"Statement":[{)" + allow_s3 + "}]}", "MISSING_VERSION", true},
      {"MissingVersionNot", kId, {}, Statement(allow_s3), "MISSING_VERSION", false},
      {"InvalidVersion",
       kId,
       {},
       R"({"Version":"2012-10-18","Statement":[{)" + allow_s3 + "}]}",
       "INVALID_VERSION",
       true},
      {"MissingStatement", kId, {}, R"({"Version":"2012-10-17"})", "MISSING_STATEMENT", true},
      {"MissingEffect",
       kId,
       {},
       Statement(R"("Action":"s3:GetObject","Resource":"*")"),
       "MISSING_EFFECT",
       true},
      {"InvalidEffect",
       kId,
       {},
       Statement(R"("Effect":"allow","Action":"s3:*","Resource":"*")"),
       "INVALID_EFFECT",
       true},
      {"InvalidEffectNot", kId, {}, Statement(allow_s3), "INVALID_EFFECT", false},
      {"MissingAction",
       kId,
       {},
       Statement(R"("Effect":"Allow","Resource":"*")"),
       "MISSING_ACTION",
       true},
      {"MissingResource",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject")"),
       "MISSING_RESOURCE",
       true},
      {"DataTypeMismatch",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":1,"Resource":"*")"),
       "DATA_TYPE_MISMATCH",
       true},
      {"InvalidPolicyElement",
       kId,
       {},
       Statement(allow_s3 + R"(,"Actions":"s3:*")"),
       "INVALID_POLICY_ELEMENT",
       true},
      {"InvalidAction",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObjekt","Resource":"*")"),
       "INVALID_ACTION",
       true},
      {"InvalidActionNot", kId, {}, Statement(allow_s3), "INVALID_ACTION", false},
      {"InvalidServiceInAction",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s4:GetObject","Resource":"*")"),
       "INVALID_SERVICE_IN_ACTION",
       true},
      {"WildcardInServiceName",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s*:GetObject","Resource":"*")"),
       "WILDCARD_IN_SERVICE_NAME",
       true},
      {"WildcardInServiceNameNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:Get*","Resource":"*")"),
       "WILDCARD_IN_SERVICE_NAME",
       false},
      {"RedundantAction",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":["iam:Get*","iam:GetUser"],"Resource":"*")"),
       "REDUNDANT_ACTION",
       true},
      {"RedundantActionNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":["iam:Get*","iam:*CredentialReport"],)"
                 R"("Resource":"*")"),
       "REDUNDANT_ACTION",
       false},
      // MISSING_ACTION_FOR_CONDITION_KEY: sts:SourceIdentity with no sts:SetSourceIdentity in
      // the policy (the reference's example); the action in another statement, or through a
      // wildcard, is enough.
      {"MissingActionForConditionKey", kRes, R::kIamAssumeRolePolicyDocument,
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
       R"("Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"sts:AssumeRole",)"
       R"("Condition":{"StringLike":{"sts:SourceIdentity":"admin-*"}}}]})",
       "MISSING_ACTION_FOR_CONDITION_KEY", true},
      {"MissingActionForConditionKeyNot", kRes, R::kIamAssumeRolePolicyDocument,
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
       R"("Principal":{"AWS":"arn:aws:iam::111122223333:root"},)"
       R"("Action":["sts:AssumeRole","sts:SetSourceIdentity"],)"
       R"("Condition":{"StringLike":{"sts:SourceIdentity":"admin-*"}}}]})",
       "MISSING_ACTION_FOR_CONDITION_KEY", false},
      {"MissingActionForConditionKeyNotOtherStatement",
       kId,
       {},
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole",)"
       R"("Resource":"*","Condition":{"StringEquals":{"sts:SourceIdentity":"${aws:username}"}}},)"
       R"({"Effect":"Allow","Action":"sts:Set*","Resource":"*"}]})",
       "MISSING_ACTION_FOR_CONDITION_KEY",
       false},
      // INVALID_DATE_VALUE: a date in epoch time (string or number); an ISO 8601 date, or the
      // epoch key aws:EpochTime, is not reported.
      {"InvalidDateValueEpoch",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"DateLessThan":{"aws:CurrentTime":"1735689600"}})"),
       "INVALID_DATE_VALUE",
       true},
      {"InvalidDateValueEpochNumber",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"DateGreaterThan":{"aws:CurrentTime":[1735689600]}})"),
       "INVALID_DATE_VALUE",
       true},
      {"InvalidDateValueNotIso",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"DateLessThan":{"aws:CurrentTime":"2025-01-01"}})"),
       "INVALID_DATE_VALUE",
       false},
      {"InvalidDateValueNotEpochKey",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"DateLessThan":{"aws:EpochTime":"1735689600"}})"),
       "INVALID_DATE_VALUE",
       false},
      // CONFIRM_AUDIENCE_CLAIM_TYPE: an identity provider's aud key, with or without a set
      // qualifier; its sub key, or SAML's aud, is not one.
      {"ConfirmAudienceClaimType", kRes, R::kIamAssumeRolePolicyDocument,
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":)"
       R"("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},)"
       R"("Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{)"
       R"("token.actions.githubusercontent.com:aud":"sts.amazonaws.com",)"
       R"("token.actions.githubusercontent.com:sub":"repo:o/r:ref:refs/heads/main"}}}]})",
       "CONFIRM_AUDIENCE_CLAIM_TYPE", true},
      {"ConfirmAudienceClaimTypeQualified", kRes, R::kIamAssumeRolePolicyDocument,
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
       R"("Principal":{"Federated":"accounts.google.com"},)"
       R"("Action":"sts:AssumeRoleWithWebIdentity",)"
       R"("Condition":{"ForAnyValue:StringEquals":{"accounts.google.com:aud":"app.example"}}}]})",
       "CONFIRM_AUDIENCE_CLAIM_TYPE", true},
      {"ConfirmAudienceClaimTypeNot", kRes, R::kIamAssumeRolePolicyDocument,
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":)"
       R"("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},)"
       R"("Action":"sts:AssumeRoleWithWebIdentity","Condition":{"StringEquals":{)"
       R"("token.actions.githubusercontent.com:sub":"repo:o/r:ref:refs/heads/main"}}}]})",
       "CONFIRM_AUDIENCE_CLAIM_TYPE", false},
      {"ConfirmAudienceClaimTypeNotSaml", kRes, R::kIamAssumeRolePolicyDocument,
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":)"
       R"("arn:aws:iam::111122223333:saml-provider/idp"},"Action":"sts:AssumeRoleWithSAML",)"
       R"("Condition":{"StringEquals":{"SAML:aud":"https://signin.aws.amazon.com/saml"}}}]})",
       "CONFIRM_AUDIENCE_CLAIM_TYPE", false},
      {"UnsupportedActionForConditionKey",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*",)"
                 R"("Condition":{"StringEquals":{"kms:EncryptionContext:app":"x"}})"),
       "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
       true},
      {"UnsupportedActionForConditionKeyNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*",)"
                 R"("Condition":{"StringEquals":{"kms:CallerAccount":"111122223333"}})"),
       "UNSUPPORTED_ACTION_FOR_CONDITION_KEY",
       false},
      {"UnsupportedActionForConditionKeyProvider", kRes, R::kIamAssumeRolePolicyDocument,
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
       R"("Principal":{"Federated":"cognito-identity.amazonaws.com"},)"
       R"("Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"],)"
       R"("Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:a"}}}]})",
       "UNSUPPORTED_ACTION_FOR_CONDITION_KEY", true},
      {"UnsupportedActionForConditionKeyProviderNot", kRes, R::kIamAssumeRolePolicyDocument,
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow",)"
       R"("Principal":{"Federated":"cognito-identity.amazonaws.com"},)"
       R"("Action":["sts:AssumeRoleWithWebIdentity"],)"
       R"("Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"us-east-1:a"}}}]})",
       "UNSUPPORTED_ACTION_FOR_CONDITION_KEY", false},
      {"DenyUnsupportedTagKey",
       kId,
       {},
       Statement(
           R"("Effect":"Deny","Action":["sqs:SendMessage","cloudshell:CreateSession"],"Resource":"*",)"
           R"("Condition":{"StringEquals":{"aws:ResourceTag/team":"x"}})"),
       "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
       true},
      {"DenyUnsupportedTagKeyNot",
       kId,
       {},
       Statement(R"("Effect":"Deny","Action":["sqs:SendMessage","sqs:DeleteQueue"],"Resource":"*",)"
                 R"("Condition":{"StringEquals":{"aws:ResourceTag/team":"x"}})"),
       "DENY_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
       false},
      {"DenyNotActionUnsupportedTagKey",
       kId,
       {},
       Statement(R"("Effect":"Deny","NotAction":"sqs:*","Resource":"*",)"
                 R"("Condition":{"StringEquals":{"aws:ResourceTag/team":"x"}})"),
       "DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
       true},
      {"DenyNotActionUnsupportedTagKeyNot",
       kId,
       {},
       Statement(R"("Effect":"Deny","NotAction":"sqs:*","Resource":"*",)"
                 R"("Condition":{"StringEquals":{"aws:PrincipalAccount":"x"}})"),
       "DENY_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
       false},
      {"AllowUnsupportedTagKey",
       kId,
       {},
       Statement(
           R"("Effect":"Allow","Action":["sqs:TagQueue","cloudshell:CreateSession"],"Resource":"*",)"
           R"("Condition":{"StringEquals":{"aws:RequestTag/team":"x"}})"),
       "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
       true},
      {"AllowUnsupportedTagKeyNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":["sqs:TagQueue","sqs:CreateQueue"],"Resource":"*",)"
                 R"("Condition":{"StringEquals":{"aws:RequestTag/team":"x"}})"),
       "ALLOW_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
       false},
      {"AllowNotActionUnsupportedTagKey",
       kId,
       {},
       Statement(R"("Effect":"Allow","NotAction":"iam:*","Resource":"*",)"
                 R"("Condition":{"StringEquals":{"aws:ResourceTag/team":"x"}})"),
       "ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
       true},
      {"AllowNotActionUnsupportedTagKeyNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","NotAction":"iam:*","Resource":"*",)"
                 R"("Condition":{"StringEquals":{"aws:PrincipalAccount":"x"}})"),
       "ALLOW_NOTACTION_WITH_UNSUPPORTED_TAG_CONDITION_KEY_FOR_SERVICE",
       false},
      {"EmptyArrayAction",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":[],"Resource":"*")"),
       "EMPTY_ARRAY_ACTION",
       true},
      {"EmptyArrayResource",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject","Resource":[])"),
       "EMPTY_ARRAY_RESOURCE",
       true},
      {"EmptyObjectPrincipal",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":{},"Action":"s3:GetObject","Resource":"*")"),
       "EMPTY_OBJECT_PRINCIPAL",
       true},
      {"EmptyArrayPrincipal",
       kRes,
       {},
       Statement(
           R"("Effect":"Allow","Principal":{"AWS":[]},"Action":"s3:GetObject","Resource":"*")"),
       "EMPTY_ARRAY_PRINCIPAL",
       true},
      {"EmptyObjectCondition",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{})"),
       "EMPTY_OBJECT_CONDITION",
       true},
      {"EmptyArrayCondition",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"aws:PrincipalTag/team":[]}})"),
       "EMPTY_ARRAY_CONDITION",
       true},
      {"EmptyArrayConditionForAllValues",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":[]}})"),
       "EMPTY_ARRAY_CONDITION_FORALLVALUES",
       true},
      {"EmptyArrayConditionForAnyValue",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":[]}})"),
       "EMPTY_ARRAY_CONDITION_FORANYVALUE",
       true},
      {"EmptyArrayConditionIfExists",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEqualsIfExists":{"aws:username":[]}})"),
       "EMPTY_ARRAY_CONDITION_IFEXISTS",
       true},
      {"PrincipalInIdentityPolicy",
       kId,
       {},
       Statement(R"("Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*")"),
       "UNSUPPORTED_PRINCIPAL",
       true},
      {"MissingPrincipal", kRes, {}, Statement(allow_s3), "MISSING_PRINCIPAL", true},
      {"MissingPrincipalNot",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*")"),
       "MISSING_PRINCIPAL",
       false},
      {"ScpPrincipal",
       kScp,
       {},
       Statement(R"("Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*")"),
       "SCP_SYNTAX_ERROR_PRINCIPAL",
       true},
      {"ScpActionWildcard",
       kScp,
       {},
       Statement(R"("Effect":"Deny","Action":"s3:*Object","Resource":"*")"),
       "SCP_SYNTAX_ERROR_ACTION_WILDCARD",
       true},
      {"ScpActionWildcardNot",
       kScp,
       {},
       Statement(R"("Effect":"Deny","Action":"s3:Get*","Resource":"*")"),
       "SCP_SYNTAX_ERROR_ACTION_WILDCARD",
       false},
      {"AllowWithNotPrincipal",
       kRes,
       {},
       Statement(R"("Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},)"
                 R"("Action":"s3:GetObject","Resource":"*")"),
       "ALLOW_WITH_NOT_PRINCIPAL",
       true},
      {"AllowWithNotPrincipalNot",
       kRes,
       {},
       Statement(R"("Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},)"
                 R"("Action":"s3:GetObject","Resource":"*")"),
       "ALLOW_WITH_NOT_PRINCIPAL",
       false},
      {"PassRoleStarResource",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"iam:PassRole","Resource":"*")"),
       "PASS_ROLE_WITH_STAR_IN_RESOURCE",
       true},
      {"PassRoleStarResourceNotWithCondition",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"iam:PassRole","Resource":"*",)"
                 R"("Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}})"),
       "PASS_ROLE_WITH_STAR_IN_RESOURCE",
       false},
      {"PassRoleStarResourceNotNamedRole",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"iam:PassRole",)"
                 R"("Resource":"arn:aws:iam::111122223333:role/app")"),
       "PASS_ROLE_WITH_STAR_IN_RESOURCE",
       false},
      {"PassRoleStarActionAndResource",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"iam:*","Resource":"*")"),
       "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
       true},
      {"PassRoleStarActionAndResourceNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"iam:Get*","Resource":"*")"),
       "PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE",
       false},
      {"PassRoleNotActionStarResource",
       kId,
       {},
       Statement(R"("Effect":"Allow","NotAction":"s3:*","Resource":"*")"),
       "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
       true},
      {"PassRoleNotResource",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"iam:PassRole",)"
                 R"("NotResource":"arn:aws:iam::111122223333:role/admin")"),
       "PASS_ROLE_WITH_NOT_RESOURCE",
       true},
      {"PassRoleStarActionNotResource",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"*",)"
                 R"("NotResource":"arn:aws:iam::111122223333:role/admin")"),
       "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
       true},
      {"PassRoleNotActionNotResource",
       kId,
       {},
       Statement(R"("Effect":"Allow","NotAction":"s3:*",)"
                 R"("NotResource":"arn:aws:iam::111122223333:role/admin")"),
       "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE",
       true},
      {"CreateSlrStarResource",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"*")"),
       "CREATE_SLR_WITH_STAR_IN_RESOURCE",
       true},
      {"CreateSlrStarResourceNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"iam:CreateServiceLinkedRole","Resource":"*",)"
                 R"("Condition":{"StringEquals":{"iam:AWSServiceName":"ec2.amazonaws.com"}})"),
       "CREATE_SLR_WITH_STAR_IN_RESOURCE",
       false},
      {"CreateSlrStarActionAndResource",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"iam:Create*","Resource":"*")"),
       "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE",
       true},
      {"InvalidArnPrefix",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject","Resource":"arm:aws:s3:::b/key")"),
       "INVALID_ARN_PREFIX",
       true},
      // AWS's answer recorded by cfn-policy-validator (tests/test_cli.py, test_file_2.json): a
      // value with no ARN fields at all is MISSING_ARN_FIELD, not INVALID_ARN_PREFIX.
      {"MissingArnFieldOfANonArn",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"codestar-connections:UseConnection",)"
                 R"("Resource":"fakeArn")"),
       "MISSING_ARN_FIELD",
       true},
      {"InvalidArnPrefixNotForANonArn",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"codestar-connections:UseConnection",)"
                 R"("Resource":"fakeArn")"),
       "INVALID_ARN_PREFIX",
       false},
      {"MissingArnField",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3")"),
       "MISSING_ARN_FIELD",
       true},
      {"MissingArnFieldNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*")"),
       "MISSING_ARN_FIELD",
       false},
      {"InvalidArnAccount",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"sqs:SendMessage",)"
                 R"("Resource":"arn:aws:sqs:us-east-1:1234:queue")"),
       "INVALID_ARN_ACCOUNT",
       true},
      {"InvalidArnAccountNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"sqs:SendMessage",)"
                 R"("Resource":"arn:aws:sqs:us-east-1:123456789012:queue")"),
       "INVALID_ARN_ACCOUNT",
       false},
      {"InvalidArnServiceCase",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:S3:::b/*")"),
       "INVALID_ARN_SERVICE_CASE",
       true},
      {"InvalidPartition",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject","Resource":"arn:awz:s3:::b/*")"),
       "INVALID_PARTITION",
       true},
      {"ArnRegionNotAllowed",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"iam:GetRole",)"
                 R"("Resource":"arn:aws:iam:us-east-1:123456789012:role/r")"),
       "ARN_REGION_NOT_ALLOWED",
       true},
      {"ArnRegionNotAllowedNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"iam:GetRole",)"
                 R"("Resource":"arn:aws:iam::123456789012:role/r")"),
       "ARN_REGION_NOT_ALLOWED",
       false},
      {"MissingArnRegion",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"sqs:SendMessage",)"
                 R"("Resource":"arn:aws:sqs::123456789012:queue")"),
       "MISSING_ARN_REGION",
       true},
      {"InvalidConditionOperator",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEqual":{"aws:username":"a"}})"),
       "INVALID_CONDITION_OPERATOR",
       true},
      {"InvalidGlobalConditionKey",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"aws:UserNam":"a"}})"),
       "INVALID_GLOBAL_CONDITION_KEY",
       true},
      {"InvalidGlobalConditionKeyNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"aws:username":"a"}})"),
       "INVALID_GLOBAL_CONDITION_KEY",
       false},
      {"InvalidServiceConditionKey",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"s3:prefiks":"a"}})"),
       "INVALID_SERVICE_CONDITION_KEY",
       true},
      {"InvalidServiceConditionKeyNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"s3:prefix":"a"}})"),
       "INVALID_SERVICE_CONDITION_KEY",
       false},
      {"InvalidConditionKeyFormat",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"username":"a"}})"),
       "INVALID_CONDITION_KEY_FORMAT",
       true},
      {"UnsupportedGlobalConditionKey",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"ArnEquals":{"aws:ARN":"arn:aws:iam::1:role/r"}})"),
       "UNSUPPORTED_GLOBAL_CONDITION_KEY",
       true},
      {"MissingTagKeyInCondition",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"aws:ResourceTag":"a"}})"),
       "MISSING_TAG_KEY_IN_CONDITION",
       true},
      {"MissingTagKeyInConditionNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"aws:ResourceTag/team":"a"}})"),
       "MISSING_TAG_KEY_IN_CONDITION",
       false},
      {"DuplicateKeysWithDifferentCase",
       kId,
       {},
       Statement(allow_s3 +
                 R"(,"Condition":{"StringEquals":{"aws:username":"a","aws:UserName":"b"}})"),
       "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
       true},
      {"TypeMismatch",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"aws:SecureTransport":"true"}})"),
       "TYPE_MISMATCH",
       true},
      {"TypeMismatchNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"Bool":{"aws:SecureTransport":"true"}})"),
       "TYPE_MISMATCH",
       false},
      {"TypeMismatchBoolean",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"Bool":{"aws:SecureTransport":"yes"}})"),
       "TYPE_MISMATCH_BOOLEAN",
       true},
      {"TypeMismatchNumber",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"x"}})"),
       "TYPE_MISMATCH_NUMBER",
       true},
      {"TypeMismatchDate",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"DateLessThan":{"aws:CurrentTime":"tomorrow"}})"),
       "TYPE_MISMATCH_DATE",
       true},
      {"TypeMismatchIpRange",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.300/8"}})"),
       "TYPE_MISMATCH_IP_RANGE",
       true},
      {"ForAllValuesSingleValued",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"ForAllValues:StringEquals":{"aws:username":"a"}})"),
       "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
       true},
      {"ForAllValuesSingleValuedNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":"a"}})"),
       "FORALLVALUES_WITH_SINGLE_VALUED_KEY",
       false},
      {"NullWithQualifier",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"ForAllValues:Null":{"aws:TagKeys":"true"}})"),
       "NULL_WITH_QUALIFIER",
       true},
      {"NullWithIfExists",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"NullIfExists":{"aws:TagKeys":"true"}})"),
       "NULL_WITH_IF_EXISTS",
       true},
      {"WildcardWithoutLike",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"aws:username":"a*"}})"),
       "WILDCARD_WITHOUT_LIKE_OPERATOR",
       true},
      {"WildcardWithoutLikeNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringLike":{"aws:username":"a*"}})"),
       "WILDCARD_WITHOUT_LIKE_OPERATOR",
       false},
      {"InvalidVariableForOperator",
       kId,
       {},
       Statement(allow_s3 +
                 R"(,"Condition":{"NumericEquals":{"aws:MultiFactorAuthAge":"${aws:username}"}})"),
       "INVALID_VARIABLE_FOR_OPERATOR",
       true},
      {"UnsupportedSid", kId, {}, Statement(R"("Sid":"a b",)" + allow_s3), "UNSUPPORTED_SID", true},
      {"UnsupportedSidNot",
       kId,
       {},
       Statement(R"("Sid":"ab1",)" + allow_s3),
       "UNSUPPORTED_SID",
       false},
      {"UniqueSidsRequired",
       kId,
       {},
       R"({"Version":"2012-10-17","Statement":[{"Sid":"a",)" + allow_s3 + R"(},{"Sid":"a",)" +
           allow_s3 + "}]}",
       "UNIQUE_SIDS_REQUIRED",
       true},
      {"UniqueSidsRecommended",
       kRes,
       {},
       R"({"Version":"2012-10-17","Statement":[{"Sid":"a","Principal":"*",)" + allow_s3 +
           R"(},{"Sid":"a","Principal":"*",)" + allow_s3 + "}]}",
       "UNIQUE_SIDS_RECOMMENDED",
       true},
      {"UnsupportedElementCombination",
       kId,
       {},
       Statement(allow_s3 + R"(,"NotAction":"s3:PutObject")"),
       "UNSUPPORTED_ELEMENT_COMBINATION",
       true},
      {"TrustPolicyResource", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(R"("Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},)"
                 R"("Action":"sts:AssumeRole","Resource":"*")"),
       "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE", true},
      {"TrustPolicyResourceNot", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(R"("Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},)"
                 R"("Action":"sts:AssumeRole")"),
       "ROLE_TRUST_POLICY_SYNTAX_ERROR_RESOURCE", false},
      {"TrustPolicyWildcardPrincipal", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(R"("Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole")"),
       "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL", true},
      {"TrustPolicyWildcardPrincipalOnBucket", kRes, R::kS3Bucket,
       Statement(R"("Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject",)"
                 R"("Resource":"arn:aws:s3:::b/*")"),
       "ROLE_TRUST_POLICY_UNSUPPORTED_WILDCARD_IN_PRINCIPAL", false},
      {"GithubWithoutSub", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(
           R"("Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/)"
           R"(token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity")"),
       "MISSING_GITHUB_REPO_CONDITION_KEY", true},
      {"GithubWithSub", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(
           R"("Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/)"
           R"(token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity",)"
           R"("Condition":{"StringEquals":{"token.actions.githubusercontent.com:sub":)"
           R"("repo:o/r:ref:refs/heads/main"}})"),
       "MISSING_GITHUB_REPO_CONDITION_KEY", false},
      {"OidcWithoutCondition", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(
           R"("Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/)"
           R"(oidc.example.com"},"Action":"sts:AssumeRoleWithWebIdentity")"),
       "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL", true},
      {"EmptySidValue",
       kRes,
       {},
       Statement(R"("Sid":"","Principal":"*",)" + allow_s3),
       "EMPTY_SID_VALUE",
       true},
      {"EmptySidValueNot",
       kRes,
       {},
       Statement(R"("Sid":"a","Principal":"*",)" + allow_s3),
       "EMPTY_SID_VALUE",
       false},
      {"RedundantStatement",
       kId,
       {},
       R"({"Version":"2012-10-17","Statement":[{"Sid":"a",)" + allow_s3 + R"(},{"Sid":"b",)" +
           allow_s3 + "}]}",
       "REDUNDANT_STATEMENT",
       true},
      {"RedundantStatementNot",
       kId,
       {},
       R"({"Version":"2012-10-17","Statement":[{)" + allow_s3 +
           R"(},{"Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]})",
       "REDUNDANT_STATEMENT",
       false},
      {"RedundantResource",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject",)"
                 R"("Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b/logs/*"])"),
       "REDUNDANT_RESOURCE",
       true},
      {"RedundantResourceNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject",)"
                 R"("Resource":["arn:aws:s3:::b/*","arn:aws:s3:::c/*"])"),
       "REDUNDANT_RESOURCE",
       false},
      {"VariableUnsupportedInElement",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:${aws:username}","Resource":"*")"),
       "VARIABLE_UNSUPPORTED_IN_ELEMENT",
       true},
      {"VariableUnsupportedInElementNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject",)"
                 R"("Resource":"arn:aws:s3:::b/${aws:username}/*")"),
       "VARIABLE_UNSUPPORTED_IN_ELEMENT",
       false},
      {"VariableUnsupportedInVersion",
       kId,
       {},
       R"({"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",)"
       R"("Resource":"arn:aws:s3:::b/${aws:username}/*"}]})",
       "VARIABLE_UNSUPPORTED_IN_VERSION",
       true},
      {"MissingBraceInVariable",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject",)"
                 R"("Resource":"arn:aws:s3:::b/${aws:username/*")"),
       "MISSING_BRACE_IN_VARIABLE",
       true},
      {"EmptyVariable",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${}/*")"),
       "EMPTY_VARIABLE",
       true},
      {"UnsupportedSpaceInVariable",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject",)"
                 R"("Resource":"arn:aws:s3:::b/${aws: username}/*")"),
       "UNSUPPORTED_SPACE_IN_VARIABLE",
       true},
      {"MissingQuoteInVariable",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject",)"
                 R"("Resource":"arn:aws:s3:::b/${aws:username, none}/*")"),
       "MISSING_QUOTE_IN_VARIABLE",
       true},
      {"MissingQuoteInVariableNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject",)"
                 R"("Resource":"arn:aws:s3:::b/${aws:username, 'none'}/*")"),
       "MISSING_QUOTE_IN_VARIABLE",
       false},
      {"UnsupportedActionInPolicy", kRes, R::kS3Bucket,
       Statement(R"("Effect":"Allow","Principal":"*","Action":"sqs:SendMessage",)"
                 R"("Resource":"arn:aws:s3:::b/*")"),
       "UNSUPPORTED_ACTION_IN_POLICY", true},
      {"UnsupportedActionInPolicyNot", kRes, R::kS3Bucket,
       Statement(R"("Effect":"Allow","Principal":"*","Action":"s3:GetObject",)"
                 R"("Resource":"arn:aws:s3:::b/*")"),
       "UNSUPPORTED_ACTION_IN_POLICY", false},
      {"UnsupportedResourceArnInPolicy", kRes, R::kS3Bucket,
       Statement(R"("Effect":"Allow","Principal":"*","Action":"s3:GetObject",)"
                 R"("Resource":"arn:aws:sqs:us-east-1:123456789012:q")"),
       "UNSUPPORTED_RESOURCE_ARN_IN_POLICY", true},
      {"InvalidConditionMultipleBoolean",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"Bool":{"aws:SecureTransport":["true","false"]}})"),
       "INVALID_CONDITION_MULTIPLE_BOOLEAN",
       true},
      {"RedundantConditionValueNum",
       kId,
       {},
       Statement(allow_s3 +
                 R"(,"Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":["10","20"]}})"),
       "REDUNDANT_CONDITION_VALUE_NUM",
       true},
      {"RedundantConditionValueNumNot",
       kId,
       {},
       Statement(allow_s3 +
                 R"(,"Condition":{"NumericEquals":{"aws:MultiFactorAuthAge":["10","20"]}})"),
       "REDUNDANT_CONDITION_VALUE_NUM",
       false},
      {"MissingQualifier",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"aws:TagKeys":"team"}})"),
       "MISSING_QUALIFIER",
       true},
      {"MissingQualifierNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"team"}})"),
       "MISSING_QUALIFIER",
       false},
      {"PrivateIpAddress",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}})"),
       "PRIVATE_IP_ADDRESS",
       true},
      {"PrivateIpAddressSubset",
       kId,
       {},
       Statement(allow_s3 +
                 R"(,"Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","203.0.113.0/24"]}})"),
       "PRIVATE_IP_ADDRESS_SUBSET",
       true},
      {"PrivateIpAddressNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})"),
       "PRIVATE_IP_ADDRESS",
       false},
      {"PrivateNotIpAddress",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"NotIpAddress":{"aws:SourceIp":"192.168.0.0/16"}})"),
       "PRIVATE_NOT_IP_ADDRESS",
       true},
      {"PrivateNotIpAddressSubset",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"NotIpAddress":{"aws:SourceIp":)"
                            R"(["192.168.0.0/16","203.0.113.0/24"]}})"),
       "PRIVATE_NOT_IP_ADDRESS_SUBSET",
       true},
      {"ImproveIpRange",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.7/24"}})"),
       "IMPROVE_IP_RANGE",
       true},
      {"ImproveIpRangeNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.7/32"}})"),
       "IMPROVE_IP_RANGE",
       false},
      {"InvalidRegion",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-9"}})"),
       "INVALID_REGION",
       true},
      {"InvalidRegionNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"}})"),
       "INVALID_REGION",
       false},
      {"InvalidArnRegion",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"sqs:SendMessage",)"
                 R"("Resource":"arn:aws:sqs:us-east-9:123456789012:q")"),
       "INVALID_ARN_REGION",
       true},
      {"InvalidVpcFormat",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"aws:SourceVpc":"vpc-12"}})"),
       "INVALID_VPC_FORMAT",
       true},
      {"InvalidVpcFormatNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"aws:SourceVpc":"vpc-1a2b3c4d"}})"),
       "INVALID_VPC_FORMAT",
       false},
      {"InvalidVpceFormat",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"aws:SourceVpce":"vpc-1a2b3c4d"}})"),
       "INVALID_VPCE_FORMAT",
       true},
      {"MissingPairedConditionKeys",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"IpAddress":{"aws:VpcSourceIp":"10.0.0.0/8"}})"),
       "MISSING_PAIRED_CONDITION_KEYS",
       true},
      {"MissingPairedConditionKeysNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"IpAddress":{"aws:VpcSourceIp":"10.0.0.0/8",)"
                            R"("aws:SourceVpc":"vpc-1a2b3c4d"}})"),
       "MISSING_PAIRED_CONDITION_KEYS",
       false},
      {"InvalidService",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"s4:prefix":"a"}})"),
       "INVALID_SERVICE",
       true},
      {"UnsupportedWildcardInPrincipal",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::*:root"},)" +
                 std::string(R"("Action":"s3:GetObject","Resource":"*")")),
       "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
       true},
      {"UnsupportedWildcardInPrincipalNot",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":{"AWS":"*"},)" +
                 std::string(R"("Action":"s3:GetObject","Resource":"*")")),
       "UNSUPPORTED_WILDCARD_IN_PRINCIPAL",
       false},
      {"InvalidUserReference",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":{"AWS":"AIDAJQABLZS4A3QDU576Q"},)" +
                 std::string(R"("Action":"s3:GetObject","Resource":"*")")),
       "INVALID_USER_REFERENCE",
       true},
      {"InvalidRoleReference",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":{"AWS":"AROAJQABLZS4A3QDU576Q"},)" +
                 std::string(R"("Action":"s3:GetObject","Resource":"*")")),
       "INVALID_ROLE_REFERENCE",
       true},
      {"InvalidServicePrincipalFormat",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":{"Service":"cloudtrail"},)" +
                 std::string(R"("Action":"s3:GetObject","Resource":"*")")),
       "INVALID_SERVICE_PRINCIPAL_FORMAT",
       true},
      {"RestrictAccessToServicePrincipal",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},)" +
                 std::string(R"("Action":"s3:PutObject","Resource":"*")")),
       "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL",
       true},
      {"RestrictAccessToServicePrincipalNot",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},)" +
                 std::string(R"("Action":"s3:PutObject","Resource":"*",)") +
                 R"("Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}})"),
       "RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL",
       false},
      {"FederatedPrincipalNotSupported", kRes, R::kS3Bucket,
       Statement(R"("Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},)" +
                 std::string(R"("Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*")")),
       "FEDERATED_PRINCIPAL_NOT_SUPPORTED", true},
      {"InvalidFederatedPrincipalSyntax", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(R"("Effect":"Allow","Principal":{"Federated":"myprovider"},)"
                 R"("Action":"sts:AssumeRoleWithWebIdentity")"),
       "INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY", true},
      {"MismatchedActionForPrincipal", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(R"("Effect":"Allow","Principal":{"Federated":)"
                 R"("arn:aws:iam::123456789012:saml-provider/idp"},)"
                 R"("Action":"sts:AssumeRoleWithWebIdentity")"),
       "MISMATCHED_ACTION_FOR_PRINCIPAL", true},
      {"MismatchedActionForPrincipalNot", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(
           R"("Effect":"Allow","Principal":{"Federated":)"
           R"("arn:aws:iam::123456789012:saml-provider/idp"},"Action":"sts:AssumeRoleWithSAML")"),
       "MISMATCHED_ACTION_FOR_PRINCIPAL", false},
      {"MissingActionForRolesAnywhere", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(R"("Effect":"Allow","Principal":{"Service":"rolesanywhere.amazonaws.com"},)"
                 R"("Action":"sts:AssumeRole")"),
       "MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY", true},
      {"MissingActionForRolesAnywhereNot", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(R"("Effect":"Allow","Principal":{"Service":"rolesanywhere.amazonaws.com"},)"
                 R"("Action":["sts:AssumeRole","sts:SetSourceIdentity","sts:TagSession"])"),
       "MISSING_ACTION_FOR_ROLES_ANYWHERE_TRUST_POLICY", false},
      {"RedundantPrincipalInTrustPolicy", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(
           R"("Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:role/r",)"
           R"("arn:aws:sts::123456789012:assumed-role/r/session"]},"Action":"sts:AssumeRole")"),
       "REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY", true},
      {"SpecificGithubRepoRecommended", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(
           R"("Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/)"
           R"(token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity",)"
           R"("Condition":{"StringLike":{"token.actions.githubusercontent.com:sub":"repo:o/*"}})"),
       "SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED", true},
      // Close cases that must not trigger, and the remaining positives.
      {"DataTypeMismatchNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":["s3:*"],"Resource":"*")"),
       "DATA_TYPE_MISMATCH",
       false},
      {"DuplicateKeysWithDifferentCaseNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"aws:username":"a"},)"
                            R"("StringLike":{"aws:UserName":"b*"}})"),
       "DUPLICATE_KEYS_WITH_DIFFERENT_CASE",
       false},
      {"InvalidArnPrefixNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/key")"),
       "INVALID_ARN_PREFIX",
       false},
      {"InvalidArnRegionNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"sqs:SendMessage",)"
                 R"("Resource":"arn:aws:sqs:eu-west-1:123456789012:q")"),
       "INVALID_ARN_REGION",
       false},
      {"InvalidArnServiceCaseNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::B/*")"),
       "INVALID_ARN_SERVICE_CASE",
       false},
      {"InvalidConditionKeyFormatNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"aws:username":"a"}})"),
       "INVALID_CONDITION_KEY_FORMAT",
       false},
      {"InvalidConditionMultipleBooleanNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"Bool":{"aws:SecureTransport":["true"]}})"),
       "INVALID_CONDITION_MULTIPLE_BOOLEAN",
       false},
      {"InvalidConditionOperatorNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEqualsIgnoreCase":{"aws:username":"a"}})"),
       "INVALID_CONDITION_OPERATOR",
       false},
      {"InvalidPartitionNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws-cn:s3:::b/*")"),
       "INVALID_PARTITION",
       false},
      {"InvalidPolicyElementNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Sid":"s1")"),
       "INVALID_POLICY_ELEMENT",
       false},
      {"InvalidServiceNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"s3:prefix":"a"}})"),
       "INVALID_SERVICE",
       false},
      {"InvalidServiceInActionNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"sqs:SendMessage","Resource":"*")"),
       "INVALID_SERVICE_IN_ACTION",
       false},
      {"InvalidVariableForOperatorNot",
       kId,
       {},
       Statement(allow_s3 +
                 R"(,"Condition":{"StringEquals":{"aws:PrincipalTag/team":"${aws:username}"}})"),
       "INVALID_VARIABLE_FOR_OPERATOR",
       false},
      {"InvalidVersionNot",
       kId,
       {},
       R"({"Version":"2008-10-17","Statement":[{)" + allow_s3 + "}]}",
       "INVALID_VERSION",
       false},
      {"MissingActionNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","NotAction":"s3:*","Resource":"*")"),
       "MISSING_ACTION",
       false},
      {"MissingArnRegionNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"sqs:SendMessage",)"
                 R"("Resource":"arn:aws:sqs:*:123456789012:queue")"),
       "MISSING_ARN_REGION",
       false},
      {"MissingEffectNot", kId, {}, Statement(allow_s3), "MISSING_EFFECT", false},
      {"MissingResourceNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/*")"),
       "MISSING_RESOURCE",
       false},
      {"MissingStatementNot", kId, {}, Statement(allow_s3), "MISSING_STATEMENT", false},
      {"NullWithIfExistsNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"Null":{"aws:TagKeys":"true"}})"),
       "NULL_WITH_IF_EXISTS",
       false},
      {"NullWithQualifierNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"Null":{"aws:TagKeys":"true"}})"),
       "NULL_WITH_QUALIFIER",
       false},
      {"ScpPrincipalNot",
       kScp,
       {},
       Statement(R"("Effect":"Deny","Action":"s3:GetObject","Resource":"*")"),
       "SCP_SYNTAX_ERROR_PRINCIPAL",
       false},
      {"UniqueSidsRequiredNot",
       kId,
       {},
       R"({"Version":"2012-10-17","Statement":[{"Sid":"a",)" + allow_s3 + R"(},{"Sid":"b",)" +
           R"("Effect":"Allow","Action":"s3:PutObject","Resource":"*"}]})",
       "UNIQUE_SIDS_REQUIRED",
       false},
      {"UniqueSidsRecommendedNot",
       kRes,
       {},
       R"({"Version":"2012-10-17","Statement":[{"Sid":"a","Principal":"*",)" + allow_s3 +
           R"(},{"Sid":"b","Principal":"*","Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]})",
       "UNIQUE_SIDS_RECOMMENDED",
       false},
      {"UnsupportedElementCombinationNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","NotAction":"s3:PutObject","Resource":"*")"),
       "UNSUPPORTED_ELEMENT_COMBINATION",
       false},
      {"UnsupportedGlobalConditionKeyNot",
       kId,
       {},
       Statement(allow_s3 +
                 R"(,"Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::1:role/r"}})"),
       "UNSUPPORTED_GLOBAL_CONDITION_KEY",
       false},
      {"PrincipalInIdentityPolicyNot",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*")"),
       "UNSUPPORTED_PRINCIPAL",
       false},
      {"UnsupportedResourceArnInPolicyNot", kRes, R::kS3Bucket,
       Statement(R"("Effect":"Allow","Principal":"*","Action":"s3:GetObject",)"
                 R"("Resource":"arn:aws:s3:::b/*")"),
       "UNSUPPORTED_RESOURCE_ARN_IN_POLICY", false},
      {"MissingBraceInVariableNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject",)"
                 R"("Resource":"arn:aws:s3:::b/${aws:username}/*")"),
       "MISSING_BRACE_IN_VARIABLE",
       false},
      {"UnsupportedSpaceInVariableNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject",)"
                 R"("Resource":"arn:aws:s3:::b/${aws:username}/*")"),
       "UNSUPPORTED_SPACE_IN_VARIABLE",
       false},
      {"EmptyVariableNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${*}/*")"),
       "EMPTY_VARIABLE",
       false},
      {"VariableUnsupportedInVersionNot",
       kId,
       {},
       R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject",)"
       R"("Resource":"arn:aws:s3:::b/${aws:username}/*"}]})",
       "VARIABLE_UNSUPPORTED_IN_VERSION",
       false},
      {"PrivateNotIpAddressNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}})"),
       "PRIVATE_NOT_IP_ADDRESS",
       false},
      {"PrivateIpAddressSubsetNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"IpAddress":{"aws:VpcSourceIp":["10.0.0.0/8",)"
                            R"("203.0.113.0/24"],"aws:SourceVpc":"vpc-1a2b3c4d"}})"),
       "PRIVATE_IP_ADDRESS_SUBSET",
       false},
      {"PrivateNotIpAddressSubsetNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"NotIpAddress":{"aws:SourceIp":)"
                            R"(["198.51.100.0/24","203.0.113.0/24"]}})"),
       "PRIVATE_NOT_IP_ADDRESS_SUBSET",
       false},
      {"InvalidServicePrincipalFormatNot",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},)" +
                 std::string(R"("Action":"s3:GetObject","Resource":"*",)") +
                 R"("Condition":{"StringEquals":{"aws:SourceAccount":"123456789012"}})"),
       "INVALID_SERVICE_PRINCIPAL_FORMAT",
       false},
      {"InvalidVpceFormatNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}})"),
       "INVALID_VPCE_FORMAT",
       false},
      {"FederatedPrincipalNotSupportedNot", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(R"("Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},)"
                 R"("Action":"sts:AssumeRoleWithWebIdentity",)"
                 R"("Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"x"}})"),
       "FEDERATED_PRINCIPAL_NOT_SUPPORTED", false},
      {"InvalidFederatedPrincipalSyntaxNot", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(R"("Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},)"
                 R"("Action":"sts:AssumeRoleWithWebIdentity",)"
                 R"("Condition":{"StringEquals":{"cognito-identity.amazonaws.com:aud":"x"}})"),
       "INVALID_FEDERATED_PRINCIPAL_SYNTAX_IN_ROLE_TRUST_POLICY", false},
      {"CreateSlrStarActionAndResourceNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"iam:Get*","Resource":"*")"),
       "CREATE_SLR_WITH_STAR_IN_ACTION_AND_RESOURCE",
       false},
      {"CreateSlrNotResource",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"iam:CreateServiceLinkedRole",)"
                 R"("NotResource":"arn:aws:iam::123456789012:role/x")"),
       "CREATE_SLR_WITH_NOT_RESOURCE",
       true},
      {"CreateSlrNotResourceNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"iam:CreateServiceLinkedRole",)"
                 R"("Resource":"arn:aws:iam::123456789012:role/aws-service-role/x")"),
       "CREATE_SLR_WITH_NOT_RESOURCE",
       false},
      {"CreateSlrStarActionNotResource",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"iam:*",)"
                 R"("NotResource":"arn:aws:iam::123456789012:role/x")"),
       "CREATE_SLR_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
       true},
      {"CreateSlrNotActionNotResource",
       kId,
       {},
       Statement(R"("Effect":"Allow","NotAction":"s3:*",)"
                 R"("NotResource":"arn:aws:iam::123456789012:role/x")"),
       "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE",
       true},
      {"CreateSlrNotActionNotResourceNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","NotAction":"iam:*",)"
                 R"("NotResource":"arn:aws:iam::123456789012:role/x")"),
       "CREATE_SLR_WITH_NOT_ACTION_AND_NOT_RESOURCE",
       false},
      {"CreateSlrStarResourceNotAction",
       kId,
       {},
       Statement(R"("Effect":"Allow","NotAction":"s3:*","Resource":"*")"),
       "CREATE_SLR_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
       true},
      {"PassRoleNotResourceNot",
       kId,
       {},
       Statement(R"("Effect":"Deny","Action":"iam:PassRole",)"
                 R"("NotResource":"arn:aws:iam::123456789012:role/admin")"),
       "PASS_ROLE_WITH_NOT_RESOURCE",
       false},
      {"PassRoleStarActionNotResourceNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:*",)"
                 R"("NotResource":"arn:aws:s3:::secret/*")"),
       "PASS_ROLE_WITH_STAR_IN_ACTION_AND_NOT_RESOURCE",
       false},
      {"PassRoleNotActionNotResourceNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","NotAction":"iam:*",)"
                 R"("NotResource":"arn:aws:iam::123456789012:role/admin")"),
       "PASS_ROLE_WITH_NOT_ACTION_AND_NOT_RESOURCE",
       false},
      {"PassRoleNotActionStarResourceNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","NotAction":"iam:*","Resource":"*")"),
       "PASS_ROLE_WITH_STAR_IN_RESOURCE_AND_NOT_ACTION",
       false},
      {"OidcWithCondition", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(
           R"("Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/)"
           R"(oidc.example.com"},"Action":"sts:AssumeRoleWithWebIdentity",)"
           R"("Condition":{"StringEquals":{"oidc.example.com:aud":"app"}})"),
       "MISSING_CONDITION_KEY_FOR_OIDC_PRINCIPAL", false},
      {"EmptyArrayActionNot", kId, {}, Statement(allow_s3), "EMPTY_ARRAY_ACTION", false},
      {"EmptyArrayConditionNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEquals":{"aws:PrincipalTag/team":["a"]}})"),
       "EMPTY_ARRAY_CONDITION",
       false},
      {"EmptyArrayConditionForAllValuesNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}})"),
       "EMPTY_ARRAY_CONDITION_FORALLVALUES",
       false},
      {"EmptyArrayConditionForAnyValueNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}})"),
       "EMPTY_ARRAY_CONDITION_FORANYVALUE",
       false},
      {"EmptyArrayConditionIfExistsNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"StringEqualsIfExists":{"aws:username":["a"]}})"),
       "EMPTY_ARRAY_CONDITION_IFEXISTS",
       false},
      {"EmptyArrayPrincipalNot",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":{"AWS":["123456789012"]},)"
                 R"("Action":"s3:GetObject","Resource":"*")"),
       "EMPTY_ARRAY_PRINCIPAL",
       false},
      {"EmptyArrayResourceNot", kId, {}, Statement(allow_s3), "EMPTY_ARRAY_RESOURCE", false},
      {"EmptyObjectConditionNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"Bool":{"aws:SecureTransport":"true"}})"),
       "EMPTY_OBJECT_CONDITION",
       false},
      {"EmptyObjectPrincipalNot",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":{"AWS":"123456789012"},)"
                 R"("Action":"s3:GetObject","Resource":"*")"),
       "EMPTY_OBJECT_PRINCIPAL",
       false},
      {"RedundantPrincipalInTrustPolicyNot", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(R"("Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:role/r",)"
                 R"("arn:aws:sts::123456789012:assumed-role/other/session"]},)"
                 R"("Action":"sts:AssumeRole")"),
       "REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY", false},
      {"SpecificGithubRepoRecommendedNot", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(
           R"("Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/)"
           R"(token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity",)"
           R"("Condition":{"StringEquals":{"token.actions.githubusercontent.com:sub":)"
           R"("repo:o/r:ref:refs/heads/main"}})"),
       "SPECIFIC_GITHUB_REPO_AND_BRANCH_RECOMMENDED", false},
      {"InvalidUserReferenceNot",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/u"},)" +
                 std::string(R"("Action":"s3:GetObject","Resource":"*")")),
       "INVALID_USER_REFERENCE",
       false},
      {"InvalidRoleReferenceNot",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/r"},)" +
                 std::string(R"("Action":"s3:GetObject","Resource":"*")")),
       "INVALID_ROLE_REFERENCE",
       false},
      {"TypeMismatchBooleanNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"Bool":{"aws:SecureTransport":"true"}})"),
       "TYPE_MISMATCH_BOOLEAN",
       false},
      {"TypeMismatchNumberNot",
       kId,
       {},
       Statement(allow_s3 +
                 R"(,"Condition":{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}})"),
       "TYPE_MISMATCH_NUMBER",
       false},
      {"TypeMismatchDateNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"DateLessThan":{"aws:CurrentTime":"2030-01-01"}})"),
       "TYPE_MISMATCH_DATE",
       false},
      {"TypeMismatchIpRangeNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}})"),
       "TYPE_MISMATCH_IP_RANGE",
       false},
      {"TypeMismatchString",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"BinaryEquals":{"aws:username":"not base64!"}})"),
       "TYPE_MISMATCH_STRING",
       true},
      {"TypeMismatchStringNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"BinaryEquals":{"aws:username":"QmluYXJ5"}})"),
       "TYPE_MISMATCH_STRING",
       false},
      {"InvalidPrincipalFormat",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1234:root"},)" +
                 std::string(R"("Action":"s3:GetObject","Resource":"*")")),
       "INVALID_PRINCIPAL_FORMAT",
       true},
      {"InvalidPrincipalFormatNot",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},)" +
                 std::string(R"("Action":"s3:GetObject","Resource":"*")")),
       "INVALID_PRINCIPAL_FORMAT",
       false},
      {"InvalidPrincipalKey",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":{"Account":"123456789012"},)" +
                 std::string(R"("Action":"s3:GetObject","Resource":"*")")),
       "INVALID_PRINCIPAL_KEY",
       true},
      {"InvalidPrincipalKeyNot",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":{"AWS":"123456789012"},)" +
                 std::string(R"("Action":"s3:GetObject","Resource":"*")")),
       "INVALID_PRINCIPAL_KEY",
       false},
      {"TrustPolicyNotPrincipal", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(R"("Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:root"},)"
                 R"("Action":"sts:AssumeRole")"),
       "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL", true},
      {"TrustPolicyNotPrincipalNot", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(R"("Effect":"Deny","Principal":{"AWS":"arn:aws:iam::123456789012:root"},)"
                 R"("Action":"sts:AssumeRole")"),
       "ROLE_TRUST_POLICY_SYNTAX_ERROR_NOTPRINCIPAL", false},
      {"ArnAccountNotAllowed",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject",)"
                 R"("Resource":"arn:aws:s3::123456789012:b/*")"),
       "ARN_ACCOUNT_NOT_ALLOWED",
       true},
      {"ArnAccountNotAllowedNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*")"),
       "ARN_ACCOUNT_NOT_ALLOWED",
       false},
      {"InvalidArnResource",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"iam:GetRole",)"
                 R"("Resource":"arn:aws:iam::123456789012:rolle/r")"),
       "INVALID_ARN_RESOURCE",
       true},
      {"InvalidArnResourceNot",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"iam:GetRole",)"
                 R"("Resource":"arn:aws:iam::123456789012:role/r")"),
       "INVALID_ARN_RESOURCE",
       false},
      {"PolicySizeScp",
       kScp,
       {},
       Statement(R"("Effect":"Deny","Action":"s3:GetObject","Resource":[)" + Arns(200) + "]"),
       "POLICY_SIZE_EXCEEDS_SCP_QUOTA",
       true},
      {"PolicySizeScpNot",
       kScp,
       {},
       Statement(R"("Effect":"Deny","Action":"s3:GetObject","Resource":[)" + Arns(20) + "]"),
       "POLICY_SIZE_EXCEEDS_SCP_QUOTA",
       false},
      {"PolicySizeResource",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":[)" +
                 Arns(900) + "]"),
       "POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA",
       true},
      {"PolicySizeResourceNot",
       kRes,
       {},
       Statement(R"("Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":[)" +
                 Arns(100) + "]"),
       "POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA",
       false},
      {"PolicySizeTrust", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(R"("Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":[)" + Roles(60) +
                 "]}"),
       "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA", true},
      {"PolicySizeTrustNot", kRes, R::kIamAssumeRolePolicyDocument,
       Statement(R"("Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":[)" + Roles(10) +
                 "]}"),
       "POLICY_SIZE_EXCEEDS_ROLE_TRUST_POLICY_QUOTA", false},
      {"MissingArnFieldInArnCondition",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"ArnLike":{"aws:SourceArn":"my-function"}})"),
       "MISSING_ARN_FIELD",
       true},
      {"MissingArnFieldInArnConditionNotOnStringKey",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"ArnLike":{"aws:SourceAccount":"123456789012"}})"),
       "MISSING_ARN_FIELD",
       false},
      {"InvalidConditionDataType",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"NumericLessThan":{"s3:max-keys":["10",20]}})"),
       "INVALID_CONDITION_DATA_TYPE",
       true},
      {"InvalidConditionDataTypeNot",
       kId,
       {},
       Statement(allow_s3 + R"(,"Condition":{"NumericLessThan":{"s3:max-keys":["10","20"]}})"),
       "INVALID_CONDITION_DATA_TYPE",
       false},
      {"PolicySizeIdentity",
       kId,
       {},
       Statement(R"("Effect":"Allow","Action":"s3:GetObject","Resource":[)" +
                 [] {
                   std::string items;
                   for (int i = 0; i < 300; ++i) {
                     items += (i ? "," : "") +
                              std::string(
                                  "\"arn:aws:s3:::bucket-with-a-long-"
                                  "name/") +
                              std::to_string(i) + "\"";
                   }
                   return items;
                 }() +
                 "]"),
       "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
       true},
      {"PolicySizeIdentityNot",
       kId,
       {},
       Statement(allow_s3),
       "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA",
       false},
  };
}

void PrintTo(const CheckCase& c, std::ostream* os) { *os << c.name; }

class CheckTest : public testing::TestWithParam<CheckCase> {};

TEST_P(CheckTest, ReportsTheCodeExactlyWhenExpected) {
  const CheckCase& c = GetParam();
  std::vector<ValidationFinding> findings = ValidatePolicy(c.policy, c.type, c.resource_type);
  std::vector<std::string> codes;
  for (const ValidationFinding& finding : findings) codes.push_back(finding.issue_code);
  if (c.expected) {
    EXPECT_THAT(codes, testing::Contains(c.code)) << c.policy;
  } else {
    EXPECT_THAT(codes, testing::Not(testing::Contains(c.code))) << c.policy;
  }
  for (const ValidationFinding& finding : findings) {
    const PolicyCheck& check = CheckOf(finding.issue_code);
    EXPECT_EQ(finding.finding_type, check.type);
    EXPECT_EQ(finding.learn_more_link, LearnMoreLink(check));
    EXPECT_FALSE(finding.locations.empty()) << finding.issue_code;
    EXPECT_FALSE(finding.finding_details.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(ValidatePolicy, CheckTest, testing::ValuesIn(Cases()),
                         [](const auto& info) { return info.param.name; });

TEST(ValidatePolicyTest, LocatesTheOffendingActionWithPathAndSpan) {
  // Line 4 holds the invalid action; AWS's positions: line from 1, column and offset from 0.
  std::string policy =
      "{\n"
      "  \"Version\": \"2012-10-17\",\n"
      "  \"Statement\": [{\"Effect\": \"Allow\", \"Resource\": \"*\",\n"
      "    \"Action\": [\"s3:GetObject\", \"s3:GetObjekt\"]}]\n"
      "}\n";
  std::vector<ValidationFinding> findings = ValidatePolicy(policy, kId);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].issue_code, "INVALID_ACTION");
  EXPECT_EQ(findings[0].finding_type, FindingType::kError);
  ASSERT_EQ(findings[0].locations.size(), 1u);
  const Location& location = findings[0].locations[0];
  std::vector<PathElement> expected_path(4);
  expected_path[0].kind = PathElement::Kind::kValue, expected_path[0].text = "Statement";
  expected_path[1].kind = PathElement::Kind::kIndex, expected_path[1].index = 0;
  expected_path[2].kind = PathElement::Kind::kValue, expected_path[2].text = "Action";
  expected_path[3].kind = PathElement::Kind::kIndex, expected_path[3].index = 1;
  EXPECT_EQ(location.path, expected_path);
  size_t offset = policy.find("\"s3:GetObjekt\"");
  size_t line_start = policy.rfind('\n', offset) + 1;
  EXPECT_EQ(location.span.start,
            (Position{4, static_cast<int>(offset - line_start), static_cast<int>(offset)}));
  EXPECT_EQ(location.span.end, (Position{4, static_cast<int>(offset - line_start + 14),
                                         static_cast<int>(offset + 14)}));
}

// The example of the AWS CLI reference for `aws accessanalyzer validate-policy` (a Cognito trust
// policy sent as RESOURCE_POLICY), with the findings, details and positions AWS returned. The
// example was recorded before the reference had CONFIRM_AUDIENCE_CLAIM_TYPE; today's service adds
// that suggestion for a `<provider>:aud` key whatever its operator (recorded answers for GitHub
// trust policies, docs/validate-policy.md), so a fourth finding follows at the key.
TEST(ValidatePolicyRecordedTest, CognitoTrustPolicyOfTheAwsCliReference) {
  const std::string policy =
      "{\n"
      "    \"Version\": \"2012-10-17\",\n"
      "    \"Statement\": [\n"
      "        {\n"
      "            \"Sid\": \"\",\n"
      "            \"Effect\": \"Allow\",\n"
      "            \"Principal\": {\n"
      "                \"Federated\": \"cognito-identity.amazonaws.com\"\n"
      "            },\n"
      "            \"Action\": [\n"
      "                \"sts:AssumeRole\",\n"
      "                \"sts:TagSession\"\n"
      "            ],\n"
      "            \"Condition\": {\n"
      "                \"StringEquals\": {\n"
      "                    \"cognito-identity.amazonaws.com:aud\": \"us-west-2_EXAMPLE\"\n"
      "                }\n"
      "            }\n"
      "        }\n"
      "    ]\n"
      "}\n";
  std::vector<ValidationFinding> findings = ValidatePolicy(policy, kRes);
  ASSERT_EQ(findings.size(), 4u);
  EXPECT_EQ(findings[0].issue_code, "EMPTY_SID_VALUE");
  EXPECT_EQ(findings[0].finding_type, FindingType::kSuggestion);
  ASSERT_EQ(findings[0].locations.size(), 1u);
  EXPECT_EQ(findings[0].locations[0].span, (Span{{5, 19, 79}, {5, 21, 81}}));
  EXPECT_EQ(findings[1].issue_code, "MISMATCHED_ACTION_FOR_PRINCIPAL");
  EXPECT_EQ(findings[1].finding_type, FindingType::kError);
  EXPECT_THAT(findings[1].finding_details,
              testing::StartsWith("The sts:AssumeRole action is invalid with the following "
                                  "principal(s): cognito-identity.amazonaws.com. "));
  ASSERT_EQ(findings[1].locations.size(), 2u);
  EXPECT_EQ(findings[1].locations[0].span, (Span{{11, 16, 258}, {11, 32, 274}}));
  EXPECT_EQ(findings[1].locations[1].span, (Span{{8, 29, 170}, {8, 61, 202}}));
  ASSERT_EQ(findings[1].locations[1].path.size(), 4u);
  EXPECT_EQ(findings[1].locations[1].path[3].kind, PathElement::Kind::kValue);
  EXPECT_EQ(findings[1].locations[1].path[3].text, "Federated");
  EXPECT_EQ(findings[2].issue_code, "UNSUPPORTED_ACTION_FOR_CONDITION_KEY");
  EXPECT_EQ(findings[2].finding_type, FindingType::kError);
  EXPECT_EQ(findings[2].finding_details,
            "The following actions: sts:TagSession are not supported by the condition key "
            "cognito-identity.amazonaws.com:aud. The condition will not be evaluated for these "
            "actions. We recommend that you move these actions to a different statement without "
            "this condition key.");
  ASSERT_EQ(findings[2].locations.size(), 1u);
  EXPECT_EQ(findings[2].locations[0].span, (Span{{12, 16, 292}, {12, 32, 308}}));
  EXPECT_EQ(findings[3].issue_code, "CONFIRM_AUDIENCE_CLAIM_TYPE");
  EXPECT_EQ(findings[3].finding_type, FindingType::kSuggestion);
  ASSERT_EQ(findings[3].locations.size(), 1u);
  ASSERT_FALSE(findings[3].locations[0].path.empty());
  EXPECT_EQ(findings[3].locations[0].path.back().kind, PathElement::Kind::kKey);
  EXPECT_EQ(findings[3].locations[0].path.back().text, "cognito-identity.amazonaws.com:aud");
}

// An S3 bucket policy with an action that does not exist and "Resource": "*": AWS answers
// INVALID_ACTION and UNSUPPORTED_RESOURCE_ARN_IN_POLICY ("... attached to resource type S3
// Bucket."), as recorded in a published iam-policy-validator report.
TEST(ValidatePolicyRecordedTest, BucketPolicyWithStarResource) {
  std::vector<ValidationFinding> findings =
      ValidatePolicy(R"({"Version":"2012-10-17","Statement":[{"Sid":"ListBucket","Effect":"Allow",)"
                     R"("Action":"s3:ListBuckets","Resource":"*","Principal":{"AWS":"*"}}]})",
                     kRes, R::kS3Bucket);
  std::vector<std::string> codes;
  for (const ValidationFinding& finding : findings) codes.push_back(finding.issue_code);
  EXPECT_THAT(codes, testing::ElementsAre("INVALID_ACTION", "UNSUPPORTED_RESOURCE_ARN_IN_POLICY"));
  EXPECT_EQ(findings[1].finding_details,
            "The resource ARN is not supported for the resource-based policy attached to resource "
            "type S3 Bucket.");
}

TEST(ValidatePolicyTest, CleanPolicyHasNoFindings) {
  EXPECT_THAT(ValidatePolicy(Statement(R"("Effect":"Allow","Action":["s3:GetObject",)"
                                       R"("s3:PutObject"],"Resource":"arn:aws:s3:::b/*")"),
                             kId),
              testing::IsEmpty());
}

TEST(ValidatePolicyTest, ResponseJsonHasTheApiShape) {
  std::vector<ValidationFinding> findings = ValidatePolicy(
      R"({"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]})", kId);
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(
      ValidatePolicyResponseJson(findings, std::nullopt),
      R"({"findings":[{"findingDetails":")" + findings[0].finding_details +
          R"(","findingType":"WARNING","issueCode":"MISSING_VERSION","learnMoreLink":)"
          R"("https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-)"
          R"(checks.html#access-analyzer-reference-policy-checks-general-warning-missing-version",)"
          R"("locations":[{"path":[],"span":{"start":{"line":1,"column":0,"offset":0},)"
          R"("end":{"line":1,"column":1,"offset":1}}}]}]})");
}

TEST(ValidatePolicyTest, NamesRoundTrip) {
  for (PolicyType type : {PolicyType::kIdentityPolicy, PolicyType::kResourcePolicy,
                          PolicyType::kServiceControlPolicy, PolicyType::kResourceControlPolicy}) {
    EXPECT_EQ(ParsePolicyType(PolicyTypeName(type)), type);
  }
  EXPECT_EQ(ParseResourceType("AWS::IAM::AssumeRolePolicyDocument"),
            ValidatePolicyResourceType::kIamAssumeRolePolicyDocument);
  EXPECT_EQ(ParsePolicyType("identity_policy"), std::nullopt);
}

}  // namespace
}  // namespace perimeter::validation
