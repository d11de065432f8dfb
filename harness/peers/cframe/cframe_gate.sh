#!/usr/bin/env bash
# The cframe gate: the example plug-in passes the framing and handover corpus and explore,
# its broken variant is caught (handover.exact), bad plug-ins are rejected by name, and a
# stack cframe does not implement is reported `unimplemented`.
#
# Usage: cframe_gate.sh STUTTER CFRAME CFRAME_BROKEN NO_ENTRY WRONG_ABI NO_LAYERS NOT_A_PLUGIN SOURCE_DIR
set -euo pipefail

if [[ $# -ne 8 ]]; then
  echo "usage: $0 STUTTER CFRAME CFRAME_BROKEN NO_ENTRY WRONG_ABI NO_LAYERS NOT_A_PLUGIN SOURCE_DIR" >&2
  exit 2
fi
stutter=$1 cframe=$2 broken=$3 no_entry=$4 wrong_abi=$5 no_layers=$6 not_a_plugin=$7 src=$8

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
# expect_in NAME TEXT: the output of run NAME contains TEXT.
expect_in() {
  grep -qF -- "$2" "$tmp/$1.out" || {
    fail "$1: output lacks \"$2\"; it was:"
    sed 's/^/    /' "$tmp/$1.out" >&2
  }
}

# The framing and handover corpus, plus cframe's own handover scenario (a held first read,
# so the line phase surely reads the length records with its last line).
corpus=(scenarios/line scenarios/length scenarios/handover harness/peers/cframe/scenarios)

if run corpus 0 run "${corpus[@]}" --implementation "plugin:$cframe"; then
  expect_in corpus " passed, 0 failed"
  grep -qE '^stutter: [1-9][0-9]* runs:' "$tmp/corpus.out" || fail "corpus: the summary shows no runs"
fi

if run broken 1 run "${corpus[@]}" --implementation "plugin:$broken"; then
  expect_in broken "handover.exact"
fi

run explore 0 explore --stack line,length --implementation "plugin:$cframe" --seeds 300 || true

# Bad plug-ins: exit 2 with a message naming the file and what is wrong.
bad_check() {
  local name=$1 path=$2 what=$3
  if run "$name" 2 run scenarios/line --implementation "plugin:$path"; then
    expect_in "$name" "$path: $what"
  fi
}
bad_check no_entry "$no_entry" "exports no stutter_plugin_entry function"
bad_check wrong_abi "$wrong_abi" "it speaks plug-in ABI version 99"
bad_check no_layers "$no_layers" "it declares no layer"
bad_check not_a_plugin "$not_a_plugin" "not a loadable shared object"

# A stack cframe does not implement: unimplemented, which does not fail the gate.
if run websocket 0 run scenarios/websocket/1-framing/ws-1.1.1-text-0.json --implementation "plugin:$cframe" -v; then
  expect_in websocket "UNIMPLEMENTED"
  expect_in websocket "unimplemented"
  expect_in websocket "does not implement"
fi

if [[ $failures -ne 0 ]]; then
  echo "cframe gate: $failures check(s) failed" >&2
  exit 1
fi
echo "cframe gate: all checks passed"
