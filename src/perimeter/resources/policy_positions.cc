#include "perimeter/resources/policy_positions.h"

#include <functional>
#include <optional>
#include <string>

namespace perimeter::resources {
namespace {

// The value of a hex digit, or -1.
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The value of the 4 hex digits at `at`, or -1.
int32_t Hex4(std::string_view text, size_t at) {
  if (at + 4 > text.size()) return -1;
  int32_t value = 0;
  for (size_t i = at; i < at + 4; ++i) {
    int digit = HexDigit(text[i]);
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

// The elements of the policy's Statement (an array, or one object), in document order.
std::vector<json::Value> StatementElements(const json::Value &policy) {
  std::vector<json::Value> out;
  if (!policy.is_object()) return out;
  std::optional<json::Value> statement = policy.Find("Statement");
  if (!statement.has_value()) return out;
  if (statement->is_object()) {
    out.push_back(*statement);
  } else if (statement->is_array()) {
    for (const json::Value &element : statement->children()) out.push_back(element);
  }
  return out;
}

}  // namespace

base::SourcePosition LocateInStringLiteral(std::string_view literal,
                                           const base::SourcePosition &literal_position,
                                           uint32_t decoded_offset) {
  size_t raw = 1;  // after the opening quote
  uint32_t decoded = 0;
  const size_t last = literal.empty() ? 0 : literal.size() - 1;  // the closing quote
  while (raw < last && decoded < decoded_offset) {
    if (literal[raw] != '\\' || raw + 1 >= last) {
      raw += 1;
      decoded += 1;
      continue;
    }
    if (literal[raw + 1] != 'u') {
      raw += 2;
      decoded += 1;
      continue;
    }
    int32_t unit = Hex4(literal, raw + 2);
    bool pair = unit >= 0xD800 && unit <= 0xDBFF && raw + 12 <= last && literal[raw + 6] == '\\' &&
                literal[raw + 7] == 'u';
    if (pair) {
      raw += 12;
      decoded += 4;
    } else {
      raw += 6;
      decoded += unit >= 0 && unit < 0x80 ? 1 : unit >= 0 && unit < 0x800 ? 2 : 3;
    }
  }
  if (raw > last) raw = last;
  base::SourcePosition out = literal_position;
  out.column += static_cast<uint32_t>(raw);
  out.offset += static_cast<uint32_t>(raw);
  return out;
}

std::optional<PercentDecoded> PercentDecode(std::string_view text) {
  PercentDecoded out;
  out.text.reserve(text.size());
  out.raw_offsets.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    out.raw_offsets.push_back(static_cast<uint32_t>(i));
    if (text[i] != '%') {
      out.text.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    int high = HexDigit(text[i + 1]), low = HexDigit(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.text.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

std::vector<base::SourcePosition> PolicyStatementPositions(const json::Value &policy) {
  std::vector<base::SourcePosition> out;
  if (policy.is_object()) {
    for (const json::Value &element : StatementElements(policy)) out.push_back(element.position());
    return out;
  }
  if (!policy.is_string()) return out;
  return PolicyStatementPositionsInLiteral(policy.text(), policy.source_text(), policy.position());
}

std::vector<base::SourcePosition> PolicyStatementPositionsIn(
    std::string_view text, const std::function<base::SourcePosition(uint32_t)> &locate) {
  std::vector<base::SourcePosition> out;
  json::ParseResult parsed = json::Parse(std::string(text));
  if (parsed.ok()) {
    for (const json::Value &element : StatementElements(parsed.document.root())) {
      out.push_back(locate(element.position().offset));
    }
    return out;
  }
  // URL-encoded JSON (IAM's API): decoded offsets map back through the %XX escapes first.
  std::optional<PercentDecoded> decoded = PercentDecode(text);
  if (!decoded.has_value()) return out;
  json::ParseResult reparsed = json::Parse(decoded->text);
  if (!reparsed.ok()) return out;
  for (const json::Value &element : StatementElements(reparsed.document.root())) {
    uint32_t offset = element.position().offset;
    if (offset >= decoded->raw_offsets.size()) continue;
    out.push_back(locate(decoded->raw_offsets[offset]));
  }
  return out;
}

std::vector<base::SourcePosition> PolicyStatementPositionsInLiteral(
    std::string_view text, std::string_view literal, const base::SourcePosition &literal_position) {
  return PolicyStatementPositionsIn(text, [&](uint32_t offset) {
    return LocateInStringLiteral(literal, literal_position, offset);
  });
}

}  // namespace perimeter::resources
