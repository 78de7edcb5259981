#!/usr/bin/env bash
# wrk against the shop's listing, GET /api/v1/shop/items (a page of 20, sorted by name and by
# trend), on a release build with embedded SQLite and ITEMS items created through the admin API
# (each with a price history row). Prints wrk's reports (requests/s and the latency distribution
# including p99).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-15s}
CONNECTIONS=${CONNECTIONS:-64}
ITEMS=${ITEMS:-200}
cmake --preset release >/dev/null
cmake --build --preset release --target lucas >/dev/null
LUCAS=build/release/lucas
DATA=$(mktemp -d /tmp/lucas-shop-bench-XXXXXX)
export LUCAS_DATA_DIR="$DATA" LUCAS_LOG_LEVEL=warn LUCAS_HTTP_ACCESS_LOG=false
# The benchmark is one client hammering on purpose: lift the per-client limit.
export LUCAS_HTTP_RATE_LIMIT_PER_MINUTE=0 LUCAS_PARSER_AUTO_TRAIN=false
"$LUCAS" user add --id 900 --name Admin --role admin >/dev/null
TMP=$DATA
source scripts/lib/serve.sh
trap 'stop_server || true; rm -rf "$DATA"' EXIT
start_server serve
ADMIN=$("$LUCAS" token create --user 900 --scope admin)
CATEGORIES=(cosmetic boost badge sticker)
for i in $(seq 1 "$ITEMS"); do
  curl -s -o "$DATA/create.out" -w "%{http_code}" -X POST -H "Authorization: Bearer $ADMIN" -H 'Content-Type: application/json' \
    "$BASE/api/v1/admin/items" -d "{\"slug\":\"item-$i\",\"name_ru\":\"Предмет $i\",\"name_en\":\"Item $i\",\
\"category\":\"${CATEGORIES[$((i % 4))]}\",\"rarity\":\"rare\",\"base_price\":\"$((i + 10)).00\",\"min_price\":\"1.00\",\
\"max_price\":\"1000.00\"}" | grep -q 201 || { echo "creating item $i failed: $(cat "$DATA/create.out")" >&2; exit 1; }
done
echo "$ITEMS items created"
for q in "limit=20" "limit=20&sort=trend"; do
  url="$BASE/api/v1/shop/items?$q"
  curl -sf "$url" >/dev/null
  echo "== GET /api/v1/shop/items?$q"
  out=$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency "$url")
  echo "$out"
  if grep -q "Non-2xx" <<<"$out"; then
    echo "some answers were not 200: this figure is not valid" >&2
    exit 1
  fi
done
