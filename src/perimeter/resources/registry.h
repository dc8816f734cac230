// The resource modules, one per resource type, and how to find them: by AWS's
// type name
// ("AWS::S3::Bucket") or by the member of the Access Analyzer `Configuration`
// union that carries the type's configuration ("s3Bucket"). The table is the
// only place that lists them.
#ifndef PERIMETER_RESOURCES_REGISTRY_H_
#define PERIMETER_RESOURCES_REGISTRY_H_

#include <span>
#include <string_view>
#include <vector>

#include "perimeter/json/document.h"
#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources {

class PolicyAnalysisMemo;  // policy_analysis_memo.h

struct ResourceModule {
  ResourceType type;
  std::string_view type_name;             // "AWS::S3::Bucket"
  std::string_view configuration_member;  // "s3Bucket"
  // The problems of a configuration's shape (unknown members, wrong types, bad
  // values); policies are parsed only by `analyze`.
  std::vector<base::Issue> (*check)(const json::Value &configuration,
                                    const RecordLocation &location);
  // `memo` may be null (policy_analysis_memo.h).
  ResourceAnalysis (*analyze)(const Resource &resource, const AccountSettings *account,
                              const reasoning::ZoneOfTrust &zone, PolicyAnalysisMemo *memo);
};

// Every module, in ResourceType order.
std::span<const ResourceModule> AllResourceModules();

const ResourceModule &ModuleFor(ResourceType type);
const ResourceModule *FindModuleByTypeName(std::string_view type_name);
const ResourceModule *FindModuleByMember(std::string_view configuration_member);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_REGISTRY_H_
