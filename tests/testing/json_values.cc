#include "tests/testing/json_values.h"

#include <algorithm>
#include <charconv>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "perimeter/json/writer.h"

namespace perimeter_testing {
namespace {

using perimeter::json::Kind;
using perimeter::json::Value;

void WriteSorted(const Value& value, perimeter::json::Writer& writer) {
  switch (value.kind()) {
    case Kind::kNull:
    case Kind::kBool:
    case Kind::kNumber:
    case Kind::kString:
      writer.Copy(value);
      return;
    case Kind::kArray:
      writer.BeginArray();
      for (const Value& element : value.children()) WriteSorted(element, writer);
      writer.EndArray();
      return;
    case Kind::kObject: {
      std::vector<Value> members(value.members().begin(), value.members().end());
      std::stable_sort(members.begin(), members.end(),
                       [](const Value& a, const Value& b) { return a.key() < b.key(); });
      writer.BeginObject();
      for (const Value& member : members) {
        writer.Key(member.key());
        WriteSorted(member, writer);
      }
      writer.EndObject();
      return;
    }
  }
}

}  // namespace

perimeter::json::Document ParseJson(std::string text) {
  perimeter::json::ParseResult parsed = perimeter::json::Parse(text);
  if (parsed.ok()) return std::move(parsed.document);
  const perimeter::base::Issue& issue = parsed.issues.front();
  ADD_FAILURE() << "not JSON (" << issue.position.line << ":" << issue.position.column << " "
                << issue.message << "): " << text;
  return std::move(perimeter::json::Parse("null").document);
}

std::optional<Value> JsonAt(Value root, std::string_view path) {
  Value current = root;
  while (!path.empty()) {
    if (path.front() != '/') return std::nullopt;
    path.remove_prefix(1);
    size_t end = path.find('/');
    std::string_view step = path.substr(0, end);
    path = end == std::string_view::npos ? std::string_view() : path.substr(end);
    if (current.is_object()) {
      std::optional<Value> member = current.Find(step);
      if (!member.has_value()) return std::nullopt;
      current = *member;
    } else if (current.is_array()) {
      size_t index = 0;
      auto [ptr, error] = std::from_chars(step.data(), step.data() + step.size(), index);
      if (error != std::errc() || ptr != step.data() + step.size() || index >= current.size()) {
        return std::nullopt;
      }
      auto element = current.children().begin();
      std::advance(element, index);
      current = *element;
    } else {
      return std::nullopt;
    }
  }
  return current;
}

std::string CanonicalJson(Value value) {
  perimeter::json::Writer writer;
  WriteSorted(value, writer);
  return std::move(writer).Take();
}

std::string CanonicalJson(std::string_view text) {
  perimeter::json::Document document = ParseJson(std::string(text));
  return CanonicalJson(document.root());
}

std::string JsonText(const std::optional<Value>& value) {
  if (!value.has_value()) return "<missing>";
  if (value->is_string()) return std::string(value->text());
  return CanonicalJson(*value);
}

}  // namespace perimeter_testing
