#!/usr/bin/env bash
# 10,000 concurrent authenticated WebSocket connections to one `lucas serve` (release build):
# server memory per connection and the time to deliver one broadcast to all of them.
# The server and the load client are separate processes (ulimit -n is 20,000 per process).
#   bench/ws_10k.sh [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake --preset release >/dev/null
cmake --build --preset release --target lucas ws_load >/dev/null
TMP=$(mktemp -d /tmp/lucas-ws-bench-XXXXXX)
SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null; rm -rf "$TMP"; }
trap cleanup EXIT
export LUCAS_DATA_DIR="$TMP/data" LUCAS_LOG_LEVEL=warn LUCAS_HTTP_ACCESS_LOG=false \
       LUCAS_HTTP_RATE_LIMIT_PER_MINUTE=0 LUCAS_WS_TOKEN_SECRET="bench-secret-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
build/release/lucas user add --id 1 --name admin --role admin >/dev/null
ADMIN=$(build/release/lucas token create --user 1)
( ulimit -n 20000; exec build/release/lucas serve --port 0 --http-host 127.0.0.1 >"$TMP/serve.out" ) &
SERVER=$!
for _ in $(seq 100); do grep -q '^listening' "$TMP/serve.out" 2>/dev/null && break; sleep 0.1; done
PORT=$(sed -n 's/^listening //p' "$TMP/serve.out")
( ulimit -n 20000; build/release/bench/ws_load --port "$PORT" --server-pid "$SERVER" \
    --secret "$LUCAS_WS_TOKEN_SECRET" --admin-token "$ADMIN" --connections "$N" )
