// The S3 canonical user id Perimeter gives an AWS account. S3 names an account by a 64-hex-digit
// canonical user id in ACL grants and in ListBuckets' Owner (Amazon S3 User Guide, "Find the
// canonical user ID for your AWS account"); AWS assigns it and no rule derives it from the account
// id. Offline, Perimeter needs one that is stable across runs and machines and that anyone can
// compute: the lower-case hex SHA-256 of "perimeter-canonical-user:" followed by the 12-digit
// account id (docs/server.md, "S3 ListBuckets"):
//
//   printf 'perimeter-canonical-user:111122223333' | sha256sum
//
// An account record's own `canonicalUserId` (docs/inventory.md), when given, takes its place.
#ifndef PERIMETER_AWS_CANONICAL_USER_ID_H_
#define PERIMETER_AWS_CANONICAL_USER_ID_H_

#include <string>
#include <string_view>

namespace perimeter::aws {

// The derived canonical user id of `account_id`: 64 lower-case hex digits.
std::string DerivedCanonicalUserId(std::string_view account_id);

}  // namespace perimeter::aws

#endif  // PERIMETER_AWS_CANONICAL_USER_ID_H_
