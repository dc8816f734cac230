#!/usr/bin/env bash
# Runs the benchmarks on a generated corpus and prints their figures.
#   PERIMETER_BENCH_COUNT (default 100000) resources, seed 1, from ../shared/tools/gen_corpus.py
#   (or $PERIMETER_GEN_CORPUS).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${PERIMETER_BENCH_COUNT:-100000}
generator=${PERIMETER_GEN_CORPUS:-../shared/tools/gen_corpus.py}
corpus=build/bench/corpus-$count.jsonl
mkdir -p build/bench
if [[ ! -s $corpus ]]; then
  python3 "$generator" --count "$count" --seed 1 --format lines -o "$corpus"
fi
export PERIMETER_BENCH_CORPUS=$corpus
echo "corpus: $corpus ($(wc -l <"$corpus") resources, $(du -h "$corpus" | cut -f1))"
for bench in build/bin/*_benchmark; do
  echo "== $(basename "$bench")"
  "$bench" --benchmark_min_time=1
done
