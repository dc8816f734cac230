// The rows of the generated IAM catalogue tables (see tools/gen_iam_catalog.py). Internal: use
// iam_catalog.h.
#ifndef PERIMETER_CATALOG_IAM_CATALOG_DATA_H_
#define PERIMETER_CATALOG_IAM_CATALOG_DATA_H_

#include <cstddef>
#include <cstdint>

namespace perimeter::catalog {

// The access levels of the Service Authorization Reference.
enum class AccessLevel : uint8_t { kRead, kWrite, kList, kTagging, kPermissionsManagement };

// The condition key types of the Service Authorization Reference.
enum class ConditionKeyType : uint8_t {
  kString,
  kArrayOfString,
  kARN,
  kArrayOfARN,
  kBool,
  kArrayOfBool,
  kNumeric,
  kArrayOfNumeric,
  kDate,
  kArrayOfDate,
  kIPAddress,
  kArrayOfIPAddress,
  kBinary,
};

namespace internal {

struct ActionRow {
  const char* name;  // "GetObject"
  AccessLevel access_level;
  uint32_t first_resource_type;  // into kActionResourceTypes
  uint32_t resource_type_count;
  uint32_t first_condition_key;  // into kConditionKeyRefs
  uint32_t condition_key_count;
};

struct ActionResourceTypeRow {
  uint32_t resource_type;  // index within the service's resource types
  bool required;
};

struct ResourceTypeRow {
  const char* name;              // "bucket"
  const char* arn_template;      // "arn:${Partition}:s3:::${BucketName}"
  uint32_t first_condition_key;  // into kConditionKeyRefs
  uint32_t condition_key_count;
};

struct ConditionKeyRow {
  const char* name;  // "s3:prefix"
  ConditionKeyType type;
};

struct ServiceRow {
  const char* prefix;  // "s3"
  const char* name;    // "Amazon S3"
  uint32_t first_action, action_count;
  uint32_t first_resource_type, resource_type_count;
  uint32_t first_condition_key, condition_key_count;
};

extern const ActionRow kActions[];
extern const size_t kActionsCount;
extern const ActionResourceTypeRow kActionResourceTypes[];
extern const size_t kActionResourceTypesCount;
extern const ResourceTypeRow kResourceTypes[];
extern const size_t kResourceTypesCount;
extern const ConditionKeyRow kConditionKeys[];
extern const size_t kConditionKeysCount;
// Indices within the service's condition keys, sorted: the keys of an action or a resource type.
extern const uint16_t kConditionKeyRefs[];
extern const size_t kConditionKeyRefsCount;
extern const ServiceRow kServices[];
extern const size_t kServicesCount;

}  // namespace internal
}  // namespace perimeter::catalog

#endif  // PERIMETER_CATALOG_IAM_CATALOG_DATA_H_
