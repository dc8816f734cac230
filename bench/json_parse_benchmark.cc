// JSON parse throughput (bytes/s) of the positioned parser on the generated corpus.
#include <string>
#include <vector>

#include "bench/corpus.h"
#include "benchmark/benchmark.h"
#include "perimeter/json/document.h"

namespace perimeter::bench {
namespace {

void BM_JsonParseCorpusRecords(benchmark::State& state) {
  static const std::vector<std::string> lines = LoadCorpusLines();
  size_t bytes = 0;
  size_t index = 0;
  for (auto _ : state) {
    const std::string& line = lines[index];
    json::ParseResult result = json::Parse(line);
    benchmark::DoNotOptimize(result.document);
    if (!result.ok()) state.SkipWithError("corpus record failed to parse");
    bytes += line.size();
    index = index + 1 == lines.size() ? 0 : index + 1;
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_JsonParseCorpusRecords);

}  // namespace
}  // namespace perimeter::bench

BENCHMARK_MAIN();
