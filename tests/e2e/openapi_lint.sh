#!/usr/bin/env bash
# Lints the platform's OpenAPI document, as the binary prints it (`lucas openapi`), with Redocly's
# CLI (npm, locked in this folder's package-lock.json) and the rules of redocly.yaml beside this
# script. Fails on any problem the rules report (every one is an error there) or when the binary
# cannot print the document.
# Usage: openapi_lint.sh PATH/TO/lucas
set -euo pipefail
LUCAS=${1:?usage: openapi_lint.sh PATH/TO/lucas}
here=$(cd "$(dirname "$0")" && pwd)
redocly="$here/node_modules/.bin/redocly"
if [ ! -x "$redocly" ]; then
  echo "openapi_lint: $redocly is missing: run 'npm ci' in tests/e2e (scripts/bootstrap.sh does)" >&2
  exit 1
fi
tmp=$(mktemp -d /tmp/lucas-openapi-lint-XXXXXX)
trap 'rm -rf "$tmp"' EXIT

LUCAS_LOG_LEVEL=warn "$LUCAS" openapi --out "$tmp/openapi.json"
# No usage report to Redocly and no look-up of a newer version: the lint works offline.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
"$redocly" lint --config "$here/redocly.yaml" --format=codeframe "$tmp/openapi.json"
