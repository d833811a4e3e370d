"""The upload page imports the Taobao / Tmall export too: CSRF on as in production, on SQLite and PostgreSQL."""
import io
import re

import pytest
from sqlalchemy import func, select

from shopcs.extensions import db
from shopcs.orders.models import Order, OrderItem

from ..builders import make_user
from ..conftest import csrf_token_from
from .test_taobao_import import BAD, GBK, GOOD, UTF8


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True}


def agent_client(app, login):
    make_user("amy", role="agent")
    client = app.test_client()
    login(client, "amy")
    return client


def upload(client, data: bytes, file_format="taobao", token=None):
    token = token or csrf_token_from(client.get("/imports/orders").get_data(as_text=True))
    return client.post("/imports/orders", data={"file": (io.BytesIO(data), "ExportOrderList.csv"), "file_format": file_format,
                                                "csrf_token": token},
                       content_type="multipart/form-data", headers={"Accept-Language": "en"})


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("path", [GBK, UTF8], ids=["gbk", "utf8-bom"])
def test_an_agent_uploads_the_export_and_sees_the_bad_rows_by_line(app, login, path):
    client = agent_client(app, login)
    page = upload(client, path.read_bytes())
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-test="import-report"' in html
    assert "5 created" in html and "2 failed" in html
    for line, order_no, column in BAD:
        assert f"<td>{line}</td><td>{order_no}</td><td>{column}</td>" in html
    assert "退款中" in html
    assert sorted(db.session.scalars(select(Order.order_no)).all()) == GOOD


def test_uploading_both_encodings_in_turn_updates_the_same_orders(app, login):
    client = agent_client(app, login)
    upload(client, GBK.read_bytes())
    html = upload(client, UTF8.read_bytes()).get_data(as_text=True)
    assert "0 created" in html and "5 updated" in html
    assert count(Order) == 5 and count(OrderItem) == 5


def test_the_page_offers_both_formats_and_a_shopcs_csv_is_still_the_default(app, login):
    client = agent_client(app, login)
    html = client.get("/imports/orders").get_data(as_text=True)
    assert re.search(r'<input (?=[^>]*\bchecked\b)[^>]*data-test="import-format-shopcs"', html)
    assert 'data-test="import-format-taobao"' in html
    assert "收货地址" in html
    token = csrf_token_from(html)
    page = client.post("/imports/orders", data={"file": (io.BytesIO(GBK.read_bytes()), "ExportOrderList.csv"), "csrf_token": token},
                       content_type="multipart/form-data", headers={"Accept-Language": "en"})
    assert "not UTF-8" in page.get_data(as_text=True) and count(Order) == 0


def test_an_unknown_format_is_a_form_error_and_imports_nothing(app, login):
    client = agent_client(app, login)
    html = upload(client, GBK.read_bytes(), file_format="jd").get_data(as_text=True)
    assert "Not a valid choice." in html and 'data-test="import-report"' not in html and count(Order) == 0


def test_the_upload_needs_the_csrf_token(app, login):
    client = agent_client(app, login)
    assert upload(client, GBK.read_bytes(), token="not-the-token").status_code == 400
    assert count(Order) == 0


def test_a_shipping_clerk_may_not_import_the_export(app, login):
    make_user("bob", role="shipping")
    client = app.test_client()
    login(client, "bob")
    assert client.get("/imports/orders").status_code == 403
    assert count(Order) == 0
