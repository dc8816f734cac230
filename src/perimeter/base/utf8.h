// UTF-8 validity (RFC 3629) and the replacement of ill-formed bytes by U+FFFD, for every output
// that must be text whatever bytes its inputs hold: the JSON writer (json::AppendQuotedValidUtf8),
// the table and CSV reports (a file name or a policy value may hold any bytes).
#ifndef PERIMETER_BASE_UTF8_H_
#define PERIMETER_BASE_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace perimeter::base {

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

// The length of the well-formed UTF-8 sequence starting at text[i], or 0 when the bytes there are
// not one (RFC 3629 §4: no overlong forms, no surrogates, nothing above U+10FFFF).
// REQUIRES: i < text.size() and text[i] is not ASCII.
inline size_t Utf8SequenceLength(std::string_view text, size_t i) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  size_t length = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || c < 0xC2 || c > 0xF4 || i + length > text.size()) {
    // Not a lead byte, or cut short by the end of the text.
    return 0;
  }
  unsigned char d = static_cast<unsigned char>(text[i + 1]);
  unsigned char low = 0x80, high = 0xBF;
  if (c == 0xE0) low = 0xA0;
  if (c == 0xED) high = 0x9F;
  if (c == 0xF0) low = 0x90;
  if (c == 0xF4) high = 0x8F;
  if (d < low || d > high) return 0;
  for (size_t k = 2; k < length; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
  }
  return length;
}

// The length of the maximal subpart of an ill-formed sequence at text[i] (Unicode §3.9 D93b): the
// lead byte and the continuation bytes that could still have completed it; at least 1. One U+FFFD
// replaces each such subpart (Unicode §3.9, "U+FFFD Substitution of Maximal Subparts").
// REQUIRES: i < text.size() and Utf8SequenceLength(text, i) == 0.
size_t Utf8IllFormedLength(std::string_view text, size_t i);

// `text` with each maximal ill-formed subsequence replaced by U+FFFD: valid UTF-8 is returned as it
// is.
std::string ValidUtf8(std::string_view text);

}  // namespace perimeter::base

#endif  // PERIMETER_BASE_UTF8_H_
