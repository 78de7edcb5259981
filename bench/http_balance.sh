#!/usr/bin/env bash
# wrk against GET /api/v1/users/{id}/balance, authenticated, on a release build with embedded
# SQLite.
# Prints wrk's report (requests/s and the latency distribution including p99).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-64}
cmake --preset release >/dev/null
cmake --build --preset release --target lucas >/dev/null
LUCAS=build/release/lucas
DATA=$(mktemp -d /tmp/lucas-bench-XXXXXX)
export LUCAS_DATA_DIR="$DATA" LUCAS_LOG_LEVEL=warn LUCAS_HTTP_ACCESS_LOG=false
# The benchmark is one client hammering on purpose: lift the per-client limit.
export LUCAS_HTTP_RATE_LIMIT_PER_MINUTE=0
"$LUCAS" user add --id 101 --name Bench >/dev/null
"$LUCAS" ledger grant --user 101 --amount 1000.00 --key bench-seed >/dev/null
TMP=$DATA
source scripts/lib/serve.sh
trap 'stop_server || true; rm -rf "$DATA"' EXIT
start_server serve
# The balance is private: the requests carry the user's bearer token (balance:read only), so
# every request also authenticates it (the token cache) and checks the read rights.
TOKEN=$("$LUCAS" token create --user 101 --scope balance:read --ttl-s 3600)
curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/users/101/balance" >/dev/null
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Authorization: Bearer $TOKEN" \
  "http://127.0.0.1:$PORT/api/v1/users/101/balance"
