"""Builders for test data with sensible defaults; pass only what the test is about."""
import itertools
from datetime import datetime, timedelta, timezone
from decimal import Decimal

from shopcs.auth.services import create_api_token, create_user
from shopcs.extensions import db
from shopcs.orders.models import Customer, Order, OrderItem
from shopcs.orders.refunds import ApprovalLimits
from shopcs.phone import normalize_phone

NOW = datetime(2026, 3, 4, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai
PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def refund_limits(limit: str = "200.00", four_eyes_above: str | None = None, **others: str) -> ApprovalLimits:
    """The approval settings a refund decision is handed: the default config's CNY limit, four-eyes off unless given;
    other currencies' limits as keywords (USD="30.00"), none by default."""
    limits = {"CNY": Decimal(limit), **{code: Decimal(amount) for code, amount in others.items()}}
    return ApprovalLimits(limits, None if four_eyes_above is None else {"CNY": Decimal(four_eyes_above)})


def make_user(username=None, role="agent", password=PASSWORD, now=NOW):
    return create_user(username or f"user{next(_seq)}", role, password, now)


def client_as(app, login, role):
    """A test client logged in, through the login form (`login` fixture), as a new user of `role`, named after it."""
    client = app.test_client()
    login(client, make_user(role.replace("_", "-"), role=role).username)
    return client


def make_token(name=None, now=NOW) -> str:
    _token, secret = create_api_token(name or f"platform{next(_seq)}", now)
    return secret


def make_customer(external_id=None, name="张三", phone="13812345678", email="", now=NOW) -> Customer:
    customer = Customer(external_id=external_id or f"cust-{next(_seq)}", name=name, phone=phone, email=email,
                        opted_out=False, created_at=now)
    db.session.add(customer)
    db.session.flush()
    return customer


def make_order(order_no=None, status="paid", total="100.00", customer=None, placed_at=None, paid_at=None,
               phone="13812345678", province="浙江省", city="杭州市", district="西湖区", detail="文三路 100 号",
               recipient="张三", sku="SKU-1", title="羊毛围巾", currency="CNY", commit=True, **extra) -> Order:
    total = Decimal(total)
    placed_at = placed_at or NOW - timedelta(hours=2)
    if paid_at is None and status != "unpaid" and status != "cancelled":
        paid_at = placed_at + timedelta(minutes=5)
    stored_phone, valid = normalize_phone(phone, extra.get("country", "CN"))  # country=…: an address abroad
    order = Order(
        order_no=order_no or f"T{next(_seq):08d}", status=status, customer=customer or make_customer(),
        placed_at=placed_at, paid_at=paid_at, items_total=total, shipping_fee=Decimal("0.00"),
        discount=Decimal("0.00"), total=total, currency=currency, recipient=recipient, phone=stored_phone,
        phone_valid=valid, province=province, city=city, district=district, detail=detail, postal_code="",
        lock_version=0, created_at=placed_at, updated_at=placed_at, **extra,
    )
    order.items.append(OrderItem(position=0, sku=sku, title=title, quantity=1, unit_price=total))
    db.session.add(order)
    if commit:
        db.session.commit()
    return order
