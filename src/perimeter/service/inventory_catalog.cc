#include "perimeter/service/inventory_catalog.h"

#include <algorithm>
#include <set>

#include "perimeter/aws/arn.h"
#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"
#include "perimeter/findings/internal_access_record.h"
#include "perimeter/ingest/unused_access_inputs.h"
#include "perimeter/json/document.h"
#include "perimeter/resources/analyze_resource.h"

namespace perimeter::service {

namespace {

constexpr size_t kReadChunkBytes = size_t{16} << 20;

// Reads resource records as Load reads them: one text per owner (claims of two owners on one ARN
// are both kept; one read would take the second for a duplicate), owners in order, each owner's
// records in the order given. Records that do not read are left out.
std::vector<resources::Resource> ReadResourceRecords(
    std::span<const store::InventoryRecord> records) {
  std::map<std::string, std::vector<std::string>> texts;  // owner -> JSON arrays of its records
  for (const store::InventoryRecord& record : records) {
    std::vector<std::string>& arrays = texts[record.owner];
    // A JSON text is read up to json::ParseOptions::max_bytes (64 MiB): an owner's records are read
    // in arrays of at most kReadChunkBytes (the 100,000 records of the project's corpus did not
    // read as one array, which left the catalogue empty).
    if (arrays.empty() || arrays.back().size() + record.json.size() > kReadChunkBytes) {
      arrays.emplace_back("[");
    } else {
      arrays.back() += ",\n";
    }
    arrays.back() += record.json;
  }
  std::vector<resources::Resource> out;
  out.reserve(records.size());
  for (auto& [owner, arrays] : texts) {
    for (std::string& text : arrays) {
      text += "]";
      resources::Inventory read = resources::ReadInventory("<store>", text);
      for (resources::Resource& resource : read.resources) out.push_back(std::move(resource));
    }
  }
  return out;
}

bool ByOwnerThenArn(const resources::Resource* a, const resources::Resource* b) {
  if (a->owner_account != b->owner_account) return a->owner_account < b->owner_account;
  return a->arn < b->arn;
}

ResourceSummary Summary(const resources::Resource& resource) {
  return ResourceSummary{resource.arn, std::string(resources::ResourceTypeName(resource.type)),
                         resource.owner_account, resource.region};
}

}  // namespace

absl::StatusOr<std::shared_ptr<const InventoryCatalog>> InventoryCatalog::Load(
    store::Store& store) {
  // The account records, then each owner's resources read on their own.
  Flat flat;
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
  flat.inventory = resources::ReadInventory("<store>", account_text + "]");
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
        flat.unused_principals.push_back(std::move(principal));
    }
  }
  ASSIGN_OR_RETURN(std::vector<store::InventoryRecord> resources,
                   store.ListInventory(store::InventoryKind::kResource));
  for (resources::Resource& resource : ReadResourceRecords(resources))
    flat.inventory.resources.push_back(std::move(resource));
  for (size_t i = 0; i < flat.inventory.resources.size(); ++i)
    flat.by_arn.emplace(flat.inventory.resources[i].arn, i);
  auto catalog = std::make_shared<InventoryCatalog>();
  catalog->base_ = std::make_shared<const Flat>(std::move(flat));
  return std::shared_ptr<const InventoryCatalog>(std::move(catalog));
}

std::shared_ptr<const InventoryCatalog> InventoryCatalog::WithResources(
    std::span<const store::InventoryRecord> records) const {
  auto next = std::make_shared<InventoryCatalog>();
  next->base_ = base_;
  next->overlay_ = overlay_;  // shares the overlaid resources
  next->overlaid_claims_ = overlaid_claims_;
  // A record that does not read leaves no claim, as in Load: each put claim starts as a tombstone.
  for (const store::InventoryRecord& record : records) {
    if (next->overlay_[record.key].insert_or_assign(record.owner, nullptr).second)
      ++next->overlaid_claims_;
  }
  for (resources::Resource& resource : ReadResourceRecords(records)) {
    std::string arn = resource.arn, owner = resource.owner_account;
    next->overlay_[arn][owner] = std::make_shared<const resources::Resource>(std::move(resource));
  }
  if (next->overlaid_claims_ <= kMaxOverlaidClaims) return next;
  // Flatten: every current claim copied into a new base (the documents are shared, not copied).
  std::vector<const resources::Resource*> current;
  for (const resources::Resource& resource : base_->inventory.resources) {
    if (const resources::Resource* claim = next->Claim(resource.arn, resource.owner_account);
        claim == &resource)
      current.push_back(claim);
  }
  for (const auto& [arn, claims] : next->overlay_) {
    for (const auto& [owner, resource] : claims) {
      if (resource) current.push_back(resource.get());
    }
  }
  std::sort(current.begin(), current.end(), ByOwnerThenArn);
  Flat flat;
  flat.inventory = base_->inventory;
  flat.unused_principals = base_->unused_principals;
  flat.inventory.resources.clear();
  flat.inventory.resources.reserve(current.size());
  for (const resources::Resource* resource : current) flat.inventory.resources.push_back(*resource);
  for (size_t i = 0; i < flat.inventory.resources.size(); ++i)
    flat.by_arn.emplace(flat.inventory.resources[i].arn, i);
  auto flattened = std::make_shared<InventoryCatalog>();
  flattened->base_ = std::make_shared<const Flat>(std::move(flat));
  return flattened;
}

std::vector<const resources::Resource*> InventoryCatalog::ClaimsOf(std::string_view arn) const {
  std::vector<const resources::Resource*> out;
  auto overlaid = overlay_.find(arn);
  auto [begin, end] = base_->by_arn.equal_range(arn);
  for (auto it = begin; it != end; ++it) {
    const resources::Resource& resource = base_->inventory.resources[it->second];
    if (overlaid != overlay_.end() && overlaid->second.contains(resource.owner_account)) continue;
    out.push_back(&resource);
  }
  if (overlaid == overlay_.end()) return out;  // base claims are ordered by owner
  for (const auto& [owner, resource] : overlaid->second) {
    if (resource) out.push_back(resource.get());
  }
  std::sort(out.begin(), out.end(), ByOwnerThenArn);
  return out;
}

std::vector<ResourceSummary> InventoryCatalog::Resources() const {
  std::vector<ResourceSummary> out;
  out.reserve(base_->inventory.resources.size());
  for (const resources::Resource& resource : base_->inventory.resources) {
    if (overlay_.empty()) {
      out.push_back(Summary(resource));
      continue;
    }
    auto overlaid = overlay_.find(resource.arn);
    if (overlaid == overlay_.end() || !overlaid->second.contains(resource.owner_account)) {
      out.push_back(Summary(resource));
    }
  }
  // The overlaid claims, then all in Load's order.
  for (const auto& [arn, claims] : overlay_) {
    for (const auto& [owner, resource] : claims) {
      if (resource) out.push_back(Summary(*resource));
    }
  }
  if (!overlay_.empty()) {
    std::sort(out.begin(), out.end(), [](const ResourceSummary& a, const ResourceSummary& b) {
      if (a.owner_account != b.owner_account) return a.owner_account < b.owner_account;
      return a.arn < b.arn;
    });
  }
  return out;
}

const resources::Resource* InventoryCatalog::Claim(std::string_view arn,
                                                   std::string_view owner) const {
  for (const resources::Resource* resource : ClaimsOf(arn)) {
    if (owner.empty() || resource->owner_account == owner) return resource;
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
  for (const resources::Resource* resource : ClaimsOf(arn)) out.push_back(Summary(*resource));
  return out;
}

std::vector<findings::Finding> InventoryCatalog::Analyze(std::string_view arn,
                                                         const reasoning::ZoneOfTrust& zone) const {
  const resources::Resource* resource = Claim(arn, "");
  if (resource == nullptr) return {};
  return resources::AnalyzeResource(*resource, FindAccountSettings(resource->owner_account), zone)
      .findings;
}

std::vector<findings::Finding> InventoryCatalog::AnalyzeClaim(
    const ResourceSummary& claim, const reasoning::ZoneOfTrust& zone) const {
  const resources::Resource* resource = Claim(claim.arn, claim.owner_account);
  if (resource == nullptr) return {};
  return resources::AnalyzeResource(*resource, FindAccountSettings(resource->owner_account), zone)
      .findings;
}

std::vector<findings::Finding> InventoryCatalog::AnalyzeInternalAccess(
    const reasoning::ZoneOfTrust& zone, const analysis::InternalAccessRule& rule) const {
  // The resources as they are now: the base's, with the claims put since by WithResources.
  const resources::Inventory* inventory = &base_->inventory;
  resources::Inventory current;
  if (!overlay_.empty()) {
    current = base_->inventory;
    current.resources.clear();
    for (const ResourceSummary& summary : Resources()) {
      if (const resources::Resource* resource = Claim(summary.arn, summary.owner_account))
        current.resources.push_back(*resource);
    }
    inventory = &current;
  }
  std::vector<findings::Finding> out;
  for (const findings::InternalAccessFinding& finding :
       analysis::AnalyzeInventoryInternalAccess(*inventory, zone, rule).findings) {
    out.push_back(findings::ToFinding(finding));
  }
  return out;
}

std::vector<findings::Finding> InventoryCatalog::AnalyzeUnusedAccess(
    const unused::UnusedAccessZone& zone, const unused::UnusedAccessConfiguration& configuration,
    absl::Time now) const {
  std::vector<findings::Finding> out;
  for (const findings::UnusedAccessFinding& finding :
       unused::AnalyzeUnusedAccess(base_->unused_principals, zone, configuration, now).findings) {
    out.push_back(findings::ToFinding(finding));
  }
  return out;
}

std::optional<unused::IamPrincipal> InventoryCatalog::FindPrincipal(std::string_view arn) const {
  for (const unused::IamPrincipal& principal : base_->unused_principals) {
    if (principal.arn == arn) return principal;
  }
  return std::nullopt;
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
