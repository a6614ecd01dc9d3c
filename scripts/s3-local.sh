#!/usr/bin/env bash
# Loch's local S3 endpoint for the contract and integration suites.
#
# Brings up a single-node Ceph cluster on 127.0.0.1 (one monitor, one OSD backed by memory, one
# RADOS gateway) with authentication between the daemons switched off. We use Ceph rather than a
# lightweight S3 imitation because Loch's commit primitive needs real conditional writes:
# PutObject with `If-None-Match: *` must answer 412 when the key exists.
#
# Usage:
#   scripts/s3-local.sh start [DIR] [PORT]   install packages if needed, (re)start the cluster in
#                                            DIR (default /tmp/loch-s3), gateway on PORT (7480);
#                                            prints the environment for the test suites
#   scripts/s3-local.sh stop [DIR]           stop the daemons recorded in DIR/run/*.pid
#   scripts/s3-local.sh env [DIR] [PORT]     print the environment lines again
#
# The data lives in memory: a stop loses every bucket, which is what tests want.
set -euo pipefail

action=${1:-start}
STATE_DIR=${2:-/tmp/loch-s3}
GW_PORT=${3:-7480}
ACCESS_KEY=lochtest
SECRET_KEY=lochtestsecret
MON_PORT=${LOCH_S3_MON_PORT:-3300}

log() { printf 's3-local: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

print_env() {
  printf 'LOCH_S3_ENDPOINT=http://127.0.0.1:%s\n' "$GW_PORT"
  printf 'AWS_ACCESS_KEY_ID=%s\n' "$ACCESS_KEY"
  printf 'AWS_SECRET_ACCESS_KEY=%s\n' "$SECRET_KEY"
  printf 'AWS_REGION=us-east-1\n'
}

stop_daemons() {
  local pidfile pid
  shopt -s nullglob
  for pidfile in "$STATE_DIR"/run/*.pid; do
    pid=$(<"$pidfile")
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  # Give the daemons a moment to exit cleanly before forcing them.
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    local alive=0
    for pidfile in "$STATE_DIR"/run/*.pid; do
      pid=$(<"$pidfile")
      if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then alive=1; fi
    done
    [ "$alive" = 0 ] && break
    sleep 0.3
  done
  for pidfile in "$STATE_DIR"/run/*.pid; do
    pid=$(<"$pidfile")
    [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
  shopt -u nullglob
}

ensure_packages() {
  local missing=0 tool
  for tool in ceph-mon ceph-osd radosgw radosgw-admin monmaptool; do
    command -v "$tool" >/dev/null 2>&1 || missing=1
  done
  [ "$missing" = 0 ] && return 0
  log "installing ceph-mon ceph-osd radosgw (first run only)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends ceph-mon ceph-osd radosgw >/dev/null
}

write_config() {
  local fsid=$1
  cat >"$STATE_DIR/ceph.conf" <<CONF
[global]
fsid = $fsid
mon host = v2:127.0.0.1:$MON_PORT
mon initial members = a
public addr = 127.0.0.1
ms bind ipv6 = false
# No cephx: the cluster is private to this machine and short-lived.
auth cluster required = none
auth service required = none
auth client required = none
# Without cephx the messenger must still agree on a mode, or radosgw waits forever at start-up.
ms client mode = crc secure
ms mon client mode = crc secure
ms mon cluster mode = crc secure
ms mon service mode = crc secure
# One OSD: replicate nothing and do not warn about it.
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
mon allow pool size one = true
mon warn on pool no redundancy = false
mon data avail warn = 2
mon data avail crit = 1
osd objectstore = memstore
memstore device bytes = 2147483648
run dir = $STATE_DIR/run
admin socket = $STATE_DIR/run/\$name.asok
pid file = $STATE_DIR/run/\$name.pid
log file = $STATE_DIR/log/\$name.log

[mon.a]
mon data = $STATE_DIR/mon

[osd.0]
osd data = $STATE_DIR/osd0

[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$GW_PORT
CONF
}

gateway_answers() { curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$GW_PORT/"; }

start_cluster() {
  ensure_packages
  [ -d "$STATE_DIR/run" ] && stop_daemons
  rm -rf "$STATE_DIR"
  mkdir -p "$STATE_DIR/mon" "$STATE_DIR/osd0" "$STATE_DIR/run" "$STATE_DIR/log"
  local fsid conf=(-c "$STATE_DIR/ceph.conf")
  fsid=$(cat /proc/sys/kernel/random/uuid)
  write_config "$fsid"

  monmaptool --create --fsid "$fsid" --addv a "[v2:127.0.0.1:$MON_PORT]" "$STATE_DIR/monmap" >/dev/null
  ceph-mon "${conf[@]}" -i a --mkfs --monmap "$STATE_DIR/monmap"
  ceph-mon "${conf[@]}" -i a
  timeout 60 ceph "${conf[@]}" osd create >/dev/null || die "monitor did not answer; see $STATE_DIR/log"
  ceph-osd "${conf[@]}" -i 0 --mkfs >/dev/null 2>&1
  ceph-osd "${conf[@]}" -i 0 >/dev/null 2>&1
  radosgw "${conf[@]}" -n client.rgw.a

  local waited=0
  until gateway_answers; do
    waited=$((waited + 1))
    [ "$waited" -gt 240 ] && die "radosgw did not answer on 127.0.0.1:$GW_PORT after 120 s; see $STATE_DIR/log"
    sleep 0.5
  done
  timeout 60 radosgw-admin "${conf[@]}" user create --uid=lochtest --display-name="Loch tests" \
    --access-key="$ACCESS_KEY" --secret-key="$SECRET_KEY" >/dev/null \
    || die "could not create the S3 user; see $STATE_DIR/log"
  log "radosgw ready on http://127.0.0.1:$GW_PORT (state in $STATE_DIR)"
  print_env
}

case "$action" in
  start) start_cluster ;;
  stop) stop_daemons; log "stopped (state dir $STATE_DIR)" ;;
  env) print_env ;;
  *) die "usage: $0 start [DIR] [PORT] | stop [DIR] | env [DIR] [PORT]" ;;
esac
