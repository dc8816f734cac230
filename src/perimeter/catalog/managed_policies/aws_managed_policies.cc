#include "perimeter/catalog/managed_policies/aws_managed_policies.h"

#include <algorithm>

namespace perimeter::catalog {

const AwsManagedPolicyEntry* FindAwsManagedPolicy(std::string_view arn) {
  std::span<const AwsManagedPolicyEntry> table = AwsManagedPolicyTable();
  auto it = std::lower_bound(
      table.begin(), table.end(), arn,
      [](const AwsManagedPolicyEntry& entry, std::string_view key) { return entry.arn < key; });
  return it != table.end() && it->arn == arn ? &*it : nullptr;
}

}  // namespace perimeter::catalog
