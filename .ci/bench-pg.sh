#!/usr/bin/env bash
# Runs `chartroom bench` with a throwaway PostgreSQL server on this machine
# for its PostgreSQL column (--pg): initdb in a temporary folder, the server
# on a free local port with its socket in that folder, an empty database
# owned by a role without superuser rights, all removed afterwards (as
# records/postgres/pgtest does for the tests). Run as root, the server runs
# as the postgres user (initdb refuses root). Without PostgreSQL's server
# binaries (initdb, pg_ctl: $CHARTROOM_PG_BIN, PATH, or Debian's
# /usr/lib/postgresql/N/bin) it says so and runs the bench without the
# PostgreSQL column.
# Usage: .ci/bench-pg.sh BIN BENCH-FLAGS...
set -euo pipefail
BIN=$1
shift

pg_bin() {
	if [ -n "${CHARTROOM_PG_BIN:-}" ]; then echo "$CHARTROOM_PG_BIN"; return; fi
	if command -v initdb >/dev/null; then dirname "$(command -v initdb)"; return; fi
	ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}
PGBIN=$(pg_bin)
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
	echo "bench-pg: PostgreSQL's server (initdb, pg_ctl) is not installed: the PostgreSQL column is skipped" >&2
	exec "$BIN" bench "$@"
fi

DIR=$(mktemp -d /tmp/chartroom-bench-pg.XXXXXX)
AS=()
if [ "$(id -u)" = 0 ]; then
	chown postgres: "$DIR"
	AS=(runuser -u postgres --)
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
stop() {
	"${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null 2>&1 || true
	rm -rf "$DIR"
}
trap stop EXIT
trap 'exit 1' INT TERM
"${AS[@]}" "$PGBIN/initdb" --locale=C.UTF-8 --encoding=UTF8 --auth=trust --username=postgres -D "$DIR/data" >"$DIR/initdb.log" 2>&1 ||
	{ cat "$DIR/initdb.log" >&2; exit 1; }
"${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
	-o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1" start >/dev/null ||
	{ cat "$DIR/server.log" >&2; exit 1; }
PSQL=$PGBIN/psql
[ -x "$PSQL" ] || PSQL=psql
sql() { "$PSQL" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }
sql -d postgres -c "CREATE ROLE chartroom_bench LOGIN" -c "CREATE DATABASE chartroom_bench OWNER chartroom_bench"
sql -d chartroom_bench -c "ALTER SCHEMA public OWNER TO chartroom_bench"
echo "bench-pg: PostgreSQL $("$PGBIN/pg_ctl" --version | awk '{print $3}') on 127.0.0.1:$PORT (defaults of initdb)" >&2
# Not exec: the trap stops the server when the bench ends.
"$BIN" bench "$@" --pg "postgres://chartroom_bench@127.0.0.1:$PORT/chartroom_bench?sslmode=disable"
