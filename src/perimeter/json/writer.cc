#include "perimeter/json/writer.h"

#include <charconv>
#include <cmath>
#include <string_view>

namespace perimeter::json {

Writer& Writer::Double(double value) {
  if (!std::isfinite(value)) return Null();
  Separate();
  char buffer[32];
  std::to_chars_result result = std::to_chars(buffer, buffer + sizeof(buffer), value);
  std::string_view text(buffer, static_cast<size_t>(result.ptr - buffer));
  out_.append(text);
  // Without a fraction or exponent the reader would see an integer.
  if (text.find_first_of(".e") == std::string_view::npos) out_.append(".0");
  return *this;
}

Writer& Writer::Copy(const Value& value) {
  switch (value.kind()) {
    case Kind::kNull:
      return Null();
    case Kind::kBool:
      return Bool(value.boolean());
    case Kind::kNumber:
      return Number(value.text());
    case Kind::kString:
      return String(value.text());
    case Kind::kArray:
      BeginArray();
      for (const Value& element : value.children()) Copy(element);
      return EndArray();
    case Kind::kObject:
      BeginObject();
      for (const Value& member : value.members()) Key(member.key()).Copy(member);
      return EndObject();
  }
  return *this;
}

}  // namespace perimeter::json
