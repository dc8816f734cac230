#include "perimeter/reasoning/arn_prefix_map.h"

#include <algorithm>

namespace perimeter::reasoning {
namespace {

using policy::WildcardPattern;

constexpr size_t kArnComponents = 6;

// One position of a pattern: a literal character, '?' or '*'.
struct Atom {
  WildcardPattern::PieceKind kind;
  char character = 0;
};

std::vector<Atom> Atoms(const WildcardPattern& pattern) {
  std::vector<Atom> atoms;
  for (const WildcardPattern::Piece& piece : pattern.pieces()) {
    if (piece.kind != WildcardPattern::PieceKind::kLiteral) {
      atoms.push_back(Atom{piece.kind});
      continue;
    }
    for (char c : piece.text) atoms.push_back(Atom{WildcardPattern::PieceKind::kLiteral, c});
  }
  return atoms;
}

bool IsStar(const Atom& atom) { return atom.kind == WildcardPattern::PieceKind::kAnySequence; }

// Adds the positions reachable by letting a '*' match nothing.
void Close(const std::vector<Atom>& atoms, std::vector<bool>& states) {
  for (size_t j = 0; j < atoms.size(); ++j) {
    if (states[j] && IsStar(atoms[j])) states[j + 1] = true;
  }
}

WildcardPattern PatternOf(std::vector<Atom>::const_iterator begin,
                          std::vector<Atom>::const_iterator end) {
  WildcardPattern pattern;
  std::string literal;
  for (auto it = begin; it != end; ++it) {
    if (it->kind == WildcardPattern::PieceKind::kLiteral) {
      literal.push_back(it->character);
      continue;
    }
    pattern.AppendLiteral(literal);
    literal.clear();
    pattern.AppendGlob(IsStar(*it) ? "*" : "?");
  }
  pattern.AppendLiteral(literal);
  return pattern;
}

// The globs for { s : prefix + s matches `pattern` } (plain glob matching, case-sensitive): the
// pattern's NFA run over `prefix`, and the rest of the pattern from each state it can be in.
std::vector<WildcardPattern> Derivative(const WildcardPattern& pattern, std::string_view prefix) {
  std::vector<Atom> atoms = Atoms(pattern);
  std::vector<bool> states(atoms.size() + 1, false);
  states[0] = true;
  Close(atoms, states);
  for (char c : prefix) {
    std::vector<bool> next(atoms.size() + 1, false);
    bool any = false;
    for (size_t j = 0; j < atoms.size(); ++j) {
      if (!states[j]) continue;
      const Atom& atom = atoms[j];
      if (IsStar(atom)) {
        next[j] = any = true;
      } else if (atom.kind == WildcardPattern::PieceKind::kAnyCharacter || atom.character == c) {
        next[j + 1] = any = true;
      }
    }
    if (!any) return {};
    Close(atoms, next);
    states = std::move(next);
  }
  std::vector<WildcardPattern> out;
  for (size_t j = 0; j <= atoms.size(); ++j) {
    if (!states[j]) continue;
    // "*" followed by the rest already holds every string the rest does.
    if (j > 0 && states[j - 1] && IsStar(atoms[j - 1])) continue;
    WildcardPattern rest = PatternOf(atoms.begin() + static_cast<std::ptrdiff_t>(j), atoms.end());
    if (std::find(out.begin(), out.end(), rest) == out.end()) out.push_back(std::move(rest));
  }
  return out;
}

}  // namespace

std::optional<std::string> ArnPrefixMap::Map(std::string_view arn) const {
  if (!arn.starts_with(from_prefix)) return std::nullopt;
  std::string out = to_prefix;
  out.append(arn.substr(from_prefix.size()));
  return out;
}

std::vector<WildcardPattern> RestsMatching(const WildcardPattern& pattern,
                                           const ArnPrefixMap& map) {
  std::vector<WildcardPattern> components = pattern.Split(':', kArnComponents);
  if (components.size() < kArnComponents) return Derivative(pattern, map.to_prefix);
  std::string_view prefix = map.to_prefix;
  size_t start = 0;
  for (size_t i = 0; i + 1 < kArnComponents; ++i) {
    size_t colon = prefix.find(':', start);
    if (colon == std::string_view::npos) return {};  // REQUIRES violated: no string is claimed
    if (!components[i].Matches(prefix.substr(start, colon - start))) return {};
    start = colon + 1;
  }
  return Derivative(components.back(), prefix.substr(start));
}

std::vector<WildcardPattern> PullBackArnPattern(const WildcardPattern& pattern,
                                                const ArnPrefixMap& map) {
  std::vector<WildcardPattern> out;
  for (const WildcardPattern& rest : RestsMatching(pattern, map)) {
    WildcardPattern pulled = WildcardPattern::FromLiteral(map.from_prefix);
    pulled.Append(rest);
    out.push_back(std::move(pulled));
  }
  return out;
}

}  // namespace perimeter::reasoning
