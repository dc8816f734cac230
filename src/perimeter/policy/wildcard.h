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

  // Whether the whole of `text` matches. Runs in O(|pattern| * |text|) worst case, without recursion.
  bool Matches(std::string_view text, CaseMode mode = CaseMode::kSensitive) const;

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

  friend bool operator==(const WildcardPattern&, const WildcardPattern&) = default;

 private:
  std::vector<Piece> pieces_;
};

// Convenience: FromGlob(pattern).Matches(text, mode).
bool GlobMatches(std::string_view pattern, std::string_view text, CaseMode mode = CaseMode::kSensitive);

}  // namespace perimeter::policy

#endif  // PERIMETER_POLICY_WILDCARD_H_
