#!/usr/bin/env bash
# Fails when any C++ source differs from what clang-format would write.
set -euo pipefail
cf=${1:-clang-format}
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.h' '*.cc' 2>/dev/null || find src tests bench -name '*.cpp' -o -name '*.h')
[ ${#files[@]} -gt 0 ] || { echo "no sources"; exit 1; }
"$cf" --dry-run --Werror "${files[@]}"
echo "clang-format: ${#files[@]} files clean"
