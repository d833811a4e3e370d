#!/usr/bin/env bash
# The follow-up benches of issue 4, on SQLite and PostgreSQL:
#   1. sweep_unpaid over 10,000 and 1,000,000 orders with the same 100 due (ratio, bar 1.5),
#   2. outbox drain vs a bare requests.Session loop to a local webhook receiver (ratio, bar 0.5),
#   3. lateness of 10,000 reminders due over a simulated hour (p99 <= sweep interval + 5 s),
#   4. one APScheduler job per unpaid order (SQLAlchemyJobStore) vs the sweep scheduler, 100,000 orders.
# Usage: bench/followup_run.sh [extra bench.followup_bench options, e.g. --runs 11]
# Environment: BENCH_WORKDIR (default /tmp/shopcs-bench-followup), BENCH_PG_URL_BASE
#              (default postgresql+psycopg://postgres@127.0.0.1:5432). Databases are dropped afterwards.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
status=0
$PY -m bench.followup_bench sweep drain lateness --backends sqlite,postgresql "$@" || status=1
echo
$PY -m bench.followup_aps --backends sqlite,postgresql --orders 100000 || status=1
exit $status
