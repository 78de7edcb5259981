#!/usr/bin/env bash
# Reads who an API client acts as, their balance and one page of their transactions.
#
# Needs curl and jq. Usage:
#
#   LUCAS_URL=https://lucas.example.org \
#   LUCAS_CLIENT_ID=lc_... LUCAS_CLIENT_SECRET=lcs_... bash balance.sh
#
# Exit status: 0 done; 1 the API refused (the Error body's error_code and message are printed) or
# could not be reached; 2 a setting is missing.
set -euo pipefail

if [[ -z ${LUCAS_URL:-} || -z ${LUCAS_CLIENT_ID:-} || -z ${LUCAS_CLIENT_SECRET:-} ]]; then
  echo "set LUCAS_URL, LUCAS_CLIENT_ID and LUCAS_CLIENT_SECRET" >&2
  exit 2
fi
BASE=${LUCAS_URL%/}
MAX_WAIT_S=120  # a longer Retry-After (a penalty) is reported instead of waited out

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

# api ARGS... : one request (curl arguments: method, URL, headers, body); the JSON answer on
# stdout. On 429 it waits Retry-After seconds and tries once more; any other error prints the
# Error body's error_code and message and exits 1.
api() {
  local attempt status wait
  for attempt in 1 2; do
    if ! status=$(curl -sS --max-time 30 -o "$WORK/body" -D "$WORK/headers" -w '%{http_code}' "$@"); then
      echo "error: cannot reach $BASE" >&2
      exit 1
    fi
    if [[ $status == 2?? ]]; then
      cat "$WORK/body"
      return 0
    fi
    wait=$(tr -d '\r' < "$WORK/headers" | sed -n 's/^[Rr]etry-[Aa]fter: *\([0-9]*\)$/\1/p' | tail -1)
    if [[ $status == 429 && $attempt == 1 && -n $wait && $wait -le $MAX_WAIT_S ]]; then
      echo "rate limited: retrying in $wait s" >&2
      sleep "$wait"
      continue
    fi
    local request_id
    request_id=$(tr -d '\r' < "$WORK/headers" | sed -n 's/^[Xx]-[Rr]equest-[Ii]d: *//p' | tail -1)
    # Our Error body: {"error_code", "message", "details", "retry_after", "timestamp"}.
    local text
    if ! text=$(jq -er '"\(.error_code): \(.message)"' "$WORK/body" 2>/dev/null); then
      text=$(head -c 200 "$WORK/body")  # not our Error body (a proxy's page, ...)
    fi
    echo "error: ${text:-(no body)} (HTTP $status, request ${request_id:--})" >&2
    exit 1
  done
}

# 1. Client credentials (RFC 6749 4.4): HTTP Basic (curl -u), grant_type in a form body.
TOKEN=$(api -X POST -u "$LUCAS_CLIENT_ID:$LUCAS_CLIENT_SECRET" \
  -d grant_type=client_credentials "$BASE/api/v1/oauth/token" | jq -r .access_token)
AUTH="Authorization: Bearer $TOKEN"

# 2. Who the token acts as (profile:read), their balance (balance:read), one page of their
#    transactions (history:read): the three scopes a new client gets by default.
ME=$(api -H "$AUTH" "$BASE/api/v1/me")
ID=$(jq -r .id <<<"$ME")
BALANCE=$(api -H "$AUTH" "$BASE/api/v1/users/$ID/balance")
PAGE=$(api -H "$AUTH" "$BASE/api/v1/users/$ID/transactions?limit=10")

jq -r '"user: \(.id) (\(.display_name))"' <<<"$ME"
jq -r '"balance: \(.balance.amount) \(.balance.currency)"' <<<"$BALANCE"  # an exact decimal string
jq -r '"transactions: \(.items | length) on this page, next_cursor=\(.next_cursor // "-")",
  (.items[] | "  \(.created_at) \(if (.amount.amount | startswith("-")) then "" else "+" end)\(.amount.amount) \(.amount.currency) \(.reason)")' <<<"$PAGE"
