#!/usr/bin/env bash
# Relay benchmark: throughput and latency of `hooktap listen` against a minimal
# local target, all measured in one run so the figures are ratios, not absolutes.
#
#   (c) wrk → sink                       baseline
#   (a) wrk → relay (record only)        verify + durable commit + 200
#   (b) wrk → relay → sink (immediate)   ack rate, plus how fast the forwarder drains
#   (p) wrk → relay → sink (passthrough) the sender waits for the sink's answer
# then a paced open-loop client (examples/pace.rs) at $RATE req/s for latency
# percentiles, and the relay's RSS after $COUNT forwarded deliveries.
#
# Needs wrk (apt-get install -y wrk) and python3. Knobs: DURATION, CONNS, THREADS, RATE, COUNT, BIN.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
CONNS=${CONNS:-64}
THREADS=${THREADS:-2}
RATE=${RATE:-1000}
COUNT=${COUNT:-100000}
command -v wrk >/dev/null || { echo "relay.sh needs wrk: apt-get install -y wrk" >&2; exit 2; }
command -v python3 >/dev/null || { echo "relay.sh needs python3" >&2; exit 2; }

# BIN=dir skips the build and uses dir/hooktap, dir/examples/{sink,pace} (e.g. a profiling build).
if [ -z "${BIN:-}" ]; then
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
  echo "building release binaries..." >&2
  cargo build --release --quiet --bin hooktap --example sink --example pace
  BIN=$CARGO_TARGET_DIR/release
fi
ROOT=$PWD

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hooktap-bench.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
# Keep the user's config and environment out of the measurement.
for v in $(env | grep -o '^HOOKTAP_[A-Z_]*' || true); do unset "$v"; done
export XDG_CONFIG_HOME=$WORK/config XDG_DATA_HOME=$WORK/data
cd "$WORK"

# One 1 KiB JSON body, signed the GitHub way.
export BENCH_SECRET=bench-secret
python3 - > body.json <<'PY'
import json, sys
doc = {"action": "opened", "repository": {"full_name": "acme/app"}, "pad": ""}
doc["pad"] = "x" * (1024 - len(json.dumps(doc, separators=(",", ":"))))
sys.stdout.write(json.dumps(doc, separators=(",", ":")))
PY
export BENCH_BODY=$WORK/body.json
export BENCH_SIG="sha256=$(python3 -c 'import hmac,hashlib,os;print(hmac.new(os.environ["BENCH_SECRET"].encode(),open(os.environ["BENCH_BODY"],"rb").read(),hashlib.sha256).hexdigest())')"
[ "$(wc -c < body.json)" -eq 1024 ] || { echo "body is not 1 KiB" >&2; exit 1; }

wait_for_line() { # FILE PATTERN
  for _ in $(seq 1 300); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  echo "timed out waiting for '$2' in $1:" >&2; cat "$1" >&2; exit 1
}

"$BIN/examples/sink" > sink.addr &
SINK_PID=$!
PIDS+=("$SINK_PID")
wait_for_line sink.addr '^listening on'
SINK="http://$(sed -n 's/^listening on //p' sink.addr)"

RELAY_PID=""
RELAY=""
start_relay() { # NAME ARGS...
  local name=$1; shift
  "$BIN/hooktap" --db "$WORK/$name.db" listen --port 0 --provider github --secret-env BENCH_SECRET "$@" \
    > /dev/null 2> "$name.err" &
  RELAY_PID=$!
  PIDS+=("$RELAY_PID")
  wait_for_line "$name.err" "Ctrl-C"
  RELAY=$(grep -o 'listening on [^ ]*' "$name.err" | cut -d' ' -f3)
}
stop_relay() {
  kill -TERM "$RELAY_PID"
  wait "$RELAY_PID" 2>/dev/null || true
}
health() { python3 -c "import json,sys,urllib.request;print(json.load(urllib.request.urlopen(sys.argv[1]+'/_hooktap/health'))[sys.argv[2]])" "$RELAY" "$1"; }
wait_drained() { # prints seconds spent waiting for the forward queue to empty
  local start; start=$(date +%s.%N)
  until [ "$(health queue_depth)" = "0" ]; do sleep 0.05; done
  python3 -c "import sys;print(f'{float(sys.argv[2])-float(sys.argv[1]):.2f}')" "$start" "$(date +%s.%N)"
}

TICK=$(getconf CLK_TCK)
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; } # user + system time of a process
thread_ticks() { # PID → "name ticks" per thread (the name has no spaces: hooktap-writer, ...)
  for t in /proc/"$1"/task/*; do echo "$(cat "$t/comm" 2>/dev/null) $(awk '{print $14 + $15}' "$t/stat" 2>/dev/null)"; done
}
run_wrk() { # URL NAME SERVER_PID → prints req/s; keeps wrk's output in NAME.wrk, the server's
            # CPU time per answered request (µs) in NAME.cpu, and that time by thread in NAME.threads
  local before; before=$(cpu_ticks "$3")
  thread_ticks "$3" > "$2.t0"
  wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$ROOT/benches/post.lua" "$1" > "$2.wrk"
  thread_ticks "$3" > "$2.t1"
  local rps; rps=$(awk '/Requests\/sec/ {print $2}' "$2.wrk")
  python3 -c "import sys;print(f'{(int(sys.argv[2])-int(sys.argv[1]))/int(sys.argv[3])*1e6/(float(sys.argv[4])*float(sys.argv[5])):.1f}')" \
    "$before" "$(cpu_ticks "$3")" "$TICK" "$rps" "$DURATION" > "$2.cpu"
  python3 - "$2" "$TICK" "$rps" "$DURATION" > "$2.threads" <<'PY'
import collections, sys
name, tick, rps, secs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
def read(path):
    by = collections.Counter()
    for line in open(path):
        parts = line.split()
        if len(parts) == 2:
            by[parts[0]] += int(parts[1])
    return by
a, b = read(name + ".t0"), read(name + ".t1")
used = {k: (b[k] - a[k]) / tick * 1e6 / (rps * secs) for k in b}
print(", ".join(f"{k} {v:.1f}" for k, v in sorted(used.items(), key=lambda kv: -kv[1]) if v >= 0.05))
PY
  echo "$rps"
}
pct() { awk -v p="$2" '$1 == p {print $2}' "$1.wrk"; }
PACE_ARGS=(--body "$BENCH_BODY" -H "Content-Type: application/json" -H "X-Hub-Signature-256: $BENCH_SIG" -H "X-GitHub-Event: push")
pace() { "$BIN/examples/pace" "$1" --rate "$RATE" --duration "$DURATION" "${PACE_ARGS[@]}"; }
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k {print $2}'; }

echo "wrk: $THREADS threads, $CONNS connections, ${DURATION}s each; body 1024 bytes; $(nproc) cores" >&2
C=$(run_wrk "$SINK/" direct "$SINK_PID")
start_relay record
A=$(run_wrk "$RELAY/" record "$RELAY_PID")
stop_relay
start_relay forward --forward-to "$SINK/"
B=$(run_wrk "$RELAY/" forward "$RELAY_PID")
B_DRAIN=$(wait_drained)
B_FWD=$(health forwarded)
stop_relay
start_relay passthrough --forward-to "$SINK/" --ack passthrough
P=$(run_wrk "$RELAY/" passthrough "$RELAY_PID")
stop_relay

echo "paced latency at $RATE req/s for ${DURATION}s..." >&2
L_C=$(pace "$SINK/")
start_relay lrecord
L_A=$(pace "$RELAY/")
stop_relay
start_relay lforward --forward-to "$SINK/"
L_B=$(pace "$RELAY/")
stop_relay
start_relay lpass --forward-to "$SINK/" --ack passthrough
L_P=$(pace "$RELAY/")
stop_relay

echo "RSS after $COUNT forwarded deliveries..." >&2
start_relay rss --forward-to "$SINK/"
RSS_START=$(awk '/VmRSS/ {print $2}' "/proc/$RELAY_PID/status")
"$BIN/examples/pace" "$RELAY/" --count "$COUNT" --concurrency 32 "${PACE_ARGS[@]}" > rss.pace
wait_drained > /dev/null
RSS_FWD=$(health forwarded)
RSS_END=$(awk '/VmRSS/ {print $2}' "/proc/$RELAY_PID/status")
RSS_PEAK=$(awk '/VmHWM/ {print $2}' "/proc/$RELAY_PID/status")
stop_relay

ratio() { python3 -c "import sys;print(f'{float(sys.argv[1])/float(sys.argv[2])*100:.0f}%')" "$1" "$2"; }
fwd_rate=$(python3 -c "import sys;print(f'{float(sys.argv[1])/(float(sys.argv[2])+float(sys.argv[3])):.0f}')" "$B_FWD" "$DURATION" "$B_DRAIN")
echo
echo "== throughput (wrk -t$THREADS -c$CONNS -d${DURATION}s, 1 KiB signed body) =="
printf '%-34s %10s %8s %9s %9s %12s\n' case req/s "vs (c)" p50 p99 "server µs/req"
printf '%-34s %10s %8s %9s %9s %12s\n' "(c) sink directly" "$C" "100%" "$(pct direct 50%)" "$(pct direct 99%)" "$(cat direct.cpu)"
printf '%-34s %10s %8s %9s %9s %12s\n' "(a) relay, record only" "$A" "$(ratio "$A" "$C")" "$(pct record 50%)" "$(pct record 99%)" "$(cat record.cpu)"
printf '%-34s %10s %8s %9s %9s %12s\n' "(b) relay → sink, ack immediate" "$B" "$(ratio "$B" "$C")" "$(pct forward 50%)" "$(pct forward 99%)" "$(cat forward.cpu)"
printf '%-34s %10s %8s\n' "    forwarded incl. drain ($B_DRAIN s)" "$fwd_rate" "$(ratio "$fwd_rate" "$C")"
printf '%-34s %10s %8s %9s %9s %12s\n' "(p) relay → sink, passthrough" "$P" "$(ratio "$P" "$C")" "$(pct passthrough 50%)" "$(pct passthrough 99%)" "$(cat passthrough.cpu)"
echo "server µs/req: CPU time (user + system) of the sink in (c), of the relay in (a), (b), (p), per answered request"
echo "  by thread, µs/req: (a) $(cat record.threads)"
echo "                     (b) $(cat forward.threads)"
echo "  (hooktap-relay: HTTP, verification, forwarding; hooktap-writer: SQLite commits; hooktap-sync: the log's fsync)"
echo
echo "== latency at a constant $RATE req/s (open loop, from scheduled start; ms) =="
printf '%-34s %8s %8s %8s %8s %8s\n' case p50 p90 p99 p99.9 "added p99"
base99=$(field "$L_C" p99_ms)
for row in "(c) sink directly|$L_C" "(a) relay, record only|$L_A" "(b) relay → sink, ack immediate|$L_B" "(p) relay → sink, passthrough|$L_P"; do
  name=${row%%|*}; r=${row#*|}
  added=$(python3 -c "import sys;print(f'{float(sys.argv[1])-float(sys.argv[2]):.3f}')" "$(field "$r" p99_ms)" "$base99")
  printf '%-34s %8s %8s %8s %8s %8s   (%s ok, %s errors)\n' "$name" "$(field "$r" p50_ms)" "$(field "$r" p90_ms)" \
    "$(field "$r" p99_ms)" "$(field "$r" p999_ms)" "$added" "$(field "$r" ok)" "$(field "$r" errors)"
done
echo
echo "== memory =="
echo "relay RSS: ${RSS_START} KiB at start, ${RSS_END} KiB after $RSS_FWD forwarded deliveries (peak ${RSS_PEAK} KiB)"
echo "           load: $(cat rss.pace)"
