"""Peak day (issue 20): a festival midnight's orders against two real scheduler processes, on the real clock.

    .venv/bin/python -m bench.peak_day                                # 100,000 orders over 10 min, 30 % unpaid (~15 min)
    .venv/bin/python -m bench.peak_day --orders 5000 --minutes 2      # a quick run

A fresh PostgreSQL database gets the schema and some buyers; the follow-up settings are saved through the settings
service: first reminder after 1 minute (the smallest allowed, so the run lasts minutes, not 40), quiet hours around
the whole run (the festival is at midnight) and a campaign window over it, in which quiet hours do not hold reminders.
A local webhook receiver (its own process) records each delivery; two `flask --app app followup scheduler` processes
run every job as production does; this process writes the orders in real time (bench/peak_loader.py). When the last
order's first reminder is due plus --grace, the schedulers get SIGTERM and the figures are printed
(bench/peak_figures.py). Exit status 1 on any duplicate, missing or unwanted delivery, or p99 (received − due) > 90 s.
"""
import argparse
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import fields
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from . import peak_figures as figures_of
from .followup_common import PG_BASE
from .peak_loader import OrderStream, add_customers
from .servers import ROOT, create_pg_database, drop_pg_database, free_port

UTC = timezone.utc
ZONE = "Asia/Shanghai"  # the shop's zone (SHOPCS_TIMEZONE's default), where quiet hours and the campaign are read
FIRST_REMINDER_MINUTES = 1
BAR_SECONDS = 90.0
FLASK = os.path.join(os.path.dirname(sys.executable), "flask")
WEBHOOK_SECRET = "peak-day-" + "s" * 24


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.peak_day", description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--minutes", type=float, default=10, help="the orders are placed evenly over this long")
    parser.add_argument("--unpaid-share", type=float, default=0.3)
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--schedulers", type=int, default=2)
    parser.add_argument("--stagger", type=float, default=0, help="seconds between the schedulers' starts (default: together)")
    parser.add_argument("--grace", type=float, default=180, help="seconds to wait after the last first reminder is due")
    parser.add_argument("--pg-url", default=f"{PG_BASE}/shopcs_bench_peak_day", help="dropped and created afresh")
    parser.add_argument("--no-campaign", dest="campaign", action="store_false",
                        help="no campaign window; quiet hours set away from the run instead")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args(argv)
    if args.orders < 1 or args.minutes <= 0 or not 0 < args.unpaid_share <= 1 or args.schedulers < 1:
        parser.error("--orders and --schedulers must be at least 1, --minutes above 0, --unpaid-share in (0, 1]")
    return args


# -- the database and the settings ---------------------------------------------------------------------------------

def create_schema(url: str) -> None:
    """The app's own metadata, as the other benches build theirs (bench/generate.py)."""
    import shopcs.models  # noqa: F401 - registers every table
    from shopcs.extensions import db

    admin = make_url(url).set(database="postgres").render_as_string(hide_password=False)
    create_pg_database(url, admin)
    engine = create_engine(url)
    db.metadata.create_all(engine)
    engine.dispose()


def _wall(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo(ZONE)).replace(tzinfo=None, second=0, microsecond=0)


def bench_settings(start: datetime, end: datetime, campaign: bool) -> dict:
    """The values saved for the run: quiet hours covering it and a campaign window over it, or (without a campaign)
    quiet hours well away from it. The greeting time must lie outside the quiet hours (a settings rule)."""
    first, last = _wall(start), _wall(end) + timedelta(minutes=1)
    if campaign:
        quiet_start, quiet_end = first - timedelta(hours=1), last + timedelta(hours=1)
    else:
        quiet_start, quiet_end = last + timedelta(hours=6), last + timedelta(hours=8)
    values = {"first_reminder_minutes": FIRST_REMINDER_MINUTES, "quiet_start": quiet_start.strftime("%H:%M"),
              "quiet_end": quiet_end.strftime("%H:%M"), "greeting_send_time": (quiet_end + timedelta(hours=1)).strftime("%H:%M")}
    if campaign:
        values["campaign_start"] = first.strftime("%Y-%m-%dT%H:%M")
        values["campaign_end"] = (last + timedelta(minutes=30)).strftime("%Y-%m-%dT%H:%M")
    return values


def save_bench_settings(url: str, values: dict, start: datetime, end: datetime, campaign: bool) -> str:
    """Saved through the settings service (validated, audited); returns a line describing them. Refuses to run
    when the campaign window did not come back from the store (a product without it would ignore the keys)."""
    from shopcs import create_app
    from shopcs.actor import Actor
    from shopcs.extensions import db
    from shopcs.followup import rules
    from shopcs.followup.settings import load_settings, save_settings
    from shopcs.followup.values import FollowupSettings

    names = {f.name for f in fields(FollowupSettings)}
    if campaign and not {"campaign_start", "campaign_end"} <= names:
        raise SystemExit("FollowupSettings has no campaign_start/campaign_end yet: the campaign window is not in this "
                         "tree. Run with --no-campaign (quiet hours away from the run) until it is.")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_hex(32)})
    with app.app_context():
        save_settings(values, Actor.system("peak-day-bench"), start)
        saved = load_settings()
        db.session.remove()
        db.engine.dispose()
    line = (f"first reminder after {saved.first_reminder_minutes} min; quiet hours {saved.quiet_start:%H:%M}-"
            f"{saved.quiet_end:%H:%M} ({ZONE}), the run {'inside' if rules.in_quiet_hours(start, saved, ZONE) else 'outside'}")
    if campaign:
        expected = [datetime.fromisoformat(values[k]) for k in ("campaign_start", "campaign_end")]
        if [saved.campaign_start, saved.campaign_end] != expected:
            raise SystemExit(f"the campaign window did not come back from the settings: saved {values}, read "
                             f"{saved.campaign_start!r} - {saved.campaign_end!r}")
        if not (rules.in_quiet_hours(start, saved, ZONE) and rules.in_quiet_hours(end, saved, ZONE)):
            raise SystemExit("the bench's quiet hours do not cover the run: the campaign would not be tested")
        line += f"; campaign window {saved.campaign_start:%Y-%m-%d %H:%M} - {saved.campaign_end:%Y-%m-%d %H:%M}"
    return line


# -- the processes -------------------------------------------------------------------------------------------------

class Processes:
    """The receiver and the schedulers, each in its own process group, stopped (SIGTERM, then SIGKILL) on exit."""

    def __init__(self, workdir: str):
        self.workdir, self.started, self.logs = workdir, [], {}

    def _spawn(self, name: str, command: list[str], env: dict) -> subprocess.Popen:
        log = open(os.path.join(self.workdir, f"{name}.log"), "ab")  # noqa: SIM115 - closed in stop()
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.started.append((name, process, log))
        self.logs[name] = log.name
        return process

    @staticmethod
    def _env(**extra) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SHOPCS_") and k != "FLASK_DEBUG"}
        return dict(env, PYTHONPATH=ROOT, **extra)

    def receiver(self, out: str) -> str:
        port = free_port()
        process = self._spawn("receiver", [sys.executable, "-m", "bench.peak_receiver", "--port", str(port),
                                           "--secret", WEBHOOK_SECRET, "--out", out], self._env())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"the receiver exited; see {self.logs['receiver']}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return f"http://127.0.0.1:{port}/hook"
            except OSError:
                time.sleep(0.1)
        raise SystemExit("the receiver did not start")

    def scheduler(self, name: str, url: str, webhook_url: str, secret_key: str) -> None:
        """As production starts it (scripts/demo.sh, the README): `flask --app app followup scheduler`. TZ=UTC only so
        that its log lines' times read as UTC (peak_figures.scheduler_runs)."""
        env = self._env(SHOPCS_DATABASE_URL=url, SHOPCS_SECRET_KEY=secret_key, SHOPCS_OUTBOX_CHANNEL="webhook",
                        SHOPCS_WEBHOOK_URL=webhook_url, SHOPCS_WEBHOOK_SECRET=WEBHOOK_SECRET, SHOPCS_TIMEZONE=ZONE, TZ="UTC")
        self._spawn(name, [FLASK, "--app", "app", "followup", "scheduler"], env)

    def wait_started(self, prefix: str, timeout: float = 120) -> None:
        """Until every process named `prefix…` has logged "scheduler starting"."""
        deadline = time.monotonic() + timeout
        waiting = [(name, process) for name, process, _ in self.started if name.startswith(prefix)]
        while waiting:
            name, process = waiting[0]
            if process.poll() is not None:
                raise SystemExit(f"{name} exited at start; see {self.logs[name]}")
            with open(self.logs[name], encoding="utf-8", errors="replace") as log:
                if "scheduler starting" in log.read():
                    waiting.pop(0)
                    continue
            if time.monotonic() > deadline:
                raise SystemExit(f"{name} did not start within {timeout:.0f} s; see {self.logs[name]}")
            time.sleep(0.2)

    def stop(self, prefix: str = "", wait: float = 120) -> dict[str, float]:
        """SIGTERM to each group whose name starts with `prefix` (a scheduler finishes its running jobs), then SIGKILL
        after `wait` s. Returns the seconds each took to stop."""
        took = {}
        for name, process, log in [p for p in self.started if p[0].startswith(prefix)]:
            began = time.monotonic()
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                    process.wait(timeout=wait)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                except ProcessLookupError:
                    pass
            took[name] = time.monotonic() - began
            log.close()
            self.started.remove((name, process, log))
        return took


# -- the run -------------------------------------------------------------------------------------------------------

class Progress:
    """A line every `every` seconds: orders placed, reminders queued and received; and the load average."""

    def __init__(self, engine, deliveries: str, every: float = 30):
        self.engine, self.deliveries, self.every = engine, deliveries, every
        self.began = self.next = time.monotonic()
        self.loads: list[float] = []

    def __call__(self, load=None) -> None:
        if time.monotonic() < self.next:
            return
        self.next += self.every
        from shopcs.notify.models import OutboxMessage

        outbox = OutboxMessage.__table__
        with self.engine.connect() as conn:
            status = dict(conn.execute(select(outbox.c.status, func.count()).group_by(outbox.c.status)).all())
        self.loads.append(os.getloadavg()[0])
        placed = f"placed {load.placed:>7,} (unpaid {load.unpaid:,}); " if load else ""
        print(f"  {time.monotonic() - self.began:6.0f} s  {placed}outbox {status or '{}'}; "
              f"received {figures_of.count_lines(self.deliveries):,}; load average {self.loads[-1]:.1f}", flush=True)


def run(args, workdir: str, processes: Processes) -> int:
    deliveries = os.path.join(workdir, "deliveries.tsv")
    load_seconds = args.minutes * 60
    start = datetime.now(UTC)
    end = start + timedelta(seconds=300 + load_seconds + FIRST_REMINDER_MINUTES * 60 + args.grace)
    create_schema(args.pg_url)
    engine = create_engine(args.pg_url)
    customers = add_customers(engine, args.customers, start)
    settings_line = save_bench_settings(args.pg_url, bench_settings(start, end, args.campaign), start, end, args.campaign)
    print(f"== peak day: {args.orders:,} orders over {args.minutes:g} min, {args.unpaid_share:.0%} unpaid; PostgreSQL "
          f"{make_url(args.pg_url).database}; {args.schedulers} scheduler processes; webhook to a local receiver")
    print(f"  settings: {settings_line}")
    webhook_url = processes.receiver(deliveries)
    secret_key = secrets.token_hex(32)
    for n in range(args.schedulers):
        if n and args.stagger:
            time.sleep(args.stagger)
        processes.scheduler(f"scheduler-{n + 1}", args.pg_url, webhook_url, secret_key)
    processes.wait_started("scheduler")
    print(f"  {args.schedulers} schedulers started; logs in {workdir}", flush=True)
    progress = Progress(engine, deliveries)
    load = OrderStream(engine, customers, args.orders, load_seconds, args.unpaid_share).run(progress)
    deadline = load.last_placed + timedelta(minutes=FIRST_REMINDER_MINUTES, seconds=args.grace)
    print(f"  orders placed; waiting until {deadline:%H:%M:%S} UTC (the last first reminder due + {args.grace:g} s)", flush=True)
    while datetime.now(UTC) < deadline:
        progress()
        time.sleep(1)
    stopped = processes.stop("scheduler")
    processes.stop("receiver", wait=10)
    figures = figures_of.compute(engine, figures_of.read_deliveries(deliveries), timedelta(minutes=FIRST_REMINDER_MINUTES))
    engine.dispose()
    return report(args, load, figures, progress.loads, stopped, processes.logs)


def report(args, load, figures, loads, stopped, logs) -> int:
    batches = sorted(load.batch_seconds)
    print(f"  loader: placed {load.placed:,} (unpaid {load.unpaid:,}, paid {load.paid:,} after 2-10 s) from "
          f"{load.first_placed:%H:%M:%S} to {load.last_placed:%H:%M:%S} UTC in {load.batches} batches; batch median "
          f"{batches[len(batches) // 2] * 1000:.0f} ms, max {load.max_batch_seconds * 1000:.0f} ms; "
          f"at most {load.max_behind:.1f} s behind schedule")
    for name in sorted(stopped):
        jobs = figures_of.scheduler_runs(logs[name])
        print("\n".join(figures_of.job_lines(name, jobs)))
        print(f"  {name} stopped {stopped[name]:.1f} s after SIGTERM")
    print(f"  load average during the run: {min(loads, default=0):.1f}-{max(loads, default=0):.1f}")
    print(f"  outbox reminders by status: {figures.outbox_status}")
    print(f"  receiver: {figures.deliveries:,} deliveries, {figures.unsigned} with a bad signature; busiest minute "
          f"{figures.busiest_minute:,} (reminders fell due at {load.unpaid / (args.minutes or 1):,.0f} a minute)")
    print(f"  first reminders owed {figures.unpaid:,}: delivered {figures.owed_sent:,}, duplicates {figures.duplicates} "
          f"(orders reminded twice {figures.orders_reminded_twice}), missing {len(figures.missing):,}"
          f"{' e.g. ' + ', '.join(figures.missing[:5]) if figures.missing else ''}, unwanted {figures.unwanted}")
    print(f"  received - due (delivered ones): {figures_of.spread(figures.received_late)}")
    print(f"  outbox sent_at - due:            {figures_of.spread(figures.outbox_late)}  (sent_at: the drain run's start)")
    failures = figures.failures(BAR_SECONDS)
    print(f"  {'FAIL: ' + '; '.join(failures) if failures else 'PASS'} (bar: every first reminder once, none unwanted, "
          f"p99 received - due <= {BAR_SECONDS:g} s)")
    return 1 if failures else 0


def main(argv=None) -> int:
    args = parse_args(argv)
    if make_url(args.pg_url).get_backend_name() != "postgresql":
        raise SystemExit("--pg-url must be a PostgreSQL URL: the bench is PostgreSQL's (two schedulers, SKIP LOCKED)")
    workdir = tempfile.mkdtemp(prefix="shopcs-peak-day-")
    processes = Processes(workdir)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that `finally` stops the children
    try:
        return run(args, workdir, processes)
    finally:
        processes.stop()
        if not args.keep:
            drop_pg_database(args.pg_url, make_url(args.pg_url).set(database="postgres").render_as_string(hide_password=False))


if __name__ == "__main__":
    sys.exit(main())
