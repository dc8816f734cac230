#include "perimeter/base/utf8.h"

namespace perimeter::base {

size_t Utf8IllFormedLength(std::string_view text, size_t i) {
  unsigned char c = static_cast<unsigned char>(text[i]);
  size_t length = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
  if (length == 0 || c < 0xC2 || c > 0xF4) return 1;
  size_t k = 1;
  for (; k < length && i + k < text.size(); ++k) {
    unsigned char d = static_cast<unsigned char>(text[i + k]);
    unsigned char low = 0x80, high = 0xBF;
    if (k == 1 && c == 0xE0) low = 0xA0;
    if (k == 1 && c == 0xED) high = 0x9F;
    if (k == 1 && c == 0xF0) low = 0x90;
    if (k == 1 && c == 0xF4) high = 0x8F;
    if (d < low || d > high) break;
  }
  return k;
}

std::string ValidUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      out.push_back(text[i++]);
    } else if (size_t length = Utf8SequenceLength(text, i); length > 0) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out.append(kReplacementCharacter);
      i += Utf8IllFormedLength(text, i);
    }
  }
  return out;
}

}  // namespace perimeter::base
