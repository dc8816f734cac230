// Thin RAII wrappers over the SQLite C API for the store's .cc files: a prepared statement, an
// immediate write transaction, and the statement cache of a connection. Errors come back as
// absl::Status carrying sqlite3_errmsg.
#ifndef PERIMETER_STORE_SQLITE_INTERNAL_SQLITE_API_H_
#define PERIMETER_STORE_SQLITE_INTERNAL_SQLITE_API_H_

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace perimeter::store::internal {

// An InternalError "sqlite: <what>: <sqlite3_errmsg(db)>".
absl::Status SqliteError(sqlite3* db, std::string_view what);

// Runs `sql` (one or more statements) on `db`.
absl::Status Exec(sqlite3* db, const char* sql);

// The statement for `sql` from `cache`, prepared (persistent) on first use and kept until the
// cache's owner finalizes it; nullptr if it does not prepare.
sqlite3_stmt* PrepareCached(sqlite3* db, std::map<std::string, sqlite3_stmt*>& cache,
                            const std::string& sql);

// A prepared statement; finalized on destruction.
class Statement {
 public:
  Statement(sqlite3* db, const char* sql) : db_(db) {
    status_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr);
  }
  // Borrows a statement prepared once and kept by the store (hot queries): reset, not finalized, at
  // the end.
  Statement(sqlite3* db, sqlite3_stmt* cached) : db_(db), stmt_(cached), borrowed_(true) {
    status_ = cached == nullptr ? SQLITE_ERROR : SQLITE_OK;
  }
  ~Statement() {
    if (!borrowed_) {
      sqlite3_finalize(stmt_);
    } else if (stmt_ != nullptr) {
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
  }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  absl::Status prepared() const {
    return status_ == SQLITE_OK ? absl::OkStatus() : SqliteError(db_, "prepare");
  }
  Statement& Bind(int index, std::string_view text) {
    sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int index, int64_t number) {
    sqlite3_bind_int64(stmt_, index, number);
    return *this;
  }
  Statement& BindNull(int index) {
    sqlite3_bind_null(stmt_, index);
    return *this;
  }
  // True when a row is available; false at the end. Errors go to `status`.
  bool Step(absl::Status& status) {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) status = SqliteError(db_, "step");
    return false;
  }
  void Reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  absl::Status Run() {
    absl::Status status;
    while (Step(status)) {
    }
    return status;
  }
  std::string Text(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    return text == nullptr ? std::string()
                           : std::string(reinterpret_cast<const char*>(text),
                                         static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  // Valid until the statement steps again or is reset.
  std::string_view TextView(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    return text == nullptr
               ? std::string_view()
               : std::string_view(reinterpret_cast<const char*>(text),
                                  static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
  }
  int64_t Int(int column) const { return sqlite3_column_int64(stmt_, column); }
  bool IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
  bool borrowed_ = false;
  int status_ = SQLITE_OK;
};

// BEGIN IMMEDIATE ... COMMIT, rolled back unless committed.
class Transaction {
 public:
  explicit Transaction(sqlite3* db) : db_(db) {
    ok_ = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
  }
  ~Transaction() {
    if (ok_ && !committed_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
  }
  absl::Status began() const { return ok_ ? absl::OkStatus() : SqliteError(db_, "begin"); }
  absl::Status Commit() {
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
      return SqliteError(db_, "commit");
    committed_ = true;
    return absl::OkStatus();
  }

 private:
  sqlite3* db_;
  bool ok_ = false;
  bool committed_ = false;
};

}  // namespace perimeter::store::internal

#endif  // PERIMETER_STORE_SQLITE_INTERNAL_SQLITE_API_H_
