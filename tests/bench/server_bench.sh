#!/usr/bin/env bash
# server_bench: brigade-server throughput, latency and stream fan-out.
#
#   tests/bench/server_bench.sh [RUNS]      (after ./brigade build)
#   BRIGADE_BENCH_BIN=DIR tests/bench/server_bench.sh   (the binaries of another build)
#
# 1. GET /healthz with wrk (64 connections): the ceiling of the HTTP layer.
# 2. POST /api/v1/orders with wrk (64 connections, a fresh Idempotency-Key
#    per request), then kill -9 and count: every acknowledged order must be
#    in the database after the restart.
# 3. Stream fan-out: 1,000 subscribers, 100 orders/s for 10 s; the delay
#    from each event's commit time to each subscriber's receipt.
# Each figure is the median of RUNS runs (default 3). Prints a markdown
# table for docs/benchmarks.md.
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${BRIGADE_BENCH_BIN:-$top/build/bin}   # another build to compare against
runs=${1:-3}
dur=${BENCH_SECONDS:-10}
ulimit -n 8192
work=$(mktemp -d)
trap 'pkill -P $$ 2>/dev/null || true; rm -rf "$work"' EXIT

start_server() {
  rm -f "$work/port"
  "$bin/brigade-server" --listen 127.0.0.1:0 --db "$work/bench.db" --demo \
    --port-file "$work/port" >>"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.05; done
  port=$(cat "$work/port")
}

login() {
  curl -s -XPOST "http://127.0.0.1:$port/api/v1/auth/login" \
    -d "{\"staff\":\"$1\",\"pin\":\"$2\"}" | sed 's/.*"token":"\([0-9a-f]*\)".*/\1/'
}

field() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }

median() { sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

for r in $(seq "$runs"); do
  rm -f "$work/bench.db"*
  start_server
  export BRIGADE_TOKEN=$(login k1 1111)
  wrk -t1 -c64 -d"${dur}s" -s "$top/tests/bench/healthz.lua" "http://127.0.0.1:$port/healthz" >"$work/h$r"
  wrk -t1 -c64 -d"${dur}s" -s "$top/tests/bench/create_order.lua" "http://127.0.0.1:$port/api/v1/orders" >"$work/c$r"
  kill -9 "$server_pid"; wait "$server_pid" 2>/dev/null || true
  start_server
  stored=$(sqlite3 "$work/bench.db" "SELECT count(*) FROM orders")
  created=$(field CREATED "$work/c$r")
  echo "run $r: healthz $(field RPS "$work/h$r") req/s; orders $(field RPS "$work/c$r")/s p50 $(field P50_US "$work/c$r") us p99 $(field P99_US "$work/c$r") us; acknowledged $created, in the database after kill -9: $stored" >&2
  if [ "$stored" -lt "$created" ]; then
    echo "LOST ORDERS: $created acknowledged, $stored stored" >&2
    exit 1
  fi
  echo "$stored $created" >"$work/k$r"
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
done

for r in $(seq "$runs"); do
  rm -f "$work/bench.db"*
  start_server
  token=$(login c1 3333)
  k=$(login k1 1111)
  "$bin/bench-fanout" "$port" "$token" 1000 1000 60 >"$work/f$r" &
  fan=$!
  for _ in $(seq 600); do grep -q READY "$work/f$r" 2>/dev/null && break; sleep 0.1; done
  python3 "$top/tests/bench/pace.py" "$port" "$k" 100 1000
  wait "$fan" || true
  echo "fan-out run $r: $(tail -1 "$work/f$r")" >&2
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true
done

h=$(for r in $(seq "$runs"); do field RPS "$work/h$r"; done | median)
c=$(for r in $(seq "$runs"); do field RPS "$work/c$r"; done | median)
p50=$(for r in $(seq "$runs"); do field P50_US "$work/c$r"; done | median)
p99=$(for r in $(seq "$runs"); do field P99_US "$work/c$r"; done | median)
hp99=$(for r in $(seq "$runs"); do field P99_US "$work/h$r"; done | median)
f50=$(for r in $(seq "$runs"); do tail -1 "$work/f$r" | sed 's/.*P50_MS \([0-9.]*\).*/\1/'; done | median)
f99=$(for r in $(seq "$runs"); do tail -1 "$work/f$r" | sed 's/.*P99_MS \([0-9.]*\).*/\1/'; done | median)
fmax=$(for r in $(seq "$runs"); do tail -1 "$work/f$r" | sed 's/.*MAX_MS \([0-9.]*\).*/\1/'; done | median)
ratio=$(awk -v c="$c" -v h="$h" 'BEGIN { printf "%.3f", c / h }')
cat <<TABLE
| measure (median of $runs runs, ${dur} s each) | value |
|---|---|
| GET /healthz, 64 connections | $h req/s, p99 $((hp99 / 1000)).$(( (hp99 % 1000) / 100 )) ms |
| POST /api/v1/orders, 64 connections | $c orders/s |
| create-order latency p50 / p99 | $p50 us / $p99 us |
| create-order throughput / healthz throughput | $ratio |
| acknowledged orders missing after kill -9 | 0 (every run checked) |
| stream fan-out, 1,000 subscribers, 100 orders/s: commit to receipt p50 / p99 / max | $f50 ms / $f99 ms / $fmax ms |
TABLE
