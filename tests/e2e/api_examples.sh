#!/usr/bin/env bash
# The API guide's examples (docs/api/examples: cURL, Python, Node) against a real `lucas serve` on
# a fresh SQLite data directory: each obtains a token with client credentials, reads /me, the
# balance and a page of transactions, and prints the same lines; with a wrong secret each exits
# non-zero showing UNAUTHORIZED; with the user's rate-limit budget spent each waits out
# Retry-After once and still succeeds. Also checks that the endpoints they call are in the
# served OpenAPI document.
# Usage: api_examples.sh PATH/TO/lucas      (needs curl, jq, python3, node)
set -uo pipefail
LUCAS=${1:?usage: api_examples.sh PATH/TO/lucas}
EXAMPLES=$(cd "$(dirname "$0")/../../docs/api/examples" && pwd)
TMP=$(mktemp -d /tmp/lucas-api-examples-XXXXXX)
# shellcheck source=tests/e2e/lib.sh
. "$(dirname "$0")/lib.sh"

cleanup() {
  stop_server
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in curl jq python3 node; do
  command -v "$tool" >/dev/null || { echo "FAIL - $tool is needed"; exit 1; }
done

export LUCAS_DATA_DIR="$TMP/data"
export LUCAS_LOG_LEVEL=warn
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

cli() {  # a console command; its log lines go to $TMP/cli.err, shown when it fails
  "$LUCAS" "$@" 2>> "$TMP/cli.err" && return 0
  local rc=$?
  bad "lucas $*: exit $rc"; tail -5 "$TMP/cli.err"
  return "$rc"
}

new_client() {  # user -> "CLIENT_ID CLIENT_SECRET" (a console client is active at once)
  cli client create --user "$1" --name "api examples" |
    awk '/^client_id/{id=$2} /^client_secret/{secret=$2} END{print id, secret}'
}

run_example() {  # name lang client_id secret -> $TMP/name.out, $TMP/name.err; returns its status
  local cmd
  case "$2" in
    curl) cmd=(bash "$EXAMPLES/balance.sh") ;;
    python) cmd=(python3 "$EXAMPLES/balance.py") ;;
    node) cmd=(node "$EXAMPLES/balance.mjs") ;;
  esac
  # NODE_NO_WARNINGS: Node 18 warns that fetch is experimental.
  LUCAS_URL="$BASE" LUCAS_CLIENT_ID="$3" LUCAS_CLIENT_SECRET="$4" NODE_NO_WARNINGS=1 \
    timeout 150 "${cmd[@]}" \
    > "$TMP/$1.out" 2> "$TMP/$1.err"
}

# --- the data: Alice with 11 grants (a page of 10 and a cursor), a client for her; three more
# users for the rate-limit run, each with a client and a grant of their own.
cli migrate >/dev/null || { echo "$passed passed, $failed failed"; exit 1; }
cli user add --id 101 --name Alice >/dev/null
cli ledger grant --user 101 --amount 12.34 --key examples-first >/dev/null
for i in $(seq 1 10); do
  cli ledger grant --user 101 --amount 0.10 --key "examples-$i" >/dev/null
done
read -r ALICE_ID ALICE_SECRET < <(new_client 101)
expect_contains "a console client for Alice" "$ALICE_ID" "lc_"
for u in 201 202 203; do
  cli user add --id "$u" --name "User $u" >/dev/null
  cli ledger grant --user "$u" --amount "$u.50" --key "examples-user-$u" >/dev/null
done
read -r C201_ID C201_SECRET < <(new_client 201)
read -r C202_ID C202_SECRET < <(new_client 202)
read -r C203_ID C203_SECRET < <(new_client 203)

# --- the examples against the default limits
start_server serve || { bad "server started"; echo "$passed passed, $failed failed"; exit 1; }
ok "server started on port $PORT"

doc=$(curl -s "$BASE/api/v1/openapi.json")
for op in "post /api/v1/oauth/token" "get /api/v1/me" "get /api/v1/users/{id}/balance" \
          "get /api/v1/users/{id}/transactions"; do
  read -r method path <<<"$op"
  expect_eq "the OpenAPI document has $op" \
    "$(jq --arg p "$path" --arg m "$method" '.paths[$p][$m] != null' <<<"$doc")" "true"
done

for lang in curl python node; do
  run_example "$lang" "$lang" "$ALICE_ID" "$ALICE_SECRET"; rc=$?
  out=$(cat "$TMP/$lang.out")
  expect_eq "$lang: exits 0" "$rc" "0"
  expect_contains "$lang: the user from /me" "$out" "user: 101 (Alice)"
  expect_contains "$lang: the balance, exact" "$out" "balance: 13.34 COIN"
  expect_contains "$lang: a page of 10 with a cursor" "$out" "transactions: 10 on this page, next_cursor="
  expect_lacks "$lang: ... the cursor is there" "$out" "next_cursor=-"
  expect_eq "$lang: the newest first" "$(sed -n 4p "$TMP/$lang.out" | cut -d' ' -f4-)" \
    "+0.10 COIN admin.grant"
  expect_eq "$lang: 10 transaction lines" "$(grep -c '^  ' "$TMP/$lang.out")" "10"
  expect_eq "$lang: nothing on stderr" "$(cat "$TMP/$lang.err")" ""
done
expect_eq "Python prints what cURL prints" "$(cat "$TMP/python.out")" "$(cat "$TMP/curl.out")"
expect_eq "Node prints what cURL prints" "$(cat "$TMP/node.out")" "$(cat "$TMP/curl.out")"

for lang in curl python node; do
  run_example "$lang-wrong" "$lang" "$ALICE_ID" "lcs_$(printf '0%.0s' $(seq 1 64))"; rc=$?
  err=$(cat "$TMP/$lang-wrong.err")
  if [ "$rc" -ne 0 ]; then ok "$lang: a wrong secret exits non-zero ($rc)"; else
    bad "$lang: a wrong secret exits non-zero"; fi
  expect_contains "$lang: ... showing the error code" "$err" "error: UNAUTHORIZED: "
  expect_contains "$lang: ... and the message" "$err" "invalid client credentials"
  expect_contains "$lang: ... and the status" "$err" "HTTP 401"
  expect_lacks "$lang: ... and no balance" "$(cat "$TMP/$lang-wrong.out")" "balance:"
done

run_example "missing" python "" ""; rc=$?
expect_eq "a missing setting exits 2" "$rc" "2"
stop_server

# --- rate limited: 4 requests a minute; each user's budget is spent by a console token first, so
# each example's first call as the user gets 429 and waits Retry-After (about a minute; the three
# run at once, each as its own user — the token requests count against the address: 3 of 4).
start_server serve --http-rate-limit-per-minute 4 ||
  { bad "limited server started"; echo "$passed passed, $failed failed"; exit 1; }
for u in 201 202 203; do
  token=$(cli token create --user "$u")
  for _ in 1 2 3 4; do curl -s -o /dev/null -H "Authorization: Bearer $token" "$BASE/api/v1/me"; done
done
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $token" "$BASE/api/v1/me")
expect_eq "the budget is spent" "$status" "429"
started=$(date +%s)
run_example "curl-429" curl "$C201_ID" "$C201_SECRET" & p1=$!
run_example "python-429" python "$C202_ID" "$C202_SECRET" & p2=$!
run_example "node-429" node "$C203_ID" "$C203_SECRET" & p3=$!
wait "$p1"; rc1=$?
wait "$p2"; rc2=$?
wait "$p3"; rc3=$?
echo "# the rate-limited run took $(( $(date +%s) - started )) s"
u=201
for pair in "curl-429 $rc1" "python-429 $rc2" "node-429 $rc3"; do
  read -r name rc <<<"$pair"
  expect_eq "$name: exits 0 after waiting" "$rc" "0"
  expect_contains "$name: it was told to wait" "$(cat "$TMP/$name.err")" "rate limited: retrying in "
  expect_contains "$name: the balance" "$(cat "$TMP/$name.out")" "balance: $u.50 COIN"
  u=$((u + 1))
done
stop_server

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
