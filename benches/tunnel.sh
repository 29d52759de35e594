#!/usr/bin/env bash
# Tunnel benchmark, one run, all on loopback: a paced load client (examples/pace.rs)
# sends 1 KiB GitHub-signed deliveries
#
#   (d) straight to a sink (examples/sink.rs)                      the baseline
#   (r) to `listen`'s own port, passthrough → sink                 the relay alone, for comparison
#   (i) to `hooktap serve`, ack immediate (serve commits, answers)  what providers wait for
#   (p) to `hooktap serve`, passthrough → `listen --tunnel` → sink   the whole path, answer from the sink
#   (b) through bore (bore local → bore server → sink), if `bore` is on PATH (cargo install bore-cli)
#
# Latency: open loop at $RATE/s for $DURATION s, measured from each request's
# scheduled start. Throughput: $COUNT deliveries at concurrency $CONC; for (i) also
# the rate at which they reach the sink through listen (the end-to-end figure), and
# how many were lost (accepted by serve and never stored by listen).
#
# Knobs: RATE (500), DURATION (10), COUNT (20000), CONC (64), BIN (a dir with hooktap
# and examples/{sink,pace}; default: build them in release).
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-500}
DURATION=${DURATION:-10}
COUNT=${COUNT:-20000}
CONC=${CONC:-64}
command -v python3 >/dev/null || { echo "tunnel.sh needs python3" >&2; exit 2; }

if [ -z "${BIN:-}" ]; then
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
  echo "building release binaries..." >&2
  cargo build --release --quiet --bin hooktap --example sink --example pace
  BIN=$CARGO_TARGET_DIR/release
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/hooktap-tunnel-bench.XXXXXX")
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
for v in $(env | grep -o '^HOOKTAP_[A-Z_]*' || true); do unset "$v"; done
export XDG_CONFIG_HOME=$WORK/config XDG_DATA_HOME=$WORK/data
cd "$WORK"

export BENCH_SECRET=bench-secret
python3 - > body.json <<'PY'
import json, sys
doc = {"action": "opened", "repository": {"full_name": "acme/app"}, "pad": ""}
doc["pad"] = "x" * (1024 - len(json.dumps(doc, separators=(",", ":"))))
sys.stdout.write(json.dumps(doc, separators=(",", ":")))
PY
SIG="sha256=$(python3 -c 'import hmac,hashlib,os;print(hmac.new(os.environ["BENCH_SECRET"].encode(),open("body.json","rb").read(),hashlib.sha256).hexdigest())')"
PACE_ARGS=(--body body.json -H "Content-Type: application/json" -H "X-Hub-Signature-256: $SIG" -H "X-GitHub-Event: push")

wait_for_line() { # FILE PATTERN
  for _ in $(seq 1 400); do grep -q "$2" "$1" 2>/dev/null && return 0; sleep 0.05; done
  echo "timed out waiting for '$2' in $1:" >&2; cat "$1" >&2; exit 1
}
json_field() { python3 -c "import json,sys,urllib.request;print(json.load(urllib.request.urlopen(sys.argv[1]))[sys.argv[2]])" "$1" "$2"; }
field() { tr ' ' '\n' <<<"$1" | awk -F= -v k="$2" '$1 == k {print $2}'; }
now() { date +%s.%N; }

"$BIN/examples/sink" > sink.addr &
PIDS+=("$!")
wait_for_line sink.addr '^listening on'
SINK="http://$(sed -n 's/^listening on //p' sink.addr)"

TOKEN=$("$BIN/hooktap" --db serve.db -q serve token add bench)
"$BIN/hooktap" --db serve.db serve --port 0 --rate 0 --max-backlog 10000000 --max-backlog-size 64GiB \
  > /dev/null 2> serve.err &
SERVE_PID=$!
PIDS+=("$SERVE_PID")
wait_for_line serve.err "Ctrl-C"
SERVE=$(sed -n 's/^hooktap serve listening on //p' serve.err)

LISTEN_PID=""
start_listen() { # NAME ARGS...
  local name=$1; shift
  HOOKTAP_TUNNEL_TOKEN=$TOKEN "$BIN/hooktap" --db "$name.db" listen --port 0 --provider github \
    --secret-env BENCH_SECRET --tunnel "$SERVE" --channel bench --forward-to "$SINK/" "$@" > /dev/null 2> "$name.err" &
  LISTEN_PID=$!
  PIDS+=("$LISTEN_PID")
  wait_for_line "$name.err" "tunnel connected"
  LISTEN=$(grep -o 'listening on [^ ]*' "$name.err" | cut -d' ' -f3)
}
stop_listen() { kill -TERM "$LISTEN_PID"; wait "$LISTEN_PID" 2>/dev/null || true; }

echo "latency at $RATE/s for ${DURATION}s each..." >&2
L_D=$("$BIN/examples/pace" "$SINK/" --rate "$RATE" --duration "$DURATION" "${PACE_ARGS[@]}")
start_listen lat-immediate
L_I=$("$BIN/examples/pace" "$SERVE/c/bench/" --rate "$RATE" --duration "$DURATION" "${PACE_ARGS[@]}")
stop_listen
start_listen lat-pass --ack passthrough
L_P=$("$BIN/examples/pace" "$SERVE/c/bench/" --rate "$RATE" --duration "$DURATION" "${PACE_ARGS[@]}")
L_R=$("$BIN/examples/pace" "$LISTEN/" --rate "$RATE" --duration "$DURATION" "${PACE_ARGS[@]}")
stop_listen

echo "throughput, $COUNT deliveries at concurrency $CONC..." >&2
T_D=$("$BIN/examples/pace" "$SINK/" --count "$COUNT" --concurrency "$CONC" "${PACE_ARGS[@]}")
start_listen tput-immediate
t0=$(now)
T_I=$("$BIN/examples/pace" "$SERVE/c/bench/" --count "$COUNT" --concurrency "$CONC" "${PACE_ARGS[@]}")
ok=$(field "$T_I" ok)
until [ "$(json_field "$LISTEN/_hooktap/health" forwarded)" -ge "$ok" ]; do sleep 0.05; done
t1=$(now)
E2E=$(python3 -c "import sys;print(f'{int(sys.argv[1])/(float(sys.argv[3])-float(sys.argv[2])):.0f}')" "$ok" "$t0" "$t1")
until [ "$(json_field "$SERVE/healthz" held)" = "0" ]; do sleep 0.05; done
STORED=$(json_field "$LISTEN/_hooktap/health" received)
LOST=$((ok - STORED))
stop_listen
start_listen tput-pass --ack passthrough
T_P=$("$BIN/examples/pace" "$SERVE/c/bench/" --count "$COUNT" --concurrency "$CONC" "${PACE_ARGS[@]}")
stop_listen

L_B="" T_B=""
if command -v bore >/dev/null; then
  echo "bore, as a reference..." >&2
  bore server --min-port 20000 --max-port 30000 > bore-server.out 2>&1 &
  PIDS+=("$!")
  sleep 0.5
  bore local "${SINK##*:}" --local-host 127.0.0.1 --to 127.0.0.1 > bore-local.out 2>&1 &
  PIDS+=("$!")
  wait_for_line bore-local.out "listening at"
  BORE="http://$(grep -o 'listening at [^ ]*' bore-local.out | head -1 | cut -d' ' -f3)"
  L_B=$("$BIN/examples/pace" "$BORE/" --rate "$RATE" --duration "$DURATION" "${PACE_ARGS[@]}")
  T_B=$("$BIN/examples/pace" "$BORE/" --count "$COUNT" --concurrency "$CONC" "${PACE_ARGS[@]}")
fi

echo
echo "== latency at a constant $RATE deliveries/s (open loop, from scheduled start; ms) =="
printf '%-44s %8s %8s %8s %9s   %s\n' case p50 p99 p99.9 "added p99" "ok/errors"
base=$(field "$L_D" p99_ms)
row() { # NAME RESULT
  local added; added=$(python3 -c "import sys;print(f'{float(sys.argv[1])-float(sys.argv[2]):.3f}')" "$(field "$2" p99_ms)" "$base")
  printf '%-44s %8s %8s %8s %9s   %s/%s\n' "$1" "$(field "$2" p50_ms)" "$(field "$2" p99_ms)" "$(field "$2" p999_ms)" "$added" \
    "$(field "$2" ok)" "$(field "$2" errors)"
}
row "(d) sink directly" "$L_D"
row "(r) listen's own port → sink, passthrough" "$L_R"
row "(i) serve, ack immediate (commit at serve)" "$L_I"
row "(p) serve → listen --tunnel → sink, passthrough" "$L_P"
[ -n "$L_B" ] && row "(b) bore → sink" "$L_B"
echo
echo "== throughput ($COUNT deliveries, concurrency $CONC) =="
printf '%-44s %10s %8s %8s\n' case "deliv/s" p50 p99
trow() { printf '%-44s %10s %8s %8s\n' "$1" "$(field "$2" rate)" "$(field "$2" p50_ms)" "$(field "$2" p99_ms)"; }
trow "(d) sink directly" "$T_D"
trow "(i) serve, ack immediate (accepted)" "$T_I"
printf '%-44s %10s\n' "    through listen to the sink (end to end)" "$E2E"
trow "(p) serve → listen → sink, passthrough" "$T_P"
[ -n "$T_B" ] && trow "(b) bore → sink" "$T_B"
echo
echo "lost: $LOST of $ok accepted by serve (stored by listen: $STORED; serve holds $(json_field "$SERVE/healthz" held))"
command -v bore >/dev/null || echo "bore: not on PATH (cargo install bore-cli), no reference row"
