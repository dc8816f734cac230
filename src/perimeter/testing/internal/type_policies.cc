#include "perimeter/testing/internal/type_policies.h"

#include "perimeter/testing/internal/common_shapes.h"

namespace perimeter::corpus::internal {

// ---- S3 buckets
// ------------------------------------------------------------------------------------------

const std::vector<std::string> kS3Write = {"s3:PutObject", "s3:PutObjectAcl", "s3:DeleteObject"};
const std::vector<std::string> kS3List = {"s3:ListBucket", "s3:GetBucketLocation"};

std::vector<std::string> Concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

Policy BucketPolicy(Builder& b, const std::string& arn) {
  const std::string objects = arn + "/*";
  std::vector<Statement> s;
  auto both = [&] { return b.Many({arn, objects}); };
  b.Choose({
      {12, true,
       [&] {
         b.Label("s3:same-account-roles");
         s.push_back(b.Make(
             {"AllowAppRoles", false, b.Aws(b.PrincipalsOf(b.Account(), b.r.Between(1, 3))),
              b.Many(b.r.Percent(50) ? Concat(kS3Read, kS3Write) : kS3Read), b.One(objects)}));
         if (b.r.Percent(60)) {
           s.push_back(b.Make({"AllowList", false, b.Aws(b.PrincipalsOf(b.Account(), 1)),
                               b.One("s3:ListBucket"), b.One(arn)}));
         }
       }},
      {13, true,
       [&] {
         b.Label("s3:cross-account");
         std::string account = b.CrossAccount();
         s.push_back(
             b.Make({"CrossAccountRead", false, b.Aws(b.PrincipalsOf(account, b.r.Between(1, 2))),
                     b.Many(Concat(kS3Read, {"s3:ListBucket"})), both()}));
         if (b.r.Percent(30)) {
           s.push_back(
               b.Make({"CrossAccountWrite",
                       false,
                       b.Aws({b.AccountPrincipal(account)}),
                       b.One("s3:PutObject"),
                       b.One(objects),
                       {b.Cond({"StringEquals", "s3:x-amz-acl", {"bucket-owner-full-control"}})}}));
         }
       }},
      {7, true,
       [&] {
         b.Label("s3:public-website");
         s.push_back(b.Make(
             {"PublicReadGetObject", false, b.Star(), b.One("s3:GetObject"), b.One(objects)}));
       }},
      {14, true,
       [&] {
         b.Label("s3:public-conditioned");
         s.push_back(b.Make({"AllowConditioned", false, b.Star(),
                             b.Many(b.Some(Concat(Concat(kS3Read, kS3List), kS3Write), 1, 4)),
                             b.r.Percent(50) ? both() : b.One(objects), PublicConditions(b)}));
       }},
      {6, true,
       [&] {
         std::string id = "E" + b.r.Chars(13, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
         if (b.r.Percent(60)) {
           b.Label("s3:cloudfront-oac");
           s.push_back(b.Make(
               {"AllowCloudFrontServicePrincipal",
                false,
                b.Service({"cloudfront.amazonaws.com"}),
                b.One("s3:GetObject"),
                b.One(objects),
                {b.Cond({"StringEquals",
                         "AWS:SourceArn",
                         {"arn:aws:cloudfront::" + b.Account() + ":distribution/" + id}})}}));
         } else {
           b.Label("s3:cloudfront-oai");
           Principal who =
               b.r.Percent(60)
                   ? b.Aws({"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity " + id})
                   : b.Canonical(b.CanonicalUser());
           s.push_back(b.Make({"PolicyForCloudFrontPrivateContent", false, who,
                               b.One("s3:GetObject"), b.One(objects)}));
         }
       }},
      {6, true,
       [&] {
         b.Label("s3:cloudtrail");
         std::string trail = b.TrailArn();
         std::string prefix = "AWSLogs/" + (b.r.Percent(30) ? b.OrgId() : b.Account());
         std::vector<Condition> acl_check;
         if (b.r.Percent(70))
           acl_check.push_back(b.Cond({"StringEquals", "aws:SourceArn", {trail}}));
         s.push_back(
             b.Make({"AWSCloudTrailAclCheck", false, b.Service({"cloudtrail.amazonaws.com"}),
                     b.One("s3:GetBucketAcl"), b.One(arn), acl_check}));
         s.push_back(
             b.Make({"AWSCloudTrailWrite",
                     false,
                     b.Service({"cloudtrail.amazonaws.com"}),
                     b.One("s3:PutObject"),
                     b.One(arn + "/" + prefix + "/*"),
                     {b.Cond({"StringEquals", "s3:x-amz-acl", {"bucket-owner-full-control"}}),
                      b.Cond({"StringEquals", "aws:SourceArn", {trail}})}}));
       }},
      {5, true,
       [&] {
         if (b.r.Percent(50)) {
           b.Label("s3:elb-logs");
           s.push_back(
               b.Make({"AWSLoadBalancerLogs", false, b.Aws({"arn:aws:iam::127311923021:root"}),
                       b.One("s3:PutObject"), b.One(arn + "/alb/AWSLogs/" + b.Account() + "/*")}));
         } else {
           b.Label("s3:server-access-logs");
           s.push_back(b.Make({"S3ServerAccessLogsPolicy",
                               false,
                               b.Service({"logging.s3.amazonaws.com"}),
                               b.One("s3:PutObject"),
                               b.One(arn + "/logs/*"),
                               {b.Cond({"ArnLike", "aws:SourceArn", {b.OtherBucketArn()}}),
                                b.Cond({"StringEquals", "aws:SourceAccount", {b.Account()}})}}));
         }
       }},
      {6, true,
       [&] {
         b.Label("s3:org-wide");
         s.push_back(b.Make({"AllowOrganization",
                             false,
                             b.Star(),
                             b.Many(Concat(kS3Read, {"s3:ListBucket"})),
                             both(),
                             {b.Cond({"StringEquals", "aws:PrincipalOrgID", {b.OrgId()}})}}));
       }},
      {4, true,
       [&] {
         b.Label("s3:policy-variables");
         std::string role = b.RoleArn(b.Account());
         s.push_back(b.Make(
             {"AllowListingOfUserFolder",
              false,
              b.Aws({role}),
              b.One("s3:ListBucket"),
              b.One(arn),
              {b.Cond({"StringLike", "s3:prefix", {"", "home/", "home/${aws:username}/*"}})}}));
         s.push_back(b.Make({"AllowAllS3ActionsInUserFolder", false, b.Aws({role}), b.One("s3:*"),
                             b.One(arn + "/home/${aws:username}/*")}));
         if (b.r.Percent(50)) {
           // Granted to anyone, the principal's tag decides the prefix: a variable whose key a
           // request may lack.
           bool anyone = b.On(CorpusShapeFamily::kPolicyVariables) && b.r.Percent(50);
           if (anyone) b.Label("family:policy-variables");
           s.push_back(b.Make({"AllowTeamPrefix", false, anyone ? b.Star() : b.Aws({role}),
                               b.Many(kS3Read), b.One(arn + "/teams/${aws:PrincipalTag/team}/*")}));
         }
       }},
      {5, true,
       [&] {
         b.Label("s3:access-point-delegation");
         s.push_back(
             b.Make({"DelegateToAccessPoints",
                     false,
                     b.Star(),
                     b.One("*"),
                     both(),
                     {b.Cond({"StringEquals", "s3:DataAccessPointAccount", {b.Account()}})}}));
       }},
      {3, true,
       [&] {
         b.Label("s3:multi-tenant");
         int64_t target = b.r.Between(6, 18);
         for (int i = 1; static_cast<int64_t>(s.size()) < target; ++i) {
           std::string account = b.r.Percent(80) ? b.ExternalAccount() : b.Member();
           std::string prefix = "tenants/" + account;
           std::string role = b.RoleArn(account, "tenant-data-access");
           s.push_back(b.Make({"Tenant" + std::to_string(i) + "Read", false, b.Aws({role}),
                               b.Many(Concat(kS3Read, {"s3:PutObject"})),
                               b.One(arn + "/" + prefix + "/*")}));
           if (b.r.Percent(50)) {
             s.push_back(b.Make({"Tenant" + std::to_string(i) + "List",
                                 false,
                                 b.Aws({role}),
                                 b.One("s3:ListBucket"),
                                 b.One(arn),
                                 {b.Cond({"StringLike", "s3:prefix", {prefix + "/*"}})}}));
           }
         }
       }},
      {2, true,
       [&] {
         b.Label("s3:large-ip-allowlist");
         std::vector<std::string> cidrs;
         int64_t n = b.r.Between(40, 300);
         for (int64_t i = 0; i < n; ++i) {
           cidrs.push_back(
               Cat({std::to_string(b.r.Between(1, 223)), ".", std::to_string(b.r.Between(0, 255)),
                    ".", std::to_string(b.r.Between(0, 255)), ".0/24"}));
         }
         s.push_back(b.Make({"AllowFromOfficeRanges",
                             false,
                             b.Star(),
                             b.Many(kS3Read),
                             b.One(objects),
                             {b.Cond({"IpAddress", "aws:SourceIp", cidrs})}}));
       }},
      {3, true,
       [&] {
         b.Label("s3:canonical-user");
         s.push_back(b.Make({"AllowCanonicalUser", false, b.Canonical(b.CanonicalUser()),
                             b.Many(Concat(kS3Read, {"s3:ListBucket"})), both()}));
       }},
      {2, true,
       [&] {
         b.Label("trap:allow-not-principal");
         Statement st = b.Make({"AllowAllButGuest", false,
                                b.Aws({"arn:aws:iam::" + b.Account() + ":user/guest"}),
                                b.One("s3:GetObject"), b.One(objects)});
         st.not_principal = true;
         s.push_back(std::move(st));
       }},
      {2, true,
       [&] {
         b.Label("s3:not-action");
         Statement st = b.Make(
             {"AllowAllButDelete", false, b.Aws({b.AccountPrincipal(b.CrossAccount())}),
              b.Many({"s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucketPolicy"}), both()});
         st.not_action = true;
         s.push_back(std::move(st));
       }},
      {2, true,
       [&] {
         b.Label("s3:not-resource");
         Statement st =
             b.Make({"AllowOutsidePrivate", false, b.Aws({b.AccountPrincipal(b.CrossAccount())}),
                     b.One("s3:GetObject"), b.One(arn + "/private/*")});
         st.not_resource = true;
         s.push_back(std::move(st));
       }},
      {2, true,
       [&] {
         b.Label("trap:wildcard-account-principal");
         s.push_back(
             b.Make({"AllowAnyAccountRole", false,
                     b.Aws({b.r.Percent(50) ? "arn:aws:iam::*:root"
                                            : "arn:aws:iam::*:role/" +
                                                  std::string(b.r.Pick({"Auditor", "ReadOnly"}))}),
                     b.Many(kS3Read), b.One(objects)}));
       }},
      {3, true,
       [&] {
         b.Label("s3:mfa");
         s.push_back(
             b.Make({"AllowWithMfa",
                     false,
                     b.Aws({b.AccountPrincipal(b.r.Percent(50) ? b.Account() : b.CrossAccount())}),
                     b.Many(Concat(kS3Read, kS3Write)),
                     b.One(objects),
                     {Condition{"Bool", "aws:MultiFactorAuthPresent", {{"true"}, false}, false},
                      b.Cond({"NumericLessThanEquals", "aws:MultiFactorAuthAge", {"3600"}})}}));
       }},
      {2, true,
       [&] {
         b.Label("trap:for-all-values-missing-key");
         s.push_back(b.Make(
             {"AllowTaggedUploads",
              false,
              b.Star(),
              b.One("s3:PutObject"),
              b.One(objects),
              {b.Cond({"ForAllValues:StringEquals", "aws:TagKeys", {"project", "owner"}})}}));
       }},
  });
  Access guard{b.One("s3:*"), both()};
  Access grant{b.Many(kS3Read), b.One(objects)};
  if (b.r.Percent(6)) {
    b.Label("deny-old-tls");
    s.push_back(b.Make(
        {"EnforceTLSv12orHigher",
         true,
         b.Star(),
         b.One("s3:*"),
         both(),
         {Condition{"NumericLessThan", "s3:TlsVersion", {{"1.2"}, false}, b.r.Percent(50)}}}));
  }
  if (b.r.Percent(8)) {
    b.Label("deny-unencrypted");
    s.push_back(
        b.Make({"DenyIncorrectEncryptionHeader",
                true,
                b.Star(),
                b.One("s3:PutObject"),
                b.One(objects),
                {b.Cond({"StringNotEquals", "s3:x-amz-server-side-encryption", {"aws:kms"}})}}));
    if (b.r.Percent(60)) {
      s.push_back(b.Make({"DenyUnEncryptedObjectUploads",
                          true,
                          b.Star(),
                          b.One("s3:PutObject"),
                          b.One(objects),
                          {b.Cond({"Null", "s3:x-amz-server-side-encryption", {"true"}})}}));
    }
  }
  if (b.r.Percent(3)) {
    b.Label("deny-not-resource");
    Statement st = b.Make({"DenyOutsidePublicPrefix", true, b.Star(), b.One("s3:GetObject"),
                           b.One(arn + "/public/*")});
    st.not_resource = true;
    s.push_back(std::move(st));
  }
  GuardRails(b, s, guard, grant);
  return Finish(b, std::move(s), 3,
                "Policy" + std::to_string(b.r.Between(1000000000000, 1999999999999)));
}

// ---- IAM role trust policies
// -----------------------------------------------------------------------------

Policy TrustPolicy(Builder& b) {
  std::vector<Statement> s;
  const Values assume = b.One("sts:AssumeRole");
  const Access access{assume, std::nullopt};
  auto saml = [&](const std::string& account, bool with_aud) {
    std::string provider = "arn:aws:iam::" + account + ":saml-provider/" +
                           std::string(b.r.Pick({"Okta", "AzureAD", "ADFS"}));
    std::vector<Condition> c;
    if (with_aud)
      c.push_back(b.Cond({"StringEquals", "SAML:aud", {"https://signin.aws.amazon.com/saml"}}));
    s.push_back(b.Make({"TrustSaml", false, b.Federated(provider),
                        b.r.Percent(50) ? b.Many({"sts:AssumeRoleWithSAML", "sts:TagSession"})
                                        : b.One("sts:AssumeRoleWithSAML"),
                        std::nullopt, c}));
  };
  auto cognito = [&](bool with_aud, std::string amr) {
    std::vector<Condition> c;
    if (with_aud)
      c.push_back(b.Cond(
          {"StringEquals", "cognito-identity.amazonaws.com:aud", {b.Region() + ":" + b.Uuid()}}));
    c.push_back(
        b.Cond({"ForAnyValue:StringLike", "cognito-identity.amazonaws.com:amr", {std::move(amr)}}));
    s.push_back(b.Make({"TrustCognito", false, b.Federated("cognito-identity.amazonaws.com"),
                        b.One("sts:AssumeRoleWithWebIdentity"), std::nullopt, c}));
  };
  b.Choose({
      {30, true,
       [&] {
         b.Label("role:service");
         std::vector<std::string> services = b.Some(kTrustServices, 1, 2);
         std::vector<Condition> c;
         if (b.r.Percent(25)) {
           b.Label("cond:source-account");
           c.push_back(b.Cond({"StringEquals", "aws:SourceAccount", {b.Account()}}));
           if (b.r.Percent(50)) {
             std::string ns = services.front().substr(0, services.front().find('.'));
             if (ns == "ecs-tasks") ns = "ecs";
             c.push_back(b.Cond({"ArnLike",
                                 "aws:SourceArn",
                                 {"arn:aws:" + ns + ":" + b.Region() + ":" + b.Account() + ":*"}}));
           }
         }
         s.push_back(
             b.Make({"TrustService", false, b.Service(services),
                     b.r.Percent(90) ? assume : b.Many({"sts:AssumeRole", "sts:TagSession"}),
                     std::nullopt, c}));
       }},
      {10, true,
       [&] {
         b.Label("role:same-account");
         std::vector<Condition> c;
         if (b.r.Percent(40))
           c.push_back(Condition{"Bool", "aws:MultiFactorAuthPresent", {{"true"}, false}, false});
         s.push_back(b.Make(
             {"TrustSameAccount", false,
              b.Aws(b.r.Percent(60) ? std::vector<std::string>{b.AccountPrincipal(b.Account())}
                                    : b.PrincipalsOf(b.Account(), b.r.Between(1, 3))),
              assume, std::nullopt, c}));
       }},
      {14, true,
       [&] {
         b.Label("role:cross-account");
         std::string account = b.CrossAccount();
         std::vector<Condition> c;
         if (b.r.Percent(60)) {
           b.Label("cond:external-id");
           c.push_back(b.Cond({"StringEquals",
                               "sts:ExternalId",
                               {b.r.Chars(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}}));
         }
         s.push_back(
             b.Make({"TrustCrossAccount", false, b.Aws(b.PrincipalsOf(account, b.r.Between(1, 3))),
                     assume, std::nullopt, c}));
       }},
      {8, true,
       [&] {
         bool aud = b.r.Percent(85);
         b.Label(aud ? "role:saml" : "trap:saml-without-aud");
         saml(b.Account(), aud);
       }},
      {10, true,
       [&] {
         b.Label("role:github-oidc");
         const std::string host = "token.actions.githubusercontent.com";
         std::string org(b.r.Pick({"octo-org", "example-corp", "acme-inc"}));
         std::string repo = org + "/" + b.r.Pick(kWords);
         std::vector<Condition> c = {
             b.Cond({"StringEquals", host + ":aud", {"sts.amazonaws.com"}})};
         uint64_t x = b.r.Below(100);
         if (x < 45) {
           c.push_back(
               b.Cond({"StringEquals", host + ":sub", {"repo:" + repo + ":ref:refs/heads/main"}}));
         } else if (x < 75) {
           c.push_back(b.Cond({"StringLike", host + ":sub", {"repo:" + repo + ":*"}}));
         } else if (x < 85) {
           c.push_back(b.Cond({"StringLike", host + ":sub", {"repo:" + org + "/*"}}));
         } else if (x < 93) {
           b.Label("trap:github-any-repository");
           c.push_back(b.Cond({"StringLike", host + ":sub", {"repo:*"}}));
         } else {
           b.Label("trap:github-without-sub");
         }
         s.push_back(b.Make({"TrustGitHubActions", false,
                             b.Federated("arn:aws:iam::" + b.Account() + ":oidc-provider/" + host),
                             b.One("sts:AssumeRoleWithWebIdentity"), std::nullopt, c}));
       }},
      {4, true,
       [&] {
         b.Label("role:cognito");
         cognito(true, b.r.Percent(70) ? "authenticated" : "unauthenticated");
       }},
      {5, true,
       [&] {
         b.Label("role:eks-irsa");
         std::string issuer =
             "oidc.eks." + b.Region() + ".amazonaws.com/id/" + b.r.Chars(32, "0123456789ABCDEF");
         std::vector<Condition> c;
         if (b.r.Percent(80)) {
           c = {b.Cond({"StringEquals", issuer + ":aud", {"sts.amazonaws.com"}}),
                b.Cond({"StringEquals",
                        issuer + ":sub",
                        {Cat({"system:serviceaccount:",
                              std::string(b.r.Pick({"default", "kube-system", "apps"})), ":",
                              std::string(
                                  b.r.Pick({"external-dns", "cluster-autoscaler", "app-sa"}))})}})};
         } else {
           b.Label("cond:irsa-wildcard-sub");
           c = {b.Cond({"StringLike", issuer + ":sub", {"system:serviceaccount:*:*"}})};
         }
         s.push_back(
             b.Make({"TrustEksServiceAccount", false,
                     b.Federated("arn:aws:iam::" + b.Account() + ":oidc-provider/" + issuer),
                     b.One("sts:AssumeRoleWithWebIdentity"), std::nullopt, c}));
       }},
      {6, true,
       [&] {
         b.Label("role:org-wide");
         std::vector<Condition> c = {b.Cond({"StringEquals", "aws:PrincipalOrgID", {b.OrgId()}})};
         if (b.r.Percent(50)) {
           c.push_back(b.Cond(
               {"ArnLike",
                "aws:PrincipalArn",
                {"arn:aws:iam::*:role/" + std::string(b.r.Pick({"OrganizationAccountAccessRole",
                                                                "SecurityAudit*", "cicd-*"}))}}));
         }
         s.push_back(b.Make({"TrustOrganization", false, b.Aws({"*"}), assume, std::nullopt, c}));
       }},
      {3, true,
       [&] {
         b.Label("role:principal-arn");
         std::string account = b.r.Percent(50) ? "*" : b.ExternalAccount();
         s.push_back(
             b.Make({"TrustByPrincipalArn",
                     false,
                     b.Aws({"*"}),
                     assume,
                     std::nullopt,
                     {b.Cond({"ArnLike",
                              "aws:PrincipalArn",
                              {"arn:aws:iam::" + account + ":role/" +
                               std::string(b.r.Pick({"deploy-*", "*-admin", "jenkins"}))}})}}));
       }},
      {2, true,
       [&] {
         b.Label("role:public");
         s.push_back(b.Make({"TrustAnyone", false, b.Star(), assume, std::nullopt}));
       }},
      {2, true,
       [&] {
         b.Label("trap:deleted-principal-id");
         s.push_back(b.Make({"TrustDeletedRole", false,
                             b.Aws({"AROA" + b.r.Chars(17, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")}),
                             assume, std::nullopt}));
       }},
      {2, true,
       [&] {
         b.Label("trap:wildcard-account-principal");
         s.push_back(b.Make(
             {"TrustAnyAccountRoot", false, b.Aws({"arn:aws:iam::*:root"}), assume, std::nullopt}));
       }},
      // Federated principals beyond the baseline.
      {3, b.On(CorpusShapeFamily::kFederated),
       [&] {
         b.Label("family:federated");
         b.Label("role:web-identity");
         std::string provider(
             b.r.Pick({"accounts.google.com", "graph.facebook.com", "www.amazon.com"}));
         std::vector<Condition> c;
         std::string aud_key = provider == "accounts.google.com"  ? "accounts.google.com:aud"
                               : provider == "graph.facebook.com" ? "graph.facebook.com:app_id"
                                                                  : "www.amazon.com:app_id";
         if (b.r.Percent(70)) {
           c.push_back(b.Cond(
               {"StringEquals", aud_key, {b.r.Chars(12, "0123456789") + ".apps.example.com"}}));
         } else {
           b.Label("trap:web-identity-without-aud");
         }
         s.push_back(b.Make({"TrustWebIdentity", false, b.Federated(provider),
                             b.One("sts:AssumeRoleWithWebIdentity"), std::nullopt, c}));
       }},
      {2, b.On(CorpusShapeFamily::kFederated),
       [&] {
         b.Label("family:federated");
         b.Label("role:saml-foreign-provider");
         std::string account = b.r.Percent(50) ? b.ExternalAccount() : b.Member();
         saml(account, b.r.Percent(70));
       }},
      {2, b.On(CorpusShapeFamily::kFederated),
       [&] {
         b.Label("family:federated");
         b.Label("role:oidc-foreign-provider");
         std::string account = b.r.Percent(50) ? b.ExternalAccount() : b.Member();
         const std::string host = "token.actions.githubusercontent.com";
         std::vector<Condition> c = {
             b.Cond({"StringEquals", host + ":aud", {"sts.amazonaws.com"}})};
         if (b.r.Percent(60))
           c.push_back(b.Cond({"StringLike", host + ":sub", {"repo:octo-org/*"}}));
         s.push_back(b.Make({"TrustForeignOidc", false,
                             b.Federated("arn:aws:iam::" + account + ":oidc-provider/" + host),
                             b.One("sts:AssumeRoleWithWebIdentity"), std::nullopt, c}));
       }},
      {2, b.On(CorpusShapeFamily::kFederated),
       [&] {
         b.Label("family:federated");
         b.Label("trap:cognito-without-aud");
         cognito(false, b.r.Percent(50) ? "unauthenticated" : "authenticated");
       }},
  });
  if (b.r.Percent(10)) {
    b.Label("role:second-service");
    s.push_back(b.Make(
        {"TrustServiceToo", false, b.Service({b.r.Pick(kTrustServices)}), assume, std::nullopt}));
  }
  if (b.r.Percent(4)) s.push_back(DenyOutsideOrganization(b, access));
  MaybeFamily(b, s, access, true, 10);
  return Finish(b, std::move(s), 1, std::nullopt);
}

// ---- KMS key policies
// ------------------------------------------------------------------------------------

const std::vector<std::string> kKmsUse = {"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
                                          "kms:GenerateDataKey*", "kms:DescribeKey"};
const std::vector<std::string> kKmsAdmin = {"kms:Create*",
                                            "kms:Describe*",
                                            "kms:Enable*",
                                            "kms:List*",
                                            "kms:Put*",
                                            "kms:Update*",
                                            "kms:Revoke*",
                                            "kms:Disable*",
                                            "kms:Get*",
                                            "kms:Delete*",
                                            "kms:TagResource",
                                            "kms:UntagResource",
                                            "kms:ScheduleKeyDeletion",
                                            "kms:CancelKeyDeletion"};

Policy KeyPolicy(Builder& b) {
  std::vector<Statement> s;
  const std::string root = "arn:aws:iam::" + b.Account() + ":root";
  // The default key policy's first statement, in every key the console or the API creates.
  s.push_back(
      b.Make({"Enable IAM User Permissions", false, b.Aws({root}), b.One("kms:*"), b.One("*")}));
  b.Choose({
      {30, true,
       [&] {
         b.Label("kms:default-with-roles");
         if (b.r.Percent(80)) {
           s.push_back(b.Make({"Allow access for Key Administrators", false,
                               b.Aws({b.RoleArn(b.Account(), "KeyAdmin")}), b.Many(kKmsAdmin),
                               b.One("*")}));
         }
         s.push_back(b.Make({"Allow use of the key", false,
                             b.Aws(b.PrincipalsOf(b.Account(), b.r.Between(1, 3))), b.Many(kKmsUse),
                             b.One("*")}));
         s.push_back(b.Make(
             {"Allow attachment of persistent resources",
              false,
              b.Aws(b.PrincipalsOf(b.Account(), 1)),
              b.Many({"kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"}),
              b.One("*"),
              {Condition{
                  "Bool", "kms:GrantIsForAWSResource", {{"true"}, false}, b.r.Percent(30)}}}));
       }},
      {15, true,
       [&] {
         b.Label("kms:cross-account");
         std::string account = b.CrossAccount();
         s.push_back(b.Make({"Allow an external account to use this KMS key", false,
                             b.Aws({b.AccountPrincipal(account)}), b.Many(kKmsUse), b.One("*")}));
         if (b.r.Percent(50)) {
           s.push_back(
               b.Make({"Allow attachment of persistent resources in external account",
                       false,
                       b.Aws({b.AccountPrincipal(account)}),
                       b.One("kms:CreateGrant"),
                       b.One("*"),
                       {Condition{"Bool", "kms:GrantIsForAWSResource", {{"true"}, false}, true}}}));
         }
       }},
      {12, true,
       [&] {
         b.Label("kms:via-service");
         std::string service(b.r.Pick({"s3", "ec2", "rds", "secretsmanager", "sqs", "dynamodb"}));
         s.front() = b.Make({"Allow access through the service for all principals in the account",
                             false,
                             b.Aws({"*"}),
                             b.Many({"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*",
                                     "kms:GenerateDataKey*", "kms:CreateGrant", "kms:DescribeKey"}),
                             b.One("*"),
                             {b.Cond({"StringEquals", "kms:CallerAccount", {b.Account()}}),
                              b.Cond({"StringEquals",
                                      "kms:ViaService",
                                      {service + "." + b.Region() + ".amazonaws.com"}})}});
         s.push_back(b.Make(
             {"Allow direct access to key metadata to the account", false, b.Aws({root}),
              b.Many({"kms:Describe*", "kms:Get*", "kms:List*", "kms:RevokeGrant"}), b.One("*")}));
       }},
      {10, true,
       [&] {
         b.Label("kms:cloudtrail");
         std::string context = "arn:aws:cloudtrail:*:" + b.Account() + ":trail/*";
         s.push_back(b.Make(
             {"Allow CloudTrail to encrypt logs",
              false,
              b.Service({"cloudtrail.amazonaws.com"}),
              b.One("kms:GenerateDataKey*"),
              b.One("*"),
              {b.Cond({"StringEquals", "aws:SourceArn", {b.TrailArn()}}),
               b.Cond({"StringLike", "kms:EncryptionContext:aws:cloudtrail:arn", {context}})}}));
         s.push_back(b.Make(
             {"Allow principals in the account to decrypt log files",
              false,
              b.Aws({"*"}),
              b.Many({"kms:Decrypt", "kms:ReEncryptFrom"}),
              b.One("*"),
              {b.Cond({"StringEquals", "kms:CallerAccount", {b.Account()}}),
               b.Cond({"StringLike", "kms:EncryptionContext:aws:cloudtrail:arn", {context}})}}));
       }},
      {8, true,
       [&] {
         b.Label("kms:cloudwatch-logs");
         s.push_back(b.Make(
             {"AllowCloudWatchLogs",
              false,
              b.Service({"logs." + b.Region() + ".amazonaws.com"}),
              b.Many({"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*",
                      "kms:Describe*"}),
              b.One("*"),
              {b.Cond({"ArnLike",
                       "kms:EncryptionContext:aws:logs:arn",
                       {"arn:aws:logs:" + b.Region() + ":" + b.Account() + ":log-group:*"}})}}));
       }},
      {10, true,
       [&] {
         b.Label("kms:org-wide");
         s.push_back(b.Make({"AllowOrganizationUse",
                             false,
                             b.Aws({"*"}),
                             b.Many({"kms:Decrypt", "kms:DescribeKey"}),
                             b.One("*"),
                             {b.Cond({"StringEquals", "aws:PrincipalOrgID", {b.OrgId()}})}}));
       }},
      {5, true,
       [&] {
         b.Label("kms:encryption-context");
         s.push_back(
             b.Make({"AllowDecryptWithContext",
                     false,
                     b.Aws({b.RoleArn(b.ExternalAccount())}),
                     b.One("kms:Decrypt"),
                     b.One("*"),
                     {b.Cond({"ForAllValues:StringEquals",
                              "kms:EncryptionContextKeys",
                              {"Department", "Project"}}),
                      b.Cond({"StringEquals", "kms:EncryptionContext:Department", {"IT"}})}}));
       }},
      {4, true,
       [&] {
         b.Label("kms:public-conditioned");
         s.push_back(b.Make({"AllowConditioned", false, b.Star(),
                             b.Many({"kms:Decrypt", "kms:GenerateDataKey"}), b.One("*"),
                             PublicConditions(b)}));
       }},
      {2, true,
       [&] {
         b.Label("kms:public");
         s.push_back(b.Make({"AllowEveryone", false, b.Star(), b.One("kms:Decrypt"), b.One("*")}));
       }},
      {4, true,
       [&] {
         b.Label("kms:grant-operations");
         s.push_back(b.Make(
             {"AllowGrantsForService",
              false,
              b.Aws({b.AccountPrincipal(b.r.Percent(50) ? b.ExternalAccount() : b.Account())}),
              b.One("kms:CreateGrant"),
              b.One("*"),
              {b.Cond({"ForAllValues:StringEquals", "kms:GrantOperations", {"Decrypt", "Encrypt"}}),
               Condition{"Bool", "kms:GrantIsForAWSResource", {{"true"}, false}, false}}}));
       }},
  });
  if (b.r.Percent(5)) s.push_back(DenyOutsideOrganization(b, Access{b.One("kms:*"), b.One("*")}));
  MaybeFamily(b, s, Access{b.Many({"kms:Decrypt", "kms:DescribeKey"}), b.One("*")}, false, 12);
  return Finish(b, std::move(s), 0,
                std::string(b.r.Pick({"key-consolepolicy-3", "key-default-1"})));
}

// ---- Lambda function policies (AddPermission's shapes)
// --------------------------------------------------

Policy FunctionPolicy(Builder& b, const std::string& arn) {
  std::vector<Statement> s;
  int64_t n = b.r.Percent(70) ? 1 : b.r.Between(2, 10);
  const Values invoke = b.One("lambda:InvokeFunction");
  for (int64_t i = 0; i < n; ++i) {
    std::string sid = Cat({std::string(b.r.Pick({"lambda-", "AllowInvoke-", ""})), b.Uuid()});
    b.Choose({
        {20, true,
         [&] {
           b.Label("lambda:api-gateway");
           s.push_back(b.Make(
               {sid,
                false,
                b.Service({"apigateway.amazonaws.com"}),
                invoke,
                b.One(arn),
                {b.Cond({"ArnLike",
                         "AWS:SourceArn",
                         {Cat({"arn:aws:execute-api:", b.Region(), ":", b.Account(), ":",
                               b.r.Chars(10, "abcdefghijklmnopqrstuvwxyz0123456789"), "/*/",
                               std::string(b.r.Pick({"GET/items", "POST/orders", "*"}))})}})}}));
         }},
        {16, true,
         [&] {
           b.Label("lambda:s3");
           std::vector<Condition> c = {b.Cond({"ArnLike", "AWS:SourceArn", {b.OtherBucketArn()}})};
           if (b.r.Percent(70))
             c.push_back(b.Cond({"StringEquals", "AWS:SourceAccount", {b.Account()}}));
           s.push_back(
               b.Make({sid, false, b.Service({"s3.amazonaws.com"}), invoke, b.One(arn), c}));
         }},
        {10, true,
         [&] {
           b.Label("lambda:events");
           s.push_back(b.Make({sid,
                               false,
                               b.Service({"events.amazonaws.com"}),
                               invoke,
                               b.One(arn),
                               {b.Cond({"ArnLike", "AWS:SourceArn", {b.RuleArn()}})}}));
         }},
        {8, true,
         [&] {
           b.Label("lambda:sns");
           s.push_back(b.Make(
               {sid,
                false,
                b.Service({"sns.amazonaws.com"}),
                invoke,
                b.One(arn),
                {b.Cond({"ArnLike",
                         "AWS:SourceArn",
                         {b.TopicArn(b.r.Percent(80) ? b.Account() : b.ExternalAccount())}})}}));
         }},
        {6, true,
         [&] {
           b.Label("trap:service-without-source");
           s.push_back(
               b.Make({sid, false,
                       b.Service({std::string(b.r.Pick({"s3.amazonaws.com", "sns.amazonaws.com",
                                                        "elasticloadbalancing.amazonaws.com"}))}),
                       invoke, b.One(arn)}));
         }},
        {12, true,
         [&] {
           b.Label("lambda:cross-account");
           s.push_back(b.Make(
               {sid, false, b.Aws({b.AccountPrincipal(b.CrossAccount())}), invoke, b.One(arn)}));
         }},
        {6, true,
         [&] {
           b.Label("lambda:function-url-public");
           s.push_back(b.Make({"FunctionURLAllowPublicAccess",
                               false,
                               b.Star(),
                               b.One("lambda:InvokeFunctionUrl"),
                               b.One(arn),
                               {b.Cond({"StringEquals",
                                        "lambda:FunctionUrlAuthType",
                                        {b.r.Percent(85) ? "NONE" : "AWS_IAM"}})}}));
         }},
        {4, true,
         [&] {
           b.Label("lambda:org");
           s.push_back(b.Make({sid,
                               false,
                               b.Star(),
                               invoke,
                               b.One(arn),
                               {b.Cond({"StringEquals", "aws:PrincipalOrgID", {b.OrgId()}})}}));
         }},
        {3, true,
         [&] {
           b.Label("lambda:alexa");
           s.push_back(b.Make({sid,
                               false,
                               b.Service({"alexa-appkit.amazon.com"}),
                               invoke,
                               b.One(arn),
                               {b.Cond({"StringEquals",
                                        "lambda:EventSourceToken",
                                        {"amzn1.ask.skill." + b.Uuid()}})}}));
         }},
        {3, true,
         [&] {
           b.Label("lambda:public");
           s.push_back(b.Make({sid, false, b.Star(), invoke, b.One(arn)}));
         }},
    });
  }
  MaybeFamily(b, s, Access{invoke, b.One(arn)}, false, 10);
  return Finish(b, std::move(s), 0, std::string("default"));
}

// ---- SQS, SNS, Secrets Manager
// -------------------------------------------------------------------------

Policy QueuePolicy(Builder& b, const std::string& arn) {
  std::vector<Statement> s;
  if (b.r.Percent(35)) {
    b.Label("sqs:owner-statement");
    s.push_back(b.Make({"__owner_statement", false, b.Aws({b.AccountPrincipal(b.Account())}),
                        b.One("SQS:*"), b.One(arn)}));
  }
  b.Choose({
      {25, true,
       [&] {
         b.Label("sqs:sns-fan-out");
         std::string topic = b.TopicArn(b.r.Percent(80) ? b.Account() : b.ExternalAccount());
         s.push_back(b.Make(
             {"topic-subscription-" + topic,
              false,
              b.r.Percent(50) ? b.Service({"sns.amazonaws.com"}) : b.Star(),
              b.One("SQS:SendMessage"),
              b.One(arn),
              {b.Cond({b.r.Percent(60) ? "ArnEquals" : "ArnLike", "aws:SourceArn", {topic}})}}));
       }},
      {15, true,
       [&] {
         b.Label("sqs:s3-notifications");
         std::vector<Condition> c = {b.Cond({"ArnLike", "aws:SourceArn", {b.OtherBucketArn()}})};
         if (b.r.Percent(70))
           c.push_back(b.Cond({"StringEquals", "aws:SourceAccount", {b.Account()}}));
         s.push_back(b.Make({"example-statement-ID", false, b.Service({"s3.amazonaws.com"}),
                             b.One("SQS:SendMessage"), b.One(arn), c}));
       }},
      {10, true,
       [&] {
         b.Label("sqs:eventbridge");
         s.push_back(b.Make({"AWSEvents_rule",
                             false,
                             b.Service({"events.amazonaws.com"}),
                             b.One("sqs:SendMessage"),
                             b.One(arn),
                             {b.Cond({"ArnEquals", "aws:SourceArn", {b.RuleArn()}})}}));
       }},
      {18, true,
       [&] {
         b.Label("sqs:cross-account");
         s.push_back(
             b.Make({"AllowCrossAccount", false,
                     b.Aws(b.PrincipalsOf(b.CrossAccount(), b.r.Between(1, 3))),
                     b.Many(b.Some({"sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage",
                                    "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"},
                                   1, 3)),
                     b.One(arn)}));
       }},
      {14, true,
       [&] {
         b.Label("sqs:public-conditioned");
         s.push_back(b.Make({"AllowConditioned", false, b.Star(),
                             b.One(b.r.Percent(50) ? "sqs:SendMessage" : "sqs:*"), b.One(arn),
                             PublicConditions(b)}));
       }},
      {5, true,
       [&] {
         b.Label("sqs:public");
         s.push_back(
             b.Make({"AllowAnyone", false, b.Star(), b.One("SQS:SendMessage"), b.One(arn)}));
       }},
      {5, true,
       [&] {
         b.Label("sqs:not-action");
         Statement st =
             b.Make({"AllowAllButAdmin",
                     false,
                     b.Aws({b.AccountPrincipal(b.CrossAccount())}),
                     b.Many({"sqs:DeleteQueue", "sqs:SetQueueAttributes", "sqs:AddPermission"}),
                     b.One(arn),
                     {b.Cond({"StringEquals", "aws:SourceVpce", {b.Vpce()}})}});
         st.not_action = true;
         s.push_back(std::move(st));
       }},
      {8, true, [&] { b.Label("sqs:owner-only"); }},
  });
  if (s.empty())
    s.push_back(b.Make({"__owner_statement", false, b.Aws({b.AccountPrincipal(b.Account())}),
                        b.One("SQS:*"), b.One(arn)}));
  Access guard{b.One("sqs:*"), b.One(arn)};
  GuardRails(b, s, guard, Access{b.One("sqs:SendMessage"), b.One(arn)});
  return Finish(b, std::move(s), 55, arn + "/SQSDefaultPolicy");
}

const std::vector<std::string> kSnsDefault = {"SNS:GetTopicAttributes",
                                              "SNS:SetTopicAttributes",
                                              "SNS:AddPermission",
                                              "SNS:RemovePermission",
                                              "SNS:DeleteTopic",
                                              "SNS:Subscribe",
                                              "SNS:ListSubscriptionsByTopic",
                                              "SNS:Publish"};

Policy TopicPolicy(Builder& b, const std::string& arn) {
  std::vector<Statement> s;
  auto default_statement = [&] {
    return b.Make({"__default_statement_ID",
                   false,
                   b.Aws({"*"}),
                   b.Many(kSnsDefault),
                   b.One(arn),
                   {b.Cond({"StringEquals", "AWS:SourceOwner", {b.Account()}})}});
  };
  if (b.r.Percent(65)) {
    b.Label("sns:default");
    s.push_back(default_statement());
  }
  b.Choose({
      {20, true,
       [&] {
         b.Label("sns:s3-events");
         std::vector<Condition> c = {b.Cond({"ArnLike", "aws:SourceArn", {b.OtherBucketArn()}})};
         if (b.r.Percent(70))
           c.push_back(b.Cond({"StringEquals", "aws:SourceAccount", {b.Account()}}));
         s.push_back(b.Make({"AllowS3Publish", false, b.Service({"s3.amazonaws.com"}),
                             b.One("SNS:Publish"), b.One(arn), c}));
       }},
      {15, true,
       [&] {
         b.Label("sns:service");
         std::vector<Condition> c;
         if (b.r.Percent(50))
           c.push_back(b.Cond({"StringEquals", "aws:SourceAccount", {b.Account()}}));
         s.push_back(b.Make(
             {"AllowServicePublish", false,
              b.Service({std::string(b.r.Pick(
                  {"cloudwatch.amazonaws.com", "events.amazonaws.com", "budgets.amazonaws.com",
                   "codestar-notifications.amazonaws.com", "backup.amazonaws.com"}))}),
              b.One("sns:Publish"), b.One(arn), c}));
       }},
      {20, true,
       [&] {
         b.Label("sns:cross-account-subscribe");
         std::vector<Condition> c;
         if (b.r.Percent(50))
           c.push_back(b.Cond({"StringEquals",
                               "SNS:Protocol",
                               {std::string(b.r.Pick({"sqs", "lambda", "https"}))}}));
         s.push_back(b.Make(
             {"AllowCrossAccountSubscribe", false, b.Aws({b.AccountPrincipal(b.CrossAccount())}),
              b.r.Percent(30) ? b.Many({"SNS:Subscribe", "SNS:Receive"}) : b.One("SNS:Subscribe"),
              b.One(arn), c}));
       }},
      {8, true,
       [&] {
         b.Label("sns:public-email-subscribe");
         s.push_back(b.Make({"AllowEmailSubscribe",
                             false,
                             b.Star(),
                             b.One("SNS:Subscribe"),
                             b.One(arn),
                             {b.Cond({"StringLike", "SNS:Endpoint", {"*@example.com"}}),
                              b.Cond({"StringEquals", "sns:Protocol", {"email"}})}}));
       }},
      {10, true,
       [&] {
         b.Label("sns:org-wide");
         s.push_back(b.Make({"AllowOrgPublish",
                             false,
                             b.Star(),
                             b.One("SNS:Publish"),
                             b.One(arn),
                             {b.Cond({"StringEquals", "aws:PrincipalOrgID", {b.OrgId()}})}}));
       }},
      {8, true,
       [&] {
         b.Label("sns:public-conditioned");
         s.push_back(b.Make({"AllowConditioned", false, b.Star(), b.One("SNS:Publish"), b.One(arn),
                             PublicConditions(b)}));
       }},
      {3, true,
       [&] {
         b.Label("sns:public");
         s.push_back(
             b.Make({"AllowPublicPublish", false, b.Star(), b.One("SNS:Publish"), b.One(arn)}));
       }},
      {4, true,
       [&] {
         b.Label("sns:source-owner-other");
         s.push_back(
             b.Make({"AllowPartnerAccount",
                     false,
                     b.Aws({"*"}),
                     b.One("SNS:Publish"),
                     b.One(arn),
                     {b.Cond({"StringEquals", "AWS:SourceOwner", {b.ExternalAccount()}})}}));
       }},
      {12, true, [&] { b.Label("sns:default-only"); }},
  });
  if (s.empty()) s.push_back(default_statement());
  Access guard{b.One("SNS:Publish"), b.One(arn)};
  GuardRails(b, s, guard, Access{b.One("SNS:Publish"), b.One(arn)});
  return Finish(b, std::move(s), 60, std::string("__default_policy_ID"));
}

const std::vector<std::string> kSecretRead = {"secretsmanager:GetSecretValue",
                                              "secretsmanager:DescribeSecret"};

Policy SecretPolicy(Builder& b) {
  std::vector<Statement> s;
  bool guard_only = false;
  b.Choose({
      {30, true,
       [&] {
         b.Label("secret:same-account");
         s.push_back(
             b.Make({"AllowAppRead", false, b.Aws(b.PrincipalsOf(b.Account(), b.r.Between(1, 2))),
                     b.Many(kSecretRead), b.One("*")}));
       }},
      {25, true,
       [&] {
         b.Label("secret:cross-account");
         std::vector<Condition> c;
         if (b.r.Percent(30))
           c.push_back(
               b.Cond({"ForAnyValue:StringEquals", "secretsmanager:VersionStage", {"AWSCURRENT"}}));
         s.push_back(
             b.Make({"AllowCrossAccountRead", false, b.Aws(b.PrincipalsOf(b.CrossAccount(), 1)),
                     b.One("secretsmanager:GetSecretValue"), b.One("*"), c}));
       }},
      {12, true,
       [&] {
         b.Label("secret:org-wide");
         s.push_back(b.Make({"AllowOrgRead",
                             false,
                             b.Aws({"*"}),
                             b.Many(kSecretRead),
                             b.One("*"),
                             {b.Cond({"StringEquals", "aws:PrincipalOrgID", {b.OrgId()}})}}));
       }},
      {12, true,
       [&] {
         b.Label("secret:public-conditioned");
         s.push_back(
             b.Make({"AllowConditioned", false, b.Star(), b.One("secretsmanager:GetSecretValue"),
                     b.One("*"), PublicConditions(b)}));
       }},
      {5, true,
       [&] {
         b.Label("secret:rotation");
         s.push_back(b.Make(
             {"AllowRotationLambda", false,
              b.Aws({b.RoleArn(b.Account(), "SecretsManagerRotation")}),
              b.Many({"secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue",
                      "secretsmanager:UpdateSecretVersionStage", "secretsmanager:DescribeSecret"}),
              b.One("*")}));
       }},
      {3, true,
       [&] {
         b.Label("secret:public");
         s.push_back(b.Make(
             {"AllowAnyone", false, b.Star(), b.One("secretsmanager:GetSecretValue"), b.One("*")}));
       }},
      {13, true,
       [&] {
         b.Label("secret:deny-only");
         guard_only = true;
       }},
  });
  if (guard_only || b.r.Percent(15)) {
    s.push_back(
        DenyUnlessPrincipalArn(b, Access{b.One("secretsmanager:GetSecretValue"), b.One("*")}));
  }
  if (b.r.Percent(5)) {
    b.Label("deny-replication");
    s.push_back(b.Make({"DenyReplication",
                        true,
                        b.Star(),
                        b.One("secretsmanager:ReplicateSecretToRegions"),
                        b.One("*"),
                        {b.Cond({"ForAnyValue:StringNotEquals",
                                 "secretsmanager:AddReplicaRegions",
                                 {"us-west-2", "eu-west-1"}})}}));
  }
  if (b.r.Percent(3)) {
    b.Label("deny-not-action");
    Statement st = b.Make({"DenyAllButRead", true, b.Star(), b.Many(kSecretRead), b.One("*")});
    st.not_action = true;
    s.push_back(std::move(st));
  }
  Access guard{b.One("secretsmanager:*"), b.One("*")};
  GuardRails(b, s, guard, Access{b.One("secretsmanager:GetSecretValue"), b.One("*")});
  return Finish(b, std::move(s), 0, std::nullopt);
}

// ---- The types of AWS's union beyond the seven
// ------------------------------------------------------------

// A policy of one grant of `actions` on `resources`, to an owner's role, another account, the
// organization or anyone (conditioned or not), with the usual guard rails: ECR, EFS, DynamoDB,
// Lambda layers and directory buckets.
Policy SimpleGrantPolicy(Builder& b, const std::string& prefix, const Values& actions,
                         const Values& resources, std::vector<Condition> service_conditions) {
  std::vector<Statement> s;
  b.Choose({
      {25, true,
       [&] {
         b.Label(prefix + ":same-account");
         s.push_back(
             b.Make({"AllowOwnerRoles", false,
                     b.Aws(b.PrincipalsOf(b.Account(), b.r.Between(1, 2))), actions, resources}));
       }},
      {30, true,
       [&] {
         b.Label(prefix + ":cross-account");
         s.push_back(b.Make({"AllowCrossAccount", false,
                             b.Aws(b.PrincipalsOf(b.CrossAccount(), b.r.Between(1, 2))), actions,
                             resources}));
       }},
      {15, true,
       [&] {
         b.Label(prefix + ":org-wide");
         s.push_back(b.Make({"AllowOrganization",
                             false,
                             b.Star(),
                             actions,
                             resources,
                             {b.Cond({"StringEquals", "aws:PrincipalOrgID", {b.OrgId()}})}}));
       }},
      {15, true,
       [&] {
         b.Label(prefix + ":public-conditioned");
         std::vector<Condition> c = PublicConditions(b);
         for (const Condition& extra : service_conditions) c.push_back(extra);
         s.push_back(b.Make({"AllowConditioned", false, b.Star(), actions, resources, c}));
       }},
      {5, true,
       [&] {
         b.Label(prefix + ":public");
         s.push_back(b.Make({"AllowAnyone", false, b.Star(), actions, resources}));
       }},
  });
  GuardRails(b, s, Access{actions, resources}, Access{actions, resources});
  return Finish(b, std::move(s), 0, std::nullopt);
}

}  // namespace perimeter::corpus::internal
