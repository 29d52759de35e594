#!/usr/bin/env sh
# Throughput of `hooktap send` under load against wrk, same target, same body,
# same run. Prints both requests/s figures and their ratio; asserts nothing.
#
#   benches/send.sh                 # build release binaries, then measure
#   COUNT=20000 CONCURRENCY=32 WRK_DURATION=10s ROUNDS=2 benches/send.sh
#
# Needs wrk (Debian: apt-get install -y wrk). Load goes to 127.0.0.1 only.
set -eu
cd "$(dirname "$0")/.."

COUNT=${COUNT:-20000}
CONCURRENCY=${CONCURRENCY:-32}
WRK_THREADS=${WRK_THREADS:-2}
WRK_DURATION=${WRK_DURATION:-10s}
ROUNDS=${ROUNDS:-2}
EVENT=${EVENT:-lead.created}
PROVIDER=${PROVIDER:-nexadesk}
SECRET=bench-secret

command -v wrk >/dev/null || { echo "wrk is not installed (Debian: apt-get install -y wrk)" >&2; exit 2; }
if [ -z "${SKIP_BUILD:-}" ]; then
  cargo build --release --quiet --bin hooktap --example sink
fi
target_dir=${CARGO_TARGET_DIR:-target}
hooktap="$target_dir/release/hooktap"
sink="$target_dir/release/examples/sink"

tmp=$(mktemp -d)
target_pid=
cleanup() {
  [ -n "$target_pid" ] && kill "$target_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM
# No user config or database leaks in.
export XDG_CONFIG_HOME="$tmp/config" XDG_DATA_HOME="$tmp/data" HOOKTAP_SECRET="$SECRET"

# One worker thread: client and target share the machine, and both clients meet the
# same target, so its cost cancels out in the ratio.
TARGET_THREADS=${TARGET_THREADS:-1} "$sink" 127.0.0.1:0 > "$tmp/target.out" &
target_pid=$!
i=0
until grep -q '^listening on' "$tmp/target.out" 2>/dev/null; do
  i=$((i + 1)); [ "$i" -gt 100 ] && { echo "target did not start" >&2; exit 1; }
  sleep 0.1
done
addr=$(sed -n 's/^listening on //p' "$tmp/target.out")
url="http://$addr/webhooks/$PROVIDER"

# The request wrk replays: hooktap's own dry run, parsed by the shell (it is POSIX-quoted).
curl_cmd=$("$hooktap" send "$EVENT" --provider "$PROVIDER" --to "$url" --dry-run)
eval "set -- ${curl_cmd#curl }"
: > "$tmp/headers"
while [ "$#" -gt 0 ]; do
  case "$1" in
    -H) printf '%s\n' "$2" >> "$tmp/headers"; shift 2 ;;
    --data-binary) printf '%s' "$2" > "$tmp/body"; shift 2 ;;
    *) shift ;;
  esac
done

# Prints the summary's requests/s, then the requests/s over the whole process
# (start-up and the final commit of the recordings included).
hooktap_rps() {
  start=$(date +%s.%N)
  rps=$("$hooktap" --json --db "$tmp/bench.db" send "$EVENT" --provider "$PROVIDER" --to "$url" \
    --count "$COUNT" --concurrency "$CONCURRENCY" "$@" |
    sed -n 's/.*"throughput_rps":\([0-9.]*\).*/\1/p')
  end=$(date +%s.%N)
  awk -v r="$rps" -v s="$start" -v e="$end" -v n="$COUNT" 'BEGIN { printf "%s %.1f\n", r, n / (e - s) }'
}
wrk_rps() {
  wrk -t"$WRK_THREADS" -c"$CONCURRENCY" -d"$WRK_DURATION" -s benches/send.lua "$url" -- "$tmp/body" "$tmp/headers" |
    sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p'
}
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }

# Warm the target and the page cache; not measured.
"$hooktap" send "$EVENT" --provider "$PROVIDER" --to "$url" --count 1000 --concurrency "$CONCURRENCY" --no-record -q

ref=0 rec=0 norec=0 recwall=0
r=0
while [ "$r" -lt "$ROUNDS" ]; do
  r=$((r + 1))
  w=$(wrk_rps)
  set -- $(hooktap_rps); h=$1; hw=$2
  set -- $(hooktap_rps --no-record); n=$1
  echo "round $r: wrk $w req/s | hooktap recording $h req/s ($hw over the whole process) | --no-record $n req/s"
  ref=$(best "$ref" "$w"); rec=$(best "$rec" "$h"); norec=$(best "$norec" "$n"); recwall=$(best "$recwall" "$hw")
done

echo
echo "target: examples/sink on $addr; body $(wc -c < "$tmp/body") bytes ($PROVIDER $EVENT); best of $ROUNDS"
echo "reference  wrk -t$WRK_THREADS -c$CONCURRENCY -d$WRK_DURATION                            $ref req/s"
echo "hooktap    send --count $COUNT --concurrency $CONCURRENCY (recording)   $rec req/s ($recwall whole process)"
echo "hooktap    send --count $COUNT --concurrency $CONCURRENCY --no-record   $norec req/s"
awk -v r="$ref" -v h="$rec" -v n="$norec" 'BEGIN {
  printf "ratio      recording %.2f, no-record %.2f (goal: recording >= 0.80)\n", h / r, n / r
}'
