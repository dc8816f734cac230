// Amazon Resource Names: matching as IAM does it. Parsing ARNs and account ids is aws/arn.h's (the
// one parser); its names are brought into this namespace for the policy layer's callers.
//
// ARN format (AWS General Reference, "Amazon Resource Names"):
//   arn:partition:service:region:account-id:resource
// where `resource` may itself contain ':' or '/'. Matching (IAM User Guide, "Condition operators:
// ARN condition operators", and the Resource element): each of the six colon-delimited components
// is matched separately; '*' and '?' within a component do not match across a ':' of the first five
// components, while the resource component takes everything after the fifth ':'.
#ifndef PERIMETER_POLICY_ARN_H_
#define PERIMETER_POLICY_ARN_H_

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "perimeter/aws/arn.h"
#include "perimeter/policy/wildcard.h"

namespace perimeter::policy {

using aws::Arn;
using aws::IsAccountId;
using aws::ParseArn;
using aws::PrincipalAccount;

// Whether `arn` matches `pattern` component by component (see above). Partition, service, region
// and account are matched case-sensitively, as is the resource. A pattern that is not an ARN ("*"
// alone) matches by plain wildcard matching over the whole text.
//
// The components of `arn` are split at its first five ':' (no "arn:" prefix check beyond the first
// component matching the pattern's first component); text with fewer than five ':' never matches an
// ARN-shaped pattern. IAM User Guide, "IAM JSON policy elements: Condition
// operators", ARN condition operators: "Each of the six colon-delimited components of the ARN is
// checked separately and each can include multi-character match wildcards (*) or single-character
// match wildcards (?)", with the example that "arn:aws:someservice:*:111122223333:finance/*" does
// not match
// "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt".
bool ArnMatches(const WildcardPattern& pattern, std::string_view arn);

// An ARN pattern split once into its six component patterns, so that matching many ARNs against it
// allocates nothing. ArnMatches(p, arn) == ArnPattern::Compile(p).Matches(arn).
class ArnPattern {
 public:
  ArnPattern() = default;
  static ArnPattern Compile(const WildcardPattern& pattern);

  bool Matches(std::string_view arn) const;
  // True when the pattern has six components (five ':' outside wildcards).
  bool is_arn() const { return is_arn_; }

 private:
  bool is_arn_ = false;
  WildcardPattern whole_;                      // when !is_arn_
  std::array<WildcardPattern, 6> components_;  // when is_arn_
};

}  // namespace perimeter::policy

#endif  // PERIMETER_POLICY_ARN_H_
