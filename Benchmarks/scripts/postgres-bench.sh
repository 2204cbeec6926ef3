#!/usr/bin/env bash
# Starts a throw-away PostgreSQL 15 (fsync and synchronous_commit on, as in production), runs
# pgbench on it for a reference of what this machine's server commits, then postgres-bench on a
# fresh database of the same server (one, two and three instances), and stops it; then the
# SQLite store's outbox-bench --quick, for the embedded store's figures of the same run. Run from the repository root, as root or as a
# user that may run postgres (root runs the server as the postgres user).
set -euo pipefail
BIN=${SWGATE_PG_BIN:-/usr/lib/postgresql/15/bin}
DIR=$(mktemp -d /tmp/swgate-pgbench-XXXXXX)
PORT=${PORT:-54329}
as_server() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
trap 'as_server "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$DIR"' EXIT
cd /tmp
as_server "$BIN/initdb" -D "$DIR/data" -U swgate -A trust -E UTF8 --locale=C >/dev/null
as_server "$BIN/pg_ctl" -D "$DIR/data" -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1 -c max_connections=100" -l "$DIR/server.log" -w start >/dev/null
cd - >/dev/null
"$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U swgate pgbench
"$BIN/createdb" -h 127.0.0.1 -p "$PORT" -U swgate outbox
"$BIN/pgbench" -h 127.0.0.1 -p "$PORT" -U swgate -i -s 10 -q pgbench 2>/dev/null
echo "== pgbench TPC-B (default script), 16 clients, 20 s"
"$BIN/pgbench" -h 127.0.0.1 -p "$PORT" -U swgate -c 16 -j 2 -T 20 pgbench 2>/dev/null | grep -E "^(tps|latency average|number of transactions actually)"
echo "== pgbench simple-update (-N), 16 clients, 20 s"
"$BIN/pgbench" -h 127.0.0.1 -p "$PORT" -U swgate -N -c 16 -j 2 -T 20 pgbench 2>/dev/null | grep -E "^(tps|latency average|number of transactions actually)"
echo "== pgbench select-only (-S), 16 clients, 10 s"
"$BIN/pgbench" -h 127.0.0.1 -p "$PORT" -U swgate -S -c 16 -j 2 -T 10 pgbench 2>/dev/null | grep -E "^tps"
echo "== postgres-bench"
stdbuf -oL swift run -c release --package-path Benchmarks postgres-bench --url "postgres://swgate@127.0.0.1:$PORT/outbox" "$@"
echo "== outbox-bench --quick (the embedded SQLite store, same machine, same run)"
swift run -c release --package-path Benchmarks outbox-bench --quick
