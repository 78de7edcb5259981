#!/usr/bin/env bash
# Checks the production files in deploy/: nginx accepts the site config (`nginx -t`, with a
# throwaway certificate in place of the real one), and every node's lucas.toml is a valid
# configuration for the real binary (loaded, then run against a scratch SQLite database instead
# of the production PostgreSQL and Redis).
# Usage: check_deploy.sh PATH/TO/lucas
set -uo pipefail
LUCAS=${1:?usage: check_deploy.sh PATH/TO/lucas}
cd "$(dirname "$0")/../.."
TMP=$(mktemp -d /tmp/lucas-deploy-XXXXXX)
trap 'rm -rf "$TMP"' EXIT
failed=0
ok() { echo "ok   - $1"; }
bad() { failed=$((failed + 1)); echo "FAIL - $1"; }

# --- nginx
if command -v nginx >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=bank.example.org \
    -keyout "$TMP/key.pem" -out "$TMP/cert.pem" >/dev/null 2>&1
  sed -e "s#/etc/letsencrypt/live/bank.example.org/fullchain.pem#$TMP/cert.pem#" \
      -e "s#/etc/letsencrypt/live/bank.example.org/privkey.pem#$TMP/key.pem#" \
      deploy/nginx/lucas.conf > "$TMP/site.conf"
  mkdir -p "$TMP/logs"
  cat > "$TMP/nginx.conf" <<CONF
pid $TMP/nginx.pid;
error_log $TMP/logs/error.log;
events {}
http {
  access_log off;
  client_body_temp_path $TMP/body;
  proxy_temp_path $TMP/proxy;
  fastcgi_temp_path $TMP/fastcgi;
  uwsgi_temp_path $TMP/uwsgi;
  scgi_temp_path $TMP/scgi;
  include $TMP/site.conf;
}
CONF
  if out=$(nginx -t -p "$TMP" -c "$TMP/nginx.conf" 2>&1); then
    ok "nginx -t accepts deploy/nginx/lucas.conf"
  else
    bad "nginx -t: $out"
  fi
  grep -q 'proxy_set_header Upgrade $http_upgrade' deploy/nginx/lucas.conf &&
    ok "the WebSocket location upgrades" || bad "no WebSocket upgrade in the nginx config"
else
  echo "skip - nginx is not installed (apt-get install nginx-light)"
fi

# --- one lucas.toml per node
"$LUCAS" backup keygen --output "$TMP/backup.key" >/dev/null
for f in deploy/lucas/node-*.toml; do
  out=$(LUCAS_DATABASE_URL="sqlite:$TMP/$(basename "$f").db" LUCAS_DATABASE_READ_URL= \
        LUCAS_REDIS_URL= LUCAS_BACKUP_KEY_FILE="$TMP/backup.key" LUCAS_DATA_DIR="$TMP/data" \
        "$LUCAS" migrate --config "$f" 2>&1)
  rc=$?
  if [ "$rc" -eq 0 ]; then ok "$f is a valid configuration"; else bad "$f (exit $rc): $out"; fi
done
ids=$(grep -h '^id = ' deploy/lucas/node-*.toml | sort | uniq -d)
[ -z "$ids" ] && ok "node ids are distinct" || bad "duplicate node ids: $ids"

# --- the replica script parses
bash -n deploy/postgresql/setup-replica.sh && ok "setup-replica.sh parses" || bad "setup-replica.sh"

echo "$failed failed"
[ "$failed" -eq 0 ]
