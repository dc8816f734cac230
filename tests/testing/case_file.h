// The case-file format of tests/cases/engine/ and tests/cases/resources/ (tests/cases/README.md):
//
//   # What the case shows, and the AWS document behind it.
//   zone: account 123456789012
//   member: 111122223333 o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/
//
//   policy:
//   {
//     "Version": "2012-10-17", ...
//   }
//
//   ----
//   AWS=999988887777 | sqs:SendMessage | | not-public
//
// - The header: one or more leading '#' lines (required).
// - Directives: "name: value" on one line; a name may repeat (member:).
// - Blocks: a name ending in ':' alone on its line, then plain JSON up to the first blank line;
//   blocks of the same name keep their order.
// - "----", then the expected lines, one a line (none: nothing is expected).
// Comments ('#') are allowed anywhere before "----".
#ifndef PERIMETER_TESTS_TESTING_CASE_FILE_H_
#define PERIMETER_TESTS_TESTING_CASE_FILE_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace perimeter_testing {

struct CaseDirective {
  std::string name;
  std::string value;
  int line = 0;  // 1-based, in the case file
};

struct CaseBlock {
  std::string name;  // without the ':'
  std::string text;  // the lines of the block, joined with '\n'
  int line = 0;      // of the block's first text line
};

struct CaseFile {
  std::vector<std::string> header;  // the leading '#' lines, without "# "
  std::vector<CaseDirective> directives;
  std::vector<CaseBlock> blocks;
  std::vector<std::string> expected;  // the lines after "----", trailing blank lines dropped

  // The values of every directive `name`, in file order.
  std::vector<std::string> Values(std::string_view name) const;
  // The texts of every block `name`, in file order.
  std::vector<std::string> Blocks(std::string_view name) const;
};

// Errors (kInvalidArgument, "line N: ..."): no '#' header, no "----" line, a line that is neither a
// comment, a directive nor a block header, an empty block.
absl::StatusOr<CaseFile> ParseCaseFile(std::string_view text);

}  // namespace perimeter_testing

#endif  // PERIMETER_TESTS_TESTING_CASE_FILE_H_
