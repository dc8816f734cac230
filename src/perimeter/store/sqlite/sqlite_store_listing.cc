// SqliteStore::ListFindingsPage: keyset pagination over the (analyzer, status, sort key, id)
// indexes, one stream per status the filter allows, merged in the sort's order.
#include <array>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "perimeter/base/status_macros.h"
#include "perimeter/base/text.h"
#include "perimeter/store/internal/record_codec.h"
#include "perimeter/store/sqlite/internal/rows.h"
#include "perimeter/store/sqlite/internal/sqlite_api.h"
#include "perimeter/store/sqlite/internal/sqlite_store_impl.h"
#include "perimeter/store/sqlite/sqlite_store.h"

namespace perimeter::store {
namespace {

using internal::kListedColumns;
using internal::ReadListed;
using internal::Statement;

// Every status a finding can have, in the order of their names (the status sort).
constexpr std::array kStatuses = {findings::FindingStatus::kActive,
                                  findings::FindingStatus::kArchived,
                                  findings::FindingStatus::kResolved};

// How a sort attribute reads in SQL: its key expression (ordering as findings::SortValue orders),
// whether the key is an integer, and the index on (analyzer_arn, status, key, id) that walks it.
struct SortKeySql {
  const char* expression;
  bool integer = false;
  const char* index = nullptr;
  // The same value on every row of one status's stream (the status): the stream is in id order and
  // where it starts after a token is decided before the query.
  bool constant = false;
};

SortKeySql SortKeyOf(findings::SortAttribute attribute) {
  switch (attribute) {
    case findings::SortAttribute::kId:
      return {"id", false, "findings_by_status_id"};
    case findings::SortAttribute::kResource:
      return {"resource", false, "findings_by_status_resource"};
    case findings::SortAttribute::kStatus:
      return {"status", false, "findings_by_status_id", true};
    case findings::SortAttribute::kFindingType:
      return {"finding_type", false, "findings_by_status_finding_type"};
    case findings::SortAttribute::kCreatedAt:
      return {"created_ms", true, "findings_by_status_created"};
    case findings::SortAttribute::kAnalyzedAt:
      return {"analyzed_ms", true, "findings_by_status_analyzed"};
    case findings::SortAttribute::kUpdatedAt:
      return {"updated_ms", true, "findings_by_status_updated"};
    case findings::SortAttribute::kResourceType:
      return {"resource_type", false, "findings_by_status_type"};
    case findings::SortAttribute::kResourceOwnerAccount:
      return {"owner", false, "findings_by_status_owner"};
    case findings::SortAttribute::kIsPublic:
      return {"is_public", true, "findings_by_status_public"};
    case findings::SortAttribute::kError:
      return {"ifnull(error, '')", false, "findings_by_status_error"};
  }
  return {"id", false, "findings_by_status_id"};
}

// The statuses a listing can hold under `filter`: its status criteria read nothing but the status,
// so trying each status decides them exactly.
std::vector<findings::FindingStatus> ListedStatuses(const findings::FindingFilter* filter) {
  std::vector<findings::FindingStatus> out;
  for (findings::FindingStatus status : kStatuses) {
    findings::FindingRecord probe;
    probe.status = status;
    bool possible = true;
    if (filter != nullptr) {
      for (const findings::Criterion& criterion : filter->criteria()) {
        if (criterion.field == findings::FilterField::kStatus && !criterion.Matches(probe))
          possible = false;
      }
    }
    if (possible) out.push_back(status);
  }
  return out;
}

// One status's rows in the sort's order, as (key, id, seq): a covering-index walk for the indexed
// keys.
struct SortedRows {
  SortedRows(sqlite3* db, sqlite3_stmt* statement) : rows(db, statement) {}
  Statement rows;
  bool live = false;
  int64_t int_key = 0;
  std::string_view text_key;  // valid until the next step
  std::string_view id;

  absl::Status Advance(bool integer) {
    absl::Status status;
    live = rows.Step(status);
    if (live) {
      if (integer) {
        int_key = rows.Int(0);
      } else {
        text_key = rows.TextView(0);
      }
      id = rows.TextView(1);
    }
    return status;
  }
};

// (key, id) of `a` strictly before that of `b` in ascending order.
bool KeyBefore(const SortedRows& a, const SortedRows& b, bool integer) {
  if (integer ? a.int_key != b.int_key : a.text_key != b.text_key) {
    return integer ? a.int_key < b.int_key : a.text_key < b.text_key;
  }
  return a.id < b.id;
}

// Where one status's stream starts after a page token.
enum class StreamStart { kFirst, kAfterId, kAfterKeyAndId, kNone };

}  // namespace

// A read transaction on a reader connection, so that every statement of one listing sees one
// snapshot. REQUIRES: statements stepped inside it are reset before it ends (declare it first).
class SqliteStore::ReadTransaction {
 public:
  explicit ReadTransaction(ReaderLease& reader) : reader_(reader) {
    Statement begin(reader.db(), reader.Prepared("BEGIN"));
    status_ = begin.prepared();
    if (status_.ok()) status_ = begin.Run();
  }
  ~ReadTransaction() {
    if (!status_.ok()) return;
    Statement commit(reader_.db(), reader_.Prepared("COMMIT"));
    if (commit.prepared().ok()) commit.Run().IgnoreError();
  }
  const absl::Status& began() const { return status_; }

 private:
  ReaderLease& reader_;
  absl::Status status_;
};

absl::StatusOr<FindingPage> SqliteStore::ListFindingsPage(std::string_view analyzer_arn,
                                                          const FindingPageQuery& query) {
  const SortKeySql key = SortKeyOf(query.sort.attribute);
  const bool descending = query.sort.order == findings::SortOrder::kDescending;
  // The token's sort value as the key column holds it. Tokens come from findings::SortValue; one
  // that does not read back (altered by the client) takes the generic path, which compares the
  // text.
  std::optional<int64_t> after_integer;
  if (query.after && key.integer) {
    const std::string& value = query.after->last_sort_value;
    if (query.sort.attribute == findings::SortAttribute::kIsPublic) {
      if (value == "true" || value == "false") after_integer = value == "true" ? 1 : 0;
    } else if (std::optional<absl::Time> time = findings::ParseTimestamp(value)) {
      after_integer = absl::ToUnixMillis(*time);
    }
    if (!after_integer) return Store::ListFindingsPage(analyzer_arn, query);
  }
  // The status is the same on every row of one status's stream: where such a stream starts after
  // the token is decided here (a range on the status beside `status = ...` would make SQLite sort).
  auto start_of = [&](findings::FindingStatus status) {
    if (!query.after) return StreamStart::kFirst;
    std::string_view constant;
    if (query.sort.attribute == findings::SortAttribute::kStatus)
      constant = findings::FindingStatusName(status);
    if (constant.empty()) return StreamStart::kAfterKeyAndId;
    int order = constant.compare(query.after->last_sort_value);
    if (order == 0) return StreamStart::kAfterId;
    return (order > 0) != descending ? StreamStart::kFirst : StreamStart::kNone;
  };
  // The status is written into the text (one of three names), so that each status's stream has its
  // own cached statement.
  auto sql = [&](findings::FindingStatus status, StreamStart start) {
    const char* after = descending ? " < " : " > ";
    std::string condition;
    switch (start) {
      case StreamStart::kFirst:
      case StreamStart::kNone:
        break;
      case StreamStart::kAfterId:
        condition = base::Concat(" AND id", after, "?3");
        break;
      case StreamStart::kAfterKeyAndId:
        // Spelled out rather than as a row value, so that SQLite seeks the index to the key.
        condition = base::Concat(" AND ", key.expression, descending ? " <= ?2" : " >= ?2",
                                 " AND (", key.expression, after, "?2 OR id", after, "?3)");
        break;
    }
    return base::Concat(
        "SELECT ", key.expression, ", id, seq FROM findings",
        key.index != nullptr ? base::Concat(" INDEXED BY ", key.index) : std::string(),
        " WHERE analyzer_arn = ?1 AND status = '", findings::FindingStatusName(status), "'",
        condition, " ORDER BY ",
        key.constant ? "" : base::Concat(key.expression, descending ? " DESC, " : ", "), "id",
        descending ? " DESC" : "");
  };
  static const std::string fetch_sql =
      base::Concat("SELECT ", kListedColumns, " FROM findings WHERE seq = ?1");
  static const std::string body_sql = "SELECT body FROM findings WHERE seq = ?1";

  // One sorted stream per status the filter allows, merged here.
  std::vector<std::pair<findings::FindingStatus, StreamStart>> starts;
  for (findings::FindingStatus status : ListedStatuses(query.filter)) {
    StreamStart start = start_of(status);
    if (start != StreamStart::kNone) starts.emplace_back(status, start);
  }
  // The status criteria are settled by the choice of streams: rows are filtered by the others only.
  std::optional<findings::FindingFilter> rest;
  if (query.filter != nullptr) {
    std::vector<findings::Criterion> criteria;
    for (const findings::Criterion& criterion : query.filter->criteria()) {
      if (criterion.field != findings::FilterField::kStatus) criteria.push_back(criterion);
    }
    if (!criteria.empty()) rest.emplace(std::move(criteria));
  }
  const findings::FindingFilter* filter = rest ? &*rest : nullptr;

  ReaderLease reader(*this);
  // One snapshot for the page: a single stream's statement holds it while it runs (rows are fetched
  // while it is active); several need a transaction around them.
  std::optional<ReadTransaction> transaction;
  if (starts.size() > 1) {
    transaction.emplace(reader);
    RETURN_IF_ERROR(transaction->began());
  }
  std::vector<std::unique_ptr<SortedRows>> streams;
  for (const auto& [status, start] : starts) {
    auto stream = std::make_unique<SortedRows>(reader.db(), reader.Prepared(sql(status, start)));
    RETURN_IF_ERROR(stream->rows.prepared());
    stream->rows.Bind(1, analyzer_arn);
    if (start == StreamStart::kAfterKeyAndId) {
      if (after_integer) {
        stream->rows.Bind(2, *after_integer);
      } else {
        stream->rows.Bind(2, query.after->last_sort_value);
      }
    }
    if (start != StreamStart::kFirst) stream->rows.Bind(3, query.after->last_id);
    RETURN_IF_ERROR(stream->Advance(key.integer));
    streams.push_back(std::move(stream));
  }
  Statement fetch(reader.db(), reader.Prepared(fetch_sql));
  RETURN_IF_ERROR(fetch.prepared());
  const bool needs_details = filter != nullptr && filter->NeedsAccessDetails();
  std::optional<Statement> body;
  if (needs_details) {
    body.emplace(reader.db(), reader.Prepared(body_sql));
    RETURN_IF_ERROR(body->prepared());
  }
  FindingPage page;
  while (true) {
    SortedRows* next = nullptr;
    for (std::unique_ptr<SortedRows>& stream : streams) {
      if (!stream->live) continue;
      if (next == nullptr || (descending ? KeyBefore(*next, *stream, key.integer)
                                         : KeyBefore(*stream, *next, key.integer))) {
        next = stream.get();
      }
    }
    if (next == nullptr) break;
    const int64_t seq = next->rows.Int(2);
    std::shared_ptr<const ListedFinding> listed = listed_cache_->Find(seq);
    absl::Status status;
    if (listed == nullptr) {
      fetch.Reset();
      fetch.Bind(1, seq);
      if (!fetch.Step(status)) {
        RETURN_IF_ERROR(status);
        return absl::InternalError("sqlite: a listed finding vanished inside its transaction");
      }
      ASSIGN_OR_RETURN(ListedFinding read, ReadListed(fetch));
      listed = std::make_shared<const ListedFinding>(std::move(read));
      listed_cache_->Insert(seq, listed);
    }
    bool kept = true;
    if (needs_details) {
      body->Reset();
      body->Bind(1, seq);
      if (!body->Step(status)) {
        RETURN_IF_ERROR(status);
        return absl::InternalError("sqlite: a listed finding vanished inside its transaction");
      }
      findings::FindingRecord whole = listed->summary;
      ASSIGN_OR_RETURN(whole.finding, internal::DecodeFinding(body->TextView(0)));
      whole.finding.id = listed->summary.finding.id;
      kept = filter->Matches(whole);
    } else if (filter != nullptr) {
      kept = filter->Matches(listed->summary);
    }
    if (kept) {
      if (page.entries.size() == query.limit) {
        page.more = true;
        break;
      }
      page.entries.push_back(std::move(listed));
    }
    RETURN_IF_ERROR(next->Advance(key.integer));
  }
  return page;
}

absl::StatusOr<FindingAggregates> SqliteStore::AggregateFindings(std::string_view analyzer_arn) {
  // Each a walk of one covering index's (analyzer, status) range; the day of a millisecond time
  // is its integer division (times are after 1970). Errors: error codes are never empty, so
  // ifnull(error, '') <> '' is error IS NOT NULL over the index on ifnull(error, '').
  static const std::string by_type_sql =
      "SELECT resource_type, count(*) FROM findings INDEXED BY findings_by_status_type "
      "WHERE analyzer_arn = ?1 AND status = 'ACTIVE' GROUP BY resource_type ORDER BY resource_type";
  static const std::string by_account_sql =
      "SELECT owner, count(*) FROM findings INDEXED BY findings_by_status_owner "
      "WHERE analyzer_arn = ?1 AND status = 'ACTIVE' GROUP BY owner ORDER BY owner";
  static const std::string public_sql =
      "SELECT is_public, count(*) FROM findings INDEXED BY findings_by_status_public "
      "WHERE analyzer_arn = ?1 AND status = 'ACTIVE' GROUP BY is_public";
  static const std::string errors_sql =
      "SELECT is_public, count(*) FROM findings INDEXED BY findings_by_status_error "
      "WHERE analyzer_arn = ?1 AND status = 'ACTIVE' AND ifnull(error, '') <> '' GROUP BY "
      "is_public";
  static const std::string created_sql =
      "SELECT created_ms / 86400000, count(*) FROM findings INDEXED BY findings_by_status_created "
      "WHERE analyzer_arn = ?1 AND status IN ('ACTIVE', 'ARCHIVED', 'RESOLVED') GROUP BY 1";
  static const std::string resolved_sql =
      "SELECT updated_ms / 86400000, count(*) FROM findings INDEXED BY findings_by_status_updated "
      "WHERE analyzer_arn = ?1 AND status = 'RESOLVED' GROUP BY 1";
  ReaderLease reader(*this);
  ReadTransaction transaction(reader);  // the six queries see the same committed state
  RETURN_IF_ERROR(transaction.began());
  FindingAggregates out;
  std::map<int64_t, FindingAggregates::Day> days;
  int64_t public_or_not[2] = {0, 0}, errors[2] = {0, 0};
  auto run = [&](const std::string& sql,
                 const std::function<void(const Statement&)>& row) -> absl::Status {
    Statement query(reader.db(), reader.Prepared(sql));
    RETURN_IF_ERROR(query.prepared());
    query.Bind(1, analyzer_arn);
    absl::Status status;
    while (query.Step(status)) row(query);
    return status;
  };
  absl::Status status = run(by_type_sql, [&](const Statement& row) {
    out.active_by_resource_type.emplace_back(row.Text(0), row.Int(1));
  });
  if (status.ok()) {
    status = run(by_account_sql, [&](const Statement& row) {
      out.active_by_account.emplace_back(row.Text(0), row.Int(1));
    });
  }
  if (status.ok()) {
    status = run(public_sql,
                 [&](const Statement& row) { public_or_not[row.Int(0) != 0] += row.Int(1); });
  }
  if (status.ok()) {
    status = run(errors_sql, [&](const Statement& row) { errors[row.Int(0) != 0] += row.Int(1); });
  }
  if (status.ok()) {
    status = run(created_sql, [&](const Statement& row) {
      FindingAggregates::Day& day = days[row.Int(0)];
      day.day = row.Int(0);
      day.created += row.Int(1);
    });
  }
  if (status.ok()) {
    status = run(resolved_sql, [&](const Statement& row) {
      FindingAggregates::Day& day = days[row.Int(0)];
      day.day = row.Int(0);
      day.resolved += row.Int(1);
    });
  }
  RETURN_IF_ERROR(status);
  out.active_errors = errors[0] + errors[1];
  out.active_public = public_or_not[1] - errors[1];
  out.active_external = public_or_not[0] - errors[0];
  for (const auto& [key, day] : days) out.by_day.push_back(day);
  return out;
}

}  // namespace perimeter::store
