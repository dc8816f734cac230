// One run of `perimeter serve`'s collector (the [collect] table, docs/collect.md): the credentials
// from the AWS SDKs' chain in the server's environment, the endpoints as `perimeter collect`
// resolves them plus the table's own, then collect::Collect over the signed caller. The records
// are kept in memory for the server's import; the collectionError records apart.
#ifndef PERIMETER_SERVER_COLLECTION_RUN_H_
#define PERIMETER_SERVER_COLLECTION_RUN_H_

#include <atomic>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "perimeter/base/clock.h"
#include "perimeter/collect/records.h"
#include "perimeter/server/config.h"

namespace perimeter::server {

struct CollectedInventory {
  std::string lines;                             // inventory records, JSON Lines
  std::vector<collect::CollectionError> errors;  // what could not be read
  std::vector<std::string> accounts;             // the accounts read
  size_t resources = 0;
};

// Collects as `config` says. Errors: no credentials, the caller's identity or the organization
// unreadable (as `perimeter collect`'s exit 2), or Cancelled once `stopping` is true: from then on
// every call fails at once and waits between retries are cut short.
absl::StatusOr<CollectedInventory> CollectFromAws(const CollectConfig& config,
                                                  const std::atomic<bool>& stopping,
                                                  const base::Clock& clock);

}  // namespace perimeter::server

#endif  // PERIMETER_SERVER_COLLECTION_RUN_H_
