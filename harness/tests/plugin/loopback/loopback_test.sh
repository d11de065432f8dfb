#!/usr/bin/env bash
# The loopback plug-in (the reference stack through the plug-in ABI) must get the verdict the
# reference gets in every run of the bundled corpus, at the client end and at the server end.
#
# Usage: loopback_test.sh STUTTER COMPARE LOOPBACK OPENSSL_NAMES BROKEN_PHASES BROKEN_TLS IGNORES_CLOSE_CODE
#                         KNOWN CORPUS OUT
#
#  1. The corpus as is (the reference in each scenario's own place), and the corpus with the
#     reference placed at each end (--implementation stutter@END): the placed runs of the
#     scenarios whose peer is the reference observe the same outcome and trace as in place.
#  2. The corpus with the loopback plug-in at each end (--implementation plugin:LOOPBACK@END;
#     in process, for speed): every run has the verdict and invariant of the placed
#     reference run (both had their expectations replaced the same way, so wslay's and the
#     mutants' scenarios compare too), unless KNOWN describes the difference as a host-adapter
#     bug; at least 150 runs per end, websocket and tls among them.
#  3. The variant that reports OpenSSL's version names (OPENSSL_NAMES) over scenarios/tls: the
#     same, so the tls-version-name entry of KNOWN is the only cause of those differences.
#  4. Vacuity: the broken builds (a bit flipped in what the framing phases / the tls layer
#     deliver) fail most runs of every category at each end, so the plug-in's code is what runs.
#  5. Detection: the build whose client close ignores its code fails close.orderly where the
#     reference's mutant of the same bug does (KNOWN may excuse a miss as a host bug).
#  6. Isolation: a subset again in worker processes gives the same verdicts and trace hashes.
set -euo pipefail
stutter=$1 compare=$2 loopback=$3 openssl_names=$4 broken_phases=$5 broken_tls=$6 ignores_close_code=$7 known=$8
corpus=$9 out=${10}
rm -rf "$out"
mkdir -p "$out"
failures=0

# stutter run exits 1 when a run fails (the comparison judges that); 2 and up is broken input.
run() {
  local json=$1
  shift
  local status=0
  "$stutter" run "$@" --json "$json" >"${json%.json}.txt" 2>&1 || status=$?
  if [[ $status -gt 1 || ! -s $json ]]; then
    echo "FAIL: stutter run $* --json $json exited $status:"
    tail -20 "${json%.json}.txt"
    exit 1
  fi
  echo "ran: stutter run $* -> $(tail -1 "${json%.json}.txt")"
}

check() {
  if ! "$@"; then
    echo "FAIL: $(basename "$1") ${*:2}"
    failures=$((failures + 1))
  fi
}

run "$out/reference.json" "$corpus"
for end in client server; do
  run "$out/reference-$end.json" "$corpus" --implementation "stutter@$end"
  check "$compare" own "$out/reference.json" "$out/reference-$end.json"

  # At the client the loopback has the reference writer's known bug (expectations-client.json).
  expectations=()
  [[ $end == client ]] && expectations=(--expectations "$(dirname "$0")/expectations-client.json")
  run "$out/loopback-$end.json" "$corpus" --implementation "plugin:$loopback@$end" --no-isolate "${expectations[@]}"
  check "$compare" same "$known" "$out/reference-$end.json" "$out/loopback-$end.json" loopback --min-runs 150 \
    --category line:5 --category length:5 --category handover:2 --category websocket:100 --category tls:40

  run "$out/openssl-names-$end.json" "$corpus/tls" --implementation "plugin:$openssl_names@$end" --no-isolate
  check "$compare" same "$known" "$out/reference-$end.json" "$out/openssl-names-$end.json" loopback-openssl-names \
    --only tls --category tls:40

  run "$out/broken-phases-$end.json" "$corpus/line" "$corpus/length" "$corpus/handover" "$corpus/websocket" \
    --implementation "plugin:$broken_phases@$end" --no-isolate
  check "$compare" broken "$out/broken-phases-$end.json" line:0.5 length:0.5 handover:0.5 websocket:0.4
  run "$out/broken-tls-$end.json" "$corpus/tls" --implementation "plugin:$broken_tls@$end" --no-isolate
  check "$compare" broken "$out/broken-tls-$end.json" tls:0.5
done

# A close that ignores its code is caught, as the reference's mutant ws_ignores_close_code is
# (harness/tests/websocket/corpus_test.cpp), in every scenario where the client closes first
# with a code other than 1000.
closes=()
for f in "$corpus"/websocket/7-close/ws-7.1-close-*.json; do
  name=$(basename "$f" .json)
  [[ $name == ws-7.1-close-1000 ]] || closes+=("$name")
done
run "$out/ignores-close-code.json" "$corpus/websocket/7-close" --implementation "plugin:$ignores_close_code@client" --no-isolate
check "$compare" caught "$known" "$out/ignores-close-code.json" loopback-ignores-close-code close.orderly "${closes[@]}"

run "$out/loopback-server-isolated.json" "$corpus/tls" "$corpus/websocket" "$corpus/handover" \
  --implementation "plugin:$loopback@server" --isolate
check "$compare" isolated "$out/loopback-server.json" "$out/loopback-server-isolated.json"

if [[ $failures -gt 0 ]]; then
  echo "loopback: $failures checks failed (results under $out)"
  exit 1
fi
echo "loopback: every check passed"
