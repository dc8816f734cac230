#include "perimeter/policy/arn.h"

#include <cstddef>
#include <utility>
#include <vector>

namespace perimeter::policy {
namespace {

constexpr size_t kArnComponents = 6;

}  // namespace

ArnPattern ArnPattern::Compile(const WildcardPattern& pattern) {
  ArnPattern compiled;
  std::vector<WildcardPattern> parts = pattern.Split(':', kArnComponents);
  if (parts.size() < kArnComponents) {
    compiled.whole_ = pattern;
    return compiled;
  }
  compiled.is_arn_ = true;
  for (size_t i = 0; i < kArnComponents; ++i) compiled.components_[i] = std::move(parts[i]);
  return compiled;
}

bool ArnPattern::Matches(std::string_view arn) const {
  if (!is_arn_) return whole_.Matches(arn);
  // Component by component as the text is split, stopping at the first that does not match. ARN
  // components are short, so a plain loop finds each ':' faster than a library search.
  size_t start = 0;
  for (size_t i = 0; i + 1 < kArnComponents; ++i) {
    size_t colon = start;
    while (colon < arn.size() && arn[colon] != ':') ++colon;
    if (colon == arn.size()) return false;  // fewer than five ':'
    if (!components_[i].Matches(arn.substr(start, colon - start))) return false;
    start = colon + 1;
  }
  return components_[kArnComponents - 1].Matches(arn.substr(start));
}

bool ArnMatches(const WildcardPattern& pattern, std::string_view arn) {
  return ArnPattern::Compile(pattern).Matches(arn);
}

}  // namespace perimeter::policy
