#!/usr/bin/env bash
# Start a throw-away PostgreSQL on 127.0.0.1 for the storage tests and print the URL to use
# (export it as INSPIRE_TEST_DATABASE_URL). Installs the server from the package manager when
# its binaries are missing. Stop it with: scripts/postgres-for-tests.sh stop
set -euo pipefail
PORT=${INSPIRE_TEST_PG_PORT:-55432}
DATA=${INSPIRE_TEST_PG_DATA:-/tmp/inspire-test-pg}

find_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
as_owner() {  # PostgreSQL refuses to run as root
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

BIN=$(find_bin)
if [ "${1:-}" = stop ]; then
  [ -n "$BIN" ] && as_owner "$BIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$DATA"
  exit 0
fi
if [ -z "$BIN" ]; then
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } >&2
  BIN=$(find_bin)
fi
[ -n "$BIN" ] || { echo "no PostgreSQL server available" >&2; exit 1; }

as_owner "$BIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
rm -rf "$DATA"
mkdir -p "$DATA"
[ "$(id -u)" = 0 ] && chown postgres "$DATA"
as_owner "$BIN/initdb" -D "$DATA" -A trust -U postgres >/dev/null
as_owner "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
  -o "-h 127.0.0.1 -p $PORT -k $DATA" start >/dev/null
echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/postgres"
