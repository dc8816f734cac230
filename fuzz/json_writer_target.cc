#include <string>
#include <string_view>

#include "fuzz/fuzz_targets.h"
#include "perimeter/json/document.h"
#include "perimeter/json/writer.h"

namespace perimeter::fuzz {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Whether `text` is valid UTF-8, asked of the parser (not of the writer under test): the bytes as
// the content of a string literal, with only the characters JSON requires escaped given as \u.
bool ParserAcceptsAsUtf8(std::string_view text) {
  std::string literal = "\"";
  for (char c : text) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || c == '"' || c == '\\') {
      static constexpr char kHex[] = "0123456789abcdef";
      literal += "\\u00";
      literal += kHex[u >> 4];
      literal += kHex[u & 0xF];
    } else {
      literal += c;
    }
  }
  literal += '"';
  return json::Parse(std::move(literal)).ok();
}

}  // namespace

// Property: any bytes written as a key and as a string value (compact and pretty) parse back; valid
// UTF-8 comes back unchanged, invalid UTF-8 comes back valid with U+FFFD in place of the bad bytes,
// and writing what came back gives it back again.
int FuzzJsonWriter(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  const bool valid = ParserAcceptsAsUtf8(input);
  std::string first_result;
  for (int indent : {-1, 2}) {
    json::Writer writer(json::WriterOptions{.indent = indent});
    writer.BeginObject().Key(input).BeginArray().String(input).EndArray().EndObject();
    json::ParseResult parsed = json::Parse(std::move(writer).Take());
    FuzzCheck(parsed.ok(), "the writer's output parses");
    json::Value member = *parsed.document.root().members().begin();
    FuzzCheck(member.key() == member.children().begin().operator*().text(), "key and value agree");
    std::string_view text = member.key();
    if (valid) {
      FuzzCheck(text == input, "valid UTF-8 comes back unchanged");
    } else {
      FuzzCheck(text.find(kReplacement) != std::string_view::npos,
                "invalid UTF-8 is replaced by U+FFFD");
      FuzzCheck(text.size() <= 3 * input.size(), "at most one U+FFFD per input byte");
    }
    if (indent < 0) {
      first_result = std::string(text);
    } else {
      FuzzCheck(text == first_result, "pretty and compact give the same string");
    }
  }
  std::string quoted;
  json::AppendQuotedValidUtf8(quoted, first_result);
  json::ParseResult again = json::Parse(std::move(quoted));
  FuzzCheck(again.ok() && again.document.root().text() == first_result,
            "written again, the same string");
  return 0;
}

}  // namespace perimeter::fuzz
