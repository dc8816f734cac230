// Access Analyzer's finding filters: the `FilterCriteriaMap` of ListFindings, ListFindingsV2,
// CreateArchiveRule and UpdateArchiveRule, and the archive rules built from them.
//
// Syntax (botocore accessanalyzer model, shapes FilterCriteriaMap / Criterion / ValueList):
//   {"<key>": {"eq": [..], "neq": [..], "contains": [..], "exists": true|false}, ...}
// with 1..20 strings per list. Keys are the filter keys of the IAM User Guide ("IAM Access Analyzer
// filter keys"; docs/access-analyzer-rules.md §6.1): resource, resourceType, resourceOwnerAccount,
// isPublic, error, findingType, resourceControlPolicyRestriction, principal.AWS,
// principal.Federated, condition.<key>; list-only: status, id. Perimeter adds
// principal.CanonicalUser, action, and (list-only) createdAt, analyzedAt, updatedAt.
//
// Semantics (§6.2): criteria are AND-ed [DOC: the user guide's "Filtering findings"]; the operators
// of one criterion are AND-ed; the values of one operator are OR-ed:
//   eq        some value of the field equals one of the values
//   neq       no value of the field equals any of the values (a missing field matches)
//   contains  some value of the field contains one of the values as a substring
//   exists    the field is present (true) or absent (false)
// Enum-like fields (resourceType, status, isPublic, findingType, resourceControlPolicyRestriction)
// compare ignoring ASCII case; everything else is case-sensitive. `action` is multi-valued: each of
// the finding's actions is a value. Timestamps compare as their RFC 3339 text (FormatTimestamp), so
// `contains: ["2024-05"]` selects a month.
#ifndef PERIMETER_FINDINGS_ARCHIVE_RULE_H_
#define PERIMETER_FINDINGS_ARCHIVE_RULE_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/issue.h"
#include "perimeter/findings/finding_record.h"
#include "perimeter/json/document.h"

namespace perimeter::findings {

// The finding field a filter key addresses.
enum class FilterField {
  kId,
  kStatus,
  kResource,
  kResourceType,
  kResourceOwnerAccount,
  kIsPublic,
  kError,
  kFindingType,
  kResourceControlPolicyRestriction,
  kPrincipal,  // principal.<type>: the principal map's entry of that type
  kCondition,  // condition.<key>: the condition map's entry of that key
  kAction,
  kCreatedAt,
  kAnalyzedAt,
  kUpdatedAt,
};

// Where a filter is used: archive rules accept fewer keys than listings (status and id are
// list-only [DOC: filter keys table]).
enum class FilterUse { kListFindings, kArchiveRule };

struct Criterion {
  std::string key;  // as written: "principal.AWS", "condition.aws:SourceVpc"
  FilterField field = FilterField::kResource;
  std::string subkey;  // "AWS" for principal.AWS, "aws:SourceVpc" for condition.aws:SourceVpc
  std::vector<std::string> eq;  // empty = operator absent
  std::vector<std::string> neq;
  std::vector<std::string> contains;
  std::optional<bool> exists;

  bool Matches(const FindingRecord& record) const;
};

// A parsed FilterCriteriaMap. Immutable; Matches is const and thread-safe.
class FindingFilter {
 public:
  FindingFilter() = default;  // matches every finding
  explicit FindingFilter(std::vector<Criterion> criteria) : criteria_(std::move(criteria)) {}

  // All criteria hold.
  bool Matches(const FindingRecord& record) const;

  // True when a criterion reads a field that SummaryOf drops (principal.*, condition.*, action):
  // without one, Matches(SummaryOf(record)) == Matches(record).
  bool NeedsAccessDetails() const;

  // In the order written (the JSON object's member order).
  const std::vector<Criterion>& criteria() const { return criteria_; }
  bool empty() const { return criteria_.empty(); }

 private:
  std::vector<Criterion> criteria_;
};

// Parses a FilterCriteriaMap. Every problem is appended to `issues` with the position of the
// offending key or value: not an object ("filter.type"), unknown key ("filter.unknown-key"), key
// not allowed in archive rules ("filter.not-in-archive-rule"), unknown operator
// ("filter.unknown-operator"), criterion without an operator ("filter.empty-criterion"), empty or
// over-long value lists ("filter.value-count", the model's ValueList is 1..20), non-string values,
// non-boolean exists ("filter.type"). A condition key outside the documented list is accepted with
// a warning ("filter.undocumented-condition-key"): it matches nothing Perimeter reports, which is
// likely a typo. Returns nullopt iff an error was added.
std::optional<FindingFilter> ParseFindingFilter(json::Value value, FilterUse use,
                                                std::vector<base::Issue>& issues);

// Resolves one filter key ("principal.AWS") to its field; nullopt if the key is unknown. Exposed
// for the API layer's ValidationException field lists.
std::optional<std::pair<FilterField, std::string>> ResolveFilterKey(std::string_view key);

// An archive rule: findings it matches are archived when created (and by ApplyArchiveRule).
struct ArchiveRule {
  std::string rule_name;
  FindingFilter filter;
};

// AWS's `Name` shape for rule names: [A-Za-z][A-Za-z0-9_.-]*, 1..255 characters.
bool IsValidArchiveRuleName(std::string_view name);

// The first rule (in order) whose filter matches, or nullptr.
const ArchiveRule* FirstMatchingRule(std::span<const ArchiveRule> rules,
                                     const FindingRecord& record);

// Parses the offline CLI's `--archive-rules FILE` (docs/archive-rules.md): either a JSON array of
// {"ruleName": ..., "filter": {...}}, or the output of `aws accessanalyzer list-archive-rules`
// ({"archiveRules": [...]}, whose createdAt/updatedAt members are ignored). Rule names must be
// valid and unique; filters follow FilterUse::kArchiveRule. Problems go to `issues` with positions
// in `source`; returns nullopt iff an error was added.
std::optional<std::vector<ArchiveRule>> ParseArchiveRules(std::string source,
                                                          std::vector<base::Issue>& issues);

}  // namespace perimeter::findings

#endif  // PERIMETER_FINDINGS_ARCHIVE_RULE_H_
