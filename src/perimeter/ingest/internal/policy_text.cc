#include "perimeter/ingest/internal/policy_text.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "perimeter/json/document.h"
#include "perimeter/resources/policy_positions.h"

namespace perimeter::ingest::internal {
namespace {

// The position of byte `offset` of `source`, walking from `from` (a position at or before it).
base::SourcePosition Advance(std::string_view source, base::SourcePosition from, size_t offset) {
  offset = std::min(offset, source.size());
  for (size_t i = from.offset; i < offset; ++i) {
    if (source[i] == '\n') {
      ++from.line;
      from.column = 1;
    } else {
      ++from.column;
    }
  }
  from.offset = static_cast<uint32_t>(std::max<size_t>(offset, from.offset));
  return from;
}

// One token of the serialised policy, [begin, end) in the JSON text, and how its bytes map to the
// file.
struct Anchor {
  enum class Mode {
    kClamp,    // every byte: `position`
    kPlain,    // an unquoted scalar: the opening quote and the first byte at `position`
    kQuoted,   // written quoted (or a verbatim number) the same way: byte i at position + i
    kLiteral,  // a JSON string literal with escapes: through `literal`
    kOrigins,  // a string an intrinsic function built: byte i of the value at origins[i]
  };
  uint32_t begin = 0, end = 0;
  Mode mode = Mode::kClamp;
  base::SourcePosition position;
  std::string literal;
  std::vector<uint32_t> origins;
};

class Serializer {
 public:
  explicit Serializer(std::string_view source) : source_(source) {}

  void Node(const SourceNode& node) {
    switch (node.kind) {
      case NodeKind::kNull:
        Token("null", node.position, {}, false);
        return;
      case NodeKind::kBool:
      case NodeKind::kNumber:
        Token(node.text, node.position, {}, false);
        return;
      case NodeKind::kString:
        Token(json::Quote(node.text), node.position, node.text, true, node.literal, &node.origins);
        return;
      case NodeKind::kSequence: {
        Open('[', node.position);
        bool first = true;
        for (const SourceNode& child : node.children) {
          if (!first) out_ += ',';
          first = false;
          Node(child);
        }
        out_ += ']';
        return;
      }
      case NodeKind::kMapping: {
        Open('{', node.position);
        bool first = true;
        for (const SourceNode& child : node.children) {
          if (!first) out_ += ',';
          first = false;
          Token(json::Quote(child.key), child.key_position, child.key, true);
          out_ += ':';
          Node(child);
        }
        out_ += '}';
        return;
      }
    }
  }

  std::string TakeJson() { return std::move(out_); }
  std::vector<Anchor> TakeAnchors() { return std::move(anchors_); }

 private:
  void Open(char bracket, base::SourcePosition position) {
    anchors_.push_back(Anchor{static_cast<uint32_t>(out_.size()),
                              static_cast<uint32_t>(out_.size() + 1),
                              Anchor::Mode::kClamp,
                              position,
                              {}});
    out_ += bracket;
  }

  // `serialised` is appended; `value` is the text the file should hold at `position` (a string's
  // value when `is_string`, else the token itself).
  void Token(std::string_view serialised, base::SourcePosition position, std::string_view value,
             bool is_string, std::string_view literal = {},
             const std::vector<uint32_t>* origins = nullptr) {
    Anchor anchor{static_cast<uint32_t>(out_.size()),
                  static_cast<uint32_t>(out_.size() + serialised.size()),
                  Anchor::Mode::kClamp,
                  position,
                  {}};
    if (!is_string) value = serialised;
    size_t at = position.offset;
    bool escaped = is_string && serialised.size() != value.size() + 2;
    if (origins != nullptr && !origins->empty() && !escaped) {
      anchor.mode = Anchor::Mode::kOrigins;
      anchor.origins = *origins;
    } else if (!literal.empty()) {
      anchor.mode = Anchor::Mode::kLiteral;
      anchor.literal = std::string(literal);
    } else if (!escaped && at < source_.size()) {
      bool quoted = is_string && (source_[at] == '"' || source_[at] == '\'');
      if (quoted && source_.substr(at + 1, value.size()) == value) {
        anchor.mode = Anchor::Mode::kQuoted;
      } else if (!quoted && source_.substr(at, value.size()) == value) {
        anchor.mode = is_string ? Anchor::Mode::kPlain : Anchor::Mode::kQuoted;
      }
    }
    anchors_.push_back(std::move(anchor));
    out_ += serialised;
  }

  std::string_view source_;
  std::string out_;
  std::vector<Anchor> anchors_;
};

base::SourcePosition LocateInAnchor(std::string_view source, const Anchor& anchor,
                                    uint32_t offset) {
  uint32_t last = anchor.end - anchor.begin - 1;  // the token's last byte
  uint32_t i = std::min(offset - anchor.begin, last);
  switch (anchor.mode) {
    case Anchor::Mode::kClamp:
      return anchor.position;
    case Anchor::Mode::kPlain:
      // The quotes are not written: the opening one is the first character of the text.
      // The closing quote is the last character, so that a span's end (one past the character
      // before it) is one past the text.
      return Advance(source, anchor.position,
                     anchor.position.offset + (i == 0 || last < 2 ? 0 : std::min(i - 1, last - 2)));
    case Anchor::Mode::kQuoted:
      return Advance(source, anchor.position, anchor.position.offset + i);
    case Anchor::Mode::kLiteral:
      return i == 0 ? anchor.position
                    : resources::LocateInStringLiteral(anchor.literal, anchor.position, i - 1);
    case Anchor::Mode::kOrigins:
      // A span from the opening quote is about the whole value, which the function built: the
      // function. The closing quote is just past the last byte's place (a span's end).
      if (i == 0) return anchor.position;
      if (i - 1 >= anchor.origins.size())
        return json::PositionAt(source, anchor.origins.back() + 1);
      return json::PositionAt(source, anchor.origins[i - 1]);
  }
  return anchor.position;
}

}  // namespace

PolicyText MappingPolicyText(const SourceNode& node, std::shared_ptr<const std::string> source) {
  Serializer serializer(*source);
  serializer.Node(node);
  PolicyText out;
  out.json = serializer.TakeJson();
  auto anchors = std::make_shared<const std::vector<Anchor>>(serializer.TakeAnchors());
  base::SourcePosition start = node.position;
  out.locate = [anchors, source, start](uint32_t offset) {
    // The last token starting at or before `offset`; between tokens (punctuation), its last byte.
    auto it = std::upper_bound(anchors->begin(), anchors->end(), offset,
                               [](uint32_t o, const Anchor& a) { return o < a.begin; });
    if (it == anchors->begin()) return start;
    return LocateInAnchor(*source, *std::prev(it), offset);
  };
  return out;
}

std::optional<std::vector<uint32_t>> YamlScalarRawOffsets(std::string_view source,
                                                          const SourceNode& node) {
  size_t raw = node.position.offset;
  if (raw >= source.size()) return std::nullopt;
  // A tagged scalar (`!Sub |`, `!!str "..."`) starts at its tag: the value follows the tag.
  if (source[raw] == '!') {
    while (raw < source.size() && source[raw] != ' ' && source[raw] != '\t' && source[raw] != '\n')
      ++raw;
    while (raw < source.size() && (source[raw] == ' ' || source[raw] == '\t')) ++raw;
    if (raw >= source.size()) return std::nullopt;
  }
  if (source[raw] == '|' || source[raw] == '>') {
    raw = source.find('\n', raw);
    if (raw == std::string_view::npos) return std::nullopt;
  }
  std::vector<uint32_t> raw_offsets;
  raw_offsets.reserve(node.text.size());
  for (char c : node.text) {
    while (raw < source.size() && source[raw] != c && !(c == ' ' && source[raw] == '\n')) {
      if (std::string_view(" \t\r\n\\'\"").find(source[raw]) == std::string_view::npos)
        return std::nullopt;
      ++raw;
    }
    if (raw >= source.size()) return std::nullopt;
    raw_offsets.push_back(static_cast<uint32_t>(raw++));
  }
  return raw_offsets;
}

PolicyText StringPolicyText(const SourceNode& node, std::shared_ptr<const std::string> source) {
  if (!node.literal.empty()) return LiteralPolicyText(node.text, node.literal, node.position);
  PolicyText out;
  out.json = node.text;
  base::SourcePosition start = node.position;
  if (!node.origins
           .empty()) {  // a policy an intrinsic function built: each byte where it came from
    auto origins = std::make_shared<const std::vector<uint32_t>>(node.origins);
    out.locate = [origins, source](uint32_t offset) {
      bool past = offset >= origins->size();
      return json::PositionAt(*source, past ? origins->back() + 1 : (*origins)[offset]);
    };
    return out;
  }
  std::optional<std::vector<uint32_t>> raw = YamlScalarRawOffsets(*source, node);
  if (!raw.has_value() || raw->empty()) {
    out.locate = [start](uint32_t) { return start; };
    return out;
  }
  auto offsets = std::make_shared<const std::vector<uint32_t>>(std::move(*raw));
  out.locate = [offsets, source, start](uint32_t offset) {
    bool past = offset >= offsets->size();
    uint32_t raw_offset = past ? offsets->back() + 1 : (*offsets)[offset];
    return Advance(*source, start, raw_offset);
  };
  return out;
}

PolicyText LiteralPolicyText(std::string_view text, std::string_view literal,
                             base::SourcePosition position) {
  PolicyText out;
  out.json = std::string(text);
  out.locate = [literal = std::string(literal), position](uint32_t offset) {
    return resources::LocateInStringLiteral(literal, position, offset);
  };
  return out;
}

std::optional<std::vector<uint32_t>> StringByteOffsets(std::string_view source,
                                                       const SourceNode& node) {
  if (!node.is_string()) return std::nullopt;
  if (!node.origins.empty()) return node.origins;
  if (!node.literal.empty()) {
    std::vector<uint32_t> offsets;
    offsets.reserve(node.text.size());
    for (uint32_t i = 0; i < node.text.size(); ++i)
      offsets.push_back(resources::LocateInStringLiteral(node.literal, node.position, i).offset);
    return offsets;
  }
  return YamlScalarRawOffsets(source, node);
}

}  // namespace perimeter::ingest::internal
