#include "perimeter/resources/sns_topic.h"

#include "perimeter/resources/internal/findings_builder.h"
#include "perimeter/resources/internal/policy_resource.h"

namespace perimeter::resources {
namespace {

const internal::PolicyResourceSpec &Spec() {
  static const internal::PolicyResourceSpec kSpec{
      "snsTopic", "topicPolicy", {}, policy::PolicyKind::kResource, &SnsTopicTargets};
  return kSpec;
}

}  // namespace

std::vector<reasoning::ResourceTarget> SnsTopicTargets(const Resource &resource) {
  static const std::vector<std::string> kTopicActions = internal::CatalogActions("sns", "topic");
  return {reasoning::ResourceTarget{{resource.arn}, kTopicActions}};
}

std::vector<base::Issue> CheckSnsTopicConfiguration(const json::Value &configuration,
                                                    const RecordLocation &location) {
  return internal::CheckPolicyResource(Spec(), configuration, location);
}

ResourceAnalysis AnalyzeSnsTopic(const Resource &resource, const AccountSettings * /*account*/,
                                 const reasoning::ZoneOfTrust &zone, PolicyAnalysisMemo *memo) {
  return internal::AnalyzePolicyResource(Spec(), resource, zone, memo);
}

}  // namespace perimeter::resources
