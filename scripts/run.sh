#!/usr/bin/env bash
# Builds the platform (optimised) and the web app, and starts it on embedded SQLite: http://localhost:8080
# Extra arguments go to `lucas serve` (e.g. --port 9090, --db postgresql://...).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake --preset release >/dev/null
cmake --build --preset release --target lucas
scripts/build-web.sh build/release/web  # the web app at /, served from beside the binary
exec build/release/lucas serve "$@"
