// The AWS environment the server simulates: the accounts it knows and the organization they form.
// Built from the server configuration (docs/server.md) merged with imported inventory
// `organization` records. Immutable once built; the server swaps in a new one when it changes.
#ifndef PERIMETER_SERVICE_ENVIRONMENT_H_
#define PERIMETER_SERVICE_ENVIRONMENT_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/reasoning/zone_of_trust.h"

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

}  // namespace perimeter::service

#endif  // PERIMETER_SERVICE_ENVIRONMENT_H_
