#!/usr/bin/env bash
# Builds the parser fuzzer with clang (libFuzzer + ASan + UBSan) and runs it for SECONDS
# (default 20). Exits non-zero on any crash or sanitizer report. Only the rule parser is built
# (the AI pipeline around it needs fastText and the store; its property tests cover any input).
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-20}
for p in clang libclang-rt-14-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=" $p"
done
if [ -n "${missing:-}" ]; then
  echo "fuzz: installing$missing"
  ${SUDO:-$( [ "$(id -u)" -ne 0 ] && echo sudo )} apt-get install -y -q --no-install-recommends $missing
fi
OUT=build/fuzz
mkdir -p "$OUT/corpus"
clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -Isrc $(pkg-config --cflags icu-uc) \
  fuzz/parser_fuzz.cpp src/features/parser/{parser,text}.cpp src/base/names.cpp \
  $(pkg-config --libs icu-uc icu-i18n) -o "$OUT/parser_fuzz"
"$OUT/parser_fuzz" -max_total_time="$SECONDS_TO_RUN" -max_len=4096 "$OUT/corpus"
