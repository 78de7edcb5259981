#!/usr/bin/env bash
# Builds the web app (web/: TypeScript + Preact + Vite) and installs it where `lucas serve` looks:
# web/ beside the binary. Usage: scripts/build-web.sh [DEST] (default build/serve/web).
# npm ci installs exactly the committed lockfile; the build is skipped when nothing changed.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=${1:-build/serve/web}
# (npm writes node_modules/.package-lock.json last: without it the install is missing or partial)
if [ ! -f web/node_modules/.package-lock.json ] || [ web/package-lock.json -nt web/node_modules ]; then
  echo "build-web: installing npm packages for web/ (npm ci)"
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
  touch web/node_modules
fi
stamp="$dest/.source-stamp"
source_stamp=$(find web/src web/public web/index.html web/vite.config.ts web/package-lock.json \
  web/scripts -type f -newer "$stamp" 2>/dev/null | head -1 || true)
if [ -f "$dest/index.html" ] && [ -f "$stamp" ] && [ -z "$source_stamp" ]; then
  echo "build-web: $dest is up to date"
  exit 0
fi
(cd web && npm run --silent build)
rm -rf "$dest.tmp"
mkdir -p "$(dirname "$dest")"
cp -r web/dist "$dest.tmp"
rm -rf "$dest"
mv "$dest.tmp" "$dest"
touch "$stamp"
echo "build-web: installed in $dest"
