#!/usr/bin/env bash
# End-to-end checks of the `stutter` command line: exit codes 0/1/2, explore -> shrink ->
# save -> replay, determinism mismatch reporting, shards, jobs, JUnit and report output.
# Usage: cli_end_to_end.sh STUTTER SOURCE_DIR
set -u
stutter="$1"
src="$2"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0

expect_exit() {  # expect_exit WANT DESCRIPTION -- command...
  local want="$1" what="$2"
  shift 3
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [[ "$got" != "$want" ]]; then
    echo "FAIL: $what: exit $got, wanted $want"
    sed 's/^/  | /' "$work/out" "$work/err" | head -20
    failures=$((failures + 1))
  else
    echo "ok: $what"
  fi
}
expect_text() {  # expect_text FILE TEXT DESCRIPTION
  if ! grep -qF -- "$2" "$1"; then
    echo "FAIL: $3: no \"$2\" in output"
    sed 's/^/  | /' "$1" | head -20
    failures=$((failures + 1))
  fi
}

cd "$src"

expect_exit 0 "list" -- "$stutter" list
expect_exit 2 "unknown subcommand is a usage error" -- "$stutter" frobnicate
expect_exit 2 "bad shard is a usage error" -- "$stutter" run --shard 0/2 scenarios/line
expect_exit 2 "bad seed range is a usage error" -- "$stutter" run --seeds 9..1 scenarios/line
expect_exit 2 "missing file is bad input" -- "$stutter" run "$work/nope.json"

# A malformed file: exit 2, the message names the file and the JSON pointer.
cp scenarios/malformed/unknown-peer.json.bad "$work/bad.json"
expect_exit 2 "malformed scenario" -- "$stutter" run "$work/bad.json"
expect_text "$work/err" "$work/bad.json: /peer: unknown peer" "malformed scenario message"
expect_exit 2 "validate rejects it too" -- "$stutter" validate "$work/bad.json"

# The Foundation corpus passes, with JSON, JUnit and a report.
expect_exit 0 "run line/length/handover/faults corpus" -- "$stutter" run scenarios/line scenarios/length \
  scenarios/handover scenarios/faults --json "$work/r.json" --junit "$work/r.xml" --report "$work/report"
expect_text "$work/out" "passed, 0 failed" "closing line"
expect_text "$work/r.json" '"format": "stutter-results"' "results document"
expect_text "$work/r.xml" '<testsuites name="stutter"' "junit"
[[ -f "$work/report/index.html" ]] || { echo "FAIL: no report index"; failures=$((failures + 1)); }

# Shards partition the work; --jobs does not change the output.
"$stutter" run scenarios/line --seeds 0..3 -v >"$work/all" 2>&1
"$stutter" run scenarios/line --seeds 0..3 -v --jobs 2 >"$work/all-jobs" 2>&1
cmp -s "$work/all" "$work/all-jobs" || { echo "FAIL: --jobs 2 changed the output"; failures=$((failures + 1)); }
"$stutter" run scenarios/line --seeds 0..3 -v --shard 1/2 >"$work/s1" 2>&1
"$stutter" run scenarios/line --seeds 0..3 -v --shard 2/2 >"$work/s2" 2>&1
total=$(grep -c '^PASS' "$work/all")
parts=$(( $(grep -c '^PASS' "$work/s1") + $(grep -c '^PASS' "$work/s2") ))
[[ "$total" -gt 0 && "$total" == "$parts" ]] || { echo "FAIL: shards cover $parts of $total runs"; failures=$((failures + 1)); }
echo "ok: shards ($parts of $total runs)"

# Explore a mutant: a failure is found, shrunk, saved; replay and run reproduce it.
expect_exit 1 "explore finds the mutant's bug" -- "$stutter" explore --stack line,length \
  --implementation mutant:drops-handover-bytes --seeds 0..300 --out "$work/found"
expect_text "$work/out" "handover.exact" "explore names the invariant"
saved=$(ls "$work"/found/*.json 2>/dev/null | head -1)
if [[ -z "$saved" ]]; then
  echo "FAIL: explore saved no scenario"; failures=$((failures + 1))
else
  explore_hash=$(grep -o 'trace hash [0-9a-f]*' "$work/out" | head -1 | cut -d' ' -f3)
  expect_exit 1 "replay of the saved failure" -- "$stutter" replay "$saved"
  expect_text "$work/out" "invariant:  handover.exact" "replay names the invariant"
  expect_text "$work/out" "trace hash: $explore_hash" "replay gives the explore trace hash"
  expect_exit 1 "run of the saved failure" -- "$stutter" run "$saved"
  expect_exit 1 "replay writes a JSON Lines trace" -- "$stutter" replay "$saved" --trace "$work/trace.jsonl"
  expect_text "$work/trace.jsonl" '"layer":"socket"' "trace lines"
fi

# A nondeterministic implementation is caught by the double run, with the first difference.
sed -e 's/"name": "line-lf-clean"/"name": "nondeterministic"/' -e 's/"seed": 1,/"seed": 1,\n  "peer": "mutant:nondeterministic",/' \
  scenarios/line/lf-clean.json >"$work/nd.json"
expect_exit 1 "determinism mismatch fails the run" -- "$stutter" run "$work/nd.json" -v
expect_text "$work/out" "determinism.trace" "mismatch names determinism.trace"
expect_text "$work/out" "trace differs at event" "mismatch shows the first differing event"

echo "$((failures == 0 ? 1 : 0)) passed, $failures failed"
[[ "$failures" -eq 0 ]]
