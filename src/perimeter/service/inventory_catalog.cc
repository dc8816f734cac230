#include "perimeter/service/inventory_catalog.h"

#include <set>

#include "perimeter/aws/arn.h"
#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"
#include "perimeter/findings/internal_access_record.h"
#include "perimeter/ingest/unused_access_inputs.h"
#include "perimeter/json/document.h"
#include "perimeter/resources/analyze_resource.h"

namespace perimeter::service {

absl::StatusOr<std::shared_ptr<const InventoryCatalog>> InventoryCatalog::Load(
    store::Store& store) {
  // The account records, then each owner's resources read on their own: claims of two owners on one
  // ARN are both kept (one read would take the second for a duplicate).
  auto catalog = std::make_shared<InventoryCatalog>();
  std::map<std::string, std::string> texts;  // owner -> JSON array of its records
  ASSIGN_OR_RETURN(std::vector<store::InventoryRecord> accounts,
                   store.ListInventory(store::InventoryKind::kAccount));
  std::string account_text = "[";
  for (const store::InventoryRecord& record : accounts) {
    if (account_text.size() > 1) account_text += ",\n";
    account_text += record.json;
  }
  // Managed policies are keyed by (account, ARN), so all of them are read at once too; so are the
  // records the internal-access analysis reads (principals and groups keyed by ARN, organization
  // policies by id, organizations by id: no two stored records share a key).
  for (store::InventoryKind kind :
       {store::InventoryKind::kManagedPolicy, store::InventoryKind::kOrganization,
        store::InventoryKind::kPrincipal, store::InventoryKind::kGroup,
        store::InventoryKind::kOrganizationPolicy}) {
    ASSIGN_OR_RETURN(std::vector<store::InventoryRecord> records, store.ListInventory(kind));
    for (const store::InventoryRecord& record : records) {
      if (account_text.size() > 1) account_text += ",\n";
      account_text += record.json;
    }
  }
  catalog->inventory_ = resources::ReadInventory("<store>", account_text + "]");
  // The unused-access inputs, joined per importer: an account's files say nothing of another's
  // principals.
  ASSIGN_OR_RETURN(std::vector<store::InventoryRecord> inputs,
                   store.ListInventory(store::InventoryKind::kUnusedAccessInput));
  std::map<std::string, ingest::UnusedAccessInputs> by_importer;
  for (const store::InventoryRecord& record : inputs) {
    std::optional<ingest::UnusedAccessInputKind> kind =
        ingest::DetectUnusedAccessInput(record.json);
    if (kind) by_importer[record.owner].Add(*kind, record.key, record.json);
  }
  for (auto& [importer, files] : by_importer) {
    for (unused::IamPrincipal& principal : files.Principals()) {
      if (importer.empty() || principal.account == importer)
        catalog->unused_principals_.push_back(std::move(principal));
    }
  }
  ASSIGN_OR_RETURN(std::vector<store::InventoryRecord> resources,
                   store.ListInventory(store::InventoryKind::kResource));
  for (const store::InventoryRecord& record : resources) {
    std::string& text = texts[record.owner];
    text += text.empty() ? "[" : ",\n";
    text += record.json;
  }
  for (auto& [owner, text] : texts) {
    resources::Inventory read = resources::ReadInventory("<store>", text + "]");
    for (resources::Resource& resource : read.resources)
      catalog->inventory_.resources.push_back(std::move(resource));
  }
  for (size_t i = 0; i < catalog->inventory_.resources.size(); ++i) {
    catalog->by_arn_.emplace(catalog->inventory_.resources[i].arn, i);
  }
  return std::shared_ptr<const InventoryCatalog>(std::move(catalog));
}

namespace {

ResourceSummary Summary(const resources::Resource& resource) {
  return ResourceSummary{resource.arn, std::string(resources::ResourceTypeName(resource.type)),
                         resource.owner_account, resource.region};
}

}  // namespace

std::vector<ResourceSummary> InventoryCatalog::Resources() const {
  std::vector<ResourceSummary> out;
  for (const resources::Resource& resource : inventory_.resources) out.push_back(Summary(resource));
  return out;
}

const resources::Resource* InventoryCatalog::Claim(std::string_view arn,
                                                   std::string_view owner) const {
  auto [begin, end] = by_arn_.equal_range(arn);
  for (auto it = begin; it != end; ++it) {
    const resources::Resource& resource = inventory_.resources[it->second];
    if (owner.empty() || resource.owner_account == owner) return &resource;
  }
  return nullptr;
}

std::optional<ResourceSummary> InventoryCatalog::Find(std::string_view arn) const {
  const resources::Resource* resource = Claim(arn, "");
  if (resource == nullptr) return std::nullopt;
  return Summary(*resource);
}

std::vector<ResourceSummary> InventoryCatalog::FindClaims(std::string_view arn) const {
  std::vector<ResourceSummary> out;
  auto [begin, end] = by_arn_.equal_range(arn);
  for (auto it = begin; it != end; ++it) out.push_back(Summary(inventory_.resources[it->second]));
  return out;
}

std::vector<findings::Finding> InventoryCatalog::Analyze(std::string_view arn,
                                                         const reasoning::ZoneOfTrust& zone) const {
  const resources::Resource* resource = Claim(arn, "");
  if (resource == nullptr) return {};
  return resources::AnalyzeResource(*resource, inventory_.FindAccount(resource->owner_account),
                                    zone)
      .findings;
}

std::vector<findings::Finding> InventoryCatalog::AnalyzeClaim(
    const ResourceSummary& claim, const reasoning::ZoneOfTrust& zone) const {
  const resources::Resource* resource = Claim(claim.arn, claim.owner_account);
  if (resource == nullptr) return {};
  return resources::AnalyzeResource(*resource, inventory_.FindAccount(resource->owner_account),
                                    zone)
      .findings;
}

std::vector<findings::Finding> InventoryCatalog::AnalyzeInternalAccess(
    const reasoning::ZoneOfTrust& zone, const analysis::InternalAccessRule& rule) const {
  std::vector<findings::Finding> out;
  for (const findings::InternalAccessFinding& finding :
       analysis::AnalyzeInventoryInternalAccess(inventory_, zone, rule).findings) {
    out.push_back(findings::ToFinding(finding));
  }
  return out;
}

std::vector<findings::Finding> InventoryCatalog::AnalyzeUnusedAccess(
    const unused::UnusedAccessZone& zone, const unused::UnusedAccessConfiguration& configuration,
    absl::Time now) const {
  std::vector<findings::Finding> out;
  for (const findings::UnusedAccessFinding& finding :
       unused::AnalyzeUnusedAccess(unused_principals_, zone, configuration, now).findings) {
    out.push_back(findings::ToFinding(finding));
  }
  return out;
}

std::optional<std::string> ImportRefusal(const SplitInventory& split,
                                         std::string_view caller_account,
                                         const std::optional<std::string>& management_account) {
  if (!split.foreign.empty()) {
    const store::InventoryRecord& record = split.foreign.front();
    return base::Concat("Account ", caller_account, " may not import resource ", record.key,
                        ": its ARN names account ", ArnAccount(record.key),
                        ", not its resourceOwnerAccount ", record.owner);
  }
  for (const store::InventoryRecord& record : split.records) {
    bool allowed = false;
    switch (record.kind) {
      case store::InventoryKind::kResource:
        allowed = record.owner == caller_account;
        break;
      case store::InventoryKind::kAccount:
        allowed = record.key == caller_account;
        break;
      case store::InventoryKind::kOrganization:
        allowed = management_account == caller_account;
        break;
      case store::InventoryKind::kManagedPolicy:
      case store::InventoryKind::kPrincipal:
      case store::InventoryKind::kGroup:
      case store::InventoryKind::kUnusedAccessInput:
        allowed = record.owner == caller_account;
        break;
      case store::InventoryKind::kOrganizationPolicy:
        allowed = management_account == caller_account;
        break;
    }
    if (!allowed) {
      const bool organization_wide = record.kind == store::InventoryKind::kOrganization ||
                                     record.kind == store::InventoryKind::kOrganizationPolicy;
      std::string_view owner =
          record.kind == store::InventoryKind::kAccount ? record.key : record.owner;
      return base::Concat("Account ", caller_account, " may not import ",
                          store::InventoryKindName(record.kind), " ", record.key,
                          organization_wide ? std::string(" (only the management account may)")
                                            : base::Concat(" of account ", owner));
    }
  }
  return std::nullopt;
}

std::string ArnAccount(std::string_view arn) { return std::string(aws::AccountOfArn(arn)); }

SplitInventory SplitInventoryFile(const std::string& source_name, const std::string& text,
                                  absl::Time now) {
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
      for (json::Value element : parsed.document.root().children())
        texts.emplace_back(element.source_text());
    }
  } else {
    size_t start = 0;
    while (start < text.size()) {
      size_t end = text.find('\n', start);
      std::string line =
          text.substr(start, end == std::string::npos ? std::string::npos : end - start);
      if (line.find_first_not_of(" \t\r") != std::string::npos) texts.push_back(std::move(line));
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  // Keep the records ReadInventory accepted (matched by their key).
  std::set<std::string> resources_ok, accounts_ok, organizations_ok;
  for (const resources::Resource& resource : inventory.resources) resources_ok.insert(resource.arn);
  for (const resources::AccountSettings& account : inventory.accounts)
    accounts_ok.insert(account.account_id);
  for (const resources::OrganizationRecord& record : inventory.organizations) {
    organizations_ok.insert(record.organization.id);
  }
  std::set<std::pair<std::string, std::string>> policies_ok;
  for (const resources::ManagedPolicy& policy : inventory.managed_policies)
    policies_ok.emplace(policy.account_id, policy.arn);
  std::set<std::string> principals_ok, groups_ok, organization_policies_ok;
  for (const resources::IamPrincipalRecord& record : inventory.principals)
    principals_ok.insert(record.arn);
  for (const resources::IamPrincipalRecord& record : inventory.groups) groups_ok.insert(record.arn);
  for (const resources::OrganizationPolicyRecord& record : inventory.organization_policies)
    organization_policies_ok.insert(record.id);
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
      std::string arn = key_of("resourceArn"), owner = key_of("resourceOwnerAccount");
      std::string arn_account = ArnAccount(arn);
      store::InventoryRecord record{store::InventoryKind::kResource, arn, record_text, now, owner};
      if (!arn_account.empty() && arn_account != owner) {
        out.foreign.push_back(std::move(record));
      } else {
        out.records.push_back(std::move(record));
      }
    } else if (kind->text() == "account" && accounts_ok.contains(key_of("accountId"))) {
      out.records.push_back(
          {store::InventoryKind::kAccount, key_of("accountId"), record_text, now});
    } else if (kind->text() == "organization" &&
               organizations_ok.contains(key_of("organizationId"))) {
      out.records.push_back(
          {store::InventoryKind::kOrganization, key_of("organizationId"), record_text, now});
    } else if (kind->text() == "managedPolicy" &&
               policies_ok.contains({key_of("accountId"), key_of("arn")})) {
      out.records.push_back({store::InventoryKind::kManagedPolicy, key_of("arn"), record_text, now,
                             key_of("accountId")});
    } else if (kind->text() == "principal" && principals_ok.contains(key_of("arn"))) {
      out.records.push_back({store::InventoryKind::kPrincipal, key_of("arn"), record_text, now,
                             ArnAccount(key_of("arn"))});
    } else if (kind->text() == "group" && groups_ok.contains(key_of("arn"))) {
      out.records.push_back({store::InventoryKind::kGroup, key_of("arn"), record_text, now,
                             ArnAccount(key_of("arn"))});
    } else if (kind->text() == "organizationPolicy" &&
               organization_policies_ok.contains(key_of("id"))) {
      out.records.push_back(
          {store::InventoryKind::kOrganizationPolicy, key_of("id"), record_text, now});
    }
  }
  return out;
}

namespace {

// DetectUnusedAccessInput looks at the text's first bytes only (an inventory's first line has a
// "kind" too): an import is taken for an unused-access input only when its first record says so —
// an activity record's kind, or the members of AWS's JSON outputs.
bool ConfirmedUnusedAccessInput(ingest::UnusedAccessInputKind kind, std::string_view text) {
  size_t start = text.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos) return false;
  if (text[start] != '{') return true;  // the credential report's CSV
  std::string_view first = text.substr(start);
  if (kind == ingest::UnusedAccessInputKind::kActivity) first = first.substr(0, first.find('\n'));
  json::ParseResult parsed = json::Parse(std::string(first));
  if (!parsed.ok() || !parsed.document.root().is_object()) return false;
  json::Value root = parsed.document.root();
  switch (kind) {
    case ingest::UnusedAccessInputKind::kActivity: {
      std::optional<json::Value> record_kind = root.Find("kind");
      return record_kind && record_kind->is_string() &&
             (record_kind->text() == "serviceLastAccessed" ||
              record_kind->text() == "accessKeyLastUsed");
    }
    case ingest::UnusedAccessInputKind::kCredentialReport:
      return root.Find("Content").has_value();
    case ingest::UnusedAccessInputKind::kAuthorizationDetails:
      return root.Find("RoleDetailList").has_value() || root.Find("UserDetailList").has_value();
  }
  return false;
}

}  // namespace

std::optional<SplitInventory> SplitUnusedAccessInput(const std::string& source_name,
                                                     const std::string& text, absl::Time now,
                                                     std::string_view importer) {
  std::optional<ingest::UnusedAccessInputKind> kind = ingest::DetectUnusedAccessInput(text);
  if (!kind || !ConfirmedUnusedAccessInput(*kind, text)) return std::nullopt;
  std::string key;
  switch (*kind) {
    case ingest::UnusedAccessInputKind::kAuthorizationDetails:
      key = "authorizationDetails";
      break;
    case ingest::UnusedAccessInputKind::kCredentialReport:
      key = "credentialReport";
      break;
    case ingest::UnusedAccessInputKind::kActivity:
      key = "activity";
      break;
  }
  ingest::UnusedAccessInputs reader;
  reader.Add(*kind, source_name, text);
  SplitInventory out;
  for (const ingest::UnusedAccessInputs::FileIssue& issue : reader.issues())
    out.issues.push_back(issue.issue);
  if (reader.has_errors()) {
    out.skipped = 1;
  } else {
    out.records.push_back(store::InventoryRecord{store::InventoryKind::kUnusedAccessInput, key,
                                                 text, now, std::string(importer)});
  }
  return out;
}

}  // namespace perimeter::service
