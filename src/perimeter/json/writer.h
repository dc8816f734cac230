// A streaming JSON writer: builds compact RFC 8259 text in one string. Commas are inserted by the
// writer, so callers only say what comes next. Strings are escaped with json::Quote.
//
//   Writer w;
//   w.BeginObject().Key("arn").String(arn).Key("tags").BeginObject().EndObject().EndObject();
//   std::string text = std::move(w).Take();
//
// REQUIRES (asserted by the structure of callers, not checked): Key only directly inside an object,
// every value inside an object preceded by Key, Begin/End balanced.
#ifndef PERIMETER_JSON_WRITER_H_
#define PERIMETER_JSON_WRITER_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "perimeter/json/document.h"

namespace perimeter::json {

class Writer {
 public:
  Writer& BeginObject() {
    Separate();
    out_.push_back('{');
    first_.push_back(true);
    return *this;
  }
  Writer& EndObject() {
    out_.push_back('}');
    first_.pop_back();
    return *this;
  }
  Writer& BeginArray() {
    Separate();
    out_.push_back('[');
    first_.push_back(true);
    return *this;
  }
  Writer& EndArray() {
    out_.push_back(']');
    first_.pop_back();
    return *this;
  }
  Writer& Key(std::string_view key) {
    Separate();
    AppendQuoted(out_, key);
    out_.push_back(':');
    after_key_ = true;
    return *this;
  }
  Writer& String(std::string_view value) {
    Separate();
    AppendQuoted(out_, value);
    return *this;
  }
  Writer& Int(int64_t value) {
    Separate();
    out_.append(std::to_string(value));
    return *this;
  }
  // A number written as given (e.g. "1714564800.123"). REQUIRES: a valid JSON number.
  Writer& Number(std::string_view literal) {
    Separate();
    out_.append(literal);
    return *this;
  }
  Writer& Bool(bool value) {
    Separate();
    out_.append(value ? "true" : "false");
    return *this;
  }
  Writer& Null() {
    Separate();
    out_.append("null");
    return *this;
  }
  // Inserts already-serialised JSON. REQUIRES: `json` is one valid JSON value.
  Writer& Raw(std::string_view json) {
    Separate();
    out_.append(json);
    return *this;
  }
  Writer& StringMap(const std::map<std::string, std::string>& map) {
    BeginObject();
    for (const auto& [key, value] : map) Key(key).String(value);
    return EndObject();
  }
  Writer& StringArray(const std::vector<std::string>& values) {
    BeginArray();
    for (const std::string& value : values) String(value);
    return EndArray();
  }

  const std::string& text() const { return out_; }
  std::string Take() && { return std::move(out_); }

 private:
  void Separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
  }

  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace perimeter::json

#endif  // PERIMETER_JSON_WRITER_H_
