#include "perimeter/base/utf8.h"

#include <string>

#include "gtest/gtest.h"

namespace perimeter::base {
namespace {

struct Utf8Case {
  std::string name;
  std::string input;
  std::string expected;
};

class ValidUtf8Test : public testing::TestWithParam<Utf8Case> {};

TEST_P(ValidUtf8Test, ReplacesMaximalIllFormedSubpartsByOneReplacementCharacter) {
  EXPECT_EQ(ValidUtf8(GetParam().input), GetParam().expected);
}

// The ill-formed cases follow Unicode §3.9, table 3-8 (one U+FFFD per maximal subpart).
INSTANTIATE_TEST_SUITE_P(
    Cases, ValidUtf8Test,
    testing::Values(Utf8Case{"ascii", "bucket-1", "bucket-1"},
                    Utf8Case{"valid_multibyte", "caf\xC3\xA9 \xF0\x9F\x98\x80",
                             "caf\xC3\xA9 \xF0\x9F\x98\x80"},
                    Utf8Case{"lone_continuation", "a\x80z", "a\xEF\xBF\xBDz"},
                    Utf8Case{"latin1_byte", "caf\xE9.json", "caf\xEF\xBF\xBD.json"},
                    Utf8Case{"truncated_at_end", "x\xE2\x82", "x\xEF\xBF\xBD"},
                    Utf8Case{"overlong", "\xC0\xAF", "\xEF\xBF\xBD\xEF\xBF\xBD"},
                    Utf8Case{"surrogate", "\xED\xA0\x80", "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
                    Utf8Case{"above_max", "\xF4\x90\x80\x80",
                             "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"},
                    Utf8Case{"cut_sequence_then_ascii", "\xF0\x9F\x98z", "\xEF\xBF\xBDz"}),
    [](const testing::TestParamInfo<Utf8Case>& info) { return info.param.name; });

}  // namespace
}  // namespace perimeter::base
