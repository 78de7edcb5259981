# Shared by the bash end-to-end tests (source it after setting LUCAS and TMP): pass/fail counters
# and checks, and starting `lucas serve` on a free port (scripts/lib/serve.sh).
SERVER_PID=""
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok   - $1"; }
bad() { failed=$((failed + 1)); echo "FAIL - $1"; }
expect_eq() {  # name actual expected
  if [ "$2" == "$3" ]; then ok "$1"; else bad "$1: got '$2', expected '$3'"; fi
}
expect_contains() {  # name haystack needle
  if [[ "$2" == *"$3"* ]]; then ok "$1"; else bad "$1: '$3' not in: ${2:0:400}"; fi
}
expect_lacks() {  # name haystack needle
  if [[ "$2" != *"$3"* ]]; then ok "$1"; else bad "$1: '$3' in: ${2:0:400}"; fi
}

# start_server and stop_server: `lucas serve` on a free port (shared with the benchmarks).
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib/serve.sh"
