// Partitions the set of all strings by a list of patterns: for every non-empty region of their Venn
// diagram (the strings matching exactly a given subset of the patterns), one representative string.
//
// This is the heart of the fast path of the reasoning engine: a policy only ever compares a value
// against its own constants and patterns, so two values in the same region are indistinguishable to
// it, and evaluating one representative per region decides all of them (the "finite-domain"
// reasoning of the S3 Block Public Access work; Backes et al., "Semantic-based automated reasoning
// for AWS access policies using SMT", FMCAD 2018, and "Stratified abstraction of access control
// policies", CAV 2020).
//
// Method: every pattern is a small NFA over its tokens; a breadth-first search over the product of
// the NFAs (their sets of active states), over an alphabet made of the patterns' own characters
// plus one character none of them uses, visits every reachable combination; the accepting patterns
// of a product state are the region of the string that reached it. The search is bounded by a state
// budget.
#ifndef PERIMETER_REASONING_STRING_PARTITION_H_
#define PERIMETER_REASONING_STRING_PARTITION_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "perimeter/policy/wildcard.h"

namespace perimeter::reasoning {

// One pattern to tell strings apart by.
struct StringPattern {
  enum class Syntax {
    kGlob,  // '*' and '?' as in StringLike and Action
    kArn,   // as ArnLike and Resource: wildcards do not cross the ':' of the first five components
  };
  policy::WildcardPattern pattern;
  Syntax syntax = Syntax::kGlob;
  policy::CaseMode case_mode = policy::CaseMode::kSensitive;

  // Whether `text` matches, by the same rules the concrete evaluator uses.
  bool Matches(std::string_view text) const;
};

struct StringRegion {
  std::vector<bool> matches;  // matches[i]: whether the region's strings match patterns[i]
  std::string
      representative;  // a shortest member, non-empty when the region has a non-empty member
};

struct StringPartitionOptions {
  // Product states the search may visit before it gives up (the result is then an error, and the
  // caller falls back to the solver or reports "unknown").
  size_t state_budget = 50000;
};

// Every non-empty region of the Venn diagram of `patterns`, restricted to the strings that match at
// least one of `domain` (every string when `domain` is empty). Deterministic: same input, same
// output in the same order. Each representative is checked against every pattern with
// StringPattern::Matches; a disagreement is reported as an Internal error rather than trusted.
absl::StatusOr<std::vector<StringRegion>> PartitionStrings(
    const std::vector<StringPattern>& patterns, const std::vector<StringPattern>& domain,
    const StringPartitionOptions& options = {});

// The representatives of PartitionStrings(patterns, {}), one string per region, in its order.
absl::StatusOr<std::vector<std::string>> PartitionRepresentatives(
    const std::vector<StringPattern>& patterns);

}  // namespace perimeter::reasoning

#endif  // PERIMETER_REASONING_STRING_PARTITION_H_
