"""The admin's "Erase personal data" on the customer page: a confirmation page that says what goes and what stays, the
customer ID typed to confirm, a POST with its CSRF token; admins only (the one policy), everyone else 403."""
import pytest
from flask import g
from sqlalchemy import func, select

from shopcs.audit.models import AuditEntry
from shopcs.extensions import db
from shopcs.orders.models import Customer

from ..builders import PASSWORD, client_as, make_customer, make_order, make_user
from ..conftest import csrf_token_from

EN = {"Accept-Language": "en"}
URL = "/customers/buyer-7/erase"


@pytest.fixture
def app_config(tmp_path):
    return {"SHOPCS_UPLOAD_DIR": str(tmp_path)}


@pytest.fixture
def buyer(sqlite_app):
    customer = make_customer("buyer-7", name="王小明", phone="13800001111", email="wxm@example.com")
    make_order(customer=customer, status="paid", recipient="王小明", detail="光明路 1 号")
    return customer.id


@pytest.fixture
def admin(sqlite_app, login):
    return client_as(sqlite_app, login, "admin")


def _get(client, path):
    g.pop("_login_user", None)  # the tests share one app context: let Flask-Login load this client's user
    return client.get(path, headers=EN)


def _post(client, path, data):
    g.pop("_login_user", None)
    return client.post(path, data=data, headers=EN)


def _customer(customer_id) -> Customer:
    db.session.expire_all()
    return db.session.get(Customer, customer_id)


def test_the_confirmation_page_says_what_goes_and_what_stays(admin, buyer):
    page = _get(admin, URL)

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for text in ("Erase the personal data of this buyer?", "What is erased", "What stays", "This cannot be undone.",
                 "Type the customer ID to confirm", 'data-test="erase-open-orders"'):
        assert text in html, text
    assert 'data-test="erase-orders">1<' in html and "buyer-7" in html


def test_an_admin_who_types_the_id_erases_the_buyer_and_sees_them_erased(admin, buyer):
    done = _post(admin, URL, {"confirm_id": "buyer-7"})

    assert done.status_code == 302
    customer = _customer(buyer)
    assert customer.erased_at is not None and customer.name == "" and done.headers["Location"] == f"/customers/{customer.external_id}"
    page = _get(admin, done.headers["Location"]).get_data(as_text=True)
    assert "Erased buyer" in page and 'data-test="customer-erased"' in page and "The buyer&#39;s personal data was erased" in page
    assert 'data-test="toggle-opt-out"' not in page and "Erase again" in page


def test_a_wrong_or_missing_confirmation_erases_nothing_and_says_why(admin, buyer):
    for typed in ("buyer-8", "", "BUYER-7"):
        refused = _post(admin, URL, {"confirm_id": typed})
        assert refused.status_code == 422
        assert 'data-test="error-confirm_id"' in refused.get_data(as_text=True)
    assert _customer(buyer).erased_at is None
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "customer.erased")) == 0


def test_erasing_again_from_the_erased_buyers_page_is_harmless_and_says_so(admin, buyer):
    _post(admin, URL, {"confirm_id": "buyer-7"})
    alias = _customer(buyer).external_id

    page = _get(admin, f"/customers/{alias}/erase").get_data(as_text=True)
    again = _post(admin, f"/customers/{alias}/erase", {"confirm_id": alias})

    assert 'data-test="erase-already"' in page
    assert again.status_code == 302
    assert "already erased; nothing was left to erase" in _get(admin, again.headers["Location"]).get_data(as_text=True)
    assert db.session.scalar(select(func.count()).where(AuditEntry.action == "customer.erased")) == 1


def test_an_unknown_buyer_is_404(admin, buyer):
    assert _get(admin, "/customers/nobody/erase").status_code == 404
    assert _post(admin, "/customers/nobody/erase", {"confirm_id": "nobody"}).status_code == 404


@pytest.mark.parametrize("role", ["agent", "after_sales", "shipping", "supervisor", "operator"])
def test_everyone_but_an_admin_is_refused_and_sees_no_erase_button(sqlite_app, login, buyer, role):
    client = client_as(sqlite_app, login, role)

    assert _get(client, URL).status_code == 403
    assert _post(client, URL, {"confirm_id": "buyer-7"}).status_code == 403
    assert _customer(buyer).erased_at is None
    customer_page = _get(client, "/customers/buyer-7")
    assert customer_page.status_code == 403 or 'data-test="erase-link"' not in customer_page.get_data(as_text=True)


def test_the_admin_finds_the_erase_button_on_the_customer_page(admin, buyer):
    html = _get(admin, "/customers/buyer-7").get_data(as_text=True)
    assert 'data-test="erase-link"' in html and 'action="/customers/buyer-7/erase"' in html


def test_the_erasure_needs_its_csrf_token(csrf_app):
    customer = make_customer("buyer-9", name="李雷")
    make_user("csrf-admin", role="admin")
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    client.post("/login", data={"username": "csrf-admin", "password": PASSWORD, "csrf_token": csrf_token_from(page)})

    assert _post(client, "/customers/buyer-9/erase", {"confirm_id": "buyer-9"}).status_code == 400
    assert _customer(customer.id).erased_at is None
    token = csrf_token_from(_get(client, "/customers/buyer-9/erase").get_data(as_text=True))
    assert _post(client, "/customers/buyer-9/erase", {"confirm_id": "buyer-9", "csrf_token": token}).status_code == 302
    assert _customer(customer.id).erased_at is not None
