#include <string>

#include "fuzz/fuzz_targets.h"
#include "perimeter/json/document.h"

namespace perimeter::fuzz {
namespace {

// Walks the tree checking that every position lies inside the source and that sizes agree.
void CheckValue(const json::Value& value, std::string_view source, uint32_t depth) {
  FuzzCheck(depth <= 64, "depth bounded by max_depth");
  FuzzCheck(value.position().offset < source.size(), "value position inside the source");
  std::string_view text = value.source_text();
  FuzzCheck(!text.empty(), "every value has source text");
  size_t count = 0;
  for (json::Value child : value.children()) {
    CheckValue(child, source, depth + 1);
    if (value.is_object()) {
      FuzzCheck(child.key_position().offset < child.position().offset, "key before its value");
      FuzzCheck(value.Find(child.key()).has_value(), "every key can be found");
    }
    ++count;
  }
  FuzzCheck(count == value.size(), "size() counts the children");
}

}  // namespace

int FuzzJsonDocument(const uint8_t* data, size_t size) {
  std::string source(reinterpret_cast<const char*>(data), size);
  json::ParseResult result = json::Parse(source);
  if (!result.ok()) {
    for (const base::Issue& issue : result.issues) {
      FuzzCheck(issue.position.offset <= size, "issue position inside the source");
      FuzzCheck(!issue.message.empty(), "issue has a message");
    }
    return 0;
  }
  CheckValue(result.document.root(), result.document.source(), 0);
  // A valid document parses again to the same shape from its own source text.
  json::ParseResult again = json::Parse(std::string(result.document.root().source_text()));
  FuzzCheck(again.ok(), "source_text of a valid document is valid");
  FuzzCheck(again.document.root().kind() == result.document.root().kind(),
            "same kind after reparse");
  return 0;
}

}  // namespace perimeter::fuzz
