#!/usr/bin/env bash
# The README's main job on the bundled sample.
set -euo pipefail
cd "$(dirname "$0")/.."
./build/bin/perimeter simulate samples/simulate/cross_account_s3.json
