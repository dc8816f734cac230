// A parsed JSON document that remembers where every value and every object key came from.
//
// Why our own parser: policy validation, SARIF output and error messages must point at the exact
// element (line, column, byte offset), duplicate object keys must be detected (a policy with two
// "Effect" keys is ambiguous, and guessing which one AWS keeps would be unsound), and nesting depth
// must be bounded. None of the JSON libraries available on Debian reports positions of elements.
//
// Representation: a flat pre-order "tape" of nodes, so a whole document costs a couple of
// allocations. `Value` is a cheap handle (document pointer + index) that stays valid as long as the
// Document lives and is not moved-from.
#ifndef PERIMETER_JSON_DOCUMENT_H_
#define PERIMETER_JSON_DOCUMENT_H_

#include <cassert>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/base/issue.h"
#include "perimeter/base/source_position.h"

namespace perimeter::json {

enum class Kind : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };

std::string_view KindName(Kind kind);  // "null", "boolean", "number", "string", "array", "object"

class Document;
class Parser;

namespace internal {
struct Node {
  Kind kind = Kind::kNull;
  bool boolean = false;
  uint32_t subtree_end = 0;  // index one past the last node of this value's subtree
  uint32_t size = 0;         // number of elements (array) or members (object)
  uint32_t end_offset = 0;   // byte offset one past the value's last character
  base::SourcePosition position;
  base::SourcePosition key_position;  // for members of an object
  std::string_view text;              // decoded string, or the number literal as written
  std::string_view key;               // for members of an object: the decoded key
};
}  // namespace internal

class Value;

class Value {
 public:
  Value() = default;

  Kind kind() const { return node().kind; }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_bool() const { return kind() == Kind::kBool; }
  bool is_number() const { return kind() == Kind::kNumber; }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_array() const { return kind() == Kind::kArray; }
  bool is_object() const { return kind() == Kind::kObject; }

  // Where the value starts (its first character).
  const base::SourcePosition& position() const { return node().position; }

  // REQUIRES: is_bool().
  bool boolean() const { return node().boolean; }
  // The decoded text of a string, or the literal of a number as written ("1e3", "-0.5").
  // REQUIRES: is_string() || is_number().
  std::string_view text() const { return node().text; }

  // The number of elements of an array or members of an object; 0 for scalars.
  size_t size() const { return node().size; }

  // Array elements and object member values, in document order.
  class ChildIterator;
  class Children;
  Children children() const;

  // Object members in document order (each with key() and key_position()). REQUIRES: is_object().
  Children members() const;

  // The value of the member named exactly `key` (case-sensitive), if any.
  std::optional<Value> Find(std::string_view key) const;

  // For a value that is an object member: its key and the key's position.
  std::string_view key() const { return node().key; }
  const base::SourcePosition& key_position() const { return node().key_position; }

  // The exact source text of this value (for re-serialisation or hashing).
  std::string_view source_text() const;

 private:
  friend class Document;
  Value(const Document* document, uint32_t index) : document_(document), index_(index) {}
  const internal::Node& node() const;

  const Document* document_ = nullptr;
  uint32_t index_ = 0;
};

class Value::ChildIterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = Value;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = Value;
  ChildIterator(const Document* document, uint32_t index) : document_(document), index_(index) {}
  Value operator*() const { return Value(document_, index_); }
  ChildIterator& operator++();
  ChildIterator operator++(int) {
    ChildIterator copy = *this;
    ++*this;
    return copy;
  }
  friend bool operator==(const ChildIterator& a, const ChildIterator& b) {
    return a.index_ == b.index_;
  }

 private:
  const Document* document_;
  uint32_t index_;
};

class Value::Children {
 public:
  Children(ChildIterator begin, ChildIterator end) : begin_(begin), end_(end) {}
  ChildIterator begin() const { return begin_; }
  ChildIterator end() const { return end_; }

 private:
  ChildIterator begin_, end_;
};

inline Value::Children Value::members() const { return children(); }

struct ParseOptions {
  // Deeper nesting is an error: it bounds recursion in every consumer and rejects hostile input.
  uint32_t max_depth = 64;
  // Larger documents are an error before any parsing is done.
  size_t max_bytes = size_t{64} << 20;
};

// An immutable parsed document. Owns its source text and the decoded strings.
class Document {
 public:
  Document() = default;
  ~Document();
  Document(Document&&) noexcept = default;
  Document& operator=(Document&&) noexcept = default;
  Document(const Document&) = delete;
  Document& operator=(const Document&) = delete;

  // REQUIRES: the document parsed without errors (ParseResult::ok()).
  Value root() const { return Value(this, 0); }
  std::string_view source() const { return *source_; }

 private:
  friend class Value;
  friend class Parser;
  friend class Value::ChildIterator;
  std::unique_ptr<std::string> source_ = std::make_unique<std::string>();
  // Strings with escapes, decoded; created on the first one (most documents have none).
  std::unique_ptr<std::string> decoded_;
  std::vector<internal::Node> nodes_;
};

// Inline: the policy parser and every reader of documents walk values through these.
inline const internal::Node& Value::node() const {
  // A default-constructed Value has no document; using it is a bug in the caller.
  assert(document_ != nullptr);
  return document_->nodes_[index_];
}

inline Value::Children Value::children() const {
  const internal::Node& n = node();
  bool container = n.kind == Kind::kArray || n.kind == Kind::kObject;
  uint32_t first = container ? index_ + 1 : n.subtree_end;
  return Children(ChildIterator(document_, first), ChildIterator(document_, n.subtree_end));
}

inline Value::ChildIterator& Value::ChildIterator::operator++() {
  index_ = document_->nodes_[index_].subtree_end;
  return *this;
}

struct ParseResult {
  Document document;
  // Errors with their position. When non-empty, `document` must not be used.
  std::vector<base::Issue> issues;
  bool ok() const { return issues.empty(); }
};

// Parses RFC 8259 JSON. Reports (as issues, never by crashing): syntax errors, invalid UTF-8,
// invalid escapes, unpaired surrogates, duplicate keys within one object, nesting deeper than
// `options.max_depth`, documents larger than `options.max_bytes`, and trailing content. Stops at
// the first syntax error; duplicate keys are all reported.
ParseResult Parse(std::string source, const ParseOptions& options = {});

// Returns `text` as a JSON string literal (with quotes), escaping what RFC 8259 requires.
std::string Quote(std::string_view text);
// Appends Quote(text) to `out`.
void AppendQuoted(std::string& out, std::string_view text);

// Computes the SourcePosition of byte `offset` in `source` (for errors found after parsing).
base::SourcePosition PositionAt(std::string_view source, size_t offset);

}  // namespace perimeter::json

#endif  // PERIMETER_JSON_DOCUMENT_H_
