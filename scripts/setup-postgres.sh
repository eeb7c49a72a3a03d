#!/usr/bin/env bash
# Makes a PostgreSQL server available on loopback for the tests, and prints its URL as the last line.
# Installs Debian's postgresql package when no server binaries are present, then runs a private
# cluster (trust auth, 127.0.0.1 only) under a throwaway directory, so nothing of the machine's own
# clusters is touched. Idempotent: a cluster already answering on the port is reused.
set -euo pipefail

PORT="${FICUS_PG_PORT:-55432}"
DIR="${FICUS_PG_DIR:-/tmp/ficus-pg-$PORT}"
URL="postgres://postgres@127.0.0.1:$PORT/postgres"

log() { echo "setup-postgres: $*" >&2; }

if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null; then
  log "PostgreSQL server not found; installing Debian's postgresql package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
BIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"

if "$BIN/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then
  echo "$URL"
  exit 0
fi

# PostgreSQL refuses to run as root: the cluster belongs to the postgres system user.
RUN_AS=(su postgres -s /bin/bash -c)
if [ "$(id -u)" != "0" ]; then RUN_AS=(bash -c); fi

mkdir -p "$DIR"
[ "$(id -u)" = "0" ] && chown postgres:postgres "$DIR"
if [ ! -f "$DIR/PG_VERSION" ]; then
  log "initialising a cluster in $DIR"
  "${RUN_AS[@]}" "'$BIN/initdb' -D '$DIR' -A trust -U postgres --no-sync" >&2
fi
log "starting PostgreSQL on 127.0.0.1:$PORT"
"${RUN_AS[@]}" "'$BIN/pg_ctl' -D '$DIR' -l '$DIR/server.log' -w -t 60 -o \"-h 127.0.0.1 -p $PORT -k /tmp -c fsync=off -c max_connections=200\" start" >&2
echo "$URL"
