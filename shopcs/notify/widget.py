"""The storefront widget as a delivery: a reply to a buyer who writes in the widget is not sent anywhere, the widget
fetches it (shopcs.conversations.widget_api). Its outbox row counts as sent when queued — nothing is left for a
sender or an agent to do — and becomes "delivered" once the widget has fetched the reply."""
from datetime import datetime

from sqlalchemy import update

from ..extensions import db
from .models import OutboxMessage

WIDGET = "widget"  # the outbox channel: not a SHOPCS_OUTBOX_CHANNEL choice, only for the widget's buyers
# A widget message's source id (case_events.external_id) begins with this, followed by the conversation's key: how a
# case is known to be a widget conversation, whoever its customer is after the buyer named their order.
MESSAGE_PREFIX = "widget:"


def prefix_range(prefix: str) -> tuple[str, str]:
    """[low, high) bounds of the strings that start with `prefix`: an index range, unlike LIKE with '_' and '%'."""
    return prefix, prefix[:-1] + chr(ord(prefix[-1]) + 1)


def mark_delivered(shown: list[tuple[str, int]], now: datetime) -> int:
    """The widget has shown these (outbox kind, event id) — an agent's reply is "case_reply", the assistant's answer
    "assistant_reply": their outbox rows go from sent to delivered (once; the caller commits)."""
    if not shown:
        return 0
    keys = [f"{kind}:{event_id}" for kind, event_id in shown]
    result = db.session.execute(update(OutboxMessage).where(
        OutboxMessage.dedupe_key.in_(keys), OutboxMessage.channel == WIDGET, OutboxMessage.status == "sent")
        .values(status="delivered").execution_options(synchronize_session=False))
    return result.rowcount
