"""The deliveries page's list: signed webhook deliveries, accepted and refused, newest first."""
from dataclasses import dataclass

from sqlalchemy import func, select

from ..extensions import db
from ..orders.models import Order
from ..paging import PageCount
from .models import WebhookDelivery

SOURCES = {"shopify": "Shopify", "woocommerce": "WooCommerce"}  # platform names, not translated
OUTCOMES = ("created", "updated", "stale", "refunded", "shipped", "shipment_updated", "ignored", "refused")
PER_PAGE = 50


@dataclass(frozen=True)
class DeliveryFilter:
    source: str = ""
    outcome: str = ""

    @classmethod
    def from_args(cls, args) -> "DeliveryFilter":
        """Unknown values are no filter: a hand-edited URL shows a page, never an error."""
        source, outcome = args.get("source", ""), args.get("outcome", "")
        return cls(source=source if source in SOURCES else "", outcome=outcome if outcome in OUTCOMES else "")

    def args(self) -> dict:
        return {name: value for name, value in vars(self).items() if value}


@dataclass(frozen=True)
class DeliveryPage(PageCount):
    rows: list[WebhookDelivery]
    known_orders: set[str]  # the rows' order numbers that are orders in ShopCS: those are linked
    total: int
    page: int
    per_page: int = PER_PAGE


def deliveries_page(chosen: DeliveryFilter, page: int, per_page: int = PER_PAGE) -> DeliveryPage:
    conditions = []
    if chosen.source:
        conditions.append(WebhookDelivery.source == chosen.source)
    if chosen.outcome:
        conditions.append(WebhookDelivery.outcome == chosen.outcome)
    total = db.session.scalar(select(func.count()).select_from(WebhookDelivery).where(*conditions))
    rows = list(db.session.scalars(select(WebhookDelivery).where(*conditions)
                                   .order_by(WebhookDelivery.received_at.desc(), WebhookDelivery.id.desc())
                                   .limit(per_page).offset((page - 1) * per_page)))
    order_nos = {row.order_no for row in rows if row.order_no}
    known = set(db.session.scalars(select(Order.order_no).where(Order.order_no.in_(order_nos)))) if order_nos else set()
    return DeliveryPage(rows=rows, known_orders=known, total=total, page=page, per_page=per_page)
