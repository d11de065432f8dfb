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
cp scenarios/malformed/bad-peer-name.json.bad "$work/bad.json"
expect_exit 2 "malformed scenario" -- "$stutter" run "$work/bad.json"
expect_text "$work/err" "$work/bad.json: /peer: invalid implementation name" "malformed scenario message"
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

# Exhaustive small scope: the reference survives every one-fault schedule of a scenario; a
# mutant whose bug needs one short write is found, shrunk and saved, and its file replays.
expect_exit 0 "exhaustive depth 1 with the reference" -- "$stutter" explore --exhaustive scenarios/length/u32-clean.json \
  --out "$work/exhaustive"
expect_text "$work/out" "schedules with at most 1 fault: 0 failures" "exhaustive states its guarantee"
expect_exit 1 "exhaustive finds the short-write mutant" -- "$stutter" explore --exhaustive \
  scenarios/length/u32-clean.json --implementation mutant:short-write-is-complete --out "$work/exhaustive"
expect_text "$work/out" "bytes.exact" "exhaustive names the invariant"
expect_exit 1 "replay of the exhaustive failure" -- "$stutter" replay "$work/exhaustive/length-u32-clean-shrunk.json"
expect_exit 2 "exhaustive with an unknown fault kind" -- "$stutter" explore --exhaustive scenarios/length/u32-clean.json \
  --kinds eagain_read,frobnicate
expect_exit 2 "exhaustive with --stack" -- "$stutter" explore --exhaustive scenarios/length/u32-clean.json --stack line
expect_exit 2 "explore without --stack or --exhaustive" -- "$stutter" explore --seeds 3

# An explore job's results keep its failures only; its totals count every run, and the report
# merging it with a corpus run counts both.
expect_exit 1 "explore --keep-going writes results" -- "$stutter" explore --stack line,length \
  --implementation mutant:drops-handover-bytes --seeds 0..40 --keep-going --out "$work/kept" --json "$work/explore.json"
found=$(grep -o '[0-9]* failures' "$work/out" | head -1 | cut -d' ' -f1)
kept=$(grep -c '"explore": true' "$work/explore.json")
[[ -n "$found" && "$found" -gt 0 && "$kept" == "$found" ]] || { echo "FAIL: explore kept $kept results for $found failures"; failures=$((failures + 1)); }
expect_text "$work/explore.json" '"implementation": "mutant:drops-handover-bytes"' "explore summary names the implementation"
expect_text "$work/explore.json" '"stack": "line,length"' "explore summary names the stack"
expect_text "$work/explore.json" '"last": 40' "explore summary has the seed range"
# 41 runs: the summary's and the explore totals' run counts, and no passing sample rows.
[[ $(grep -c '"runs": 41,' "$work/explore.json") == 2 ]] || { echo "FAIL: explore totals do not count 41 runs"; failures=$((failures + 1)); }
if grep -q '"verdict": "pass"' "$work/explore.json"; then echo "FAIL: explore kept passing runs"; failures=$((failures + 1)); fi
corpus_runs=$(grep -o '"runs": [0-9]*' "$work/r.json" | head -1 | cut -d' ' -f2)
expect_exit 0 "report merges a corpus run and an explore" -- "$stutter" report "$work/r.json" "$work/explore.json" \
  -o "$work/merged" --merged-json "$work/merged.json"
total=$((corpus_runs + 41))
expect_text "$work/out" "($total runs," "report counts every run"
expect_text "$work/merged/index.html" "<dd class=\"runs-total\">$total</dd>" "report index counts every run"
expect_text "$work/merged/index.html" '<dd class="runs-explore">41</dd>' "report index counts explore runs"
expect_text "$work/merged/index.html" '<tr class="explore-row" data-stack="line,length">' "report has the explore table"
expect_text "$work/merged.json" "\"runs\": $total," "merged summary counts every run"

# A nondeterministic implementation is caught by the double run, with the first difference.
sed -e 's/"name": "line-lf-clean"/"name": "nondeterministic"/' -e 's/"seed": 1,/"seed": 1,\n  "peer": "mutant:nondeterministic",/' \
  scenarios/line/lf-clean.json >"$work/nd.json"
expect_exit 1 "determinism mismatch fails the run" -- "$stutter" run "$work/nd.json" -v
expect_text "$work/out" "determinism.trace" "mismatch names determinism.trace"
expect_text "$work/out" "trace differs at event" "mismatch shows the first differing event"

echo "$((failures == 0 ? 1 : 0)) passed, $failures failed"
[[ "$failures" -eq 0 ]]
