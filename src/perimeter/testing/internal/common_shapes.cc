#include "perimeter/testing/internal/common_shapes.h"

namespace perimeter::corpus::internal {

// ---- Conditions shared by several types
// ----------------------------------------------------------------

// What a Principal:"*" grant typically carries: restricting or not, and the traps (IfExists on a
// key the request may lack, ForAllValues on a missing key, spoofable Referer, Null).
std::vector<Condition> PublicConditions(Builder& b) {
  std::vector<Condition> out;
  b.Choose({
      {12, true,
       [&] {
         b.Label("cond:source-ip");
         out.push_back(b.Cond({"IpAddress", "aws:SourceIp", b.Some(kCidrs, 1, 3)}));
       }},
      {9, true,
       [&] {
         b.Label("cond:source-vpce");
         out.push_back(b.Cond({"StringEquals", "aws:SourceVpce", {b.Vpce()}}));
       }},
      {7, true,
       [&] {
         b.Label("cond:source-vpc");
         out.push_back(b.Cond({"StringEquals", "aws:SourceVpc", {b.Vpc()}}));
       }},
      {15, true,
       [&] {
         b.Label("cond:principal-org-id");
         out.push_back(b.Cond({"StringEquals", "aws:PrincipalOrgID", {b.OrgId()}}));
       }},
      {6, true,
       [&] {
         b.Label("cond:principal-org-paths");
         bool all = b.r.Percent(25);
         if (all) b.Label("trap:for-all-values-missing-key");
         out.push_back(b.Cond({all ? "ForAllValues:StringLike" : "ForAnyValue:StringLike",
                               "aws:PrincipalOrgPaths",
                               {b.OrgId() + "/r-ab12/ou-ab12-00000001/*"}}));
       }},
      {8, true,
       [&] {
         b.Label("cond:principal-account");
         std::vector<std::string> accounts = {b.Account()};
         if (b.r.Percent(40)) accounts.push_back(b.Member());
         out.push_back(b.Cond({"StringEquals", "aws:PrincipalAccount", accounts}));
       }},
      {8, true,
       [&] {
         b.Label("cond:principal-arn");
         out.push_back(
             b.Cond({"ArnLike",
                     "aws:PrincipalArn",
                     {"arn:aws:iam::" + b.Account() + ":role/" + b.r.Pick(kTeams) + "-*"}}));
       }},
      {5, true,
       [&] {
         b.Label("trap:if-exists");
         out.push_back(b.Cond({"StringEqualsIfExists", "aws:SourceVpce", {b.Vpce()}}));
       }},
      {5, true,
       [&] {
         b.Label("cond:secure-transport-only");
         out.push_back(
             Condition{"Bool", "aws:SecureTransport", {{"true"}, false}, b.r.Percent(30)});
       }},
      {4, true,
       [&] {
         b.Label("trap:referer");
         out.push_back(b.Cond({"StringLike",
                               "aws:Referer",
                               {"https://www.example.com/*", "https://example.com/*"}}));
       }},
      {4, true,
       [&] {
         b.Label("cond:date");
         out.push_back(b.Cond({"DateGreaterThan", "aws:CurrentTime", {"2024-01-01T00:00:00Z"}}));
         out.push_back(b.Cond({"DateLessThan", "aws:CurrentTime", {"2030-12-31T23:59:59Z"}}));
       }},
      {4, true,
       [&] {
         b.Label("cond:source-account");
         out.push_back(b.Cond({"StringEquals", "aws:SourceAccount", {b.Account()}}));
       }},
      {3, true,
       [&] {
         b.Label("cond:null");
         out.push_back(b.Cond({"Null", "aws:SourceVpce", {"false"}}));
       }},
      {3, true,
       [&] {
         b.Label("cond:not-ip-address");
         out.push_back(b.Cond({"NotIpAddress", "aws:SourceIp", b.Some(kCidrs, 1, 2)}));
       }},
      {3, b.On(CorpusShapeFamily::kPolicyVariables),
       [&] {
         b.Label("family:policy-variables");
         b.Label("cond:principal-tag-variable");
         out.push_back(
             b.Cond({"StringEquals", "aws:PrincipalTag/team", {"${aws:ResourceTag/team}"}}));
       }},
      {2, true,
       [&] {
         b.Label("cond:principal-type");
         out.push_back(b.Cond({"StringNotEquals", "aws:PrincipalType", {"Anonymous"}}));
       }},
      {4, true, [&] { b.Label("cond:none"); }},
  });
  return out;
}

// ---- The shape families
// --------------------------------------------------------------------------------

std::vector<std::string> OrgPathValues(Builder& b, bool like) {
  const std::string foreign = std::string(kForeignOrg) + "/" + kForeignRoot + "/";
  std::vector<std::string> pool;
  if (like) {
    pool = {std::string(kForeignOrg) + "/*",
            foreign + "*",
            foreign + "ou-zz99-00000001/*",
            b.OrgId() +
                "/r-ab12/ou-ab12-99999999/*",  // an OU of the zone's organization no account is in
            b.OrgId() + "/*",
            "*/r-ab12/ou-ab12-00000002/*",
            b.paths_.back() + "*"};
  } else {
    pool = {foreign + "ou-zz99-00000001/",
            std::string(kForeignOrg) + "/" + kForeignRoot + "/",
            b.OrgId() + "/r-ab12/ou-ab12-99999999/",
            b.paths_.back(),
            b.OrgId() + "/r-ab12/",
            b.OrgId() + "/*"};  // a literal '*' under StringEquals matches only itself
  }
  if (b.r.Percent(30))
    pool.push_back(b.paths_.front() + (like ? "*" : ""));  // the zone account's own path
  return b.Some(pool, 1, 2);
}

std::vector<Statement> OrgPathsShape(Builder& b, const Access& access) {
  b.Label("family:org-paths");
  std::string op(b.r.Pick(
      {"StringLike", "StringEquals", "ForAnyValue:StringLike", "ForAnyValue:StringEquals"}));
  bool like = op.ends_with("Like");
  std::vector<Statement> out;
  if (b.r.Percent(80)) {
    out.push_back(b.Make({"AllowOrgPaths",
                          false,
                          b.Star(),
                          access.actions,
                          access.resources,
                          {b.Cond({op, "aws:PrincipalOrgPaths", OrgPathValues(b, like)})}}));
  } else {
    b.Label("deny-outside-org-paths");
    out.push_back(b.Make({"AllowAnyone",
                          false,
                          b.Star(),
                          access.actions,
                          access.resources,
                          {b.Cond({"StringEquals",
                                   "aws:PrincipalOrgID",
                                   {b.r.Percent(50) ? b.OrgId() : kForeignOrg}})}}));
    std::string deny_op = like ? "ForAnyValue:StringNotLike" : "StringNotEquals";
    if (b.r.Percent(40)) deny_op = like ? "StringNotLike" : "ForAnyValue:StringNotEquals";
    out.push_back(b.Make({"DenyOutsidePaths",
                          true,
                          b.Star(),
                          access.actions,
                          access.resources,
                          {b.Cond({deny_op, "aws:PrincipalOrgPaths", OrgPathValues(b, like)})}}));
  }
  return out;
}

std::vector<Statement> ArnWildcardShape(Builder& b, const Access& access, bool trust) {
  b.Label("family:arn-wildcards");
  std::vector<Statement> out;
  const std::vector<std::string> principal_patterns = {
      "arn:aws:iam::*:role/Admin",
      "arn:aws:iam::*:role/*",
      "arn:aws:*:*:*:*",
      "arn:aws:iam::*:*",
      "arn:aws:iam::*:role/" + b.r.Pick(kTeams) + "-*",
      "arn:aws:sts::*:assumed-role/Admin/*"};
  const std::vector<std::string> source_patterns = {
      "arn:aws:s3:::*", "arn:aws:*:*:*:*", "arn:aws:sns:*:*:alerts",
      "arn:aws:events:" + b.Region() + ":*:rule/*", "arn:aws:s3:::" + b.r.Pick(kWords) + "-*"};
  std::string op(b.r.Pick({"ArnLike", "StringLike", "ArnEquals", "ArnLike"}));
  b.Choose({
      {5, true,
       [&] {
         out.push_back(
             b.Make({"AllowByPrincipalArn",
                     false,
                     b.Star(),
                     access.actions,
                     access.resources,
                     {b.Cond({op, "aws:PrincipalArn", b.Some(principal_patterns, 1, 2)})}}));
       }},
      {3, !trust,
       [&] {
         std::string service(b.r.Pick({"s3.amazonaws.com", "sns.amazonaws.com",
                                       "events.amazonaws.com", "cloudtrail.amazonaws.com"}));
         out.push_back(b.Make({"AllowServiceBySourceArn",
                               false,
                               b.Service({service}),
                               access.actions,
                               access.resources,
                               {b.Cond({op, "aws:SourceArn", b.Some(source_patterns, 1, 2)})}}));
       }},
      {2, true,
       [&] {
         out.push_back(b.Make({"AllowAnyoneBySourceArn",
                               false,
                               b.Star(),
                               access.actions,
                               access.resources,
                               {b.Cond({op, "aws:SourceArn", b.Some(source_patterns, 1, 1)})}}));
       }},
      {2, true,
       [&] {
         b.Label("deny-unless-principal-arn-wildcard");
         out.push_back(b.Make(
             {"AllowAccount", false,
              b.Aws({b.AccountPrincipal(b.r.Percent(50) ? b.Member() : b.ExternalAccount())}),
              access.actions, access.resources}));
         out.push_back(b.Make({"DenyOthers",
                               true,
                               b.Star(),
                               access.actions,
                               access.resources,
                               {b.Cond({b.r.Percent(50) ? "ArnNotLike" : "StringNotLike",
                                        "aws:PrincipalArn", b.Some(principal_patterns, 1, 2)})}}));
       }},
  });
  return out;
}

std::vector<Statement> ResourceAccountShape(Builder& b, const Access& access) {
  b.Label("family:resource-account");
  std::vector<Statement> out;
  std::vector<std::string> accounts = {b.Account(), b.Member(), b.ExternalAccount(),
                                       b.Account().substr(0, 4) + "*"};
  std::vector<std::string> orgs = {b.OrgId(), kForeignOrg, "o-*"};
  Principal who = b.r.Percent(60) ? b.Star() : b.Aws({b.AccountPrincipal(b.CrossAccount())});
  b.Choose({
      {4, true,
       [&] {
         out.push_back(b.Make({"AllowInResourceAccount",
                               false,
                               who,
                               access.actions,
                               access.resources,
                               {b.Cond({b.r.Percent(70) ? "StringEquals" : "StringLike",
                                        "aws:ResourceAccount", b.Some(accounts, 1, 2)})}}));
       }},
      {3, true,
       [&] {
         out.push_back(b.Make({"AllowInResourceOrg",
                               false,
                               who,
                               access.actions,
                               access.resources,
                               {b.Cond({b.r.Percent(70) ? "StringEquals" : "StringLike",
                                        "aws:ResourceOrgID", b.Some(orgs, 1, 1)})}}));
       }},
      {2, true,
       [&] {
         out.push_back(b.Make({"AllowAnyone", false, who, access.actions, access.resources}));
         out.push_back(
             b.Make({"DenyOutsideResourceOrg",
                     true,
                     b.Star(),
                     access.actions,
                     access.resources,
                     {b.Cond({"StringNotEquals",
                              b.r.Percent(50) ? "aws:ResourceOrgID" : "aws:ResourceAccount",
                              {b.r.Percent(50) ? b.OrgId() : b.Account()}})}}));
       }},
      {1, true,
       [&] {
         b.Label("trap:if-exists");
         out.push_back(
             b.Make({"AllowIfResourceOrg",
                     false,
                     who,
                     access.actions,
                     access.resources,
                     {b.Cond({"StringEqualsIfExists", "aws:ResourceOrgID", {b.OrgId()}})}}));
       }},
  });
  return out;
}

std::vector<Statement> ArnNonArnShape(Builder& b, const Access& access) {
  b.Label("family:arn-non-arn-values");
  const std::vector<std::string> keys = {"aws:SourceArn", "aws:PrincipalArn", "aws:SourceAccount",
                                         "aws:SourceVpce", "aws:PrincipalAccount"};
  const std::vector<std::string> values = {"*",           b.Account(),
                                           "deploy-role", "not-an-arn",
                                           "arn:aws:s3",  "arn:aws:iam::" + b.Account(),
                                           "arn:*",       "arn:aws:iam::" + b.Account() + ":role"};
  std::string key = b.r.Pick(keys);
  std::vector<Statement> out;
  if (b.r.Percent(60)) {
    std::string op(
        b.r.Pick({"ArnLike", "ArnEquals", "ArnNotLike", "ArnNotEquals", "ArnLikeIfExists"}));
    out.push_back(b.Make({"AllowArnOperatorNonArn",
                          false,
                          b.r.Percent(70) ? b.Star() : b.Service({"s3.amazonaws.com"}),
                          access.actions,
                          access.resources,
                          {b.Cond({op, key, b.Some(values, 1, 2)})}}));
  } else {
    out.push_back(b.Make({"AllowAnyone",
                          false,
                          b.Star(),
                          access.actions,
                          access.resources,
                          {b.Cond({"StringEquals", "aws:PrincipalOrgID", {b.OrgId()}})}}));
    std::string op(b.r.Pick({"ArnNotLike", "ArnNotEquals", "ArnLike", "ArnNotLikeIfExists"}));
    out.push_back(b.Make({"DenyArnOperatorNonArn",
                          true,
                          b.Star(),
                          access.actions,
                          access.resources,
                          {b.Cond({op, key, b.Some(values, 1, 2)})}}));
  }
  return out;
}

// Appends one family shape, drawn among the enabled families, with probability `percent`.
void MaybeFamily(Builder& b, std::vector<Statement>& stmts, const Access& access, bool trust,
                 int percent) {
  std::vector<CorpusShapeFamily> enabled;
  for (CorpusShapeFamily f :
       {CorpusShapeFamily::kOrgPaths, CorpusShapeFamily::kArnWildcards,
        CorpusShapeFamily::kResourceAccount, CorpusShapeFamily::kArnNonArnValues}) {
    if (b.On(f)) enabled.push_back(f);
  }
  if (enabled.empty() || !b.r.Percent(percent)) return;
  std::vector<Statement> more;
  switch (b.r.Pick(enabled)) {
    case CorpusShapeFamily::kOrgPaths:
      more = OrgPathsShape(b, access);
      break;
    case CorpusShapeFamily::kArnWildcards:
      more = ArnWildcardShape(b, access, trust);
      break;
    case CorpusShapeFamily::kResourceAccount:
      more = ResourceAccountShape(b, access);
      break;
    case CorpusShapeFamily::kArnNonArnValues:
      more = ArnNonArnShape(b, access);
      break;
    case CorpusShapeFamily::kFederated:
    case CorpusShapeFamily::kPolicyVariables:
      break;  // not drawn here: trust policies only, and S3 / public conditions
  }
  for (Statement& s : more) stmts.push_back(std::move(s));
}

// ---- Guard rails shared by several types
// -----------------------------------------------------------------

Statement DenyInsecureTransport(Builder& b, const Access& access) {
  b.Label("deny-insecure-transport");
  return b.Make({"DenyInsecureTransport",
                 true,
                 b.Star(),
                 access.actions,
                 access.resources,
                 {Condition{"Bool", "aws:SecureTransport", {{"false"}, false}, b.r.Percent(20)}}});
}

Statement DenyOutsideOrganization(Builder& b, const Access& access) {
  b.Label("deny-outside-org");
  std::vector<Condition> conditions = {
      b.Cond({"StringNotEquals", "aws:PrincipalOrgID", {b.OrgId()}})};
  if (b.r.Percent(35)) {
    // Service principals carry no organization; the documented exception.
    conditions.push_back(b.Cond({"BoolIfExists", "aws:PrincipalIsAWSService", {"false"}}));
  }
  return b.Make({"DenyOutsideOrganization", true, b.Star(), access.actions, access.resources,
                 std::move(conditions)});
}

Statement DenyUnlessVpc(Builder& b, const Access& access) {
  b.Label("deny-unless-vpc");
  bool endpoint = b.r.Percent(70);
  return b.Make({"DenyOutsideVpc",
                 true,
                 b.Star(),
                 access.actions,
                 access.resources,
                 {b.Cond({endpoint ? "StringNotEquals" : "StringNotEqualsIfExists",
                          endpoint ? "aws:SourceVpce" : "aws:SourceVpc",
                          {endpoint ? b.Vpce() : b.Vpc()}})}});
}

Statement DenyNotPrincipal(Builder& b, const Access& access) {
  b.Label("deny-not-principal");
  std::vector<std::string> keep = {b.RoleArn(b.Account()), "arn:aws:iam::" + b.Account() + ":root"};
  if (b.r.Percent(40))
    keep.push_back("arn:aws:sts::" + b.Account() + ":assumed-role/" + b.r.Pick(kTeams) + "/ci");
  Statement s = b.Make({"DenyAllButListed", true, b.Aws(keep), access.actions, access.resources});
  s.not_principal = true;
  return s;
}

Statement DenyUnlessPrincipalArn(Builder& b, const Access& access) {
  b.Label("deny-unless-principal-arn");
  std::vector<std::string> arns = {"arn:aws:iam::" + b.Account() + ":role/" + b.r.Pick(kTeams) +
                                   "-*"};
  if (b.r.Percent(50))
    arns.push_back("arn:aws:iam::" + b.Account() + ":role/aws-reserved/sso.amazonaws.com/*");
  std::vector<Condition> conditions;
  if (b.r.Percent(40)) {
    conditions = {b.Cond({"StringNotLike", "aws:PrincipalArn", arns}),
                  b.Cond({"BoolIfExists", "aws:PrincipalIsAWSService", {"false"}})};
  } else {
    conditions = {b.Cond({"ArnNotLike", "aws:PrincipalArn", arns})};
  }
  return b.Make({"DenyUnlessApprovedRoles", true, b.Star(), access.actions, access.resources,
                 std::move(conditions)});
}

Statement DenyNotIp(Builder& b, const Access& access) {
  b.Label("deny-not-ip-address");
  return b.Make({"DenyOutsideOffice",
                 true,
                 b.Star(),
                 access.actions,
                 access.resources,
                 {b.Cond({b.r.Percent(80) ? "NotIpAddress" : "NotIpAddressIfExists", "aws:SourceIp",
                          b.Some(kCidrs, 1, 3)})}});
}

// The common tail of resource policies: a few guard rails, then maybe one family shape.
void GuardRails(Builder& b, std::vector<Statement>& stmts, const Access& guard,
                const Access& grant) {
  if (b.r.Percent(25)) stmts.push_back(DenyInsecureTransport(b, guard));
  if (b.r.Percent(6)) stmts.push_back(DenyOutsideOrganization(b, guard));
  if (b.r.Percent(4)) stmts.push_back(DenyUnlessVpc(b, guard));
  if (b.r.Percent(3)) stmts.push_back(DenyNotPrincipal(b, guard));
  if (b.r.Percent(3)) stmts.push_back(DenyUnlessPrincipalArn(b, guard));
  if (b.r.Percent(2)) stmts.push_back(DenyNotIp(b, guard));
  MaybeFamily(b, stmts, grant, false, 14);
}

Policy Finish(Builder& b, std::vector<Statement> stmts, int version_2008_percent,
              std::optional<std::string> id) {
  Policy p;
  if (b.r.Percent(version_2008_percent)) p.version = "2008-10-17";
  if (id.has_value() && b.r.Percent(50)) p.id = std::move(id);
  p.single_statement_object = stmts.size() == 1 && b.r.Percent(8);
  p.statements = std::move(stmts);
  return p;
}

}  // namespace perimeter::corpus::internal
