#!/usr/bin/env bash
# Installs the system and npm packages a profile needs (Debian 12):
#   scripts/bootstrap.sh serve   building and serving: the toolchain, the libraries, Node for the
#                                web app (what scripts/run.sh needs)
#   scripts/bootstrap.sh [test]  everything: also the test and benchmark tools — PostgreSQL,
#                                Redis, nginx, clang, chromium, wrk — and the e2e npm packages
# Idempotent: only missing packages are installed, and it says what it does.
set -euo pipefail
profile=${1:-test}
case "$profile" in serve | test) ;; *) echo "bootstrap: profile is serve or test" >&2; exit 2 ;; esac

packages=(
  # toolchain
  g++ cmake ninja-build pkg-config ccache
  # libraries
  libboost-dev libboost-system-dev libsqlite3-dev libpq-dev nlohmann-json3-dev libspdlog-dev
  libfmt-dev libcli11-dev libtomlplusplus-dev libssl-dev libre2-dev libicu-dev libcurl4-openssl-dev libsodium-dev
  libfasttext-dev libhiredis-dev zlib1g-dev
)
if [ "$profile" = test ]; then
  packages+=(
    clang-format git
    # tests and benchmarks
    libgtest-dev libgmock-dev librapidcheck-dev libbenchmark-dev postgresql redis-server curl jq python3 wrk
    nginx-light openssl
    # the web app's browser tests and its icons (headless Debian chromium, driven by playwright-core)
    chromium fonts-dejavu-core
    clang libclang-rt-14-dev
  )
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node builds the web app and runs the Telegram emulator and browser tests; any Node >= 18.19
# will do (Debian 12's nodejs/npm otherwise).
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

npm_deps() {
  # The web app's (and for the tests the e2e tests') npm packages, exactly as locked.
  local dirs=(web)
  [ "$profile" = test ] && dirs+=(tests/e2e)
  for dir in "${dirs[@]}"; do
    # npm writes node_modules/.package-lock.json last: without it the install is missing or partial.
    if [ ! -f $dir/node_modules/.package-lock.json ] || [ $dir/package-lock.json -nt $dir/node_modules ]; then
      echo "bootstrap: installing npm packages for $dir (npm ci)"
      (cd $dir && npm ci --no-audit --no-fund --loglevel=error)
      touch $dir/node_modules
    fi
  done
}
cd "$(dirname "$0")/.."

if [ ${#missing[@]} -eq 0 ]; then
  echo "bootstrap: all ${#packages[@]} system packages of the $profile profile are installed"
  npm_deps
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "bootstrap: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
echo "bootstrap: installing ${#missing[@]} missing packages: ${missing[*]}"
$sudo apt-get update -q
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
npm_deps
echo "bootstrap: done"
