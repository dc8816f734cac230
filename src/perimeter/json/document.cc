#include "perimeter/json/document.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "perimeter/base/utf8.h"
#include "perimeter/json/writer.h"

namespace perimeter::json {

std::string_view KindName(Kind kind) {
  switch (kind) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return "boolean";
    case Kind::kNumber:
      return "number";
    case Kind::kString:
      return "string";
    case Kind::kArray:
      return "array";
    case Kind::kObject:
      return "object";
  }
  return "value";
}

std::optional<Value> Value::Find(std::string_view key) const {
  if (!is_object()) return std::nullopt;
  for (Value member : members()) {
    if (member.key() == key) return member;
  }
  return std::nullopt;
}

std::string_view Value::source_text() const {
  const internal::Node& n = node();
  return std::string_view(*document_->source_)
      .substr(n.position.offset, n.end_offset - n.position.offset);
}

namespace {

// A spare node tape per thread. Documents are mostly parsed and dropped one after another (a policy
// is parsed into its model and its document discarded), so the tape of the last one is kept for the
// next: parsing then allocates no tape, and avoids glibc's path for large requests, which
// consolidates its free lists first. Tapes of more than kMaxSpareNodes nodes are simply freed.
constexpr size_t kMaxSpareNodes = size_t{1} << 14;

struct SpareTape {
  std::vector<internal::Node> nodes;  // always empty (size 0); only its capacity is kept
  ~SpareTape();
};
// Trivially destructible, so it can still be read while the thread's objects are destroyed: a
// document destroyed after the SpareTape (at thread exit, or a static one) frees its own tape.
thread_local bool spare_tape_alive = true;
thread_local SpareTape spare_tape;
SpareTape::~SpareTape() { spare_tape_alive = false; }

}  // namespace

Document::~Document() {
  if (!spare_tape_alive || nodes_.capacity() > kMaxSpareNodes) return;
  std::vector<internal::Node>& spare = spare_tape.nodes;
  if (nodes_.capacity() <= spare.capacity()) return;
  nodes_.clear();
  spare.swap(nodes_);
}

base::SourcePosition PositionAt(std::string_view source, size_t offset) {
  offset = std::min(offset, source.size());
  base::SourcePosition position;
  size_t line_start = 0;
  uint32_t line = 1;
  for (size_t i = 0; i < offset; ++i) {
    if (source[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  position.line = line;
  position.column = static_cast<uint32_t>(offset - line_start + 1);
  position.offset = static_cast<uint32_t>(offset);
  return position;
}

namespace {

// AppendQuoted, with bytes that are not UTF-8 copied (`replace` false) or replaced by U+FFFD.
void AppendQuotedString(std::string& out, std::string_view text, bool replace) {
  out.push_back('"');
  // Runs of characters that need no escape are appended at once.
  size_t run = 0;
  size_t i = 0;
  while (i < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      if (!replace) {
        ++i;
        continue;
      }
      if (size_t length = base::Utf8SequenceLength(text, i); length > 0) {
        i += length;
        continue;
      }
      out.append(text.data() + run, i - run);
      out.append(base::kReplacementCharacter);
      i += base::Utf8IllFormedLength(text, i);
      run = i;
      continue;
    }
    out.append(text.data() + run, i - run);
    run = ++i;
    switch (c) {
      case '"':
        out.append("\\\"");
        break;
      case '\\':
        out.append("\\\\");
        break;
      case '\n':
        out.append("\\n");
        break;
      case '\r':
        out.append("\\r");
        break;
      case '\t':
        out.append("\\t");
        break;
      default: {
        static constexpr char kHex[] = "0123456789abcdef";
        out.append("\\u00");
        out.push_back(kHex[(c >> 4) & 0xF]);
        out.push_back(kHex[c & 0xF]);
      }
    }
  }
  out.append(text.data() + run, text.size() - run);
  out.push_back('"');
}

}  // namespace

void AppendQuoted(std::string& out, std::string_view text) {
  AppendQuotedString(out, text, /*replace=*/false);
}

void AppendQuotedValidUtf8(std::string& out, std::string_view text) {
  AppendQuotedString(out, text, /*replace=*/true);
}

std::string Quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  AppendQuoted(out, text);
  return out;
}

// Recursive-descent parser over the source, writing the node tape. The recursion depth is bounded
// by ParseOptions::max_depth, which is checked before descending.
class Parser {
 public:
  static void ParseInto(Document& document, std::string source, const ParseOptions& options,
                        std::vector<base::Issue>& issues) {
    *document.source_ = std::move(source);
    Parser(document, options, issues).Run();
  }

 private:
  Parser(Document& document, const ParseOptions& options, std::vector<base::Issue>& issues)
      : document_(document),
        options_(options),
        issues_(issues),
        source_(*document.source_),
        data_(source_.data()),
        size_(source_.size()) {}

  void Run() {
    if (size_ > options_.max_bytes) {
      Fail(0, "json.too-large",
           "document is " + std::to_string(size_) + " bytes, more than the limit of " +
               std::to_string(options_.max_bytes));
      return;
    }
    if (size_ >= UINT32_MAX) {
      Fail(0, "json.too-large", "document is larger than 4 GiB");
      return;
    }
    const size_t expected_nodes = size_ / 16 + 4;
    if (spare_tape_alive && spare_tape.nodes.capacity() >= expected_nodes) {
      document_.nodes_.swap(spare_tape.nodes);  // the document's own tape is empty: nothing is lost
    } else {
      document_.nodes_.reserve(expected_nodes);
    }
    // Skip a UTF-8 byte order mark, as some editors write one.
    if (size_ >= 3 && std::memcmp(data_, "\xEF\xBB\xBF", 3) == 0) {
      pos_ = 3;
      line_start_ = 3;
    }
    SkipWhitespace();
    if (pos_ >= size_) {
      Fail(pos_, "json.empty", "empty document: expected a JSON value");
      return;
    }
    if (!ParseValue(0, {}, {})) return;
    SkipWhitespace();
    if (pos_ < size_) {
      Fail(pos_, "json.trailing", "unexpected content after the JSON value");
      return;
    }
  }

  base::SourcePosition Here() const {
    base::SourcePosition p;
    p.line = line_;
    p.column = static_cast<uint32_t>(pos_ - line_start_ + 1);
    p.offset = static_cast<uint32_t>(pos_);
    return p;
  }

  // Errors are out of line and their messages built there, so that the parsing paths stay small.
  [[gnu::cold]] [[gnu::noinline]] bool Fail(size_t at, std::string_view code, std::string message) {
    base::Issue issue;
    issue.severity = base::Severity::kError;
    issue.code = std::string(code);
    // Errors occur on the current line except for the size check, at offset 0.
    issue.position.line = line_;
    issue.position.column = static_cast<uint32_t>(at >= line_start_ ? at - line_start_ + 1 : 1);
    issue.position.offset = static_cast<uint32_t>(at);
    issue.message = std::move(message);
    issues_.push_back(std::move(issue));
    failed_ = true;
    return false;
  }
  [[gnu::cold]] [[gnu::noinline]] bool Fail(size_t at, std::string_view code, const char* message) {
    return Fail(at, code, std::string(message));
  }
  // "unexpected 'x': expected ..." about the byte at pos_, or "unexpected end of document:
  // <at_end>".
  [[gnu::cold]] [[gnu::noinline]] bool FailUnexpected(std::string_view expected,
                                                      std::string_view at_end = {}) {
    if (pos_ >= size_) {
      return Fail(pos_, "json.unexpected-character",
                  "unexpected end of document: " + std::string(at_end));
    }
    return Fail(pos_, "json.unexpected-character",
                "unexpected " + Describe(data_[pos_]) + ": " + std::string(expected));
  }

  void SkipWhitespace() {
    while (pos_ < size_) {
      char c = data_[pos_];
      if (static_cast<unsigned char>(c) > ' ') return;  // the usual case: a token follows at once
      if (c == ' ' || c == '\t' || c == '\r') {
        ++pos_;
      } else if (c == '\n') {
        ++pos_;
        ++line_;
        line_start_ = pos_;
      } else {
        break;
      }
    }
  }

  static std::string Describe(char c) {
    if (c == '\0') return "NUL byte";
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) {
      static constexpr char kHex[] = "0123456789ABCDEF";
      std::string out = "byte 0x";
      out.push_back(kHex[(static_cast<unsigned char>(c) >> 4) & 0xF]);
      out.push_back(kHex[c & 0xF]);
      return out;
    }
    return std::string("'") + c + "'";
  }

  uint32_t NewNode(Kind kind, std::string_view key, const base::SourcePosition& key_position) {
    internal::Node& node = document_.nodes_.emplace_back();
    node.kind = kind;
    node.position = Here();
    node.key = key;
    node.key_position = key_position;
    return static_cast<uint32_t>(document_.nodes_.size() - 1);
  }

  bool ParseValue(uint32_t depth, std::string_view key, base::SourcePosition key_position) {
    if (pos_ >= size_)
      return Fail(pos_, "json.unexpected-end", "unexpected end of document: expected a value");
    char c = data_[pos_];
    switch (c) {
      case '{':
        return ParseObject(depth, key, key_position);
      case '[':
        return ParseArray(depth, key, key_position);
      case '"':
        return ParseStringValue(key, key_position);
      case 't':
      case 'f':
      case 'n':
        return ParseLiteral(key, key_position);
      default:
        if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(key, key_position);
        return FailUnexpected("expected a value");
    }
  }

  // A string value at pos_ (on its opening quote). Out of line, like every kind of value, so that
  // ParseValue is a small dispatcher that jumps to them.
  [[gnu::noinline]] bool ParseStringValue(std::string_view key, base::SourcePosition key_position) {
    const base::SourcePosition position = Here();
    std::string_view text;
    if (!ParseString(text)) return false;  // the document is discarded: no node needed
    auto& nodes = document_.nodes_;
    const uint32_t index = static_cast<uint32_t>(nodes.size());
    internal::Node& node = nodes.emplace_back();
    node.kind = Kind::kString;
    node.position = position;
    node.key = key;
    node.key_position = key_position;
    node.text = text;
    node.subtree_end = index + 1;
    node.end_offset = static_cast<uint32_t>(pos_);
    return true;
  }

  [[gnu::noinline]] bool ParseLiteral(std::string_view key, base::SourcePosition key_position) {
    struct Literal {
      std::string_view text;
      Kind kind;
      bool value;
    };
    static constexpr Literal kLiterals[] = {
        {"true", Kind::kBool, true}, {"false", Kind::kBool, false}, {"null", Kind::kNull, false}};
    for (const Literal& literal : kLiterals) {
      if (source_.compare(pos_, literal.text.size(), literal.text) == 0) {
        uint32_t index = NewNode(literal.kind, key, key_position);
        internal::Node& node = document_.nodes_[index];
        node.boolean = literal.value;
        node.subtree_end = index + 1;
        pos_ += literal.text.size();
        node.end_offset = static_cast<uint32_t>(pos_);
        return true;
      }
    }
    return FailUnexpected("expected a value (true, false or null)");
  }

  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

  [[gnu::noinline]] bool ParseNumber(std::string_view key, base::SourcePosition key_position) {
    uint32_t index = NewNode(Kind::kNumber, key, key_position);
    size_t start = pos_;
    if (data_[pos_] == '-') ++pos_;
    if (pos_ >= size_ || !IsDigit(data_[pos_])) {
      return Fail(pos_, "json.invalid-number", "invalid number: expected a digit");
    }
    if (data_[pos_] == '0') {
      ++pos_;
      if (pos_ < size_ && IsDigit(data_[pos_])) {
        return Fail(pos_, "json.invalid-number", "invalid number: leading zeros are not allowed");
      }
    } else {
      while (pos_ < size_ && IsDigit(data_[pos_])) ++pos_;
    }
    if (pos_ < size_ && data_[pos_] == '.') {
      ++pos_;
      if (pos_ >= size_ || !IsDigit(data_[pos_])) {
        return Fail(pos_, "json.invalid-number", "invalid number: expected a digit after '.'");
      }
      while (pos_ < size_ && IsDigit(data_[pos_])) ++pos_;
    }
    if (pos_ < size_ && (data_[pos_] == 'e' || data_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < size_ && (data_[pos_] == '+' || data_[pos_] == '-')) ++pos_;
      if (pos_ >= size_ || !IsDigit(data_[pos_])) {
        return Fail(pos_, "json.invalid-number",
                    "invalid number: expected a digit in the exponent");
      }
      while (pos_ < size_ && IsDigit(data_[pos_])) ++pos_;
    }
    internal::Node& node = document_.nodes_[index];
    node.text = source_.substr(start, pos_ - start);
    node.subtree_end = index + 1;
    node.end_offset = static_cast<uint32_t>(pos_);
    return true;
  }

  // Reads 4 hex digits at pos_. Returns -1 when they are not hex digits.
  int ReadHex4() {
    if (size_ - pos_ < 4) return -1;
    int value = 0;
    for (int i = 0; i < 4; ++i) {
      char c = data_[pos_ + i];
      int digit;
      if (c >= '0' && c <= '9') {
        digit = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        digit = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        digit = c - 'A' + 10;
      } else {
        return -1;
      }
      value = value * 16 + digit;
    }
    pos_ += 4;
    return value;
  }

  static void AppendUtf8(std::string& out, uint32_t code_point) {
    if (code_point < 0x80) {
      out.push_back(static_cast<char>(code_point));
    } else if (code_point < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
      out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else if (code_point < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
      out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
      out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    }
  }

  // Validates one UTF-8 sequence starting at pos_ (whose first byte is >= 0x80) and advances past
  // it.
  bool SkipUtf8Sequence() {
    auto byte = [&](size_t i) { return static_cast<unsigned char>(data_[i]); };
    unsigned char b0 = byte(pos_);
    size_t length;
    uint32_t min_code_point;
    uint32_t code_point;
    if (b0 >= 0xC2 && b0 <= 0xDF) {
      length = 2;
      min_code_point = 0x80;
      code_point = b0 & 0x1F;
    } else if (b0 >= 0xE0 && b0 <= 0xEF) {
      length = 3;
      min_code_point = 0x800;
      code_point = b0 & 0x0F;
    } else if (b0 >= 0xF0 && b0 <= 0xF4) {
      length = 4;
      min_code_point = 0x10000;
      code_point = b0 & 0x07;
    } else {
      return Fail(pos_, "json.invalid-utf8", "invalid UTF-8 in string");
    }
    if (size_ - pos_ < length)
      return Fail(pos_, "json.invalid-utf8", "truncated UTF-8 sequence in string");
    for (size_t i = 1; i < length; ++i) {
      unsigned char b = byte(pos_ + i);
      if ((b & 0xC0) != 0x80) return Fail(pos_, "json.invalid-utf8", "invalid UTF-8 in string");
      code_point = (code_point << 6) | (b & 0x3F);
    }
    if (code_point < min_code_point || code_point > 0x10FFFF ||
        (code_point >= 0xD800 && code_point <= 0xDFFF)) {
      return Fail(pos_, "json.invalid-utf8", "invalid UTF-8 in string");
    }
    pos_ += length;
    return true;
  }

  // The first position at or after `at` whose byte ends the plain run of a string: a quote, a
  // backslash, a control character or a non-ASCII byte; size_ if none. Sixteen bytes at a time with
  // SSE2 (every x86-64 has it): as signed bytes, both control characters and non-ASCII bytes are
  // below 0x20. Then eight at a time: the bit tricks below flag, in each byte lane, a zero byte
  // (x ^ quote, x ^ backslash) or a byte below 0x20; a borrow can only flag lanes above a truly
  // flagged one, so the lowest flag is exact.
  size_t SkipPlainStringBytes(size_t at) const {
#if defined(__SSE2__)
    const __m128i quote16 = _mm_set1_epi8('"');
    const __m128i backslash16 = _mm_set1_epi8('\\');
    const __m128i space16 = _mm_set1_epi8(0x20);
    while (size_ - at >= 16) {
      __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data_ + at));
      __m128i stop =
          _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, quote16), _mm_cmpeq_epi8(x, backslash16)),
                       _mm_cmplt_epi8(x, space16));
      unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(stop));
      if (mask != 0) return at + static_cast<size_t>(std::countr_zero(mask));
      at += 16;
    }
#endif
    if constexpr (std::endian::native == std::endian::little) {
      constexpr uint64_t kOnes = 0x0101010101010101ULL;
      constexpr uint64_t kHigh = 0x8080808080808080ULL;
      while (size_ - at >= 8) {
        uint64_t x;
        std::memcpy(&x, data_ + at, 8);
        uint64_t quote = x ^ (kOnes * '"');
        uint64_t backslash = x ^ (kOnes * '\\');
        uint64_t flags = ((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) |
                         ((x - kOnes * 0x20) & ~x) | x;
        flags &= kHigh;
        if (flags != 0) return at + static_cast<size_t>(std::countr_zero(flags)) / 8;
        at += 8;
      }
    }
    while (at < size_) {
      unsigned char c = static_cast<unsigned char>(data_[at]);
      if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) return at;
      ++at;
    }
    return at;
  }

  // Parses a string literal at pos_ (on the opening quote). Sets `text` to the decoded content: a
  // view into the source when there are no escapes, otherwise into the document's decoded buffer.
  bool ParseString(std::string_view& text) {
    const size_t open = pos_;
    const size_t start = open + 1;
    // Fast path: scan until a quote, a backslash, a control character or a non-ASCII byte.
    size_t at = start;
    while (at < size_) {
      at = SkipPlainStringBytes(at);
      if (at >= size_) break;
      unsigned char c = static_cast<unsigned char>(data_[at]);
      if (c == '"') {
        text = std::string_view(data_ + start, at - start);
        pos_ = at + 1;
        return true;
      }
      if (c == '\\' || c < 0x20) break;
      // Otherwise c >= 0x80 (SkipPlainStringBytes stops at nothing else).
      pos_ = at;
      if (!SkipUtf8Sequence()) return false;
      at = pos_;
    }
    pos_ = at;
    return ParseEscapedString(open, start, text);
  }

  // The rest of ParseString from pos_, for a string with an escape or a control character (or an
  // unterminated one) that opened at `open` and whose content starts at `start`. Kept out of line
  // so that the common path stays small.
  [[gnu::noinline]] bool ParseEscapedString(size_t open, size_t start, std::string_view& text) {
    // Slow path: decode escapes into the document's buffer (which never reallocates: it is reserved
    // to the source size, and decoding never lengthens a string).
    if (document_.decoded_ == nullptr) {
      document_.decoded_ = std::make_unique<std::string>();
      document_.decoded_->reserve(size_);
    }
    std::string& out = *document_.decoded_;
    size_t out_start = out.size();
    out.append(data_ + start, pos_ - start);
    while (true) {
      if (pos_ >= size_) return Fail(open, "json.unterminated-string", "unterminated string");
      unsigned char c = static_cast<unsigned char>(data_[pos_]);
      if (c == '"') {
        ++pos_;
        break;
      }
      if (c < 0x20) {
        return Fail(
            pos_, "json.control-character",
            "control character " + Describe(static_cast<char>(c)) + " in string: escape it");
      }
      if (c >= 0x80) {
        size_t seq_start = pos_;
        if (!SkipUtf8Sequence()) return false;
        out.append(data_ + seq_start, pos_ - seq_start);
        continue;
      }
      if (c != '\\') {
        out.push_back(static_cast<char>(c));
        ++pos_;
        continue;
      }
      size_t escape_start = pos_;
      ++pos_;
      if (pos_ >= size_) return Fail(open, "json.unterminated-string", "unterminated string");
      char e = data_[pos_++];
      switch (e) {
        case '"':
          out.push_back('"');
          break;
        case '\\':
          out.push_back('\\');
          break;
        case '/':
          out.push_back('/');
          break;
        case 'b':
          out.push_back('\b');
          break;
        case 'f':
          out.push_back('\f');
          break;
        case 'n':
          out.push_back('\n');
          break;
        case 'r':
          out.push_back('\r');
          break;
        case 't':
          out.push_back('\t');
          break;
        case 'u': {
          int unit = ReadHex4();
          if (unit < 0)
            return Fail(escape_start, "json.invalid-escape",
                        "invalid \\u escape: expected 4 hex digits");
          uint32_t code_point = static_cast<uint32_t>(unit);
          if (unit >= 0xD800 && unit <= 0xDBFF) {
            if (size_ - pos_ < 6 || data_[pos_] != '\\' || data_[pos_ + 1] != 'u') {
              return Fail(escape_start, "json.invalid-escape",
                          "unpaired UTF-16 surrogate in \\u escape");
            }
            pos_ += 2;
            int low = ReadHex4();
            if (low < 0xDC00 || low > 0xDFFF) {
              return Fail(escape_start, "json.invalid-escape",
                          "unpaired UTF-16 surrogate in \\u escape");
            }
            code_point = 0x10000 + ((static_cast<uint32_t>(unit) - 0xD800) << 10) +
                         (static_cast<uint32_t>(low) - 0xDC00);
          } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
            return Fail(escape_start, "json.invalid-escape",
                        "unpaired UTF-16 surrogate in \\u escape");
          }
          AppendUtf8(out, code_point);
          break;
        }
        default:
          return Fail(escape_start, "json.invalid-escape",
                      "invalid escape '\\" + std::string(1, e) + "' in string");
      }
    }
    text = std::string_view(out).substr(out_start);
    return true;
  }

  bool CheckDepth(uint32_t depth) { return depth < options_.max_depth || FailTooDeep(); }
  [[gnu::cold]] [[gnu::noinline]] bool FailTooDeep() {
    return Fail(pos_, "json.too-deep",
                "nesting deeper than " + std::to_string(options_.max_depth) + " levels");
  }

  [[gnu::noinline]] bool ParseArray(uint32_t depth, std::string_view key,
                                    base::SourcePosition key_position) {
    if (!CheckDepth(depth)) return false;
    uint32_t index = NewNode(Kind::kArray, key, key_position);
    ++pos_;
    SkipWhitespace();
    uint32_t count = 0;
    if (pos_ < size_ && data_[pos_] == ']') {
      ++pos_;
    } else {
      while (true) {
        SkipWhitespace();
        if (!ParseValue(depth + 1, {}, {})) return false;
        ++count;
        SkipWhitespace();
        if (pos_ >= size_)
          return Fail(pos_, "json.unexpected-end",
                      "unexpected end of document: expected ',' or ']'");
        char c = data_[pos_];
        if (c == ',') {
          ++pos_;
          continue;
        }
        if (c == ']') {
          ++pos_;
          break;
        }
        return FailUnexpected("expected ',' or ']'");
      }
    }
    internal::Node& node = document_.nodes_[index];
    node.size = count;
    node.subtree_end = static_cast<uint32_t>(document_.nodes_.size());
    node.end_offset = static_cast<uint32_t>(pos_);
    return true;
  }

  [[gnu::noinline]] bool ParseObject(uint32_t depth, std::string_view key,
                                     base::SourcePosition key_position) {
    if (!CheckDepth(depth)) return false;
    uint32_t index = NewNode(Kind::kObject, key, key_position);
    ++pos_;
    SkipWhitespace();
    uint32_t count = 0;
    if (pos_ < size_ && data_[pos_] == '}') {
      ++pos_;
    } else {
      while (true) {
        SkipWhitespace();
        if (pos_ >= size_)
          return Fail(pos_, "json.unexpected-end", "unexpected end of document: expected a key");
        if (data_[pos_] != '"') {
          return FailUnexpected("expected a key in double quotes");
        }
        base::SourcePosition member_key_position = Here();
        std::string_view member_key;
        if (!ParseString(member_key)) return false;
        SkipWhitespace();
        if (pos_ >= size_ || data_[pos_] != ':') {
          return FailUnexpected("expected ':' after the key", "expected ':'");
        }
        ++pos_;
        SkipWhitespace();
        if (!ParseValue(depth + 1, member_key, member_key_position)) return false;
        ++count;
        SkipWhitespace();
        if (pos_ >= size_)
          return Fail(pos_, "json.unexpected-end",
                      "unexpected end of document: expected ',' or '}'");
        char c = data_[pos_];
        if (c == ',') {
          ++pos_;
          continue;
        }
        if (c == '}') {
          ++pos_;
          break;
        }
        return FailUnexpected("expected ',' or '}'");
      }
    }
    internal::Node& node = document_.nodes_[index];
    node.size = count;
    node.subtree_end = static_cast<uint32_t>(document_.nodes_.size());
    node.end_offset = static_cast<uint32_t>(pos_);
    ReportDuplicateKeys(index);
    return true;
  }

  // Reports every member of the object at node `object` whose key an earlier member has, naming the
  // nearest earlier one. Issues are sorted by position in Parse. REQUIRES: the object is complete.
  void ReportDuplicateKeys(uint32_t object) {
    const auto& nodes = document_.nodes_;
    const size_t count = nodes[object].size;
    if (count < 2) return;
    auto report = [&](const internal::Node& previous, const internal::Node& current) {
      base::Issue issue;
      issue.code = "json.duplicate-key";
      issue.position = current.key_position;
      issue.message = "duplicate key " + Quote(current.key) + " (first at " +
                      base::ToString(previous.key_position) + "): which one applies is ambiguous";
      issues_.push_back(std::move(issue));
    };
    // Objects are small (a policy statement has at most nine members): compare pairs, and only for
    // keys whose length and first byte match an earlier key's (one bit per such pair, hashed).
    constexpr size_t kPairwiseLimit = 16;
    const uint32_t first = object + 1;
    if (count <= kPairwiseLimit) {
      auto bit = [](std::string_view key) {
        return uint64_t{1} << ((key.size() * 7 +
                                (key.empty() ? 0 : static_cast<unsigned char>(key[0]))) &
                               63);
      };
      uint64_t seen = bit(nodes[first].key);
      for (uint32_t i = nodes[first].subtree_end; i < nodes[object].subtree_end;
           i = nodes[i].subtree_end) {
        const internal::Node& current = nodes[i];
        const uint64_t current_bit = bit(current.key);
        if ((seen & current_bit) == 0) {
          seen |= current_bit;
          continue;  // no earlier key has this length and first byte
        }
        const internal::Node* previous = nullptr;
        for (uint32_t j = first; j < i; j = nodes[j].subtree_end) {
          if (nodes[j].key == current.key) previous = &nodes[j];  // the nearest one is found last
        }
        if (previous != nullptr) report(*previous, current);
      }
      return;
    }
    // Larger objects: sort by key, keeping document order among equal keys.
    std::vector<uint32_t> sorted;
    sorted.reserve(count);
    for (uint32_t i = first; i < nodes[object].subtree_end; i = nodes[i].subtree_end)
      sorted.push_back(i);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [&](uint32_t a, uint32_t b) { return nodes[a].key < nodes[b].key; });
    for (size_t i = 1; i < sorted.size(); ++i) {
      if (nodes[sorted[i - 1]].key == nodes[sorted[i]].key)
        report(nodes[sorted[i - 1]], nodes[sorted[i]]);
    }
  }

  Document& document_;
  const ParseOptions& options_;
  std::vector<base::Issue>& issues_;
  std::string_view source_;
  const char* data_;
  size_t size_;
  size_t pos_ = 0;
  size_t line_start_ = 0;
  uint32_t line_ = 1;
  bool failed_ = false;
};

ParseResult Parse(std::string source, const ParseOptions& options) {
  ParseResult result;
  Parser::ParseInto(result.document, std::move(source), options, result.issues);
  if (!result.issues.empty()) {
    std::stable_sort(result.issues.begin(), result.issues.end(),
                     [](const base::Issue& a, const base::Issue& b) {
                       return a.position.offset < b.position.offset;
                     });
  }
  return result;
}

}  // namespace perimeter::json
