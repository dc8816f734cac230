#include "perimeter/store/sqlite/internal/sqlite_api.h"

#include <map>
#include <string>
#include <string_view>

#include "perimeter/base/text.h"

namespace perimeter::store::internal {

absl::Status SqliteError(sqlite3* db, std::string_view what) {
  return absl::InternalError(base::Concat("sqlite: ", what, ": ", sqlite3_errmsg(db)));
}

absl::Status Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown error";
    sqlite3_free(error);
    return absl::InternalError(base::Concat("sqlite: ", message));
  }
  return absl::OkStatus();
}

sqlite3_stmt* PrepareCached(sqlite3* db, std::map<std::string, sqlite3_stmt*>& cache,
                            const std::string& sql) {
  auto it = cache.find(sql);
  if (it != cache.end()) return it->second;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &statement, nullptr) !=
      SQLITE_OK) {
    sqlite3_finalize(statement);
    return nullptr;
  }
  cache.emplace(sql, statement);
  return statement;
}

}  // namespace perimeter::store::internal
