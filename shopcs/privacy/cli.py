"""`flask customers erase EXTERNAL_ID` and `flask customers erase-inactive --months N`: a buyer's personal data, erased
on their request or after the retention period. Both ask before they erase; --yes answers for a script."""
import click
from flask import current_app
from flask.cli import AppGroup

from ..actor import Actor
from ..errors import NotFound
from ..timeutil import utcnow
from .erase import Erasure, erase_customer
from .holdings import holdings_of
from .retention import count_inactive, erase_inactive
from .rules import COUNTED
from .settings import erasure_settings

customers_cli = AppGroup("customers", help="Buyers' personal data: erase it on request or after the retention period.")
CLI_ACTOR = Actor.system("cli")


@customers_cli.command("erase", help="Erase a buyer's name, phone, e-mail, addresses, messages and claim photos. Their "
                                     "orders' amounts, items and dates stay, so the reports stay right; they are opted "
                                     "out of every message; the audit log records it. Erasing again is harmless.")
@click.argument("external_id")
@click.option("--yes", is_flag=True, help="Erase without asking.")
def erase_command(external_id, yes):
    settings = erasure_settings(current_app.config)
    try:
        held = holdings_of(external_id, settings.key)
    except NotFound as exc:
        raise click.ClickException(f"No customer {external_id}: no buyer has that id, erased or not.") from exc
    if not yes:
        click.echo(_describe(external_id, held))
        click.confirm("Erase it? This cannot be undone", abort=True)
    erasure = erase_customer(external_id, CLI_ACTOR, utcnow(), settings)
    click.echo(_outcome(external_id, erasure))
    if erasure.files_left:
        click.echo("These photo files could not be removed: " + ", ".join(erasure.files_left)
                   + ". Run the command again (or remove them by hand).", err=True)
        raise SystemExit(1)


def _describe(external_id: str, held) -> str:
    if held.erased_at is not None:
        return (f"Customer {external_id} was erased on {held.erased_at:%Y-%m-%d %H:%M} UTC; erasing again removes "
                "what came since, if anything.")
    warning = (f"\nNot shipped yet (their delivery address goes too): {held.open_orders} of the orders."
               if held.open_orders else "")
    return (f"Customer {external_id}: orders {held.orders}, cases {held.cases}, claim photos {held.photos}, "
            f"messages waiting to be sent {held.waiting_messages} (they are cancelled).{warning}")


def _outcome(external_id: str, erasure: Erasure) -> str:
    counts = ", ".join(f"{name.replace('_', ' ')} {erasure.counts[name]}" for name in COUNTED if erasure.counts[name])
    if not erasure.again:
        return f"Erased customer {external_id}; from now on they are {erasure.customer}. Erased: {counts or 'nothing else'}."
    if not erasure.changed:
        return (f"Customer {external_id} was already erased on {erasure.erased_at:%Y-%m-%d %H:%M} UTC "
                f"({erasure.customer}); nothing left to erase.")
    return f"Customer {external_id} was already erased ({erasure.customer}); erased what came since: {counts}."


@customers_cli.command("erase-inactive", help="Erase every buyer with no order placed and no case touched for MONTHS "
                                              "months, as `erase` does. The scheduler does it daily when "
                                              "SHOPCS_RETENTION_MONTHS is set.")
@click.option("--months", type=click.IntRange(min=1), required=True, help="The retention period in months.")
@click.option("--yes", is_flag=True, help="Erase without asking.")
def erase_inactive_command(months, yes):
    now = utcnow()
    due = count_inactive(months, now)
    if not due:
        click.echo(f"No buyer has been inactive for {months} months.")
        return
    if not yes:
        click.confirm(f"Buyers with no order or case for {months} months: {due}. Erase their personal data? "
                      "This cannot be undone", abort=True)
    report = erase_inactive(months, now, erasure_settings(current_app.config), CLI_ACTOR)
    click.echo(f"Buyers inactive since {report.cutoff:%Y-%m-%d %H:%M} UTC erased: {report.erased}."
               + (f" Not erased (see the log; run it again): {report.failed}." if report.failed else "")
               + (f" Photo files not removed (see the log): {report.files_left}." if report.files_left else ""))
    if report.failed or report.files_left:
        raise SystemExit(1)
