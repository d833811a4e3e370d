import io
import re

import pytest
from sqlalchemy import func, select

from shopcs.extensions import db
from shopcs.orders.models import Order

from ..builders import make_user
from ..conftest import csrf_token_from
from ..integration.test_csv_import import csv_bytes, row


def upload(client, data: bytes, name="orders.csv", **extra):
    return client.post("/imports/orders", data={"file": (io.BytesIO(data), name), **extra},
                       content_type="multipart/form-data", headers={"Accept-Language": "en"})


def test_an_agent_uploads_a_csv_and_sees_the_per_row_report(sqlite_app, login):
    make_user("amy", role="agent")
    client = sqlite_app.test_client()
    login(client, "amy")
    assert client.get("/imports/orders").status_code == 200
    page = upload(client, csv_bytes(row("T1"), row("T2", price="1.234")))
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-test="import-report"' in html
    assert "T2" in html and "unit_price" in html and "CNY has at most 2 decimals" in html
    assert db.session.scalars(select(Order.order_no)).all() == ["T1"]


def test_a_good_upload_flashes_the_count(sqlite_app, login):
    make_user("sam", role="supervisor")
    client = sqlite_app.test_client()
    login(client, "sam")
    html = upload(client, csv_bytes(row("T1"), row("T2"))).get_data(as_text=True)
    assert "Imported 2 orders." in html
    assert db.session.scalar(select(func.count()).select_from(Order)) == 2


def test_the_report_links_the_orders_it_imported_and_not_the_failed_ones(sqlite_app, login):
    make_user("ann", role="agent")
    client = sqlite_app.test_client()
    login(client, "ann")
    html = upload(client, csv_bytes(row("T1"), row("T 2"), row("T4", price="x"))).get_data(as_text=True)
    links = re.findall(r'<a href="([^"]+)" data-test="import-order-link">([^<]+)</a>', html)
    assert links == [("/orders/T1", "T1"), ("/orders/T%202", "T 2")]
    assert "Imported orders (2)" in html


def test_a_file_that_is_not_csv_is_refused_on_the_form(sqlite_app, login):
    make_user("amy", role="agent")
    client = sqlite_app.test_client()
    login(client, "amy")
    page = upload(client, b"MZ\x90\x00", name="virus.exe")
    assert "Only .csv files can be imported." in page.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


@pytest.mark.parametrize("role", ["shipping", "operator", "after_sales"])
def test_other_roles_may_not_import(sqlite_app, login, role):
    make_user("bob", role=role)
    client = sqlite_app.test_client()
    login(client, "bob")
    assert client.get("/imports/orders").status_code == 403
    assert upload(client, csv_bytes(row("T1"))).status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_the_upload_needs_the_csrf_token(csrf_app, login):
    make_user("amy", role="agent")
    client = csrf_app.test_client()
    login(client, "amy")
    assert upload(client, csv_bytes(row("T1"))).status_code == 400
    token = csrf_token_from(client.get("/imports/orders").get_data(as_text=True))
    assert upload(client, csv_bytes(row("T1")), csrf_token=token).status_code == 200
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1


def test_one_imported_order_is_counted_in_the_singular(sqlite_app, login):
    make_user("sam", role="supervisor")
    client = sqlite_app.test_client()
    login(client, "sam")
    html = upload(client, csv_bytes(row("T1"))).get_data(as_text=True)
    assert "Imported 1 order." in html and "1 orders" not in html
