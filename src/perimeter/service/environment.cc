#include "perimeter/service/environment.h"

#include <algorithm>

#include "perimeter/base/text.h"
#include "perimeter/json/document.h"

namespace perimeter::service {

std::string RootIdFor(std::string_view organization_id) {
  // AWS Organizations: organization ids are "o-" and 10 to 32 lowercase letters or digits, root ids
  // "r-" and 4 to 32; the root id is AWS's to choose, so any fixed, valid choice will do.
  std::string id = "r-";
  for (char c : organization_id.substr(std::min<size_t>(2, organization_id.size()))) {
    if (id.size() == 6) break;
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')) id.push_back(c);
  }
  while (id.size() < 6) id.push_back('0');
  return id;
}

std::optional<std::string> OuPathRoot(std::string_view path, std::string_view organization_id) {
  std::string prefix = base::Concat(organization_id, "/r-");
  if (!path.starts_with(prefix) || !path.ends_with("/")) return std::nullopt;
  size_t end = path.find('/', organization_id.size() + 1);
  std::string_view root = path.substr(organization_id.size() + 1, end - organization_id.size() - 1);
  if (root.size() < 6) return std::nullopt;  // AWS Organizations root ids: ^r-[0-9a-z]{4,32}$
  for (char c : root.substr(2)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return std::nullopt;
  }
  if (path.find("//") != std::string_view::npos) return std::nullopt;
  return std::string(root);
}

void PlaceAtRoot(const OrganizationInfo& organization, std::vector<Account>& accounts) {
  std::optional<std::string> root_id;
  for (const Account& account : accounts) {
    if (account.ou_path_is_default || root_id) continue;
    root_id = OuPathRoot(account.ou_path, organization.id);
  }
  const std::string root_path =
      base::Concat(organization.id, "/", root_id.value_or(RootIdFor(organization.id)), "/");
  for (Account& account : accounts) {
    if (account.id == organization.management_account && account.ou_path.empty())
      account.ou_path_is_default = true;
    if (account.ou_path_is_default) account.ou_path = root_path;
  }
}

namespace {

// Places the account `id` as an organization record's entry says (`ou_path` "" when it gives
// none).
void PlaceAccount(std::string_view id, const std::string& ou_path, std::vector<Account>& accounts) {
  bool found = false;
  for (Account& account : accounts) {
    if (account.id != id) continue;
    found = true;
    if (!ou_path.empty() &&
        (account.ou_path.empty() || account.ou_path_is_default)) {  // the record places it
      account.ou_path = ou_path;
      account.ou_path_is_default = false;
    } else if (account.ou_path.empty()) {
      account.ou_path_is_default = true;
    }
  }
  if (!found) accounts.push_back(Account{std::string(id), "", {}, ou_path, ou_path.empty()});
}

}  // namespace

BuiltEnvironment BuildEnvironment(const std::optional<OrganizationInfo>& organization,
                                  std::span<const Account> accounts,
                                  std::span<const store::InventoryRecord> organization_records) {
  BuiltEnvironment built;
  Environment& environment = built.environment;
  environment.organization = organization;
  environment.accounts.assign(accounts.begin(), accounts.end());
  for (const store::InventoryRecord& record : organization_records) {
    json::ParseResult parsed = json::Parse(record.json);
    if (!parsed.ok()) continue;
    json::Value root = parsed.document.root();
    std::optional<json::Value> management = root.Find("managementAccount");
    if (!environment.organization && management && management->is_string()) {
      environment.organization = OrganizationInfo{record.key, std::string(management->text())};
    }
    if (environment.organization && environment.organization->id != record.key) {
      built.conflicting_organizations.push_back(record.key);
      continue;
    }
    std::optional<json::Value> entries = root.Find("accounts");
    if (!entries || !entries->is_array()) continue;
    for (json::Value entry : entries->children()) {
      std::optional<json::Value> id = entry.is_object() ? entry.Find("accountId") : std::nullopt;
      std::optional<json::Value> path = entry.is_object() ? entry.Find("ouPath") : std::nullopt;
      if (!id || !id->is_string()) continue;
      // Without "ouPath" the account sits at the organization's root (PlaceAtRoot below).
      PlaceAccount(id->text(), path && path->is_string() ? std::string(path->text()) : "",
                   environment.accounts);
    }
  }
  if (environment.organization) PlaceAtRoot(*environment.organization, environment.accounts);
  return built;
}

}  // namespace perimeter::service
