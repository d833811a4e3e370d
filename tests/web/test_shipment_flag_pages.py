"""The order page's shipments: a platform's shipment flagged for a look, cleared by an agent (audited); the
follow-up setting that sends the buyer's notice for platform shipments."""
from sqlalchemy import select

from shopcs.actor import Actor
from shopcs.audit.models import AuditEntry
from shopcs.extensions import db
from shopcs.followup.settings import load_settings
from shopcs.orders.models import Shipment
from shopcs.orders.shipment_intake import PlatformShipment, take_shipment

from ..builders import NOW, client_as, make_order
from .test_followup_pages import _settings_form

ERP = Actor.for_token(type("Token", (), {"name": "erp"}))


def _platform_shipment(order_no="T100", carrier="Yanwen", number="UG123456785YP"):
    make_order(order_no)
    shipment, _ = take_shipment(order_no, PlatformShipment(carrier, number, NOW, "api"), ERP, NOW, "Asia/Shanghai", None)
    return shipment


def _flag_row(html: str) -> str:
    start = html.index('data-test="shipment-flag"')
    return html[start:html.index("</tr>", start)]


def test_a_flagged_shipment_shows_its_carrier_name_and_why_in_chinese(sqlite_app, login):
    _platform_shipment()
    html = client_as(sqlite_app, login, "agent").get("/orders/T100", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    row = _flag_row(html)
    assert "Yanwen" in html and "UG123456785YP" in html
    assert "请核对此运单" in row and "承运商不在 ShopCS 的列表中" in row and 'data-test="clear-shipment-flag"' in row


def test_a_flagged_shipment_shows_why_in_english(sqlite_app, login):
    _platform_shipment(carrier="SF", number="SF12")
    html = client_as(sqlite_app, login, "agent").get("/orders/T100", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert "the number does not match this carrier&#39;s format" in _flag_row(html)


def test_an_agent_clears_the_flag_and_the_audit_keeps_who_and_why(sqlite_app, login):
    shipment = _platform_shipment()
    agent = client_as(sqlite_app, login, "agent")

    response = agent.post(f"/orders/T100/shipments/{shipment.id}/clear-flag")

    assert response.status_code == 302 and response.headers["Location"].endswith("/orders/T100#shipments")
    db.session.expire_all()
    assert (db.session.get(Shipment, shipment.id).flagged, db.session.get(Shipment, shipment.id).flag_reason) == (False, None)
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "shipment.flag_cleared"))
    assert entry.actor == "user:agent" and entry.before["flag_reason"] == "unknown_carrier"
    assert 'data-test="shipment-flag"' not in agent.get("/orders/T100").get_data(as_text=True)


def test_an_operator_sees_the_flag_but_may_not_clear_it(sqlite_app, login):
    shipment = _platform_shipment()
    operator = client_as(sqlite_app, login, "operator")

    assert 'data-test="clear-shipment-flag"' not in _flag_row(operator.get("/orders/T100").get_data(as_text=True))
    assert operator.post(f"/orders/T100/shipments/{shipment.id}/clear-flag").status_code == 403
    db.session.expire_all()
    assert db.session.get(Shipment, shipment.id).flagged


def test_clearing_a_shipment_of_another_order_is_404(sqlite_app, login):
    shipment = _platform_shipment()
    make_order("T200")

    assert client_as(sqlite_app, login, "agent").post(f"/orders/T200/shipments/{shipment.id}/clear-flag").status_code == 404


def test_the_form_needs_its_csrf_token(csrf_app, login):
    shipment = _platform_shipment()

    assert client_as(csrf_app, login, "agent").post(f"/orders/T100/shipments/{shipment.id}/clear-flag").status_code == 400
    db.session.expire_all()
    assert db.session.get(Shipment, shipment.id).flagged


def test_a_supervisor_turns_on_the_notice_for_platform_shipments(sqlite_app, login):
    supervisor = client_as(sqlite_app, login, "supervisor")
    page = supervisor.get("/followup/settings").get_data(as_text=True)
    assert 'data-test="notify-platform-shipments"' in page

    supervisor.post("/followup/settings", data=_settings_form(page, notify_platform_shipments="y"))

    assert load_settings().notify_platform_shipments is True
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "followup.settings"))
    assert entry.before == {"notify_platform_shipments": False} and entry.after == {"notify_platform_shipments": True}
