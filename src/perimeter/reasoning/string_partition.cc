#include "perimeter/reasoning/string_partition.h"

#include <algorithm>
#include <cctype>
#include <deque>
#include <map>
#include <set>
#include <string_view>
#include <unordered_map>

#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "perimeter/base/text.h"
#include "perimeter/policy/arn.h"

namespace perimeter::reasoning {
namespace {

enum class TokenKind { kChar, kAnyChar, kAnySequence, kAnyCharExceptColon, kAnySequenceExceptColon };

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
void AppendTokens(const policy::WildcardPattern& pattern, bool stop_at_colon, std::vector<Token>& tokens) {
  for (const policy::WildcardPattern::Piece& piece : pattern.pieces()) {
    switch (piece.kind) {
      case policy::WildcardPattern::PieceKind::kLiteral:
        for (char c : piece.text) tokens.push_back(Token{TokenKind::kChar, c});
        break;
      case policy::WildcardPattern::PieceKind::kAnySequence:
        tokens.push_back(Token{stop_at_colon ? TokenKind::kAnySequenceExceptColon : TokenKind::kAnySequence, 0});
        break;
      case policy::WildcardPattern::PieceKind::kAnyCharacter:
        tokens.push_back(Token{stop_at_colon ? TokenKind::kAnyCharExceptColon : TokenKind::kAnyChar, 0});
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
    for (const Automaton& automaton : automata_) {
      offsets_.push_back(bit);
      bit += automaton.tokens.size() + 1;
    }
    words_ = (bit + 63) / 64;
  }

  ProductState Initial() const {
    ProductState state(words_, 0);
    for (size_t a = 0; a < automata_.size(); ++a) {
      Set(state, a, 0);
      Close(state, a);
    }
    return state;
  }

  // The state after reading `c`; an automaton with no active position stays dead.
  ProductState Step(const ProductState& from, char c) const {
    ProductState to(words_, 0);
    for (size_t a = 0; a < automata_.size(); ++a) {
      const Automaton& automaton = automata_[a];
      size_t n = automaton.tokens.size();
      for (size_t i = 0; i < n; ++i) {
        if (!Get(from, a, i)) continue;
        const Token& token = automaton.tokens[i];
        switch (token.kind) {
          case TokenKind::kChar:
            if (automaton.case_insensitive ? Fold(token.c) == Fold(c) : token.c == c) Set(to, a, i + 1);
            break;
          case TokenKind::kAnyChar:
            Set(to, a, i + 1);
            break;
          case TokenKind::kAnyCharExceptColon:
            if (c != ':') Set(to, a, i + 1);
            break;
          case TokenKind::kAnySequence:
            Set(to, a, i);
            break;
          case TokenKind::kAnySequenceExceptColon:
            if (c != ':') Set(to, a, i);
            break;
        }
      }
      Close(to, a);
    }
    return to;
  }

  bool Accepts(const ProductState& state, size_t a) const { return Get(state, a, automata_[a].tokens.size()); }
  size_t size() const { return automata_.size(); }

 private:
  bool Get(const ProductState& state, size_t a, size_t i) const {
    size_t bit = offsets_[a] + i;
    return (state[bit / 64] >> (bit % 64)) & 1;
  }
  void Set(ProductState& state, size_t a, size_t i) const {
    size_t bit = offsets_[a] + i;
    state[bit / 64] |= uint64_t{1} << (bit % 64);
  }
  // Epsilon closure: a sequence wildcard may match nothing, so the position after it is active too.
  void Close(ProductState& state, size_t a) const {
    const Automaton& automaton = automata_[a];
    for (size_t i = 0; i < automaton.tokens.size(); ++i) {
      TokenKind kind = automaton.tokens[i].kind;
      bool sequence = kind == TokenKind::kAnySequence || kind == TokenKind::kAnySequenceExceptColon;
      if (sequence && Get(state, a, i)) Set(state, a, i + 1);
    }
  }

  std::vector<Automaton> automata_;
  std::vector<size_t> offsets_;
  size_t words_ = 0;
};

// The patterns' own characters (both cases of letters, since any pattern may be case-insensitive),
// ':' (ARN separators), and one character that none of them uses, so that "none of the above" is
// reachable. Sorted, for determinism.
std::vector<char> Alphabet(const std::vector<Automaton>& automata) {
  std::set<char> chars = {':'};
  for (const Automaton& automaton : automata) {
    for (const Token& token : automaton.tokens) {
      if (token.kind != TokenKind::kChar) continue;
      chars.insert(token.c);
      chars.insert(static_cast<char>(std::tolower(static_cast<unsigned char>(token.c))));
      chars.insert(static_cast<char>(std::toupper(static_cast<unsigned char>(token.c))));
    }
  }
  for (char fresh : std::string_view("xzqjkvwy0123456789abcdefghilmnoprstu")) {
    if (!chars.contains(fresh) && !chars.contains(static_cast<char>(std::toupper(fresh)))) {
      chars.insert(fresh);
      break;
    }
  }
  return std::vector<char>(chars.begin(), chars.end());
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

absl::StatusOr<std::vector<StringRegion>> PartitionStrings(const std::vector<StringPattern>& patterns,
                                                           const std::vector<StringPattern>& domain,
                                                           const StringPartitionOptions& options) {
  std::vector<Automaton> automata;
  automata.reserve(patterns.size() + domain.size());
  for (const StringPattern& pattern : patterns) automata.push_back(Compile(pattern));
  for (const StringPattern& pattern : domain) automata.push_back(Compile(pattern));
  std::vector<char> alphabet = Alphabet(automata);
  Product product(std::move(automata));

  // Breadth-first: the first string to reach a region is a shortest one (ties broken by the alphabet's
  // order). The empty string is kept only when nothing else reaches its region.
  std::map<std::vector<bool>, std::string> found;
  std::unordered_map<ProductState, bool, ProductStateHash> visited;
  std::deque<std::pair<ProductState, std::string>> queue;
  ProductState initial = product.Initial();
  visited.emplace(initial, true);
  queue.emplace_back(std::move(initial), std::string());
  while (!queue.empty()) {
    auto [state, text] = std::move(queue.front());
    queue.pop_front();
    bool in_domain = domain.empty();
    for (size_t d = 0; d < domain.size(); ++d) in_domain = in_domain || product.Accepts(state, patterns.size() + d);
    if (in_domain) {
      std::vector<bool> signature(patterns.size());
      for (size_t p = 0; p < patterns.size(); ++p) signature[p] = product.Accepts(state, p);
      auto it = found.find(signature);
      if (it == found.end()) {
        found.emplace(std::move(signature), text);
      } else if (it->second.empty() && !text.empty()) {
        it->second = text;
      }
    }
    for (char c : alphabet) {
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

  std::vector<StringRegion> regions;
  regions.reserve(found.size());
  for (auto& [signature, representative] : found) {
    for (size_t p = 0; p < patterns.size(); ++p) {
      if (patterns[p].Matches(representative) != signature[p]) {
        return absl::InternalError(base::Concat("string partition disagrees with the matcher on \"",
                                                representative, "\" and pattern ",
                                                patterns[p].pattern.ToString()));
      }
    }
    regions.push_back(StringRegion{signature, representative});
  }
  return regions;
}

}  // namespace perimeter::reasoning
