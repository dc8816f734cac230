// The candidate values of one condition key: one representative per class of values that the
// policy's conditions on that key cannot tell apart, plus "absent". Evaluating the policy on every
// candidate decides it for every possible value (finite-domain reasoning; see string_partition.h).
//
// Classes per operator family (the policy's own constants decide the boundaries):
//   strings and ARNs  regions of the Venn diagram of the patterns (PartitionStrings)
//   numbers, dates    the points named by the policy and the open intervals between them
//   IP addresses      the elementary intervals cut by the CIDR blocks' bounds, per address family
//   booleans          true, false
// plus, for each non-string family, one value the operator cannot read (it matches no positive
// operator). A key read by operators of two different families is refused (an error, never a
// guess): the classes of one family say nothing about the other's.
#ifndef PERIMETER_REASONING_KEY_DOMAIN_H_
#define PERIMETER_REASONING_KEY_DOMAIN_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "perimeter/eval/condition_evaluator.h"
#include "perimeter/eval/request_context.h"
#include "perimeter/policy/policy.h"
#include "perimeter/reasoning/box.h"
#include "perimeter/reasoning/string_partition.h"

namespace perimeter::reasoning {

struct KeyDomain {
  std::string key_lower;
  std::string key;  // as first written in the policy
  bool multivalued = false;
  // candidates[i]: nullopt for "the request does not carry the key", otherwise its values (exactly
  // one for a single-valued key; any number, including none, for a multivalued key).
  std::vector<std::optional<std::vector<std::string>>> candidates;
};

// The pattern that a value of a string or ARN condition stands for: a glob for the *Like and Arn*
// operators (ARN syntax for Arn*), a literal otherwise, case-insensitive for *IgnoreCase.
StringPattern ConditionValuePattern(policy::ConditionOperator op, const std::string& value);

// True for keys AWS documents as multivalued (carrying a set of values).
bool IsMultivaluedKey(std::string_view key_lower);

struct KeyDomainOptions {
  // A multivalued key gets every subset of its single-value representatives as candidates; more
  // representatives than this is refused (the subsets would be too many to enumerate).
  size_t max_multivalued_representatives = 8;
};

// Values that the engine, not the policy, needs told apart, per key (lower-case): for a key read by
// string or ARN operators, these patterns join the policy's in the Venn diagram, so that each class
// lies wholly on one side of them (a zone account inside "12345678901?" for aws:SourceAccount; the
// resource's owner for aws:ResourceAccount). Ignored for keys of other operator families.
using KeySeparations = std::map<std::string, std::vector<StringPattern>>;

// Builds the domain of `key_lower` from every condition on it in the policy, and `separations`
// (patterns of that key, see KeySeparations). REQUIRES: every condition in `conditions` is on that
// key, and its values hold no policy variable (the caller abstracts those first, see
// policy_abstraction.h).
absl::StatusOr<KeyDomain> BuildKeyDomain(std::string_view key_lower,
                                         const std::vector<const policy::Condition*>& conditions,
                                         const KeyDomainOptions& options = {},
                                         const std::vector<StringPattern>& separations = {});

// The condition keys the engines try values of, sorted by key, with their domains.
struct FreeKeys {
  std::vector<KeyDomain> domains;
  std::map<std::string, size_t> index_of;  // key_lower -> position in `domains`
};

// The domain of every condition key of `statements`; keys AWS derives from the caller
// (condition_keys.h, IsPrincipalDerivedKey) are left out when `skip_principal_derived`: the caller
// sets them from each candidate principal instead.
absl::StatusOr<FreeKeys> BuildFreeKeys(const std::vector<const policy::Statement*>& statements,
                                       bool skip_principal_derived,
                                       const KeySeparations& separations = {});

// Puts candidate `candidate` of `domain` into `context` (erasing the key for "absent").
void SetCandidate(eval::RequestContext& context, const KeyDomain& domain, size_t candidate);

// The candidates of `domain` for which `condition` holds, with nothing else in the context: a
// condition reads only its own key once policy variables are abstracted away.
CandidateSet CandidatesSatisfying(const eval::CompiledCondition& condition,
                                  const KeyDomain& domain);

}  // namespace perimeter::reasoning

#endif  // PERIMETER_REASONING_KEY_DOMAIN_H_
