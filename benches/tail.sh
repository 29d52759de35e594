#!/usr/bin/env bash
# Viewer benchmark: `hooktap tail` (the release binary) on a large log, under tmux.
#
# Builds a COUNT-delivery database once (examples/fill_db: BODY-byte bodies, nine
# providers, JSON/form/XML/binary bodies, every state, attempts), kept at $BENCH_DB
# for the next run, then drives the real viewer in a 160x40 tmux pane with
# send-keys. The viewer logs every frame and key with its time to the file named
# by HOOKTAP_TAIL_TRACE (a hidden hook for this script), and the figures are:
#
#   first frame   launch (just before tmux starts it) -> first frame showing rows
#   counts        launch -> the status bar's total and shown counts are known
#   picker        `p` -> the provider picker filled (a GROUP BY over the log)
#   filter        Enter on a provider -> its newest rows on screen
#   jump end      `g` -> the oldest page on screen; `G` -> the newest again
#   search        Enter on a search -> the first hit on screen, for a common
#                 term and for one unique id near the start (the worst case:
#                 the scan runs newest to oldest over every body)
#   peak RSS      VmHWM of the viewer after all of that
#
# Goals (issue): first frame < 150 ms, filter < 200 ms, jump < 100 ms, first
# search hit < 500 ms, RSS < 60 MB. Knobs: COUNT, BODY, BENCH_DB, BIN.
set -euo pipefail
cd "$(dirname "$0")/.."
COUNT=${COUNT:-1000000}
BODY=${BODY:-1024}
DB=${BENCH_DB:-${TMPDIR:-/tmp}/hooktap-tail-bench-$COUNT.db}
command -v tmux >/dev/null || { echo "tail.sh needs tmux: apt-get install -y tmux" >&2; exit 2; }

if [ -z "${BIN:-}" ]; then
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
  echo "building release binaries..." >&2
  cargo build --release --quiet --bin hooktap --example fill_db
  BIN=$CARGO_TARGET_DIR/release
fi
if [ ! -f "$DB" ]; then
  echo "filling $DB with $COUNT deliveries..." >&2
  "$BIN/examples/fill_db" "$DB" "$COUNT" "$BODY"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hooktap-tail-bench.XXXXXX")
SOCK=hooktap-tail-bench-$$
TRACE=$WORK/trace
cleanup() { tmux -L "$SOCK" kill-server 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

now_us() { date +%s%6N; }
# The first trace line at or after $1 (µs) matching the extended regex $2, waited for up to 120 s.
wait_line() {
  local since=$1 pattern=$2 deadline=$(( $(date +%s) + 120 )) line
  while :; do
    line=$(awk -v s="$since" -v p="$pattern" '$1 >= s && $0 ~ p { print; exit }' "$TRACE" 2>/dev/null || true)
    [ -n "$line" ] && { echo "$line"; return; }
    [ "$(date +%s)" -lt "$deadline" ] || { echo "timed out waiting for /$pattern/; trace tail:" >&2; tail -5 "$TRACE" >&2; exit 1; }
    sleep 0.005
  done
}
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f ms", (b - a) / 1000 }'; }
keys() { tmux -L "$SOCK" send-keys -t b "$@"; }
# Sends key $1 and prints when the viewer read it (its trace line says `key $2`).
press() { local sent line; sent=$(now_us); keys "$1"; line=$(wait_line "$sent" " key $2\$"); echo "${line%% *}"; }

size=$(du -m "$DB" | cut -f1)
echo "database: $DB, $COUNT deliveries, ${size} MiB"
# Cold cache is not the case measured: the viewer is opened on a log the relay is writing.
cat "$DB" > /dev/null

start=$(now_us)
tmux -L "$SOCK" new-session -d -x 160 -y 40 -s b \
  "exec env HOOKTAP_TAIL_TRACE=$TRACE NO_COLOR= HOME=$WORK XDG_CONFIG_HOME=$WORK $BIN/hooktap --db $DB tail"
first=$(wait_line "$start" 'frame rows=[1-9]')
echo "first frame:      $(ms "$start" "${first%% *}")"
counted=$(wait_line "$start" 'shown=[0-9]+ total=[0-9]+')
echo "counts known:     $(ms "$start" "${counted%% *}")"
pid=$(tmux -L "$SOCK" list-panes -t b -F '#{pane_pid}')

t=$(press p "Char[(]'p'[)]")
picked=$(wait_line "$t" 'mode=picker:[1-9]')
echo "provider picker:  $(ms "$t" "${picked%% *}")"
keys Down
t=$(press Enter Enter)
filtered=$(wait_line "$t" 'frame rows=[1-9][0-9]* loading=false .*mode=table')
echo "provider filter:  $(ms "$t" "${filtered%% *}")"

t=$(press BSpace Backspace)
wait_line "$t" 'frame rows=[1-9][0-9]* loading=false' > /dev/null
t=$(press g "Char[(]'g'[)]")
top=$(wait_line "$t" 'frame rows=[1-9][0-9]* loading=false selected=1 ')
echo "jump to oldest:   $(ms "$t" "${top%% *}")"
t=$(press G "Char[(]'G'[)]")
bottom=$(wait_line "$t" 'frame rows=[1-9][0-9]* loading=false selected=[0-9][0-9][0-9][0-9]+')
echo "jump to newest:   $(ms "$t" "${bottom%% *}")"

for term in charge.failed evt_0000000042; do
  keys /
  keys -l "$term"
  t=$(press Enter Enter)
  hit=$(wait_line "$t" 'frame rows=[1-9]')
  echo "search $term: $(ms "$t" "${hit%% *}") to the first hit"
  wait_line "$t" 'frame rows=[0-9]+ loading=false' > /dev/null
  t=$(press BSpace Backspace)
  wait_line "$t" 'frame rows=[1-9][0-9]* loading=false' > /dev/null
done

echo "peak RSS:         $(awk '/VmHWM/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$pid/status")"
keys q
