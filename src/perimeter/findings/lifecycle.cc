#include "perimeter/findings/lifecycle.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>

#include "perimeter/base/text.h"

namespace perimeter::findings {

namespace {

void AppendField(std::string& out, std::string_view text) {
  out.append(std::to_string(text.size())).push_back(':');
  out.append(text);
}

// FNV-1a over the text from `basis`, then the splitmix64 finalizer so that every input bit reaches
// every output bit. Two bases give two independent 64-bit halves.
uint64_t Hash64(std::string_view text, uint64_t basis) {
  uint64_t hash = basis;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  hash ^= hash >> 30;
  hash *= 0xbf58476d1ce4e5b9ULL;
  hash ^= hash >> 27;
  hash *= 0x94d049bb133111ebULL;
  hash ^= hash >> 31;
  return hash;
}

bool IsOpen(FindingStatus status) {
  switch (status) {
    case FindingStatus::kActive:
    case FindingStatus::kArchived:
      return true;
    case FindingStatus::kResolved:
      return false;
  }
  return false;
}

// A new (or reactivated) finding's status: ACTIVE unless an archive rule matches it as it would be
// stored; sets `rule_name` to the matching rule.
FindingStatus InitialStatus(const FindingRecord& candidate, std::span<const ArchiveRule> rules,
                            std::optional<std::string>& rule_name) {
  FindingRecord probe = candidate;
  probe.status = FindingStatus::kActive;
  if (const ArchiveRule* rule = FirstMatchingRule(rules, probe)) {
    rule_name = rule->rule_name;
    return FindingStatus::kArchived;
  }
  return FindingStatus::kActive;
}

}  // namespace

std::string AccessKey(const Finding& finding) {
  std::string key = FindingKey(finding);
  key.append("|actions|");
  std::vector<std::string> actions = finding.actions;
  std::sort(actions.begin(), actions.end());
  actions.erase(std::unique(actions.begin(), actions.end()), actions.end());
  for (const std::string& action : actions) AppendField(key, action);
  key.append(finding.is_public ? "|public" : "|not-public");
  return key;
}

std::string LifecycleFindingId(std::string_view scope, const Finding& finding) {
  std::string key;
  AppendField(key, scope);
  key.append(AccessKey(finding));
  uint64_t high = Hash64(key, 0xcbf29ce484222325ULL);
  uint64_t low = Hash64(key, 0x6c62272e07bb0142ULL);
  // UUID version 8 layout (RFC 9562 §5.8): xxxxxxxx-xxxx-8xxx-Yxxx-xxxxxxxxxxxx, variant bits 10.
  high = (high & ~0xF000ULL) | 0x8000ULL;
  low = (low & ~0xC000000000000000ULL) | 0x8000000000000000ULL;
  char buffer[37];
  std::snprintf(buffer, sizeof(buffer), "%08x-%04x-%04x-%04x-%012llx",
                static_cast<unsigned>(high >> 32), static_cast<unsigned>((high >> 16) & 0xFFFF),
                static_cast<unsigned>(high & 0xFFFF), static_cast<unsigned>(low >> 48),
                static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFULL));
  return buffer;
}

std::string_view FindingChangeKindName(FindingChangeKind kind) {
  switch (kind) {
    case FindingChangeKind::kCreated:
      return "CREATED";
    case FindingChangeKind::kUnchanged:
      return "UNCHANGED";
    case FindingChangeKind::kResolved:
      return "RESOLVED";
    case FindingChangeKind::kReactivated:
      return "REACTIVATED";
    case FindingChangeKind::kDeleted:
      return "DELETED";
  }
  return "UNCHANGED";
}

bool IsExpired(const FindingRecord& record, absl::Time now, absl::Duration retention) {
  return record.status == FindingStatus::kResolved && now - record.updated_at >= retention;
}

std::vector<std::string> ExpiredFindingIds(std::span<const FindingRecord> records, absl::Time now,
                                           absl::Duration retention) {
  std::vector<std::string> ids;
  for (const FindingRecord& record : records) {
    if (IsExpired(record, now, retention)) ids.push_back(record.id());
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

LifecycleResult ApplyAnalysis(std::span<const FindingRecord> stored, std::span<const Finding> fresh,
                              absl::Time now, const LifecycleOptions& options) {
  // Fresh findings by id; the first of equal accesses wins.
  std::map<std::string, Finding> fresh_by_id;
  for (const Finding& finding : fresh) {
    std::string id = LifecycleFindingId(options.scope, finding);
    if (fresh_by_id.contains(id)) continue;
    Finding copy = finding;
    copy.id = id;
    fresh_by_id.emplace(std::move(id), std::move(copy));
  }
  std::map<std::string, const FindingRecord*> stored_by_id;
  for (const FindingRecord& record : stored) stored_by_id.emplace(record.id(), &record);

  LifecycleResult result;
  std::map<std::string, FindingChange> changes;  // by id, so the output is sorted
  std::map<std::string, FindingRecord> records;

  for (const auto& [id, record_ptr] : stored_by_id) {
    const FindingRecord& old = *record_ptr;
    FindingChange change;
    change.id = id;
    change.previous_status = old.status;
    auto fresh_it = fresh_by_id.find(id);
    if (fresh_it != fresh_by_id.end()) {
      FindingRecord updated = old;
      updated.finding = fresh_it->second;
      updated.analyzed_at = now;
      if (IsOpen(old.status)) {
        change.kind = FindingChangeKind::kUnchanged;
      } else {
        change.kind = FindingChangeKind::kReactivated;
        updated.status = InitialStatus(updated, options.archive_rules, change.archived_by_rule);
        updated.updated_at = now;
      }
      change.status = updated.status;
      records.emplace(id, std::move(updated));
    } else if (old.finding.error.has_value()) {
      change.kind = FindingChangeKind::kDeleted;
      result.deleted_ids.push_back(id);
    } else if (IsOpen(old.status)) {
      FindingRecord updated = old;
      updated.status = FindingStatus::kResolved;
      updated.analyzed_at = now;
      updated.updated_at = now;
      change.kind = FindingChangeKind::kResolved;
      change.status = updated.status;
      records.emplace(id, std::move(updated));
    } else if (IsExpired(old, now, options.resolved_retention)) {
      change.kind = FindingChangeKind::kDeleted;
      result.deleted_ids.push_back(id);
    } else {
      change.kind = FindingChangeKind::kUnchanged;
      change.status = old.status;
      records.emplace(id, old);
    }
    changes.emplace(id, std::move(change));
  }

  for (auto& [id, finding] : fresh_by_id) {
    if (stored_by_id.contains(id)) continue;
    FindingRecord created;
    created.finding = std::move(finding);
    created.created_at = created.analyzed_at = created.updated_at = now;
    FindingChange change;
    change.id = id;
    change.kind = FindingChangeKind::kCreated;
    created.status = InitialStatus(created, options.archive_rules, change.archived_by_rule);
    change.status = created.status;
    records.emplace(id, std::move(created));
    changes.emplace(id, std::move(change));
  }

  // Relate resolved findings to the new findings of the same principal, condition and sources: the
  // permissions changed (a new finding replaces the old one [DOC: "Working with findings"]).
  std::multimap<std::string, std::string> appeared_by_key;  // FindingKey -> id
  std::multimap<std::string, std::string> resolved_by_key;
  for (const auto& [id, change] : changes) {
    auto record_it = records.find(id);
    if (record_it == records.end()) continue;
    const std::string key = FindingKey(record_it->second.finding);
    if (change.kind == FindingChangeKind::kCreated ||
        change.kind == FindingChangeKind::kReactivated) {
      appeared_by_key.emplace(key, id);
    } else if (change.kind == FindingChangeKind::kResolved) {
      resolved_by_key.emplace(key, id);
    }
  }
  auto relate = [&](const std::multimap<std::string, std::string>& from,
                    const std::multimap<std::string, std::string>& to) {
    for (const auto& [key, id] : from) {
      auto [begin, end] = to.equal_range(key);
      for (auto it = begin; it != end; ++it) changes[id].related_ids.push_back(it->second);
    }
  };
  relate(resolved_by_key, appeared_by_key);
  relate(appeared_by_key, resolved_by_key);

  for (auto& [id, record] : records) result.records.push_back(std::move(record));
  for (auto& [id, change] : changes) {
    std::sort(change.related_ids.begin(), change.related_ids.end());
    result.changes.push_back(std::move(change));
  }
  std::sort(result.deleted_ids.begin(), result.deleted_ids.end());
  return result;
}

absl::StatusOr<bool> UpdateFindingStatus(FindingRecord& record, FindingStatus requested,
                                         absl::Time now) {
  if (requested == FindingStatus::kResolved) {
    return absl::InvalidArgumentError("status must be ACTIVE or ARCHIVED");
  }
  if (record.status == FindingStatus::kResolved) {
    return absl::FailedPreconditionError(base::Concat(
        "finding ", record.id(), " is RESOLVED; only ACTIVE and ARCHIVED findings can be updated"));
  }
  if (record.status == requested) return false;
  record.status = requested;
  record.updated_at = now;
  return true;
}

std::vector<std::string> ApplyArchiveRuleToRecords(const ArchiveRule& rule,
                                                   std::span<FindingRecord> records,
                                                   absl::Time now) {
  std::vector<std::string> archived;
  for (FindingRecord& record : records) {
    if (record.status != FindingStatus::kActive || !rule.filter.Matches(record)) continue;
    record.status = FindingStatus::kArchived;
    record.updated_at = now;
    archived.push_back(record.id());
  }
  return archived;
}

}  // namespace perimeter::findings
