#!/usr/bin/env bash
# Determinism pinned across builds: every run of the bundled corpus must give the verdict and
# trace hash recorded in scenarios/pinned-trace-hashes.txt, in a Debug, Release or sanitizer
# build alike. A change that moves a hash shows up in review as a change to that file, and
# its commit says why:
#   harness/tests/cli/pinned_hashes.sh build/dev/harness/cli/stutter . --update
#
# Usage: pinned_hashes.sh STUTTER SOURCE_DIR [--update]
set -euo pipefail

if [[ $# -lt 2 || $# -gt 3 || ( $# -eq 3 && $3 != --update ) ]]; then
  echo "usage: $0 STUTTER SOURCE_DIR [--update]" >&2
  exit 2
fi
stutter=$(realpath "$1") src=$2 update=${3:-}
pinned=scenarios/pinned-trace-hashes.txt
cd "$src"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# One line per run: verdict, scenario, seed, implementation (if not the reference), trace
# hash and invariant, in the run's deterministic order (-v prints them so).
"$stutter" run scenarios -v >"$tmp/run.out" 2>&1 || true
grep -E '^[A-Z_]+  [^ ]+ \[seed [0-9]+\]' "$tmp/run.out" >"$tmp/got" || true
if [[ ! -s $tmp/got ]]; then
  echo "FAIL: stutter run printed no runs; its output:" >&2
  sed 's/^/    /' "$tmp/run.out" >&2
  exit 1
fi

if [[ $update == --update ]]; then
  {
    echo "# Verdict and trace hash of every run of the bundled corpus (harness/tests/cli/pinned_hashes.sh)."
    echo "# Regenerate with --update when a change moves them on purpose, and say why in its commit."
    cat "$tmp/got"
  } >"$pinned"
  echo "wrote $pinned: $(wc -l <"$tmp/got") runs"
  exit 0
fi

grep -v '^#' "$pinned" >"$tmp/want"
if ! diff -u "$tmp/want" "$tmp/got" >"$tmp/diff"; then
  echo "FAIL: runs differ from $pinned (- pinned, + this build):" >&2
  cat "$tmp/diff" >&2
  echo "If the change is intended: $0 STUTTER SOURCE_DIR --update, and say why in the commit." >&2
  exit 1
fi
echo "all $(wc -l <"$tmp/got") runs match $pinned"
