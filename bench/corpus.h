// Loads the benchmark corpus: the JSON Lines file named by $PERIMETER_BENCH_CORPUS, made by
// scripts/bench.sh with gen_corpus.py (--format lines: one {"arn", "resource_type", "account",
// "region", "policy"} object per line).
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
    std::cerr << "set PERIMETER_BENCH_CORPUS to a gen_corpus.py --format lines file (scripts/bench.sh does)\n";
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
