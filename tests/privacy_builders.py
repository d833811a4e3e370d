"""A buyer who left their data everywhere ShopCS keeps it, made through the real services, for the erasure's tests;
each piece carries a string (SECRETS) that must not be found anywhere in the database once the buyer is erased."""
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from shopcs.actor import Actor
from shopcs.assistant.models import AssistantModel
from shopcs.assistant.training import as_lines
from shopcs.cases.claims.services import add_evidence, decide
from shopcs.cases.work import add_customer_message, add_note, reply
from shopcs.extensions import db
from shopcs.followup.concerns import record_concern
from shopcs.followup.customers import set_opted_out
from shopcs.notify.models import OutboxMessage
from shopcs.notify.outbox import enqueue
from shopcs.orders.handling import confirm_address, correct_address
from shopcs.orders.ingest import ingest_order
from shopcs.orders.models import Customer, Order
from shopcs.orders.notes import add_note as add_order_note
from shopcs.orders.refund_service import RefundRequest, request_refund
from shopcs.orders.schemas import validate_order

from .builders import NOW, make_user, refund_limits
from .case_builders import PLATFORM, ZONE, as_user, make_case
from .claim_builders import claim_settings, make_claim, phone_photo, upload

EXTERNAL_ID = "buyer-nana"
NAME, PHONE, EMAIL = "欧阳娜娜", "13987654321", "nana.ouyang@example.com"
FIRST_MESSAGE = "NANA-FIRST 我的包裹还没到，电话 13987654321"
SECRETS = (EXTERNAL_ID, NAME, PHONE, EMAIL, "幸福路", "梧桐巷", "鹿鸣市", "云栖区", "215999", "NANA-", "nana-photo")


def order_payload(status="paid", placed_at=NOW - timedelta(days=3), external_id=EXTERNAL_ID, name=NAME, total="124.00"):
    return {
        "status": status, "placed_at": placed_at.isoformat(),
        "paid_at": None if status == "unpaid" else (placed_at + timedelta(minutes=5)).isoformat(),
        "customer": {"external_id": external_id, "name": name, "phone": PHONE, "email": EMAIL},
        "shipping_address": {"recipient": name, "phone": PHONE, "province": "江苏省", "city": "鹿鸣市",
                             "district": "云栖区", "detail": "幸福路 88 号", "postal_code": "215999"},
        "items": [{"sku": "SKU-1", "title": "羊毛围巾", "quantity": 2, "unit_price": "57.00"}],
        "shipping_fee": "10.00", "discount": "0.00", "total": total,
    }


def place(order_no: str, now=NOW, **changes) -> Order:
    order, _created = ingest_order(validate_order(order_no, order_payload(**changes)), PLATFORM, now, ZONE)
    return order


@dataclass
class Buyer:
    external_id: str
    customer_id: int
    order_nos: tuple[str, ...]
    case_ids: tuple[int, ...]
    photo_names: tuple[str, ...]
    photo_sha256: str


def rich_buyer(upload_dir) -> Buyer:
    """Two orders (one paid with a refund, a note, a corrected address and a claim with a photo; one unpaid with a
    concern and a reminder waiting), a chat case with messages, a reply, a note and an escalation, an e-mail case
    answered by e-mail, an opt-out and opt-in, a failed message naming their address, and an assistant version that
    learnt from their first message."""
    agent, supervisor = as_user(make_user(role="agent")), as_user(make_user(role="supervisor"))
    paid, unpaid = place("ORD-701"), place("ORD-702", status="unpaid", placed_at=NOW - timedelta(hours=1))
    confirm_address(paid.order_no, "chat", agent, NOW, {})
    correct_address(paid.order_no, {"detail": "梧桐巷 6 号"}, agent, NOW)  # after confirmation: a note to shipping
    add_order_note(paid.order_no, "after_sales", "NANA-NOTE 客户说放门口", agent, NOW)
    request_refund(paid.order_no, RefundRequest(amount=Decimal("10.00"), reason="quality", note="NANA-REFUND 有线头"),
                   agent, NOW)
    record_concern(unpaid.order_no, "size", "NANA-CONCERN 担心尺码", agent, NOW)
    enqueue(kind="unpaid_reminder", dedupe_key=f"unpaid_reminder:{unpaid.id}:1", body="NANA-REMINDER 亲，欧阳娜娜",
            now=NOW, customer_id=unpaid.customer_id, order_id=unpaid.id, channel="manual")
    chat = make_case(category="complaint", severity="critical", order_no=paid.order_no, subject="NANA-SUBJECT 投诉",
                     body=FIRST_MESSAGE)  # a serious complaint: escalated at once, quoting the subject
    add_customer_message(chat.id, "NANA-AGAIN 住在幸福路", PLATFORM, NOW)
    reply(chat.id, "NANA-REPLY 您好欧阳娜娜", agent, NOW, outbox_channel="manual")
    add_note(chat.id, "NANA-CASENOTE 已电话联系", agent, NOW)
    mail = make_case(channel="email", subject="NANA-MAIL-SUBJECT", body="NANA-MAIL 请回电",
                     customer={"external_id": EXTERNAL_ID, "name": NAME, "phone": PHONE, "email": EMAIL})
    reply(mail.id, "NANA-MAIL-REPLY 已处理", agent, NOW, outbox_channel="email")
    claim = make_claim(amount="20.00", case=make_case(category="claim", order_no=paid.order_no,
                                                      subject="NANA-CLAIM-SUBJECT", body="NANA-CLAIM-BODY 坏了"))
    photo = add_evidence(claim.id, upload(phone_photo("PNG"), "nana-photo.png"), agent, NOW, claim_settings(upload_dir))
    names, sha256 = (photo.stored_name,), photo.sha256
    decide(claim.id, True, Decimal("20.00"), "NANA-CLAIM-NOTE 同意", supervisor, NOW, refund_limits())
    set_opted_out(EXTERNAL_ID, True, agent, NOW)
    set_opted_out(EXTERNAL_ID, False, agent, NOW)
    failed = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "case_reply").order_by(OutboxMessage.id))
    failed.status, failed.last_error = "failed", "550 <nana.ouyang@example.com> mailbox unavailable"
    db.session.add(AssistantModel(version=1, active=True, examples=as_lines([(FIRST_MESSAGE, "complaint"),
                                                                           ("别人的问题", "tracking")]),
                                  example_count=2, created_at=NOW, created_by="system:assistant"))
    db.session.commit()
    customer_id = db.session.scalar(select(Customer.id).where(Customer.external_id == EXTERNAL_ID))
    return Buyer(EXTERNAL_ID, customer_id, (paid.order_no, unpaid.order_no), (chat.id, mail.id, claim.case_id), names, sha256)


def database_text() -> str:
    """Every value of every row of every table, as one text to search."""
    parts = []
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            parts.append(f"{table.name}: {tuple(row)!r}")
    return "\n".join(parts)


def found_secrets(secrets=SECRETS, extra=()) -> dict[str, list[str]]:
    """{secret: the rows holding it} for each secret still in the database."""
    lines = database_text().splitlines()
    return {secret: [line[:200] for line in lines if secret in line] for secret in (*secrets, *extra)
            if any(secret in line for line in lines)}


def admin_actor() -> Actor:
    return Actor("user:admin", "admin")
