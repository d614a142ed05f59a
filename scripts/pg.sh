#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the test suite and benchmarks.
#   scripts/pg.sh start   -> prints the LOFIN_DATABASE_URL to use
#   scripts/pg.sh stop
# initdb refuses to run as root, so as root the server runs as the `postgres` user (created if missing).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PORT="${LOFIN_PG_PORT:-55432}"
DIR="${LOFIN_PG_DIR:-/tmp/lofin-pg-$PORT}"
BIN="${LOFIN_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}"

as_pg() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

ensure_installed() {
  if [ -z "$BIN" ] || [ ! -x "$BIN/initdb" ]; then
    echo "installing PostgreSQL (Debian package)..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends postgresql >&2
    BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  fi
  if [ "$(id -u)" = "0" ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  fi
}

start() {
  ensure_installed
  if [ -f "$DIR/data/postmaster.pid" ] && as_pg "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
    echo "postgresql://postgres@127.0.0.1:$PORT/lofin"
    return
  fi
  rm -rf "$DIR"; mkdir -p "$DIR"
  if [ "$(id -u)" = "0" ]; then chown postgres: "$DIR"; fi
  as_pg "$BIN/initdb" -D "$DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  cat >> "$DIR/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PORT
unix_socket_directories = '$DIR'
max_connections = 200
shared_buffers = 256MB
fsync = ${LOFIN_PG_FSYNC:-on}
synchronous_commit = ${LOFIN_PG_SYNC_COMMIT:-on}
max_wal_size = 2GB
CONF
  as_pg "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/pg.log" -w start >/dev/null
  "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE lofin" >/dev/null
  echo "postgresql://postgres@127.0.0.1:$PORT/lofin"
}

stop() {
  if [ -d "$DIR/data" ]; then
    as_pg "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$DIR"
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
