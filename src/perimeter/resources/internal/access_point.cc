#include "perimeter/resources/internal/access_point.h"

#include <vector>

#include "perimeter/base/text.h"
#include "perimeter/eval/condition_evaluator.h"
#include "perimeter/json/document.h"
#include "perimeter/policy/arn.h"
#include "perimeter/policy/policy_parser.h"
#include "perimeter/resources/internal/findings_builder.h"

namespace perimeter::resources::internal {
namespace {

std::string Key(std::string_view service, std::string_view name) {
  return base::Concat(service, ":", name);
}

// Whether `key_lower` is one of the keys S3 sets for requests through access points.
bool IsAccessPointKey(std::string_view service, std::string_view key_lower) {
  for (std::string_view name :
       {"dataaccesspointarn", "dataaccesspointaccount", "accesspointnetworkorigin"}) {
    if (key_lower == Key(service, name)) return true;
  }
  return false;
}

// Those keys, with their values for requests through `point`.
eval::RequestContext AccessPointContext(const AccessPointIdentity &point) {
  eval::RequestContext context;
  context.Set(Key(point.service, "dataaccesspointarn"), point.arn);
  context.Set(Key(point.service, "dataaccesspointaccount"), point.account);
  context.Set(Key(point.service, "accesspointnetworkorigin"),
              point.vpc_id.has_value() ? "VPC" : "Internet");
  return context;
}

// `policy` with its conditions on those keys decided.
policy::Policy SpecializeForAccessPoint(const policy::Policy &policy,
                                        const AccessPointIdentity &point) {
  eval::RequestContext context = AccessPointContext(point);
  bool variables = policy.version == policy::PolicyVersion::k2012_10_17;
  policy::Policy out = policy;
  out.statements.clear();
  for (const policy::Statement &statement : policy.statements) {
    policy::Statement kept = statement;
    kept.conditions.clear();
    bool applies = true;
    for (const policy::Condition &condition : statement.conditions) {
      if (!IsAccessPointKey(point.service, condition.key_lower)) {
        kept.conditions.push_back(condition);
        continue;
      }
      std::vector<base::Issue> ignored;
      if (!eval::CompiledCondition::Compile(condition, variables, ignored).Evaluate(context))
        applies = false;
    }
    if (applies) out.statements.push_back(std::move(kept));
  }
  return out;
}

// `policy` and, for a VPC origin, a Deny of requests from elsewhere.
policy::Policy WithNetworkOrigin(policy::Policy policy, const AccessPointIdentity &point) {
  if (!point.vpc_id.has_value()) return policy;
  std::string text = base::Concat(
      R"({"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*",)",
      R"("Condition":{"StringNotEquals":{"aws:SourceVpc":)", json::Quote(*point.vpc_id), "}}}]}");
  policy::PolicyParseOptions options;
  options.kind = policy::PolicyKind::kResource;
  policy::PolicyParseResult origin = policy::ParsePolicy(text, options);
  if (origin.policy.has_value()) {
    for (policy::Statement &statement : origin.policy->statements) {
      statement.index = policy.statements.size();
      statement.sid = "NetworkOrigin";
      policy.statements.push_back(std::move(statement));
    }
  }
  return policy;
}

}  // namespace

std::optional<AccessPointKey> ReadAccessPointKey(const json::Value &member,
                                                 std::string_view service, const std::string &what,
                                                 Diagnostics &diagnostics) {
  std::optional<policy::Arn> arn = policy::ParseArn(member.key());
  if (!arn.has_value() || arn->service != service || !IsAccountIdText(arn->account) ||
      !arn->resource.starts_with("accesspoint/")) {
    diagnostics.Error(kInvalidValue, member.key_position(),
                      base::Concat(what, ": the key must be an access point ARN (arn:aws:", service,
                                   ":<region>:<account>:accesspoint/<name>)"));
    return std::nullopt;
  }
  return AccessPointKey{std::string(arn->account), arn->region.empty()};
}

std::optional<std::string> ReadNetworkOrigin(ObjectReader &point_reader, const std::string &what) {
  Diagnostics &diagnostics = point_reader.diagnostics();
  std::optional<json::Value> origin = point_reader.Object("networkOrigin");
  if (!origin.has_value()) return std::nullopt;
  ObjectReader origin_reader(*origin, what + ".networkOrigin", diagnostics);
  std::optional<json::Value> vpc = origin_reader.Object("vpcConfiguration");
  std::optional<json::Value> internet = origin_reader.Object("internetConfiguration");
  origin_reader.Finish();
  if (vpc.has_value() == internet.has_value()) {
    diagnostics.Error(kInvalidValue, origin->position(),
                      base::Concat(what,
                                   ".networkOrigin must have exactly one of vpcConfiguration, "
                                   "internetConfiguration"));
  }
  std::optional<std::string> vpc_id;
  if (vpc.has_value()) {
    ObjectReader vpc_reader(*vpc, what + ".networkOrigin.vpcConfiguration", diagnostics);
    vpc_id = vpc_reader.String("vpcId", true);
    vpc_reader.Finish();
  }
  if (internet.has_value()) {
    ObjectReader internet_reader(*internet, what + ".networkOrigin.internetConfiguration",
                                 diagnostics);
    internet_reader.Finish();
  }
  return vpc_id;
}

AccessPointPolicies PoliciesThrough(const policy::Policy &point_policy,
                                    const policy::Policy &bucket_policy,
                                    const AccessPointIdentity &point) {
  return AccessPointPolicies{
      WithNetworkOrigin(SpecializeForAccessPoint(point_policy, point), point),
      SpecializeForAccessPoint(bucket_policy, point)};
}

bool AnalyzeThroughAccessPoint(const Resource &bucket, const AccessPointPolicies &policies,
                               const AccessPointIdentity &point,
                               std::vector<reasoning::ResourceTarget> targets,
                               const reasoning::ZoneOfTrust &zone,
                               std::vector<findings::Finding> &into) {
  findings::FindingSource source{findings::FindingSourceType::kS3AccessPoint, point.arn,
                                 std::nullopt};
  reasoning::AnalysisResult result =
      AnalyzePolicy(bucket, policies.point_policy, policy::PolicyKind::kResource,
                    std::move(targets), {source}, point.arn, zone,
                    reasoning::GatePolicy{&policies.bucket_policy, policy::PolicyKind::kResource,
                                          "bucketPolicy"});
  for (findings::Finding &finding : result.findings) {
    if (finding.witness.has_value()) {
      finding.witness->context[Key(point.service, "DataAccessPointArn")] = {point.arn};
      finding.witness->context[Key(point.service, "DataAccessPointAccount")] = {point.account};
      finding.witness->context[Key(point.service, "AccessPointNetworkOrigin")] = {
          point.vpc_id.has_value() ? "VPC" : "Internet"};
    }
    if (!finding.error.has_value() && point.vpc_id.has_value()) {
      finding.condition["aws:SourceVpc"] = *point.vpc_id;
      finding.is_public = false;
    }
    finding.id = findings::StableFindingId(finding);
    MergeFinding(into, std::move(finding));
  }
  return result.stats.decided_by_oracle;
}

}  // namespace perimeter::resources::internal
