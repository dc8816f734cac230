// The internal-access engine (reasoning/internal_access.h) against the concrete evaluator on
// generated organizations (tests/differential/README.md, "Internal access"):
//   (a) every finding's witness is allowed by the evaluator, the policies assembled here from the
//       generated documents (not by the engine), and lies inside its own finding;
//   (b) every random request of a zone principal to a zone resource that the evaluator allows lies
//       inside one of the findings of that (principal, resource) — or the pair has an error finding
//       (the engine declined: counted, never a pass by silence).
// The generator is seeded (std::mt19937 with fixed seeds): the same cases on every run.
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/base/text.h"
#include "perimeter/eval/evaluator.h"
#include "perimeter/policy/policy_parser.h"
#include "perimeter/reasoning/finding_region.h"
#include "perimeter/reasoning/internal_access.h"

namespace perimeter::reasoning {
namespace {

constexpr const char* kAccounts[] = {"111111111111", "222222222222"};
constexpr const char* kBucketActions[] = {"s3:ListBucket", "s3:GetBucketTagging"};
constexpr const char* kObjectActions[] = {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"};

// A generated organization: policy documents as JSON text.
struct GeneratedPrincipal {
  std::string arn;
  std::string account;
  std::vector<std::string> identity;
  std::optional<std::string> boundary;
  std::map<std::string, std::string> tags;
};
struct GeneratedResource {
  std::string arn;
  std::string account;
  std::optional<std::string> policy;
  // Bucket ACL grants as analysis/ writes them for the engine (InternalResource::grants): one Allow
  // per grant, to "*" (AllUsers, AuthenticatedUsers) or an account, on the bucket and its objects.
  std::optional<std::string> acl;
};
struct Generated {
  std::vector<GeneratedPrincipal> principals;
  std::vector<GeneratedResource> resources;
  std::map<std::string, std::string> scp_deny;  // account -> an SCP besides full access
  std::map<std::string, std::string> rcp_deny;  // account -> an RCP besides full access
};

class Generator {
 public:
  explicit Generator(unsigned seed) : random_(seed) {}

  Generated Organization(size_t principals, size_t resources) {
    Generated g;
    for (size_t i = 0; i < resources; ++i) {
      GeneratedResource r;
      r.account = kAccounts[Pick(2)];
      r.arn = base::Concat("arn:aws:s3:::bucket-", i);
      if (Chance(70)) r.policy = Policy(true, i, resources);
      if (Chance(30)) r.acl = Acl(r.arn);
      g.resources.push_back(std::move(r));
    }
    for (size_t i = 0; i < principals; ++i) {
      GeneratedPrincipal p;
      p.account = kAccounts[Pick(2)];
      p.arn = base::Concat("arn:aws:iam::", p.account, Chance(50) ? ":role/r" : ":user/u", i);
      size_t count = 1 + Pick(2);
      for (size_t k = 0; k < count; ++k)
        p.identity.push_back(Policy(false, Pick(resources), resources));
      if (Chance(25)) p.boundary = Policy(false, Pick(resources), resources);
      if (Chance(50)) p.tags["team"] = Chance(50) ? "a" : "b";
      g.principals.push_back(std::move(p));
    }
    for (const char* account : kAccounts) {
      if (Chance(50)) g.scp_deny[account] = Deny(false);
      if (Chance(50)) g.rcp_deny[account] = Deny(true);
    }
    principal_arns_.clear();
    return g;
  }

 private:
  size_t Pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(random_); }
  bool Chance(int percent) { return static_cast<int>(Pick(100)) < percent; }

  std::string Action() {
    static const char* kActions[] = {"\"s3:*\"",
                                     "\"s3:Get*\"",
                                     "\"s3:GetObject\"",
                                     "\"s3:PutObject\"",
                                     "\"s3:List*\"",
                                     "\"*\"",
                                     "[\"s3:GetObject\",\"s3:ListBucket\"]"};
    if (Chance(10)) return "\"NotAction\":[\"s3:Delete*\",\"s3:Put*\"]";
    return base::Concat("\"Action\":", kActions[Pick(std::size(kActions))]);
  }

  std::string Resource(size_t bucket) {
    switch (Pick(6)) {
      case 0:
        return "\"Resource\":\"*\"";
      case 1:
        return base::Concat("\"Resource\":\"arn:aws:s3:::bucket-", bucket, "\"");
      case 2:
        return base::Concat("\"Resource\":\"arn:aws:s3:::bucket-", bucket, "/*\"");
      case 3:
        return "\"Resource\":\"arn:aws:s3:::bucket-*/*\"";
      case 4:
        return base::Concat("\"Resource\":\"arn:aws:s3:::bucket-", bucket, "/private/*\"");
      default:
        return base::Concat("\"NotResource\":\"arn:aws:s3:::bucket-", bucket, "/private/*\"");
    }
  }

  std::string Condition() {
    if (!Chance(35)) return "";
    static const char* kConditions[] = {R"({"StringEquals":{"aws:SourceVpc":"vpc-1"}})",
                                        R"({"StringEquals":{"aws:SourceVpc":["vpc-1","vpc-2"]}})",
                                        R"({"StringLike":{"s3:prefix":"home/*"}})",
                                        R"({"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}})",
                                        R"({"StringEquals":{"aws:PrincipalTag/team":"a"}})",
                                        R"({"Bool":{"aws:SecureTransport":"true"}})",
                                        R"({"StringNotEquals":{"aws:SourceVpc":"vpc-2"}})",
                                        R"({"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}})"};
    return base::Concat(",\"Condition\":", kConditions[Pick(std::size(kConditions))]);
  }

  std::string Principal() {
    switch (Pick(3)) {
      case 0:
        return "\"Principal\":\"*\"";
      case 1:
        return base::Concat("\"Principal\":{\"AWS\":\"", kAccounts[Pick(2)], "\"}");
      default:
        return base::Concat("\"Principal\":{\"AWS\":\"arn:aws:iam::", kAccounts[Pick(2)], ":role/r",
                            Pick(8), "\"}");
    }
  }

  std::string Policy(bool resource_policy, size_t bucket, size_t buckets) {
    std::string statements;
    size_t count = 1 + Pick(3);
    for (size_t i = 0; i < count; ++i) {
      bool deny = Chance(20);
      size_t target = resource_policy || Chance(60) ? bucket : Pick(buckets);
      if (!statements.empty()) statements += ",";
      statements += base::Concat("{\"Effect\":\"", deny ? "Deny" : "Allow", "\",",
                                 resource_policy ? Principal() + "," : "", Action(), ",",
                                 Resource(target), Condition(), "}");
    }
    return base::Concat("{\"Version\":\"2012-10-17\",\"Statement\":[", statements, "]}");
  }

  std::string Acl(const std::string& bucket) {
    static const char* kPermissions[] = {
        R"(["s3:ListBucket","s3:ListBucketMultipartUploads","s3:ListBucketVersions"])",  // READ
        R"(["s3:DeleteObject","s3:PutObject"])",                                         // WRITE
        R"(["s3:GetBucketAcl"])",                                                        // READ_ACP
        R"(["s3:DeleteObject","s3:GetBucketAcl","s3:ListBucket","s3:ListBucketMultipartUploads",)"
        R"("s3:ListBucketVersions","s3:PutBucketAcl","s3:PutObject"])"};  // FULL_CONTROL
    std::string statements;
    size_t count = 1 + Pick(2);
    for (size_t i = 0; i < count; ++i) {
      std::string principal =
          Chance(40) ? "\"*\"" : base::Concat("{\"AWS\":\"", kAccounts[Pick(2)], "\"}");
      if (!statements.empty()) statements += ",";
      statements += base::Concat("{\"Sid\":\"BucketAclGrant", i,
                                 "\",\"Effect\":\"Allow\",\"Principal\":", principal,
                                 ",\"Action\":", kPermissions[Pick(std::size(kPermissions))],
                                 ",\"Resource\":[\"", bucket, "\",\"", bucket, "/*\"]}");
    }
    return base::Concat("{\"Version\":\"2012-10-17\",\"Statement\":[", statements, "]}");
  }

  std::string Deny(bool rcp) {
    static const char* kDenied[] = {"s3:DeleteObject", "s3:Put*", "s3:GetBucketTagging"};
    return base::Concat("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",",
                        rcp ? "\"Principal\":\"*\"," : "", "\"Action\":\"",
                        kDenied[Pick(std::size(kDenied))], "\",\"Resource\":\"*\"", Condition(),
                        "}]}");
  }

  std::mt19937 random_;
  std::vector<std::string> principal_arns_;
};

constexpr char kFullScp[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
constexpr char kFullRcp[] =
    R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})";

policy::Policy Parse(const std::string& text, policy::PolicyKind kind) {
  policy::PolicyParseOptions options;
  options.kind = kind;
  policy::PolicyParseResult parsed = policy::ParsePolicy(text, options);
  EXPECT_TRUE(parsed.policy.has_value()) << text;
  return parsed.policy.value_or(policy::Policy{});
}

Organization TheOrganization() {
  return Organization{"o-exampleorg",
                      "999999999999",
                      {{kAccounts[0], "o-exampleorg/r-ab12/ou-ab12-11111111/"},
                       {kAccounts[1], "o-exampleorg/r-ab12/ou-ab12-22222222/"}}};
}

eval::RequestPrincipal PrincipalOf(const GeneratedPrincipal& p) {
  eval::RequestPrincipal principal = *eval::ParseRequestPrincipal(p.arn);
  principal.org_id = "o-exampleorg";
  principal.org_paths = {TheOrganization().FindMember(p.account)->ou_path};
  principal.tags = p.tags;
  return principal;
}

std::vector<ResourceTarget> Targets(const std::string& arn) {
  return {ResourceTarget{{arn}, {std::begin(kBucketActions), std::end(kBucketActions)}},
          ResourceTarget{{arn + "/*"}, {std::begin(kObjectActions), std::end(kObjectActions)}}};
}

InternalAccessInput EngineInput(const Generated& g, const ZoneOfTrust& zone) {
  InternalAccessInput input;
  input.zone = zone;
  for (const GeneratedPrincipal& p : g.principals) {
    InternalPrincipal principal;
    principal.principal = PrincipalOf(p);
    for (size_t i = 0; i < p.identity.size(); ++i) {
      principal.identity.push_back(
          {base::Concat("identity ", i), Parse(p.identity[i], policy::PolicyKind::kIdentity)});
    }
    if (p.boundary.has_value()) {
      principal.permissions_boundary =
          NamedPolicy{"boundary", Parse(*p.boundary, policy::PolicyKind::kPermissionsBoundary)};
    }
    input.principals.push_back(std::move(principal));
  }
  for (const GeneratedResource& r : g.resources) {
    InternalResource resource;
    resource.arn = r.arn;
    resource.resource_type = "AWS::S3::Bucket";
    resource.owner_account = r.account;
    resource.targets = Targets(r.arn);
    if (r.policy.has_value())
      resource.resource_policy =
          NamedPolicy{"resource", Parse(*r.policy, policy::PolicyKind::kResource)};
    if (r.acl.has_value()) {
      resource.grants = NamedPolicy{"acl", Parse(*r.acl, policy::PolicyKind::kResource)};
      resource.grants_source = findings::FindingSource{findings::FindingSourceType::kBucketAcl,
                                                       std::nullopt, std::nullopt};
    }
    input.resources.push_back(std::move(resource));
  }
  for (const char* account : kAccounts) {
    AccountControls& controls = input.controls[account];
    controls.scps = {{{"scp full", Parse(kFullScp, policy::PolicyKind::kServiceControl)}}};
    if (auto it = g.scp_deny.find(account); it != g.scp_deny.end()) {
      controls.scps.back().push_back(
          {"scp deny", Parse(it->second, policy::PolicyKind::kServiceControl)});
    }
    controls.rcps = {{{"rcp full", Parse(kFullRcp, policy::PolicyKind::kResourceControl)}}};
    if (auto it = g.rcp_deny.find(account); it != g.rcp_deny.end()) {
      controls.rcps.back().push_back(
          {"rcp deny", Parse(it->second, policy::PolicyKind::kResourceControl)});
    }
  }
  return input;
}

// The evaluator's view of a pair, assembled from the documents independently of the engine, and
// every statement of it in one policy (what a finding's conditions are read against).
struct Reference {
  eval::PolicySet set;
  policy::Policy merged;
};

Reference ReferenceFor(const Generated& g, const GeneratedPrincipal& p, const GeneratedResource& r,
                       bool organization_zone) {
  Reference ref;
  std::vector<base::Issue> issues;
  auto add = [&](const std::string& text, policy::PolicyKind kind) {
    policy::Policy parsed = Parse(text, kind);
    for (const policy::Statement& s : parsed.statements) ref.merged.statements.push_back(s);
    return eval::CompiledPolicy::Compile(std::move(parsed), kind, issues);
  };
  for (const std::string& text : p.identity)
    ref.set.identity.push_back(add(text, policy::PolicyKind::kIdentity));
  if (p.boundary.has_value())
    ref.set.permissions_boundary = add(*p.boundary, policy::PolicyKind::kPermissionsBoundary);
  // The bucket policy and the ACL are one resource-side decision (S3 evaluates them together).
  if (r.policy.has_value() || r.acl.has_value()) {
    policy::Policy resource;
    resource.version = policy::PolicyVersion::k2012_10_17;
    for (const std::optional<std::string>& text : {r.policy, r.acl}) {
      if (!text.has_value()) continue;
      policy::Policy parsed = Parse(*text, policy::PolicyKind::kResource);
      for (const policy::Statement& statement : parsed.statements) {
        ref.merged.statements.push_back(statement);
        resource.statements.push_back(statement);
      }
    }
    ref.set.resource =
        eval::CompiledPolicy::Compile(std::move(resource), policy::PolicyKind::kResource, issues);
  }
  if (organization_zone) {
    ref.set.scps.emplace_back();
    ref.set.scps.back().push_back(add(kFullScp, policy::PolicyKind::kServiceControl));
    if (auto it = g.scp_deny.find(p.account); it != g.scp_deny.end())
      ref.set.scps.back().push_back(add(it->second, policy::PolicyKind::kServiceControl));
    ref.set.rcps.emplace_back();
    ref.set.rcps.back().push_back(add(kFullRcp, policy::PolicyKind::kResourceControl));
    if (auto it = g.rcp_deny.find(r.account); it != g.rcp_deny.end())
      ref.set.rcps.back().push_back(add(it->second, policy::PolicyKind::kResourceControl));
  }
  ref.merged.version = policy::PolicyVersion::k2012_10_17;
  return ref;
}

findings::Finding AsRegion(const findings::InternalAccessFinding& f) {
  findings::Finding region;
  region.principal = f.principal;
  region.actions = f.actions;
  region.condition = f.condition;
  region.resource = f.resource;
  return region;
}

struct Figures {
  size_t findings = 0, error_findings = 0, witnesses_bad = 0, requests = 0, allowed = 0,
         uncovered = 0, declined = 0, acl_findings = 0;
};

void Check(unsigned seed, bool organization_zone, Figures& n) {
  Generator generator(seed);
  Generated g = generator.Organization(12, 8);
  ZoneOfTrust zone = organization_zone ? ZoneOfTrust::ForOrganization(TheOrganization())
                                       : ZoneOfTrust::ForAccount(kAccounts[0], TheOrganization());
  InternalAccessResult result = AnalyzeInternalAccess(EngineInput(g, zone));
  std::mt19937 random(seed * 7919u + 1);
  auto pick = [&](size_t size) {
    return std::uniform_int_distribution<size_t>(0, size - 1)(random);
  };
  for (const GeneratedPrincipal& p : g.principals) {
    if (!zone.ContainsAccount(p.account)) continue;
    for (const GeneratedResource& r : g.resources) {
      if (!zone.ContainsAccount(r.account)) continue;
      Reference ref = ReferenceFor(g, p, r, organization_zone);
      std::vector<const findings::InternalAccessFinding*> mine;
      bool declined = false;
      for (const findings::InternalAccessFinding& f : result.findings) {
        if (f.resource != r.arn || f.principal.empty() || f.principal.at("AWS") != p.arn) continue;
        if (f.error.has_value()) {
          declined = true;
          continue;
        }
        mine.push_back(&f);
      }
      n.findings += mine.size();
      for (const findings::InternalAccessFinding* f : mine) {
        for (const findings::FindingSource& source : f->sources)
          if (source.type == findings::FindingSourceType::kBucketAcl) ++n.acl_findings;
      }
      if (declined) ++n.declined;
      // (a) witnesses.
      for (const findings::InternalAccessFinding* f : mine) {
        ASSERT_TRUE(f->witness.has_value());
        eval::Request request;
        request.principal = PrincipalOf(p);
        request.action = f->witness->action;
        request.resource_arn = f->witness->resource;
        request.resource_account = r.account;
        for (const auto& [key, values] : f->witness->context) {
          if (values.size() == 1 && key != "aws:principalorgpaths" &&
              key != "aws:resourceorgpaths") {
            request.context.Set(key, values[0]);
          } else {
            request.context.SetMultivalued(key, values);
          }
        }
        bool allowed = eval::Evaluate(ref.set, request).decision == eval::Decision::kAllow;
        bool inside = FindingContains(AsRegion(*f), ref.merged, request);
        if (!allowed || !inside) {
          ++n.witnesses_bad;
          ADD_FAILURE() << "witness " << (allowed ? "outside its finding" : "not allowed") << ": "
                        << eval::DescribeRequest(request);
        }
      }
      // (b) random requests.
      for (int k = 0; k < 60; ++k) {
        eval::Request request;
        request.principal = PrincipalOf(p);
        bool object = pick(2) == 0;
        request.action = object ? kObjectActions[pick(3)] : kBucketActions[pick(2)];
        static const char* kKeys[] = {"a", "private/x", "home/u/f"};
        request.resource_arn = object ? r.arn + "/" + kKeys[pick(3)] : r.arn;
        request.resource_account = r.account;
        request.context = BaseInternalContext(request.principal, r.account, zone);
        static const char* kVpcs[] = {"", "vpc-1", "vpc-2", "vpc-3"};
        static const char* kIps[] = {"", "10.1.2.3", "192.0.2.1"};
        static const char* kPrefixes[] = {"", "home/x", "other"};
        static const char* kSecure[] = {"", "true", "false"};
        if (const char* v = kVpcs[pick(4)]; *v) request.context.Set("aws:SourceVpc", v);
        if (const char* v = kIps[pick(3)]; *v) request.context.Set("aws:SourceIp", v);
        if (const char* v = kPrefixes[pick(3)]; *v) request.context.Set("s3:prefix", v);
        if (const char* v = kSecure[pick(3)]; *v) request.context.Set("aws:SecureTransport", v);
        ++n.requests;
        if (eval::Evaluate(ref.set, request).decision != eval::Decision::kAllow) continue;
        ++n.allowed;
        if (declined) continue;
        bool covered = false;
        for (const findings::InternalAccessFinding* f : mine) {
          if (FindingContains(AsRegion(*f), ref.merged, request)) {
            covered = true;
            break;
          }
        }
        if (!covered) {
          ++n.uncovered;
          ADD_FAILURE() << "allowed, in no finding: " << eval::DescribeRequest(request);
        }
      }
    }
  }
  for (const findings::InternalAccessFinding& f : result.findings)
    if (f.error.has_value()) ++n.error_findings;
}

TEST(InternalAccessDifferential, EngineAgreesWithEvaluator) {
  Figures n;
  for (unsigned seed = 1; seed <= 40; ++seed) Check(seed, seed % 2 == 0, n);
  std::cout << "internal-access differential: " << n.findings << " findings (" << n.error_findings
            << " error findings, " << n.declined << " pairs declined), " << n.witnesses_bad
            << " bad witnesses; " << n.requests << " random requests, " << n.allowed << " allowed, "
            << n.uncovered << " uncovered; " << n.acl_findings << " findings through an ACL\n";
  EXPECT_GT(n.findings, 100u);  // the generator must produce access to check
  EXPECT_GT(n.allowed, 1000u);
  EXPECT_GT(n.acl_findings, 10u);  // the ACL shapes reach principals
  EXPECT_EQ(n.witnesses_bad, 0u);
  EXPECT_EQ(n.uncovered, 0u);
}

}  // namespace
}  // namespace perimeter::reasoning
