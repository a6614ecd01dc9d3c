#!/usr/bin/env bash
# Loch's throwaway PostgreSQL server for the metastore suites.
#
# Creates a fresh cluster in DIR (initdb), listening on 127.0.0.1:PORT only, trusting local TCP
# connections, with a database `loch_test` owned by the superuser `loch`. Nothing is durable
# (fsync off): a stop and start loses everything, which is what tests want.
#
# Usage:
#   scripts/pg-local.sh start [DIR] [PORT]   (re)create and start the cluster in DIR (default
#                                            /tmp/loch-pg) on PORT (default 54329); prints
#                                            LOCH_TEST_POSTGRES_URL=… on stdout, for eval
#   scripts/pg-local.sh stop [DIR]           stop the cluster in DIR
#   scripts/pg-local.sh env [DIR] [PORT]     print the environment line again
#
# Run as root, the server runs as the `postgres` OS user (PostgreSQL refuses to run as root).
# Binaries: pg_ctl/initdb on PATH, else the newest /usr/lib/postgresql/<version>/bin.
set -euo pipefail

action=${1:-start}
STATE_DIR=${2:-/tmp/loch-pg}
PORT=${3:-54329}
DATA_DIR=$STATE_DIR/data
SUPERUSER=loch
DATABASE=loch_test

log() { printf 'pg-local: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

print_env() {
  printf 'LOCH_TEST_POSTGRES_URL=postgres://%s@127.0.0.1:%s/%s\n' "$SUPERUSER" "$PORT" "$DATABASE"
}

find_bindir() {
  local found
  if found=$(command -v pg_ctl 2>/dev/null) && command -v initdb >/dev/null 2>&1; then
    dirname "$(readlink -f "$found")"
    return 0
  fi
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$found" ] && [ -x "$found/pg_ctl" ] || die "no PostgreSQL server binaries (pg_ctl, initdb); install the postgresql package"
  printf '%s\n' "$found"
}

# Runs a command as the cluster's owner: ourselves, or `postgres` when we are root.
as_owner() {
  if [ "$(id -u)" != 0 ]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u postgres -- "$@"
  else
    su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
  fi
}

stop_cluster() {
  local bin
  [ -f "$DATA_DIR/postmaster.pid" ] || return 0
  bin=$(find_bindir)
  as_owner "$bin/pg_ctl" -D "$DATA_DIR" -m fast -w -t 30 stop >/dev/null 2>&1 \
    || as_owner "$bin/pg_ctl" -D "$DATA_DIR" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
}

start_cluster() {
  local bin
  bin=$(find_bindir)
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' OS user (the postgresql package creates it)"
  fi
  stop_cluster
  rm -rf "$STATE_DIR"
  mkdir -p "$STATE_DIR"
  [ "$(id -u)" = 0 ] && chown postgres: "$STATE_DIR"
  as_owner "$bin/initdb" -D "$DATA_DIR" -U "$SUPERUSER" -A trust -E UTF8 --locale=C >"$STATE_DIR/initdb.log" 2>&1 \
    || die "initdb failed; see $STATE_DIR/initdb.log"
  # Only the loopback interface, a socket in DIR (not /var/run), no durability: a test server.
  as_owner "$bin/pg_ctl" -D "$DATA_DIR" -l "$STATE_DIR/server.log" -w -t 60 start \
    -o "-c listen_addresses=127.0.0.1 -p $PORT -k $STATE_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null \
    || die "the server did not start on 127.0.0.1:$PORT; see $STATE_DIR/server.log"
  as_owner "$bin/createdb" -h 127.0.0.1 -p "$PORT" -U "$SUPERUSER" "$DATABASE" \
    || die "could not create database $DATABASE; see $STATE_DIR/server.log"
  log "PostgreSQL ready on 127.0.0.1:$PORT (cluster in $STATE_DIR, binaries $bin)"
  print_env
}

case "$action" in
  start) start_cluster ;;
  stop) stop_cluster; log "stopped (cluster dir $STATE_DIR)" ;;
  env) print_env ;;
  *) die "usage: $0 start [DIR] [PORT] | stop [DIR] | env [DIR] [PORT]" ;;
esac
