#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the server tests, so the server suite also runs against
# the production database (tests/server/live_server.py reads the URL below).
#
#   scripts/postgres-for-tests.sh COMMAND [ARG...]
#       run COMMAND with INSPECTOR_TEST_SERVER_DATABASE_URL set, then stop and delete the
#       cluster; exits with COMMAND's status
#   scripts/postgres-for-tests.sh
#       print the URL and keep the cluster until interrupted (for running tests by hand)
#
# Installs the Debian package through scripts/install-system-packages.sh when no PostgreSQL
# server binaries are found (PG_BINDIR overrides the search). The cluster lives in a fresh
# temporary folder, listens only on 127.0.0.1 (and a socket inside that folder) on a free
# port, asks for a random password, and trades durability for speed (fsync off): it holds
# nothing worth keeping. PostgreSQL refuses to run as root, so as root it runs as the
# `postgres` system user (or `nobody`). Every run gets its own cluster; a leftover of a run
# that was killed is removed by the next one.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SUPERUSER=inspector_test
DATABASE=inspector_test
PREFIX=inspector-pg.

log() { printf 'postgres-for-tests: %s\n' "$*" >&2; }

find_bindir() {
  local candidate
  if [[ -n "${PG_BINDIR:-}" ]]; then
    [[ -x "$PG_BINDIR/initdb" ]] && { echo "$PG_BINDIR"; return 0; }
    return 1
  fi
  if command -v pg_config >/dev/null 2>&1; then
    candidate=$(pg_config --bindir 2>/dev/null || true)
    [[ -n "$candidate" && -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]] \
      && { echo "$candidate"; return 0; }
  fi
  if command -v initdb >/dev/null 2>&1; then
    candidate=$(dirname "$(command -v initdb)")
    [[ -x "$candidate/pg_ctl" ]] && { echo "$candidate"; return 0; }
  fi
  # Debian keeps the server binaries off PATH, one folder per major version: take the newest.
  candidate=$(find /usr/lib/postgresql -mindepth 3 -maxdepth 3 -path '*/bin/initdb' \
    2>/dev/null | sort -V | tail -n 1)
  [[ -n "$candidate" ]] && { dirname "$candidate"; return 0; }
  return 1
}

BINDIR=$(find_bindir) || {
  log "no PostgreSQL server found: installing it"
  "$ROOT/scripts/install-system-packages.sh"
  BINDIR=$(find_bindir) || { log "PostgreSQL server binaries still not found"; exit 1; }
}

# Who runs the cluster: ourselves, or an unprivileged system user when we are root.
RUN_AS=()
BASE=${TMPDIR:-/tmp}
if [[ $(id -u) -eq 0 ]]; then
  if id postgres >/dev/null 2>&1; then OWNER=postgres; else OWNER=nobody; fi
  RUN_AS=(runuser -u "$OWNER" --)
  BASE=/tmp  # the owner must be able to reach the folder; /tmp is open to every user
fi
as_owner() { "${RUN_AS[@]}" "$@"; }

remove_leftovers() {
  # Folders of runs that were killed (their shell is gone): stop their server, delete them.
  local folder owner_pid
  for folder in "$BASE/$PREFIX"*; do
    [[ -d "$folder" && -f "$folder/owner.pid" ]] || continue
    owner_pid=$(<"$folder/owner.pid")
    [[ "$owner_pid" =~ ^[0-9]+$ ]] || continue
    kill -0 "$owner_pid" 2>/dev/null && continue
    [[ -f "$folder/data/postmaster.pid" ]] \
      && as_owner "$BINDIR/pg_ctl" -D "$folder/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$folder"
  done
}

free_port() {
  local python=python3
  [[ -x "$ROOT/.venv/bin/python" ]] && python="$ROOT/.venv/bin/python"
  "$python" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

remove_leftovers
WORK=$(mktemp -d "$BASE/${PREFIX}XXXXXX")
echo $$ >"$WORK/owner.pid"
STARTED=0

cleanup() {
  if [[ $STARTED -eq 1 ]]; then
    as_owner "$BINDIR/pg_ctl" -D "$WORK/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PASSWORD=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
mkdir "$WORK/run"
printf '%s\n' "$PASSWORD" >"$WORK/password"
chmod 600 "$WORK/password"
[[ ${#RUN_AS[@]} -gt 0 ]] && chown -R "$OWNER" "$WORK"

as_owner "$BINDIR/initdb" --pgdata="$WORK/data" --username="$SUPERUSER" \
  --pwfile="$WORK/password" --auth=scram-sha-256 --encoding=UTF8 --locale=C --no-sync \
  >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log" >&2; exit 1; }
rm -f "$WORK/password"
cat >>"$WORK/data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK/run'
max_connections = 200
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

# A port chosen free may be taken before the server binds it: try a few.
for attempt in 1 2 3; do
  PORT=$(free_port)
  if as_owner "$BINDIR/pg_ctl" -D "$WORK/data" -l "$WORK/server.log" -w -t 30 \
    -o "-p $PORT" start >/dev/null 2>&1; then
    STARTED=1
    break
  fi
  [[ $attempt -eq 3 ]] && { tail -n 20 "$WORK/server.log" >&2; exit 1; }
done

export PGPASSWORD=$PASSWORD
"$BINDIR/createdb" --host=127.0.0.1 --port="$PORT" --username="$SUPERUSER" "$DATABASE"
unset PGPASSWORD
export INSPECTOR_TEST_SERVER_DATABASE_URL="postgresql://$SUPERUSER:$PASSWORD@127.0.0.1:$PORT/$DATABASE"
log "PostgreSQL $("$BINDIR/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"

if [[ $# -eq 0 ]]; then
  echo "export INSPECTOR_TEST_SERVER_DATABASE_URL='$INSPECTOR_TEST_SERVER_DATABASE_URL'"
  log "running until interrupted (Ctrl-C stops and deletes the cluster)"
  sleep infinity &
  wait $!
  exit 0
fi
set +e
"$@"
status=$?
set -e
exit $status
