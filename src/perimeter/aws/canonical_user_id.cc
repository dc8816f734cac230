#include "perimeter/aws/canonical_user_id.h"

#include <openssl/sha.h>

namespace perimeter::aws {

std::string DerivedCanonicalUserId(std::string_view account_id) {
  std::string input = "perimeter-canonical-user:";
  input.append(account_id);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(input.data()), input.size(), digest);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * SHA256_DIGEST_LENGTH);
  for (unsigned char byte : digest) {
    out.push_back(kHex[byte >> 4]);
    out.push_back(kHex[byte & 0xF]);
  }
  return out;
}

}  // namespace perimeter::aws
