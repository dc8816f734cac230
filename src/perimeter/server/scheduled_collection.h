// `perimeter serve`'s own collector, the [collect] table of its configuration (docs/collect.md,
// "perimeter serve keeps watching"): one background thread that runs a collection at start, then
// `interval` after the end of each run, and at once when asked (StartResourceScan). One run at a
// time; requests made during a run are served by one more run after it. Stop() wakes the thread at
// once and tells the running collection to stop (its calls fail fast from then on).
//
// Which stored resources a run shows to be gone (GoneResources) is pure and decided here too: a run
// vouches only for the accounts it read, and not for those where something could not be listed.
#ifndef PERIMETER_SERVER_SCHEDULED_COLLECTION_H_
#define PERIMETER_SERVER_SCHEDULED_COLLECTION_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "perimeter/base/clock.h"
#include "perimeter/collect/records.h"
#include "perimeter/store/store.h"

namespace perimeter::server {

// What one run did.
struct CollectionOutcome {
  absl::Status status;      // not OK: nothing was imported (no credentials, stopped, ...)
  size_t resources = 0;     // resource records read
  size_t errors = 0;        // collectionError records (the gaps; docs/collect.md)
  size_t imported = 0;      // inventory records imported
  size_t removed = 0;       // stored resources gone from AWS, removed (their findings RESOLVED)
  std::string first_error;  // the first collectionError, as its line, for the status
  std::vector<std::string> accounts;  // the accounts the run read
};

// What GET /perimeter/collect answers.
struct CollectionStatus {
  bool running = false;
  uint64_t runs = 0;  // completed
  int64_t last_started_ms = 0;
  int64_t last_finished_ms = 0;  // 0: none yet
  CollectionOutcome last;
};
// {"running":..., "runs":N, "lastStartedAt":"ISO", "lastFinishedAt":"ISO", "status":"OK"|message,
//  "resources":N, "collectionErrors":N, "imported":N, "removed":N, "firstCollectionError":"..."}
std::string CollectionStatusJson(const CollectionStatus& status);

// Whether `caller_account` may read `status` (GET /perimeter/collect): its first error names a
// resource of an account the run read, so only the organization's management account
// (`management_account`, when the server has an organization) or an account the last run read may;
// before any run read an account, the status names nothing and any caller may.
bool MayReadCollectionStatus(const CollectionStatus& status, std::string_view caller_account,
                             const std::optional<std::string>& management_account);

// The stored resources (`stored`, kind kResource) a run shows to be gone from AWS: owned by an
// account the run read (`covered`), not among the keys it collected, and not vouched against by an
// error: any list call of that account that failed (an error without a resource: the list may
// have missed it), or a failed read naming it (it exists; its last configuration stays). A
// resource of an account the run did not read (AssumeRole refused) is never gone.
std::vector<std::string> GoneResources(const std::vector<store::InventoryRecord>& stored,
                                       const std::set<std::string>& collected,
                                       const std::vector<std::string>& covered,
                                       const std::vector<collect::CollectionError>& errors);

class CollectionSchedule {
 public:
  // One collection and its import; `stopping` turns true when the schedule stops.
  using Run = std::function<CollectionOutcome(const std::atomic<bool>& stopping)>;

  // REQUIRES: `clock` outlives the schedule.
  CollectionSchedule(absl::Duration interval, Run run, const base::Clock& clock,
                     std::function<void(const CollectionOutcome&)> report)
      : interval_(interval), run_(std::move(run)), clock_(clock), report_(std::move(report)) {}
  ~CollectionSchedule() { Stop(); }

  // Starts the thread; the first run begins at once.
  void Start();
  // Asks for a run that begins after this call; `then` (may be null) is called once that run has
  // ended (or at Stop when it never begins). Never blocks on a run.
  void Request(std::function<void()> then);
  // Stops: wakes the thread, tells a running collection to stop, waits for the thread, and calls
  // the `then` of requests no run served. Idempotent.
  void Stop();
  CollectionStatus status() const;
  // Blocks until no run is due or running and every request has been served (tests).
  void WaitIdle();

 private:
  void Loop();

  const absl::Duration interval_;
  const Run run_;
  const base::Clock& clock_;
  const std::function<void(const CollectionOutcome&)> report_;
  std::atomic<bool> stopping_ = false;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  bool requested_ = true;                       // the first run, at start
  std::vector<std::function<void()>> waiting_;  // the `then` of requests not yet taken by a run
  CollectionStatus status_;
  bool started_ = false;
  std::thread thread_;
};

}  // namespace perimeter::server

#endif  // PERIMETER_SERVER_SCHEDULED_COLLECTION_H_
