#include "perimeter/server/inventory_catalog.h"

#include <set>

#include "perimeter/base/status_macros.h"
#include "perimeter/json/document.h"
#include "perimeter/resources/analyze_resource.h"

namespace perimeter::server {

absl::StatusOr<std::shared_ptr<const InventoryCatalog>> InventoryCatalog::Load(store::Store& store) {
  std::string text = "[";
  bool first = true;
  for (store::InventoryKind kind : {store::InventoryKind::kAccount, store::InventoryKind::kResource}) {
    ASSIGN_OR_RETURN(std::vector<store::InventoryRecord> records, store.ListInventory(kind));
    for (const store::InventoryRecord& record : records) {
      if (!first) text += ",\n";
      first = false;
      text += record.json;
    }
  }
  text += "]";
  auto catalog = std::make_shared<InventoryCatalog>();
  catalog->inventory_ = resources::ReadInventory("<store>", text);
  for (size_t i = 0; i < catalog->inventory_.resources.size(); ++i) {
    catalog->by_arn_.emplace(catalog->inventory_.resources[i].arn, i);
  }
  return std::shared_ptr<const InventoryCatalog>(std::move(catalog));
}

namespace {

api::ResourceSummary Summary(const resources::Resource& resource) {
  return api::ResourceSummary{resource.arn, std::string(resources::ResourceTypeName(resource.type)),
                              resource.owner_account, resource.region};
}

}  // namespace

std::vector<api::ResourceSummary> InventoryCatalog::Resources() const {
  std::vector<api::ResourceSummary> out;
  for (const resources::Resource& resource : inventory_.resources) out.push_back(Summary(resource));
  return out;
}

std::optional<api::ResourceSummary> InventoryCatalog::Find(std::string_view arn) const {
  auto it = by_arn_.find(arn);
  if (it == by_arn_.end()) return std::nullopt;
  return Summary(inventory_.resources[it->second]);
}

std::vector<findings::Finding> InventoryCatalog::Analyze(std::string_view arn,
                                                         const reasoning::ZoneOfTrust& zone) const {
  auto it = by_arn_.find(arn);
  if (it == by_arn_.end()) return {};
  const resources::Resource& resource = inventory_.resources[it->second];
  return resources::AnalyzeResource(resource, inventory_.FindAccount(resource.owner_account), zone).findings;
}

SplitInventory SplitInventoryFile(const std::string& source_name, const std::string& text, absl::Time now) {
  SplitInventory out;
  resources::Inventory inventory = resources::ReadInventory(source_name, text);
  out.issues = inventory.issues;
  out.skipped = inventory.skipped_records;
  // The records' own text: every element of a JSON array, or every non-blank line.
  std::vector<std::string> texts;
  size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string::npos && text[first] == '[') {
    json::ParseResult parsed = json::Parse(text);
    if (parsed.ok() && parsed.document.root().is_array()) {
      for (json::Value element : parsed.document.root().children()) texts.emplace_back(element.source_text());
    }
  } else {
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      std::string line = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (line.find_first_not_of(" \t\r") != std::string::npos) texts.push_back(std::move(line));
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  // Keep the records ReadInventory accepted (matched by their key).
  std::set<std::string> resources_ok, accounts_ok, organizations_ok;
  for (const resources::Resource& resource : inventory.resources) resources_ok.insert(resource.arn);
  for (const resources::AccountSettings& account : inventory.accounts) accounts_ok.insert(account.account_id);
  for (const resources::OrganizationRecord& record : inventory.organizations) {
    organizations_ok.insert(record.organization.id);
  }
  for (const std::string& record_text : texts) {
    json::ParseResult parsed = json::Parse(record_text);
    if (!parsed.ok() || !parsed.document.root().is_object()) continue;
    json::Value root = parsed.document.root();
    std::optional<json::Value> kind = root.Find("kind");
    if (!kind || !kind->is_string()) continue;
    auto key_of = [&](std::string_view member) -> std::string {
      std::optional<json::Value> value = root.Find(member);
      return value && value->is_string() ? std::string(value->text()) : std::string();
    };
    if (kind->text() == "resource" && resources_ok.contains(key_of("resourceArn"))) {
      out.records.push_back({store::InventoryKind::kResource, key_of("resourceArn"), record_text, now});
    } else if (kind->text() == "account" && accounts_ok.contains(key_of("accountId"))) {
      out.records.push_back({store::InventoryKind::kAccount, key_of("accountId"), record_text, now});
    } else if (kind->text() == "organization" && organizations_ok.contains(key_of("organizationId"))) {
      out.records.push_back({store::InventoryKind::kOrganization, key_of("organizationId"), record_text, now});
    }
  }
  return out;
}

}  // namespace perimeter::server
