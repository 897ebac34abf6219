#!/usr/bin/env bash
# Makes sure a PostgreSQL server for the tests runs, and prints the connection string to export as CONSOLE_TEST_POSTGRES
# (the last line on stdout; everything else goes to stderr):
#   export CONSOLE_TEST_POSTGRES="$(scripts/postgres.sh | tail -n 1)"
# A private, throwaway cluster, not the system one: data, unix socket and log in ${TMPDIR:-/tmp}/webhook-console-pg, port
# 55432 on 127.0.0.1 only, trust authentication, superuser "postgres". Reused when it already answers (pg_isready).
# Installs Debian's postgresql package when no initdb is found; uses the highest installed version.
# PostgreSQL refuses to run as root: as root the cluster belongs to the user postgres; otherwise to the current user.
# Stop it with: pg_ctl -D "${TMPDIR:-/tmp}/webhook-console-pg/data" stop   (as its owner)
set -euo pipefail

port=55432
folder="${TMPDIR:-/tmp}/webhook-console-pg"
data="$folder/data"
log="$folder/postgres.log"
connection="Host=127.0.0.1;Port=$port;Username=postgres"

say() { echo "$*" >&2; }

root=false
[ "$(id -u)" -eq 0 ] && root=true

newest_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

bin=$(newest_bin)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    say "Installing Debian's postgresql for the tests…"
    sudo=""
    $root || sudo="sudo"
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
    bin=$(newest_bin)
    [ -n "$bin" ] && [ -x "$bin/initdb" ] || { say "postgresql was installed, but no /usr/lib/postgresql/*/bin/initdb is there."; exit 1; }
fi

if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
    say "PostgreSQL for the tests already runs on 127.0.0.1:$port."
    echo "$connection"
    exit 0
fi

# Runs a command as the cluster's owner.
as_owner() {
    if $root; then runuser -u postgres -- "$@"; else "$@"; fi
}

if $root; then
    id postgres >/dev/null 2>&1 || { say "No user 'postgres' to run the cluster as (Debian's postgresql package creates it)."; exit 1; }
    install -d -o postgres -g postgres -m 700 "$folder"
    chown postgres:postgres "$folder"   # a folder left by an earlier non-root run
    as_owner test -w "$folder" || { say "The user postgres cannot write to $folder (is ${TMPDIR:-/tmp} closed to other users?). Set TMPDIR to a folder it can reach."; exit 1; }
else
    install -d -m 700 "$folder"
fi

# A data folder of another major version, or one an interrupted initdb left half-made, is thrown away: it is a test server.
version=$(basename "$(dirname "$bin")")
if [ -d "$data" ] && [ "$(cat "$data/PG_VERSION" 2>/dev/null)" != "$version" ]; then
    say "Discarding $data (not a complete PostgreSQL $version cluster)."
    rm -rf "$data"
fi

if [ ! -d "$data" ]; then
    say "Creating a PostgreSQL $version cluster for the tests in $data…"
    as_owner "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --no-locale >"$folder/initdb.log" 2>&1 \
        || { say "initdb failed:"; tail -n 30 "$folder/initdb.log" >&2; exit 1; }
    # Later settings win over initdb's defaults.
    as_owner tee -a "$data/postgresql.conf" >/dev/null <<EOF

# webhook-console test server (scripts/postgres.sh)
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$folder'
max_connections = 300
# Throwaway data: the drills kill consoles, never this server, so durability buys nothing and costs the two cores time.
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    as_owner tee "$data/pg_hba.conf" >/dev/null <<EOF
# A throwaway test server on loopback only: anyone on this machine may connect, as anyone.
local all all                trust
host  all all 127.0.0.1/32   trust
EOF
fi

say "Starting PostgreSQL $version on 127.0.0.1:$port (log: $log)…"
if ! as_owner "$bin/pg_ctl" -D "$data" -l "$log" -w -t 60 start >&2; then
    say "PostgreSQL did not start. The end of $log:"
    tail -n 40 "$log" >&2 || true
    exit 1
fi
"$bin/pg_isready" -q -h 127.0.0.1 -p "$port" -t 10 || { say "PostgreSQL started but does not answer on 127.0.0.1:$port:"; tail -n 40 "$log" >&2; exit 1; }
echo "$connection"
