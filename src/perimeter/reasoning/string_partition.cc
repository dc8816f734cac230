#include "perimeter/reasoning/string_partition.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>
#include <deque>
#include <optional>
#include <string_view>
#include <unordered_map>

#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "perimeter/base/text.h"
#include "perimeter/policy/arn.h"

namespace perimeter::reasoning {
namespace {

enum class TokenKind {
  kChar,
  kAnyChar,
  kAnySequence,
  kAnyCharExceptColon,
  kAnySequenceExceptColon
};

struct Token {
  TokenKind kind = TokenKind::kChar;
  char c = 0;
};

struct Automaton {
  std::vector<Token> tokens;
  bool case_insensitive = false;
};

char Fold(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

// Tokens of one component of a pattern; wildcards in a non-final ARN component may not match ':'.
void AppendTokens(const policy::WildcardPattern& pattern, bool stop_at_colon,
                  std::vector<Token>& tokens) {
  for (const policy::WildcardPattern::Piece& piece : pattern.pieces()) {
    switch (piece.kind) {
      case policy::WildcardPattern::PieceKind::kLiteral:
        for (char c : piece.text) tokens.push_back(Token{TokenKind::kChar, c});
        break;
      case policy::WildcardPattern::PieceKind::kAnySequence:
        tokens.push_back(
            Token{stop_at_colon ? TokenKind::kAnySequenceExceptColon : TokenKind::kAnySequence, 0});
        break;
      case policy::WildcardPattern::PieceKind::kAnyCharacter:
        tokens.push_back(
            Token{stop_at_colon ? TokenKind::kAnyCharExceptColon : TokenKind::kAnyChar, 0});
        break;
    }
  }
}

Automaton Compile(const StringPattern& pattern) {
  Automaton automaton;
  automaton.case_insensitive = pattern.case_mode == policy::CaseMode::kInsensitive;
  switch (pattern.syntax) {
    case StringPattern::Syntax::kGlob:
      AppendTokens(pattern.pattern, false, automaton.tokens);
      break;
    case StringPattern::Syntax::kArn: {
      // Six components: the first five may not contain ':' (their wildcards stop at it); the last
      // takes the rest. A pattern with fewer components is matched as a plain glob.
      std::vector<policy::WildcardPattern> components = pattern.pattern.Split(':', 6);
      if (components.size() < 6) {
        AppendTokens(pattern.pattern, false, automaton.tokens);
        break;
      }
      for (size_t i = 0; i < components.size(); ++i) {
        if (i > 0) automaton.tokens.push_back(Token{TokenKind::kChar, ':'});
        AppendTokens(components[i], i + 1 < components.size(), automaton.tokens);
      }
      break;
    }
  }
  return automaton;
}

// The product state: for each automaton, its set of active token positions (bit i: before token i;
// bit n: accepted), packed into one bit vector.
using ProductState = std::vector<uint64_t>;

struct ProductStateHash {
  size_t operator()(const ProductState& state) const { return absl::HashOf(state); }
};

class Product {
 public:
  explicit Product(std::vector<Automaton> automata) : automata_(std::move(automata)) {
    size_t bit = 0;
    for (size_t a = 0; a < automata_.size(); ++a) {
      offsets_.push_back(bit);
      for (const Token& token : automata_[a].tokens) bits_.push_back(BitInfo{a, &token});
      bits_.push_back(BitInfo{a, nullptr});  // accepting position
      bit += automata_[a].tokens.size() + 1;
    }
    words_ = (bit + 63) / 64;
  }

  ProductState Initial() const {
    ProductState state(words_, 0);
    for (size_t a = 0; a < automata_.size(); ++a) Set(state, offsets_[a]);
    Close(state);
    return state;
  }

  // The characters that can lead to different successors of `state`: the literal characters of its
  // active positions (both cases for case-insensitive automata), ':' when a wildcard that stops at
  // ':' is active, and one character that is none of these, standing for all the others (they all
  // lead to the same successor: only wildcards accept them). Sorted, for determinism.
  std::vector<char> DistinguishingCharacters(const ProductState& state,
                                             const std::vector<char>& alphabet) const {
    std::array<bool, 256> chars{};
    auto add = [&](char c) { chars[static_cast<unsigned char>(c)] = true; };
    bool colon_matters = false;
    ForEachBit(state, [&](size_t b) {
      const Token* token = bits_[b].token;
      if (token == nullptr) return;
      switch (token->kind) {
        case TokenKind::kChar:
          add(token->c);
          if (automata_[bits_[b].automaton].case_insensitive) {
            add(static_cast<char>(std::tolower(static_cast<unsigned char>(token->c))));
            add(static_cast<char>(std::toupper(static_cast<unsigned char>(token->c))));
          }
          break;
        case TokenKind::kAnyCharExceptColon:
        case TokenKind::kAnySequenceExceptColon:
          colon_matters = true;
          break;
        case TokenKind::kAnyChar:
        case TokenKind::kAnySequence:
          break;
      }
    });
    if (colon_matters) add(':');
    for (char c : alphabet) {
      if (!chars[static_cast<unsigned char>(c)] && c != ':') {
        add(c);
        break;
      }
    }
    std::vector<char> out;
    for (int c = 0; c < 256; ++c) {
      if (chars[static_cast<size_t>(c)]) out.push_back(static_cast<char>(c));
    }
    return out;
  }

  // The state after reading `c`; an automaton with no active position stays dead.
  ProductState Step(const ProductState& from, char c) const {
    ProductState to(words_, 0);
    ForEachBit(from, [&](size_t b) {
      const Token* token = bits_[b].token;
      if (token == nullptr) return;
      switch (token->kind) {
        case TokenKind::kChar: {
          bool insensitive = automata_[bits_[b].automaton].case_insensitive;
          if (insensitive ? Fold(token->c) == Fold(c) : token->c == c) Set(to, b + 1);
          break;
        }
        case TokenKind::kAnyChar:
          Set(to, b + 1);
          break;
        case TokenKind::kAnyCharExceptColon:
          if (c != ':') Set(to, b + 1);
          break;
        case TokenKind::kAnySequence:
          Set(to, b);
          break;
        case TokenKind::kAnySequenceExceptColon:
          if (c != ':') Set(to, b);
          break;
      }
    });
    Close(to);
    return to;
  }

  bool Accepts(const ProductState& state, size_t a) const {
    return Get(state, offsets_[a] + automata_[a].tokens.size());
  }
  size_t size() const { return automata_.size(); }

 private:
  struct BitInfo {
    size_t automaton;
    const Token* token;  // the token before which this position stands; null for "accepted"
  };

  template <typename F>
  void ForEachBit(const ProductState& state, F&& f) const {
    for (size_t w = 0; w < state.size(); ++w) {
      uint64_t word = state[w];
      while (word != 0) {
        size_t b = w * 64 + static_cast<size_t>(__builtin_ctzll(word));
        word &= word - 1;
        f(b);
      }
    }
  }
  bool Get(const ProductState& state, size_t bit) const {
    return (state[bit / 64] >> (bit % 64)) & 1;
  }
  void Set(ProductState& state, size_t bit) const { state[bit / 64] |= uint64_t{1} << (bit % 64); }
  // Epsilon closure: a sequence wildcard may match nothing, so the position after it is active too.
  // Positions only move forward, so one pass in increasing order, re-reading each word, suffices.
  void Close(ProductState& state) const {
    for (size_t w = 0; w < state.size(); ++w) {
      uint64_t done = 0;
      while (uint64_t pending = state[w] & ~done) {
        size_t low = static_cast<size_t>(__builtin_ctzll(pending));
        done |= uint64_t{1} << low;
        size_t b = w * 64 + low;
        const Token* token = bits_[b].token;
        if (token != nullptr && (token->kind == TokenKind::kAnySequence ||
                                 token->kind == TokenKind::kAnySequenceExceptColon)) {
          Set(state, b + 1);
        }
      }
    }
  }

  std::vector<Automaton> automata_;
  std::vector<size_t> offsets_;
  std::vector<BitInfo> bits_;
  size_t words_ = 0;
};

// A set of characters as a 256-entry table: built for every partition, where a std::set<char>
// allocated a node per character.
class CharSet {
 public:
  void Insert(char c) { present_[static_cast<unsigned char>(c)] = true; }
  bool Contains(char c) const { return present_[static_cast<unsigned char>(c)]; }
  // The members in std::less<char> order (signed or not as char is), as a std::set<char> gives
  // them.
  std::vector<char> Sorted() const {
    std::vector<char> out;
    for (int c = CHAR_MIN; c <= CHAR_MAX; ++c) {
      if (Contains(static_cast<char>(c))) out.push_back(static_cast<char>(c));
    }
    return out;
  }

 private:
  std::array<bool, 256> present_ = {};
};

// The patterns' own characters (both cases of letters, since any pattern may be case-insensitive),
// ':' (ARN separators), and one character that none of them uses, so that "none of the above" is
// reachable. Sorted, for determinism.
std::vector<char> Alphabet(const std::vector<Automaton>& automata) {
  CharSet chars;
  chars.Insert(':');
  for (const Automaton& automaton : automata) {
    for (const Token& token : automaton.tokens) {
      if (token.kind != TokenKind::kChar) continue;
      chars.Insert(token.c);
      chars.Insert(static_cast<char>(std::tolower(static_cast<unsigned char>(token.c))));
      chars.Insert(static_cast<char>(std::toupper(static_cast<unsigned char>(token.c))));
    }
  }
  for (char fresh : std::string_view("xzqjkvwy0123456789abcdefghilmnoprstu")) {
    if (!chars.Contains(fresh) && !chars.Contains(static_cast<char>(std::toupper(fresh)))) {
      chars.Insert(fresh);
      break;
    }
  }
  return chars.Sorted();
}

// The fast path, for the shapes nearly every policy uses: every pattern and domain pattern is a
// case-sensitive literal ("vpce-1") or a literal prefix followed by one final '*' that may match
// anything ("arn:aws:s3:::b/*"). A string's region is then fixed by the literal it equals, if any,
// and by the longest prefix it extends; so the literals, each prefix followed by a character no
// pattern uses, and that character alone represent every region. No search needed.
struct SimpleShape {
  std::string text;  // the literal, or the prefix
  bool prefix = false;
};

std::optional<SimpleShape> ShapeOf(const StringPattern& pattern) {
  if (pattern.case_mode != policy::CaseMode::kSensitive) return std::nullopt;
  if (pattern.pattern.is_literal()) return SimpleShape{pattern.pattern.literal(), false};
  const auto& pieces = pattern.pattern.pieces();
  bool prefix =
      !pieces.empty() && pieces.back().kind == policy::WildcardPattern::PieceKind::kAnySequence &&
      (pieces.size() == 1 ||
       (pieces.size() == 2 && pieces[0].kind == policy::WildcardPattern::PieceKind::kLiteral));
  if (!prefix) return std::nullopt;
  std::string text = pieces.size() == 2 ? pieces[0].text : std::string();
  // In ARN syntax a '*' stops at ':' unless it is in the last component (after the fifth ':').
  if (pattern.syntax == StringPattern::Syntax::kArn &&
      std::count(text.begin(), text.end(), ':') < 5) {
    return std::nullopt;
  }
  return SimpleShape{std::move(text), true};
}

// The regions found so far, one per signature, in a flat vector with an index by signature; sorted
// by signature at the end: the order a std::map keyed by signature gave, which callers rely on.
class RegionTable {
 public:
  // The region of `signature`, created with `representative` if it is new; the bool tells which.
  std::pair<StringRegion*, bool> FindOrAdd(std::vector<bool> signature,
                                           const std::string& representative) {
    auto [it, inserted] = index_.try_emplace(signature, regions_.size());
    if (inserted) regions_.push_back(StringRegion{std::move(signature), representative});
    return {&regions_[it->second], inserted};
  }
  std::vector<StringRegion> TakeSorted() {
    std::sort(regions_.begin(), regions_.end(),
              [](const StringRegion& a, const StringRegion& b) { return a.matches < b.matches; });
    return std::move(regions_);
  }

 private:
  std::vector<StringRegion> regions_;
  std::unordered_map<std::vector<bool>, size_t> index_;
};

// Whether `a` is the better representative of a region than `b`: what the breadth-first search
// keeps, a shortest string, the first in byte order among those, the empty string only when
// nothing else reaches the region.
bool BetterRepresentative(const std::string& a, const std::string& b) {
  if (a.empty() != b.empty()) return !a.empty();
  if (a.size() != b.size()) return a.size() < b.size();
  return a < b;
}

// Every domain pattern a case-sensitive literal (the resource's own ARN, as a resource's targets
// name it): the domain's strings are those literals, each one's region is read with the matcher,
// and no search is needed. The breadth-first search would reach each literal along its own
// characters (each is a distinguishing character of the literal's automaton, and no other prefix
// reaches the same product state), at the depth of its length, in byte order.
std::optional<std::vector<StringRegion>> PartitionLiteralDomain(
    const std::vector<StringPattern>& patterns, const std::vector<StringPattern>& domain) {
  if (domain.empty()) return std::nullopt;
  for (const StringPattern& d : domain) {
    if (d.case_mode != policy::CaseMode::kSensitive || !d.pattern.is_literal()) return std::nullopt;
  }
  RegionTable regions;
  for (const StringPattern& d : domain) {
    const std::string& text = d.pattern.literal();
    std::vector<bool> signature(patterns.size());
    for (size_t p = 0; p < patterns.size(); ++p) signature[p] = patterns[p].Matches(text);
    auto [region, inserted] = regions.FindOrAdd(std::move(signature), text);
    if (!inserted && BetterRepresentative(text, region->representative))
      region->representative = text;
  }
  return regions.TakeSorted();
}

std::optional<std::vector<StringRegion>> PartitionSimple(const std::vector<StringPattern>& patterns,
                                                         const std::vector<StringPattern>& domain) {
  std::vector<SimpleShape> shapes;
  for (const std::vector<StringPattern>* list : {&patterns, &domain}) {
    for (const StringPattern& pattern : *list) {
      std::optional<SimpleShape> shape = ShapeOf(pattern);
      if (!shape.has_value()) return std::nullopt;
      shapes.push_back(std::move(*shape));
    }
  }
  CharSet used;
  for (const SimpleShape& shape : shapes) {
    for (char c : shape.text) used.Insert(c);
  }
  std::optional<char> fresh;
  for (char c : std::string_view("xzqjkvwy0123456789")) {
    if (!used.Contains(c)) {
      fresh = c;
      break;
    }
  }
  if (!fresh.has_value()) return std::nullopt;
  std::vector<std::string> candidates = {std::string(1, *fresh)};
  for (const SimpleShape& shape : shapes) {
    candidates.push_back(shape.prefix ? shape.text + *fresh : shape.text);
  }
  RegionTable table;
  for (const std::string& text : candidates) {
    bool in_domain = domain.empty();
    for (const StringPattern& d : domain) in_domain = in_domain || d.Matches(text);
    if (!in_domain) continue;
    std::vector<bool> signature(patterns.size());
    for (size_t p = 0; p < patterns.size(); ++p) signature[p] = patterns[p].Matches(text);
    auto [region, inserted] = table.FindOrAdd(std::move(signature), text);
    std::string& kept = region->representative;
    if (!inserted && (text.size() < kept.size() || (text.size() == kept.size() && text < kept))) {
      kept = text;
    }
  }
  return table.TakeSorted();
}

}  // namespace

bool StringPattern::Matches(std::string_view text) const {
  switch (syntax) {
    case Syntax::kGlob:
      return pattern.Matches(text, case_mode);
    case Syntax::kArn:
      return policy::ArnMatches(pattern, text);
  }
  return false;
}

absl::StatusOr<std::vector<StringRegion>> PartitionStrings(
    const std::vector<StringPattern>& patterns, const std::vector<StringPattern>& domain,
    const StringPartitionOptions& options) {
  if (std::optional<std::vector<StringRegion>> simple = PartitionSimple(patterns, domain)) {
    return std::move(*simple);
  }
  if (std::optional<std::vector<StringRegion>> literal = PartitionLiteralDomain(patterns, domain)) {
    return std::move(*literal);
  }
  std::vector<Automaton> automata;
  automata.reserve(patterns.size() + domain.size());
  for (const StringPattern& pattern : patterns) automata.push_back(Compile(pattern));
  for (const StringPattern& pattern : domain) automata.push_back(Compile(pattern));
  std::vector<char> alphabet = Alphabet(automata);
  Product product(std::move(automata));

  // Breadth-first: the first string to reach a region is a shortest one (ties broken by the
  // alphabet's order). The empty string is kept only when nothing else reaches its region.
  RegionTable found;
  std::unordered_map<ProductState, bool, ProductStateHash> visited;
  std::deque<std::pair<ProductState, std::string>> queue;
  ProductState initial = product.Initial();
  visited.emplace(initial, true);
  queue.emplace_back(std::move(initial), std::string());
  while (!queue.empty()) {
    auto [state, text] = std::move(queue.front());
    queue.pop_front();
    bool in_domain = domain.empty();
    for (size_t d = 0; d < domain.size(); ++d)
      in_domain = in_domain || product.Accepts(state, patterns.size() + d);
    if (in_domain) {
      std::vector<bool> signature(patterns.size());
      for (size_t p = 0; p < patterns.size(); ++p) signature[p] = product.Accepts(state, p);
      auto [region, inserted] = found.FindOrAdd(std::move(signature), text);
      if (!inserted && region->representative.empty() && !text.empty()) {
        region->representative = text;
      }
    }
    for (char c : product.DistinguishingCharacters(state, alphabet)) {
      ProductState next = product.Step(state, c);
      if (visited.contains(next)) continue;
      if (visited.size() >= options.state_budget) {
        return absl::ResourceExhaustedError(base::Concat("string partition of ", patterns.size(),
                                                         " patterns exceeded its budget of ",
                                                         options.state_budget, " states"));
      }
      visited.emplace(next, true);
      queue.emplace_back(std::move(next), text + c);
    }
  }

  std::vector<StringRegion> regions = found.TakeSorted();
  for (const StringRegion& region : regions) {
    for (size_t p = 0; p < patterns.size(); ++p) {
      if (patterns[p].Matches(region.representative) != region.matches[p]) {
        return absl::InternalError(base::Concat("string partition disagrees with the matcher on \"",
                                                region.representative, "\" and pattern ",
                                                patterns[p].pattern.ToString()));
      }
    }
  }
  return regions;
}

absl::StatusOr<std::vector<std::string>> PartitionRepresentatives(
    const std::vector<StringPattern>& patterns) {
  absl::StatusOr<std::vector<StringRegion>> regions = PartitionStrings(patterns, {});
  if (!regions.ok()) return regions.status();
  std::vector<std::string> out;
  for (StringRegion& region : *regions) out.push_back(std::move(region.representative));
  return out;
}

}  // namespace perimeter::reasoning
