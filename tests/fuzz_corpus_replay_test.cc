// Replays every checked-in fuzz corpus file through its target, so the invariants the fuzzers check
// are checked on every CI run, without clang. A broken invariant aborts the test.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz/fuzz_targets.h"
#include "gtest/gtest.h"

namespace perimeter::fuzz {
namespace {

std::vector<std::filesystem::path> CorpusFiles(std::string_view target) {
  std::filesystem::path dir =
      std::filesystem::path(PERIMETER_SOURCE_DIR) / "fuzz" / "corpus" / target;
  std::vector<std::filesystem::path> files;
  if (!std::filesystem::is_directory(dir)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  return files;
}

TEST(FuzzCorpusReplayTest, EveryTargetHasACorpusAndReplaysIt) {
  size_t count = 0;
  const FuzzTarget* targets = AllFuzzTargets(&count);
  ASSERT_GT(count, 0u);
  for (size_t i = 0; i < count; ++i) {
    std::vector<std::filesystem::path> files = CorpusFiles(targets[i].name);
    EXPECT_GE(files.size(), 5u) << "corpus of " << targets[i].name << " is too small";
    for (const auto& file : files) {
      std::ifstream in(file, std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      EXPECT_EQ(targets[i].run(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()), 0)
          << file;
    }
  }
}

}  // namespace
}  // namespace perimeter::fuzz
