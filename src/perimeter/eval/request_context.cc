#include "perimeter/eval/request_context.h"

#include <utility>

namespace perimeter::eval {
namespace {

// Condition key names are case-insensitive (IAM User Guide, "IAM policy elements: Variables and
// tags": "Key names are case-insensitive. For example, aws:CurrentTime is equivalent to
// AWS:currenttime"). ASCII folding: key names are ASCII identifiers.
std::string LowerAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

void RequestContext::Set(std::string_view key, std::string value) {
  ContextValue& entry = entries_[LowerAscii(key)];
  entry.values.assign(1, std::move(value));
  entry.multivalued = false;
}

void RequestContext::SetMultivalued(std::string_view key, std::vector<std::string> values) {
  ContextValue& entry = entries_[LowerAscii(key)];
  entry.values = std::move(values);
  entry.multivalued = true;
}

void RequestContext::Erase(std::string_view key) {
  auto it = entries_.find(LowerAscii(key));
  if (it != entries_.end()) entries_.erase(it);
}

const ContextValue* RequestContext::Find(std::string_view key_lower) const {
  auto it = entries_.find(key_lower);
  return it == entries_.end() ? nullptr : &it->second;
}

std::optional<std::string_view> RequestContext::Lookup(std::string_view key_lower) const {
  // "You can use any available single-valued context key as a policy variable, but you cannot use a
  // multivalued context key as a policy variable." (IAM User Guide, "Single-valued vs. multivalued
  // context keys").
  const ContextValue* entry = Find(key_lower);
  if (entry == nullptr || entry->multivalued || entry->values.size() != 1) return std::nullopt;
  return entry->values.front();
}

}  // namespace perimeter::eval
