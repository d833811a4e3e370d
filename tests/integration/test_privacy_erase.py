"""Erasing a buyer's personal data (shopcs.privacy), on SQLite and PostgreSQL: every trace of them goes, what the
reports count stays, the buyer is opted out and the erasure audited; erasing again is harmless; an unknown id is an
error; the photo files go once the transaction commits; the platform sending the orders again does not bring the
buyer back."""
import os
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from shopcs.assistant.models import AssistantModel
from shopcs.audit.models import AuditEntry
from shopcs.cases.claims.models import ClaimEvidence
from shopcs.cases.claims.services import add_evidence
from shopcs.cases.models import Case, CaseEvent, CaseWord
from shopcs.cases.wordsearch.index import case_texts
from shopcs.cases.wordsearch.rules import case_grams, text_grams
from shopcs.conversations.intake import IncomingMessage, receive_message
from shopcs.errors import NotFound
from shopcs.extensions import db
from shopcs.followup.models import BuyerConcern
from shopcs.notify.models import OutboxMessage
from shopcs.orders.models import Customer, Order, Refund, Shipment
from shopcs.privacy import erase as erase_module
from shopcs.privacy.erase import ACTION, ORDER_ACTION, erase_customer
from shopcs.privacy.rules import pseudonym, pseudonym_key
from shopcs.privacy.settings import ErasureSettings
from shopcs.reports.assistant import assistant_report
from shopcs.reports.concerns import concerns_report
from shopcs.reports.refund_rate import refund_rate
from shopcs.reports.repurchase import repurchase
from shopcs.reports.team.report import team_report
from shopcs.reports.unpaid_recovery import unpaid_recovery
from shopcs.windows import Window

from ..builders import NOW, make_order, make_token
from ..case_builders import PLATFORM, ZONE, make_case
from ..claim_builders import claim_settings, files_in, image_bytes, make_claim, upload
from ..privacy_builders import (
    EMAIL,
    EXTERNAL_ID,
    NAME,
    PHONE,
    SECRETS,
    admin_actor,
    found_secrets,
    order_payload,
    place,
    rich_buyer,
)

LATER = NOW + timedelta(days=1)
KEY = pseudonym_key("test-secret-key")  # the test app's SECRET_KEY (tests/conftest.py)
ALIAS = pseudonym(EXTERNAL_ID, KEY)


@pytest.fixture
def settings(tmp_path):
    return ErasureSettings(upload_dir=str(tmp_path), key=KEY)


@pytest.fixture
def buyer(app, settings):
    return rich_buyer(settings.upload_dir)


def erase(external_id=EXTERNAL_ID, settings=None, now=LATER, **options):
    return erase_customer(external_id, admin_actor(), now, settings, **options)


def test_no_trace_of_the_buyer_is_left_in_any_table(buyer, settings):
    assert set(found_secrets(extra=(buyer.photo_sha256,))) == {*SECRETS, buyer.photo_sha256}  # all there to begin with

    erase(settings=settings)

    assert found_secrets(extra=(buyer.photo_sha256,)) == {}
    customer = db.session.get(Customer, buyer.customer_id)
    assert (customer.external_id, customer.name, customer.phone, customer.email) == (ALIAS, "", "", "")
    assert customer.erased_at == LATER
    for order in db.session.scalars(select(Order).where(Order.customer_id == buyer.customer_id)):
        assert (order.recipient, order.phone, order.province, order.city, order.district, order.detail,
                order.address_line2, order.postal_code) == ("", "", "", "", "", "", "", "")


def test_another_buyers_data_is_left_alone(buyer, settings):
    other = make_order(recipient="张三", detail="文三路 100 号")
    other_case = make_case(order_no=other.order_no, subject="张三的快递", body="张三问快递")

    erase(settings=settings)

    db.session.expire_all()
    assert (other.recipient, other.detail, other.customer.name) == ("张三", "文三路 100 号", "张三")
    assert db.session.get(Case, other_case.id).subject == "张三的快递"
    assert db.session.scalar(select(AssistantModel.examples)).count("别人的问题") == 1


def test_the_word_search_no_longer_finds_the_buyers_cases_by_their_words(buyer, settings):
    def indexed() -> dict:
        rows = db.session.execute(select(CaseWord.case_id, CaseWord.gram).where(CaseWord.case_id.in_(buyer.case_ids)))
        found: dict = {}
        for case_id, gram in rows:
            found.setdefault(case_id, set()).add(gram)
        return found

    name_grams = text_grams(NAME) | text_grams("幸福路") | text_grams("NANA-")
    assert all(indexed()[case_id] & name_grams for case_id in buyer.case_ids)

    erase(settings=settings)

    assert indexed() == {case_id: case_grams(texts) for case_id, texts in case_texts(buyer.case_ids).items()}
    assert not any(grams & name_grams for grams in indexed().values())


def _facts() -> dict:
    """What an erasure keeps: what happened, when and for how much."""
    orders = [(o.order_no, o.status, o.placed_at, o.paid_at, o.total, o.items_total, o.shipping_fee, o.discount,
               o.currency, o.country, o.customer_id, o.address_confirmed_at, o.updated_at,
               [(i.sku, i.title, i.quantity, i.unit_price) for i in o.items])
              for o in db.session.scalars(select(Order).order_by(Order.id))]
    refunds = [(r.amount, r.reason, r.status, r.requested_at, r.approved_at, r.completed_at)
               for r in db.session.scalars(select(Refund).order_by(Refund.id))]
    cases = [(c.category, c.channel, c.severity, c.status, c.received_at, c.first_response_due_at, c.first_responded_at,
              c.escalated_at, c.customer_id, c.order_id, c.suggested_category)
             for c in db.session.scalars(select(Case).order_by(Case.id))]
    events = [(e.case_id, e.kind, e.actor, e.occurred_at, e.channel, e.external_id)
              for e in db.session.scalars(select(CaseEvent).order_by(CaseEvent.id))]
    outbox = [(m.kind, m.channel, m.scheduled_for, m.sent_at, m.order_id, m.customer_id)
              for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    audit = [(a.at, a.actor, a.action, a.order_id) for a in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    concerns = [(c.order_id, c.category, c.created_at) for c in db.session.scalars(select(BuyerConcern))]
    return {"orders": orders, "refunds": refunds, "cases": cases, "events": events, "outbox": outbox, "audit": audit,
            "concerns": concerns, "shipments": db.session.scalar(select(func.count()).select_from(Shipment))}


def test_amounts_items_dates_and_statuses_stay(buyer, settings):
    before = _facts()

    erase(settings=settings)

    db.session.expire_all()
    after = _facts()
    assert after["audit"][:len(before["audit"])] == before["audit"]  # the erasure's own entries come after
    assert {**after, "audit": None, "outbox": None} == {**before, "audit": None, "outbox": None}
    assert [m[:5] for m in after["outbox"]] == [m[:5] for m in before["outbox"]]


def _reports() -> dict:
    window = Window(date(2026, 2, 1), date(2026, 3, 31))
    return {**{f"refund_rate_{by}": refund_rate(window, ZONE, by) for by in ("day", "product", "reason", "agent")},
            "repurchase": repurchase(window, ZONE), "recovery": unpaid_recovery(window, ZONE, timedelta(minutes=30)),
            "concerns": concerns_report(window, ZONE), "team": team_report(Window(date(2026, 3, 2), date(2026, 3, 8)), ZONE, LATER),
            "assistant": assistant_report(window, ZONE)}


def test_every_reports_figures_are_the_same_before_and_after(buyer, settings):
    make_order(total="80.00", paid_at=NOW - timedelta(days=2))  # another buyer, so that the rates are not all one
    place("ORD-703", placed_at=NOW - timedelta(days=20))  # the buyer again: a repeat customer
    before = _reports()

    erase(settings=settings)

    db.session.expire_all()
    assert _reports() == before


def test_the_buyer_is_opted_out_and_nothing_waits_to_be_sent_to_them(buyer, settings):
    erasure = erase(settings=settings)

    assert db.session.get(Customer, buyer.customer_id).opted_out is True
    messages = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
    assert [m.status for m in messages if m.status in ("pending", "failed", "dead")] == []
    cancelled = [m for m in messages if m.cancel_reason == "customer erased"]
    assert {m.kind for m in cancelled} >= {"unpaid_reminder", "case_reply", "case_escalation"}
    assert erasure.counts["cancelled_messages"] == len(cancelled)
    assert all(m.headers is None and m.last_error is None for m in messages)


def test_the_erasure_is_audited_with_counts_and_never_the_data(buyer, settings):
    erasure = erase(settings=settings)

    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == ACTION))
    assert entry.actor == "user:admin" and entry.at == LATER and entry.order_id is None
    assert entry.after == {"customer": ALIAS, "again": False, **erasure.counts}
    assert erasure.counts == {"orders": 2, "cases": 3, "messages": erasure.counts["messages"], "handoff_notes": 2,
                              "concerns": 1, "refund_notes": 2, "claim_notes": 1, "photos": 1,
                              "outbox_messages": erasure.counts["outbox_messages"],
                              "cancelled_messages": erasure.counts["cancelled_messages"],
                              "audit_entries": erasure.counts["audit_entries"], "assistant_examples": 1}
    assert erasure.counts["messages"] >= 8 and erasure.counts["outbox_messages"] >= 4
    on_orders = db.session.scalars(select(AuditEntry.order_id).where(AuditEntry.action == ORDER_ACTION)).all()
    assert sorted(on_orders) == sorted(db.session.scalars(select(Order.id).where(Order.customer_id == buyer.customer_id)))


def test_erasing_again_changes_nothing_and_says_so(buyer, settings):
    first = erase(settings=settings)
    rows = found_secrets(secrets=("（已删除）",))  # the marker, where texts were
    audit_count = db.session.scalar(select(func.count()).select_from(AuditEntry))

    again = erase(settings=settings, now=LATER + timedelta(days=1))
    by_alias = erase(ALIAS, settings=settings, now=LATER + timedelta(days=2))

    for erasure in (again, by_alias):
        assert erasure.again and not erasure.changed and erasure.customer == first.customer
        assert erasure.erased_at == LATER and set(erasure.counts.values()) == {0}
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == audit_count
    assert found_secrets(secrets=("（已删除）",)) == rows


def test_an_unknown_id_is_an_error_that_changes_nothing(app, settings):
    make_order()
    count = db.session.scalar(select(func.count()).select_from(AuditEntry))
    for external_id in ("nobody", "", "x" * 500, "bad\x00id", "erased:0123456789abcdef01234567"):
        with pytest.raises(NotFound) as refused:
            erase(external_id, settings=settings)
        assert external_id in str(refused.value.message)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == count


def test_photo_files_are_removed_once_the_erasure_commits(buyer, settings):
    assert [os.path.basename(name) for name in files_in(settings.upload_dir)] == list(buyer.photo_names)

    erase(settings=settings)

    assert files_in(settings.upload_dir) == []
    assert db.session.scalar(select(func.count()).select_from(ClaimEvidence)) == 0


def test_a_failed_erasure_writes_nothing_and_keeps_the_files(buyer, settings, monkeypatch):
    def broken(*_args):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(erase_module.traces, "erase_examples", broken)
    with pytest.raises(RuntimeError):
        erase(settings=settings)

    assert set(found_secrets()) == set(SECRETS)
    assert len(files_in(settings.upload_dir)) == 1
    assert db.session.get(Customer, buyer.customer_id).erased_at is None


def test_a_photo_file_left_behind_is_removed_by_the_next_erasure(buyer, settings, monkeypatch):
    other = make_claim(case=make_case(category="claim", order_no=make_order().order_no))  # another buyer's photo stays
    kept = add_evidence(other.id, upload(image_bytes()), PLATFORM, NOW, claim_settings(settings.upload_dir)).stored_name
    monkeypatch.setattr(erase_module.photos, "remove_files", lambda _dir, names: list(names))  # the system refused
    erasure = erase(settings=settings)
    assert erasure.files_left == buyer.photo_names and len(files_in(settings.upload_dir)) == 2
    assert db.session.scalar(select(ClaimEvidence.original_name).where(ClaimEvidence.stored_name.in_(buyer.photo_names))) \
        == "（已删除）"  # its row waits, without the buyer's file name, for the file to go
    monkeypatch.undo()

    again = erase(settings=settings)

    assert again.again and not again.changed and again.files_left == ()
    assert [os.path.basename(name) for name in files_in(settings.upload_dir)] == [kept]
    assert db.session.scalars(select(ClaimEvidence.stored_name)).all() == [kept]


def test_the_platform_sending_an_erased_order_again_takes_its_status_not_the_buyer(buyer, settings, client):
    erase(settings=settings)
    headers = {"Authorization": f"Bearer {make_token('shop')}"}
    sent = client.put("/api/v1/orders/ORD-702", json=order_payload(status="paid", placed_at=NOW - timedelta(hours=1)),
                      headers=headers)

    assert sent.status_code == 200, sent.json
    order = db.session.scalar(select(Order).where(Order.order_no == "ORD-702"))
    assert order.status == "paid" and order.customer_id == buyer.customer_id
    assert (order.recipient, order.phone, order.detail) == ("", "", "")
    assert found_secrets() == {}  # neither the order, the customer nor the audit entry took them again
    assert db.session.get(Customer, buyer.customer_id).external_id == ALIAS


def test_a_new_order_from_the_same_buyer_is_a_new_customer_and_erasing_again_takes_both(buyer, settings):
    erase(settings=settings)
    place("ORD-709", now=LATER)  # the buyer came back and gave their data again
    returned = db.session.scalar(select(Customer).where(Customer.external_id == EXTERNAL_ID))
    assert returned.id != buyer.customer_id and (returned.name, returned.phone, returned.email) == (NAME, PHONE, EMAIL)

    again = erase(settings=settings, now=LATER + timedelta(days=1))

    assert not again.again and again.customer == ALIAS + "-2" and again.counts["orders"] == 1
    assert found_secrets() == {}
    assert erase(settings=settings, now=LATER + timedelta(days=2)).changed is False


def test_a_message_the_buyer_writes_to_an_erased_case_is_erased_by_erasing_again(buyer, settings):
    erase(settings=settings)
    receive_message(IncomingMessage("chat", "late-1", "NANA-LATE 还在吗", order_no="ORD-701"), PLATFORM, LATER, ZONE,
                    outbox_channel="manual")
    assert "NANA-" in found_secrets()

    again = erase(ALIAS, settings=settings, now=LATER + timedelta(hours=1))

    assert again.again and again.changed and again.counts["messages"] >= 1
    assert found_secrets() == {}
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == ACTION)) == 2


def test_an_erased_buyer_cannot_be_opted_back_in(app, settings):
    from shopcs.errors import Conflict
    from shopcs.followup.customers import set_opted_out

    rich_buyer(settings.upload_dir)
    erase_customer(EXTERNAL_ID, admin_actor(), NOW, settings)
    with pytest.raises(Conflict):
        set_opted_out(ALIAS, False, admin_actor(), LATER)
    db.session.rollback()
    assert db.session.scalar(select(Customer.opted_out).where(Customer.external_id == ALIAS)) is True
