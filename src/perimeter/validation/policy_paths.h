// Locations in a policy document in the API's shapes: the span of a value or of an object key, and
// an index from the offset where a value or key starts to its path, so that an issue of the policy
// parser (which carries a position) becomes a Location. Internal to validation/.
#ifndef PERIMETER_VALIDATION_POLICY_PATHS_H_
#define PERIMETER_VALIDATION_POLICY_PATHS_H_

#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "perimeter/json/document.h"
#include "perimeter/validation/validate_policy.h"

namespace perimeter::validation {

using Path = std::vector<PathElement>;

PathElement IndexElement(int index);
PathElement KeyElement(std::string_view key);
PathElement ValueElement(std::string_view key);

// Positions of byte offsets of one document. REQUIRES: `source` outlives the locator.
class DocumentLocator {
 public:
  explicit DocumentLocator(std::string_view source);

  Position At(size_t offset) const;
  Span Between(size_t start, size_t end) const { return Span{At(start), At(end)}; }
  // The whole text of the value (quotes included for a string).
  Span ValueSpan(const json::Value& value) const;
  // The key of an object member, quotes included. REQUIRES: `member` is an object member.
  Span KeySpan(const json::Value& member) const;

 private:
  std::string_view source_;
  std::vector<size_t> line_starts_;
};

// Every value and key of a document, by the offset where it starts.
class PathIndex {
 public:
  struct Entry {
    Path path;
    Span span;
    bool is_key = false;
    json::Value value;  // the value (for a key: the member's value)
  };

  PathIndex(const json::Value& root, const DocumentLocator& locator);

  // The value or key starting at `offset`, or nullptr.
  const Entry* Find(size_t offset) const;

 private:
  void Add(const json::Value& value, Path& path, const DocumentLocator& locator);
  std::unordered_map<uint32_t, Entry> entries_;
};

}  // namespace perimeter::validation

#endif  // PERIMETER_VALIDATION_POLICY_PATHS_H_
