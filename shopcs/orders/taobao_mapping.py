"""One row of a Taobao / Tmall order export as the order payload the API takes. Pure: the shop's zone is an argument.

The payload then goes through the same validate_order and ingest_order as every other source. Decisions:
- 交易关闭 (and its variants) with a payment time is closed; without one it is cancelled: the buyer never paid,
  the platform or a person closed the order (timeout, cancel).
- 卖家部分发货 stays paid: part of the order still has to ship, so it stays in the shipping queue.
- The export has the order's goods amount and a list of titles, not unit prices: the order gets one line item,
  quantity 1, priced at the goods amount (买家应付货款), so total = goods + 买家应付邮费 − 0 holds.
- The times have no offset: they are the shop's local time (SHOPCS_TIMEZONE, Asia/Shanghai by default).
"""
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from ..money import MoneyError, parse_money
from .schemas import ITEM_LIMITS
from .taobao_address import split_address

STATUSES = {
    "等待买家付款": "unpaid", "没有创建支付宝交易": "unpaid",
    "买家已付款，等待卖家发货": "paid", "等待卖家发货": "paid", "卖家部分发货": "paid", "部分发货": "paid",
    "卖家已发货，等待买家确认": "shipped", "卖家已发货，等待买家确认收货": "shipped", "买家已签收": "shipped",
    "交易成功": "completed",
}
CLOSED_STATUSES = ("交易关闭", "交易自动关闭", "交易被淘宝关闭")
TIME_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M")
DEFAULT_SKU = "TAOBAO"  # the order export has no 商家编码 unless the seller added the column
_COLUMNS = {"order_no": "订单编号", "status": "订单状态", "placed_at": "订单创建时间", "paid_at": "订单付款时间",
            "customer": "买家会员名", "shipping_address": "收货地址", "shipping_address.recipient": "收货人姓名",
            "shipping_address.phone": "联系手机", "customer.phone": "联系手机", "items.0.title": "宝贝标题",
            "items.0.sku": "商家编码", "shipping_fee": "买家应付邮费"}


class RowProblem(ValueError):
    def __init__(self, column: str, reason: str):
        super().__init__(reason)
        self.column, self.reason = column, reason


def _blank(text: str | None) -> bool:
    return not text or text.lower() == "null"


def map_status(text: str, paid: bool) -> str:
    key = text.replace(",", "，").replace(" ", "")
    if key in CLOSED_STATUSES:
        return "closed" if paid else "cancelled"
    if key not in STATUSES:
        raise ValueError(f"is not a Taobao order status ShopCS knows: {text or '(blank)'}")
    return STATUSES[key]


def local_time(text: str | None, zone: str) -> datetime | None:
    """A wall-clock time of the shop's zone, aware; None when the cell is blank."""
    if _blank(text):
        return None
    for time_format in TIME_FORMATS:
        try:
            return datetime.strptime(text, time_format).replace(tzinfo=ZoneInfo(zone))
        except ValueError:
            continue
    raise ValueError(f"is not a time such as 2026-03-04 10:30:00: {text}")


def order_number(text: str) -> str:
    if not text:
        raise ValueError("is required")
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"must be the digits of a Taobao order number, not {text} (a value such as 5.1186E+18 "
                         "means Excel rounded it: export again and upload the file without re-saving it in Excel)")
    return text


def money(text: str | None) -> Decimal:
    if _blank(text):
        raise MoneyError("is required")
    return parse_money(text)


def goods_column(values: dict) -> str:
    return "买家应付货款" if "买家应付货款" in values else "买家实际支付金额"


def goods_amount(values: dict, shipping_fee: Decimal) -> Decimal:
    """The goods part of the order: 买家应付货款, or what the buyer paid minus postage in exports without it."""
    amount = money(values.get(goods_column(values)))
    if goods_column(values) == "买家实际支付金额":
        amount -= shipping_fee
        if amount < 0:
            raise MoneyError("is less than the postage (买家应付邮费)")
    return amount


def _text(amount: Decimal | None) -> str | None:
    return None if amount is None else str(amount)


def item_title(text: str) -> str:
    limit = ITEM_LIMITS["title"]
    return text if len(text) <= limit else text[:limit - 1] + "…"


def schema_column(path: str, values: dict) -> str:
    """The export column behind a path of validate_order's errors (items.0.unit_price → 买家应付货款)."""
    if path in ("total", "items.0.unit_price", "items", "items.0"):
        return goods_column(values)
    for prefix in (path, path.split(".")[0]):
        if prefix in _COLUMNS:
            return _COLUMNS[prefix]
    return path


class _Collector:
    """Runs each conversion and keeps every problem, so that one report lists all of a row's faults."""

    def __init__(self):
        self.problems: list[RowProblem] = []

    def take(self, column: str, convert, *args):
        try:
            return convert(*args)
        except ValueError as exc:
            self.problems.append(RowProblem(column, str(exc)))
            return None


def order_payload(values: dict, zone: str) -> tuple[str, dict, list[RowProblem]]:
    """(order no., payload for validate_order, problems). The payload is only meant to be used without problems."""
    found = _Collector()
    order_no = found.take("订单编号", order_number, values.get("订单编号", ""))
    placed_at = found.take("订单创建时间", local_time, values.get("订单创建时间"), zone)
    paid_at = found.take("订单付款时间", local_time, values.get("订单付款时间"), zone)
    status = found.take("订单状态", map_status, values.get("订单状态", ""), not _blank(values.get("订单付款时间")))
    shipping_fee = found.take("买家应付邮费", money, values.get("买家应付邮费") or "0")
    goods = found.take(goods_column(values), goods_amount, values, shipping_fee or Decimal(0))
    address_column = "修改后的收货地址" if values.get("修改后的收货地址") else "收货地址"
    address = found.take(address_column, split_address, values.get(address_column, "")) or {}
    phone = values.get("联系手机") or values.get("联系电话") or ""
    buyer = values.get("买家会员名", "")
    payload = {
        "status": status, "placed_at": placed_at and placed_at.isoformat(), "paid_at": paid_at and paid_at.isoformat(),
        "customer": {"external_id": buyer, "name": buyer, "phone": phone, "email": ""},
        "shipping_address": {"recipient": values.get("收货人姓名", ""), "phone": phone, **address},
        "items": [{"sku": values.get("商家编码") or DEFAULT_SKU, "title": item_title(values.get("宝贝标题", "")),
                   "quantity": 1, "unit_price": _text(goods)}],
        "shipping_fee": _text(shipping_fee), "discount": "0.00",
        "total": None if goods is None or shipping_fee is None else _text(goods + shipping_fee),
    }
    return order_no or values.get("订单编号", ""), payload, found.problems
