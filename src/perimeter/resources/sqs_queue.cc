#include "perimeter/resources/sqs_queue.h"

#include "perimeter/resources/internal/findings_builder.h"
#include "perimeter/resources/internal/policy_resource.h"

namespace perimeter::resources {
namespace {

const internal::PolicyResourceSpec &Spec() {
  static const internal::PolicyResourceSpec kSpec{
      "sqsQueue", "queuePolicy", {}, policy::PolicyKind::kResource, &SqsQueueTargets};
  return kSpec;
}

}  // namespace

std::vector<reasoning::ResourceTarget> SqsQueueTargets(const Resource &resource) {
  static const std::vector<std::string> kQueueActions = internal::CatalogActions("sqs", "queue");
  return {reasoning::ResourceTarget{{resource.arn}, kQueueActions}};
}

std::vector<base::Issue> CheckSqsQueueConfiguration(const json::Value &configuration,
                                                    const RecordLocation &location) {
  return internal::CheckPolicyResource(Spec(), configuration, location);
}

ResourceAnalysis AnalyzeSqsQueue(const Resource &resource, const AccountSettings * /*account*/,
                                 const reasoning::ZoneOfTrust &zone, PolicyAnalysisMemo *memo) {
  return internal::AnalyzePolicyResource(Spec(), resource, zone, memo);
}

}  // namespace perimeter::resources
