#include "perimeter/validation/catalog_index.h"

#include <algorithm>
#include <cctype>

#include "perimeter/base/text.h"
#include "perimeter/catalog/iam_catalog_data.h"

namespace perimeter::validation {
namespace {

// "${BucketName}/${ObjectName}" -> "*/*".
std::string GlobOfTemplate(std::string_view resource) {
  std::string glob;
  for (size_t i = 0; i < resource.size(); ++i) {
    if (resource.substr(i).starts_with("${")) {
      size_t close = resource.find('}', i);
      glob += '*';
      if (close == std::string_view::npos) break;
      i = close;
    } else {
      glob += resource[i];
    }
  }
  return glob;
}

}  // namespace

std::vector<std::string_view> SplitArnFields(std::string_view arn) {
  std::vector<std::string_view> fields;
  size_t start = 0;
  for (int i = 0; i < 5; ++i) {
    size_t colon = arn.find(':', start);
    if (colon == std::string_view::npos) break;
    fields.push_back(arn.substr(start, colon - start));
    start = colon + 1;
  }
  fields.push_back(arn.substr(start));
  return fields;
}

const CatalogIndex& CatalogIndex::Get() {
  // Built once from the compiled-in catalogue and never changed: constant data, not state.
  static const CatalogIndex* const index = new CatalogIndex();
  return *index;
}

CatalogIndex::CatalogIndex() {
  using namespace catalog::internal;
  for (size_t s = 0; s < kServicesCount; ++s) {
    const ServiceRow& service = kServices[s];
    std::string prefix = base::AsciiLower(service.prefix);
    std::vector<std::string>& names = actions_[prefix];
    for (uint32_t a = 0; a < service.action_count; ++a) {
      names.push_back(base::AsciiLower(kActions[service.first_action + a].name));
    }
    std::sort(names.begin(), names.end());
    for (uint32_t k = 0; k < service.condition_key_count; ++k) {
      const ConditionKeyRow& key = kConditionKeys[service.first_condition_key + k];
      std::string name = base::AsciiLower(key.name);
      size_t variable = name.find("${");
      if (variable == std::string::npos) {
        keys_.emplace(name, key.type);
      } else {
        key_prefixes_[prefix].emplace_back(name.substr(0, variable), key.type);
      }
    }
    for (uint32_t r = 0; r < service.resource_type_count; ++r) {
      std::vector<std::string_view> fields =
          SplitArnFields(kResourceTypes[service.first_resource_type + r].arn_template);
      if (fields.size() < 6) continue;
      formats_[base::AsciiLower(fields[2])].push_back(
          ArnFormat{GlobOfTemplate(fields[5]), !fields[3].empty(), !fields[4].empty()});
    }
  }
}

const std::vector<std::string>* CatalogIndex::Actions(std::string_view lower_prefix) const {
  auto it = actions_.find(std::string(lower_prefix));
  return it == actions_.end() ? nullptr : &it->second;
}

std::optional<catalog::ConditionKeyType> CatalogIndex::ServiceKeyType(
    std::string_view lower_key) const {
  auto exact = keys_.find(std::string(lower_key));
  if (exact != keys_.end()) return exact->second;
  size_t colon = lower_key.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto prefixes = key_prefixes_.find(std::string(lower_key.substr(0, colon)));
  if (prefixes == key_prefixes_.end()) return std::nullopt;
  for (const auto& [prefix, type] : prefixes->second) {
    if (lower_key.starts_with(prefix) && lower_key.size() > prefix.size()) return type;
  }
  return std::nullopt;
}

const std::vector<ArnFormat>& CatalogIndex::Formats(std::string_view lower_service) const {
  auto it = formats_.find(std::string(lower_service));
  return it == formats_.end() ? none_ : it->second;
}

}  // namespace perimeter::validation
