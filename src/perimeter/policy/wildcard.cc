#include "perimeter/policy/wildcard.h"

#include <cassert>
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

// A position in the pattern: a piece and, inside a literal piece, a character offset. Lets the
// matcher walk the pieces as a flat sequence of elements without building one.
struct Cursor {
  size_t piece = 0;
  size_t offset = 0;
};

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
        if (pieces_.empty() || pieces_.back().kind != PieceKind::kAnySequence) pieces_.push_back(piece);
        break;
      case PieceKind::kAnyCharacter:
        pieces_.push_back(piece);
        break;
    }
  }
}

// The classic linear-space glob algorithm: advance greedily; on a mismatch, go back to the last '*'
// seen and let it absorb one more character. Only the last '*' needs remembering because a later
// '*' can absorb anything an earlier one could, so there is no exponential backtracking: each text
// position is revisited at most once per '*', hence O(|pattern| * |text|).
bool WildcardPattern::Matches(std::string_view text, CaseMode mode) const {
  const size_t piece_count = pieces_.size();
  Cursor p;
  size_t t = 0;
  bool have_star = false;
  Cursor after_star;     // the pattern position just after the last '*'
  size_t star_text = 0;  // the text position the last '*' has absorbed up to
  auto advance = [this](Cursor& c) {
    const Piece& piece = pieces_[c.piece];
    if (piece.kind == PieceKind::kLiteral && ++c.offset < piece.text.size()) return;
    ++c.piece;
    c.offset = 0;
  };
  while (t < text.size()) {
    if (p.piece < piece_count) {
      const Piece& piece = pieces_[p.piece];
      switch (piece.kind) {
        case PieceKind::kAnySequence:
          have_star = true;
          ++p.piece;
          p.offset = 0;
          after_star = p;
          star_text = t;
          continue;
        case PieceKind::kAnyCharacter:
          advance(p);
          ++t;
          continue;
        case PieceKind::kLiteral:
          if (CharsEqual(piece.text[p.offset], text[t], mode)) {
            advance(p);
            ++t;
            continue;
          }
          break;
      }
    }
    if (!have_star) return false;
    p = after_star;
    t = ++star_text;
  }
  while (p.piece < piece_count && pieces_[p.piece].kind == PieceKind::kAnySequence) ++p.piece;
  return p.piece == piece_count;
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
