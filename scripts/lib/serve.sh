# Starting and stopping `lucas serve` on a free port of 127.0.0.1, for the bash end-to-end tests
# (tests/e2e/lib.sh) and the benchmarks (bench/*.sh). Source it after setting LUCAS (the binary)
# and TMP (a directory for the server's output).
SERVER_PID=${SERVER_PID:-}

# start_server NAME [serve arguments...]: `lucas serve` on a free port of 127.0.0.1, its output in
# $TMP/NAME.out and .err; sets SERVER_PID, PORT and BASE. Returns 1 (showing its errors) when it
# does not say where it listens within 15 s.
start_server() {
  local name=$1
  shift
  "$LUCAS" serve --port 0 --http-host 127.0.0.1 "$@" > "$TMP/$name.out" 2>> "$TMP/$name.err" &
  SERVER_PID=$!
  PORT=""
  for _ in $(seq 1 150); do
    PORT=$(sed -n 's/^listening \([0-9]*\)$/\1/p' "$TMP/$name.out")
    [ -n "$PORT" ] && break
    sleep 0.1
  done
  BASE="http://127.0.0.1:$PORT"
  [ -n "$PORT" ] && return 0
  cat "$TMP/$name.err"
  return 1
}

# stop_server: SIGTERM, then waits; $? is the server's exit status. Safe under `set -e` (the
# benchmarks): a failing kill or wait does not end the caller before it has cleaned up.
stop_server() {
  [ -z "$SERVER_PID" ] && return 0
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  local rc=0
  wait "$SERVER_PID" 2>/dev/null || rc=$?
  SERVER_PID=""
  return $rc
}
