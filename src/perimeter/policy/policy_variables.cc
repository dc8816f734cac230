#include "perimeter/policy/policy_variables.h"

#include <utility>

namespace perimeter::policy {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

char ToLowerAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// What a well-formed "${...}" at some position stands for.
struct ParsedVariable {
  size_t end = 0;         // one past the closing '}'
  char escape = '\0';     // '*', '?' or '$' for ${*} ${?} ${$}; '\0' for a real variable
  std::string key_lower;  // for a real variable
  std::optional<std::string> default_value;
};

// Parses the variable starting at text[start] == '$', text[start + 1] == '{'. nullopt when what
// follows is not a well-formed variable (it then stays literal).
std::optional<ParsedVariable> ParseVariableAt(std::string_view text, size_t start) {
  size_t i = start + 2;
  // Escapes are exact: "${*}", "${?}", "${$}".
  if (i + 1 < text.size() && text[i + 1] == '}' &&
      (text[i] == '*' || text[i] == '?' || text[i] == '$')) {
    ParsedVariable escape;
    escape.end = i + 2;
    escape.escape = text[i];
    return escape;
  }
  while (i < text.size() && IsBlank(text[i])) ++i;
  size_t key_start = i;
  while (i < text.size() && !IsBlank(text[i]) && text[i] != '}' && text[i] != ',' &&
         text[i] != '{' && text[i] != '$' && text[i] != '\'') {
    ++i;
  }
  if (i == key_start) return std::nullopt;
  ParsedVariable variable;
  for (size_t k = key_start; k < i; ++k) variable.key_lower.push_back(ToLowerAscii(text[k]));
  while (i < text.size() && IsBlank(text[i])) ++i;
  if (i < text.size() && text[i] == ',') {
    ++i;
    while (i < text.size() && IsBlank(text[i])) ++i;
    if (i >= text.size() || text[i] != '\'') return std::nullopt;
    ++i;
    std::string value;
    bool closed = false;
    while (i < text.size()) {
      if (text[i] == '\'') {
        if (i + 1 < text.size() && text[i + 1] == '\'') {
          value.push_back('\'');
          i += 2;
          continue;
        }
        ++i;
        closed = true;
        break;
      }
      value.push_back(text[i++]);
    }
    if (!closed) return std::nullopt;
    while (i < text.size() && IsBlank(text[i])) ++i;
    variable.default_value = std::move(value);
  }
  if (i >= text.size() || text[i] != '}') return std::nullopt;
  variable.end = i + 1;
  return variable;
}

void AppendText(WildcardPattern& pattern, std::string_view text, bool glob) {
  if (glob) {
    pattern.AppendGlob(text);
  } else {
    pattern.AppendLiteral(text);
  }
}

}  // namespace

bool HasPolicyVariables(std::string_view text) {
  for (size_t pos = text.find("${"); pos != std::string_view::npos;
       pos = text.find("${", pos + 1)) {
    if (ParseVariableAt(text, pos)) return true;
  }
  return false;
}

VariableTemplate VariableTemplate::Parse(std::string_view text, bool glob) {
  VariableTemplate parsed;
  auto text_segment = [&parsed]() -> WildcardPattern& {
    if (parsed.segments_.empty() || parsed.segments_.back().kind != Segment::Kind::kText) {
      parsed.segments_.push_back(Segment{});
    }
    return parsed.segments_.back().text;
  };
  size_t literal_start = 0;
  size_t pos = text.find("${");
  while (pos != std::string_view::npos) {
    std::optional<ParsedVariable> variable = ParseVariableAt(text, pos);
    if (!variable) {
      pos = text.find("${", pos + 1);
      continue;
    }
    if (pos > literal_start)
      AppendText(text_segment(), text.substr(literal_start, pos - literal_start), glob);
    if (variable->escape != '\0') {
      text_segment().AppendLiteral(std::string_view(&variable->escape, 1));
    } else {
      Segment segment;
      segment.kind = Segment::Kind::kVariable;
      segment.key_lower = std::move(variable->key_lower);
      segment.default_value = std::move(variable->default_value);
      parsed.segments_.push_back(std::move(segment));
    }
    literal_start = variable->end;
    pos = text.find("${", literal_start);
  }
  if (literal_start < text.size()) AppendText(text_segment(), text.substr(literal_start), glob);
  return parsed;
}

std::optional<WildcardPattern> VariableTemplate::Substitute(
    const VariableResolver& resolver) const {
  WildcardPattern out;
  for (const Segment& segment : segments_) {
    switch (segment.kind) {
      case Segment::Kind::kText:
        out.Append(segment.text);
        break;
      case Segment::Kind::kVariable: {
        std::optional<std::string_view> value = resolver.Lookup(segment.key_lower);
        if (value) {
          out.AppendLiteral(*value);
        } else if (segment.default_value) {
          out.AppendLiteral(*segment.default_value);
        } else {
          return std::nullopt;
        }
        break;
      }
    }
  }
  return out;
}

bool VariableTemplate::has_variables() const {
  for (const Segment& segment : segments_) {
    if (segment.kind == Segment::Kind::kVariable) return true;
  }
  return false;
}

std::optional<WildcardPattern> SubstituteVariables(std::string_view text,
                                                   const VariableResolver& resolver, bool glob) {
  return VariableTemplate::Parse(text, glob).Substitute(resolver);
}

}  // namespace perimeter::policy
