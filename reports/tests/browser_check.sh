#!/usr/bin/env bash
# Renders the showcase report and checks it in a real headless Chromium: the DOM after scripts
# ran (matrix cells and columns, verdict counts, explore totals, no injected script element,
# filters live), the failing run's
# page (replay command, timeline), and screenshots kept beside the DOM dumps as artifacts.
# Usage: browser_check.sh RENDER_SHOWCASE_PROGRAM OUT_DIR
set -euo pipefail

program=$1
out=$2
browser=${STUTTER_CHROMIUM:-chromium}

if ! command -v "$browser" >/dev/null 2>&1; then
  echo "browser_check: '$browser' is not installed; run ci/install-deps (it installs Debian's chromium)" >&2
  exit 1
fi

rm -rf "$out"
mkdir -p "$out"
report="$out/report"
"$program" "$report"

profiles=()
cleanup() { rm -rf "${profiles[@]}"; }
trap cleanup EXIT

# One fresh profile per launch; chromium's own chatter goes to a log kept with the artifacts.
browse() {
  local profile
  profile=$(mktemp -d)
  profiles+=("$profile")
  timeout 60 "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
    --disable-component-update --no-first-run --user-data-dir="$profile" "$@" 2>>"$out/chromium.log"
}

failures=0
check() {  # check DESCRIPTION FILE EXTENDED_REGEX [EXPECTED_COUNT]
  local what=$1 file=$2 pattern=$3 want=${4:-}
  local got
  got=$({ grep -oE -- "$pattern" "$file" || true; } | wc -l)
  if [[ -z "$want" && "$got" -gt 0 ]] || [[ -n "$want" && "$got" -eq "$want" ]]; then
    echo "ok: $what"
  else
    echo "FAILED: $what (pattern '$pattern' matched $got times${want:+, wanted $want}) in $file" >&2
    failures=$((failures + 1))
  fi
}

index="file://$(realpath "$report")/index.html"
failing_page="runs/ws-upgrade-overread-stutter-0.html"
script_page=$(cd "$report/runs" && ls | grep '^_script_alert_1___script_' | head -n 1)
failing="file://$(realpath "$report")/$failing_page"

browse --dump-dom "$index" >"$out/index.dom.html"
dom="$out/index.dom.html"
check "the report's script ran" "$dom" '<html lang="en" data-js="ready">' 1
# 15 scenarios by 5 columns (implementation and role), every cell present.
check "every matrix cell is present" "$dom" '<td class="cell ' 75
check "missing runs are explicit not-run cells" "$dom" '<td class="cell not-run" title="[^"]*: not run"><span class="vname">not run</span></td>' 51
check "the plug-in's column is named by its identity and role" "$dom" '<th scope="col" title="plugin:[^"]*">cframe @ server</th>' 1
check "the plug-in's missing scenario is marked" "$dom" 'title="ws-fragmented-text × cframe @ server: not run"' 1
for v in pass fail hang xpass non_strict unimplemented informational xfail crash; do
  check "a matrix cell has verdict class v-$v" "$dom" "<td class=\"cell v-$v\""
done
# 31 results and 9,000 explore runs (the kept explore failure is one of them).
check "runs counted, explore included" "$dom" '<dd class="runs-total">9031</dd>' 1
check "pass count" "$dom" 'data-verdict="pass"><span class="n">9021</span>' 1
check "fail count" "$dom" 'data-verdict="fail"><span class="n">3</span>' 1
check "hang count" "$dom" 'data-verdict="hang"><span class="n">1</span>' 1
check "crash count" "$dom" 'data-verdict="crash"><span class="n">1</span>' 1
check "explore totals, one row per stack and implementation" "$dom" '<tr class="explore-row" data-stack="line,length">' 2
check "the explore failure links to its run page" "$dom" \
  '<td class="num failures">1<span class="seeds"><a class="v-fail" href="runs/explore-line_length-7[^"]*\.html"' 1
check "the failing cell links to its page" "$dom" "<a class=\"vname\" href=\"$failing_page\">fail</a>" 1
check "filters were revealed" "$dom" '<form class="filters">' 1
check "only the report's own script element" "$dom" '<script' 1
check "the planted script did not become an element" "$dom" '<script>alert' 0
check "the planted name shows as text" "$dom" '&lt;script&gt;alert\(1\)&lt;/script&gt;'
check "coverage warns about a fault that never fired" "$dom" '<li class="warning" data-fault="one_byte">' 1
check "no warning for a fault that fired" "$dom" 'data-fault="eagain_read"' 0

# Filters preset from the query string: websocket failures only.
browse --dump-dom "$index?verdict=fail&category=websocket" >"$out/index-filtered.dom.html"
filtered="$out/index-filtered.dom.html"
check "other categories hidden by the filter" "$filtered" '<tbody class="category" data-category="[a-z]+" hidden="">' 4
check "the websocket category stays" "$filtered" '<tbody class="category" data-category="websocket">' 1
check "scenarios without a failure hidden" "$filtered" '<tr class="scenario-row" data-verdicts="[a-z_ ]+" hidden="">' 12
check "one failing run left in the runs table" "$filtered" '<tr data-category="[^"]*" data-verdicts="[a-z_]+">' 1

browse --dump-dom "$failing" >"$out/failure.dom.html"
page="$out/failure.dom.html"
check "replay command on the failure page" "$page" \
  '<code id="replay-command">stutter replay scenarios/websocket/ws-upgrade-overread.json --seed 0</code>' 1
check "copy button revealed" "$page" '<button type="button" class="copy" data-copy="replay-command">' 1
check "timeline drawn" "$page" '<svg class="timeline"' 1
check "faults marked on the timeline" "$page" '<g class="ev r-[a-z]+ fault">'
check "first differing byte highlighted" "$page" '<span class="first">'

if [[ -z "$script_page" ]]; then
  echo "FAILED: no run page for the <script> scenario" >&2
  failures=$((failures + 1))
else
  browse --dump-dom "file://$(realpath "$report")/runs/$script_page" >"$out/script-run.dom.html"
  check "no injected script on the <script> run's page" "$out/script-run.dom.html" '<script' 1
fi

browse --screenshot="$out/index.png" --window-size=1400,1000 "$index" >/dev/null
browse --screenshot="$out/failure.png" --window-size=1400,1000 "$failing" >/dev/null
# Whole pages as well (a tall window: headless screenshots show the viewport only).
browse --screenshot="$out/index-full.png" --window-size=1400,2800 "$index" >/dev/null
browse --screenshot="$out/failure-full.png" --window-size=1400,2600 "$failing" >/dev/null
for shot in index failure index-full failure-full; do
  if [[ "$(head -c 8 "$out/$shot.png" 2>/dev/null | od -An -tx1 | tr -d ' \n')" == "89504e470d0a1a0a" ]]; then
    echo "ok: screenshot $out/$shot.png"
  else
    echo "FAILED: no screenshot at $out/$shot.png" >&2
    failures=$((failures + 1))
  fi
done

if [[ $failures -gt 0 ]]; then
  echo "browser_check: $failures check(s) failed; artifacts in $out" >&2
  exit 1
fi
echo "browser_check: all checks passed; artifacts in $out"
