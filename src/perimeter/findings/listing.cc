#include "perimeter/findings/listing.h"

#include <algorithm>
#include <array>
#include <utility>

#include "absl/strings/escaping.h"
#include "perimeter/base/text.h"
#include "perimeter/json/object_reader.h"

namespace perimeter::findings {

namespace {

struct NamedAttribute {
  std::string_view name;
  SortAttribute attribute;
};

constexpr std::array<NamedAttribute, 11> kAttributes = {{
    {"id", SortAttribute::kId},
    {"resource", SortAttribute::kResource},
    {"resourceType", SortAttribute::kResourceType},
    {"resourceOwnerAccount", SortAttribute::kResourceOwnerAccount},
    {"status", SortAttribute::kStatus},
    {"isPublic", SortAttribute::kIsPublic},
    {"error", SortAttribute::kError},
    {"findingType", SortAttribute::kFindingType},
    {"createdAt", SortAttribute::kCreatedAt},
    {"analyzedAt", SortAttribute::kAnalyzedAt},
    {"updatedAt", SortAttribute::kUpdatedAt},
}};

// Token layout before base64url: "v1" then length-prefixed fields, so no field can spoof another.
constexpr std::string_view kTokenVersion = "v1";

void AppendField(std::string& out, std::string_view text) {
  out.append(std::to_string(text.size())).push_back(':');
  out.append(text);
}

bool ReadField(std::string_view& in, std::string_view& field) {
  size_t colon = in.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 9) return false;
  size_t length = 0;
  for (char c : in.substr(0, colon)) {
    if (c < '0' || c > '9') return false;
    length = length * 10 + static_cast<size_t>(c - '0');
  }
  in.remove_prefix(colon + 1);
  if (length > in.size()) return false;
  field = in.substr(0, length);
  in.remove_prefix(length);
  return true;
}

// Compares (value, id) tuples in the sort's direction.
bool KeyBefore(std::string_view value_a, std::string_view id_a, std::string_view value_b,
               std::string_view id_b, SortOrder order) {
  std::pair<std::string_view, std::string_view> a{value_a, id_a}, b{value_b, id_b};
  switch (order) {
    case SortOrder::kAscending:
      return a < b;
    case SortOrder::kDescending:
      return b < a;
  }
  return a < b;
}

base::Issue Error(std::string code, const base::SourcePosition& position, std::string message) {
  return base::Issue{base::Severity::kError, std::move(code), position, std::move(message)};
}

}  // namespace

std::string_view SortAttributeName(SortAttribute attribute) {
  for (const NamedAttribute& named : kAttributes) {
    if (named.attribute == attribute) return named.name;
  }
  return "createdAt";
}

std::optional<SortAttribute> ParseSortAttribute(std::string_view name) {
  for (const NamedAttribute& named : kAttributes) {
    if (named.name == name) return named.attribute;
  }
  return std::nullopt;
}

std::optional<FindingSort> ParseFindingSort(json::Value value, std::vector<base::Issue>& issues) {
  json::ObjectReader reader(value, "sort", "sort", issues, "attributeName and orderBy");
  FindingSort sort;
  bool ok = true;
  if (std::optional<json::Value> name = reader.Optional("attributeName")) {
    std::optional<SortAttribute> attribute;
    if (name->is_string()) attribute = ParseSortAttribute(name->text());
    if (attribute.has_value()) {
      sort.attribute = *attribute;
    } else {
      issues.push_back(
          Error("sort.unknown-attribute", name->position(),
                "attributeName must be one of id, resource, resourceType, resourceOwnerAccount, "
                "status, isPublic, error, findingType, createdAt, analyzedAt, updatedAt"));
      ok = false;
    }
  }
  if (std::optional<json::Value> order = reader.Optional("orderBy")) {
    if (order->is_string() && order->text() == "ASC") {
      sort.order = SortOrder::kAscending;
    } else if (order->is_string() && order->text() == "DESC") {
      sort.order = SortOrder::kDescending;
    } else {
      issues.push_back(
          Error("sort.unknown-order", order->position(), "orderBy must be \"ASC\" or \"DESC\""));
      ok = false;
    }
  }
  if (!reader.Finish() || !ok) return std::nullopt;
  return sort;
}

std::string SortValue(const FindingRecord& record, SortAttribute attribute) {
  const Finding& finding = record.finding;
  switch (attribute) {
    case SortAttribute::kId:
      return finding.id;
    case SortAttribute::kResource:
      return finding.resource;
    case SortAttribute::kResourceType:
      return finding.resource_type;
    case SortAttribute::kResourceOwnerAccount:
      return finding.resource_owner_account;
    case SortAttribute::kStatus:
      return std::string(FindingStatusName(record.status));
    case SortAttribute::kIsPublic:
      return finding.is_public ? "true" : "false";
    case SortAttribute::kError:
      return finding.error.value_or("");
    case SortAttribute::kFindingType:
      return std::string(FindingTypeName(finding.type));
    case SortAttribute::kCreatedAt:
      return FormatTimestamp(record.created_at);
    case SortAttribute::kAnalyzedAt:
      return FormatTimestamp(record.analyzed_at);
    case SortAttribute::kUpdatedAt:
      return FormatTimestamp(record.updated_at);
  }
  return "";
}

bool SortsBefore(const FindingRecord& a, const FindingRecord& b, const FindingSort& sort) {
  return KeyBefore(SortValue(a, sort.attribute), a.id(), SortValue(b, sort.attribute), b.id(),
                   sort.order);
}

void SortFindings(std::span<FindingRecord> records, const FindingSort& sort) {
  // Decorate once: SortValue formats timestamps.
  std::vector<std::pair<std::string, size_t>> keys;
  keys.reserve(records.size());
  for (size_t i = 0; i < records.size(); ++i)
    keys.emplace_back(SortValue(records[i], sort.attribute), i);
  std::sort(keys.begin(), keys.end(), [&](const auto& a, const auto& b) {
    return KeyBefore(a.first, records[a.second].id(), b.first, records[b.second].id(), sort.order);
  });
  std::vector<FindingRecord> sorted;
  sorted.reserve(records.size());
  for (const auto& key : keys) sorted.push_back(std::move(records[key.second]));
  std::move(sorted.begin(), sorted.end(), records.begin());
}

std::string EncodePageToken(const PageToken& token) {
  std::string raw(kTokenVersion);
  AppendField(raw, SortAttributeName(token.sort.attribute));
  AppendField(raw, token.sort.order == SortOrder::kAscending ? "ASC" : "DESC");
  AppendField(raw, token.last_sort_value);
  AppendField(raw, token.last_id);
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<PageToken> DecodePageToken(std::string_view text) {
  std::string raw;
  auto invalid = [] { return absl::InvalidArgumentError("invalid nextToken"); };
  if (!absl::WebSafeBase64Unescape(std::string(text), &raw)) return invalid();
  std::string_view in = raw;
  if (!in.starts_with(kTokenVersion)) return invalid();
  in.remove_prefix(kTokenVersion.size());
  std::string_view attribute, order, value, id;
  if (!ReadField(in, attribute) || !ReadField(in, order) || !ReadField(in, value) ||
      !ReadField(in, id) || !in.empty()) {
    return invalid();
  }
  PageToken token;
  std::optional<SortAttribute> parsed = ParseSortAttribute(attribute);
  if (!parsed.has_value()) return invalid();
  token.sort.attribute = *parsed;
  if (order == "ASC") {
    token.sort.order = SortOrder::kAscending;
  } else if (order == "DESC") {
    token.sort.order = SortOrder::kDescending;
  } else {
    return invalid();
  }
  token.last_sort_value = std::string(value);
  token.last_id = std::string(id);
  return token;
}

absl::StatusOr<Page> Paginate(std::span<const FindingRecord> sorted, const FindingSort& sort,
                              std::optional<std::string_view> next_token,
                              std::optional<int> max_results) {
  if (max_results.has_value() && *max_results < 1) {
    return absl::InvalidArgumentError("maxResults must be at least 1");
  }
  const size_t limit =
      static_cast<size_t>(std::min(max_results.value_or(kDefaultMaxResults), kMaxMaxResults));
  Page page;
  if (next_token.has_value()) {
    absl::StatusOr<PageToken> token = DecodePageToken(*next_token);
    if (!token.ok()) return token.status();
    if (token->sort.attribute != sort.attribute || token->sort.order != sort.order) {
      return absl::InvalidArgumentError("nextToken was issued for another sort");
    }
    // First record strictly after the token's (value, id) in the sort's order.
    auto it = std::partition_point(sorted.begin(), sorted.end(), [&](const FindingRecord& record) {
      return !KeyBefore(token->last_sort_value, token->last_id, SortValue(record, sort.attribute),
                        record.id(), sort.order);
    });
    page.begin = static_cast<size_t>(it - sorted.begin());
  }
  page.end = std::min(sorted.size(), page.begin + limit);
  if (page.end < sorted.size()) {
    const FindingRecord& last = sorted[page.end - 1];
    page.next_token = EncodePageToken(PageToken{sort, SortValue(last, sort.attribute), last.id()});
  }
  return page;
}

}  // namespace perimeter::findings
