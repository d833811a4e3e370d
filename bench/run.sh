#!/usr/bin/env bash
# The whole bench set, on SQLite and PostgreSQL:
#   1. generate 1,000,000 orders on each backend (timed),
#   2. the refund-rate report's functions vs the best hand-written SQL on the 1,000,000-order databases,
#   3. the order-queue bench at 10,000 and 1,000,000 orders (real page vs raw-SQL baseline).
# Usage: bench/run.sh [extra bench.queue_bench options, e.g. --rounds 10]
# Environment: BENCH_ORDERS (default 1000000), BENCH_WORKDIR (default /tmp/shopcs-bench),
#              BENCH_PG_URL_BASE (default postgresql+psycopg://postgres@127.0.0.1:5432), BENCH_KEEP=1 keeps the databases.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
ORDERS=${BENCH_ORDERS:-1000000}
WORK=${BENCH_WORKDIR:-/tmp/shopcs-bench}
PG_BASE=${BENCH_PG_URL_BASE:-postgresql+psycopg://postgres@127.0.0.1:5432}
SQLITE_URL="sqlite:///$WORK/bench-$ORDERS.sqlite3"
PG_URL="$PG_BASE/shopcs_bench_$ORDERS"
mkdir -p "$WORK"

cleanup() {
  if [ "${BENCH_KEEP:-0}" != "1" ]; then
    rm -f "$WORK"/bench-*.sqlite3
    $PY -c "import sys; from bench.servers import drop_pg_database as d; d(sys.argv[1], sys.argv[2])" \
      "$PG_URL" "$PG_BASE/postgres" || true
  fi
}
trap cleanup EXIT

echo "== generate $ORDERS orders on SQLite"
$PY -m bench.generate --url "$SQLITE_URL" --orders "$ORDERS" --seed 1 --replace
echo
echo "== generate $ORDERS orders on PostgreSQL"
$PY -m bench.generate --url "$PG_URL" --orders "$ORDERS" --seed 1 --create-database
echo
status=0
echo "== refund-rate report vs hand-written SQL (the databases above)"
$PY -m bench.reports_bench --sqlite-url "$SQLITE_URL" --pg-url "$PG_URL" --runs 3 --no-explain || status=1
echo
echo "== order queue under load (reuses the databases above; the 10,000 ones are generated)"
KEEP=()
[ "${BENCH_KEEP:-0}" = "1" ] && KEEP=(--keep)
$PY -m bench.queue_bench --backends sqlite,postgresql --sizes "10000,$ORDERS" --reuse --workdir "$WORK" \
  --pg-admin-url "$PG_BASE/postgres" "${KEEP[@]}" "$@" || status=1
exit $status
