// Wildcard patterns as IAM matches them: '*' matches any sequence of characters (including none),
// '?' matches exactly one character. Used for Action, Resource, Principal, StringLike and ArnLike.
//
// A pattern is a sequence of pieces, each a literal string or a wildcard, so that text substituted
// from a policy variable or the escapes ${*}, ${?}, ${$} stays literal (IAM User Guide, "IAM policy
// elements: Variables and tags": "${*}" stands for a literal '*').
#ifndef PERIMETER_POLICY_WILDCARD_H_
#define PERIMETER_POLICY_WILDCARD_H_

#include <string>
#include <string_view>
#include <vector>

namespace perimeter::policy {

enum class CaseMode { kSensitive, kInsensitive };

class WildcardPattern {
 public:
  enum class PieceKind { kLiteral, kAnySequence, kAnyCharacter };
  struct Piece {
    PieceKind kind = PieceKind::kLiteral;
    std::string text;  // for kLiteral only
    friend bool operator==(const Piece&, const Piece&) = default;
  };

  WildcardPattern() = default;

  // Every '*' and '?' in `glob` is a wildcard; every other character is literal.
  static WildcardPattern FromGlob(std::string_view glob);
  // Every character of `text` is literal.
  static WildcardPattern FromLiteral(std::string_view text);

  void AppendGlob(std::string_view glob);
  void AppendLiteral(std::string_view text);
  void Append(const WildcardPattern& other);

  // Whether the whole of `text` matches. Runs in O(|pattern| * |text|) worst case, without
  // recursion and without allocating. kInsensitive folds ASCII letters only: IAM's case-insensitive
  // comparisons (action names, StringEqualsIgnoreCase) concern ASCII identifiers, and Unicode case
  // folding is locale-dependent and not documented by AWS, so non-ASCII bytes compare exactly.
  bool Matches(std::string_view text, CaseMode mode = CaseMode::kSensitive) const;

  // Splits the pattern at its first `max_parts - 1` literal occurrences of `separator`; the last
  // part keeps the rest (separators included). Used for the colon-delimited components of ARN
  // patterns. REQUIRES: max_parts >= 1.
  std::vector<WildcardPattern> Split(char separator, size_t max_parts) const;

  // True when the pattern has no wildcard; literal() is then the whole text.
  bool is_literal() const;
  // REQUIRES: is_literal().
  std::string literal() const;
  // True for a pattern that matches every string ("*", "**", ...).
  bool matches_everything() const;

  const std::vector<Piece>& pieces() const { return pieces_; }

  // The pattern written back as a glob; literal '*' and '?' (which a glob cannot express) are
  // written as "${*}" and "${?}", and '$' before '{' as "${$}".
  std::string ToString() const;

  friend bool operator==(const WildcardPattern& a, const WildcardPattern& b) {
    return a.pieces_ == b.pieces_;
  }

 private:
  // Normal form: no empty literal, no two adjacent literals, no two adjacent kAnySequence ("**" is
  // "*"), so that equal patterns compare equal.
  std::vector<Piece> pieces_;
};

// Convenience: FromGlob(pattern).Matches(text, mode).
bool GlobMatches(std::string_view pattern, std::string_view text,
                 CaseMode mode = CaseMode::kSensitive);

}  // namespace perimeter::policy

#endif  // PERIMETER_POLICY_WILDCARD_H_
