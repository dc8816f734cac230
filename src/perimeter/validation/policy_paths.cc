#include "perimeter/validation/policy_paths.h"

#include <algorithm>

namespace perimeter::validation {

PathElement IndexElement(int index) {
  PathElement element;
  element.kind = PathElement::Kind::kIndex;
  element.index = index;
  return element;
}

PathElement KeyElement(std::string_view key) {
  PathElement element;
  element.kind = PathElement::Kind::kKey;
  element.text = std::string(key);
  return element;
}

PathElement ValueElement(std::string_view key) {
  PathElement element;
  element.kind = PathElement::Kind::kValue;
  element.text = std::string(key);
  return element;
}

DocumentLocator::DocumentLocator(std::string_view source) : source_(source) {
  line_starts_.push_back(0);
  for (size_t i = 0; i < source.size(); ++i) {
    if (source[i] == '\n') line_starts_.push_back(i + 1);
  }
}

Position DocumentLocator::At(size_t offset) const {
  offset = std::min(offset, source_.size());
  auto next = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  size_t line = static_cast<size_t>(next - line_starts_.begin());  // >= 1: line_starts_[0] == 0
  return Position{static_cast<int>(line), static_cast<int>(offset - line_starts_[line - 1]),
                  static_cast<int>(offset)};
}

Span DocumentLocator::ValueSpan(const json::Value& value) const {
  size_t start = value.position().offset;
  return Between(start, start + value.source_text().size());
}

Span DocumentLocator::KeySpan(const json::Value& member) const {
  size_t start = member.key_position().offset;
  size_t end = start + 1;  // past the opening quote
  while (end < source_.size() && source_[end] != '"') end += source_[end] == '\\' ? 2 : 1;
  return Between(start, std::min(end + 1, source_.size()));
}

PathIndex::PathIndex(const json::Value& root, const DocumentLocator& locator) {
  Path path;
  Add(root, path, locator);
}

void PathIndex::Add(const json::Value& value, Path& path, const DocumentLocator& locator) {
  entries_.emplace(value.position().offset,
                   Entry{path, locator.ValueSpan(value), /*is_key=*/false, value});
  if (value.is_array()) {
    int index = 0;
    for (json::Value element : value.children()) {
      path.push_back(IndexElement(index++));
      Add(element, path, locator);
      path.pop_back();
    }
  } else if (value.is_object()) {
    for (json::Value member : value.members()) {
      path.push_back(KeyElement(member.key()));
      entries_.emplace(member.key_position().offset,
                       Entry{path, locator.KeySpan(member), /*is_key=*/true, member});
      path.back() = ValueElement(member.key());
      Add(member, path, locator);
      path.pop_back();
    }
  }
}

const PathIndex::Entry* PathIndex::Find(size_t offset) const {
  auto it = entries_.find(static_cast<uint32_t>(offset));
  return it == entries_.end() ? nullptr : &it->second;
}

}  // namespace perimeter::validation
