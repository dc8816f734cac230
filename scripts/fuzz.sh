#!/usr/bin/env bash
# Builds the libFuzzer targets with clang and runs each for a share of the given seconds.
#   scripts/fuzz.sh 120     the short run of `make test` (2 minutes in all)
#   scripts/fuzz.sh 3600    the longer run (make fuzz-long)
# New inputs go to a scratch copy of each corpus; a crash leaves its input in build-fuzz/artifacts/
# and fails the run. To keep an interesting input, copy it into fuzz/corpus/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
total_seconds=${1:-120}
cmake --preset fuzz >/dev/null
# Only the fuzzers and what they link: the rest of the tree is not needed here.
mapfile -t targets < <(ninja -C build-fuzz -t targets all | grep -o '^[a-z0-9_]*_fuzzer:' | tr -d ':' | sort -u)
cmake --build --preset fuzz -j "$(nproc)" --target "${targets[@]}" >build-fuzz/build.log 2>&1 ||
  { tail -60 build-fuzz/build.log >&2; echo "fuzz: the fuzz targets do not build (clang)" >&2; exit 1; }
mapfile -t fuzzers < <(find build-fuzz/bin -maxdepth 1 -name '*_fuzzer' -type f | sort)
((${#fuzzers[@]} > 0)) || { echo "fuzz: no fuzz targets built" >&2; exit 1; }
per_target=$((total_seconds / ${#fuzzers[@]}))
((per_target > 0)) || per_target=1
mkdir -p build-fuzz/artifacts
for fuzzer in "${fuzzers[@]}"; do
  name=$(basename "$fuzzer" _fuzzer)
  scratch=build-fuzz/corpus/$name
  mkdir -p "$scratch"
  cp -n fuzz/corpus/"$name"/* "$scratch"/ 2>/dev/null || true
  echo "fuzz: $name for ${per_target}s" >&2
  "$fuzzer" -max_total_time="$per_target" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix=build-fuzz/artifacts/"$name"- "$scratch" 2>build-fuzz/"$name".log ||
    { tail -40 build-fuzz/"$name".log >&2; echo "fuzz: $name FAILED" >&2; exit 1; }
  grep -E "stat::number_of_executed_units" build-fuzz/"$name".log | sed "s/^/fuzz: $name /" >&2 || true
done
echo "fuzz: all ${#fuzzers[@]} targets ran ${per_target}s each without finding a problem" >&2
