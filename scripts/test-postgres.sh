#!/usr/bin/env bash
# Makes a PostgreSQL server reachable for the tests and prints the connection string to use.
# Order: CHATCOMPLIANCE_TEST_POSTGRES if it answers; a server already on localhost:5432;
# the machine's own cluster (started as root); else a throwaway cluster under .pgdata/ (non-root).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
role=chatcompliance
password=chatcompliance   # a local test role on a loopback-only server, not a secret

log() { echo "test-postgres: $*" >&2; }

answers() { # $1 host, $2 port
  command -v pg_isready >/dev/null && pg_isready -q -h "$1" -p "$2"
}

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -n -u postgres "$@"; fi
}

ensure_role() { # $1 port; creates the test role with CREATEDB (tests make one database each)
  as_postgres psql -p "$1" -d postgres -qtAc \
    "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN CREATE ROLE $role LOGIN CREATEDB PASSWORD '$password'; END IF; END \$\$;" >/dev/null
}

conn() { echo "Host=127.0.0.1;Port=$1;Username=$role;Password=$password;Database=postgres"; }

if [ -n "${CHATCOMPLIANCE_TEST_POSTGRES:-}" ]; then
  echo "$CHATCOMPLIANCE_TEST_POSTGRES"; exit 0
fi

if ! command -v pg_ctlcluster >/dev/null && ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  log "PostgreSQL is not installed. Install it (Debian: apt-get install postgresql) or set CHATCOMPLIANCE_TEST_POSTGRES."
  exit 1
fi

if [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; then
  if ! answers 127.0.0.1 5432; then
    cluster=$(pg_lsclusters --no-header 2>/dev/null | awk 'NR==1 {print $1" "$2}')
    if [ -z "$cluster" ]; then
      version=$(ls /usr/lib/postgresql | sort -V | tail -1)
      log "creating cluster $version main"
      if [ "$(id -u)" = 0 ]; then pg_createcluster "$version" main >/dev/null; else sudo -n pg_createcluster "$version" main >/dev/null; fi
      cluster="$version main"
    fi
    log "starting cluster $cluster"
    # To standard error: only the connection string may reach standard output (pg_ctlcluster prints
    # "Removed stale pid file." there after an unclean stop).
    if [ "$(id -u)" = 0 ]; then pg_ctlcluster $cluster start >&2; else sudo -n pg_ctlcluster $cluster start >&2; fi
    for _ in $(seq 1 30); do answers 127.0.0.1 5432 && break; sleep 1; done
  fi
  # The suite runs many app instances at once (each with its pool and Hangfire's connections) beside two bot processes
  # in the crash tests: PostgreSQL's default of 100 connections is not enough and turns a test run into a flaky one.
  if [ "$(as_postgres psql -p 5432 -d postgres -qtAc 'SHOW max_connections' 2>/dev/null || echo 0)" -lt 300 ]; then
    running=$(pg_lsclusters --no-header 2>/dev/null | awk '$3 == 5432 {print $1" "$2}')
    if [ -n "$running" ]; then
      log "raising max_connections to 300 and restarting cluster $running"
      as_postgres psql -p 5432 -d postgres -qtAc "ALTER SYSTEM SET max_connections = 300" >/dev/null
      if [ "$(id -u)" = 0 ]; then pg_ctlcluster $running restart >&2; else sudo -n pg_ctlcluster $running restart >&2; fi
      for _ in $(seq 1 30); do answers 127.0.0.1 5432 && break; sleep 1; done
    fi
  fi
  ensure_role 5432
  conn 5432; exit 0
fi

# Not root: a throwaway cluster owned by this user, on its own port, trust auth on loopback.
port=55432
data="$here/.pgdata"
bin=$(dirname "$(ls /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
if ! answers 127.0.0.1 "$port"; then
  if [ ! -f "$data/PG_VERSION" ]; then
    log "creating a throwaway cluster in $data"
    "$bin/initdb" -D "$data" -U postgres --auth=trust >/dev/null
  fi
  "$bin/pg_ctl" -D "$data" -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c max_connections=300" -l "$data/server.log" -w start >/dev/null
fi
psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qtAc \
  "DO \$\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$role') THEN CREATE ROLE $role LOGIN CREATEDB PASSWORD '$password'; END IF; END \$\$;" >/dev/null
conn "$port"
