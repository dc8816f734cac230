#!/usr/bin/env bash
# Runs the benchmarks on a generated corpus and prints their figures.
#   PERIMETER_BENCH_COUNT (default 100000) resources, seed 1, written by the project's generator
#   (build/bin/perimeter-gen-corpus, docs/corpus.md; another with $PERIMETER_GEN_CORPUS), with the shape
#   families of $PERIMETER_BENCH_FAMILIES (default `all`: since issue #12 the engine decides every family on
#   its fast path; 5,000 resources in 1.55 s, none handed to Z3).
set -euo pipefail
cd "$(dirname "$0")/.."
count=${PERIMETER_BENCH_COUNT:-100000}
generator=${PERIMETER_GEN_CORPUS:-build/bin/perimeter-gen-corpus}
families=${PERIMETER_BENCH_FAMILIES:-all}
corpus=build/bench/corpus-$count-$families.jsonl
mkdir -p build/bench
if [[ ! -s $corpus ]]; then
  "$generator" --count "$count" --seed 1 --families "$families" --format lines -o "$corpus"
fi
export PERIMETER_BENCH_CORPUS=$corpus
echo "corpus: $corpus ($(wc -l <"$corpus") resources, $(du -h "$corpus" | cut -f1))"
for bench in build/bin/*_benchmark; do
  case $(basename "$bench") in
    server_load_benchmark | engine_benchmark | validate_policy_benchmark) continue ;;
  esac
  echo "== $(basename "$bench")"
  "$bench" --benchmark_min_time=1
done
# The engine on the whole organization (inventory format), then `perimeter analyze` as a whole process
# beside a parse-only pass over the same file.
inventory=build/bench/inventory-$count-$families.jsonl
if [[ ! -s $inventory ]]; then
  "$generator" --count "$count" --seed 1 --families "$families" --format inventory -o "$inventory"
fi
echo "== engine_benchmark"
build/bin/engine_benchmark "$inventory" "$(nproc)"
echo "== validate_policy_benchmark (ValidatePolicy on every policy of the corpus, whole process)"
build/bin/validate_policy_benchmark "$corpus" "$(nproc)"
echo "== perimeter analyze (whole process)"
/usr/bin/time -f "analyze: %e s wall, %M KiB peak RSS" build/bin/perimeter analyze "$inventory" --format json \
  -o /dev/null -q || true
# perimeter serve under load over loopback: GetFinding and ListFindings with 100k findings stored, then
# 32 clients mixing reads and writes
# (PERIMETER_LOAD_FINDINGS, PERIMETER_LOAD_SECONDS per phase).
if [[ -x build/bin/server_load_benchmark ]]; then
  echo "== server_load_benchmark"
  build/bin/server_load_benchmark --findings "${PERIMETER_LOAD_FINDINGS:-100000}" \
    --seconds "${PERIMETER_LOAD_SECONDS:-10}" --connections 4
fi
# perimeter collect against the tests' fake AWS endpoint: 100 accounts x 4 regions x ~100 resources
# (bench/collect_benchmark.py; PERIMETER_COLLECT_ACCOUNTS to change the size).
echo "== collect_benchmark (perimeter collect, whole process, fake AWS endpoint)"
/usr/bin/python3 bench/collect_benchmark.py build/bin/perimeter "${PERIMETER_COLLECT_ACCOUNTS:-100}" 4 16
