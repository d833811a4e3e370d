from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from shopcs.actor import Actor
from shopcs.audit.models import AuditEntry
from shopcs.audit.services import entries_for_order
from shopcs.errors import Conflict, Forbidden, Invalid
from shopcs.extensions import db
from shopcs.followup.notices import shipping_notices
from shopcs.followup.settings import save_settings
from shopcs.notify.models import OutboxMessage
from shopcs.orders.address import DEFAULT_EXCLUSIONS
from shopcs.orders.exclusions import load_exclusions, save_exclusions
from shopcs.orders.handling import ShipmentInput, confirm_address, correct_address, record_shipment, set_promised_ship_date
from shopcs.orders.models import HandoffNote, Order, Shipment

from ..builders import NOW, make_order

AGENT = Actor("user:amy", "agent")
SHIPPER = Actor("user:bo", "shipping")
SUPERVISOR = Actor("user:sam", "supervisor")
TODAY = date(2026, 3, 4)  # NOW in Shanghai
EXCLUSIONS = {code: list(p) for code, p in DEFAULT_EXCLUSIONS.items()} | {"SF": []}


def _actions(order):
    return [e.action for e in entries_for_order(order.id)]


def _count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_confirming_an_address_records_who_how_and_when_with_an_audit_entry(app):
    order = make_order()
    confirmed, missing = confirm_address(order.order_no, "phone", AGENT, NOW, EXCLUSIONS)
    assert (confirmed.address_confirmed_at, confirmed.address_confirmed_by, confirmed.address_confirm_method) == (
        NOW, "user:amy", "phone")
    assert missing == []
    entry = entries_for_order(order.id)[-1]
    assert entry.action == "address.confirmed" and entry.after["method"] == "phone" and entry.after["recipient"] == "张三"


def test_confirming_names_the_carriers_that_do_not_reach_the_province(app):
    order = make_order(province="新疆维吾尔自治区")
    _order, missing = confirm_address(order.order_no, "chat", AGENT, NOW, {"ZTO": ["新疆"], "SF": [], "YTO": ["西藏"]})
    assert missing == ["ZTO"]


def test_an_unknown_confirmation_method_is_refused_and_nothing_is_written(app):
    order = make_order()
    with pytest.raises(Invalid) as caught:
        confirm_address(order.order_no, "telepathy", AGENT, NOW, EXCLUSIONS)
    assert "method" in caught.value.fields
    assert db.session.get(Order, order.id).address_confirmed_at is None and _actions(order) == []


def test_shipping_staff_may_not_confirm_an_address(app):
    order = make_order()
    with pytest.raises(Forbidden):
        confirm_address(order.order_no, "chat", SHIPPER, NOW, EXCLUSIONS)


def test_a_shipped_order_cannot_have_its_address_confirmed(app):
    order = make_order(status="shipped")
    with pytest.raises(Conflict):
        confirm_address(order.order_no, "chat", AGENT, NOW, EXCLUSIONS)
    assert _actions(order) == []


def test_correcting_an_address_records_before_and_after_of_the_changed_fields_only(app):
    order = make_order(recipient="张三", city="杭州市")
    _order, changed = correct_address(order.order_no, {"recipient": "李四", "city": "杭州市", "detail": "文三路 100 号"},
                                      AGENT, NOW)
    assert changed == {"recipient": ("张三", "李四")}
    entry = entries_for_order(order.id)[-1]
    assert (entry.action, entry.before, entry.after) == ("address.corrected", {"recipient": "张三"}, {"recipient": "李四"})
    assert _count(HandoffNote) == 0  # not confirmed yet: nobody downstream relied on it


def test_a_correction_after_confirmation_leaves_a_note_for_shipping(app):
    order = make_order(detail="文三路 100 号")
    confirm_address(order.order_no, "chat", AGENT, NOW, EXCLUSIONS)
    correct_address(order.order_no, {"detail": "文三路 200 号"}, AGENT, NOW + timedelta(minutes=5))
    note = db.session.scalars(select(HandoffNote)).one()
    assert note.department == "shipping" and note.done_at is None and note.order_id == order.id
    assert "文三路 100 号" in note.body and "文三路 200 号" in note.body
    assert db.session.get(Order, order.id).address_confirmed_at == NOW


def test_a_phone_that_does_not_parse_is_kept_and_flagged(app):
    order = make_order()
    corrected, _changed = correct_address(order.order_no, {"phone": "138-1234"}, AGENT, NOW)
    assert corrected.phone == "138-1234" and corrected.phone_valid is False
    corrected, _changed = correct_address(order.order_no, {"phone": "+86 139 1234 5678"}, AGENT, NOW)
    assert corrected.phone == "13912345678" and corrected.phone_valid is True


def test_a_correction_that_changes_nothing_writes_nothing(app):
    order = make_order(recipient="张三")
    _order, changed = correct_address(order.order_no, {"recipient": " 张三 "}, AGENT, NOW)
    assert changed == {} and _actions(order) == []


def test_a_correction_without_a_recipient_is_refused(app):
    order = make_order()
    with pytest.raises(Invalid) as caught:
        correct_address(order.order_no, {"recipient": "  ", "city": "宁波市"}, AGENT, NOW)
    assert set(caught.value.fields) == {"recipient"}
    assert db.session.get(Order, order.id).city == "杭州市"


def _ship(order, carrier="SF", number="SF1234567890123", on=TODAY, actor=SHIPPER):
    return record_shipment(order.order_no, ShipmentInput(carrier, number, on), actor, NOW, TODAY, EXCLUSIONS, shipping_notices("manual"))


def test_recording_a_shipment_marks_the_order_shipped_and_queues_one_notice(app):
    order = make_order(order_no="T9001")
    shipment, missing = _ship(order, number=" sf1234567890123 ")
    assert shipment.tracking_no == "SF1234567890123" and missing == []
    assert db.session.get(Order, order.id).status == "shipped"
    assert _actions(order) == ["order.status", "shipment.created"]
    message = db.session.scalars(select(OutboxMessage)).one()
    assert (message.kind, message.dedupe_key, message.channel, message.status) == (
        "shipping_notice", f"shipping_notice:{shipment.id}", "manual", "pending")
    assert (message.order_id, message.customer_id, message.scheduled_for) == (order.id, order.customer_id, NOW)
    assert "T9001" in message.body and "2026-03-04" in message.body and "顺丰速运" in message.body
    assert "SF1234567890123" in message.body


def test_the_shipping_notice_is_in_the_shops_message_language_with_its_name_for_that_language(app):
    save_settings({"locale": "en", "shop_name": "暖冬小铺", "shop_name_en": "Warm Winter Shop"}, SHIPPER, NOW)
    _ship(make_order(order_no="T9002"))
    body = db.session.scalars(select(OutboxMessage)).one().body
    assert "Warm Winter Shop shipped your order T9002 on 2026-03-04 with SF Express" in body and "SF1234567890123" in body
    assert not any("\u4e00" <= char <= "\u9fff" for char in body.replace("张三", ""))


def test_a_tracking_number_in_the_wrong_format_is_refused_with_an_example(app):
    order = make_order()
    with pytest.raises(Invalid) as caught:
        _ship(order, carrier="YTO", number="12345")
    assert "YT1234567890123" in caught.value.fields["tracking_no"]
    assert _count(Shipment) == 0 and _count(OutboxMessage) == 0
    assert db.session.get(Order, order.id).status == "paid"


def test_the_same_tracking_number_twice_is_a_field_error_not_a_crash(app):
    first, second = make_order(), make_order()
    _ship(first)
    with pytest.raises(Invalid) as caught:
        _ship(second)
    with force_locale("en"):  # outside a request messages are in the default locale, zh_CN
        assert "already recorded" in str(caught.value.fields["tracking_no"])
    assert db.session.get(Order, second.id).status == "paid" and _count(OutboxMessage) == 1


def test_a_second_parcel_ships_an_already_shipped_order_with_its_own_notice(app):
    order = make_order()
    _ship(order)
    _ship(order, carrier="ZTO", number="773012345678901")
    assert _count(Shipment) == 2 and _count(OutboxMessage) == 2
    assert _actions(order) == ["order.status", "shipment.created", "shipment.created"]


def test_an_unpaid_order_cannot_ship(app):
    order = make_order(status="unpaid")
    with pytest.raises(Conflict):
        _ship(order)
    assert _count(Shipment) == 0


def test_a_ship_date_in_the_future_is_refused(app):
    order = make_order()
    with pytest.raises(Invalid) as caught:
        _ship(order, on=TODAY + timedelta(days=1))
    with force_locale("en"):
        assert "future" in str(caught.value.fields["shipped_on"])


def test_shipping_warns_but_does_not_block_when_the_carrier_does_not_reach_the_province(app):
    order = make_order(province="西藏自治区")
    shipment, missing = _ship(order, carrier="ZTO", number="773012345678901")
    assert missing == ["ZTO"] and shipment.id is not None


def test_the_promised_ship_date_is_set_changed_and_cleared_with_audit_entries(app):
    order = make_order()
    set_promised_ship_date(order.order_no, TODAY + timedelta(days=2), AGENT, NOW, TODAY)
    set_promised_ship_date(order.order_no, TODAY, AGENT, NOW, TODAY)
    set_promised_ship_date(order.order_no, TODAY, AGENT, NOW, TODAY)  # unchanged: no entry
    entries = [e for e in entries_for_order(order.id) if e.action == "order.promised_ship_date"]
    assert [(e.before["promised_ship_date"], e.after["promised_ship_date"]) for e in entries] == [
        (None, "2026-03-06"), ("2026-03-06", "2026-03-04")]
    set_promised_ship_date(order.order_no, None, AGENT, NOW, TODAY)
    assert db.session.get(Order, order.id).promised_ship_date is None


def test_a_promised_ship_date_in_the_past_is_refused(app):
    order = make_order()
    with pytest.raises(Invalid):
        set_promised_ship_date(order.order_no, TODAY - timedelta(days=1), AGENT, NOW, TODAY)
    assert _actions(order) == []


def test_carrier_exclusions_use_the_defaults_until_a_supervisor_edits_them(app):
    assert load_exclusions()["ZTO"] == list(DEFAULT_EXCLUSIONS["ZTO"]) and load_exclusions()["SF"] == []
    changed = save_exclusions({"ZTO": [], "SF": ["西藏自治区"], "YTO": list(DEFAULT_EXCLUSIONS["YTO"])}, SUPERVISOR, NOW)
    assert changed == ["ZTO", "SF"]
    exclusions = load_exclusions()
    assert exclusions["ZTO"] == [] and exclusions["SF"] == ["西藏自治区"] and exclusions["STO"] == list(DEFAULT_EXCLUSIONS["STO"])
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "carrier.exclusions")).all()
    assert {e.after["carrier"] for e in entries} == {"ZTO", "SF"}


def test_an_overlong_exclusion_list_is_refused(app):
    with pytest.raises(Invalid):
        save_exclusions({"SF": [f"省{i}" for i in range(41)]}, SUPERVISOR, NOW)
    assert load_exclusions()["SF"] == []
