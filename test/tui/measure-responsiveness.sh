#!/usr/bin/env bash
# Measures the TUI while a big capture loads (tmux, 160x45): time to the first rows, then
# key latency (press `i`, wait for the stats screen; Esc, wait for the list) several times
# during the load, and the time until the progress bar is gone.
#   test/tui/measure-responsiveness.sh FILE [ROUNDS] [GAP_S]
# GAP_S (default 0.3) spaces the rounds: use a few seconds on a big file to sample the whole load.
# With TRACE=FILE the UI writes its own timings there (keys, draws, paced refreshes, event loop
# delay at exit: see src/tui/trace.ts).
set -euo pipefail
FILE=$1; ROUNDS=${2:-5}; GAP=${3:-0.3}
S=st-measure-$$
ENTRY=$(cd "$(dirname "$0")/../.." && pwd)/dist/tui/run-for-test.js
trap 'tmux kill-session -t "$S" 2>/dev/null || true' EXIT
now() { date +%s%N; }
ms() { echo $(( ($2 - $1) / 1000000 )); }
wait_for() { # pattern [timeout_s]
  local end=$(( $(date +%s) + ${2:-120} ))
  while (( $(date +%s) < end )); do
    tmux capture-pane -p -t "$S" | grep -q -- "$1" && return 0
    sleep 0.005
  done
  echo "timeout waiting for $1" >&2; return 1
}
t0=$(now)
tmux new-session -d -s "$S" -x 160 -y 45 "SIPTRACE_TUI_TRACE='${TRACE:-}' node $ENTRY '$FILE'"
wait_for 'Calls: [1-9]'
t1=$(now); echo "first rows: $(ms "$t0" "$t1") ms"
# the end of the load is watched in the background (the rounds may outlast it)
DONE=$(mktemp); trap 'tmux kill-session -t "$S" 2>/dev/null || true; rm -f "$DONE"' EXIT
# done: the list is shown (not a round's stats screen) and its header has no progress bar
loaded() { local p; p=$(tmux capture-pane -p -t "$S"); grep -q 'Filter: ' <<<"$p" && ! head -1 <<<"$p" | grep -q '%'; }
( until loaded; do sleep 0.05; done; now > "$DONE" ) &
WATCH=$!
for i in $(seq 1 "$ROUNDS"); do
  loading=$(tmux capture-pane -p -t "$S" | head -1 | grep -o '\] [0-9]*%' || echo 'done')
  a=$(now); tmux send-keys -t "$S" i; wait_for 'Calls by state' 10; b=$(now)
  tmux send-keys -t "$S" Escape; wait_for 'Filter: ' 10; c=$(now)
  echo "key round $i (load $loading): i -> stats $(ms "$a" "$b") ms, Esc -> list $(ms "$b" "$c") ms"
  sleep "$GAP"
done
wait "$WATCH"; t2=$(cat "$DONE"); echo "load complete on screen: $(ms "$t0" "$t2") ms ($(tmux capture-pane -p -t "$S" | head -1 | grep -o 'Calls: [0-9/]*'))"
a=$(now); tmux send-keys -t "$S" G; sleep 0.01; tmux send-keys -t "$S" Enter; wait_for 'Call flow: call' 10; b=$(now)
echo "after load: G then Enter -> flow $(ms "$a" "$b") ms"
tmux send-keys -t "$S" q
sleep 0.5
