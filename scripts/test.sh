#!/usr/bin/env bash
# Runs every test: the unit and data-driven tests (CTest), then a short fuzz run of each parser.
set -euo pipefail
cd "$(dirname "$0")/.."
ctest --preset release -j "$(nproc)"
if [[ "${PERIMETER_SKIP_FUZZ:-0}" != 1 && -x scripts/fuzz.sh ]]; then
  bash scripts/fuzz.sh "${PERIMETER_FUZZ_SECONDS:-60}"
fi
