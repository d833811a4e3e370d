"""Claims (理赔) on SQLite and PostgreSQL: opening one, its photos (each kind of bad upload refused with nothing written:
no row, no file), the decision and the refund it opens through the refund flow, and who may do what."""
import hashlib
import io
from decimal import Decimal
from pathlib import Path

import pytest
from flask_babel import force_locale
from PIL import ExifTags, Image
from sqlalchemy import select

from shopcs.audit.models import AuditEntry
from shopcs.cases.claims import services as claims
from shopcs.cases.claims.models import Claim, ClaimEvidence
from shopcs.cases.models import Case, CaseEvent
from shopcs.cases.services import transfer
from shopcs.errors import Conflict, Forbidden, Invalid, NotFound
from shopcs.extensions import db
from shopcs.orders.models import Refund
from shopcs.orders.refund_service import RefundRequest, approve_refund, request_refund

from ..builders import NOW, make_order, make_user, refund_limits
from ..case_builders import PLATFORM, as_user, make_case
from ..claim_builders import (
    SECRETS,
    claim_case,
    claim_counts,
    claim_settings,
    files_in,
    image_bytes,
    make_claim,
    noise_png,
    not_photos,
    phone_photo,
    upload,
)

MAX_BYTES = 20_000
LIMITS = refund_limits()  # a decider's approval limit of ¥200.00 per order


@pytest.fixture
def settings(tmp_path):
    return claim_settings(tmp_path / "uploads", MAX_BYTES)


@pytest.fixture
def uploads(settings):
    return Path(settings.upload_dir)


def actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))


def claim_events(case_id: int) -> list[dict]:
    return [e.data for e in db.session.scalars(select(CaseEvent).where(CaseEvent.case_id == case_id,
                                                                       CaseEvent.kind == "claim").order_by(CaseEvent.id))]


def fresh(claim_id: int) -> Claim:
    return db.session.get(Claim, claim_id, populate_existing=True)


# --- opening ----------------------------------------------------------------------------------------------------

def test_a_claim_is_opened_on_a_claim_case_with_a_timeline_event_and_an_audit_entry(app):
    agent = as_user(make_user("amy", role="agent"))
    case = claim_case("100.00")
    claim = claims.open_claim(case.id, Decimal("80.00"), "damaged", agent, NOW)
    stored = fresh(claim.id)
    assert (stored.case_id, stored.kind, stored.status, stored.amount_claimed, stored.created_by) == (
        case.id, "damaged", "open", Decimal("80.00"), "user:amy")
    assert claim_events(case.id) == [{"claim": "opened", "kind": "damaged", "amount": "80.00"}]
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "claim.opened")).one()
    assert entry.order_id == case.order_id and entry.after["claim_id"] == claim.id


def test_a_claim_above_what_the_order_can_still_refund_is_refused_and_changes_nothing(app):
    case = claim_case("100.00")
    order_no = case.order.order_no
    request_refund(order_no, RefundRequest(amount=Decimal("30.00"), reason="quality"), PLATFORM, NOW)
    before = claim_counts()
    with pytest.raises(Invalid) as refused:
        claims.open_claim(case.id, Decimal("70.01"), "damaged", PLATFORM, NOW)
    assert set(refused.value.fields) == {"amount"}
    for amount, kind in ((Decimal("0.00"), "damaged"), (None, "damaged"), (Decimal("10.00"), "stolen")):
        with pytest.raises(Invalid):
            claims.open_claim(case.id, amount, kind, PLATFORM, NOW)
    assert claim_counts() == before
    assert claims.open_claim(case.id, Decimal("70.00"), "lost", PLATFORM, NOW).amount_claimed == Decimal("70.00")


def test_a_claim_needs_a_claim_case_with_an_order_and_a_case_has_one_claim(app):
    tracking = make_case(category="tracking", order_no=make_order().order_no)
    without_order = make_case(category="claim")
    with pytest.raises(Conflict):
        claims.open_claim(tracking.id, Decimal("10.00"), "damaged", PLATFORM, NOW)
    with pytest.raises(Conflict):
        claims.open_claim(without_order.id, Decimal("10.00"), "damaged", PLATFORM, NOW)
    claim = make_claim("10.00")
    with pytest.raises(Conflict):
        claims.open_claim(claim.case_id, Decimal("10.00"), "damaged", PLATFORM, NOW)
    with pytest.raises(NotFound):
        claims.open_claim(999999, Decimal("10.00"), "damaged", PLATFORM, NOW)
    assert db.session.scalar(select(Claim.id).where(Claim.case_id != claim.case_id)) is None


# --- photos -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, content_type, extension", [("JPEG", "image/jpeg", ".jpg"), ("PNG", "image/png", ".png"),
                                                           ("WEBP", "image/webp", ".webp")])
def test_a_jpeg_png_or_webp_photo_is_kept_under_a_random_name(app, settings, uploads, fmt, content_type, extension):
    claim = make_claim()
    data = image_bytes(fmt, size=(30, 20))
    evidence = claims.add_evidence(claim.id, upload(data, "../../etc/破损<b>.txt", "text/plain"), PLATFORM, NOW, settings)
    stored = db.session.get(ClaimEvidence, evidence.id)
    assert (stored.content_type, stored.width, stored.height) == (content_type, 30, 20)
    assert stored.original_name == "破损<b>.txt" and stored.stored_name.endswith(extension)
    assert "破损" not in stored.stored_name and files_in(uploads) == [f"claims/{stored.stored_name}"]
    on_disk = (uploads / "claims" / stored.stored_name).read_bytes()
    assert (stored.size, stored.sha256) == (len(on_disk), hashlib.sha256(on_disk).hexdigest())
    assert claim_events(claim.case_id)[-1] == {"claim": "evidence_added", "evidence_id": evidence.id}
    assert actions()[-1] == "claim.evidence_added"


def test_a_phone_photo_is_stored_upright_without_its_location_and_its_row_describes_the_stored_file(app, settings, uploads):
    claim = make_claim()
    data = phone_photo("JPEG", size=(48, 32), orientation=6)
    evidence = claims.add_evidence(claim.id, upload(data, "IMG_0042.jpg", "image/jpeg"), PLATFORM, NOW, settings)
    stored = db.session.get(ClaimEvidence, evidence.id)
    on_disk = (uploads / "claims" / stored.stored_name).read_bytes()
    assert [secret for secret in SECRETS if secret in on_disk] == [] and b"Exif" not in on_disk
    with Image.open(io.BytesIO(on_disk)) as image:
        assert image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {} and dict(image.getexif()) == {}
        assert image.size == (stored.width, stored.height) == (32, 48)
    assert (stored.size, stored.sha256) == (len(on_disk), hashlib.sha256(on_disk).hexdigest())
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.after["size"], entry.after["sha256"]) == ("claim.evidence_added", stored.size, stored.sha256)


@pytest.mark.parametrize("kind", list(not_photos()))
def test_a_file_that_is_not_a_photo_we_keep_is_refused_and_nothing_is_written(app, settings, uploads, kind):
    claim = make_claim()
    data, name, content_type = not_photos()[kind]
    before, files = claim_counts(), files_in(uploads)
    with pytest.raises(Invalid) as refused:
        claims.add_evidence(claim.id, upload(data, name, content_type), PLATFORM, NOW, settings)
    assert set(refused.value.fields) == {"photo"}
    assert claim_counts() == before and files_in(uploads) == files


def test_a_photo_above_the_size_limit_is_refused_and_nothing_is_written(app, settings, uploads):
    claim = make_claim()
    big = noise_png(100)
    assert len(big) > MAX_BYTES
    before = claim_counts()
    with pytest.raises(Invalid) as refused:
        claims.add_evidence(claim.id, upload(big), PLATFORM, NOW, settings)
    assert "19.5 KB" in str(refused.value.fields["photo"])
    assert claim_counts() == before and files_in(uploads) == []


def test_a_claim_keeps_at_most_ten_photos_and_the_same_photo_once(app, settings, uploads):
    claim = make_claim()
    for shade in range(10):
        claims.add_evidence(claim.id, upload(image_bytes(color=(shade, 0, 0))), PLATFORM, NOW, settings)
    before, files = claim_counts(), files_in(uploads)
    with pytest.raises(Invalid):
        claims.add_evidence(claim.id, upload(image_bytes(color=(99, 0, 0))), PLATFORM, NOW, settings)
    other = make_claim()
    claims.add_evidence(other.id, upload(image_bytes(color=(1, 2, 3))), PLATFORM, NOW, settings)
    with pytest.raises(Invalid):
        claims.add_evidence(other.id, upload(image_bytes(color=(1, 2, 3)), "again.png"), PLATFORM, NOW, settings)
    assert claim_counts()["ClaimEvidence"] == before["ClaimEvidence"] + 1 and len(files_in(uploads)) == len(files) + 1


def test_a_photo_whose_row_fails_to_commit_leaves_no_file(app, settings, uploads, monkeypatch):
    claim = make_claim()
    before = claim_counts()

    def broken_trace(*args, **kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(claims, "trace", broken_trace)
    with pytest.raises(RuntimeError):
        claims.add_evidence(claim.id, upload(image_bytes()), PLATFORM, NOW, settings)
    assert claim_counts() == before and files_in(uploads) == []


# --- the decision -----------------------------------------------------------------------------------------------

def test_approving_within_the_limit_opens_an_approved_refund_linked_to_the_claim(app):
    claim = make_claim("80.00", kind="damaged")
    ann = as_user(make_user("ann", role="after_sales"))
    transfer(claim.case_id, "理赔请处理", PLATFORM, NOW, to_team="after_sales")
    decided = claims.decide(claim.id, True, Decimal("60.00"), "按照片核实", ann, NOW, LIMITS)
    refund = db.session.get(Refund, decided.refund_id)
    assert (refund.amount, refund.reason, refund.status, refund.decided_by) == (Decimal("60.00"), "damaged", "approved", "user:ann")
    stored = fresh(claim.id)
    assert (stored.status, stored.decided_amount, stored.decided_by, stored.decision_note) == (
        "approved", Decimal("60.00"), "user:ann", "按照片核实")
    assert actions()[-3:] == ["refund.requested", "claim.approved", "refund.approved"]  # the claim first, then its refund
    assert claim_events(claim.case_id)[-1]["claim"] == "approved"
    for approve, amount in ((True, Decimal("60.00")), (False, None)):  # decided once
        with pytest.raises(Conflict):
            claims.decide(claim.id, approve, amount, "again", ann, NOW, LIMITS)
    assert claim_counts()["Refund"] == 1


def test_a_claim_rejected_by_someone_else_meanwhile_rejects_the_refund_the_approval_requested(app, monkeypatch):
    claim = make_claim("80.00", kind="damaged")
    lead, boss = as_user(make_user("lead", role="supervisor")), as_user(make_user("boss", role="admin"))
    real_request = claims.request_refund

    def request_then_lose_the_race(*args, **kwargs):
        found = real_request(*args, **kwargs)
        claims.decide(claim.id, False, None, "照片不清楚", boss, NOW, LIMITS)  # the other decision lands first
        return found

    monkeypatch.setattr(claims, "request_refund", request_then_lose_the_race)
    with pytest.raises(Conflict):
        claims.decide(claim.id, True, Decimal("60.00"), "", lead, NOW, LIMITS)
    stored = fresh(claim.id)
    refunds = list(db.session.scalars(select(Refund)))
    assert (stored.status, stored.refund_id) == ("rejected", None)
    assert [(refund.status, refund.amount) for refund in refunds] == [("rejected", Decimal("60.00"))]


def test_an_approval_above_the_deciders_limit_leaves_the_refund_waiting_for_a_supervisor(app):
    claim = make_claim("90.00", kind="lost")
    transfer(claim.case_id, "理赔", PLATFORM, NOW, to_team="after_sales")
    ann = as_user(make_user("ann", role="after_sales"))
    decided = claims.decide(claim.id, True, Decimal("90.00"), "", ann, NOW, refund_limits("50.00"))
    refund = db.session.get(Refund, decided.refund_id)
    assert (refund.reason, refund.status, fresh(claim.id).status) == ("not_received", "requested", "approved")
    other = make_claim("90.00")
    lead = as_user(make_user("lead", role="supervisor"))
    assert db.session.get(Refund, claims.decide(other.id, True, Decimal("90.00"), "", lead, NOW,
                                                refund_limits("50.00")).refund_id).status == "approved"


def test_an_approval_over_what_the_decider_may_still_approve_on_the_order_leaves_the_refund_waiting(app):
    """The limit holds for what one person approves on one order in total: the claim is decided, its refund waits."""
    claim = make_claim("90.00", kind="lost", total="200.00")
    transfer(claim.case_id, "理赔", PLATFORM, NOW, to_team="after_sales")
    ann = as_user(make_user("ann", role="after_sales"))
    order_no = db.session.get(Case, claim.case_id).order.order_no
    earlier, _created = request_refund(order_no, RefundRequest(Decimal("40.00"), "size"), ann, NOW)
    approve_refund(earlier.id, ann, NOW, refund_limits("50.00"))
    decided = claims.decide(claim.id, True, Decimal("30.00"), "", ann, NOW, refund_limits("50.00"))
    refund = db.session.get(Refund, decided.refund_id)
    assert (refund.status, fresh(claim.id).status) == ("requested", "approved")  # 40 + 30 > 50: a supervisor decides


def test_a_rejection_needs_a_note_and_opens_no_refund(app, settings):
    claim = make_claim()
    lead = as_user(make_user("lead", role="supervisor"))
    before = claim_counts()
    with pytest.raises(Invalid) as refused:
        claims.decide(claim.id, False, None, "   ", lead, NOW, LIMITS)
    assert set(refused.value.fields) == {"note"} and claim_counts() == before
    claims.decide(claim.id, False, None, "照片显示外箱完好", lead, NOW, LIMITS)
    stored = fresh(claim.id)
    assert (stored.status, stored.refund_id, stored.decision_note) == ("rejected", None, "照片显示外箱完好")
    assert claim_counts()["Refund"] == 0 and actions()[-1] == "claim.rejected"
    with pytest.raises(Conflict):
        claims.add_evidence(claim.id, upload(image_bytes()), lead, NOW, settings)


def test_an_amount_above_the_claim_or_what_is_still_refundable_is_refused(app):
    claim = make_claim("80.00", total="100.00")
    lead = as_user(make_user("lead", role="supervisor"))
    with pytest.raises(Invalid) as above_claim:
        claims.decide(claim.id, True, Decimal("80.01"), "", lead, NOW, LIMITS)
    assert set(above_claim.value.fields) == {"amount"}
    order_no = fresh(claim.id).case.order.order_no
    request_refund(order_no, RefundRequest(amount=Decimal("50.00"), reason="quality"), PLATFORM, NOW)
    before = claim_counts()
    with pytest.raises(Invalid) as above_refundable:
        claims.decide(claim.id, True, Decimal("60.00"), "", lead, NOW, LIMITS)
    assert set(above_refundable.value.fields) == {"amount"}
    assert claim_counts() == before and fresh(claim.id).status == "open"


def test_roles_who_may_open_add_photos_and_decide(app, settings, uploads):
    case = claim_case()
    shipping = as_user(make_user("sam", role="shipping"))
    agent = as_user(make_user("amy", role="agent"))
    with pytest.raises(Forbidden):
        claims.open_claim(case.id, Decimal("10.00"), "damaged", shipping, NOW)
    claim = claims.open_claim(case.id, Decimal("10.00"), "damaged", agent, NOW)
    with pytest.raises(Forbidden):
        claims.add_evidence(claim.id, upload(image_bytes()), shipping, NOW, settings)
    for decider in (agent, PLATFORM, shipping):
        with pytest.raises(Forbidden):
            claims.decide(claim.id, True, Decimal("10.00"), "", decider, NOW, LIMITS)
    ann = as_user(make_user("ann", role="after_sales"))  # the case is in the agents' inbox, not after-sales'
    with pytest.raises(Forbidden):
        claims.decide(claim.id, True, Decimal("10.00"), "", ann, NOW, LIMITS)
    with pytest.raises(Forbidden):
        claims.add_evidence(claim.id, upload(image_bytes()), ann, NOW, settings)
    assert files_in(uploads) == [] and fresh(claim.id).status == "open"
    admin = as_user(make_user("root", role="admin"))
    assert claims.decide(claim.id, True, Decimal("10.00"), "", admin, NOW, LIMITS).status == "approved"


# --- orders in any currency (issue 19) ---------------------------------------------------------------------------

def english(message) -> str:
    with force_locale("en"):
        return str(message)


def test_a_claim_on_a_jpy_order_refuses_decimals_naming_jpy_and_its_refund_is_in_yen(app):
    order = make_order(total="5000", currency="JPY")
    case = make_case(actor=PLATFORM, category="claim", order_no=order.order_no)
    with pytest.raises(Invalid) as caught:
        claims.open_claim(case.id, Decimal("12.50"), "damaged", PLATFORM, NOW)
    assert english(caught.value.fields["amount"]) == "JPY has no decimals" and claim_counts()["Claim"] == 0
    claim = claims.open_claim(case.id, Decimal("3000"), "damaged", PLATFORM, NOW)
    lead = as_user(make_user("lead", role="supervisor"))
    with pytest.raises(Invalid) as caught:
        claims.decide(claim.id, True, Decimal("2999.50"), "", lead, NOW, LIMITS)
    assert english(caught.value.fields["amount"]) == "JPY has no decimals"
    assert (fresh(claim.id).status, claim_counts()["Refund"]) == ("open", 0)
    decided = claims.decide(claim.id, True, Decimal("3000"), "", lead, NOW, LIMITS)
    refund = db.session.get(Refund, decided.refund_id)
    assert (refund.amount, refund.status) == (Decimal("3000"), "approved")  # a supervisor: JPY has no limit set


def test_a_claim_above_what_a_usd_order_can_refund_is_refused_in_dollars(app):
    order = make_order(total="59.45", currency="USD")
    case = make_case(actor=PLATFORM, category="claim", order_no=order.order_no)
    with pytest.raises(Invalid) as caught:
        claims.open_claim(case.id, Decimal("60.00"), "lost", PLATFORM, NOW)
    with force_locale("en"):
        assert str(caught.value.fields["amount"]) == "At most $59.45 can still be refunded on this order."
