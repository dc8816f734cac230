#include "tests/testing/case_file.h"

#include <string>
#include <vector>

#include "absl/status/status.h"

namespace perimeter_testing {
namespace {

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

absl::Status LineError(size_t index, std::string_view message) {
  return absl::InvalidArgumentError("line " + std::to_string(index + 1) + ": " +
                                    std::string(message));
}

}  // namespace

std::vector<std::string> CaseFile::Values(std::string_view name) const {
  std::vector<std::string> values;
  for (const CaseDirective& directive : directives) {
    if (directive.name == name) values.push_back(directive.value);
  }
  return values;
}

std::vector<std::string> CaseFile::Blocks(std::string_view name) const {
  std::vector<std::string> texts;
  for (const CaseBlock& block : blocks) {
    if (block.name == name) texts.push_back(block.text);
  }
  return texts;
}

absl::StatusOr<CaseFile> ParseCaseFile(std::string_view text) {
  std::vector<std::string_view> lines = SplitLines(text);
  CaseFile file;
  size_t i = 0;
  for (; i < lines.size() && lines[i].starts_with('#'); ++i) {
    file.header.push_back(std::string(Trim(lines[i].substr(1))));
  }
  if (file.header.empty())
    return LineError(0, "a case file begins with a '#' header saying what it shows");
  bool separator = false;
  for (; i < lines.size(); ++i) {
    std::string_view line = Trim(lines[i]);
    if (line.empty() || line.starts_with('#')) continue;
    if (line == "----") {
      separator = true;
      ++i;
      break;
    }
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return LineError(i, "expected a directive \"name: value\", a block \"name:\" or \"----\"");
    }
    std::string name(Trim(line.substr(0, colon)));
    std::string_view value = Trim(line.substr(colon + 1));
    if (!value.empty()) {
      file.directives.push_back(CaseDirective{name, std::string(value), static_cast<int>(i + 1)});
      continue;
    }
    CaseBlock block{name, "", static_cast<int>(i + 2)};
    for (++i; i < lines.size() && !Trim(lines[i]).empty(); ++i) {
      if (!block.text.empty()) block.text += '\n';
      block.text += lines[i];
    }
    if (block.text.empty())
      return LineError(block.line - 2, "the block \"" + name + ":\" is empty");
    file.blocks.push_back(std::move(block));
  }
  if (!separator) return LineError(lines.size(), "no \"----\" line before the expected lines");
  for (; i < lines.size(); ++i) file.expected.push_back(std::string(lines[i]));
  while (!file.expected.empty() && Trim(file.expected.back()).empty()) file.expected.pop_back();
  return file;
}

}  // namespace perimeter_testing
