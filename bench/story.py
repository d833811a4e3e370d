"""The life of each generated order: status by age, confirmations, shipments, refunds, notes.

Rows are dicts keyed by column name, in the database's own terms: integer thousandths (money.py), naive UTC times.
Amounts are worked out in fen and written as thousandths (× STORED_PER_FEN).
Orders are numbered in time order (id 1 is the oldest), as a real shop's ids grow with time.
"""
import random
from datetime import date, datetime, timedelta

from shopcs.money import STORED_PER_UNIT

from . import fake

STORED_PER_FEN = STORED_PER_UNIT // 100

DAY = 86400.0
SHOP_OFFSET = timedelta(hours=8)  # Asia/Shanghai has no daylight saving: local date = UTC + 8 h
CARRIERS = (("SF", 20), ("ZTO", 25), ("YTO", 15), ("STO", 10), ("YUNDA", 15), ("JD", 10), ("EMS", 5))
AGENTS = tuple(f"agent{n:02d}" for n in range(1, 13))
CONFIRM_METHODS = ("phone", "chat", "sms")
REFUND_REASONS = ("not_as_described", "quality", "wrong_item", "damaged", "not_received", "size", "changed_mind", "other")
CONCERNS = (("price", 30), ("shipping_time", 20), ("size", 12), ("payment_method", 10), ("quality_doubt", 12),
            ("changed_mind", 10), ("other", 6))
FIRST_REMINDER, SECOND_REMINDER = timedelta(minutes=30), timedelta(hours=12)  # the follow-up settings' defaults
REMINDER_BODY = "亲,您的订单还没有付款,库存有限,请尽快完成付款哦"
NOTES = ("买家要求周末送货", "请用顺丰,买家加了运费", "地址已改为公司地址,请核对", "礼品包装,不要放发票", "买家要求先电话联系")


def local_date(utc_naive: datetime) -> date:
    return (utc_naive + SHOP_OFFSET).date()


def tracking_no(carrier: str, order_id: int) -> str:
    """Unique per carrier (the order id is inside) and valid for the carrier's format."""
    return {
        "SF": f"SF{order_id:013d}", "ZTO": f"77{order_id:013d}", "YTO": f"YT{order_id:013d}",
        "STO": f"77{order_id:011d}", "YUNDA": f"43{order_id:011d}", "JD": f"JDVA{order_id:011d}",
        "EMS": f"98{order_id:011d}",
    }[carrier]


class Story:
    """Builds customers and orders for one seed; `batch(first_id, count)` is deterministic per id range.

    With `followups`, each order's unpaid-order reminders (outbox_messages) and buyer concerns too
    (`followup_rows`, its own random numbers per order: the orders are the same with or without them).
    """

    def __init__(self, orders: int, customers: int, now: datetime, seed: int, sku_count: int = 5000,
                 days: float = 730, followups: bool = False):
        self.orders, self.customers, self.now, self.seed = orders, max(customers, 1), now, seed
        self.start = now - timedelta(days=days)
        self.span = (now - self.start).total_seconds()
        self.skus = fake.skus(random.Random(seed), sku_count)
        self.carriers, self.carrier_weights = zip(*CARRIERS, strict=True)
        self.contacts: list[tuple[str, str]] = []  # (name, phone) per customer id - 1
        self.opted_out: list[bool] = []  # per customer id - 1
        self.followups = followups

    def customer_rows(self, first_id: int, count: int) -> list[dict]:
        rng = random.Random(f"{self.seed}-c-{first_id}")
        rows = []
        assert first_id == len(self.contacts) + 1, "customers are generated in order"
        for cid in range(first_id, first_id + count):
            phone = fake.mobile(rng) if rng.random() > 0.001 else fake.invalid_phone(rng)
            rows.append({"id": cid, "external_id": f"TB{cid:09d}", "name": fake.name(rng), "phone": phone,
                         "email": fake.email(rng, cid), "opted_out": rng.random() < 0.02,
                         "created_at": self.start - timedelta(seconds=rng.random() * 365 * DAY)})
            self.contacts.append((rows[-1]["name"], phone))
            self.opted_out.append(rows[-1]["opted_out"])
        return rows

    def order_batch(self, first_id: int, count: int) -> dict[str, list[dict]]:
        """Needs every customer generated first: most orders ship to the buyer's own name and phone."""
        rng = random.Random(f"{self.seed}-o-{first_id}")
        out = {"orders": [], "order_items": [], "shipments": [], "refunds": [], "handoff_notes": [],
               "outbox_messages": [], "buyer_concerns": []}
        for oid in range(first_id, first_id + count):
            self._order(rng, oid, out)
            if self.followups:
                self.followup_rows(out["orders"][-1], self.opted_out[out["orders"][-1]["customer_id"] - 1], out)
        return out

    # -- one order ---------------------------------------------------------------------------------------
    def _order(self, rng: random.Random, oid: int, out: dict) -> None:
        now = self.now
        placed = self.start + timedelta(seconds=self.span * (oid - 1 + rng.random()) / self.orders)
        age = (now - placed).total_seconds() / DAY
        cid = int(self.customers * rng.random() ** 1.6) + 1
        items_total = self._items(rng, oid, out["order_items"])
        fee = 0 if rng.random() < 0.7 else rng.choice((600, 800, 1000, 1200))
        discount = min(items_total // 10 // 100 * 100, 5000) if rng.random() < 0.2 else 0
        total = items_total + fee - discount
        status, paid_at, updated = self._status(rng, placed, age)
        recipient, phone = self.contacts[cid - 1] if rng.random() < 0.85 else (fake.name(rng), fake.mobile(rng))
        if rng.random() < 0.001:
            phone = fake.invalid_phone(rng)
        province, city, district, detail, postal = fake.address(rng)
        row = {"id": oid, "order_no": f"{local_date(placed):%Y%m%d}{oid:010d}", "status": status,
               "customer_id": cid, "placed_at": placed, "paid_at": paid_at, "items_total": items_total * STORED_PER_FEN,
               "shipping_fee": fee * STORED_PER_FEN, "discount": discount * STORED_PER_FEN,
               "total": total * STORED_PER_FEN, "currency": "CNY",
               "recipient": recipient, "phone": phone, "phone_valid": phone not in fake.INVALID_PHONES,
               "province": province, "city": city, "district": district, "detail": detail, "postal_code": postal,
               "address_confirmed_at": None, "address_confirmed_by": None, "address_confirm_method": None,
               "promised_ship_date": None, "lock_version": 0, "created_at": placed, "updated_at": updated}
        if paid_at is not None:
            updated = self._after_payment(rng, row, age, out)
            row["updated_at"] = max(row["updated_at"], updated)
        out["orders"].append(row)

    def _items(self, rng: random.Random, oid: int, items: list) -> int:
        total = 0
        count = rng.choices((1, 2, 3), (65, 27, 8))[0]
        for position, (sku, title, price) in enumerate(rng.sample(self.skus, count)):
            quantity = rng.choices((1, 2, 3), (80, 15, 5))[0]
            items.append({"order_id": oid, "position": position, "sku": sku, "title": title,
                          "quantity": quantity, "unit_price": price * STORED_PER_FEN})
            total += quantity * price
        return total

    def _status(self, rng: random.Random, placed: datetime, age: float):
        r = rng.random()
        if r < 0.02:
            return "unpaid", None, placed
        if r < 0.03:
            return "cancelled", None, min(placed + timedelta(days=1), self.now)
        paid_at = min(placed + timedelta(seconds=30 + rng.random() * 7200), self.now)
        if age < 3:
            status = "paid" if age < 0.3 or rng.random() < 0.65 else "shipped"
        elif age < 10:
            status = "paid" if rng.random() < 0.05 else "shipped"
        else:
            status = "closed" if rng.random() < 0.005 else "completed"
        return status, paid_at, paid_at

    def _after_payment(self, rng: random.Random, row: dict, age: float, out: dict) -> datetime:
        """Confirmation, promised date, shipment, completion and refunds; returns the last event's time."""
        now, oid, paid_at, status = self.now, row["id"], row["paid_at"], row["status"]
        last = paid_at
        if rng.random() < (0.55 if status == "paid" and age < 3 else 0.9):
            confirmed = min(paid_at + timedelta(seconds=600 + rng.random() * 6 * 3600), now)
            row.update(address_confirmed_at=confirmed, address_confirmed_by=rng.choice(AGENTS),
                       address_confirm_method=rng.choice(CONFIRM_METHODS))
            last = confirmed
        if rng.random() < (0.75 if status == "paid" else 0.6):
            row["promised_ship_date"] = local_date(paid_at) + timedelta(days=rng.choice((1, 2, 2, 3)))
        if status == "paid" and rng.random() < 0.08:
            out["handoff_notes"].append({"order_id": oid, "department": "shipping", "body": rng.choice(NOTES),
                                         "author": rng.choice(AGENTS), "created_at": last, "done_at": None, "done_by": None})
        if status in ("shipped", "completed"):
            shipped = min(paid_at + timedelta(seconds=4 * 3600 + rng.random() * 2 * DAY), now)
            carrier = rng.choices(self.carriers, self.carrier_weights)[0]
            out["shipments"].append({"order_id": oid, "carrier": carrier, "tracking_no": tracking_no(carrier, oid),
                                     "shipped_on": local_date(shipped), "created_by": "shipping01", "created_at": shipped})
            last = shipped
            if status == "completed":
                last = min(shipped + timedelta(seconds=(3 + rng.random() * 7) * DAY), now)
        if status == "closed" or rng.random() < 0.078:
            last = max(last, self._refund(rng, row, last, out["refunds"]))
        return last

    def _refund(self, rng: random.Random, row: dict, after: datetime, refunds: list) -> datetime:
        now, total, status = self.now, row["total"] // STORED_PER_FEN, row["status"]
        full = status == "closed" or rng.random() < 0.4
        amount = total if full else max(1, int(total * (0.1 + rng.random() * 0.8)))
        requested = min(after + timedelta(seconds=rng.random() * 3 * DAY), now)
        if status == "closed":
            state = "completed"
        elif (now - requested).total_seconds() < 5 * DAY:
            state = rng.choices(("requested", "approved", "completed", "rejected"), (50, 20, 20, 10))[0]
        else:
            state = "completed" if rng.random() < 0.85 else "rejected"
        decided = min(requested + timedelta(seconds=rng.random() * DAY), now) if state != "requested" else None
        completed = min(decided + timedelta(seconds=rng.random() * 2 * DAY), now) if state == "completed" else None
        refunds.append({"order_id": row["id"], "amount": amount * STORED_PER_FEN, "reason": rng.choice(REFUND_REASONS),
                        "with_return": status != "paid" and rng.random() < 0.5, "status": state, "note": "",
                        "idempotency_key": None, "requested_by": "token:taobao" if rng.random() < 0.7 else rng.choice(AGENTS),
                        "decided_by": rng.choice(AGENTS) if decided else None, "requested_at": requested,
                        "approved_at": decided if state in ("approved", "completed") else None,
                        "rejected_at": decided if state == "rejected" else None, "completed_at": completed})
        return completed or decided or requested

    # -- follow-ups (issue 4) ------------------------------------------------------------------------------
    def followup_rows(self, order: dict, opted_out: bool, out: dict) -> None:
        """The unpaid-order reminders the sweep sent this order, and the concerns agents recorded on it.

        `order`: its id, customer_id, placed_at, paid_at (naive UTC). A buyer who opted out gets no reminder.
        Reminder 1 is due 30 min after placing, 2 after 12 h, each queued only while the order is still unpaid
        and sent a few seconds later (so one paid in those seconds has a reminder sent after its payment).
        Some unpaid orders also get a reminder an agent sent by hand ("hand1"), and about one in twelve
        reminded orders a concern, recorded after the first reminder (before or after any payment).
        """
        oid, placed, paid = order["id"], order["placed_at"], order["paid_at"]
        if opted_out:
            return
        rng = random.Random(f"{self.seed}-f-{oid}")
        sent_any = None
        for step, delay in (("1", FIRST_REMINDER), ("2", SECOND_REMINDER)):
            due = placed + delay
            if due > self.now or (paid is not None and paid <= due):
                break
            sent = min(due + timedelta(seconds=1 + rng.random() * 20), self.now)
            self._reminder(order, step, due, sent, out)
            sent_any = sent_any or sent
        if sent_any is None:
            return
        if rng.random() < (0.05 if paid is None else 0.01):
            at = sent_any + timedelta(seconds=rng.random() * 6 * 3600)
            if at <= self.now and (paid is None or at < paid):
                self._reminder(order, "hand1", at, at, out)
        if rng.random() < 0.08:
            at = min(sent_any + timedelta(seconds=rng.random() * 3 * 3600), self.now)
            category = rng.choices(*zip(*CONCERNS, strict=True))[0]
            out["buyer_concerns"].append({"order_id": oid, "category": category,
                                          "text": "买家说再考虑一下" if category == "other" else "",
                                          "author": rng.choice(AGENTS), "created_at": at})

    def _reminder(self, order: dict, step: str, due: datetime, sent: datetime, out: dict) -> None:
        out["outbox_messages"].append({
            "dedupe_key": f"unpaid_reminder:{order['id']}:{step}", "kind": "unpaid_reminder",
            "customer_id": order["customer_id"], "order_id": order["id"], "channel": "manual", "body": REMINDER_BODY,
            "scheduled_for": due, "status": "sent", "attempts": 1, "created_at": due, "sent_at": sent})
