#include <string>

#include "fuzz/fuzz_targets.h"
#include "perimeter/policy/condition_values.h"

namespace perimeter::fuzz {

// Invariants of the condition value readers: a number equals itself; a date parses to a valid
// nanosecond field; a CIDR contains its own base address; base64 decoding never grows the text.
int FuzzConditionValues(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  if (auto number = policy::ParseNumber(text)) {
    FuzzCheck(policy::CompareNumbers(*number, *number) == std::strong_ordering::equal,
              "number equals itself");
  }
  if (auto date = policy::ParseDate(text)) {
    FuzzCheck(date->nanos >= 0 && date->nanos < 1'000'000'000, "nanos in range");
  }
  (void)policy::ParseBool(text);
  if (auto address = policy::ParseIpAddress(text)) {
    policy::Cidr host{*address, address->v6 ? 128 : 32};
    FuzzCheck(host.Contains(*address), "a host block contains its address");
  }
  if (auto cidr = policy::ParseCidr(text)) {
    FuzzCheck(cidr->prefix_length >= 0 && cidr->prefix_length <= (cidr->base.v6 ? 128 : 32),
              "prefix in range");
    FuzzCheck(cidr->Contains(cidr->base), "a block contains its base address");
  }
  if (auto bytes = policy::DecodeBase64(text)) {
    FuzzCheck(bytes->size() <= text.size(), "base64 decoding shrinks");
  }
  return 0;
}

}  // namespace perimeter::fuzz
