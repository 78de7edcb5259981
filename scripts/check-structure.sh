#!/usr/bin/env bash
# Fails when the shape of src/features and src/infra drifts (ARCHITECTURE.md, issue 16 point 5):
#   - a source file of 600 lines or more (one concept per file);
#   - SQL text in a file whose name does not end in _store.cpp (SQL, table definitions and
#     migrations live in the feature's store);
#   - a cycle between folders of src/ (features/x, infra/x, ledger, base, app): includes point one
#     way (tsort finds a loop).
# Not checked: src/app (wiring, split by its own work), src/infra/store (the database layer
# itself: engines, migrations runner, copy) and src/infra/backup (it reads every table generically,
# as the copy does).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find src/features src/infra \( -path src/infra/store -o -path src/infra/backup \) \
  -prune -o \( -name '*.cpp' -o -name '*.h' \) -print | sort)
[ ${#files[@]} -gt 0 ] || { echo "no sources"; exit 1; }
bad=0
for f in "${files[@]}"; do
  n=$(wc -l <"$f")
  if [ "$n" -ge 600 ]; then
    echo "$f: $n lines (a file stays under 600: split it by concept)"
    bad=1
  fi
done
# SQL in a string literal ("SELECT ...", "INSERT INTO ...") or on a line of a raw-string script.
sql='"(SELECT |INSERT INTO |UPDATE [a-z_]+ SET |DELETE FROM |CREATE TABLE|CREATE (UNIQUE )?INDEX|ALTER TABLE)|^(CREATE|ALTER|INSERT|UPDATE|DELETE) '
for f in "${files[@]}"; do
  case "$f" in *_store.cpp) continue ;; esac
  hits=$(grep -nE "$sql" "$f" || true)
  if [ -n "$hits" ]; then
    sed "s|^|$f:|; s|\$|  (SQL belongs in a *_store.cpp)|" <<<"$hits"
    bad=1
  fi
done
# "to from" for each include between two folders of src/ (features/<x>, infra/<x>, or the first
# segment: base, ledger, app).
edges=$(cd src && grep -rHo '^#include "[a-z_]*/[^"]*"' --include='*.cpp' --include='*.h' . |
  awk -F'"' '
    function folder(path,   p) {
      split(path, p, "/")
      return (p[1] == "features" || p[1] == "infra") ? p[1] "/" p[2] : p[1]
    }
    { from = $1; sub(/^\.\//, "", from); sub(/:#include $/, "", from)
      a = folder(from); b = folder($2)
      if (a != b) print b, a }' | sort -u)
if ! tsort <<<"$edges" >/dev/null 2>"${TMPDIR:-/tmp}/structure-tsort.$$"; then
  echo "a cycle between folders of src/ (includes must point one way):"
  grep -v '^tsort: -:' "${TMPDIR:-/tmp}/structure-tsort.$$" | sed 's/^tsort: /  /' || true
  bad=1
fi
rm -f "${TMPDIR:-/tmp}/structure-tsort.$$"
[ "$bad" -eq 0 ] || exit 1
echo "structure: ${#files[@]} files under 600 lines, SQL only in *_store.cpp, no folder cycle"
