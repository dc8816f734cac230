#include "perimeter/base/issue.h"

#include <string>

#include "gtest/gtest.h"

namespace perimeter::base {
namespace {

TEST(FormatIssueTest, ShowsTheLineWithACaret) {
  Issue issue{Severity::kError, "json.syntax", SourcePosition{2, 3, 4}, "bad"};
  EXPECT_EQ(FormatIssue(issue, "in.json", "{\n  x\n}"),
            "in.json:2:3: error: bad [json.syntax]\n    x\n    ^");
}

// A file name or a line with bytes that are not UTF-8 is printed with U+FFFD, never the raw bytes.
TEST(FormatIssueTest, WritesValidUtf8) {
  Issue issue{Severity::kError, "json.invalid-utf8", SourcePosition{1, 3, 2}, "invalid UTF-8"};
  EXPECT_EQ(FormatIssue(issue, "caf\xE9.json", "[\"\xFF\"]"),
            "caf\xEF\xBF\xBD.json:1:3: error: invalid UTF-8 [json.invalid-utf8]\n  "
            "[\"\xEF\xBF\xBD\"]\n    ^");
}

}  // namespace
}  // namespace perimeter::base
