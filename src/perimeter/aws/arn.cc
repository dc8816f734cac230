#include "perimeter/aws/arn.h"

#include <array>
#include <cstddef>

namespace perimeter::aws {
namespace {

constexpr size_t kArnComponents = 6;

// Splits `text` at its first five ':' into six views. Returns false when there are fewer than five.
bool SplitArnText(std::string_view text, std::array<std::string_view, kArnComponents>& out) {
  for (size_t i = 0; i + 1 < kArnComponents; ++i) {
    size_t colon = text.find(':');
    if (colon == std::string_view::npos) return false;
    out[i] = text.substr(0, colon);
    text.remove_prefix(colon + 1);
  }
  out[kArnComponents - 1] = text;
  return true;
}

}  // namespace

std::optional<Arn> ParseArn(std::string_view text) {
  std::array<std::string_view, kArnComponents> parts;
  if (!SplitArnText(text, parts) || parts[0] != "arn") return std::nullopt;
  return Arn{parts[1], parts[2], parts[3], parts[4], parts[5]};
}

std::string_view AccountOfArn(std::string_view text) {
  std::optional<Arn> arn = ParseArn(text);
  return arn ? arn->account : std::string_view();
}

std::string_view RegionOfArn(std::string_view text) {
  std::optional<Arn> arn = ParseArn(text);
  return arn ? arn->region : std::string_view();
}

bool IsAccountId(std::string_view text) {
  if (text.size() != 12) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

std::optional<std::string_view> PrincipalAccount(std::string_view principal) {
  if (IsAccountId(principal)) return principal;
  std::optional<Arn> arn = ParseArn(principal);
  if (!arn || !IsAccountId(arn->account)) return std::nullopt;
  return arn->account;
}

}  // namespace perimeter::aws
