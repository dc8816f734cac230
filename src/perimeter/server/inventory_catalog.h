// The imported inventory as the analysis reads it (api::ResourceCatalog), over resources/: the stored
// inventory records are read once with resources::ReadInventory into an immutable snapshot, and each
// resource is analyzed with resources::AnalyzeResource under its owner's account settings.
//
// Also splits an inventory file into the records the store keeps (one per resource, account and
// organization, keyed by ARN, account id and organization id).
#ifndef PERIMETER_SERVER_INVENTORY_CATALOG_H_
#define PERIMETER_SERVER_INVENTORY_CATALOG_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "perimeter/api/analysis.h"
#include "perimeter/resources/inventory.h"
#include "perimeter/store/store.h"

namespace perimeter::server {

class InventoryCatalog final : public api::ResourceCatalog {
 public:
  // Reads every resource and account record of the store.
  static absl::StatusOr<std::shared_ptr<const InventoryCatalog>> Load(store::Store& store);

  std::vector<api::ResourceSummary> Resources() const override;
  std::optional<api::ResourceSummary> Find(std::string_view arn) const override;
  std::vector<findings::Finding> Analyze(std::string_view arn, const reasoning::ZoneOfTrust& zone) const override;

  const resources::Inventory& inventory() const { return inventory_; }

 private:
  resources::Inventory inventory_;
  std::map<std::string, size_t, std::less<>> by_arn_;
};

// The records of one inventory file, ready for Store::PutInventory, and the file's problems (positioned,
// from resources::ReadInventory). Records with errors are left out.
struct SplitInventory {
  std::vector<store::InventoryRecord> records;
  std::vector<base::Issue> issues;
  size_t skipped = 0;
};
SplitInventory SplitInventoryFile(const std::string& source_name, const std::string& text, absl::Time now);

}  // namespace perimeter::server

#endif  // PERIMETER_SERVER_INVENTORY_CATALOG_H_
