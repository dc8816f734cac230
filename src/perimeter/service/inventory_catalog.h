// The imported inventory as the analysis reads it (ResourceCatalog), over resources/: the stored
// inventory records are read once with resources::ReadInventory into an immutable snapshot, and
// each resource is analyzed with resources::AnalyzeResource under its owner's account settings.
//
// A catalog is immutable and shared with readers (the API, the analysis worker) through shared_ptr.
// An import of a few resource records does not reload the store: WithResources gives a new catalog
// that shares this one's entries and overlays the changed ones (copy-on-write), so a one-resource
// update costs what that resource's record costs to read, not what 100,000 records do
// (docs/server.md, "Incremental imports").
//
// The principals, groups, managed policies, organization records and organization policies are
// read beside the resources for the internal-access analysis (analysis/internal_access_analysis.h),
// and the imported unused-access inputs (AWS's exports, docs/inventory.md "Unused access inputs")
// are joined per importing account for the unused-access analysis (unused/unused_access.h): the
// files one account imported describe only that account's principals (an operator's import at
// start, owner "", any account's).
//
// Also splits an inventory file into the records the store keeps (one per resource, account,
// organization, managed policy, principal, group and organization policy, keyed by ARN, account
// id, organization id, policy ARN, principal or group ARN and policy id), and an unused-access
// input into one record of its kind.
#ifndef PERIMETER_SERVICE_INVENTORY_CATALOG_H_
#define PERIMETER_SERVICE_INVENTORY_CATALOG_H_

#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "perimeter/resources/inventory.h"
#include "perimeter/service/continuous_analysis.h"
#include "perimeter/store/store.h"

namespace perimeter::service {

class InventoryCatalog final : public ResourceCatalog {
 public:
  // Reads every resource and account record of the store.
  static absl::StatusOr<std::shared_ptr<const InventoryCatalog>> Load(store::Store& store);

  // This catalog with the resource records `records` put: each replaces the claim of its (ARN,
  // owner) or adds one. Every query then answers as Load would on a store holding this catalog's
  // records and then `records` (claims and Resources() ordered by owner, then ARN). Unchanged
  // entries are shared with this catalog; once the overlaid claims outnumber
  // kMaxOverlaidClaims, the result is flattened (a copy of every entry, no store read).
  // Records that fail to read (resources::ReadInventory) are left out, as Load leaves them out.
  // REQUIRES: every record is of kind kResource, no two with the same (key, owner): account,
  // organization and managed policy records change what many analyses read and are brought in by
  // Load.
  std::shared_ptr<const InventoryCatalog> WithResources(
      std::span<const store::InventoryRecord> records) const;
  static constexpr size_t kMaxOverlaidClaims = 4096;
  // Claims overlaid on the last flat catalog (tests, benchmarks).
  size_t overlaid_claims() const { return overlaid_claims_; }

  std::vector<ResourceSummary> Resources() const override;
  std::optional<ResourceSummary> Find(std::string_view arn) const override;
  std::vector<ResourceSummary> FindClaims(std::string_view arn) const override;
  std::vector<findings::Finding> Analyze(std::string_view arn,
                                         const reasoning::ZoneOfTrust& zone) const override;
  std::vector<findings::Finding> AnalyzeClaim(const ResourceSummary& claim,
                                              const reasoning::ZoneOfTrust& zone) const override;

  const resources::Resource* FindRecord(std::string_view arn,
                                        std::string_view owner) const override {
    return Claim(arn, owner);
  }
  const resources::AccountSettings* FindAccountSettings(std::string_view owner) const override {
    return base_->inventory.FindAccount(owner);
  }

  std::vector<findings::Finding> AnalyzeInternalAccess(
      const reasoning::ZoneOfTrust& zone, const analysis::InternalAccessRule& rule) const override;
  std::vector<findings::Finding> AnalyzeUnusedAccess(
      const unused::UnusedAccessZone& zone, const unused::UnusedAccessConfiguration& configuration,
      absl::Time now) const override;
  // The first imported principal with this ARN (its policies, for the recommendations).
  std::optional<unused::IamPrincipal> FindPrincipal(std::string_view arn) const override;

  // The records of the last Load: accounts, organizations, managed policies, principals, groups,
  // organization policies are current (imports of them reload). Its `resources` miss the claims
  // put since by WithResources: read resources through Resources(), FindClaims and FindRecord.
  const resources::Inventory& inventory() const { return base_->inventory; }
  const std::vector<unused::IamPrincipal>& unused_access_principals() const {
    return base_->unused_principals;
  }

 private:
  // A flat catalog: every claim in `inventory.resources`, ordered by (owner, ARN).
  struct Flat {
    resources::Inventory inventory;
    // Every claim on an ARN, by owner: ARNs without an account (S3 buckets) may be claimed by
    // several accounts, each claim analyzed in its owner's scope.
    std::multimap<std::string, size_t, std::less<>> by_arn;
    // The principals of the imported unused-access inputs, joined per importing account.
    std::vector<unused::IamPrincipal> unused_principals;
  };
  using Claims = std::map<std::string, std::shared_ptr<const resources::Resource>, std::less<>>;

  // Every claim on `arn`, ordered by owner.
  std::vector<const resources::Resource*> ClaimsOf(std::string_view arn) const;
  // The claim on `arn` an analysis of `owner` ("" for any: the first by owner) reads; null when
  // none.
  const resources::Resource* Claim(std::string_view arn, std::string_view owner) const;

  std::shared_ptr<const Flat> base_ = std::make_shared<const Flat>();
  // The claims put since `base_` was built: by ARN, then by owner. They replace base_'s claim of
  // the same (ARN, owner) or add one.
  std::map<std::string, Claims, std::less<>> overlay_;
  size_t overlaid_claims_ = 0;
};

// The records of one inventory file, ready for Store::PutInventory, and the file's problems
// (positioned, from resources::ReadInventory). Records with errors are left out. A resource
// record's owner is its resourceOwnerAccount; a resource whose ARN names another account than its
// owner (a role of account B claimed by A) is not a record of its owner: it is left out of
// `records` and listed in `foreign`.
struct SplitInventory {
  std::vector<store::InventoryRecord> records;
  std::vector<store::InventoryRecord> foreign;
  std::vector<base::Issue> issues;
  size_t skipped = 0;
};

// Why `caller_account` may not import `split` through POST /perimeter/import, or nullopt when it
// may. A caller imports only its own account's records (resources it owns, its account record,
// managed policies whose accountId it is), and the management account also organization records. A
// resource is the caller's when the caller is its resourceOwnerAccount and, for an ARN that names
// an account, that account too (`foreign` is never the caller's): a member can neither replace nor
// shadow another account's resource. One record of another account refuses the whole import, so
// nothing of it is written.
std::optional<std::string> ImportRefusal(const SplitInventory& split,
                                         std::string_view caller_account,
                                         const std::optional<std::string>& management_account);

// The account named in a resource ARN (arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE); "" for ARNs
// without one (S3 buckets: arn:aws:s3:::NAME) or text that is not an ARN.
std::string ArnAccount(std::string_view arn);
SplitInventory SplitInventoryFile(const std::string& source_name, const std::string& text,
                                  absl::Time now);

// When `text` is one of the unused-access inputs (ingest::DetectUnusedAccessInput: authorization
// details, credential report, activity records), the one record that keeps it whole (kind
// kUnusedAccessInput, key its kind, owner `importer`: a later import of the same kind by the same
// account replaces it) with the problems reading it found; the record is left out when one of them
// is an error. nullopt when `text` is none of them (an inventory: SplitInventoryFile).
std::optional<SplitInventory> SplitUnusedAccessInput(const std::string& source_name,
                                                     const std::string& text, absl::Time now,
                                                     std::string_view importer);

}  // namespace perimeter::service

#endif  // PERIMETER_SERVICE_INVENTORY_CATALOG_H_
