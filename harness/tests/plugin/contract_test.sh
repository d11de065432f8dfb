#!/usr/bin/env bash
# A plug-in that breaks the stream contract gets a failure that names the breach (contract.*),
# never a crash of the harness. Usage: contract_test.sh STUTTER SOURCE_DIR PLUGIN_DIR
set -euo pipefail
stutter=$1
src=$2
plugins=$3
scenario="$src/scenarios/line/lf-clean.json"
failures=0

expect_breach() {  # plug-in file, invariant, words of the message[, scenario]
  local out status=0
  out=$("$stutter" run "${4:-$scenario}" --implementation "plugin:$plugins/$1@server" 2>&1) || status=$?
  if [[ $status -ne 1 ]] || ! grep -q "$2" <<<"$out" || ! grep -qF "$3" <<<"$out"; then
    echo "FAIL: $1: expected exit 1 with $2 and \"$3\", got exit $status:"
    echo "$out"
    failures=$((failures + 1))
  else
    echo "ok: $1 -> $2"
  fi
}

expect_breach contract_short_ok.so contract.result "not the whole"
expect_breach contract_overclaim.so contract.result "for a message of"
expect_breach contract_status.so contract.result "status 42"
expect_breach contract_thread.so contract.reentrant "from a thread of its own"
expect_breach contract_zero.so contract.result "ok(0) for a non-empty request" "$(dirname "$0")/sticky.json"
expect_breach contract_sticky.so contract.sticky_error "after it had failed with boom" "$(dirname "$0")/sticky.json"
exit $((failures > 0))
