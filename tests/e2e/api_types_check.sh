#!/usr/bin/env bash
# The web app's API types (web/src/api/schema.d.ts, committed so the web build needs no C++
# binary) must be what openapi-typescript makes of the platform's OpenAPI document as the binary
# prints it (`lucas openapi`): this regenerates them with the web's own locked openapi-typescript
# (web/scripts/gen-api.mjs) and fails when the committed file differs, so a change of a
# src/**/*_api.json fragment cannot land without the types (and the app's compile against them).
# Usage: api_types_check.sh PATH/TO/lucas
set -euo pipefail
LUCAS=${1:?usage: api_types_check.sh PATH/TO/lucas}
here=$(cd "$(dirname "$0")" && pwd)
web=$(cd "$here/../../web" && pwd)
committed="$web/src/api/schema.d.ts"
if [ ! -f "$web/node_modules/openapi-typescript/package.json" ]; then
  echo "api_types_check: openapi-typescript is missing: run 'npm ci' in web/ (scripts/build-web.sh does)" >&2
  exit 1
fi
tmp=$(mktemp -d /tmp/lucas-api-types-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

LUCAS_LOG_LEVEL=warn "$LUCAS" openapi --out "$tmp/openapi.json"
(cd "$web" && node scripts/gen-api.mjs "$tmp/openapi.json" --out "$tmp/schema.d.ts" >/dev/null)

if [ ! -f "$committed" ] || ! diff -u --label committed --label generated "$committed" "$tmp/schema.d.ts" >"$tmp/diff"; then
  echo "FAIL - web/src/api/schema.d.ts is stale: run" >&2
  echo "  $LUCAS openapi --out /tmp/openapi.json && (cd web && npm run gen-api -- /tmp/openapi.json)" >&2
  echo "then check the web app still builds (cd web && npm run build) and commit the file. The difference:" >&2
  head -n 80 "$tmp/diff" >&2
  exit 1
fi
echo "ok   - web/src/api/schema.d.ts matches the document of $LUCAS"

# The types must be able to fail the build: the app compiled against a copy of the types in which
# Money's `amount` is renamed must not compile (every page that shows a sum reads it).
mkdir -p "$tmp/web"
cp -r "$web/src" "$web/tsconfig.json" "$web/vite.config.ts" "$tmp/web/"
ln -s "$web/node_modules" "$tmp/web/node_modules"
awk '/^        Money: \{/ { inside = 1 }
     inside && /^            amount: string;/ { sub(/amount:/, "amount_renamed:"); inside = 0 }
     { print }' "$committed" >"$tmp/web/src/api/schema.d.ts"
if cmp -s "$committed" "$tmp/web/src/api/schema.d.ts"; then
  echo "FAIL - the self-test found no Money.amount to rename in schema.d.ts" >&2
  exit 1
fi
if (cd "$tmp/web" && node node_modules/typescript/bin/tsc --noEmit) >"$tmp/tsc.out" 2>&1; then
  echo "FAIL - the app still compiles with Money.amount renamed: the client is not typed from the document" >&2
  exit 1
fi
count=$(grep -c "error TS" "$tmp/tsc.out" || true)
echo "ok   - with Money.amount renamed the app does not compile ($count type errors)"
