#include "perimeter/resources/dynamodb_stream.h"

#include "perimeter/resources/internal/findings_builder.h"
#include "perimeter/resources/internal/policy_resource.h"

namespace perimeter::resources {
namespace {

const internal::PolicyResourceSpec &Spec() {
  static const internal::PolicyResourceSpec kSpec{
      "dynamodbStream", "streamPolicy", {}, policy::PolicyKind::kResource, &DynamoDbStreamTargets};
  return kSpec;
}

}  // namespace

std::vector<reasoning::ResourceTarget> DynamoDbStreamTargets(const Resource &resource) {
  static const std::vector<std::string> kStreamActions =
      internal::CatalogActions("dynamodb", "stream");
  return {reasoning::ResourceTarget{{resource.arn}, kStreamActions}};
}

std::vector<base::Issue> CheckDynamoDbStreamConfiguration(const json::Value &configuration,
                                                          const RecordLocation &location) {
  return internal::CheckPolicyResource(Spec(), configuration, location);
}

ResourceAnalysis AnalyzeDynamoDbStream(const Resource &resource,
                                       const AccountSettings * /*account*/,
                                       const reasoning::ZoneOfTrust &zone,
                                       PolicyAnalysisMemo *memo) {
  return internal::AnalyzePolicyResource(Spec(), resource, zone, memo);
}

}  // namespace perimeter::resources
