#include "perimeter/server/scheduled_collection.h"

#include <algorithm>
#include <chrono>

#include "perimeter/json/writer.h"

namespace perimeter::server {

namespace {

std::string Iso(int64_t millis) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromUnixMillis(millis),
                          absl::UTCTimeZone());
}

}  // namespace

std::string CollectionStatusJson(const CollectionStatus& status) {
  json::Writer w;
  w.BeginObject().Key("running").Bool(status.running);
  w.Key("runs").Int(static_cast<int64_t>(status.runs));
  if (status.last_started_ms != 0) w.Key("lastStartedAt").String(Iso(status.last_started_ms));
  if (status.last_finished_ms != 0) {
    const CollectionOutcome& last = status.last;
    w.Key("lastFinishedAt").String(Iso(status.last_finished_ms));
    w.Key("status").String(last.status.ok() ? "OK" : std::string(last.status.message()));
    w.Key("resources").Int(static_cast<int64_t>(last.resources));
    w.Key("collectionErrors").Int(static_cast<int64_t>(last.errors));
    w.Key("imported").Int(static_cast<int64_t>(last.imported));
    w.Key("removed").Int(static_cast<int64_t>(last.removed));
    if (!last.first_error.empty()) w.Key("firstCollectionError").String(last.first_error);
  }
  w.EndObject();
  return std::move(w).Take();
}

std::vector<std::string> GoneResources(const std::vector<store::InventoryRecord>& stored,
                                       const std::set<std::string>& collected,
                                       const std::vector<std::string>& covered,
                                       const std::vector<collect::CollectionError>& errors) {
  std::set<std::string_view> vouched(covered.begin(), covered.end());
  for (const collect::CollectionError& error : errors) {
    if (error.resource.empty()) vouched.erase(error.account);
  }
  std::vector<std::string> gone;
  for (const store::InventoryRecord& record : stored) {
    if (record.kind != store::InventoryKind::kResource) continue;
    if (!vouched.contains(record.owner) || collected.contains(record.key)) continue;
    bool read_failed = false;
    for (const collect::CollectionError& error : errors) {
      // Errors name the resource by ARN, or by a name or URL the ARN ends with.
      read_failed = read_failed ||
                    (error.account == record.owner && !error.resource.empty() &&
                     (record.key == error.resource || record.key.ends_with(":" + error.resource) ||
                      record.key.ends_with("/" + error.resource) ||
                      error.resource.ends_with("/" + record.key)));
    }
    if (!read_failed) gone.push_back(record.key);
  }
  return gone;
}

void CollectionSchedule::Start() {
  std::lock_guard lock(mutex_);
  if (started_) return;
  started_ = true;
  thread_ = std::thread([this] { Loop(); });
}

void CollectionSchedule::Request(std::function<void()> then) {
  std::lock_guard lock(mutex_);
  if (stopping_) {
    if (then) then();
    return;
  }
  requested_ = true;
  if (then) waiting_.push_back(std::move(then));
  wake_.notify_all();
}

void CollectionSchedule::Stop() {
  std::vector<std::function<void()>> unserved;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    unserved.swap(waiting_);
  }
  wake_.notify_all();
  idle_.notify_all();
  if (thread_.joinable()) thread_.join();
  for (const auto& then : unserved) then();
}

CollectionStatus CollectionSchedule::status() const {
  std::lock_guard lock(mutex_);
  return status_;
}

void CollectionSchedule::WaitIdle() {
  std::unique_lock lock(mutex_);
  idle_.wait(lock, [&] { return stopping_ || (!requested_ && !status_.running); });
}

void CollectionSchedule::Loop() {
  while (true) {
    std::vector<std::function<void()>> served;
    {
      std::unique_lock lock(mutex_);
      auto due = std::chrono::steady_clock::now() + absl::ToChronoMilliseconds(interval_);
      wake_.wait_until(lock, due, [&] { return stopping_ || requested_; });
      if (stopping_) break;
      requested_ = false;
      served.swap(waiting_);
      status_.running = true;
      status_.last_started_ms = clock_.Now();
    }
    CollectionOutcome outcome = run_(stopping_);
    if (report_) report_(outcome);
    for (const auto& then : served) then();
    {
      std::lock_guard lock(mutex_);
      status_.running = false;
      status_.last_finished_ms = clock_.Now();
      ++status_.runs;
      status_.last = std::move(outcome);
      if (!requested_) idle_.notify_all();
    }
  }
  std::lock_guard lock(mutex_);
  idle_.notify_all();
}

bool MayReadCollectionStatus(const CollectionStatus& status, std::string_view caller_account,
                             const std::optional<std::string>& management_account) {
  if (management_account && caller_account == *management_account) return true;
  if (status.last.accounts.empty()) return true;
  return std::find(status.last.accounts.begin(), status.last.accounts.end(), caller_account) !=
         status.last.accounts.end();
}

}  // namespace perimeter::server
