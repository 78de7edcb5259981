#!/usr/bin/env bash
# wrk against GET /api/v1/leaderboards/coins (the top 100) on a release build, embedded SQLite
# seeded with USERS players (three game wins each, through the ledger, the outbox and the coin
# board): `lucas serve` with the in-process index, then `lucas serve --redis` on a throwaway local
# redis-server (RedisSortedSets) — each without and with the viewer's line (&user_id=).
# Prints wrk's reports (requests/s and the latency distribution including p99).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
USERS=${USERS:-1000}
PERIOD=${PERIOD:-daily}
cmake --preset release >/dev/null
cmake --build --preset release --target lucas leaderboard_seed >/dev/null
LUCAS=build/release/lucas
DATA=$(mktemp -d /tmp/lucas-bench-XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$DATA"
}
trap cleanup EXIT
export LUCAS_DATA_DIR="$DATA" LUCAS_LOG_LEVEL=warn LUCAS_HTTP_ACCESS_LOG=false
# The benchmark is one client hammering on purpose: lift the per-client limit.
export LUCAS_HTTP_RATE_LIMIT_PER_MINUTE=0

wait_port() {
  for _ in $(seq 1 300); do
    local p
    p=$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$1")
    if [ -n "$p" ]; then echo "$p"; return; fi
    sleep 0.1
  done
  echo "no port in $1" >&2
  cat "$1" >&2
  exit 1
}
run_wrk() {
  curl -sf "$2" >/dev/null
  echo "== $1"
  echo "   wrk -t2 -c$CONNECTIONS -d$DURATION --latency '$2'"
  local out
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$2")
  echo "$out"
  if grep -q "Non-2xx" <<<"$out"; then
    echo "some answers were not 200: this figure is not valid" >&2
    exit 1
  fi
}
stop_last() {
  local p=${PIDS[-1]}
  kill "$p"; wait "$p" 2>/dev/null || true
  unset 'PIDS[-1]'
}

build/release/bench/leaderboard_seed --db "sqlite:$DATA/lucas.db" --users "$USERS"
VIEWER=$((1000 + USERS / 2))

# In-process: the real binary (it rebuilds the index from the database at start).
"$LUCAS" serve --port 0 --http-host 127.0.0.1 >"$DATA/serve.out" 2>&1 &
PIDS+=($!)
PORT=$(wait_port "$DATA/serve.out")
BASE="http://127.0.0.1:$PORT/api/v1/leaderboards/coins?period=$PERIOD"
run_wrk "lucas serve, in-process index, top 100" "$BASE"
run_wrk "lucas serve, in-process index, top 100 + viewer" "$BASE&user_id=$VIEWER"
stop_last

# Redis: a throwaway redis-server on a free port, no persistence.
RPORT=0
for p in $(shuf -i 20000-60000 -n 50); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then RPORT=$p; break; fi
done
redis-server --port "$RPORT" --bind 127.0.0.1 --save "" --appendonly no --dir "$DATA" \
  >"$DATA/redis.out" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do redis-cli -p "$RPORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
LUCAS_REDIS_URL="redis://127.0.0.1:$RPORT/0" "$LUCAS" serve --port 0 --http-host 127.0.0.1 \
  >"$DATA/serve-redis.out" 2>&1 &
PIDS+=($!)
PORT=$(wait_port "$DATA/serve-redis.out")
BASE="http://127.0.0.1:$PORT/api/v1/leaderboards/coins?period=$PERIOD"
run_wrk "lucas serve --redis, Redis index, top 100" "$BASE"
run_wrk "lucas serve --redis, Redis index, top 100 + viewer" "$BASE&user_id=$VIEWER"
