// A streaming JSON writer: builds RFC 8259 text in one string, compact or pretty-printed. Commas,
// newlines and indentation are inserted by the writer, so callers only say what comes next.
// Strings are escaped with AppendQuotedValidUtf8: invalid UTF-8 becomes U+FFFD, so the output is
// always valid JSON (RFC 8259 §8.1 requires UTF-8) whatever bytes the caller's strings hold.
//
//   Writer w;
//   w.BeginObject().Key("arn").String(arn).Key("tags").BeginObject().EndObject().EndObject();
//   std::string text = std::move(w).Take();
//
// Pretty-printing (WriterOptions::indent >= 0) puts every member and element on its own line,
// indented by `indent` spaces a level, with ": " after keys; empty containers stay "{}" and "[]".
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

// As json::AppendQuoted, but each maximal ill-formed UTF-8 subsequence (Unicode §3.9, D93b) is
// replaced by U+FFFD, so the result is always valid JSON. (json::Quote and AppendQuoted copy such
// bytes, so that a parse of what they build reports them: the ingest builders rely on that to turn
// an input's invalid bytes into an input error.) Defined in document.cc.
void AppendQuotedValidUtf8(std::string& out, std::string_view text);

struct WriterOptions {
  int indent = -1;  // -1: compact; n >= 0: one member or element a line, n spaces a level
};

class Writer {
 public:
  Writer() = default;
  explicit Writer(const WriterOptions& options) : indent_(options.indent) {}

  Writer& BeginObject() {
    Separate();
    out_.push_back('{');
    first_.push_back(true);
    return *this;
  }
  Writer& EndObject() {
    Close();
    out_.push_back('}');
    return *this;
  }
  Writer& BeginArray() {
    Separate();
    out_.push_back('[');
    first_.push_back(true);
    return *this;
  }
  Writer& EndArray() {
    Close();
    out_.push_back(']');
    return *this;
  }
  Writer& Key(std::string_view key) {
    Separate();
    AppendQuotedValidUtf8(out_, key);
    out_.push_back(':');
    if (indent_ >= 0) out_.push_back(' ');
    after_key_ = true;
    return *this;
  }
  Writer& String(std::string_view value) {
    Separate();
    AppendQuotedValidUtf8(out_, value);
    return *this;
  }
  Writer& Int(int64_t value) {
    Separate();
    out_.append(std::to_string(value));
    return *this;
  }
  // The shortest text that reads back as `value`, always with a fraction or exponent ("2.0",
  // "1e+20"); NaN and infinities, which JSON cannot hold, as null.
  Writer& Double(double value);
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
  // Inserts already-serialised JSON as it is (not re-indented). REQUIRES: `json` is one valid JSON
  // value.
  Writer& Raw(std::string_view json) {
    Separate();
    out_.append(json);
    return *this;
  }
  // Writes a parsed value again, members in document order (numbers as written). With a compact
  // writer this gives one canonical text for equal documents laid out differently.
  Writer& Copy(const Value& value);
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
  // Hands over the text written since the last call (or since construction) and keeps writing where
  // it was: open objects and arrays stay open. A long document is streamed in pieces this way.
  std::string TakePending() {
    std::string pending;
    pending.swap(out_);
    return pending;
  }

 private:
  void Separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) out_.push_back(',');
    first_.back() = false;
    if (indent_ >= 0) NewLine(first_.size());
  }
  void Close() {
    bool empty = first_.back();
    first_.pop_back();
    if (indent_ >= 0 && !empty) NewLine(first_.size());
  }
  void NewLine(size_t depth) {
    out_.push_back('\n');
    out_.append(depth * static_cast<size_t>(indent_), ' ');
  }

  int indent_ = -1;
  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace perimeter::json

#endif  // PERIMETER_JSON_WRITER_H_
