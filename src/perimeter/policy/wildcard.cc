#include "perimeter/policy/wildcard.h"

#include <cassert>
#include <cstring>
#include <utility>

namespace perimeter::policy {
namespace {

char FoldAscii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool CharsEqual(char a, char b, CaseMode mode) {
  switch (mode) {
    case CaseMode::kSensitive:
      return a == b;
    case CaseMode::kInsensitive:
      return FoldAscii(a) == FoldAscii(b);
  }
  return a == b;
}

}  // namespace

WildcardPattern WildcardPattern::FromGlob(std::string_view glob) {
  WildcardPattern pattern;
  pattern.AppendGlob(glob);
  return pattern;
}

WildcardPattern WildcardPattern::FromLiteral(std::string_view text) {
  WildcardPattern pattern;
  pattern.AppendLiteral(text);
  return pattern;
}

void WildcardPattern::AppendLiteral(std::string_view text) {
  if (text.empty()) return;
  if (!pieces_.empty() && pieces_.back().kind == PieceKind::kLiteral) {
    pieces_.back().text.append(text);
    return;
  }
  pieces_.push_back(Piece{PieceKind::kLiteral, std::string(text)});
}

void WildcardPattern::AppendGlob(std::string_view glob) {
  size_t literal_start = 0;
  for (size_t i = 0; i < glob.size(); ++i) {
    char c = glob[i];
    if (c != '*' && c != '?') continue;
    AppendLiteral(glob.substr(literal_start, i - literal_start));
    literal_start = i + 1;
    if (c == '*') {
      if (pieces_.empty() || pieces_.back().kind != PieceKind::kAnySequence) {
        pieces_.push_back(Piece{PieceKind::kAnySequence, {}});
      }
    } else {
      pieces_.push_back(Piece{PieceKind::kAnyCharacter, {}});
    }
  }
  AppendLiteral(glob.substr(literal_start));
}

void WildcardPattern::Append(const WildcardPattern& other) {
  for (const Piece& piece : other.pieces_) {
    switch (piece.kind) {
      case PieceKind::kLiteral:
        AppendLiteral(piece.text);
        break;
      case PieceKind::kAnySequence:
        if (pieces_.empty() || pieces_.back().kind != PieceKind::kAnySequence)
          pieces_.push_back(piece);
        break;
      case PieceKind::kAnyCharacter:
        pieces_.push_back(piece);
        break;
    }
  }
}

// Segment by segment: the pieces between two '*' form a segment of fixed length (literals and '?').
// The segment before the first '*' must match at the start of the text and the one after the last
// '*' at its end; every segment in between is matched at its leftmost occurrence after the previous
// one. Leftmost is always right: any match that uses a later occurrence can be shifted to the
// leftmost one, since the '*' on either side absorbs the difference. Each middle segment is
// searched for once, so the cost is O(|pattern| * |text|) at worst, and there is no backtracking
// across segments.
bool WildcardPattern::Matches(std::string_view text, CaseMode mode) const {
  const Piece* const pieces = pieces_.data();
  const size_t piece_count = pieces_.size();
  // The shapes most policy patterns have ("", "s3", "*", "s3:get*", "*/public"), without the
  // general loop.
  auto same = [mode](std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    if (mode == CaseMode::kSensitive) return a == b;
    for (size_t k = 0; k < a.size(); ++k) {
      if (!CharsEqual(a[k], b[k], mode)) return false;
    }
    return true;
  };
  switch (piece_count) {
    case 0:
      return text.empty();
    case 1:
      if (pieces[0].kind == PieceKind::kLiteral) return same(pieces[0].text, text);
      if (pieces[0].kind == PieceKind::kAnySequence) return true;
      break;
    case 2:
      if (pieces[0].kind == PieceKind::kLiteral && pieces[1].kind == PieceKind::kAnySequence) {
        const std::string& prefix = pieces[0].text;
        return text.size() >= prefix.size() && same(prefix, text.substr(0, prefix.size()));
      }
      if (pieces[0].kind == PieceKind::kAnySequence && pieces[1].kind == PieceKind::kLiteral) {
        const std::string& suffix = pieces[1].text;
        return text.size() >= suffix.size() &&
               same(suffix, text.substr(text.size() - suffix.size()));
      }
      break;
    default:
      break;
  }
  // The end of the segment starting at piece `from` (the index of the next '*', or piece_count) and
  // its length in characters.
  auto segment = [&](size_t from, size_t& length) {
    length = 0;
    size_t i = from;
    for (; i < piece_count && pieces[i].kind != PieceKind::kAnySequence; ++i) {
      length += pieces[i].kind == PieceKind::kLiteral ? pieces[i].text.size() : 1;
    }
    return i;
  };
  // Whether pieces [from, to) match `text` at `at`. REQUIRES: the segment fits (at + length <=
  // size).
  auto matches_at = [&](size_t from, size_t to, size_t at) {
    for (size_t i = from; i < to; ++i) {
      const Piece& piece = pieces[i];
      if (piece.kind != PieceKind::kLiteral) {  // '?': any one character
        ++at;
        continue;
      }
      const size_t n = piece.text.size();
      if (mode == CaseMode::kSensitive) {
        if (std::memcmp(text.data() + at, piece.text.data(), n) != 0) return false;
      } else {
        for (size_t k = 0; k < n; ++k) {
          if (!CharsEqual(piece.text[k], text[at + k], mode)) return false;
        }
      }
      at += n;
    }
    return true;
  };

  size_t length;
  size_t end = segment(0, length);
  if (end == piece_count) return length == text.size() && matches_at(0, end, 0);  // no '*'
  if (length > text.size() || !matches_at(0, end, 0)) return false;
  size_t t = length;  // the text before t is matched
  size_t from = end + 1;
  while (true) {
    end = segment(from, length);
    if (length > text.size() - t) return false;
    if (end == piece_count)
      return matches_at(from, end, text.size() - length);  // anchored at the end
    size_t at = t;
    const size_t last = text.size() - length;
    // A segment that starts with a literal, case-sensitively: let find() skip to its candidates.
    const bool searchable =
        mode == CaseMode::kSensitive && pieces[from].kind == PieceKind::kLiteral;
    while (true) {
      if (searchable) {
        at = text.find(pieces[from].text, at);
        if (at == std::string_view::npos || at > last) return false;
      }
      if (matches_at(from, end, at)) break;
      if (at == last) return false;
      ++at;
    }
    t = at + length;
    from = end + 1;
  }
}

std::vector<WildcardPattern> WildcardPattern::Split(char separator, size_t max_parts) const {
  assert(max_parts >= 1);  // a caller asking for zero parts has nowhere to put the pattern
  std::vector<WildcardPattern> parts(1);
  for (const Piece& piece : pieces_) {
    if (piece.kind != PieceKind::kLiteral) {
      parts.back().pieces_.push_back(piece);
      continue;
    }
    std::string_view rest = piece.text;
    size_t pos;
    while (parts.size() < max_parts && (pos = rest.find(separator)) != std::string_view::npos) {
      parts.back().AppendLiteral(rest.substr(0, pos));
      parts.emplace_back();
      rest.remove_prefix(pos + 1);
    }
    parts.back().AppendLiteral(rest);
  }
  return parts;
}

bool WildcardPattern::is_literal() const {
  for (const Piece& piece : pieces_) {
    if (piece.kind != PieceKind::kLiteral) return false;
  }
  return true;
}

std::string WildcardPattern::literal() const {
  assert(is_literal());  // callers check is_literal() first: a wildcard has no literal text
  std::string out;
  for (const Piece& piece : pieces_) out.append(piece.text);
  return out;
}

bool WildcardPattern::matches_everything() const {
  // In normal form a pattern matching every string is exactly one '*' piece.
  return pieces_.size() == 1 && pieces_[0].kind == PieceKind::kAnySequence;
}

std::string WildcardPattern::ToString() const {
  std::string out;
  for (size_t i = 0; i < pieces_.size(); ++i) {
    const Piece& piece = pieces_[i];
    switch (piece.kind) {
      case PieceKind::kAnySequence:
        out.push_back('*');
        break;
      case PieceKind::kAnyCharacter:
        out.push_back('?');
        break;
      case PieceKind::kLiteral:
        for (size_t j = 0; j < piece.text.size(); ++j) {
          char c = piece.text[j];
          if (c == '*') {
            out.append("${*}");
          } else if (c == '?') {
            out.append("${?}");
          } else if (c == '$' && j + 1 < piece.text.size() && piece.text[j + 1] == '{') {
            // Written plainly, "${" would start a variable when the glob is read back.
            out.append("${$}");
          } else {
            out.push_back(c);
          }
        }
        break;
    }
  }
  return out;
}

bool GlobMatches(std::string_view pattern, std::string_view text, CaseMode mode) {
  return WildcardPattern::FromGlob(pattern).Matches(text, mode);
}

}  // namespace perimeter::policy
