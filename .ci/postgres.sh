#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster on loopback for the store's PostgreSQL tests and print its URL.
#   .ci/postgres.sh start   -> prints postgresql+psycopg://postgres@127.0.0.1:54329/careplan_test
#   .ci/postgres.sh stop
# PostgreSQL refuses to run as root, so the cluster belongs to the postgres user.
set -euo pipefail
cd /  # the postgres user cannot enter a root-owned working folder
DIR=/tmp/careplan-ci-postgres
PORT=54329
PATH="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | tail -n 1):$PATH"

case "${1:-}" in
  start)
    command -v initdb >/dev/null || { echo "postgres.sh: no PostgreSQL server on this machine" >&2; exit 1; }
    id postgres >/dev/null 2>&1 || { echo "postgres.sh: no postgres user" >&2; exit 1; }
    rm -rf "$DIR" && mkdir -p "$DIR" && chown postgres "$DIR"
    runuser -u postgres -- initdb -D "$DIR/data" -A trust -U postgres >/dev/null
    runuser -u postgres -- pg_ctl -D "$DIR/data" -l "$DIR/log" -w \
      -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1" start >/dev/null
    runuser -u postgres -- createdb -h 127.0.0.1 -p "$PORT" -U postgres careplan_test
    echo "postgresql+psycopg://postgres@127.0.0.1:$PORT/careplan_test"
    ;;
  stop)
    [ -d "$DIR/data" ] && runuser -u postgres -- pg_ctl -D "$DIR/data" -m fast -w stop >/dev/null || true
    ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
