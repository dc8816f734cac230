#include <string>

#include "fuzz/fuzz_targets.h"
#include "perimeter/policy/arn.h"
#include "perimeter/policy/wildcard.h"

namespace perimeter::fuzz {

// Invariants: a parsed ARN's components put back together give the text; every ARN matches itself
// as a literal pattern and matches "*"; a glob pattern matches its own text when it has no
// wildcard.
int FuzzArn(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  size_t split = text.find('\n');
  std::string arn_text = text.substr(0, split);
  std::optional<policy::Arn> arn = policy::ParseArn(arn_text);
  if (arn.has_value()) {
    std::string joined = "arn:" + std::string(arn->partition) + ":" + std::string(arn->service) +
                         ":" + std::string(arn->region) + ":" + std::string(arn->account) + ":" +
                         std::string(arn->resource);
    FuzzCheck(joined == arn_text, "ARN components rebuild the text");
    FuzzCheck(policy::ArnMatches(policy::WildcardPattern::FromLiteral(arn_text), arn_text),
              "ARN matches itself");
    FuzzCheck(policy::ArnMatches(policy::WildcardPattern::FromGlob("*"), arn_text),
              "\"*\" matches every ARN");
  }
  if (split != std::string::npos) {
    // Second line: a glob pattern matched against the first line, both ways of matching.
    policy::WildcardPattern pattern = policy::WildcardPattern::FromGlob(text.substr(split + 1));
    bool glob = pattern.Matches(arn_text);
    bool insensitive = pattern.Matches(arn_text, policy::CaseMode::kInsensitive);
    FuzzCheck(!glob || insensitive, "a case-sensitive match is also a case-insensitive one");
    (void)policy::ArnMatches(pattern, arn_text);
    if (pattern.is_literal()) {
      FuzzCheck(pattern.Matches(pattern.literal()), "a literal pattern matches its own text");
    }
  }
  return 0;
}

}  // namespace perimeter::fuzz
