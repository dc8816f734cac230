#include <string>
#include <vector>

#include "fuzz/fuzz_targets.h"
#include "perimeter/policy/policy_parser.h"
#include "perimeter/reasoning/external_access.h"
#include "perimeter/reasoning/zone_of_trust.h"

namespace perimeter::fuzz {
namespace {

constexpr char kOwner[] = "123456789012";
constexpr char kBucket[] = "arn:aws:s3:::fuzz-bucket";
constexpr char kPoint[] = "arn:aws:s3:us-east-1:123456789012:accesspoint/ap";

// A few actions of each kind a bucket policy names: enough to reach every statement shape, few
// enough that each input runs fast.
const std::vector<std::string> kBucketActions = {"s3:ListBucket", "s3:GetBucketPolicy",
                                                 "s3:PutBucketAcl"};
const std::vector<std::string> kObjectActions = {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"};

reasoning::Organization FuzzOrganization() {
  return reasoning::Organization{"o-a1b2c3d4e5",
                                 kOwner,
                                 {{kOwner, "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"},
                                  {"111122223333", "o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/"}}};
}

}  // namespace

// Invariants of the external-access engine on any policy that parses: it never crashes, and its
// self-checks never fire — every witness is allowed by the concrete evaluator and the findings
// cover every allowed external request (a failure of either is an error finding asking to "report
// this"). Refusals (too many classes, keys read by operators of two types) are allowed. The first
// byte picks the zone (account or organization) and whether the policy is analyzed alone, as a
// bucket policy, or as an access point's policy gated by itself as the bucket policy
// (external_access.h GatePolicy).
int FuzzEngine(const uint8_t* data, size_t size) {
  if (size == 0 || size > 4096) return 0;
  const uint8_t mode = data[0];
  std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  policy::PolicyParseOptions options;
  options.kind = policy::PolicyKind::kResource;
  policy::PolicyParseResult parsed = policy::ParsePolicy(text, options);
  if (!parsed.policy.has_value() || parsed.policy->statements.size() > 8) return 0;
  const policy::Policy& policy = *parsed.policy;

  reasoning::AccessModel model;
  model.resource_arn = kBucket;
  model.resource_type = "AWS::S3::Bucket";
  model.owner_account = kOwner;
  model.policy = &policy;
  const bool gated = (mode & 2) != 0;
  if (gated) {
    const std::string point = kPoint;
    model.targets = {
        reasoning::ResourceTarget{{point}, kBucketActions, reasoning::ArnPrefixMap{point, kBucket}},
        reasoning::ResourceTarget{
            {point + "/object/*"},
            kObjectActions,
            reasoning::ArnPrefixMap{point + "/object/", std::string(kBucket) + "/"}}};
    model.gate = reasoning::GatePolicy{&policy, policy::PolicyKind::kResource, "bucketPolicy"};
  } else {
    model.targets = {reasoning::ResourceTarget{{kBucket}, kBucketActions},
                     reasoning::ResourceTarget{{std::string(kBucket) + "/*"}, kObjectActions}};
  }
  const reasoning::ZoneOfTrust zone =
      (mode & 1) != 0 ? reasoning::ZoneOfTrust::ForOrganization(FuzzOrganization())
                      : reasoning::ZoneOfTrust::ForAccount(kOwner, FuzzOrganization());
  reasoning::AnalysisResult result = reasoning::AnalyzeExternalAccess(model, zone);
  for (const findings::Finding& finding : result.findings) {
    if (finding.error.has_value()) {
      FuzzCheck(finding.error_reason.find("please report") == std::string::npos,
                finding.error_reason.c_str());
      continue;
    }
    FuzzCheck(finding.witness.has_value(), "every finding has a witness");
    FuzzCheck(!finding.actions.empty(), "every finding lists actions");
    FuzzCheck(!finding.explanation.empty(), "every finding names its statements");
  }
  return 0;
}

}  // namespace perimeter::fuzz
