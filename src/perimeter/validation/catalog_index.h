// The lookups the validator makes in the IAM catalogue (catalog/iam_catalog.h), indexed once: the
// action names of each service, the type of each condition key, the ARN formats of each service.
// Immutable data derived from the compiled-in catalogue, built on first use (thread-safe); internal
// to validation/.
#ifndef PERIMETER_VALIDATION_CATALOG_INDEX_H_
#define PERIMETER_VALIDATION_CATALOG_INDEX_H_

#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "perimeter/catalog/iam_catalog.h"

namespace perimeter::validation {

// The ':'-separated fields of an ARN or ARN template: at most six, the last keeping its colons
// ("arn:aws:s3:::b/k:1" -> arn, aws, s3, "", "", "b/k:1"); fewer when the text has fewer colons.
std::vector<std::string_view> SplitArnFields(std::string_view arn);

// An ARN format of a resource type: its resource part as a glob ("${BucketName}/${ObjectName}" ->
// "*/*") and whether it has Region and account fields.
struct ArnFormat {
  std::string resource_glob;
  bool has_region = false;
  bool has_account = false;
};

class CatalogIndex {
 public:
  static const CatalogIndex& Get();

  // The action names of the service with this lower-case prefix ("getobject"), sorted; nullptr for
  // an unknown service.
  const std::vector<std::string>* Actions(std::string_view lower_prefix) const;

  // The type of a service condition key (lower case); keys with a ${TagKey}-like part match any
  // text there. nullopt when the service does not define it.
  std::optional<catalog::ConditionKeyType> ServiceKeyType(std::string_view lower_key) const;

  // The ARN formats of the service with this ARN service name (lower case); empty when unknown.
  const std::vector<ArnFormat>& Formats(std::string_view lower_service) const;

 private:
  CatalogIndex();
  std::unordered_map<std::string, std::vector<std::string>> actions_;
  std::unordered_map<std::string, catalog::ConditionKeyType> keys_;
  // Per service prefix: (lower-case key text before "${", type).
  std::unordered_map<std::string, std::vector<std::pair<std::string, catalog::ConditionKeyType>>>
      key_prefixes_;
  std::unordered_map<std::string, std::vector<ArnFormat>> formats_;
  std::vector<ArnFormat> none_;
};

}  // namespace perimeter::validation

#endif  // PERIMETER_VALIDATION_CATALOG_INDEX_H_
