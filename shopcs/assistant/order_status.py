""""Where is my order?" answered without a person: the buyer names the order and the last 4 digits of its phone, and
gets its status, promised ship date and parcels — never a name, phone or address (what the widget shows a buyer
carries no personal data beyond what they typed). The answer as data (`public_status`) for the widget and as one line
(`status_text`) for an automatic reply; both in the buyer's language, chosen by the caller, not the request."""
import secrets

from sqlalchemy import select

from ..cases.replies.fields import carrier_name
from ..extensions import db
from ..orders.models import Order, Shipment
from ..orders.shipping import CANCELLED, CARRIERS
from ..phone import search_digits

LAST4_LENGTH = 4
_NO_DIGITS = "-" * LAST4_LENGTH  # compared against when there is no order, so both answers take the same path

STATUS_WORDS = {  # the buyer's words for the order statuses of the API (i18n_labels.ORDER_STATUSES says the same)
    "zh": {"unpaid": "待付款", "paid": "已付款", "shipped": "已发货", "completed": "已完成", "cancelled": "已取消",
           "closed": "已关闭"},
    "en": {"unpaid": "awaiting payment", "paid": "paid", "shipped": "shipped", "completed": "completed",
           "cancelled": "cancelled", "closed": "closed"},
}
LINES = {
    "zh": {"order": "订单 {order_no}：{status}", "parcel": "{carrier} {tracking_no}（{shipped} 发出）",
           "promised": "预计 {date} 前发货", "waiting": "尚未发货", "and": "，", "between": "；"},
    "en": {"order": "Order {order_no}: {status}", "parcel": "with {carrier}, tracking {tracking_no}, shipped {shipped}",
           "promised": "promised to ship by {date}", "waiting": "not shipped yet", "and": ", ", "between": "; "},
}
WAITING_STATUSES = ("paid",)  # paid, not yet shipped: the promised date is what the buyer wants to know


def _lang(language: str | None) -> str:
    return "zh" if (language or "").lower().replace("-", "_").startswith("zh") else "en"


def find_order_for_buyer(order_no: str, phone_last4: str) -> Order | None:
    """The order when its phone ends with `phone_last4`; None for an unknown order and a wrong pair alike. The stored
    phone is already normalised (shopcs.phone, at intake): its digits are compared in constant time."""
    order = db.session.scalar(select(Order).where(Order.order_no == order_no))
    digits = search_digits(order.phone) if order is not None else ""
    ours = digits[-LAST4_LENGTH:] if len(digits) >= LAST4_LENGTH else _NO_DIGITS
    matches = secrets.compare_digest(ours.encode(), (phone_last4 or "").encode())
    return order if matches and order is not None and ours != _NO_DIGITS else None


def _carrier_name(shipment: Shipment, lang: str) -> str:
    carrier = CARRIERS.get(shipment.carrier)
    if carrier is None or (carrier.code == "OTHER" and shipment.carrier_name):
        return shipment.carrier_name or shipment.carrier  # a carrier we do not know: as the platform named it
    return carrier_name(shipment.carrier, "zh_CN" if lang == "zh" else "en")


def _parcels(order: Order) -> list[Shipment]:
    """The order's parcels, without those the platform cancelled (their numbers would send the buyer astray)."""
    return [s for s in order.shipments if CANCELLED not in (s.flag_reason or "").split(",")]


def public_status(order: Order, language: str) -> dict:
    """What the buyer may see of the order: status code, promised ship date (YYYY-MM-DD) and each parcel's carrier
    (code and name in `language`), tracking number and ship date (YYYY-MM-DD, the shop's day)."""
    lang = _lang(language)
    return {
        "status": order.status,
        "promised_ship_date": order.promised_ship_date.isoformat() if order.promised_ship_date else None,
        "shipments": [{"carrier": s.carrier, "carrier_name": _carrier_name(s, lang), "tracking_no": s.tracking_no,
                       "shipped_at": s.shipped_on.isoformat()} for s in _parcels(order)],
    }


def status_text(order: Order, language: str) -> str:
    """The same answer as one line, in Chinese or English: "Order X: shipped with SF Express, tracking SF…, shipped
    2026-12-01" / "订单 X：已付款，预计 2026-12-03 前发货"."""
    lang = _lang(language)
    words, lines = STATUS_WORDS[lang], LINES[lang]
    answer = public_status(order, lang)
    head = lines["order"].format(order_no=order.order_no, status=words.get(order.status, order.status))
    parcels = [lines["parcel"].format(carrier=p["carrier_name"], tracking_no=p["tracking_no"], shipped=p["shipped_at"])
               for p in answer["shipments"]]
    if parcels:
        separator = lines["and"] if lang == "zh" else " "
        return head + separator + lines["between"].join(parcels)
    if order.status in WAITING_STATUSES:
        promised = answer["promised_ship_date"]
        return head + lines["and"] + (lines["promised"].format(date=promised) if promised else lines["waiting"])
    return head
