// Policy language throughput on the generated corpus: parsing policy documents into the model
// (bytes/s), and evaluating a typical request against a typical resource policy (time per
// evaluation).
#include <string>
#include <vector>

#include "bench/corpus.h"
#include "benchmark/benchmark.h"
#include "perimeter/eval/evaluator.h"
#include "perimeter/json/document.h"
#include "perimeter/policy/policy_parser.h"

namespace perimeter::bench {
namespace {

// The policy text of every corpus record (re-serialised exactly as it appears in the record).
const std::vector<std::string>& CorpusPolicies() {
  static const std::vector<std::string> policies = [] {
    std::vector<std::string> out;
    for (const std::string& line : LoadCorpusLines()) {
      json::ParseResult record = json::Parse(line);
      if (!record.ok()) continue;
      if (auto policy = record.document.root().Find("policy"))
        out.emplace_back(policy->source_text());
    }
    return out;
  }();
  return policies;
}

void BM_PolicyParse(benchmark::State& state) {
  const std::vector<std::string>& policies = CorpusPolicies();
  size_t bytes = 0, index = 0;
  for (auto _ : state) {
    const std::string& text = policies[index];
    policy::PolicyParseResult result = policy::ParsePolicy(
        text, {.kind = policy::PolicyKind::kResource, .enforce_size_limit = false});
    benchmark::DoNotOptimize(result.policy);
    bytes += text.size();
    index = index + 1 == policies.size() ? 0 : index + 1;
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_PolicyParse);

// A typical bucket policy: a cross-account grant, an organization grant and a TLS guard rail.
constexpr char kTypicalPolicy[] = R"({"Version":"2012-10-17","Statement":[
 {"Sid":"PartnerRead","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:role/partner"},
  "Action":["s3:GetObject","s3:ListBucket"],"Resource":["arn:aws:s3:::example","arn:aws:s3:::example/*"]},
 {"Sid":"OrgRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::example/*",
  "Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-exampleorgid"}}},
 {"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",
  "Resource":["arn:aws:s3:::example","arn:aws:s3:::example/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]})";

void BM_EvaluateTypicalRequest(benchmark::State& state) {
  std::vector<base::Issue> issues;
  eval::PolicySet policies;
  policies.resource = eval::CompiledPolicy::Compile(
      *policy::ParsePolicy(kTypicalPolicy, {.kind = policy::PolicyKind::kResource}).policy,
      policy::PolicyKind::kResource, issues);
  policies.identity.push_back(eval::CompiledPolicy::Compile(
      *policy::ParsePolicy(
           R"({"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}})")
           .policy,
      policy::PolicyKind::kIdentity, issues));
  eval::Request request;
  request.principal =
      *eval::ParseRequestPrincipal("arn:aws:sts::999988887777:assumed-role/partner/session-1");
  request.action = "s3:GetObject";
  request.resource_arn = "arn:aws:s3:::example/reports/2026/11/summary.csv";
  request.resource_account = "123456789012";
  request.context.Set("aws:SecureTransport", "true");
  request.context.Set("aws:SourceIp", "203.0.113.10");
  eval::AddPrincipalContextKeys(request.principal, request.context);
  for (auto _ : state) {
    eval::Evaluation evaluation =
        eval::Evaluate(policies, request, {.explain = state.range(0) != 0});
    benchmark::DoNotOptimize(evaluation.decision);
  }
  if (eval::Evaluate(policies, request).decision != eval::Decision::kAllow)
    state.SkipWithError("not allowed");
}
// Arg 0: decision only (the analysis's hot path); arg 1: with the explanation texts (simulate).
BENCHMARK(BM_EvaluateTypicalRequest)->Arg(0)->Arg(1);

}  // namespace
}  // namespace perimeter::bench

BENCHMARK_MAIN();
