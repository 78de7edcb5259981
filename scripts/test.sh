#!/usr/bin/env bash
# Builds everything under AddressSanitizer + UndefinedBehaviorSanitizer and runs the whole test
# suite: unit, property, store and ledger suites on SQLite and a PostgreSQL started by the
# harness, the end-to-end test of `lucas serve`, and the formatting check.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh test
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake --preset ci >/dev/null
cmake --build --preset ci
scripts/build-web.sh build/ci/web  # served by the binary in the end-to-end and browser tests
ctest --preset ci -j2 "$@"
