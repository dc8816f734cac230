#include "perimeter/reasoning/key_domain.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <set>

#include "absl/status/status.h"
#include "perimeter/base/text.h"
#include "perimeter/policy/condition_values.h"
#include "perimeter/reasoning/condition_keys.h"
#include "perimeter/reasoning/string_partition.h"

namespace perimeter::reasoning {
namespace {

using policy::ConditionOperator;

// How a key's candidate values are drawn. The operator's family is policy.h's (TraitsOfOperator,
// the one table the evaluator and the oracle read too); the string-like families share one
// partition of strings.
enum class Family { kString, kNumeric, kDate, kBool, kIp, kNull };

Family FamilyOf(ConditionOperator op) {
  switch (policy::TraitsOfOperator(op).family) {
    case policy::OperatorFamily::kString:
    case policy::OperatorFamily::kStringIgnoreCase:
    case policy::OperatorFamily::kStringLike:
    case policy::OperatorFamily::kArn:
    case policy::OperatorFamily::kBinary:
      return Family::kString;
    case policy::OperatorFamily::kNumeric:
      return Family::kNumeric;
    case policy::OperatorFamily::kDate:
      return Family::kDate;
    case policy::OperatorFamily::kBool:
      return Family::kBool;
    case policy::OperatorFamily::kIp:
      return Family::kIp;
    case policy::OperatorFamily::kNull:
      return Family::kNull;
  }
  return Family::kString;
}

}  // namespace

StringPattern ConditionValuePattern(ConditionOperator op, const std::string& value) {
  switch (policy::TraitsOfOperator(op).family) {
    case policy::OperatorFamily::kStringLike:
      return {policy::WildcardPattern::FromGlob(value), StringPattern::Syntax::kGlob,
              policy::CaseMode::kSensitive};
    case policy::OperatorFamily::kArn:
      return {policy::WildcardPattern::FromGlob(value), StringPattern::Syntax::kArn,
              policy::CaseMode::kSensitive};
    case policy::OperatorFamily::kStringIgnoreCase:
      return {policy::WildcardPattern::FromLiteral(value), StringPattern::Syntax::kGlob,
              policy::CaseMode::kInsensitive};
    case policy::OperatorFamily::kString:
    case policy::OperatorFamily::kBinary:
    case policy::OperatorFamily::kNumeric:
    case policy::OperatorFamily::kDate:
    case policy::OperatorFamily::kBool:
    case policy::OperatorFamily::kIp:
    case policy::OperatorFamily::kNull:
      return {policy::WildcardPattern::FromLiteral(value), StringPattern::Syntax::kGlob,
              policy::CaseMode::kSensitive};
  }
  return {};
}

namespace {

// Exact decimal text of a long double, enough digits to tell neighbours apart.
std::string FormatDecimal(long double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.21Lf", value);
  std::string text = buffer;
  // Trim trailing zeros and a trailing '.', which ParseNumber accepts anyway; shorter reads better.
  if (text.find('.') != std::string::npos) {
    while (!text.empty() && text.back() == '0') text.pop_back();
    if (!text.empty() && text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

absl::StatusOr<std::vector<std::string>> NumericRepresentatives(
    const std::vector<std::string>& values) {
  std::vector<std::pair<long double, std::string>> points;
  for (const std::string& value : values) {
    if (!policy::ParseNumber(value).has_value())
      continue;  // reported at compile time; matches nothing
    points.emplace_back(std::strtold(value.c_str(), nullptr), value);
  }
  std::sort(points.begin(), points.end());
  std::vector<std::string> out = {"not-a-number"};
  for (size_t i = 0; i < points.size(); ++i) {
    out.push_back(points[i].second);
    if (i == 0) out.push_back(FormatDecimal(points[i].first - 1));
    if (i + 1 == points.size()) {
      out.push_back(FormatDecimal(points[i].first + 1));
    } else if (points[i].first != points[i + 1].first) {
      std::string middle = FormatDecimal((points[i].first + points[i + 1].first) / 2);
      auto m = policy::ParseNumber(middle);
      auto a = policy::ParseNumber(points[i].second);
      auto b = policy::ParseNumber(points[i + 1].second);
      if (!m || !a || !b || policy::CompareNumbers(*a, *m) != std::strong_ordering::less ||
          policy::CompareNumbers(*m, *b) != std::strong_ordering::less) {
        return absl::UnimplementedError(base::Concat("numbers ", points[i].second, " and ",
                                                     points[i + 1].second,
                                                     " are too close to tell apart"));
      }
      out.push_back(middle);
    }
  }
  return out;
}

// Nanoseconds since the epoch, wide enough for every date ParseDate accepts.
using Nanos = __int128;

Nanos ToNanos(const policy::Timestamp& t) {
  return static_cast<Nanos>(t.seconds) * 1'000'000'000 + t.nanos;
}

// Epoch-seconds text with a nanosecond fraction, which ParseDate reads back exactly.
std::string FormatEpoch(Nanos nanos) {
  bool negative = nanos < 0;
  Nanos magnitude = negative ? -nanos : nanos;
  long long seconds = static_cast<long long>(magnitude / 1'000'000'000);
  long long fraction = static_cast<long long>(magnitude % 1'000'000'000);
  char buffer[64];
  if (fraction == 0) {
    std::snprintf(buffer, sizeof(buffer), "%s%lld", negative ? "-" : "", seconds);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%s%lld.%09lld", negative ? "-" : "", seconds, fraction);
  }
  return buffer;
}

std::vector<std::string> DateRepresentatives(const std::vector<std::string>& values) {
  std::vector<std::pair<Nanos, std::string>> points;
  for (const std::string& value : values) {
    if (auto t = policy::ParseDate(value)) points.emplace_back(ToNanos(*t), value);
  }
  std::sort(points.begin(), points.end());
  std::vector<std::string> out = {"not-a-date"};
  for (size_t i = 0; i < points.size(); ++i) {
    out.push_back(points[i].second);
    if (i == 0) out.push_back(FormatEpoch(points[i].first - 1'000'000'000));
    if (i + 1 == points.size()) {
      out.push_back(FormatEpoch(points[i].first + 1'000'000'000));
    } else if (points[i + 1].first - points[i].first >= 2) {
      out.push_back(FormatEpoch(points[i].first + (points[i + 1].first - points[i].first) / 2));
    }
  }
  return out;
}

using Address = unsigned __int128;

Address ToNumber(const policy::IpAddress& address) {
  Address value = 0;
  size_t length = address.v6 ? 16 : 4;
  for (size_t i = 0; i < length; ++i) value = (value << 8) | address.bytes[i];
  return value;
}

std::vector<std::string> IpRepresentatives(const std::vector<std::string>& values) {
  // Every elementary interval of the arrangement of blocks starts at 0, at a block's first address
  // or just after a block's last one: those starts are the representatives, per family.
  std::array<std::set<Address>, 2> starts = {std::set<Address>{0}, std::set<Address>{0}};
  for (const std::string& value : values) {
    std::optional<policy::Cidr> cidr = policy::ParseCidr(value);
    if (!cidr) continue;
    bool v6 = cidr->base.v6;
    int bits = v6 ? 128 : 32;
    Address size_mask =
        cidr->prefix_length == 0 ? ~Address{0} : ((Address{1} << (bits - cidr->prefix_length)) - 1);
    if (bits == 32 && cidr->prefix_length == 0) size_mask = 0xFFFFFFFFu;
    Address first = ToNumber(cidr->base) & ~size_mask;
    if (bits == 32) first &= 0xFFFFFFFFu;
    Address last = first | size_mask;
    Address max = bits == 32 ? Address{0xFFFFFFFFu} : ~Address{0};
    starts[v6].insert(first);
    if (last != max) starts[v6].insert(last + 1);
  }
  std::vector<std::string> out = {"not-an-ip"};
  for (int v6 = 0; v6 < 2; ++v6) {
    for (Address start : starts[v6]) out.push_back(policy::FormatIpNumber(start, v6 == 1));
  }
  return out;
}

}  // namespace

bool IsMultivaluedKey(std::string_view key_lower) {
  static constexpr std::string_view kMultivalued[] = {"aws:tagkeys",
                                                      "aws:calledvia",
                                                      "aws:principalorgpaths",
                                                      "aws:sourceorgpaths",
                                                      "aws:resourceorgpaths",
                                                      "aws:principalservicenameslist",
                                                      "kms:encryptioncontextkeys",
                                                      "kms:grantoperations",
                                                      "cognito-identity.amazonaws.com:amr"};
  return std::find(std::begin(kMultivalued), std::end(kMultivalued), key_lower) !=
         std::end(kMultivalued);
}

absl::StatusOr<KeyDomain> BuildKeyDomain(std::string_view key_lower,
                                         const std::vector<const policy::Condition*>& conditions,
                                         const KeyDomainOptions& options,
                                         const std::vector<StringPattern>& separations) {
  KeyDomain domain;
  domain.key_lower = std::string(key_lower);
  domain.multivalued = IsMultivaluedKey(key_lower);
  std::optional<Family> family;
  std::vector<StringPattern> patterns;
  std::vector<std::string> values;
  for (const policy::Condition* condition : conditions) {
    if (domain.key.empty()) domain.key = condition->key;
    if (condition->op.qualifier != policy::SetQualifier::kNone) domain.multivalued = true;
    Family f = FamilyOf(condition->op.op);
    if (f == Family::kNull) continue;
    if (family.has_value() && *family != f) {
      return absl::UnimplementedError(base::Concat("condition key ", condition->key,
                                                   " is read by operators of different types"));
    }
    family = f;
    for (const policy::ConditionValue& value : condition->values) {
      values.push_back(value.value);
      if (f == Family::kString)
        patterns.push_back(ConditionValuePattern(condition->op.op, value.value));
    }
  }
  std::vector<std::string> representatives;
  switch (family.value_or(Family::kNull)) {
    case Family::kString: {
      patterns.insert(patterns.end(), separations.begin(), separations.end());
      absl::StatusOr<std::vector<std::string>> reps = PartitionRepresentatives(patterns);
      if (!reps.ok()) return reps.status();
      representatives = std::move(*reps);
      break;
    }
    case Family::kNumeric: {
      absl::StatusOr<std::vector<std::string>> reps = NumericRepresentatives(values);
      if (!reps.ok()) return reps.status();
      representatives = std::move(*reps);
      break;
    }
    case Family::kDate:
      representatives = DateRepresentatives(values);
      break;
    case Family::kBool:
      representatives = {"true", "false", "not-a-bool"};
      break;
    case Family::kIp:
      representatives = IpRepresentatives(values);
      break;
    case Family::kNull:
      representatives = {"any-value"};
      break;
  }
  std::sort(representatives.begin(), representatives.end());
  representatives.erase(std::unique(representatives.begin(), representatives.end()),
                        representatives.end());

  domain.candidates.push_back(std::nullopt);
  if (!domain.multivalued) {
    for (std::string& value : representatives)
      domain.candidates.push_back(std::vector<std::string>{std::move(value)});
    return domain;
  }
  if (representatives.size() > options.max_multivalued_representatives) {
    return absl::UnimplementedError(
        base::Concat("multivalued condition key ", domain.key, " has ", representatives.size(),
                     " classes of values: too many subsets to enumerate"));
  }
  // Every subset, the empty one included (an empty set is not the same request as an absent key).
  size_t count = representatives.size();
  for (size_t mask = 0; mask < (size_t{1} << count); ++mask) {
    std::vector<std::string> subset;
    for (size_t i = 0; i < count; ++i) {
      if (mask & (size_t{1} << i)) subset.push_back(representatives[i]);
    }
    domain.candidates.push_back(std::move(subset));
  }
  return domain;
}

void SetCandidate(eval::RequestContext& context, const KeyDomain& domain, size_t candidate) {
  const std::optional<std::vector<std::string>>& value = domain.candidates[candidate];
  if (!value.has_value()) {
    context.Erase(domain.key_lower);
  } else if (domain.multivalued) {
    context.SetMultivalued(domain.key_lower, *value);
  } else {
    context.Set(domain.key_lower, value->front());
  }
}

CandidateSet CandidatesSatisfying(const eval::CompiledCondition& condition,
                                  const KeyDomain& domain) {
  CandidateSet set = CandidateSet::None(domain.candidates.size());
  eval::RequestContext context;
  for (size_t c = 0; c < domain.candidates.size(); ++c) {
    SetCandidate(context, domain, c);
    if (condition.Evaluate(context)) set.Add(c);
  }
  return set;
}

absl::StatusOr<FreeKeys> BuildFreeKeys(const std::vector<const policy::Statement*>& statements,
                                       bool skip_principal_derived,
                                       const KeySeparations& separations) {
  std::map<std::string, std::vector<const policy::Condition*>> by_key;
  for (const policy::Statement* statement : statements) {
    for (const policy::Condition& condition : statement->conditions) {
      if (skip_principal_derived && IsPrincipalDerivedKey(condition.key_lower)) continue;
      by_key[condition.key_lower].push_back(&condition);
    }
  }
  FreeKeys keys;
  for (const auto& [key, conditions] : by_key) {
    auto separation = separations.find(key);
    absl::StatusOr<KeyDomain> domain = BuildKeyDomain(
        key, conditions, {},
        separation == separations.end() ? std::vector<StringPattern>{} : separation->second);
    if (!domain.ok()) return domain.status();
    keys.index_of[key] = keys.domains.size();
    keys.domains.push_back(std::move(*domain));
  }
  return keys;
}

}  // namespace perimeter::reasoning
