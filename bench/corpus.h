// Loads the benchmark corpus: the JSON Lines file named by $PERIMETER_BENCH_CORPUS, made by
// scripts/bench.sh with perimeter-gen-corpus (docs/corpus.md; --format lines: one {"arn",
// "resource_type", "account", "region", "policy"} object per line, no "policy" for snapshots).
#ifndef PERIMETER_BENCH_CORPUS_H_
#define PERIMETER_BENCH_CORPUS_H_

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace perimeter::bench {

inline std::vector<std::string> LoadCorpusLines() {
  const char* path = std::getenv("PERIMETER_BENCH_CORPUS");
  if (path == nullptr) {
    std::cerr << "set PERIMETER_BENCH_CORPUS to a perimeter-gen-corpus --format lines file "
                 "(scripts/bench.sh does)\n";
    std::exit(2);
  }
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    std::exit(2);
  }
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace perimeter::bench

#endif  // PERIMETER_BENCH_CORPUS_H_
