// One libFuzzer executable per target: PERIMETER_FUZZ_TARGET names the function to call.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  return perimeter::fuzz::PERIMETER_FUZZ_TARGET(data, size);
}
