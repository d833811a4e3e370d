"""The claim panel of a claim case's page: opening a claim, uploading real tiny photos through the Flask client, the
clear errors of a wrong-type or oversized upload (nothing written), the protected photo view, escaping, decisions."""
import io
import re
from pathlib import Path

import pytest
from flask import g
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from shopcs.cases.claims.models import Claim, ClaimEvidence
from shopcs.cases.services import transfer
from shopcs.extensions import db
from shopcs.orders.models import Refund
from shopcs.timeutil import utcnow

from ..builders import PASSWORD, make_order, make_user
from ..case_builders import PLATFORM
from ..case_page_builders import ENGLISH, client_as, recent_case, round_the_clock
from ..claim_builders import PDF, claim_counts, files_in, image_bytes, noise_png
from ..conftest import _app_on, csrf_token_from

MAX_BYTES = 20_000


@pytest.fixture
def app_config(tmp_path):
    return {"SHOPCS_UPLOAD_DIR": str(tmp_path / "uploads"), "SHOPCS_UPLOAD_MAX_BYTES": MAX_BYTES}


@pytest.fixture
def web(sqlite_app):
    round_the_clock()
    return sqlite_app


@pytest.fixture
def uploads(web):
    return Path(web.config["SHOPCS_UPLOAD_DIR"])


def page(client, url, status=200):
    g.pop("_login_user", None)  # the tests share one app context: each client's request loads its own user
    response = client.get(url, headers=ENGLISH)
    assert response.status_code == status, (url, response.status_code)
    return response.get_data(as_text=True)


def post(client, url, data, **kwargs):
    g.pop("_login_user", None)
    return client.post(url, data=data, headers=ENGLISH, **kwargs)


def send_photo(client, case_id, data: bytes, name="破损.png", content_type="image/png"):
    """Encoded here, in memory: the test client would spool a large body to a temporary file it never closes."""
    boundary, body = encode_multipart({"photo": FileStorage(io.BytesIO(data), filename=name, content_type=content_type)})
    return post(client, f"/cases/{case_id}/claim/photos", body, content_type=f"multipart/form-data; boundary={boundary}")


def claim_on_page(client, total="100.00", amount="80.00"):
    """A claim case on a paid order, its claim opened through the page; returns (case, claim)."""
    order = make_order(total=total)
    case = recent_case(category="claim", order_no=order.order_no)
    response = post(client, f"/cases/{case.id}/claim", {"kind": "damaged", "amount": amount})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/cases/{case.id}#claim")
    return case, db.session.scalars(select(Claim).where(Claim.case_id == case.id)).one()


def test_an_agent_opens_a_claim_and_a_photo_shows_as_a_sized_thumbnail(web, login, uploads):
    client, _ = client_as(web, login, "agent", "amy")
    case, claim = claim_on_page(client)
    assert send_photo(client, case.id, image_bytes("PNG", size=(320, 160))).status_code == 302
    evidence = db.session.scalars(select(ClaimEvidence)).one()
    html = page(client, f"/cases/{case.id}")
    assert 'data-test="claim-panel"' in html and "¥80.00" in html and 'enctype="multipart/form-data"' in html
    url = f"/cases/{case.id}/claim/photos/{evidence.id}"
    assert f'<img src="{url}" width="160" height="80"' in html
    assert 'data-test="claim-decision-form"' not in html  # an agent does not decide
    assert files_in(uploads) == [f"claims/{evidence.stored_name}"]


def test_the_panel_asks_for_an_amount_and_refuses_one_above_what_is_refundable(web, login):
    client, _ = client_as(web, login, "agent")
    order = make_order(total="50.00")
    case = recent_case(category="claim", order_no=order.order_no)
    for amount, words in (("", "Enter the amount the buyer claims."), ("50.01", "At most CN¥50.00 can still be refunded")):
        response = post(client, f"/cases/{case.id}/claim", {"kind": "damaged", "amount": amount})
        assert response.status_code == 200 and words in response.get_data(as_text=True)
    assert claim_counts()["Claim"] == 0


def test_a_wrong_type_upload_shows_a_clear_error_and_writes_nothing(web, login, uploads):
    client, _ = client_as(web, login, "agent")
    case, _claim = claim_on_page(client)
    before = claim_counts()
    for data, name, content_type in ((PDF, "receipt.jpg", "image/jpeg"), (b"<html><script>x</script>", "a.png", "image/png")):
        response = send_photo(client, case.id, data, name, content_type)
        html = response.get_data(as_text=True)
        assert response.status_code == 200 and 'data-test="error-photo"' in html
        assert "Only JPEG, PNG or WebP photos can be added" in html
    assert claim_counts() == before and files_in(uploads) == []


@pytest.mark.parametrize("side", [100, 250], ids=["a little too large", "far too large to read"])
def test_an_oversized_upload_shows_a_clear_error_not_a_bare_413(web, login, uploads, side):
    client, _ = client_as(web, login, "agent")
    case, _claim = claim_on_page(client)
    before = claim_counts()
    response = send_photo(client, case.id, noise_png(side))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'data-test="error-photo"' in html
    assert "The photo is larger than 19.5 KB" in html
    assert claim_counts() == before and files_in(uploads) == []


def test_the_photo_is_served_inline_with_its_type_only_to_people_who_may_see_the_case(web, login, uploads):
    client, _ = client_as(web, login, "agent")
    case, _claim = claim_on_page(client)
    send_photo(client, case.id, image_bytes("JPEG", size=(16, 16)), "box.png", "image/png")
    evidence = db.session.scalars(select(ClaimEvidence)).one()
    url = f"/cases/{case.id}/claim/photos/{evidence.id}"
    g.pop("_login_user", None)
    response = client.get(url)
    assert response.status_code == 200 and response.data == (uploads / "claims" / evidence.stored_name).read_bytes()
    assert response.headers["Content-Type"] == "image/jpeg"  # what Pillow found, not the browser's word
    assert response.headers["Content-Disposition"].startswith("inline")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
    other = recent_case(category="claim", order_no=make_order().order_no)
    page(client, f"/cases/{other.id}/claim/photos/{evidence.id}", status=404)  # another case's photo
    after_sales, _ = client_as(web, login, "after_sales", "ann")  # the case is in the agents' inbox
    page(after_sales, url, status=403)
    g.pop("_login_user", None)
    anonymous = web.test_client().get(url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_a_file_name_with_html_is_shown_escaped(web, login):
    client, _ = client_as(web, login, "agent")
    case, _claim = claim_on_page(client)
    send_photo(client, case.id, image_bytes(), '<img src=x onerror=alert(1)>.png')
    html = page(client, f"/cases/{case.id}")
    assert "<img src=x onerror=alert(1)>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;.png" in html


def test_a_supervisor_approves_from_the_page_and_the_refund_is_linked(web, login):
    agent, _ = client_as(web, login, "agent")
    case, claim = claim_on_page(agent, amount="80.00")
    lead, _ = client_as(web, login, "supervisor", "lead")
    assert 'data-test="claim-decision-form"' in page(lead, f"/cases/{case.id}")
    refused = post(lead, f"/cases/{case.id}/claim/decision", {"decision": "reject", "note": ""})
    assert refused.status_code == 200 and 'data-test="error-note"' in refused.get_data(as_text=True)
    assert post(agent, f"/cases/{case.id}/claim/decision", {"decision": "approve", "amount": "80.00"}).status_code == 403
    response = post(lead, f"/cases/{case.id}/claim/decision", {"decision": "approve", "amount": "75.50", "note": "核实"})
    assert response.status_code == 302
    stored = db.session.get(Claim, claim.id, populate_existing=True)
    refund = db.session.get(Refund, stored.refund_id)
    assert (stored.status, refund.amount, refund.status, refund.reason) == ("approved", stored.decided_amount, "approved",
                                                                             "damaged")
    html = page(lead, f"/cases/{case.id}")
    assert 'data-test="claim-refund"' in html and "¥75.50" in html and 'data-test="claim-photo-form"' not in html


def test_after_sales_decides_a_claim_handed_to_them(web, login):
    agent, _ = client_as(web, login, "agent")
    case, claim = claim_on_page(agent, amount="30.00")
    transfer(case.id, "理赔请处理", PLATFORM, utcnow(), to_team="after_sales")
    ann, _ = client_as(web, login, "after_sales", "ann")
    response = post(ann, f"/cases/{case.id}/claim/decision", {"decision": "reject", "note": "照片显示外箱完好"})
    assert response.status_code == 302
    assert db.session.get(Claim, claim.id, populate_existing=True).status == "rejected"
    assert "照片显示外箱完好" in page(ann, f"/cases/{case.id}")


@pytest.fixture
def csrf_web(database_urls, _schemas, app_config):
    yield from _app_on(database_urls["sqlite"], _schemas, WTF_CSRF_ENABLED=True, **app_config)


def test_with_csrf_on_an_upload_needs_the_token_and_a_large_one_still_gets_the_form_error(csrf_web):
    round_the_clock()
    make_user("amy", role="agent")
    case = recent_case(category="claim", order_no=make_order().order_no)
    client = csrf_web.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"username": "amy", "password": PASSWORD, "csrf_token": token})
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    token = csrf_token_from(html)
    assert client.post(f"/cases/{case.id}/claim", data={"kind": "lost", "amount": "20.00", "csrf_token": token}).status_code == 302
    photo = {"photo": (io.BytesIO(image_bytes()), "a.png", "image/png")}
    refused = client.post(f"/cases/{case.id}/claim/photos", data=photo, content_type="multipart/form-data")
    assert refused.status_code == 400 and claim_counts()["ClaimEvidence"] == 0
    too_large = {"photo": (io.BytesIO(noise_png(250)), "a.png", "image/png"), "csrf_token": token}
    answered = client.post(f"/cases/{case.id}/claim/photos", data=too_large, content_type="multipart/form-data")
    assert answered.status_code == 200 and 'data-test="error-photo"' in answered.get_data(as_text=True)  # not a bare 413
    photo = {"photo": (io.BytesIO(image_bytes()), "a.png", "image/png"), "csrf_token": token}
    sent = client.post(f"/cases/{case.id}/claim/photos", data=photo, content_type="multipart/form-data")
    assert sent.status_code == 302 and claim_counts()["ClaimEvidence"] == 1
    assert re.search(r'data-test="claim-photo" data-evidence-id="\d+"', client.get(f"/cases/{case.id}").get_data(as_text=True))


def test_a_photo_above_the_app_wide_request_limit_but_within_the_photo_limit_is_accepted(web, login, uploads):
    """MAX_CONTENT_LENGTH (1 MB) guards every other form; the photo upload raises it for its own request."""
    web.config["SHOPCS_UPLOAD_MAX_BYTES"] = 2 * 1024 * 1024
    client, _ = client_as(web, login, "agent")
    case, _claim = claim_on_page(client)
    data = noise_png(720)
    assert web.config["MAX_CONTENT_LENGTH"] < len(data) < 2 * 1024 * 1024
    assert send_photo(client, case.id, data).status_code == 302
    evidence = db.session.scalars(select(ClaimEvidence)).one()
    assert evidence.size == (uploads / "claims" / evidence.stored_name).stat().st_size and len(files_in(uploads)) == 1


def test_a_claim_on_a_jpy_order_is_shown_in_yen_and_refuses_decimals_naming_jpy(web, login):
    client, _ = client_as(web, login, "agent")
    order = make_order(total="5000", currency="JPY")
    case = recent_case(category="claim", order_no=order.order_no)
    assert "At most ¥5,000 can still be refunded" in page(client, f"/cases/{case.id}")
    refused = post(client, f"/cases/{case.id}/claim", {"kind": "damaged", "amount": "12.50"})
    assert refused.status_code == 200 and "JPY has no decimals" in refused.get_data(as_text=True)
    assert claim_counts()["Claim"] == 0
    post(client, f"/cases/{case.id}/claim", {"kind": "damaged", "amount": "3000"})
    assert 'data-test="claim-amount">¥3,000<' in page(client, f"/cases/{case.id}")
