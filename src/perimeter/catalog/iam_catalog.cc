#include "perimeter/catalog/iam_catalog.h"

#include <algorithm>
#include <cctype>
#include <span>

namespace perimeter::catalog {
namespace {

using internal::kServices;
using internal::kServicesCount;

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Services are sorted by prefix (the generator sorts them), so a binary search finds one.
const internal::ServiceRow* FindServiceRow(std::string_view prefix) {
  std::string lower = Lower(prefix);
  std::span<const internal::ServiceRow> services(kServices, kServicesCount);
  auto it = std::lower_bound(
      services.begin(), services.end(), lower,
      [](const internal::ServiceRow& row, const std::string& key) { return row.prefix < key; });
  if (it == services.end() || it->prefix != lower) return nullptr;
  return &*it;
}

ActionInfo MakeActionInfo(const internal::ServiceRow& service, const internal::ActionRow& row) {
  ActionInfo info{service.prefix, row.name, row.access_level, {}};
  for (uint32_t i = 0; i < row.resource_type_count; ++i) {
    const internal::ActionResourceTypeRow& ref =
        internal::kActionResourceTypes[row.first_resource_type + i];
    info.resource_types.push_back(
        internal::kResourceTypes[service.first_resource_type + ref.resource_type].name);
  }
  return info;
}

const internal::ActionRow* FindActionRow(const internal::ServiceRow& service,
                                         std::string_view name) {
  for (uint32_t i = 0; i < service.action_count; ++i) {
    const internal::ActionRow& row = internal::kActions[service.first_action + i];
    if (EqualsIgnoreCase(row.name, name)) return &row;
  }
  return nullptr;
}

// The keys kConditionKeyRefs[first, first + count) of the service; they are sorted by name there
// because the service's keys are (the generator sorts both).
std::vector<ConditionKeyInfo> KeysAt(const internal::ServiceRow& service, uint32_t first,
                                     uint32_t count) {
  std::vector<ConditionKeyInfo> keys;
  keys.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    const internal::ConditionKeyRow& row =
        internal::kConditionKeys[service.first_condition_key +
                                 internal::kConditionKeyRefs[first + i]];
    keys.push_back(ConditionKeyInfo{row.name, row.type});
  }
  return keys;
}

}  // namespace

std::string_view AccessLevelName(AccessLevel level) {
  switch (level) {
    case AccessLevel::kRead:
      return "Read";
    case AccessLevel::kWrite:
      return "Write";
    case AccessLevel::kList:
      return "List";
    case AccessLevel::kTagging:
      return "Tagging";
    case AccessLevel::kPermissionsManagement:
      return "Permissions management";
  }
  return "Write";
}

std::string ActionInfo::FullName() const {
  std::string out(service);
  out.push_back(':');
  out.append(name);
  return out;
}

bool HasService(std::string_view prefix) { return FindServiceRow(prefix) != nullptr; }

std::string_view ServiceName(std::string_view prefix) {
  const internal::ServiceRow* service = FindServiceRow(prefix);
  return service == nullptr ? std::string_view() : std::string_view(service->name);
}

std::vector<ActionInfo> ServiceActions(std::string_view prefix) {
  std::vector<ActionInfo> actions;
  const internal::ServiceRow* service = FindServiceRow(prefix);
  if (service == nullptr) return actions;
  actions.reserve(service->action_count);
  for (uint32_t i = 0; i < service->action_count; ++i) {
    actions.push_back(MakeActionInfo(*service, internal::kActions[service->first_action + i]));
  }
  return actions;
}

std::vector<ActionInfo> ActionsOnResourceType(std::string_view prefix,
                                              std::string_view resource_type) {
  std::vector<ActionInfo> actions;
  const internal::ServiceRow* service = FindServiceRow(prefix);
  if (service == nullptr) return actions;
  // Tests the rows and builds an ActionInfo only for the actions that act on the type: the analysis
  // asks this for every resource, and most of a service's actions act on other types.
  for (uint32_t i = 0; i < service->action_count; ++i) {
    const internal::ActionRow& row = internal::kActions[service->first_action + i];
    bool acts_on = false;
    for (uint32_t t = 0; t < row.resource_type_count && !acts_on; ++t) {
      const internal::ActionResourceTypeRow& ref =
          internal::kActionResourceTypes[row.first_resource_type + t];
      acts_on = EqualsIgnoreCase(
          internal::kResourceTypes[service->first_resource_type + ref.resource_type].name,
          resource_type);
    }
    if (acts_on) actions.push_back(MakeActionInfo(*service, row));
  }
  return actions;
}

std::optional<ActionInfo> FindAction(std::string_view full_name) {
  size_t colon = full_name.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  const internal::ServiceRow* service = FindServiceRow(full_name.substr(0, colon));
  if (service == nullptr) return std::nullopt;
  const internal::ActionRow* row = FindActionRow(*service, full_name.substr(colon + 1));
  if (row == nullptr) return std::nullopt;
  return MakeActionInfo(*service, *row);
}

std::vector<ConditionKeyInfo> ActionConditionKeys(std::string_view full_name) {
  size_t colon = full_name.find(':');
  if (colon == std::string_view::npos) return {};
  const internal::ServiceRow* service = FindServiceRow(full_name.substr(0, colon));
  if (service == nullptr) return {};
  const internal::ActionRow* row = FindActionRow(*service, full_name.substr(colon + 1));
  if (row == nullptr) return {};
  return KeysAt(*service, row->first_condition_key, row->condition_key_count);
}

std::vector<ConditionKeyInfo> ResourceTypeConditionKeys(std::string_view prefix,
                                                        std::string_view resource_type) {
  const internal::ServiceRow* service = FindServiceRow(prefix);
  if (service == nullptr) return {};
  for (uint32_t i = 0; i < service->resource_type_count; ++i) {
    const internal::ResourceTypeRow& row =
        internal::kResourceTypes[service->first_resource_type + i];
    if (EqualsIgnoreCase(row.name, resource_type)) {
      return KeysAt(*service, row.first_condition_key, row.condition_key_count);
    }
  }
  return {};
}

std::vector<ResourceTypeInfo> ServiceResourceTypes(std::string_view prefix) {
  std::vector<ResourceTypeInfo> types;
  const internal::ServiceRow* service = FindServiceRow(prefix);
  if (service == nullptr) return types;
  for (uint32_t i = 0; i < service->resource_type_count; ++i) {
    const internal::ResourceTypeRow& row =
        internal::kResourceTypes[service->first_resource_type + i];
    types.push_back(ResourceTypeInfo{row.name, row.arn_template});
  }
  return types;
}

std::vector<ConditionKeyInfo> ServiceConditionKeys(std::string_view prefix) {
  std::vector<ConditionKeyInfo> keys;
  const internal::ServiceRow* service = FindServiceRow(prefix);
  if (service == nullptr) return keys;
  for (uint32_t i = 0; i < service->condition_key_count; ++i) {
    const internal::ConditionKeyRow& row =
        internal::kConditionKeys[service->first_condition_key + i];
    keys.push_back(ConditionKeyInfo{row.name, row.type});
  }
  return keys;
}

size_t ServiceCount() { return kServicesCount; }
size_t ActionCount() { return internal::kActionsCount; }

}  // namespace perimeter::catalog
