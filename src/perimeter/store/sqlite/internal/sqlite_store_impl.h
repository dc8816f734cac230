// The parts of SqliteStore that its .cc files share (sqlite_store.cc: the records and writes;
// sqlite_store_listing.cc: the keyset listing): the listing cache and the reader-connection lease.
// Included by those files only.
#ifndef PERIMETER_STORE_SQLITE_INTERNAL_SQLITE_STORE_IMPL_H_
#define PERIMETER_STORE_SQLITE_INTERNAL_SQLITE_STORE_IMPL_H_

#include <sqlite3.h>

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "perimeter/store/sqlite/internal/sqlite_api.h"
#include "perimeter/store/sqlite/sqlite_store.h"

namespace perimeter::store {

// Listed findings by seq. A row is never changed in place (a write replaces it under a new seq,
// which AUTOINCREMENT never hands out again), so an entry stays true while its seq exists and there
// is nothing to invalidate; beyond the capacity the least recently used entries are dropped.
class SqliteStore::ListedCache {
 public:
  explicit ListedCache(size_t capacity) : capacity_(capacity) {}

  std::shared_ptr<const ListedFinding> Find(int64_t seq) {
    std::lock_guard lock(mutex_);
    auto it = entries_.find(seq);
    if (it == entries_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second.second);
    return it->second.first;
  }
  void Insert(int64_t seq, std::shared_ptr<const ListedFinding> entry) {
    std::lock_guard lock(mutex_);
    if (entries_.contains(seq)) return;
    order_.push_front(seq);
    entries_.emplace(seq, std::make_pair(std::move(entry), order_.begin()));
    if (entries_.size() > capacity_) {
      entries_.erase(order_.back());
      order_.pop_back();
    }
  }

 private:
  std::mutex mutex_;
  const size_t capacity_;
  std::list<int64_t> order_;  // most recently used first
  std::unordered_map<int64_t,
                     std::pair<std::shared_ptr<const ListedFinding>, std::list<int64_t>::iterator>>
      entries_;
};

// A reader connection for the scope of one read; waits while all are in use.
class SqliteStore::ReaderLease {
 public:
  explicit ReaderLease(SqliteStore& store) : store_(store) {
    std::unique_lock lock(store.readers_mutex_);
    store.reader_free_.wait(lock, [&] { return !store.free_readers_.empty(); });
    reader_ = store.free_readers_.back();
    store.free_readers_.pop_back();
  }
  ~ReaderLease() {
    {
      std::lock_guard lock(store_.readers_mutex_);
      store_.free_readers_.push_back(reader_);
    }
    store_.reader_free_.notify_one();
  }
  ReaderLease(const ReaderLease&) = delete;
  ReaderLease& operator=(const ReaderLease&) = delete;

  sqlite3* db() const { return reader_->db; }
  sqlite3_stmt* Prepared(const std::string& sql) {
    return internal::PrepareCached(reader_->db, reader_->statements, sql);
  }

 private:
  SqliteStore& store_;
  Reader* reader_;
};

}  // namespace perimeter::store

#endif  // PERIMETER_STORE_SQLITE_INTERNAL_SQLITE_STORE_IMPL_H_
