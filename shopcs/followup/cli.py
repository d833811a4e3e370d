"""`flask followup scheduler|sweep|send|status`: the scheduler process and one-off runs of its jobs."""
import logging

import click
from flask import current_app
from flask.cli import AppGroup

from ..app_config import shop_zone
from ..ops.logs import configure_logging
from ..timeutil import TimeError, parse_aware, utcnow

followup_cli = AppGroup("followup", help="Unpaid-order reminders, greetings and the outbox sender.")


def _configure_logging() -> None:
    """The app factory configured the lines (shopcs.ops.logs, SHOPCS_LOG_FORMAT); the scheduler logs every run."""
    configure_logging(current_app.config["SHOPCS_LOG_FORMAT"])
    logging.getLogger("shopcs").setLevel(logging.INFO)


def _counts_line(counts: dict) -> str:
    return ", ".join(f"{key}={value}" for key, value in counts.items()) or "nothing to do"


@followup_cli.command("scheduler", help="Run the periodic sweeps and the outbox sender until SIGTERM or Ctrl-C.")
def scheduler_command():
    from .scheduler import run_scheduler

    _configure_logging()
    run_scheduler(current_app._get_current_object())


@followup_cli.command("sweep", help="Run every sweep once as if it were --now (no sending), and print the counts.")
@click.option("--now", "now_text", default=None, metavar="ISO",
              help="An ISO 8601 time with an offset, such as 2026-11-24T10:00:00+08:00 (default: the real time).")
def sweep_command(now_text):
    from .jobs import run_all_sweeps

    if now_text is None:
        now = utcnow()
    else:
        try:
            now = parse_aware(now_text)
        except TimeError as exc:
            raise click.BadParameter(f"{now_text!r} {exc}", param_hint="--now") from exc
    counts = run_all_sweeps(now)
    click.echo(f"Swept as of {now.isoformat()}:")
    for name, value in counts.items():
        click.echo(f"  {name}: {_counts_line(value) if isinstance(value, dict) else value}")


@followup_cli.command("send", help="Drain the outbox once: send every due message through its channel.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10_000))
def send_command(limit):
    from ..notify.sender import default_worker
    from .jobs import drain_outbox
    from .scheduler import counts_of

    report = drain_outbox(utcnow(), limit=limit, worker=f"cli:{default_worker()}")  # unique per process: claims must tell senders apart
    click.echo(f"Outbox drained: {_counts_line(counts_of(report))}")


@followup_cli.command("status", help="Print what is due, pending, sent today, failing and dead.")
def status_command():
    from .queries import status_counts

    status = status_counts(utcnow(), shop_zone())
    for key in ("due_soon", "pending", "sent_today", "failing", "retry_due", "dead"):
        click.echo(f"{key.replace('_', ' ')}: {status[key]}")
    due = status["due_now_by_channel"]
    click.echo("due now by channel: " + (", ".join(f"{ch}={n}" for ch, n in due.items()) or "none"))
    click.echo("by kind and status:")
    if not status["by_kind_status"]:
        click.echo("  (the outbox is empty)")
    for (kind, state), count in status["by_kind_status"].items():
        click.echo(f"  {kind:<18} {state:<10} {count}")
