// The AWS environment the server simulates: the accounts it knows and the organization they form.
// Built (BuildEnvironment) from the server configuration (docs/server.md) merged with imported
// inventory `organization` records (docs/inventory.md). Immutable once built; the server swaps in a
// new one when it changes. No I/O: the caller reads the records and logs what was ignored.
#ifndef PERIMETER_SERVICE_ENVIRONMENT_H_
#define PERIMETER_SERVICE_ENVIRONMENT_H_

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/reasoning/zone_of_trust.h"
#include "perimeter/store/store.h"

namespace perimeter::service {

// The service principal of IAM Access Analyzer in Organizations' trusted access and delegation.
inline constexpr std::string_view kAccessAnalyzerPrincipal = "access-analyzer.amazonaws.com";

struct Account {
  std::string id;
  std::string name;
  std::vector<std::string> regions;  // enabled regions; empty = any
  std::string ou_path;  // "o-exampleorgid/r-ab12/ou-ab12-security/"; "" when not in the org
  // True when the server configuration listed the account without `ou_path` and placed it at the
  // organization's root by default (docs/server.md): an inventory organization record may place it
  // in an OU instead.
  bool ou_path_is_default = false;
};

struct OrganizationInfo {
  std::string id;  // "o-exampleorgid"
  std::string management_account;
};

struct Environment {
  std::optional<OrganizationInfo> organization;
  std::vector<Account> accounts;

  const Account* FindAccount(std::string_view id) const {
    for (const Account& account : accounts) {
      if (account.id == id) return &account;
    }
    return nullptr;
  }
  // Accounts belong to the organization when it exists and they have an OU path, or are its
  // management account.
  bool IsMember(std::string_view account_id) const {
    if (!organization) return false;
    if (organization->management_account == account_id) return true;
    const Account* account = FindAccount(account_id);
    return account != nullptr && !account->ou_path.empty();
  }
  // The organization as the reasoning layer sees it (members with their OU paths).
  std::optional<reasoning::Organization> ReasoningOrganization() const {
    if (!organization) return std::nullopt;
    reasoning::Organization out;
    out.id = organization->id;
    out.management_account = organization->management_account;
    for (const Account& account : accounts) {
      if (IsMember(account.id)) out.members.push_back({account.id, account.ou_path});
    }
    return out;
  }
};

// The current environment (the server swaps it when an import changes the organization).
using EnvironmentSource = std::function<std::shared_ptr<const Environment>()>;

// The root id given to an organization whose root nothing names (no account has an OU path): "r-"
// and the first four letters or digits of the organization id ("o-exampleorgid" -> "r-exam"), a
// valid AWS Organizations root id.
std::string RootIdFor(std::string_view organization_id);

// "r-ab12" for "o-exampleorgid/r-ab12/ou-ab12-11111111/" when the path belongs to `organization_id`
// and is well formed (segments separated and ended by '/', the second a root id); nullopt
// otherwise.
std::optional<std::string> OuPathRoot(std::string_view path, std::string_view organization_id);

// Gives the accounts placed at the organization's root by default (ou_path_is_default, and the
// management account when it has no ou_path) the root's path "ORG/ROOT/": ROOT is the root of the
// other accounts' OU paths, or RootIdFor(ORG) when none has one. Used for the configuration and
// again once inventory organization records have placed some accounts.
void PlaceAtRoot(const OrganizationInfo& organization, std::vector<Account>& accounts);

// An environment and the inventory organization records it left out.
struct BuiltEnvironment {
  Environment environment;
  // Organization ids of records that name another organization than the configured one (or the
  // first record's): the environment has one organization.
  std::vector<std::string> conflicting_organizations;
};

// The environment of the configured organization and accounts (already placed, as
// server::ParseServerConfig leaves them) merged with inventory `organization` records
// (store::InventoryKind::kOrganization, key = organization id; docs/inventory.md):
//  - without a configured organization, the first record with a "managementAccount" string gives
//    it; a record of another organization is left out (listed in conflicting_organizations);
//  - each entry of a record's "accounts" with an "accountId" string places that account: its
//    "ouPath" replaces a configured account's default root placement (never a configured OU path);
//    an unknown account is added, at the root without "ouPath";
//  - last, accounts at the root by default get the root's path (PlaceAtRoot).
// Records that are not JSON objects, and entries without an account id, are skipped: the import
// (resources::ReadInventory) reported their problems when they were stored.
BuiltEnvironment BuildEnvironment(const std::optional<OrganizationInfo>& organization,
                                  std::span<const Account> accounts,
                                  std::span<const store::InventoryRecord> organization_records);

}  // namespace perimeter::service

#endif  // PERIMETER_SERVICE_ENVIRONMENT_H_
