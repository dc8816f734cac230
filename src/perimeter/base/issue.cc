#include "perimeter/base/issue.h"

#include <algorithm>

#include "perimeter/base/utf8.h"

namespace perimeter::base {

std::string ToString(const SourcePosition& position) {
  return std::to_string(position.line) + ":" + std::to_string(position.column);
}

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
  }
  return "error";
}

bool HasErrors(const std::vector<Issue>& issues) {
  return std::any_of(issues.begin(), issues.end(),
                     [](const Issue& issue) { return issue.severity == Severity::kError; });
}

std::string FormatIssue(const Issue& issue, std::string_view name, std::string_view source) {
  std::string out;
  out.append(name).append(":").append(ToString(issue.position)).append(": ");
  out.append(SeverityName(issue.severity)).append(": ").append(issue.message);
  if (!issue.code.empty()) out.append(" [").append(issue.code).append("]");
  size_t offset = std::min<size_t>(issue.position.offset, source.size());
  size_t line_start = source.rfind('\n', offset == 0 ? 0 : offset - 1);
  line_start = (line_start == std::string_view::npos || offset == 0) ? 0 : line_start + 1;
  if (offset > 0 && source[offset - 1] == '\n') line_start = offset;
  size_t line_end = source.find('\n', offset);
  if (line_end == std::string_view::npos) line_end = source.size();
  std::string_view line = source.substr(line_start, line_end - line_start);
  constexpr size_t kMaxShown = 160;
  size_t caret = offset - line_start;
  size_t shown_from = caret > kMaxShown / 2 ? caret - kMaxShown / 2 : 0;
  line = line.substr(shown_from, kMaxShown);
  out.append("\n  ").append(line).append("\n  ");
  out.append(caret - shown_from, ' ').append("^");
  // A file name, a message quoting the input or a line cut at kMaxShown may hold bytes that are not
  // UTF-8: the terminal gets U+FFFD instead.
  return ValidUtf8(out);
}

}  // namespace perimeter::base
