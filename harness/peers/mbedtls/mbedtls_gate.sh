#!/usr/bin/env bash
# The mbedTLS gate: the TLS corpus with mbedTLS at the client and at the server (one run, so
# every entry of the expectations file meets its runs), the mbedTLS scenarios kept beside the
# plug-in, and an explore budget on tls,length at each end. Plug-in runs are isolated in
# worker processes (stutter's default).
#
# Usage: mbedtls_gate.sh STUTTER PLUGIN SOURCE_DIR [EXPLORE_SEEDS]
set -euo pipefail

if [[ $# -lt 3 || $# -gt 4 ]]; then
  echo "usage: $0 STUTTER PLUGIN SOURCE_DIR [EXPLORE_SEEDS]" >&2
  exit 2
fi
stutter=$1 plugin=$2 src=$3 seeds=${4:-200}
here=harness/peers/mbedtls

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run NAME EXPECTED_RC ARGS...: runs stutter from the source dir, output in $tmp/NAME.out.
run() {
  local name=$1 want=$2 rc=0
  shift 2
  (cd "$src" && "$stutter" "$@") >"$tmp/$name.out" 2>&1 || rc=$?
  if [[ $rc -ne $want ]]; then
    fail "$name: stutter $* exited $rc, expected $want; its output:"
    sed 's/^/    /' "$tmp/$name.out" >&2
    return 1
  fi
}
expect_in() {
  grep -qE -- "$2" "$tmp/$1.out" || {
    fail "$1: output lacks /$2/; it was:"
    sed 's/^/    /' "$tmp/$1.out" >&2
  }
}

# The corpus and the plug-in's own scenarios at each end, against the reference at the other.
if run corpus 0 run scenarios/tls "$here/scenarios" --implementation "plugin:$plugin" \
  --expectations "$here/expectations.json"; then
  expect_in corpus ' passed, 0 failed'
  expect_in corpus '^stutter: [1-9][0-9]* runs: .*[1-9][0-9]* pass'
  # TLS 1.3 scenarios are unimplemented for mbedTLS 2.28, never skipped.
  expect_in corpus '[1-9][0-9]* unimplemented'
  expect_in corpus 'determinism ok'
fi

# A TLS 1.3 scenario: create() refuses it and the run says why.
if run tls13 0 run scenarios/tls/truncation-13.json --implementation "plugin:$plugin@client" -v; then
  expect_in tls13 'UNIMPLEMENTED'
  expect_in tls13 'implements TLS 1.2 only'
fi

# Explore at each end.
for end in client server; do
  run "explore-$end" 0 explore --stack tls,length --implementation "plugin:$plugin@$end" --seeds "$seeds" -q || true
done

if [[ $failures -ne 0 ]]; then
  echo "mbedtls gate: $failures check(s) failed" >&2
  exit 1
fi
echo "mbedtls gate: all checks passed"
