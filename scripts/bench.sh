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
    server_load_benchmark | server_update_benchmark | engine_benchmark | validate_policy_benchmark) continue ;;
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
# `perimeter analyze` side by side with the floor of issue #20: a plain CPython json.loads of every
# line of the same inventory, Debian's /usr/bin/python3, in the same run. Both whole processes;
# the report (JSON) goes to a file. The ratio wall(perimeter) / wall(json.loads) is the figure to
# compare between machines; the load average says how busy the machine was.
timed() {  # timed LABEL COMMAND...: one line of wall, CPU (user + sys), peak RSS
  # (perimeter analyze exits 1 when it reports findings)
  /usr/bin/time -o build/bench/time.txt -f "%e %U %S %M" "${@:2}" >/dev/null || true
  read -r wall user sys rss < <(tail -1 build/bench/time.txt)
  printf '%-28s %7.2f s wall  %7.2f s CPU  %6d MiB peak RSS\n' "$1" "$wall" \
    "$(echo "$user + $sys" | bc)" $((rss / 1024))
  last_wall=$wall
}
echo "== perimeter analyze beside json.loads ($count resources; load average $(cut -d' ' -f1-3 /proc/loadavg))"
# Each parsed line is dropped at once, as a scanner reading record by record does: a list holding all
# 100,000 objects made the floor 4.5x slower (CPython's cyclic collector walking the growing list), an
# inflated yardstick (before 2026-12-07 the README quoted a ratio against it).
timed "python3 json.loads (floor)" /usr/bin/python3 -c '
import json, sys
for line in open(sys.argv[1], "rb"):
    if line.strip():
        json.loads(line)' "$inventory"
floor=$last_wall
timed "perimeter analyze" build/bin/perimeter analyze "$inventory" --format json -q -o build/bench/report.json
perimeter_wall=$last_wall
echo "ratio: perimeter / json.loads = $(echo "scale=2; $last_wall / $floor" | bc)" \
  "(load average $(cut -d' ' -f1-3 /proc/loadavg))"
# The syntactic Python scanners of issue #20 on the resource policies of the same inventory, in the
# same run (bench/scanners/scan_corpus.py: our glue calling policyuniverse's
# Policy.is_internet_accessible and Cloud Custodian's PolicyChecker). They are not dependencies:
# PERIMETER_SCANNERS_PATH names checkouts of theirs (directories put on Python's path).
echo "== perimeter analyze beside the Python scanners ($count resources)"
if [[ -n ${PERIMETER_SCANNERS_PATH:-} ]]; then
  for scanner in policyuniverse custodian; do
    timed "$scanner" sh -c 'exec /usr/bin/python3 bench/scanners/scan_corpus.py "$1" "$2" \
      >build/bench/scan.txt 2>&1' scan "$scanner" "$inventory"
    echo "  $(tail -1 build/bench/scan.txt)"
    echo "ratio: perimeter / $scanner = $(echo "scale=2; $perimeter_wall / $last_wall" | bc)"
  done
  rm -f build/bench/scan.txt
else
  echo "skipped: PERIMETER_SCANNERS_PATH not set (checkouts of policyuniverse and cloud-custodian)"
fi
# Linear growth: 10k, 50k, 100k resources (and 1M with PERIMETER_BENCH_1M=1: streamed, memory bounded
# by the output).
sizes=(10000 50000 100000)
[[ ${PERIMETER_BENCH_1M:-0} == 1 ]] && sizes+=(1000000)
echo "== perimeter analyze by size (load average $(cut -d' ' -f1-3 /proc/loadavg))"
for size in "${sizes[@]}"; do
  file=build/bench/inventory-$size-$families.jsonl
  [[ -s $file ]] || "$generator" --count "$size" --seed 1 --families "$families" --format inventory -o "$file"
  timed "analyze $size" build/bin/perimeter analyze "$file" --format json -q -o build/bench/report.json
  echo "  $(echo "scale=1; $last_wall * 1000000 / $size" | bc) us wall per resource"
done
rm -f build/bench/report.json build/bench/time.txt
# perimeter serve under load over loopback: GetFinding and ListFindings with 100k findings stored, then
# 32 clients mixing reads and writes
# (PERIMETER_LOAD_FINDINGS, PERIMETER_LOAD_SECONDS per phase).
if [[ -x build/bin/server_load_benchmark ]]; then
  echo "== server_load_benchmark"
  build/bin/server_load_benchmark --findings "${PERIMETER_LOAD_FINDINGS:-100000}" \
    --seconds "${PERIMETER_LOAD_SECONDS:-10}" --connections 4
fi
# The server's single-resource update (import of one changed record -> findings stored, p50/p99) and
# full re-scan with N resources stored (PERIMETER_UPDATE_COUNT, default 10,000: the short variant; the
# issue's figure is 100,000, docs/performance.md).
if [[ -x build/bin/server_update_benchmark ]]; then
  echo "== server_update_benchmark"
  build/bin/server_update_benchmark --count "${PERIMETER_UPDATE_COUNT:-10000}" --updates 200
fi
# perimeter collect against the tests' fake AWS endpoint: 100 accounts x 4 regions x ~100 resources
# (bench/collect_benchmark.py; PERIMETER_COLLECT_ACCOUNTS to change the size).
echo "== collect_benchmark (perimeter collect, whole process, fake AWS endpoint)"
/usr/bin/python3 bench/collect_benchmark.py build/bin/perimeter "${PERIMETER_COLLECT_ACCOUNTS:-100}" 4 16
