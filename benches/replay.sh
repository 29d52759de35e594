#!/usr/bin/env sh
# Throughput of `hooktap replay` against `hooktap send`, same target, same 1 KiB body,
# same run: prints deliveries/s for both and their ratio, then replay's peak RSS over
# a much larger selection (memory must stay flat however many deliveries it reads).
# Asserts nothing.
#
#   benches/replay.sh
#   COUNT=10000 CONCURRENCY=32 BIG=100000 ROUNDS=2 benches/replay.sh
#
# Needs python3 (for the body) and /usr/bin/time (GNU time) for the RSS figure.
# Load goes to 127.0.0.1 only.
set -eu
cd "$(dirname "$0")/.."

COUNT=${COUNT:-10000}
CONCURRENCY=${CONCURRENCY:-32}
BIG=${BIG:-100000}
ROUNDS=${ROUNDS:-2}
SECRET=bench-secret

if [ -z "${SKIP_BUILD:-}" ]; then
  echo "building release binaries..." >&2
  cargo build --release --quiet --bin hooktap --example sink
fi
target_dir=${CARGO_TARGET_DIR:-target}
hooktap="$target_dir/release/hooktap"
sink="$target_dir/release/examples/sink"

tmp=$(mktemp -d)
sink_pid=
cleanup() {
  [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
# No user config, database or secret leaks in.
for v in $(env | grep -o '^HOOKTAP_[A-Z_]*' || true); do unset "$v"; done
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" HOOKTAP_SECRET="$SECRET"

python3 - > "$tmp/body.json" <<'PY'
import json, sys
doc = {"action": "opened", "repository": {"full_name": "acme/app"}, "pad": ""}
doc["pad"] = "x" * (1024 - len(json.dumps(doc, separators=(",", ":"))))
sys.stdout.write(json.dumps(doc, separators=(",", ":")))
PY
[ "$(wc -c < "$tmp/body.json")" -eq 1024 ] || { echo "body is not 1 KiB" >&2; exit 1; }

# One worker thread: the clients and the target share the machine, and both clients
# meet the same target, so its cost cancels out in the ratio.
TARGET_THREADS=${TARGET_THREADS:-1} "$sink" 127.0.0.1:0 > "$tmp/sink.out" &
sink_pid=$!
i=0
until grep -q '^listening on' "$tmp/sink.out" 2>/dev/null; do
  i=$((i + 1)); [ "$i" -gt 100 ] && { echo "the sink did not start" >&2; exit 1; }
  sleep 0.1
done
url="http://$(sed -n 's/^listening on //p' "$tmp/sink.out")/webhooks/github"

# Records N deliveries of the body in DB (send's own recording), quietly.
fill() { # DB N
  "$hooktap" --db "$1" send push --provider github --data @"$tmp/body.json" --to "$url" \
    --count "$2" --concurrency "$CONCURRENCY" -q
}
# Deliveries per second: the summary's, from `send` (recording, as replay does).
send_rps() {
  rm -f "$tmp/send.db"*
  "$hooktap" --json --db "$tmp/send.db" send push --provider github --data @"$tmp/body.json" --to "$url" \
    --count "$COUNT" --concurrency "$CONCURRENCY" | sed -n 's/.*"throughput_rps":\([0-9.]*\).*/\1/p'
}
# The same for replaying every delivery in DB. With -q only failures come before the
# summary, as `send` prints only its summary.
replay_rps() { # DB
  "$hooktap" --json -q --db "$1" replay --source send --yes --concurrency "$CONCURRENCY" --to "$url" |
    tail -n 1 | sed -n 's/.*"throughput_rps":\([0-9.]*\).*/\1/p'
}
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }

fill "$tmp/small.db" "$COUNT"
# Warm the target, the page cache and both code paths; not measured.
fill "$tmp/warm.db" 1000
"$hooktap" --db "$tmp/warm.db" replay --source send --yes --concurrency "$CONCURRENCY" --to "$url" -q

s_best=0 r_best=0
r=0
while [ "$r" -lt "$ROUNDS" ]; do
  r=$((r + 1))
  s=$(send_rps)
  # Each round replays the originals only: replays of earlier rounds have source replay.
  rp=$(replay_rps "$tmp/small.db")
  awk -v r="$r" -v s="$s" -v p="$rp" 'BEGIN { printf "round %d: send %s deliveries/s | replay %s deliveries/s | ratio %.2f\n", r, s, p, p / s }'
  s_best=$(best "$s_best" "$s"); r_best=$(best "$r_best" "$rp")
done

# Peak RSS of replaying every original in DB, in KiB.
replay_rss() { # DB
  { /usr/bin/time -f 'maxrss %M' "$hooktap" --db "$1" replay --source send --yes \
    --concurrency "$CONCURRENCY" --to "$url" -q > /dev/null; } 2>&1 | sed -n 's/^maxrss //p'
}
small_kib=$(replay_rss "$tmp/small.db")
echo "recording $BIG deliveries for the memory figure..." >&2
fill "$tmp/big.db" "$BIG"
rss_kib=$(replay_rss "$tmp/big.db")

echo
echo "target: examples/sink; body 1024 bytes (github push); best of $ROUNDS"
echo "send    --count $COUNT --concurrency $CONCURRENCY (recording)           $s_best deliveries/s"
echo "replay  $COUNT deliveries --concurrency $CONCURRENCY (recording)         $r_best deliveries/s"
awk -v s="$s_best" -v r="$r_best" 'BEGIN { printf "ratio   replay / send %.2f (goal: >= 0.80)\n", r / s }'
awk -v k="$rss_kib" -v n="$BIG" -v s="$small_kib" -v c="$COUNT" 'BEGIN {
  printf "memory  replay of %d deliveries: peak RSS %.1f MB (goal: < 40 MB); of %d: %.1f MB\n", n, k / 1024, c, s / 1024
}'
