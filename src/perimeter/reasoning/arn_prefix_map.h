// A request through one resource that another resource's policy sees under its own ARN: an object
// read through an S3 access point ("arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/k") is,
// for the bucket policy, a read of "arn:aws:s3:::bucket/k". The two ARNs differ by a prefix, and
// the rest (the object key) is the same; this module maps ARNs and ARN patterns across that prefix.
#ifndef PERIMETER_REASONING_ARN_PREFIX_MAP_H_
#define PERIMETER_REASONING_ARN_PREFIX_MAP_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/policy/wildcard.h"

namespace perimeter::reasoning {

// The ARNs that start with `from_prefix`, and the ARNs they stand for: `to_prefix` followed by the
// same rest.
struct ArnPrefixMap {
  std::string from_prefix;
  std::string to_prefix;

  // The ARN `arn` stands for; nullopt when it does not start with from_prefix.
  std::optional<std::string> Map(std::string_view arn) const;
};

// The strings s, written as globs over the whole of s, such that `map.to_prefix + s` matches
// `pattern` read as a Resource element reads it (policy::ArnMatches: component by component when
// the pattern has five ':', as a whole otherwise). Exact: a string matches one of the globs iff its
// mapped ARN matches `pattern`. Empty when no such string exists.
// REQUIRES: map.to_prefix holds at least five ':' (it ends inside the resource component).
std::vector<policy::WildcardPattern> RestsMatching(const policy::WildcardPattern& pattern,
                                                   const ArnPrefixMap& map);

// The patterns over the from-side ARNs that match exactly the ARNs whose mapped ARN matches
// `pattern`: from_prefix followed by each of RestsMatching(pattern, map).
std::vector<policy::WildcardPattern> PullBackArnPattern(const policy::WildcardPattern& pattern,
                                                        const ArnPrefixMap& map);

}  // namespace perimeter::reasoning

#endif  // PERIMETER_REASONING_ARN_PREFIX_MAP_H_
