"""Refund-rate alerts: their settings (stored, audited), the alerts firing now, and the scheduler job that tells
the operators through the outbox — once per rule and day (the outbox's dedupe key makes it so)."""
from datetime import date, datetime

from sqlalchemy import select

from ..actor import Actor
from ..audit.services import changes, record
from ..errors import NotFound
from ..extensions import db
from ..followup.settings import load_settings
from ..notify.models import OutboxMessage
from ..notify.outbox import enqueue
from ..notify.sender import mark_manual_sent
from ..settings import store
from ..timeutil import local_date
from .alert_rules import Alert, AlertSettings, evaluate, judged_windows, parse_alert_settings
from .refund_rate import totals

SETTINGS_AREA, SETTINGS_KEY = "alerts", "refund_rate"
KIND = "alert"
TEXTS = {
    ("threshold", "zh"): "【退款率预警】截至{as_of}的30天退款率为{rate}，高于设定的{limit}（{refunded}/{paid}单）。请查看退款原因和商品。",
    ("threshold", "en"): "[Refund-rate alert] The 30-day refund rate up to {as_of} is {rate}, above the {limit} threshold "
                         "({refunded} of {paid} orders). Please look at the reasons and products.",
    ("spike", "zh"): "【退款率突增】截至{as_of}的近7天退款率为{rate}，超过30天退款率的设定倍数（{limit}），"
                     "共{paid}单已付款、{refunded}单退款。",
    ("spike", "en"): "[Refund-rate spike] The last 7 days up to {as_of} had a refund rate of {rate}, above {limit} "
                     "(the set multiple of the 30-day rate): {refunded} of {paid} paid orders.",
}


def load_alert_settings() -> AlertSettings:
    stored = store.read(SETTINGS_AREA, SETTINGS_KEY)
    return AlertSettings() if stored is None else parse_alert_settings(stored)


def save_alert_settings(values: dict, actor: Actor, now: datetime) -> AlertSettings:
    """Validates everything first (Invalid names each bad field; nothing is written), then saves and audits."""
    new = parse_alert_settings(values)
    old = load_alert_settings()
    before, after = changes(old, list(new.as_json()), vars(new))
    if not after:
        return new
    store.write(SETTINGS_AREA, {SETTINGS_KEY: new.as_json()}, actor.label, now)
    record(actor, "report_alerts.settings_changed", now, before=before, after=after)
    db.session.commit()
    return new


def alerts_for(today: date, zone: str, settings: AlertSettings | None = None) -> list[Alert]:
    """The alerts firing for the whole days before `today` (shop-local)."""
    last_30, last_7 = judged_windows(today)
    return evaluate(last_30.end, totals(last_30, zone), totals(last_7, zone), settings or load_alert_settings())


def alert_text(alert: Alert, locale: str) -> str:
    percent = "{:.2f}%".format
    return TEXTS[(alert.rule, locale)].format(as_of=alert.as_of.isoformat(), rate=percent(alert.rate * 100),
                                              limit=percent(alert.limit * 100), paid=alert.paid_orders,
                                              refunded=alert.refunded_orders)


def alert_key(alert: Alert) -> str:
    return f"{KIND}:{alert.rule}:{alert.as_of.isoformat()}"


def send_alerts(now: datetime, zone: str, outbox_channel: str) -> dict:
    """The scheduler's job: queue each firing alert for the operators, once per rule and day (`zone`: the shop's;
    the alert settings' channel, else `outbox_channel`, the shop's)."""
    settings = load_alert_settings()
    locale = load_settings().locale
    queued = 0
    for alert in alerts_for(local_date(now, zone), zone, settings):
        message = enqueue(kind=KIND, dedupe_key=alert_key(alert), body=alert_text(alert, locale), now=now,
                          channel=settings.channel or outbox_channel)
        queued += message is not None
    db.session.commit()
    return {"queued": queued}


def recent_alert_messages(limit: int = 10) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == KIND)
                                   .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)))


def mark_alert_read(message_id: int, actor: Actor, now: datetime) -> OutboxMessage:
    """An operator read an alert kept on the dashboard; other messages are not theirs to mark."""
    message = db.session.get(OutboxMessage, message_id)
    if message is None or message.kind != KIND:
        raise NotFound(f"Alert {message_id} does not exist.")
    return mark_manual_sent(message_id, actor, now)


def operator_email() -> str:
    """Where the email channel sends alerts (they have no customer)."""
    return load_alert_settings().email
