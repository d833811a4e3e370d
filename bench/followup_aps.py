"""The obvious alternative to sweeps, side by side: one APScheduler job per unpaid order in a SQLAlchemyJobStore.

    .venv/bin/python -m bench.followup_aps --backends sqlite,postgresql --orders 100000

Each side runs in a fresh process (clean memory figures). "schedule" writes one DateTrigger job per order
(its first reminder, 30 min after placing, spread over the next 24 h) into the job store; "start-up" is a
new scheduler process opening that store, from start() to the end of its first pass over due jobs.
The sweep scheduler (shopcs.followup.scheduler.build_scheduler) schedules nothing per order: the order
rows are the schedule, and its four jobs live in memory.
"""
import argparse
import json
import subprocess
import sys
import threading
import time
import tracemalloc
from datetime import datetime, timedelta, timezone

from . import followup_common as common

UTC = timezone.utc


def remind_unpaid(order_id: int, step: int) -> None:  # the job target an APScheduler-per-order design would call
    raise RuntimeError("not run in the bench")


def _first_pass_seconds(scheduler) -> float:
    """start() in a thread; seconds until the scheduler's first _process_jobs pass has finished."""
    done = threading.Event()
    original = scheduler._process_jobs

    def timed():
        result = original()
        done.set()
        return result

    scheduler._process_jobs = timed
    started = time.perf_counter()
    thread = threading.Thread(target=scheduler.start, daemon=True)
    thread.start()
    done.wait(600)
    elapsed = time.perf_counter() - started
    scheduler.shutdown(wait=False)
    thread.join(30)
    return elapsed


def _aps_scheduler(url: str):
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.blocking import BlockingScheduler

    return BlockingScheduler(jobstores={"default": SQLAlchemyJobStore(url=url)}, timezone=UTC)


def side_aps_schedule(url: str, orders: int) -> dict:
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.date import DateTrigger

    scheduler = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=url)}, timezone=UTC)
    scheduler.start(paused=True)  # started, so add_job writes to the store at once
    rss_before = common.rss_mib()
    tracemalloc.start()
    first_due = datetime.now(UTC) + timedelta(hours=1)
    started = time.perf_counter()
    for order_id in range(1, orders + 1):
        scheduler.add_job(remind_unpaid, DateTrigger(first_due + timedelta(seconds=86400 * order_id / orders), timezone=UTC),
                          args=(order_id, 1), id=f"unpaid_reminder:{order_id}:1", misfire_grace_time=3600, coalesce=True)
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    scheduler.shutdown(wait=False)
    return {"seconds": elapsed, "rows": orders, "tracemalloc_peak_mib": peak, "rss_growth_mib": common.rss_mib() - rss_before}


def side_aps_start(url: str) -> dict:
    rss_before = common.rss_mib()
    tracemalloc.start()
    seconds = _first_pass_seconds(_aps_scheduler(url))
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {"seconds": seconds, "tracemalloc_peak_mib": peak, "rss_mib": common.rss_mib(), "rss_growth_mib": common.rss_mib() - rss_before}


def side_sweeps_start(url: str) -> dict:
    from shopcs.followup.scheduler import build_scheduler

    app = common.make_app(url)
    rss_before = common.rss_mib()
    tracemalloc.start()
    scheduler = build_scheduler(app, first_run=datetime.now(UTC) + timedelta(hours=1))  # start-up only, no job runs
    seconds = _first_pass_seconds(scheduler)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return {"seconds": seconds, "tracemalloc_peak_mib": peak, "rss_mib": common.rss_mib(), "rss_growth_mib": common.rss_mib() - rss_before}


def _run_side(*args) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.followup_aps", "--side", *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.followup_aps", description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--side", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.side:
        name, url, *rest = args.side
        result = {"aps_schedule": lambda: side_aps_schedule(url, int(rest[0])), "aps_start": lambda: side_aps_start(url),
                  "sweeps_start": lambda: side_sweeps_start(url)}[name]()
        print(json.dumps(result))
        return 0
    print(f"== {args.orders:,} unpaid orders: one APScheduler job each (SQLAlchemyJobStore) vs the sweep scheduler")
    for backend in args.backends.split(","):
        store_url = common.url_for(backend, "aps_jobs")
        common.fresh_database(store_url)
        schedule = _run_side("aps_schedule", store_url, str(args.orders))
        start = _run_side("aps_start", store_url)
        ours = _run_side("sweeps_start", store_url)
        common.drop_database(store_url)
        print(f"  {backend:<10} APScheduler per order: schedule {schedule['seconds']:6.1f} s "
              f"({schedule['rows'] / schedule['seconds']:,.0f} jobs/s, {schedule['rows']:,} job rows, "
              f"tracemalloc peak {schedule['tracemalloc_peak_mib']:.1f} MiB, RSS +{schedule['rss_growth_mib']:.1f} MiB); "
              f"start-up {start['seconds']:.2f} s (tracemalloc peak {start['tracemalloc_peak_mib']:.1f} MiB, "
              f"RSS {start['rss_mib']:.0f} MiB, +{start['rss_growth_mib']:.1f})")
        print(f"  {backend:<10} sweep scheduler:       schedule    0.0 s (0 rows: the orders are the schedule; 4 jobs in memory); "
              f"start-up {ours['seconds']:.3f} s (tracemalloc peak {ours['tracemalloc_peak_mib']:.2f} MiB, "
              f"RSS {ours['rss_mib']:.0f} MiB, +{ours['rss_growth_mib']:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
