#!/usr/bin/env bash
# Isolated execution (harness/cli/isolation.hpp): the same results as in process, and a
# plug-in that crashes, loops or allocates without bound becomes a verdict while the run
# goes on. Usage: isolation_test.sh STUTTER SOURCE_DIR SEGV_PLUGIN LOOP_PLUGIN ALLOC_PLUGIN LEAK_PLUGIN
set -u
stutter="$1"
src="$2"
segv="$3"
loop="$4"
alloc="$5"
leak="$6"
# An AddressSanitizer build (ci/test) limits memory with ASan's hard_rss_limit_mb and reports
# leaks with LeakSanitizer.
asan=0
if ldd "$stutter" 2>/dev/null | grep -q libasan; then asan=1; fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
failures=0
cd "$src" || exit 2

fail() {
  echo "FAIL: $1"
  sed 's/^/  | /' "$work/out" "$work/err" 2>/dev/null | head -30
  failures=$((failures + 1))
}
run() {  # run WANT_EXIT DESCRIPTION -- command...
  local want="$1" what="$2"
  shift 3
  "$@" >"$work/out" 2>"$work/err"
  local got=$?
  if [[ "$got" != "$want" ]]; then fail "$what: exit $got, wanted $want"; else echo "ok: $what"; fi
}
has() {  # has FILE TEXT DESCRIPTION
  grep -qF -- "$2" "$1" || fail "$3: no \"$2\" in $1"
}
count() {  # count FILE TEXT: lines holding TEXT
  grep -cF -- "$2" "$1"
}
# The results document without its wall-clock durations.
normalised() { grep -v '"duration_ms"' "$1"; }

# (a) isolated and in-process runs give the same document (trace hashes, verdicts, messages,
# and the timelines and wire bytes of the runs that did not pass: the mutants' xfails).
corpus=(scenarios/line scenarios/mutants scenarios/handover scenarios/faults)
run 0 "corpus isolated" -- "$stutter" run "${corpus[@]}" --isolate -j2 --json "$work/iso.json" -q
run 0 "corpus in process" -- "$stutter" run "${corpus[@]}" --no-isolate --json "$work/in.json" -q
if ! diff <(normalised "$work/iso.json") <(normalised "$work/in.json") >"$work/out"; then
  fail "isolated results differ from in-process ones"
fi
has "$work/iso.json" '"trace_hash"' "results carry trace hashes"
has "$work/iso.json" '"verdict": "xfail"' "the corpus has runs with timelines"

# (b) a segfault on the first receive: every run that receives is a crash naming SIGSEGV, exit 1,
# and every scenario is still reported; JUnit counts crashes as failures (e).
run 1 "segfaulting plug-in" -- "$stutter" run scenarios/line --implementation "plugin:$segv" \
  --json "$work/segv.json" --junit "$work/segv.xml"
runs=$(ls scenarios/line/*.json | wc -l)
[[ $(count "$work/out" "CRASH  ") -ge $runs ]] || fail "segv: fewer crashes than scenarios"
has "$work/out" "SIGSEGV" "segv: message names the signal"
has "$work/out" "runs:" "segv: the summary is printed"
reported=$(grep -o '"verdict": *"[a-z_]*"' "$work/segv.json" | wc -l)
[[ $reported -ge $((2 * runs)) ]] || fail "segv: $reported runs reported, wanted $((2 * runs))"
crashes=$(grep -c 'crash:' "$work/segv.xml")
junit_failures=$(grep -o '<testsuites[^>]*failures="[0-9]*"' "$work/segv.xml" | grep -o 'failures="[0-9]*"' | grep -o '[0-9]*')
[[ -n "$junit_failures" && "$junit_failures" -ge $runs && $crashes -ge 1 ]] ||
  fail "junit: crash not counted as a failure (failures=$junit_failures)"
# The trace tail: a crash is re-run in a fresh worker that streams its trace events, so the
# crash result has a timeline (the events before the crash; none when the plug-in's first call
# is the receive that crashes) and the message shows the last ones.
# (Result keys are sorted: an entry's "timeline" comes before its "verdict".)
crash_timelines() {  # FILE: "CRASHES WITH_TIMELINE"
  awk '/"timeline": \[\]/ {tl = 0} /"timeline": \[$/ {tl = 1}
    /"verdict": "crash"/ {n++; if (tl) t++; tl = 0} END {print n + 0, t + 0}' "$1"
}
read -r crashed with_timeline < <(crash_timelines "$work/segv.json")
[[ $crashed -ge $runs && $with_timeline -ge 1 ]] || fail "segv: $with_timeline of $crashed crash results have a timeline"
has "$work/out" "trace before the crash (a re-run in a fresh worker" "segv: the message shows the trace tail"
has "$work/out" '"layer":"socket","op":"write"' "segv: the tail holds trace events"
# lf-clean with the plug-in at the server: the client's send comes first, then the crash.
run 1 "segfaulting plug-in, one run" -- "$stutter" run scenarios/line/lf-clean.json --implementation "plugin:$segv@server" \
  --json "$work/segv1.json"
[[ "$(crash_timelines "$work/segv1.json")" == "1 1" ]] || fail "segv: the crash result has no timeline"
has "$work/out" '"endpoint":"client","layer":"line","op":"send"' "segv: the tail ends with the client's send"

# (c) an endless loop in send: a wall-clock hang, and the other runs complete.
run 1 "looping plug-in" -- "$stutter" run scenarios/line/lf-clean.json scenarios/line/eof-inside-line.json \
  --implementation "plugin:$loop@client" --implementation stutter --wall-timeout 2 -j2
has "$work/out" "wall clock: no answer within 2 s" "loop: wall-clock hang"
has "$work/out" "liveness.progress" "loop: invariant"
has "$work/out" "4 pass, 2 hang" "loop: the other runs complete"
grep -qF "re-run in a fresh worker" "$work/out" && fail "loop: a wall-clock hang is not re-run"

# (d) unbounded allocation: a crash that names the memory limit.
run 1 "allocating plug-in" -- "$stutter" run scenarios/line/lf-clean.json --implementation "plugin:$alloc@server" \
  --memory-limit 512
has "$work/out" "CRASH  " "alloc: crash"
has "$work/out" "memory limit 512 MiB reached" "alloc: names the memory limit"
if [[ $asan -eq 1 ]]; then
  # The limit that ended it is ASan's, not a SEGV that merely happened under it.
  has "$work/out" "AddressSanitizer: hard rss limit exhausted" "alloc (ASan): the RSS limit ended the worker"
  grep -qF "$(printf '\t0x')" "$work/out" && fail "alloc (ASan): the process memory map is in the message"
fi

# (e) under ASan a sanitizer report names itself, however the worker ended (abort_on_error).
if [[ $asan -eq 1 ]]; then
  has "$work/segv.json" "SIGSEGV, reported by AddressSanitizer" "segv (ASan): the report decides the message"
fi

# (f) a leak in a worker (LeakSanitizer at its exit) is not lost: it is forwarded to stderr and
# fails the command, as the same leak in process would.
if [[ $asan -eq 1 && "${ASAN_OPTIONS:-}" != *detect_leaks=0* ]]; then
  run 1 "leaking plug-in (ASan)" -- "$stutter" run scenarios/line/lf-clean.json --implementation "plugin:$leak@server" -q
  has "$work/err" "LeakSanitizer: detected memory leaks" "leak: the worker's report is forwarded"
  has "$work/err" "a worker process reported memory leaks" "leak: the command fails for it"
else
  run 0 "leaking plug-in" -- "$stutter" run scenarios/line/lf-clean.json --implementation "plugin:$leak@server" -q
fi

if [[ $failures -ne 0 ]]; then
  echo "$failures isolation check(s) failed"
  exit 1
fi
echo "all isolation checks passed"
