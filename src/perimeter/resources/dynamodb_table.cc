#include "perimeter/resources/dynamodb_table.h"

#include "perimeter/resources/internal/findings_builder.h"
#include "perimeter/resources/internal/policy_resource.h"

namespace perimeter::resources {
namespace {

const internal::PolicyResourceSpec &Spec() {
  static const internal::PolicyResourceSpec kSpec{
      "dynamodbTable", "tablePolicy", {}, policy::PolicyKind::kResource, &DynamoDbTableTargets};
  return kSpec;
}

}  // namespace

std::vector<reasoning::ResourceTarget> DynamoDbTableTargets(const Resource &resource) {
  static const std::vector<std::string> kTableActions =
      internal::CatalogActions("dynamodb", "table");
  static const std::vector<std::string> kIndexActions =
      internal::CatalogActions("dynamodb", "index");
  return {reasoning::ResourceTarget{{resource.arn}, kTableActions},
          reasoning::ResourceTarget{{resource.arn + "/index/*"}, kIndexActions}};
}

std::vector<base::Issue> CheckDynamoDbTableConfiguration(const json::Value &configuration,
                                                         const RecordLocation &location) {
  return internal::CheckPolicyResource(Spec(), configuration, location);
}

ResourceAnalysis AnalyzeDynamoDbTable(const Resource &resource, const AccountSettings * /*account*/,
                                      const reasoning::ZoneOfTrust &zone,
                                      PolicyAnalysisMemo *memo) {
  return internal::AnalyzePolicyResource(Spec(), resource, zone, memo);
}

}  // namespace perimeter::resources
