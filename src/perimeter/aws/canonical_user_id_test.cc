#include "perimeter/aws/canonical_user_id.h"

#include "gtest/gtest.h"

namespace perimeter::aws {
namespace {

TEST(DerivedCanonicalUserIdTest, IsTheDocumentedSha256) {
  // printf 'perimeter-canonical-user:111122223333' | sha256sum
  EXPECT_EQ(DerivedCanonicalUserId("111122223333"),
            "ebc2128f0d94501f952220cb98b51b0d799dbccb3ac96cdb1ec415fd0c79d437");
}

TEST(DerivedCanonicalUserIdTest, DiffersBetweenAccountsAndHas64HexDigits) {
  std::string a = DerivedCanonicalUserId("111122223333");
  std::string b = DerivedCanonicalUserId("444455556666");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace perimeter::aws
