#include "perimeter/json/object_reader.h"

#include <algorithm>
#include <utility>

#include "perimeter/base/text.h"

namespace perimeter::json {

namespace {

// "a" or "an", for the word that starts `text`.
std::string_view Article(std::string_view text) {
  return !text.empty() &&
                 std::string_view("aeiouAEIOU").find(text.front()) != std::string_view::npos
             ? "an "
             : "a ";
}

// What a value of `kind` is called in "'k' must be <expected>": "an array", "true or false".
std::string Expected(Kind kind) {
  if (kind == Kind::kBool) return "true or false";
  if (kind == Kind::kNull) return "null";
  return base::Concat(Article(KindName(kind)), KindName(kind));
}

}  // namespace

ObjectReader::ObjectReader(Value object, std::string_view code_prefix, std::string_view what,
                           std::vector<base::Issue>& issues, std::string_view members)
    : object_(object),
      is_object_(object.is_object()),
      code_prefix_(code_prefix),
      what_(what),
      members_(members),
      issues_(issues) {
  if (!is_object_) {
    Add(".type", object.position(),
        base::Concat(Article(what_), what_, " must be an object",
                     members_.empty() ? "" : base::Concat(" with ", members_), ", not ",
                     KindName(object.kind())));
  }
}

void ObjectReader::Add(std::string_view suffix, const base::SourcePosition& position,
                       std::string message) {
  issues_.push_back(base::Issue{base::Severity::kError, base::Concat(code_prefix_, suffix),
                                position, std::move(message)});
  ok_ = false;
}

std::optional<Value> ObjectReader::Optional(std::string_view key) {
  known_.push_back(key);
  if (!is_object_) return std::nullopt;
  return object_.Find(key);
}

std::optional<Value> ObjectReader::Required(std::string_view key) {
  std::optional<Value> value = Optional(key);
  if (!value.has_value() && is_object_) missing_.push_back(key);
  return value;
}

void ObjectReader::TypeError(const Value& value, std::string_view expected) {
  Add(".type", value.position(),
      base::Concat("'", value.key(), "' must be ", expected, ", not ", KindName(value.kind())));
}

std::optional<std::string_view> ObjectReader::StringOf(const std::optional<Value>& value) {
  if (!value.has_value()) return std::nullopt;
  if (!value->is_string()) {
    TypeError(*value, "a string");
    return std::nullopt;
  }
  return value->text();
}

std::optional<Value> ObjectReader::OfKind(const std::optional<Value>& value, Kind kind) {
  if (!value.has_value()) return std::nullopt;
  if (value->kind() != kind) {
    TypeError(*value, Expected(kind));
    return std::nullopt;
  }
  return value;
}

std::optional<Value> ObjectReader::OptionalOfKind(std::string_view key, Kind kind) {
  return OfKind(Optional(key), kind);
}

std::optional<Value> ObjectReader::RequiredOfKind(std::string_view key, Kind kind) {
  return OfKind(Required(key), kind);
}

std::optional<std::string_view> ObjectReader::OptionalString(std::string_view key) {
  return StringOf(Optional(key));
}

std::optional<std::string_view> ObjectReader::RequiredString(std::string_view key) {
  return StringOf(Required(key));
}

std::optional<bool> ObjectReader::OptionalBool(std::string_view key) {
  std::optional<Value> value = Optional(key);
  if (!value.has_value()) return std::nullopt;
  if (!value->is_bool()) {
    TypeError(*value, "true or false");
    return std::nullopt;
  }
  return value->boolean();
}

bool ObjectReader::Finish(std::string_view expected_hint) {
  if (!is_object_) return ok_;
  for (const Value& member : object_.members()) {
    if (std::find(known_.begin(), known_.end(), member.key()) != known_.end()) continue;
    std::string message = base::Concat("unknown ", what_, " member '", member.key(), "'");
    std::string_view hint = expected_hint.empty() ? std::string_view(members_) : expected_hint;
    if (!hint.empty()) message += base::Concat("; expected ", hint);
    Add(".unknown-member", member.key_position(), std::move(message));
  }
  ReportMissing();
  return ok_;
}

void ObjectReader::ReportMissing() {
  for (std::string_view key : missing_) {
    Add(".missing-member", object_.position(),
        base::Concat(Article(what_), what_, " needs \"", key, "\""));
  }
  missing_.clear();
}

}  // namespace perimeter::json
