#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the registry's tests, from Debian's packages: initdb into a
# temporary folder and a server on a loopback port, run as the `postgres` user the package makes
# (initdb refuses root). Prints the URL the tests take (TAHVIL_TEST_POSTGRES_URL) on stdout.
#   scripts/postgres-cluster.sh start [port]   (default port 55432)
#   scripts/postgres-cluster.sh stop [port]
# The folder is named in /tmp/tahvil-postgres-cluster-<port> so `stop` finds it.
set -euo pipefail
port="${2:-55432}"
STATE_FILE="/tmp/tahvil-postgres-cluster-$port"
bin_dir() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  if [ -z "$found" ]; then
    echo "PostgreSQL is not installed: apt-get install postgresql" >&2
    exit 1
  fi
  echo "$found"
}
as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
  start)
    if [ -f "$STATE_FILE" ]; then
      echo "a cluster of this script already runs on port $port (see $STATE_FILE): stop it first" >&2
      exit 1
    fi
    bin=$(bin_dir)
    dir=$(mktemp -d /tmp/tahvil-postgres.XXXXXX)
    if [ "$(id -u)" = 0 ]; then chown postgres:postgres "$dir"; fi
    as_postgres "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 >"$dir/initdb.log"
    # Loopback only, no socket folder to own, and enough connections for parallel test files.
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories='' -c max_connections=300 -c fsync=off" \
      start >/dev/null
    echo "$dir" >"$STATE_FILE"
    echo "postgres://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    if [ -f "$STATE_FILE" ]; then
      dir=$(cat "$STATE_FILE")
      as_postgres "$(bin_dir)/pg_ctl" -D "$dir/data" -m fast stop >/dev/null || true
      rm -rf "$dir" "$STATE_FILE"
    fi
    ;;
  *)
    echo "usage: $0 start [port] | stop [port]" >&2
    exit 2
    ;;
esac
