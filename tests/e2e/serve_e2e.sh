#!/usr/bin/env bash
# End to end: drives the real `lucas` binary — CLI, configuration errors, `lucas serve` over HTTP,
# error bodies for bad input — on a fresh SQLite data directory. Every answer of the server is
# recorded and, at the end, held against the server's OpenAPI document (check_answers.mjs, node).
# Usage: serve_e2e.sh PATH/TO/lucas
set -uo pipefail
LUCAS=${1:?usage: serve_e2e.sh PATH/TO/lucas}
HERE=$(cd "$(dirname "$0")" && pwd)
TMP=$(mktemp -d /tmp/lucas-e2e-XXXXXX)
mkdir -p "$TMP/answers"
# shellcheck source=tests/e2e/lib.sh
. "$HERE/lib.sh"

cleanup() {
  stop_server
  rm -rf "$TMP"
}
trap cleanup EXIT

export LUCAS_DATA_DIR="$TMP/data"
export LUCAS_LOG_LEVEL=warn

# --- CLI and configuration
out=$("$LUCAS" version); expect_contains "version prints" "$out" "lucas "
"$LUCAS" --help >/dev/null; expect_eq "--help exits 0" "$?" "0"
"$LUCAS" ledger --help >/dev/null; expect_eq "ledger --help exits 0" "$?" "0"
err=$(LUCAS_HTTP_PORT=abc "$LUCAS" migrate 2>&1); rc=$?
expect_eq "bad env value exits 2" "$rc" "2"
expect_contains "bad env value names the setting" "$err" "http.port"
expect_contains "bad env value names the accepted values" "$err" "an integer from 0 to 65535"
err=$("$LUCAS" migrate --log-level loud 2>&1); rc=$?
expect_eq "bad flag value exits 2" "$rc" "2"
expect_contains "bad flag value lists the choices" "$err" "trace, debug, info, warn, error or off"
printf '[http]\nport = 8081\nbogus = 1\n' > "$TMP/bad.toml"
err=$("$LUCAS" migrate --config "$TMP/bad.toml" 2>&1); rc=$?
expect_eq "unknown file setting exits 2" "$rc" "2"
expect_contains "unknown file setting is named" "$err" "http.bogus"
"$LUCAS" frobnicate >/dev/null 2>&1; expect_eq "unknown command exits 2" "$?" "2"
"$LUCAS" import-legacy "$TMP/no-such.db" >/dev/null 2>&1; expect_eq "import-legacy of a missing file exits 2" "$?" "2"

out=$("$LUCAS" migrate); expect_contains "migrate applies" "$out" "applied: ledger/1"
out=$("$LUCAS" migrate); expect_contains "migrate is idempotent" "$out" "0 applied"
out=$("$LUCAS" user add --id 101 --username @alice --name "Алиса" --language ru)
expect_eq "user add" "$(echo "$out" | jq -r .username)" "alice"
"$LUCAS" user add --id 102 --name Bob --language en-GB --role admin >/dev/null
out=$("$LUCAS" ledger grant --user 101 --amount 12.34 --key e2e-grant-1 --note welcome)
expect_contains "grant" "$out" "done: transfer"
out=$("$LUCAS" ledger grant --user 101 --amount 12.34 --key e2e-grant-1 --note welcome)
expect_contains "repeated grant moves nothing" "$out" "already done"
err=$("$LUCAS" ledger grant --user 101 --amount 1.234 --key e2e-grant-2 2>&1); rc=$?
expect_eq "grant with 3 decimals exits 2" "$rc" "2"
expect_contains "grant with 3 decimals explains" "$err" "INVALID_AMOUNT"
err=$("$LUCAS" ledger grant --user 999 --amount 1 --key e2e-grant-3 2>&1); rc=$?
expect_eq "grant to unknown user fails" "$rc" "1"
out=$("$LUCAS" audit verify); rc=$?
expect_eq "audit verify exits 0" "$rc" "0"
expect_contains "audit chain intact" "$out" "chain intact"
out=$("$LUCAS" audit search --action admin.)
expect_contains "audit has the grant" "$out" '"action":"admin.grant"'
expect_contains "audit has the role change" "$out" '"action":"admin.set_role"'
out=$("$LUCAS" audit search --action ledger.transfer --format csv)
expect_contains "audit has the transfer, as CSV" "$out" "ledger.transfer,transfer:"
out=$("$LUCAS" audit keygen --output "$TMP/audit.key"); expect_contains "audit keygen" "$out" "public key "
expect_eq "audit key file is private" "$(stat -c %a "$TMP/audit.key")" "600"
"$LUCAS" audit keygen --output "$TMP/audit.key" >/dev/null 2>&1; expect_eq "keygen never overwrites" "$?" "2"
out=$(LUCAS_AUDIT_SIGNING_KEY_FILE="$TMP/audit.key" "$LUCAS" audit checkpoint); expect_contains "audit checkpoint" "$out" "signed entry"
out=$(LUCAS_AUDIT_SIGNING_KEY_FILE="$TMP/audit.key" "$LUCAS" audit verify); expect_contains "verify checks the signature" "$out" "1 signed checkpoints checked: chain intact"
"$LUCAS" audit search --since yesterday >/dev/null 2>&1; expect_eq "bad --since exits 2" "$?" "2"
"$LUCAS" audit export --format jsonl --output "$TMP/audit.jsonl" 2>/dev/null
expect_eq "audit export writes every entry" "$(wc -l < "$TMP/audit.jsonl" | tr -d ' ')" "3"
out=$("$LUCAS" jobs list --data-dir "$LUCAS_DATA_DIR"); expect_eq "settings may follow any subcommand (jobs list)" "$?" "0"
out=$("$LUCAS" outbox given-up --data-dir "$LUCAS_DATA_DIR"); expect_eq "outbox given-up runs, settings after it" "$?" "0"
expect_eq "nothing is given up" "$out" ""
"$LUCAS" outbox retry >/dev/null 2>&1; expect_eq "outbox retry needs an id or --all" "$?" "2"
err=$("$LUCAS" outbox retry 424242 2>&1); rc=$?
expect_eq "outbox retry of an event that is not given up exits 1" "$rc" "1"
expect_contains "and says so" "$err" "NOT_FOUND"
out=$("$LUCAS" audit search --action admin.outbox_); expect_contains "the console's outbox list is audited" "$out" '"action":"admin.outbox_list"'
out=$("$LUCAS" telegram failed --data-dir "$LUCAS_DATA_DIR"); expect_eq "telegram failed runs, settings after it" "$?" "0"
expect_eq "no update failed" "$out" ""
"$LUCAS" telegram retry >/dev/null 2>&1; expect_eq "telegram retry needs an id or --all" "$?" "2"
err=$("$LUCAS" telegram retry 424242 2>&1); rc=$?
expect_eq "telegram retry of an update that is not failed exits 1" "$rc" "1"
expect_contains "and says so" "$err" "NOT_FOUND"
out=$("$LUCAS" telegram retry --all); expect_contains "telegram retry --all" "$out" "retried 0"
out=$("$LUCAS" audit search --action admin.telegram_)
expect_contains "the console's failed-update list is audited" "$out" '"action":"admin.telegram_failed_list"'
expect_contains "the console's update retry is audited" "$out" '"action":"admin.telegram_retry"'
out=$("$LUCAS" db copy --from "sqlite:$TMP/data/lucas.db" --to "sqlite:$TMP/copy.db"); rc=$?
expect_eq "db copy exits 0" "$rc" "0"
expect_contains "db copy verifies" "$out" "verified"
expect_contains "db copy lists tables" "$out" "transfers"
"$LUCAS" db copy --from "sqlite:$TMP/data/lucas.db" --to "sqlite:$TMP/copy.db" >/dev/null 2>&1
expect_eq "db copy refuses a used target" "$?" "1"
out=$("$LUCAS" db copy --from "sqlite:$TMP/data/lucas.db" --to "sqlite:$TMP/copy.db" --replace); rc=$?
expect_eq "db copy --replace" "$rc" "0"
out=$(LUCAS_DATABASE_URL="sqlite:$TMP/copy.db" "$LUCAS" ledger check)
expect_contains "the copy's ledger checks out" "$out" "ledger OK"
"$LUCAS" backup create >/dev/null 2>&1; expect_eq "backup without a key exits 2" "$?" "2"
out=$("$LUCAS" backup keygen --output "$TMP/backup.key"); expect_contains "backup keygen" "$out" "backup key written"
export LUCAS_BACKUP_KEY_FILE="$TMP/backup.key" LUCAS_BACKUP_DIRS="$TMP/bk1,$TMP/bk2"
out=$("$LUCAS" backup create 2>/dev/null); rc=$?
expect_eq "backup create exits 0" "$rc" "0"
expect_contains "backup create verifies" "$out" "verified"
expect_contains "backup goes to both locations" "$out" "written to 2 location"
BACKUP_ID=$("$LUCAS" backup list | head -1 | cut -d' ' -f1)
[ -f "$TMP/bk2/$BACKUP_ID.lucasbk" ] && ok "second copy exists" || bad "second copy exists"
out=$("$LUCAS" backup verify "$BACKUP_ID"); expect_contains "backup verify" "$out" "verified"
at_backup=$("$LUCAS" ledger check | head -1)
"$LUCAS" ledger grant --user 101 --amount 5 --key after-backup >/dev/null
[ "$("$LUCAS" ledger check | head -1)" != "$at_backup" ] && ok "the ledger moved on" || bad "the ledger moved on"
"$LUCAS" backup restore "$BACKUP_ID" >/dev/null 2>&1; expect_eq "restore refuses a database with data" "$?" "1"
out=$("$LUCAS" backup restore "$BACKUP_ID" --replace); expect_contains "backup restore" "$out" "restored"
expect_eq "restore brings back the backup moment" "$("$LUCAS" ledger check | head -1)" "$at_backup"
"$LUCAS" user add --id 103 --name Carol >/dev/null
"$LUCAS" ledger grant --user 103 --amount 1.50 --key before-incremental >/dev/null
at_incr=$("$LUCAS" ledger check | head -1)
out=$("$LUCAS" backup create --incremental 2>/dev/null); rc=$?
expect_eq "incremental backup exits 0" "$rc" "0"
expect_contains "incremental backup is verified" "$out" "verified"
INCR_ID=$("$LUCAS" backup list | head -1 | cut -d' ' -f1)
expect_contains "the newest backup is the incremental" "$("$LUCAS" backup list | head -1)" "incremental"
"$LUCAS" ledger grant --user 103 --amount 2 --key after-incremental >/dev/null
out=$("$LUCAS" backup restore "$INCR_ID" --replace); expect_contains "incremental restore" "$out" "restored"
expect_eq "incremental restore brings back its moment" "$("$LUCAS" ledger check | head -1)" "$at_incr"
out=$("$LUCAS" jobs list); expect_contains "backup jobs are scheduled" "$out" "backup.incremental"
expect_contains "the full backup runs every 6 hours" "$out" "every 21600 s"
out=$("$LUCAS" jobs run backup.restore_test); expect_eq "the restore test passes" "$?" "0"
expect_contains "the restore test is audited" "$("$LUCAS" audit search --action backup.)" '"result":"ok"'
unset LUCAS_BACKUP_KEY_FILE LUCAS_BACKUP_DIRS
out=$("$LUCAS" ledger check); rc=$?
expect_eq "ledger check exits 0" "$rc" "0"
expect_contains "ledger check says OK" "$out" "ledger OK"

out=$("$LUCAS" client create --user 101 --name "e2e app"); rc=$?
expect_eq "client create exits 0" "$rc" "0"
CLIENT_ID=$(echo "$out" | awk '/^client_id/{print $2}')
CLIENT_SECRET=$(echo "$out" | awk '/^client_secret/{print $2}')
expect_contains "client id shape" "$CLIENT_ID" "lc_"
"$LUCAS" client create --user 424242 --name x >/dev/null 2>&1; expect_eq "client for an unknown user fails" "$?" "1"
"$LUCAS" client create --user 101 --name x --scope "balance:read root" >/dev/null 2>&1; expect_eq "an unknown scope exits 2" "$?" "2"
# Bearer tokens from the console: Alice's narrowed to the read scopes, full-access ones for Alice,
# Bob (an admin) and Carol (a user), and one of Alice's without balance:read.
ALICE=$("$LUCAS" token create --user 101 --scope "balance:read history:read profile:read")
ALICE_FULL=$("$LUCAS" token create --user 101)
BOB=$("$LUCAS" token create --user 102)
CAROL=$("$LUCAS" token create --user 103)
ALICE_HISTORY=$("$LUCAS" token create --user 101 --scope history:read)
expect_contains "token create prints a token" "$ALICE" "lat_"

# --- the server
start_server serve || { bad "server started"; echo "$passed passed, $failed failed"; exit 1; }
ok "server started on port $PORT"

# curl's arguments -> the status; the body in $TMP/body. Every answer is also kept in
# $TMP/answers/ (status, content type, method, URL; the body beside) for the OpenAPI check.
get() {
  local meta f
  meta=$(curl -s -o "$TMP/body" -w '%{http_code}\t%{content_type}\t%{method}\t%{url_effective}' "$@")
  if [ "${meta%%$'\t'*}" != "000" ]; then
    f=$(mktemp "$TMP/answers/XXXXXXXX")
    printf '%s\n' "$meta" > "$f"
    cp "$TMP/body" "$f.body"
  fi
  printf '%s' "${meta%%$'\t'*}"
}

expect_eq "the OpenAPI document" "$(get "$BASE/api/v1/openapi.json")" "200"
cp "$TMP/body" "$TMP/openapi.json"

expect_eq "healthz" "$(get "$BASE/healthz")" "200"
expect_eq "readyz" "$(get "$BASE/readyz")" "200"
# A profile's public fields are open; the rest needs the user's own token (or an admin's).
expect_eq "get user" "$(get "$BASE/api/v1/users/101")" "200"
expect_eq "user display name" "$(jq -r .display_name "$TMP/body")" "Алиса"
expect_eq "anonymous sees only the public fields" "$(jq -c 'keys' "$TMP/body")" '["created_at","display_name","id","visibility"]'
expect_eq "another user sees only the public fields" "$(get -H "Authorization: Bearer $CAROL" "$BASE/api/v1/users/101" >/dev/null; jq -r .visibility "$TMP/body")" "public"
expect_eq "the user sees their full profile" "$(get -H "Authorization: Bearer $ALICE" "$BASE/api/v1/users/101")" "200"
expect_eq "user role" "$(jq -r .role "$TMP/body")" "user"
get -H "Authorization: Bearer $BOB" "$BASE/api/v1/users/102" >/dev/null
expect_eq "english user keeps en" "$(jq -r .language "$TMP/body")" "en"
expect_eq "admin role" "$(jq -r .role "$TMP/body")" "admin"
# Balance and transactions: 401 anonymous, 403 for another user, 200 for the user with the scope.
expect_eq "anonymous balance is 401" "$(get "$BASE/api/v1/users/101/balance")" "401"
expect_eq "anonymous balance says UNAUTHORIZED" "$(jq -r .error_code "$TMP/body")" "UNAUTHORIZED"
expect_eq "anonymous balance shows no amount" "$(jq -r '.balance // "none"' "$TMP/body")" "none"
expect_eq "anonymous transactions are 401" "$(get "$BASE/api/v1/users/101/transactions")" "401"
expect_eq "another user's balance is 403" "$(get -H "Authorization: Bearer $CAROL" "$BASE/api/v1/users/101/balance")" "403"
expect_eq "another user's balance says FORBIDDEN" "$(jq -r .error_code "$TMP/body")" "FORBIDDEN"
expect_eq "another user's transactions are 403" "$(get -H "Authorization: Bearer $CAROL" "$BASE/api/v1/users/101/transactions")" "403"
expect_eq "a token without balance:read is 403" "$(get -H "Authorization: Bearer $ALICE_HISTORY" "$BASE/api/v1/users/101/balance")" "403"
expect_eq "and names the scope" "$(jq -r '.error_code + " " + .details.scope' "$TMP/body")" "INSUFFICIENT_SCOPE balance:read"
expect_eq "balance" "$(get -H "Authorization: Bearer $ALICE" "$BASE/api/v1/users/101/balance")" "200"
expect_eq "balance is an exact decimal string" "$(jq -c .balance "$TMP/body")" '{"amount":"12.34","currency":"COIN"}'
expect_eq "an admin reads a user's balance" "$(get -H "Authorization: Bearer $BOB" "$BASE/api/v1/users/101/balance")" "200"
expect_eq "zero balance" "$(get -H "Authorization: Bearer $BOB" "$BASE/api/v1/users/102/balance")" "200"
expect_eq "zero balance amount" "$(jq -r .balance.amount "$TMP/body")" "0.00"
expect_eq "transactions" "$(get -H "Authorization: Bearer $ALICE" "$BASE/api/v1/users/101/transactions")" "200"
expect_eq "one transaction" "$(jq '.items | length' "$TMP/body")" "1"
expect_eq "transaction amount" "$(jq -r '.items[0].amount.amount' "$TMP/body")" "12.34"
expect_eq "transaction reason" "$(jq -r '.items[0].reason' "$TMP/body")" "admin.grant"
expect_eq "no next page" "$(jq -r '.next_cursor' "$TMP/body")" "null"
expect_eq "a scoped token does not see the admin's note" "$(jq -r '.items[0].metadata.note // "hidden"' "$TMP/body")" "hidden"
get -H "Authorization: Bearer $ALICE_FULL" "$BASE/api/v1/users/101/transactions" >/dev/null
expect_eq "the user's full access sees it" "$(jq -r '.items[0].metadata.note' "$TMP/body")" "welcome"

# --- OAuth 2.0 client credentials
expect_eq "token endpoint" "$(get -X POST -d "grant_type=client_credentials&client_id=$CLIENT_ID&client_secret=$CLIENT_SECRET" "$BASE/api/v1/oauth/token")" "200"
TOKEN=$(jq -r .access_token "$TMP/body")
expect_eq "token type" "$(jq -r .token_type "$TMP/body")" "Bearer"
expect_eq "the answer names the granted scopes" "$(jq -r .scope "$TMP/body")" "balance:read history:read profile:read"
expect_eq "a narrower scope" "$(get -X POST -d "grant_type=client_credentials&client_id=$CLIENT_ID&client_secret=$CLIENT_SECRET&scope=balance:read" "$BASE/api/v1/oauth/token")" "200"
expect_eq "is what the token gets" "$(jq -r .scope "$TMP/body")" "balance:read"
expect_eq "a scope beyond the client's is 400" "$(get -X POST -d "grant_type=client_credentials&client_id=$CLIENT_ID&client_secret=$CLIENT_SECRET&scope=admin" "$BASE/api/v1/oauth/token")" "400"
expect_eq "invalid_scope" "$(jq -r .details.error "$TMP/body")" "invalid_scope"
expect_eq "token with HTTP Basic" "$(get -u "$CLIENT_ID:$CLIENT_SECRET" -X POST -d grant_type=client_credentials "$BASE/api/v1/oauth/token")" "200"
expect_eq "wrong secret is 401" "$(get -X POST -d "grant_type=client_credentials&client_id=$CLIENT_ID&client_secret=lcs_wrong" "$BASE/api/v1/oauth/token")" "401"
expect_eq "unsupported grant is 400" "$(get -X POST -d "grant_type=password" "$BASE/api/v1/oauth/token")" "400"
expect_eq "me with the token" "$(get -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/me")" "200"
expect_eq "me is the client's user" "$(jq -r .id "$TMP/body")" "101"
expect_eq "me without a token is 401" "$(get "$BASE/api/v1/me")" "401"
expect_eq "a forged token is 401" "$(get -H "Authorization: Bearer lat_forged" "$BASE/api/v1/me")" "401"
expect_eq "another user's clients are forbidden" "$(get -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/users/102/clients")" "403"
expect_eq "the client reads its user's balance" "$(get -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/users/101/balance")" "200"
expect_eq "a read-only client cannot make clients" "$(get -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d '{"name":"mine"}' "$BASE/api/v1/users/101/clients")" "403"
# Through the API a client waits for its user's confirmation in the bot.
expect_eq "a client made through the API" "$(get -H "Authorization: Bearer $ALICE_FULL" -H 'Content-Type: application/json' -d '{"name":"via api","scopes":["balance:read"]}' "$BASE/api/v1/users/101/clients")" "201"
expect_eq "is pending" "$(jq -r .status "$TMP/body")" "pending"
expect_contains "with the bot command to confirm it" "$(jq -r .confirmation.command "$TMP/body")" "/confirm_client "
PENDING_ID=$(jq -r .client_id "$TMP/body"); PENDING_SECRET=$(jq -r .client_secret "$TMP/body")
expect_eq "a pending client gets no token" "$(get -u "$PENDING_ID:$PENDING_SECRET" -X POST -d grant_type=client_credentials "$BASE/api/v1/oauth/token")" "403"
expect_eq "unauthorized_client" "$(jq -r .details.error "$TMP/body")" "unauthorized_client"
expect_eq "a user cannot make a client for an admin" "$(get -H "Authorization: Bearer $CAROL" -H 'Content-Type: application/json' -d '{"name":"x"}' "$BASE/api/v1/users/102/clients")" "403"
expect_eq "an admin makes one for a user, pending too" "$(get -H "Authorization: Bearer $BOB" -H 'Content-Type: application/json' -d '{"name":"x"}' "$BASE/api/v1/users/103/clients")" "201"
expect_eq "for that user to confirm" "$(jq -r '.status + " " + (.confirmation.user_id | tostring)' "$TMP/body")" "pending 103"
grep -q "$CLIENT_SECRET" "$TMP/serve.err" && bad "the client secret appears in the log" || ok "the client secret is not logged"

# --- errors
expect_eq "unknown user is 404" "$(get "$BASE/api/v1/users/424242")" "404"
expect_eq "error body fields" "$(jq -r '[has("error_code"), has("message"), has("details"), has("retry_after"), has("timestamp")] | all' "$TMP/body")" "true"
expect_eq "error code" "$(jq -r .error_code "$TMP/body")" "NOT_FOUND"
expect_eq "non-numeric id is 400" "$(get "$BASE/api/v1/users/abc")" "400"
expect_eq "non-numeric id code" "$(jq -r .error_code "$TMP/body")" "INVALID_ARGUMENT"
expect_eq "negative id is 400" "$(get "$BASE/api/v1/users/-5/balance")" "400"
expect_eq "huge id is 400" "$(get "$BASE/api/v1/users/99999999999999999999999")" "400"
expect_eq "bad limit is 400" "$(get "$BASE/api/v1/users/101/transactions?limit=0")" "400"
expect_eq "bad cursor is 400" "$(get -H "Authorization: Bearer $ALICE" "$BASE/api/v1/users/101/transactions?cursor=%21%21")" "400"
expect_eq "unknown currency is 404" "$(get -H "Authorization: Bearer $ALICE" "$BASE/api/v1/users/101/balance?currency=NOPE")" "404"
expect_eq "unknown route is 404" "$(get "$BASE/api/v1/nothing")" "404"
expect_eq "wrong method is 405" "$(get -X DELETE "$BASE/api/v1/users/101")" "405"
head -c 2000000 /dev/zero > "$TMP/big"
expect_eq "oversized body is 413" "$(get -X POST --data-binary @"$TMP/big" "$BASE/api/v1/users/101")" "413"
raw=$(printf 'THIS IS NOT HTTP\r\n\r\n' | timeout 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$PORT; cat >&3; cat <&3")
expect_contains "garbage request gets 400" "$raw" "400"
expect_eq "request id echoed" "$(get -D "$TMP/headers" -H 'X-Request-Id: e2e-abc' "$BASE/healthz" >/dev/null; tr -d '\r' < "$TMP/headers" | sed -n 's/^[Xx]-[Rr]equest-[Ii]d: //p')" "e2e-abc"

# --- metrics
get "$BASE/metrics" >/dev/null
metrics=$(cat "$TMP/body")
expect_contains "metrics: request counter" "$metrics" 'lucas_http_requests_total{'
expect_contains "metrics: latency histogram" "$metrics" 'lucas_http_request_duration_seconds_bucket{'
expect_contains "metrics: route label, not raw path" "$metrics" 'route="/api/v1/users/{id}"'

# --- still alive after all that, and stops cleanly
expect_eq "alive after bad input" "$(get "$BASE/healthz")" "200"
stop_server; rc=$?
expect_eq "SIGTERM stops cleanly" "$rc" "0"

# --- bans from the console
out=$("$LUCAS" user ban 101 --reason "e2e spam" --until 2099-01-01)
expect_contains "user ban shows the ban in the record" "$out" '"reason":"e2e spam"'
"$LUCAS" user ban 101 >/dev/null 2>&1; expect_eq "a ban without --reason is bad usage" "$?" "2"
"$LUCAS" user ban 101 --reason x --until soon >/dev/null 2>&1
expect_eq "a ban with a bad --until is bad usage" "$?" "2"
out=$("$LUCAS" user unban 101); expect_contains "user unban lifts it" "$out" '"ban":null'

# --- Telegram webhook: the real binary, updates in, credits out (replies go to a Bot API
# address where nothing listens: the sender retries them; here we check the money).
export LUCAS_TELEGRAM_TOKEN="123456:e2e-token" LUCAS_TELEGRAM_WEBHOOK_SECRET="e2e-secret"
export LUCAS_TELEGRAM_API_URL="http://127.0.0.1:9"
env -u LUCAS_TELEGRAM_WEBHOOK_SECRET "$LUCAS" serve --port 0 --http-host 127.0.0.1 \
  > "$TMP/nosecret.out" 2> "$TMP/nosecret.err"; rc=$?
expect_eq "webhook mode without a secret refuses to start (exit 2)" "$rc" "2"
expect_contains "... naming the setting" "$(cat "$TMP/nosecret.err")" "telegram.webhook_secret"
start_server serve2 && ok "server with telegram started" || bad "server with telegram started"
HOOK="$BASE/telegram/webhook/$(printf '%s' "lucas-webhook:$LUCAS_TELEGRAM_TOKEN" | sha256sum | cut -c1-32)"
# The game message was sent half a minute ago (older than 48 h credits nothing) and names Алиса
# with a text_mention, the evidence of who the player is.
update() {  # update_id replied_from_json reply_text
  printf '{"update_id":%s,"message":{"message_id":%s,"date":%s,"chat":{"id":-100,"type":"supergroup"},"from":{"id":101,"is_bot":false,"first_name":"Алиса","language_code":"ru"},"text":"парсинг","reply_to_message":{"message_id":%s,"date":%s,"chat":{"id":-100,"type":"supergroup"},"from":%s,"text":"%s","entities":[{"type":"text_mention","offset":0,"length":5,"user":{"id":101,"is_bot":false,"first_name":"Алиса"}}]}}}' \
    "$1" "$((1000 + $1))" "$(date +%s)" "$2" "$(( $(date +%s) - 30 ))" "$3" "$4"
}
GAME_BOT='{"id":900,"is_bot":true,"first_name":"GDcards","username":"gdcardsBot"}'
PERSON='{"id":102,"is_bot":false,"first_name":"Bob"}'
CHEST='Алиса открыл сундук и получил 2.5 орб'
post_hook() {  # secret body
  get -X POST -H "X-Telegram-Bot-Api-Secret-Token: $1" -H 'Content-Type: application/json' \
    --data-binary "$2" "$HOOK"
}
expect_eq "webhook refuses a wrong secret" "$(post_hook wrong "$(update 1 500 "$GAME_BOT" "$CHEST")")" "401"
expect_eq "webhook refuses a missing secret" "$(get -X POST --data-binary '{}' "$HOOK")" "401"
expect_eq "webhook at another path is unknown" "$(get -X POST --data-binary '{}' "$BASE/telegram/webhook/guess")" "404"
expect_eq "webhook refuses non-JSON" "$(post_hook e2e-secret 'not json')" "400"
expect_eq "webhook accepts a game bot message" "$(post_hook e2e-secret "$(update 2 500 "$GAME_BOT" "$CHEST")")" "200"
balance=""
for _ in $(seq 1 50); do
  balance=$(get -H "Authorization: Bearer $ALICE" "$BASE/api/v1/users/101/balance" >/dev/null; jq -r .balance.amount "$TMP/body")
  [ "$balance" == "14.84" ] && break
  sleep 0.1
done
expect_eq "webhook credit reaches the ledger (12.34 + 2.5 orbs x 1)" "$balance" "14.84"
expect_eq "telegram retry of the same update" "$(post_hook e2e-secret "$(update 2 500 "$GAME_BOT" "$CHEST")")" "200"
expect_eq "second parse of the same game message" "$(post_hook e2e-secret "$(update 3 500 "$GAME_BOT" "$CHEST")")" "200"
expect_eq "a person's forged copy" "$(post_hook e2e-secret "$(update 4 501 "$PERSON" "$CHEST")")" "200"
sleep 1
expect_eq "retries and forgeries credit nothing" "$(get -H "Authorization: Bearer $ALICE" "$BASE/api/v1/users/101/balance" >/dev/null; jq -r .balance.amount "$TMP/body")" "14.84"
codes=$(for _ in $(seq 1 110); do get "$BASE/api/v1/users/101"; echo; done | sort | uniq -c | tr -s ' ' | tr '\n' ' ')
expect_contains "a burst past 100 requests a minute is limited" "$codes" " 429"
headers=$(get -D "$TMP/headers" "$BASE/api/v1/users/101" >/dev/null; tr -d '\r' < "$TMP/headers")
expect_contains "limited answers say when to retry" "$headers" "Retry-After: "
expect_contains "limits are announced (IETF RateLimit)" "$headers" 'RateLimit: "api";r=0;t='
expect_eq "health probes are never limited" "$(get "$BASE/healthz")" "200"
grep -q "e2e-token" "$TMP/serve2.err" && bad "the bot token appears in the log" || ok "the bot token is not logged"
stop_server; rc=$?
expect_eq "SIGTERM stops cleanly with telegram" "$rc" "0"
out=$("$LUCAS" ledger check); expect_contains "ledger check after webhook credits" "$out" "ledger OK"
unset LUCAS_TELEGRAM_TOKEN LUCAS_TELEGRAM_WEBHOOK_SECRET LUCAS_TELEGRAM_API_URL

# --- every answer above, held against the OpenAPI document the first server gave
out=$(node "$HERE/check_answers.mjs" "$TMP/openapi.json" "$TMP/answers" 2>&1); rc=$?
[ "$rc" -eq 0 ] || echo "$out" | sed '$d'
expect_eq "$(echo "$out" | tail -1)" "$rc" "0"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
