"""`flask mail poll`: read the shop's mailbox once and say what came; `poll_configured` is the scheduler's job."""
from datetime import datetime

import click
from flask import current_app
from flask.cli import AppGroup

from ..actor import Actor
from ..app_config import outbox_channel, shop_zone
from ..timeutil import utcnow
from .imap_fetch import Mailbox
from .mailbox import poll_mailbox

mail_cli = AppGroup("mail", help="The shop's mailbox (SHOPCS_IMAP_URL): buyers' e-mails in.")
MAIL_ACTOR = Actor.system("mail")  # the timeline shows "mail" as who wrote a buyer's e-mail into the case


def poll_configured(now: datetime) -> dict:
    """One poll of SHOPCS_IMAP_URL (checked when the app started); nothing when it is not set."""
    url = current_app.config.get("SHOPCS_IMAP_URL")
    if not url:
        return {"disabled": "SHOPCS_IMAP_URL is not set"}
    return poll_mailbox(Mailbox.from_url(url), MAIL_ACTOR, now, shop_zone(), outbox_channel=outbox_channel()).as_dict()


@mail_cli.command("poll", help="Fetch the new mail once: buyers' mails become messages; print what happened.")
def poll_command():
    if not current_app.config.get("SHOPCS_IMAP_URL"):
        raise click.ClickException("SHOPCS_IMAP_URL is not set: there is no mailbox to poll.")
    counts = poll_configured(utcnow())
    click.echo(", ".join(f"{key}={value}" for key, value in counts.items() if key != "error"))
    if counts["error"]:
        raise click.ClickException(counts["error"])
