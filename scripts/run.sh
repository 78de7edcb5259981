#!/usr/bin/env bash
# Builds the platform (optimised) and the web app, and starts it on embedded SQLite: http://localhost:8080
# Extra arguments go to `lucas serve` (e.g. --port 9090, --db postgresql://...).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh serve  # only what building and serving need; test.sh adds the rest
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake --preset serve >/dev/null
cmake --build --preset serve --target lucas
scripts/build-web.sh build/serve/web  # the web app at /, served from beside the binary
exec build/serve/lucas serve "$@"
