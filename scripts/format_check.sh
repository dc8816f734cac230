#!/usr/bin/env bash
# Checks that the C++ files changed since a base revision are formatted as .clang-format says.
#   scripts/format_check.sh [BASE]     BASE defaults to origin/main if it exists, else main.
# Only the changed files are checked, so the check can run before the whole tree is formatted; once
# it is, `scripts/format_check.sh $(git hash-object -t tree /dev/null)` checks every file.
# Exit 0: formatted; 1: a file needs `clang-format -i`; 2: no clang-format or no such base.
set -euo pipefail
cd "$(dirname "$0")/.."

base=${1:-}
if [[ -z $base ]]; then
  if git rev-parse --verify -q origin/main >/dev/null; then base=origin/main; else base=main; fi
fi
if ! git rev-parse --verify -q "$base^{object}" >/dev/null; then
  echo "format-check: no revision '$base'" >&2
  exit 2
fi
formatter=${CLANG_FORMAT:-$(command -v clang-format || true)}
if [[ -z $formatter ]]; then
  echo "format-check: clang-format is not installed (Debian: apt-get install clang-format)" >&2
  exit 2
fi

# Files added, copied, modified or renamed since the merge base, plus uncommitted ones, that still exist.
mapfile -t files < <(
  { git diff --name-only --diff-filter=ACMR "$(git merge-base "$base" HEAD 2>/dev/null || echo "$base")"
    git diff --name-only --diff-filter=ACMR HEAD; } |
    grep -E '\.(cc|h)$' | sort -u | while read -r f; do [[ -f $f ]] && echo "$f"; done)
if [[ ${#files[@]} -eq 0 ]]; then
  echo "format-check: no C++ file changed since $base"
  exit 0
fi
status=0
for f in "${files[@]}"; do
  if ! "$formatter" --style=file --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "format-check: $f is not formatted (clang-format -i $f)"
    status=1
  fi
done
[[ $status -eq 0 ]] && echo "format-check: ${#files[@]} changed file(s) formatted"
exit $status
