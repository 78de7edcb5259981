#!/usr/bin/env bash
# The web app's Lighthouse budget (issue 17): mobile form factor with Lighthouse's simulated
# throttling — 150 ms RTT, 1.6 Mbps, 4x CPU slowdown — in Debian's chromium, against `lucas serve`
# with embedded SQLite serving the built app. Audits the sign-in page (anonymous) and home (signed
# in through a Mini App initData sign-in, the session cookie passed to Lighthouse), prints one line
# per page and checks the budget: performance >= 0.90, accessibility >= 0.95, best practices >=
# 0.95, largest contentful paint <= 3 s. Reports go to build/lighthouse/ (JSON and HTML).
# Usage: bench/lighthouse.sh [PATH/TO/lucas]  (default: build/release/lucas, build/serve/lucas or
#        build/ci/lucas, whichever exists first; its web/ beside it must hold the built app —
#        scripts/build-web.sh DIR/web)
set -euo pipefail
cd "$(dirname "$0")/.."
LUCAS=${1:-}
if [ -z "$LUCAS" ]; then
  for candidate in build/release/lucas build/serve/lucas build/ci/lucas; do
    if [ -x "$candidate" ]; then LUCAS=$candidate; break; fi
  done
fi
[ -n "$LUCAS" ] && [ -x "$LUCAS" ] || { echo "lighthouse: no lucas binary (build one first)" >&2; exit 2; }
WEB=$(dirname "$LUCAS")/web
[ -f "$WEB/index.html" ] || { echo "lighthouse: no built web app in $WEB: run scripts/build-web.sh $WEB" >&2; exit 2; }
CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
export CHROME_PATH
if [ ! -d bench/lighthouse/node_modules ] || [ bench/lighthouse/package-lock.json -nt bench/lighthouse/node_modules ]; then
  echo "lighthouse: installing Lighthouse (npm ci in bench/lighthouse)"
  (cd bench/lighthouse && npm ci --no-audit --no-fund --loglevel=error) && touch bench/lighthouse/node_modules
fi
OUT=build/lighthouse
mkdir -p "$OUT"

DATA=$(mktemp -d /tmp/lucas-lighthouse-XXXXXX)
TOKEN='535353:lighthouse-bench'
export LUCAS_DATA_DIR="$DATA" LUCAS_LOG_LEVEL=warn LUCAS_WEB_DIR="$WEB" LUCAS_TELEGRAM_TOKEN="$TOKEN" \
  LUCAS_TELEGRAM_MODE=off LUCAS_PARSER_AUTO_TRAIN=false
"$LUCAS" migrate >/dev/null
"$LUCAS" user add --id 101 --username alice --name 'Алиса' --language ru >/dev/null
for i in $(seq 1 25); do
  "$LUCAS" ledger grant --user 101 --amount "$i.25" --key "lighthouse-$i" >/dev/null
done
TMP=$DATA
source scripts/lib/serve.sh
trap 'stop_server || true; rm -rf "$DATA"' EXIT
start_server serve || { echo "lighthouse: lucas did not start" >&2; exit 1; }

# A session for home: Mini App initData signed with the bot token, as Telegram signs it.
INIT=$(TOKEN="$TOKEN" python3 - <<'PY'
import hashlib, hmac, json, os, time, urllib.parse
fields = {"auth_date": str(int(time.time())), "query_id": "AAE-lighthouse",
          "user": json.dumps({"id": 101, "first_name": "Алиса", "username": "alice"}, ensure_ascii=False)}
dcs = "\n".join(f"{k}={fields[k]}" for k in sorted(fields))
secret = hmac.new(b"WebAppData", os.environ["TOKEN"].encode(), hashlib.sha256).digest()
fields["hash"] = hmac.new(secret, dcs.encode(), hashlib.sha256).hexdigest()
print(json.dumps({"init_data": urllib.parse.urlencode(fields)}))
PY
)
COOKIE=$(curl -sf -D - -o /dev/null -H 'Content-Type: application/json' -d "$INIT" \
  "$BASE/api/v1/auth/telegram/webapp" | tr -d '\r' | sed -n 's/^[Ss]et-[Cc]ookie: \([^;]*\).*/\1/p' | head -n1)
[ -n "$COOKIE" ] || { echo "lighthouse: the sign-in gave no session cookie" >&2; exit 1; }
printf '{"Cookie": "%s"}' "$COOKIE" >"$DATA/headers.json"

status=0
audit() {  # name path [extra lighthouse args]
  local name=$1 path=$2
  shift 2
  node bench/lighthouse/node_modules/lighthouse/cli/index.js "$BASE$path" --quiet \
    --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
    --only-categories=performance,accessibility,best-practices \
    --form-factor=mobile --throttling-method=simulate \
    --output=json --output=html --output-path="$OUT/$name" "$@" >/dev/null
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const c = r.categories, lcp = r.audits["largest-contentful-paint"].numericValue;
    const s = (k) => c[k].score.toFixed(2);
    const ok = c.performance.score >= 0.9 && c.accessibility.score >= 0.95 &&
      c["best-practices"].score >= 0.95 && lcp <= 3000;
    console.log(`${process.argv[2].padEnd(6)} performance ${s("performance")}  accessibility ${s("accessibility")}` +
      `  best practices ${s("best-practices")}  LCP ${(lcp / 1000).toFixed(2)} s  ${ok ? "within budget" : "OVER BUDGET"}`);
    process.exit(ok ? 0 : 1);' "$OUT/$name.report.json" "$name" || status=1
}
echo "lighthouse $(node bench/lighthouse/node_modules/lighthouse/cli/index.js --version), $("$CHROME_PATH" --version 2>/dev/null | head -n1), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
audit login /login
audit home / --extra-headers="$DATA/headers.json"
echo "reports: $OUT/{login,home}.report.{json,html}"
exit $status
