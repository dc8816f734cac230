// Internal-access analysis of a generated organization (reasoning/internal_access.h): PRINCIPALS
// roles and users × RESOURCES S3 buckets over ACCOUNTS accounts, ORGANIZATION zone, SCPs and RCPs
// at the root, the OU and each account. Most principals are granted a few buckets by name, one in
// fifty has s3:Get* on every bucket (an administrator), a third of the buckets have a policy that
// names roles of other accounts. Prints the wall time, the pairs the index let through (out of
// PRINCIPALS × RESOURCES), the requests evaluated, the findings and the peak RSS. Deterministic
// (fixed seed).
//
//   internal_access_benchmark [PRINCIPALS [RESOURCES [ACCOUNTS]]]     (default 1000 1000 10)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>

#include "perimeter/base/text.h"
#include "perimeter/policy/policy_parser.h"
#include "perimeter/reasoning/internal_access.h"

namespace {

using namespace perimeter;

policy::Policy Parse(const std::string& text, policy::PolicyKind kind) {
  policy::PolicyParseOptions options;
  options.kind = kind;
  policy::PolicyParseResult parsed = policy::ParsePolicy(text, options);
  if (!parsed.policy.has_value()) {
    std::cerr << "generated policy does not parse: " << text << "\n";
    std::exit(2);
  }
  return *std::move(parsed.policy);
}

std::string Account(size_t i) { return base::Concat(100000000000ULL + i); }

}  // namespace

int main(int argc, char** argv) {
  size_t principals = argc > 1 ? std::stoul(argv[1]) : 1000;
  size_t resources = argc > 2 ? std::stoul(argv[2]) : 1000;
  size_t accounts = argc > 3 ? std::stoul(argv[3]) : 10;
  std::mt19937 random(42);
  auto pick = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(random); };

  reasoning::Organization organization{"o-benchmark", Account(0), {}};
  for (size_t a = 1; a <= accounts; ++a)
    organization.members.push_back({Account(a), "o-benchmark/r-root/ou-root-work/"});
  reasoning::InternalAccessInput input;
  input.zone = reasoning::ZoneOfTrust::ForOrganization(organization);
  const std::vector<std::string> bucket_actions = {"s3:ListBucket", "s3:GetBucketPolicy",
                                                   "s3:PutBucketPolicy", "s3:GetBucketTagging"};
  const std::vector<std::string> object_actions = {"s3:GetObject",    "s3:PutObject",
                                                   "s3:DeleteObject", "s3:GetObjectTagging",
                                                   "s3:PutObjectAcl", "s3:AbortMultipartUpload"};
  for (size_t r = 0; r < resources; ++r) {
    reasoning::InternalResource resource;
    resource.arn = base::Concat("arn:aws:s3:::bucket-", r);
    resource.resource_type = "AWS::S3::Bucket";
    resource.owner_account = Account(1 + r % accounts);
    resource.targets = {reasoning::ResourceTarget{{resource.arn}, bucket_actions},
                        reasoning::ResourceTarget{{resource.arn + "/*"}, object_actions}};
    if (pick(3) == 0) {
      resource.resource_policy = reasoning::NamedPolicy{
          "resource",
          Parse(
              base::Concat(
                  R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::)",
                  Account(1 + pick(accounts)), ":role/p", pick(principals),
                  R"("},"Action":["s3:GetObject","s3:ListBucket"],"Resource":[")", resource.arn,
                  R"(",")", resource.arn,
                  R"(/*"]},{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":")",
                  resource.arn, R"(/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})"),
              policy::PolicyKind::kResource)};
    }
    input.resources.push_back(std::move(resource));
  }
  for (size_t p = 0; p < principals; ++p) {
    reasoning::InternalPrincipal principal;
    std::string account = Account(1 + p % accounts);
    principal.principal =
        *eval::ParseRequestPrincipal(base::Concat("arn:aws:iam::", account, ":role/p", p));
    principal.principal.org_id = organization.id;
    principal.principal.org_paths = {"o-benchmark/r-root/ou-root-work/"};
    std::string statements;
    size_t grants = 1 + pick(3);
    for (size_t g = 0; g < grants; ++g) {
      size_t bucket = pick(resources);
      statements += base::Concat(
          g ? "," : "",
          R"({"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:ListBucket"],"Resource":["arn:aws:s3:::bucket-)",
          bucket, R"(","arn:aws:s3:::bucket-)", bucket, R"(/*"]})");
    }
    if (pick(50) == 0) {
      statements +=
          R"(,{"Effect":"Allow","Action":"s3:Get*","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-admin"}}})";
    }
    statements +=
        R"(,{"Effect":"Allow","Action":["sqs:SendMessage","dynamodb:GetItem"],"Resource":"*"})";
    principal.identity.push_back(
        {"identity inline",
         Parse(base::Concat(R"({"Version":"2012-10-17","Statement":[)", statements, "]}"),
               policy::PolicyKind::kIdentity)});
    input.principals.push_back(std::move(principal));
  }
  const std::string full_scp =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]})";
  const std::string deny_scp =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:PutBucketPolicy","Resource":"*"}]})";
  const std::string full_rcp =
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]})";
  for (size_t a = 1; a <= accounts; ++a) {
    reasoning::AccountControls& controls = input.controls[Account(a)];
    for (int level = 0; level < 3; ++level) {
      controls.scps.push_back({{"scp full", Parse(full_scp, policy::PolicyKind::kServiceControl)}});
      controls.rcps.push_back(
          {{"rcp full", Parse(full_rcp, policy::PolicyKind::kResourceControl)}});
    }
    controls.scps[1].push_back({"scp deny", Parse(deny_scp, policy::PolicyKind::kServiceControl)});
  }

  auto start = std::chrono::steady_clock::now();
  reasoning::InternalAccessResult result = reasoning::AnalyzeInternalAccess(std::move(input));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  size_t errors = 0;
  for (const auto& f : result.findings)
    if (f.error.has_value()) ++errors;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf(
      "internal access: %zu principals x %zu resources (%zu accounts): %.3f s, %zu of %zu pairs "
      "analyzed (%.4f%%), %zu requests evaluated, %zu findings (%zu errors), peak RSS %ld MiB\n",
      result.stats.principals, result.stats.resources, accounts, seconds,
      result.stats.candidate_pairs, principals * resources,
      100.0 * static_cast<double>(result.stats.candidate_pairs) /
          static_cast<double>(principals * resources),
      result.stats.evaluations, result.findings.size(), errors, usage.ru_maxrss / 1024);
  return errors == 0 ? 0 : 1;
}
