#include "perimeter/findings/archive_rule.h"

#include <algorithm>
#include <array>
#include <set>
#include <utility>

#include "perimeter/base/text.h"
#include "perimeter/json/object_reader.h"

namespace perimeter::findings {

namespace {

constexpr size_t kMaxValuesPerCriterion = 20;  // botocore ValueList: min 1, max 20
constexpr size_t kMaxRuleNameLength = 255;     // botocore Name: max 255

// Condition keys the filter-keys table documents, plus those docs/access-analyzer-rules.md §3.1
// treats as restricting ([PROP]); Perimeter's `condition` maps use these spellings.
constexpr std::array<std::string_view, 22> kKnownConditionKeys = {
    "aws:PrincipalArn",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceIp",
    "aws:SourceVpc",
    "aws:SourceVpce",
    "aws:SourceOwner",
    "aws:SourceOrgID",
    "aws:SourceOrgPaths",
    "aws:UserId",
    "kms:CallerAccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    "s3:DataAccessPointAccount",
    "s3:DataAccessPointArn",
    "lambda:EventSourceToken",
    "cognito-identity.amazonaws.com:aud",
    "accounts.google.com:aud",
    "graph.facebook.com:app_id",
    "www.amazon.com:app_id",
};

// Principal map types a finding can carry (§1.3).
constexpr std::array<std::string_view, 3> kPrincipalTypes = {"AWS", "Federated", "CanonicalUser"};

struct NamedField {
  std::string_view name;
  FilterField field;
};

constexpr std::array<NamedField, 13> kScalarFields = {{
    {"id", FilterField::kId},
    {"status", FilterField::kStatus},
    {"resource", FilterField::kResource},
    {"resourceType", FilterField::kResourceType},
    {"resourceOwnerAccount", FilterField::kResourceOwnerAccount},
    {"isPublic", FilterField::kIsPublic},
    {"error", FilterField::kError},
    {"findingType", FilterField::kFindingType},
    {"resourceControlPolicyRestriction", FilterField::kResourceControlPolicyRestriction},
    {"action", FilterField::kAction},
    {"createdAt", FilterField::kCreatedAt},
    {"analyzedAt", FilterField::kAnalyzedAt},
    {"updatedAt", FilterField::kUpdatedAt},
}};

bool ListOnly(FilterField field) {
  switch (field) {
    case FilterField::kId:
    case FilterField::kStatus:
    case FilterField::kCreatedAt:
    case FilterField::kAnalyzedAt:
    case FilterField::kUpdatedAt:
      return true;
    case FilterField::kResource:
    case FilterField::kResourceType:
    case FilterField::kResourceOwnerAccount:
    case FilterField::kIsPublic:
    case FilterField::kError:
    case FilterField::kFindingType:
    case FilterField::kResourceControlPolicyRestriction:
    case FilterField::kPrincipal:
    case FilterField::kCondition:
    case FilterField::kAction:
      return false;
  }
  return false;
}

bool IgnoresCase(FilterField field) {
  switch (field) {
    case FilterField::kStatus:
    case FilterField::kResourceType:
    case FilterField::kIsPublic:
    case FilterField::kFindingType:
    case FilterField::kResourceControlPolicyRestriction:
      return true;
    case FilterField::kId:
    case FilterField::kResource:
    case FilterField::kResourceOwnerAccount:
    case FilterField::kError:
    case FilterField::kPrincipal:
    case FilterField::kCondition:
    case FilterField::kAction:
    case FilterField::kCreatedAt:
    case FilterField::kAnalyzedAt:
    case FilterField::kUpdatedAt:
      return false;
  }
  return false;
}

// The values of `field` on `record`: empty when the field is absent. Strings are owned because some
// values (timestamps, booleans) are computed.
std::vector<std::string> FieldValues(const FindingRecord& record, FilterField field,
                                     const std::string& subkey) {
  const Finding& finding = record.finding;
  const bool is_error = finding.error.has_value();
  switch (field) {
    case FilterField::kId:
      return {finding.id};
    case FilterField::kStatus:
      return {std::string(FindingStatusName(record.status))};
    case FilterField::kResource:
      if (finding.resource.empty()) return {};
      return {finding.resource};
    case FilterField::kResourceType:
      return {finding.resource_type};
    case FilterField::kResourceOwnerAccount:
      return {finding.resource_owner_account};
    case FilterField::kIsPublic:
      // Error findings carry no external-access details, isPublic included (finding_json.h).
      if (is_error) return {};
      return {finding.is_public ? "true" : "false"};
    case FilterField::kError:
      if (!is_error) return {};
      return {*finding.error};
    case FilterField::kFindingType:
      return {std::string(FindingTypeName(finding.type))};
    case FilterField::kResourceControlPolicyRestriction:
      if (is_error) return {};
      return {"NOT_APPLICABLE"};
    case FilterField::kPrincipal: {
      auto it = finding.principal.find(subkey);
      if (it == finding.principal.end()) return {};
      return {it->second};
    }
    case FilterField::kCondition:
      // Condition keys are case-insensitive in IAM; the map holds the documented spelling.
      for (const auto& [key, value] : finding.condition) {
        if (base::EqualsIgnoreAsciiCase(key, subkey)) return {value};
      }
      return {};
    case FilterField::kAction:
      return finding.actions;
    case FilterField::kCreatedAt:
      return {FormatTimestamp(record.created_at)};
    case FilterField::kAnalyzedAt:
      return {FormatTimestamp(record.analyzed_at)};
    case FilterField::kUpdatedAt:
      return {FormatTimestamp(record.updated_at)};
  }
  return {};
}

bool Equal(std::string_view a, std::string_view b, bool ignore_case) {
  return ignore_case ? base::EqualsIgnoreAsciiCase(a, b) : a == b;
}

bool Contains(std::string_view text, std::string_view part, bool ignore_case) {
  if (!ignore_case) return text.find(part) != std::string_view::npos;
  return base::AsciiLower(text).find(base::AsciiLower(part)) != std::string::npos;
}

base::Issue Error(std::string code, const base::SourcePosition& position, std::string message) {
  return base::Issue{base::Severity::kError, std::move(code), position, std::move(message)};
}

bool IsKnownConditionKey(std::string_view key) {
  return std::any_of(
      kKnownConditionKeys.begin(), kKnownConditionKeys.end(),
      [&](std::string_view known) { return base::EqualsIgnoreAsciiCase(known, key); });
}

// Reads an operator's value list into `out`; false (with issues) if malformed.
bool ParseValueList(const json::Value& value, std::string_view criterion_key,
                    std::vector<std::string>& out, std::vector<base::Issue>& issues) {
  if (!value.is_array()) {
    issues.push_back(
        Error("filter.type", value.position(),
              base::Concat("'", value.key(), "' of filter key '", criterion_key,
                           "' must be a list of strings, not ", json::KindName(value.kind()))));
    return false;
  }
  if (value.size() == 0 || value.size() > kMaxValuesPerCriterion) {
    issues.push_back(
        Error("filter.value-count", value.position(),
              base::Concat("'", value.key(), "' of filter key '", criterion_key, "' has ",
                           value.size(), " values; AWS allows 1 to ", kMaxValuesPerCriterion)));
    return false;
  }
  bool ok = true;
  for (json::Value element : value.children()) {
    if (!element.is_string()) {
      issues.push_back(Error("filter.type", element.position(),
                             base::Concat("values of '", value.key(), "' must be strings, not ",
                                          json::KindName(element.kind()))));
      ok = false;
      continue;
    }
    out.emplace_back(element.text());
  }
  return ok;
}

}  // namespace

std::optional<std::pair<FilterField, std::string>> ResolveFilterKey(std::string_view key) {
  for (const NamedField& named : kScalarFields) {
    if (named.name == key) return std::make_pair(named.field, std::string());
  }
  constexpr std::string_view kPrincipalPrefix = "principal.";
  constexpr std::string_view kConditionPrefix = "condition.";
  if (key.starts_with(kPrincipalPrefix)) {
    std::string_view type = key.substr(kPrincipalPrefix.size());
    if (std::find(kPrincipalTypes.begin(), kPrincipalTypes.end(), type) == kPrincipalTypes.end()) {
      return std::nullopt;
    }
    return std::make_pair(FilterField::kPrincipal, std::string(type));
  }
  if (key.starts_with(kConditionPrefix) && key.size() > kConditionPrefix.size()) {
    return std::make_pair(FilterField::kCondition,
                          std::string(key.substr(kConditionPrefix.size())));
  }
  return std::nullopt;
}

bool Criterion::Matches(const FindingRecord& record) const {
  const std::vector<std::string> values = FieldValues(record, field, subkey);
  const bool ignore_case = IgnoresCase(field);
  if (exists.has_value() && *exists == values.empty()) return false;
  auto any_value = [&](const std::vector<std::string>& wanted, auto predicate) {
    for (const std::string& value : values) {
      for (const std::string& w : wanted) {
        if (predicate(value, w)) return true;
      }
    }
    return false;
  };
  auto equal = [&](std::string_view a, std::string_view b) { return Equal(a, b, ignore_case); };
  auto substring = [&](std::string_view a, std::string_view b) {
    return Contains(a, b, ignore_case);
  };
  if (!eq.empty() && !any_value(eq, equal)) return false;
  if (!neq.empty() && any_value(neq, equal)) return false;
  if (!contains.empty() && !any_value(contains, substring)) return false;
  return true;
}

bool FindingFilter::Matches(const FindingRecord& record) const {
  return std::all_of(criteria_.begin(), criteria_.end(),
                     [&](const Criterion& criterion) { return criterion.Matches(record); });
}

bool FindingFilter::NeedsAccessDetails() const {
  for (const Criterion& criterion : criteria_) {
    switch (criterion.field) {
      case FilterField::kPrincipal:
      case FilterField::kCondition:
      case FilterField::kAction:
        return true;
      case FilterField::kId:
      case FilterField::kStatus:
      case FilterField::kResource:
      case FilterField::kResourceType:
      case FilterField::kResourceOwnerAccount:
      case FilterField::kIsPublic:
      case FilterField::kError:
      case FilterField::kFindingType:
      case FilterField::kResourceControlPolicyRestriction:
      case FilterField::kCreatedAt:
      case FilterField::kAnalyzedAt:
      case FilterField::kUpdatedAt:
        break;
    }
  }
  return false;
}

std::optional<FindingFilter> ParseFindingFilter(json::Value value, FilterUse use,
                                                std::vector<base::Issue>& issues) {
  const size_t errors_before =
      std::count_if(issues.begin(), issues.end(),
                    [](const base::Issue& i) { return i.severity == base::Severity::kError; });
  if (!value.is_object()) {
    issues.push_back(Error("filter.type", value.position(),
                           base::Concat("a filter must be an object of filter keys, not ",
                                        json::KindName(value.kind()))));
    return std::nullopt;
  }
  std::vector<Criterion> criteria;
  for (json::Value member : value.members()) {
    std::string_view key = member.key();
    std::optional<std::pair<FilterField, std::string>> resolved = ResolveFilterKey(key);
    if (!resolved.has_value()) {
      issues.push_back(
          Error("filter.unknown-key", member.key_position(),
                base::Concat("unknown filter key '", key,
                             "'; expected resource, resourceType, resourceOwnerAccount, isPublic, "
                             "error, status, id, principal.AWS, principal.Federated, "
                             "condition.<key>, ...")));
      continue;
    }
    if (use == FilterUse::kArchiveRule && ListOnly(resolved->first)) {
      issues.push_back(
          Error("filter.not-in-archive-rule", member.key_position(),
                base::Concat("filter key '", key,
                             "' can be used to list findings but not in an archive rule")));
      continue;
    }
    if (resolved->first == FilterField::kCondition && !IsKnownConditionKey(resolved->second)) {
      issues.push_back(base::Issue{
          base::Severity::kWarning, "filter.undocumented-condition-key", member.key_position(),
          base::Concat("'", resolved->second,
                       "' is not a condition key Access Analyzer reports in findings; "
                       "this criterion can only match its absence")});
    }
    if (!member.is_object()) {
      issues.push_back(Error("filter.type", member.position(),
                             base::Concat("the criterion for '", key,
                                          "' must be an object with eq, neq, "
                                          "contains or exists, not ",
                                          json::KindName(member.kind()))));
      continue;
    }
    Criterion criterion;
    criterion.key = std::string(key);
    criterion.field = resolved->first;
    criterion.subkey = std::move(resolved->second);
    bool ok = true;
    for (json::Value op : member.members()) {
      std::string_view name = op.key();
      if (name == "eq") {
        ok &= ParseValueList(op, key, criterion.eq, issues);
      } else if (name == "neq") {
        ok &= ParseValueList(op, key, criterion.neq, issues);
      } else if (name == "contains") {
        ok &= ParseValueList(op, key, criterion.contains, issues);
      } else if (name == "exists") {
        if (!op.is_bool()) {
          issues.push_back(
              Error("filter.type", op.position(),
                    base::Concat("'exists' of filter key '", key, "' must be true or false, not ",
                                 json::KindName(op.kind()))));
          ok = false;
        } else {
          criterion.exists = op.boolean();
        }
      } else {
        issues.push_back(Error("filter.unknown-operator", op.key_position(),
                               base::Concat("unknown operator '", name, "' for filter key '", key,
                                            "'; expected eq, neq, contains or exists")));
        ok = false;
      }
    }
    if (ok && criterion.eq.empty() && criterion.neq.empty() && criterion.contains.empty() &&
        !criterion.exists.has_value()) {
      issues.push_back(Error("filter.empty-criterion", member.position(),
                             base::Concat("the criterion for '", key,
                                          "' has no operator; give eq, neq, contains or exists")));
      ok = false;
    }
    if (ok) criteria.push_back(std::move(criterion));
  }
  const size_t errors_after = std::count_if(issues.begin(), issues.end(), [](const base::Issue& i) {
    return i.severity == base::Severity::kError;
  });
  if (errors_after != errors_before) return std::nullopt;
  return FindingFilter(std::move(criteria));
}

bool IsValidArchiveRuleName(std::string_view name) {
  if (name.empty() || name.size() > kMaxRuleNameLength) return false;
  auto is_alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  if (!is_alpha(name[0])) return false;
  return std::all_of(name.begin() + 1, name.end(), [&](char c) {
    return is_alpha(c) || is_digit(c) || c == '_' || c == '.' || c == '-';
  });
}

const ArchiveRule* FirstMatchingRule(std::span<const ArchiveRule> rules,
                                     const FindingRecord& record) {
  for (const ArchiveRule& rule : rules) {
    if (rule.filter.Matches(record)) return &rule;
  }
  return nullptr;
}

std::optional<std::vector<ArchiveRule>> ParseArchiveRules(std::string source,
                                                          std::vector<base::Issue>& issues) {
  json::ParseResult parsed = json::Parse(std::move(source));
  if (!parsed.ok()) {
    issues.insert(issues.end(), parsed.issues.begin(), parsed.issues.end());
    return std::nullopt;
  }
  const json::Value root = parsed.document.root();
  json::Value list = root;
  if (root.is_object()) {
    std::optional<json::Value> rules = root.Find("archiveRules");
    if (!rules.has_value()) {
      issues.push_back(
          Error("archive-rules.type", root.position(),
                "expected a list of archive rules, or an object with an \"archiveRules\" list "
                "(the output of aws accessanalyzer list-archive-rules)"));
      return std::nullopt;
    }
    list = *rules;
  }
  if (!list.is_array()) {
    issues.push_back(
        Error("archive-rules.type", list.position(),
              base::Concat("expected a list of archive rules, not ", json::KindName(list.kind()))));
    return std::nullopt;
  }
  bool ok = true;
  std::vector<ArchiveRule> rules;
  std::set<std::string, std::less<>> names;
  for (json::Value element : list.children()) {
    json::ObjectReader reader(element, "archive-rules", "archive rule", issues,
                              "ruleName and filter");
    std::optional<json::Value> name = reader.Required("ruleName");
    std::optional<json::Value> filter = reader.Required("filter");
    // list-archive-rules gives them; they change nothing here.
    reader.Ignore("createdAt");
    reader.Ignore("updatedAt");
    if (!reader.Finish()) ok = false;
    if (!name.has_value() || !filter.has_value()) continue;
    ArchiveRule rule;
    if (!name->is_string() || !IsValidArchiveRuleName(name->text())) {
      issues.push_back(Error(
          "archive-rules.invalid-name", name->position(),
          "a rule name is 1 to 255 letters, digits, '_', '.' or '-', starting with a letter"));
      ok = false;
    } else {
      rule.rule_name = std::string(name->text());
      if (!names.insert(rule.rule_name).second) {
        issues.push_back(
            Error("archive-rules.duplicate-name", name->position(),
                  base::Concat("archive rule '", rule.rule_name, "' is defined twice")));
        ok = false;
      }
    }
    std::optional<FindingFilter> parsed_filter =
        ParseFindingFilter(*filter, FilterUse::kArchiveRule, issues);
    if (!parsed_filter.has_value()) {
      ok = false;
      continue;
    }
    rule.filter = std::move(*parsed_filter);
    rules.push_back(std::move(rule));
  }
  if (!ok) return std::nullopt;
  return rules;
}

}  // namespace perimeter::findings
