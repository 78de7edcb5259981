#!/usr/bin/env bash
# The HTTP front door's own cost, measured side by side in one run on one machine (issue 16.9):
# requests per second of a bare 40-line Beast server answering {"status":"ok"} (bench/bare_server),
# of `lucas serve`'s /healthz (answered on the I/O thread), and of an authenticated, cached balance
# read (a bearer token with balance:read; the token, the user and the balance come from the
# in-process cache after the first request). Prints the three figures and the ratios
# healthz/bare and balance/healthz. Release build, embedded SQLite, access log and rate limits off,
# background work off (no parser training).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-15s}
ROUNDS=${ROUNDS:-3}
# PIN=1: the servers on CPU 0 and wrk on CPU 1, so that the load generator does not take the
# servers' CPU time (on a 2-core machine, unpinned runs share both cores with wrk).
PIN=${PIN:-0}
CLIENT_CPU=()
[ "$PIN" = 1 ] && CLIENT_CPU=(taskset -c 1)
pin_server() { [ "$PIN" != 1 ] || taskset -apc 0 "$1" >/dev/null; }  # every thread of the process
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
cmake --preset release >/dev/null
cmake --build --preset release --target lucas bare_server >/dev/null
LUCAS=build/release/lucas
DATA=$(mktemp -d /tmp/lucas-overhead-XXXXXX)
export LUCAS_DATA_DIR="$DATA" LUCAS_LOG_LEVEL=warn LUCAS_HTTP_ACCESS_LOG=false
export LUCAS_HTTP_RATE_LIMIT_PER_MINUTE=0 LUCAS_PARSER_AUTO_TRAIN=false
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
BARE_PORT=$(free_port)
build/release/bench/bare_server "$BARE_PORT" "$THREADS" &
BARE=$!
"$LUCAS" user add --id 101 --name Bench >/dev/null
"$LUCAS" ledger grant --user 101 --amount 1000.00 --key bench-seed >/dev/null
TMP=$DATA
source scripts/lib/serve.sh
trap 'kill $BARE 2>/dev/null || true; wait $BARE 2>/dev/null || true; stop_server || true; rm -rf "$DATA"' EXIT
start_server serve
TOKEN=$("$LUCAS" token create --user 101 --scope balance:read --ttl-s 3600)
BALANCE="http://127.0.0.1:$PORT/api/v1/users/101/balance"
curl -sf "http://127.0.0.1:$BARE_PORT/" >/dev/null
pin_server "$BARE"
pin_server "$SERVER_PID"
curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null
curl -sf -H "Authorization: Bearer $TOKEN" "$BALANCE" >/dev/null
rps() {  # wrk's Requests/sec for the URL (extra wrk arguments before it)
  "${CLIENT_CPU[@]}" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" "$@" | awk '/Requests\/sec/ {print $2}'
}
# Rounds alternate the three targets so that a machine whose load drifts (a shared host) weighs
# on all three alike; the medians and their ratios are reported.
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
bares=() healthzs=() balances=() paired=()
for round in $(seq 1 "$ROUNDS"); do
  bares+=("$(rps "http://127.0.0.1:$BARE_PORT/healthz")")
  healthzs+=("$(rps "http://127.0.0.1:$PORT/healthz")")
  balances+=("$(rps -H "Authorization: Bearer $TOKEN" "$BALANCE")")
  # The round's own balance / healthz: measured back to back, under the same load.
  paired+=("$(awk -v h="${healthzs[-1]}" -v c="${balances[-1]}" 'BEGIN { printf "%.3f", c / h }')")
  echo "round $round: bare ${bares[-1]}  /healthz ${healthzs[-1]}  balance ${balances[-1]} req/s" \
    " (balance / healthz ${paired[-1]})"
done
bare=$(median "${bares[@]}")
healthz=$(median "${healthzs[@]}")
balance=$(median "${balances[@]}")
# Where the balance reads were answered: on the network thread, or sent on to the worker pool.
inline=$(curl -sf "http://127.0.0.1:$PORT/metrics" | awk '/^lucas_http_inline_total/ {printf "%s ", $0}')
echo "medians of $ROUNDS rounds:"
echo "bare Beast /healthz:        $bare req/s"
echo "lucas /healthz:             $healthz req/s"
echo "lucas cached balance read:  $balance req/s"
awk -v b="$bare" -v h="$healthz" -v c="$balance" \
  'BEGIN { printf "healthz / bare = %.2f   balance / healthz = %.2f\n", h / b, c / h }'
echo "median of the rounds' own balance / healthz: $(median "${paired[@]}")"
echo "inline-first balance reads: $inline"
