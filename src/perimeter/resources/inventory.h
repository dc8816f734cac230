// Reads an inventory (docs/inventory.md): JSON Lines, or one JSON array
// of records, each with a `kind` of "resource", "account", "organization", "managedPolicy",
// "principal", "group" or "organizationPolicy".
// Pure: the caller reads the file and passes its text; nothing here touches the
// file system.
//
// Every record that cannot be read is reported as an Issue positioned in the
// file (line and column of the offending value) with the reason, and skipped;
// every other record is still read. Unknown fields are errors for their record.
// A resource's configuration is checked by its type's module (registry.h) for
// shape; its policies are parsed when it is analyzed (AnalyzeResource), so a
// bad policy gives an error finding for that resource rather than dropping it.
//
// Issue codes: inventory.syntax (a line or file that is not JSON),
// inventory.unknown-member, inventory.missing-member, inventory.type (json::ObjectReader),
// inventory.invalid-value, inventory.duplicate.
#ifndef PERIMETER_RESOURCES_INVENTORY_H_
#define PERIMETER_RESOURCES_INVENTORY_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/issue.h"
#include "perimeter/resources/iam_principal.h"
#include "perimeter/resources/managed_policy.h"
#include "perimeter/resources/resource.h"

namespace perimeter::resources {

struct Inventory {
  std::string source_name;
  std::vector<Resource> resources;  // in file order
  std::vector<AccountSettings> accounts;
  std::vector<OrganizationRecord> organizations;
  std::vector<ManagedPolicy> managed_policies;
  std::vector<IamPrincipalRecord> principals;  // roles and users
  std::vector<IamPrincipalRecord> groups;
  std::vector<OrganizationPolicyRecord> organization_policies;
  std::vector<base::Issue> issues;  // errors and warnings, positioned in the file, in file order
  size_t records = 0;               // records seen (blank lines are not records)
  size_t skipped_records = 0;       // records not read because of an error

  // The account record of `account_id`, or null.
  const AccountSettings *FindAccount(std::string_view account_id) const;
  // The managed policy `arn` of `account_id`'s records, or null.
  const ManagedPolicy *FindManagedPolicy(std::string_view account_id, std::string_view arn) const;
};

// Reads `text` (the contents of the file `source_name`, used in messages).
// Never fails: problems are in `issues`.
Inventory ReadInventory(std::string source_name, std::string_view text);

namespace internal {
class InventoryReader;
}  // namespace internal

// Reads a JSON Lines inventory one line at a time into `inventory`, as ReadInventory reads a whole
// text (which uses it): the same records, issues, positions and duplicate checks, for a caller that
// streams the file.
class InventoryLineReader {
 public:
  // `inventory` (its source_name set) must outlive the reader.
  explicit InventoryLineReader(Inventory &inventory);
  ~InventoryLineReader();
  InventoryLineReader(const InventoryLineReader &) = delete;
  InventoryLineReader &operator=(const InventoryLineReader &) = delete;

  // Reads line `line_number` (1-based) of the file, which starts at byte `offset`, given without
  // its
  // '\n'. A blank line is no record.
  void ReadLine(std::string_view line, uint32_t line_number, uint32_t offset);

 private:
  std::unique_ptr<internal::InventoryReader> reader_;
};

// Whether the JSON Lines record `line` is certainly a resource record: an object whose top-level
// "kind" member is the string "resource", key and value written without escapes. Looks at the
// top-level members only until it finds "kind" (the first member, as the project's writers put it).
// False whenever in doubt (not JSON, "kind" escaped, missing or another kind): such a record may
// describe the environment (accounts, the organization) that every resource's analysis needs, so
// a streaming reader reads it before analyzing any resource. A line it calls a resource record,
// read in full, can only be a resource record or an unreadable one (duplicate keys are refused).
bool IsResourceRecordLine(std::string_view line);

// The error for a resource record whose ARN an earlier record of the same inventory names, at the
// record (inventory.duplicate), as ReadInventory reports it.
base::Issue DuplicateResourceIssue(const Resource &resource);

}  // namespace perimeter::resources

#endif  // PERIMETER_RESOURCES_INVENTORY_H_
