"""`flask demo seed`: demo users of every role, the shop's name, and a few hundred orders across the last 90 days with
their reminders, refunds, concerns and cases (demo_followup)."""
import random
from datetime import timedelta
from decimal import Decimal

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from .actor import Actor
from .app_config import approval_limits, outbox_channel, shop_zone
from .assistant.reading import read_message
from .audit.services import record
from .auth.models import User
from .auth.services import create_user
from .cases.services import CaseInput, create_case, reply, transfer
from .demo_followup import name_the_shop, past_cases, past_reminders
from .extensions import db
from .notify.models import OutboxMessage
from .orders.ingest import ingest_order
from .orders.models import Customer, HandoffNote, Order, OrderItem, Shipment
from .orders.refund_service import RefundRequest, approve_refund, complete_refund, request_refund
from .orders.schemas import validate_order
from .phone import normalize_phone
from .timeutil import utcnow

demo_cli = AppGroup("demo", help="Demo data.")

DEMO_PASSWORD = "demo-password-1"
DEMO_USERS = [("agent", "agent", "小王"), ("agent2", "agent", "小李"), ("supervisor", "supervisor", "陈组长"),
              ("shipping", "shipping", "仓库老周"), ("aftersales", "after_sales", "售后小赵"),
              ("operator", "operator", "运营刘"), ("admin", "admin", "管理员")]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平"]
PLACES = [("浙江省", "杭州市", "西湖区"), ("上海市", "上海市", "浦东新区"), ("广东省", "深圳市", "南山区"),
          ("北京市", "北京市", "朝阳区"), ("四川省", "成都市", "武侯区"), ("江苏省", "南京市", "鼓楼区"),
          ("湖北省", "武汉市", "洪山区"), ("新疆维吾尔自治区", "乌鲁木齐市", "天山区"), ("西藏自治区", "拉萨市", "城关区")]
PRODUCTS = [("SCARF-01", "羊毛围巾 灰色", "89.00"), ("MUG-02", "手绘陶瓷杯", "45.50"), ("TEA-03", "西湖龙井 250g", "168.00"),
            ("BAG-04", "帆布托特包", "59.90"), ("LAMP-05", "护眼台灯", "239.00"), ("SOCK-06", "纯棉袜子 5 双装", "29.90")]
CARRIERS = [("SF", "SF{:013d}"), ("ZTO", "7730{:011d}"), ("YTO", "YT{:013d}"), ("YUNDA", "43{:011d}")]


def _name(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _phone(rng):
    if rng.random() < 0.03:
        return "1380013"  # too short: flagged for the agent
    return f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"


def _seed_users(now):
    for username, role, display in DEMO_USERS:
        if not db.session.scalar(select(User).where(User.username == username)):
            create_user(username, role, DEMO_PASSWORD, now, display_name=display)


def _make_order(rng, index, customers, now, platform, fresh_unpaid=False):
    placed = now - timedelta(days=rng.uniform(0, 90), minutes=rng.randrange(60))
    roll = rng.random()
    status = ("unpaid" if roll < 0.06 else "cancelled" if roll < 0.09 else "paid" if roll < 0.35
              else "shipped" if roll < 0.55 else "completed")
    if fresh_unpaid:  # placed within the last hours, so the scheduler has reminders to queue
        placed, status = now - timedelta(minutes=rng.randrange(20, 600)), "unpaid"
    if placed > now - timedelta(days=2) and status == "completed":
        status = "paid"
    customer = rng.choice(customers)
    province, city, district = rng.choice(PLACES)
    phone, valid = normalize_phone(customer.phone)
    lines = [rng.choice(PRODUCTS) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
    items_total = sum((Decimal(price) for _, _, price in lines), Decimal("0.00"))
    fee = Decimal("0.00") if items_total >= 99 else Decimal("8.00")
    order = Order(order_no=f"DEMO{20260000 + index}", status=status, customer=customer, placed_at=placed,
                  paid_at=None if status in ("unpaid", "cancelled") else placed + timedelta(minutes=rng.randrange(2, 90)),
                  items_total=items_total, shipping_fee=fee, discount=Decimal("0.00"), total=items_total + fee,
                  currency="CNY", recipient=customer.name, phone=phone, phone_valid=valid, province=province, city=city,
                  district=district, detail=f"{rng.choice(['文一路', '人民路', '解放路', '中山路'])} {rng.randrange(1, 300)} 号",
                  postal_code="", lock_version=0, created_at=placed, updated_at=placed)
    for position, (sku, title, price) in enumerate(lines):
        order.items.append(OrderItem(position=position, sku=sku, title=title, quantity=1, unit_price=Decimal(price)))
    db.session.add(order)
    db.session.flush()
    record(platform, "order.created", placed, order_id=order.id, after={"status": status, "total": order.total})
    return order


ABROAD = [  # a cross-border shop's orders (独立站): each in its buyer's currency, through the order API's own checks
    ("DEMO-US-1001", "USD", {"recipient": "Jane Roe", "phone": "212-555-0123", "country": "US", "province": "NY",
                             "city": "New York", "detail": "350 Fifth Avenue", "address_line2": "Suite 3400",
                             "postal_code": "10118"}, "24.50", "12.00"),
    ("DEMO-AU-1002", "AUD", {"recipient": "Ryan Waldon", "phone": "0412 345 678", "country": "AU",
                             "province": "Australian Capital Territory", "city": "Canberra",
                             "detail": "306 / 39 London Circuit", "postal_code": "2601"}, "44.95", "10.00"),
    ("DEMO-JP-1003", "JPY", {"recipient": "山田太郎", "phone": "03-1234-5678", "country": "JP", "province": "東京都",
                             "city": "千代田区", "detail": "千代田1-1", "postal_code": "100-0001"}, "2400", "1200"),
]


def _orders_abroad(now, platform, agent) -> None:
    """After the random story (which they leave as it was): three orders abroad, and a refund asked in dollars."""
    for index, (order_no, currency, address, price, fee) in enumerate(ABROAD):
        placed = now - timedelta(days=3 + index, hours=2)
        total = Decimal(price) * 2 + Decimal(fee)
        data = validate_order(order_no, {
            "status": "paid", "placed_at": placed.isoformat(), "paid_at": (placed + timedelta(minutes=9)).isoformat(),
            "customer": {"external_id": f"demo-abroad-{index}", "name": address["recipient"], "phone": address["phone"],
                         "email": ""},
            "shipping_address": address, "currency": currency, "shipping_fee": fee, "total": str(total),
            "items": [{"sku": "SCARF-01", "title": "Wool scarf, grey", "quantity": 2, "unit_price": price}]})
        ingest_order(data, platform, placed, shop_zone())
    request_refund("DEMO-US-1001", RefundRequest(Decimal("12.00"), "damaged", note="Box arrived crushed"), agent,
                   now - timedelta(days=1))


def _work_on(rng, order, now, agent, shipper):
    if order.status in ("shipped", "completed") or (order.status == "paid" and rng.random() < 0.4):
        order.address_confirmed_at = order.paid_at + timedelta(minutes=20)
        order.address_confirmed_by, order.address_confirm_method = agent.label, rng.choice(["chat", "phone"])
        record(agent, "address.confirmed", order.address_confirmed_at, order_id=order.id)
    if order.status == "paid" and rng.random() < 0.3:
        order.promised_ship_date = (now + timedelta(days=rng.choice((-1, 0, 0, 1, 2)))).date()
    if order.status in ("shipped", "completed"):
        carrier, pattern = rng.choice(CARRIERS)
        shipped = order.paid_at + timedelta(hours=rng.randrange(4, 40))
        shipment = Shipment(order_id=order.id, carrier=carrier, tracking_no=pattern.format(order.id * 7919),
                            shipped_on=shipped.date(), created_by=shipper.label, created_at=shipped)
        db.session.add(shipment)
        db.session.flush()
        record(shipper, "shipment.created", shipped, order_id=order.id, after={"carrier": carrier, "tracking_no": shipment.tracking_no})
        db.session.add(OutboxMessage(dedupe_key=f"shipping_notice:{shipment.id}", kind="shipping_notice",
                                     customer_id=order.customer_id, order_id=order.id, channel="manual",
                                     body=f"您好，您的订单 {order.order_no} 已发出，运单号 {shipment.tracking_no}。感谢您的支持！",
                                     scheduled_for=shipped, status="sent", attempts=1, created_at=shipped, sent_at=shipped))
    if order.status == "paid" and rng.random() < 0.08:
        db.session.add(HandoffNote(order_id=order.id, department="shipping", body="买家要求用顺丰发货，运费已补。",
                                   author=agent.label, created_at=now - timedelta(hours=3)))


def _refunds(rng, orders, now, agent, supervisor):
    """Refunds spread over the orders' history (a few days after payment), so the refund-rate page has a shape."""
    for order in rng.sample(orders, k=min(40, len(orders))):
        if order.status not in ("paid", "shipped", "completed"):
            continue
        amount = order.total if rng.random() < 0.4 else (order.total / 2).quantize(Decimal("0.01"))
        requested = min(order.paid_at + timedelta(hours=rng.uniform(12, 96)), now - timedelta(hours=rng.uniform(20, 30)))
        requested = max(requested, order.paid_at + timedelta(minutes=30))
        refund, _ = request_refund(order.order_no, RefundRequest(amount, rng.choice(["size", "quality", "damaged", "changed_mind"]),
                                   with_return=rng.random() < 0.5, note="买家申请"), agent, requested)
        roll, approved, completed = rng.random(), requested + timedelta(hours=4), requested + timedelta(hours=14)
        if roll < 0.6 and approved <= now:
            approve_refund(refund.id, supervisor, approved, approval_limits())
            if roll < 0.45 and completed <= now:
                complete_refund(refund.id, supervisor, completed)


def _cases(orders, now, agent):
    """A few cases in every state the case queue shows: waiting, answered on the phone, handed to after-sales,
    a serious complaint escalated at once, a pre-sale email without an order."""
    shipped = [o for o in orders if o.status in ("shipped", "completed")]
    platform, shop_channel = Actor("token:demo-platform", None, True), outbox_channel()
    asks = [
        ("tracking", "chat", "normal", "快递好几天没更新了", "您好，我的包裹三天没有物流更新了，请帮忙查一下。", 2),
        ("payment", "phone", "normal", "退款什么时候到账", "买家来电询问退款到账时间。", 25),
        ("after_sales", "chat", "normal", "围巾有线头", "收到的围巾有线头，可以换一条吗？", 50),
        ("complaint", "chat", "high", "包裹破损，很不满意", "包裹外箱破了，杯子碎了，你们怎么包装的！", 15),
    ]
    for (category, channel, severity, subject, body, minutes), order in zip(asks, shipped, strict=False):  # a tiny demo: fewer
        ask = CaseInput(category, channel, subject, body, now - timedelta(minutes=minutes), severity,
                        order_no=order.order_no, reading=read_message(body))
        case = create_case(ask, platform, now - timedelta(minutes=minutes), shop_zone(), outbox_channel=shop_channel)
        if category == "payment":
            reply(case.id, "您好，退款已原路退回，一般 1-3 个工作日到账，请留意。", agent, now - timedelta(minutes=20),
                  send=False, given_at=now - timedelta(minutes=23), outbox_channel=shop_channel)
        if category == "after_sales":
            reply(case.id, "您好，非常抱歉给您带来不便，我们为您转售后处理换货。", agent, now - timedelta(minutes=45),
                  outbox_channel=shop_channel)
            transfer(case.id, "买家要求换货，请售后联系。", agent, now - timedelta(minutes=44), to_team="after_sales")
    gift_box = "请问西湖龙井有礼盒包装吗？想送人。"
    create_case(CaseInput("pre_sale", "email", "龙井有没有礼盒装", gift_box,
                          now - timedelta(hours=3), customer={"external_id": "demo-buyer-email", "name": "周女士",
                                                                "phone": "", "email": "zhou@example.com"},
                          reading=read_message(gift_box)),
                platform, now - timedelta(hours=3), shop_zone(), outbox_channel=shop_channel)


def accounts_text() -> str:
    """Every demo account with its role and the password, one a line (demo.sh prints it too)."""
    return "\n".join(f"  {username:<11} {role:<12} {display}" for username, role, display in DEMO_USERS) + \
        f"\nPassword for all of them: {DEMO_PASSWORD}"


@demo_cli.command("seed")
@click.option("--orders", default=300, show_default=True, help="How many demo orders to create.")
@click.option("--seed", default=7, show_default=True, help="Random seed, for the same data every time.")
def seed_command(orders, seed):
    """Create demo users and orders; does nothing if demo orders already exist."""
    now = utcnow()
    _seed_users(now)
    name_the_shop(Actor("user:admin", "admin"), now)
    if db.session.scalar(select(func.count()).select_from(Order).where(Order.order_no.like("DEMO%"))):
        click.echo("Demo data already present; users checked.")
        return
    rng = random.Random(seed)
    platform, agent = Actor("token:demo-platform", None, True), Actor("user:agent", "agent")
    shipper, supervisor = Actor("user:shipping", "shipping"), Actor("user:supervisor", "supervisor")
    customers = [Customer(external_id=f"demo-buyer-{i}", name=_name(rng), phone=_phone(rng), email="", opted_out=False,
                          created_at=now - timedelta(days=120)) for i in range(120)]
    db.session.add_all(customers)
    made = [_make_order(rng, i, customers, now, platform, fresh_unpaid=i < 8) for i in range(orders)]
    for order in made:
        _work_on(rng, order, now, agent, shipper)
    db.session.commit()
    past_reminders(rng, made, now, agent)
    _refunds(rng, made, now, agent, supervisor)
    past_cases(rng, made, now, [agent, Actor("user:agent2", "agent")])
    _cases(made, now, agent)
    _orders_abroad(now, platform, agent)
    click.echo(f"Created {len(DEMO_USERS)} users and {orders} orders. The demo accounts:\n{accounts_text()}")


@demo_cli.command("accounts")
def accounts_command():
    """Print the demo accounts, their roles and the password."""
    click.echo(accounts_text())
