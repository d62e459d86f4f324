#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests: `scripts/postgres.sh deps|start|stop|url|status`.
#
# The cluster lives in a folder of its own (HOLDFAST_POSTGRES_DIR, default state/postgres of this checkout): data in
# data/, the unix socket in the folder itself, the server log in server.log. It listens on that socket and on
# 127.0.0.1 only (TCP is there so a test can ask for TLS, which unix sockets never use), trusts local clients, and
# runs with fsync off: it is a test server, whose data may be lost at any crash. It runs as an unprivileged user:
# postgres refuses to run as root, so when this script runs as root (as CI does) it creates the system user
# holdfast-test and gives it the folder.
#
# With HOLDFAST_POSTGRES_TLS_CERT and HOLDFAST_POSTGRES_TLS_KEY (PEM files) set when the cluster is made, the server
# also speaks TLS (`ssl = on`) with that certificate, so a test can connect with `sslmode=require` or `verify-full`;
# without them it has no TLS at all, and a client that demands it is refused.
#
# `start` is idempotent and prints the URL (postgresql://holdfast@127.0.0.1:PORT/holdfast) on stdout, everything
# else on stderr; `stop` leaves no server process behind; `url` prints the URL of the cluster in the folder.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${HOLDFAST_POSTGRES_DIR:-$root/state/postgres}
# Absolute: the server runs in its data folder, where a relative socket folder would name nothing.
case $dir in /*) ;; *) dir=$PWD/$dir ;; esac
data=$dir/data
service_user=holdfast-test
# The superuser and the database tests connect to; each test suite makes databases of its own beside it.
db_user=holdfast
db_name=holdfast

log() { echo "postgres.sh: $*" >&2; }
# install_packages, shared with scripts/stack.sh.
source "$root/scripts/lib/install-packages.sh"

# Debian's server binaries are not on PATH (they live in /usr/lib/postgresql/VERSION/bin); take the newest.
bindir() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
  if [ -n "$found" ] && [ -x "$found/pg_ctl" ]; then echo "$found"; return; fi
  if command -v pg_ctl >/dev/null; then dirname "$(command -v pg_ctl)"; return; fi
  log "no PostgreSQL server found: run scripts/postgres.sh deps (installs Debian's postgresql)"; exit 1
}

deps() { install_packages postgresql libpq-dev; }

# Runs a command as the server's user: ourselves, or holdfast-test when we are root.
as_server_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u "$service_user" -- "$@"; else "$@"; fi
}

ensure_service_user() {
  [ "$(id -u)" -eq 0 ] || return 0
  id "$service_user" >/dev/null 2>&1 && return 0
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$service_user"
}

# The server is a daemon: it must not keep open the descriptors its caller left us (a test reading our stdout
# through a pipe whose write end leaked into us would wait for EOF as long as the server runs). Run in a subshell;
# 255 is the script itself, which bash reads.
without_inherited_fds() {
  local fd
  for fd in /proc/$BASHPID/fd/*; do
    fd=${fd##*/}
    case $fd in 0|1|2|255) ;; *) eval "exec $fd>&-" 2>/dev/null || true ;; esac
  done
}

port() { cat "$dir/port" 2>/dev/null || true; }

url() {
  local p; p=$(port)
  [ -n "$p" ] || { log "no cluster in $dir: run scripts/postgres.sh start"; exit 1; }
  echo "postgresql://$db_user@127.0.0.1:$p/$db_name"
}

running() { [ -f "$data/PG_VERSION" ] && as_server_user "$(bindir)/pg_ctl" status -D "$data" >/dev/null 2>&1; }

# A free loopback port, chosen once when the cluster is made and kept in $dir/port.
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

init_cluster() {
  local bin; bin=$(bindir)
  mkdir -p "$dir"
  ensure_service_user
  [ "$(id -u)" -eq 0 ] && chown "$service_user" "$dir"
  chmod 700 "$dir"
  free_port >"$dir/port"
  log "initdb in $data"
  as_server_user "$bin/initdb" -D "$data" -U "$db_user" --auth=trust --encoding=UTF8 --locale=C.UTF-8 \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  # Later settings win in postgresql.conf, so appending is enough.
  as_server_user tee -a "$data/postgresql.conf" >/dev/null <<EOF

# Throwaway test server (scripts/postgres.sh): loopback and a unix socket in its own folder, no durability.
listen_addresses = '127.0.0.1'
port = $(port)
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
  configure_tls
}

# Copies the certificate and key named by HOLDFAST_POSTGRES_TLS_CERT / _KEY into the data folder and turns TLS on.
# postgres refuses a key that others can read, or that is not its own user's (or root's with group access).
configure_tls() {
  local cert=${HOLDFAST_POSTGRES_TLS_CERT:-} key=${HOLDFAST_POSTGRES_TLS_KEY:-}
  [ -z "$cert" ] && [ -z "$key" ] && return 0
  [ -r "$cert" ] && [ -r "$key" ] || { log "HOLDFAST_POSTGRES_TLS_CERT and _KEY must both name readable files"; exit 1; }
  local owner=()
  [ "$(id -u)" -eq 0 ] && owner=(-o "$service_user")
  install -m 600 "${owner[@]}" "$cert" "$data/server.crt"
  install -m 600 "${owner[@]}" "$key" "$data/server.key"
  as_server_user tee -a "$data/postgresql.conf" >/dev/null <<EOF
ssl = on
ssl_cert_file = 'server.crt'
ssl_key_file = 'server.key'
EOF
}

start() {
  local bin; bin=$(bindir)
  if running; then url; return; fi
  [ -f "$data/PG_VERSION" ] || init_cluster
  ( without_inherited_fds; as_server_user "$bin/pg_ctl" start -D "$data" -l "$dir/server.log" -w -t 60 >/dev/null ) \
    || { log "the server did not start; its log:"; tail -20 "$dir/server.log" >&2; exit 1; }
  # The database tests connect to, made once.
  if ! as_server_user "$bin/psql" -h "$dir" -p "$(port)" -U "$db_user" -d postgres -Atqc \
      "SELECT 1 FROM pg_database WHERE datname = '$db_name'" | grep -q 1; then
    as_server_user "$bin/createdb" -h "$dir" -p "$(port)" -U "$db_user" "$db_name"
  fi
  url
}

stop() {
  [ -f "$data/PG_VERSION" ] || return 0
  running || return 0
  as_server_user "$(bindir)/pg_ctl" stop -D "$data" -m fast -w -t 60 >/dev/null
}

case "${1:-}" in
  deps) deps ;;
  start) start ;;
  stop) stop ;;
  url) url ;;
  status) if running; then echo running; else echo stopped; exit 1; fi ;;
  *) echo "usage: $0 deps|start|stop|url|status" >&2; exit 2 ;;
esac
