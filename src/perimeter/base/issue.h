// Problems found in the user's input (a policy, a record, a request). They are collected, never
// thrown, and map one-to-one onto ValidatePolicy findings and SARIF results.
#ifndef PERIMETER_BASE_ISSUE_H_
#define PERIMETER_BASE_ISSUE_H_

#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/source_position.h"

namespace perimeter::base {

enum class Severity { kError, kWarning };

struct Issue {
  Severity severity = Severity::kError;
  std::string code;  // stable machine-readable code, e.g. "json.duplicate-key"
  SourcePosition position;
  std::string message;
};

std::string_view SeverityName(Severity severity);

bool HasErrors(const std::vector<Issue>& issues);

// Renders an issue the way compilers do:
//   name:line:col: error: message [code]
//     <the source line>
//          ^
// `source` is the whole document the position refers to; `name` names it (a file path or
// "<stdin>"). The text is valid UTF-8: bytes that are not become U+FFFD.
std::string FormatIssue(const Issue& issue, std::string_view name, std::string_view source);

}  // namespace perimeter::base

#endif  // PERIMETER_BASE_ISSUE_H_
