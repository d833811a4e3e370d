"""Cleaning the claim photos stored before uploads were cleaned (`flask cases clean-photos`), on SQLite and PostgreSQL:
each file stored as it was uploaded, with the phone's GPS position, is replaced by its copy without metadata and its row
describes the copy; a second run, and a dry run, change nothing; a photo that would repeat another of its claim, and
one that cannot be cleaned, are reported and left as they are."""
import hashlib
import io
from datetime import timedelta
from pathlib import Path

import pytest
from PIL import ExifTags, Image
from sqlalchemy import select

from shopcs.actor import Actor
from shopcs.audit.models import AuditEntry
from shopcs.cases.claims import cleanup as claim_cleanup
from shopcs.cases.claims import files as claim_files
from shopcs.cases.claims import services as claims
from shopcs.cases.claims.cleanup import ACTION, ALREADY_CLEAN, CLEANED, DUPLICATE, FAILED, clean_stored_photos
from shopcs.cases.claims.image_parts import carries_no_metadata
from shopcs.cases.claims.images import FORMATS, clean_photo
from shopcs.cases.claims.models import ClaimEvidence
from shopcs.extensions import db
from shopcs.i18n_labels import ACTION_LABELS

from ..builders import NOW
from ..case_builders import PLATFORM
from ..claim_builders import (
    COMMENT,
    PDF,
    SECRETS,
    claim_counts,
    claim_settings,
    corner_pixels,
    files_in,
    image_bytes,
    make_claim,
    phone_photo,
    upload,
)

SYSTEM = Actor.system("photo-cleanup")
LATER = NOW + timedelta(days=30)


@pytest.fixture
def settings(tmp_path):
    return claim_settings(tmp_path / "uploads")


@pytest.fixture
def app_config(settings):
    """`flask cases clean-photos` reads the same directory from the app's config."""
    return {"SHOPCS_UPLOAD_DIR": settings.upload_dir, "SHOPCS_UPLOAD_MAX_BYTES": settings.max_bytes}


@pytest.fixture
def uploads(settings):
    return Path(settings.upload_dir)


def stored_as_before(settings, claim_id: int, data: bytes, extension: str = "", size=(0, 0)) -> ClaimEvidence:
    """A photo as uploads were stored before they were cleaned: the upload's own bytes, and a row describing them
    (`extension` and `size` for a file Pillow cannot read)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            content_type, extension = FORMATS[image.format]
            size = image.size
    except OSError:
        content_type = "image/jpeg"
    name = claim_files.new_stored_name(extension)
    temp = claim_files.write_temp(settings.upload_dir, data)
    evidence = ClaimEvidence(claim_id=claim_id, stored_name=name, original_name="IMG_0042" + extension,
                             content_type=content_type, size=len(data), width=size[0], height=size[1],
                             sha256=hashlib.sha256(data).hexdigest(), uploaded_by="token:shop", uploaded_at=NOW)
    db.session.add(evidence)
    db.session.commit()
    claim_files.publish(settings.upload_dir, temp, name)
    return evidence


def fresh(evidence_id: int) -> ClaimEvidence:
    return db.session.get(ClaimEvidence, evidence_id, populate_existing=True)


def file_of(uploads: Path, evidence: ClaimEvidence) -> bytes:
    return (uploads / "claims" / evidence.stored_name).read_bytes()


def everything(uploads: Path) -> tuple:
    """Every row (as it describes its file), every file byte for byte, and the counts of rows an audit would add."""
    db.session.expire_all()
    rows = [(e.id, e.stored_name, e.content_type, e.size, e.width, e.height, e.sha256)
            for e in db.session.scalars(select(ClaimEvidence).order_by(ClaimEvidence.id))]
    return rows, {name: (uploads / name).read_bytes() for name in files_in(uploads)}, claim_counts()


def results(report) -> list[tuple[int, str]]:
    return [(outcome.evidence_id, outcome.result) for outcome in report.outcomes]


def cleaned_entries() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == ACTION).order_by(AuditEntry.id)))


def cli(app, *args):
    result = app.test_cli_runner().invoke(args=["cases", "clean-photos", *args])
    db.session.expire_all()
    return result


def test_photos_stored_with_their_metadata_are_stored_again_without_it(app, settings, uploads):
    claim = make_claim()
    turned = stored_as_before(settings, claim.id, phone_photo("JPEG", size=(48, 32), orientation=6))
    png = stored_as_before(settings, claim.id, phone_photo("PNG"))
    webp = stored_as_before(settings, claim.id, phone_photo("WEBP"))
    since = claims.add_evidence(claim.id, upload(image_bytes("JPEG", color=(1, 2, 3)), "new.jpg", "image/jpeg"), PLATFORM, NOW, settings)
    before = {e.id: (e.stored_name, e.sha256, file_of(uploads, e)) for e in (turned, png, webp, since)}
    assert all(secret in before[turned.id][2] for secret in SECRETS)

    report = clean_stored_photos(settings.upload_dir, SYSTEM, LATER)

    assert results(report) == [(turned.id, CLEANED), (png.id, CLEANED), (webp.id, CLEANED), (since.id, ALREADY_CLEAN)]
    for evidence_id in (turned.id, png.id, webp.id):
        row = fresh(evidence_id)
        on_disk = file_of(uploads, row)
        assert [secret for secret in SECRETS if secret in on_disk] == [] and carries_no_metadata(on_disk)
        with Image.open(io.BytesIO(on_disk)) as image:
            assert dict(image.getexif()) == {} and image.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
            assert image.size == (row.width, row.height)
        assert (row.size, row.sha256) == (len(on_disk), hashlib.sha256(on_disk).hexdigest())
        old_name, old_sha, _data = before[evidence_id]
        assert row.stored_name != old_name and row.sha256 != old_sha and not (uploads / "claims" / old_name).exists()
    assert (fresh(turned.id).width, fresh(turned.id).height) == (32, 48)  # stored upright
    assert (fresh(since.id).stored_name, file_of(uploads, since)) == (before[since.id][0], before[since.id][2])
    assert files_in(uploads) == sorted(f"claims/{fresh(e).stored_name}" for e in before)  # no old or temporary file

    entries = cleaned_entries()
    assert [entry.after["evidence_id"] for entry in entries] == [turned.id, png.id, webp.id]
    first = entries[0]
    assert (first.actor, first.at, first.order_id) == ("system:photo-cleanup", LATER, claim.case.order_id)
    assert first.after["case_id"] == claim.case_id and first.after["claim_id"] == claim.id
    assert (first.before["sha256"], first.after["sha256"]) == (before[turned.id][1], fresh(turned.id).sha256)
    assert (first.before["width"], first.after["width"]) == (48, 32)
    assert ACTION in ACTION_LABELS


def test_a_second_run_finds_every_photo_clean_and_changes_nothing(app, settings, uploads):
    """Not even a JPEG or a lossy WebP, which would come out a little different if they were encoded again."""
    claim = make_claim()
    photos = [stored_as_before(settings, claim.id, phone_photo(fmt)) for fmt in ("JPEG", "PNG", "WEBP")]
    assert [result for _id, result in results(clean_stored_photos(settings.upload_dir, SYSTEM, NOW))] == [CLEANED] * 3
    cleaned = everything(uploads)

    again = cli(app)

    assert again.exit_code == 0, again.output
    assert again.stdout == "Cleaned 0, already clean 3, duplicates 0, failed 0.\n" and again.stderr == ""
    assert everything(uploads) == cleaned and len(cleaned_entries()) == len(photos)


def test_a_dry_run_writes_nothing_and_says_what_the_run_then_does(app, settings, uploads):
    claim = make_claim()
    first = stored_as_before(settings, claim.id, phone_photo("JPEG"))
    same = stored_as_before(settings, claim.id, _same_pixels_other_metadata())
    other = stored_as_before(settings, make_claim().id, phone_photo("PNG"))
    since = claims.add_evidence(claim.id, upload(image_bytes(color=(5, 6, 7))), PLATFORM, NOW, settings)
    untouched = everything(uploads)

    dry = cli(app, "--dry-run")

    assert dry.exit_code == 0, dry.output
    assert dry.stdout.splitlines() == [f"photo {first.id}: would be cleaned", f"photo {other.id}: would be cleaned",
                                       "Dry run, nothing written: would clean 2, already clean 1, duplicates 1, failed 0."]
    assert dry.stderr.startswith(f"photo {same.id}: duplicate: once cleaned it is the same photo as photo {first.id}")
    assert everything(uploads) == untouched
    expected = [(first.id, CLEANED), (same.id, DUPLICATE), (other.id, CLEANED), (since.id, ALREADY_CLEAN)]
    assert results(clean_stored_photos(settings.upload_dir, SYSTEM, NOW, dry_run=True)) == expected
    assert results(clean_stored_photos(settings.upload_dir, SYSTEM, NOW)) == expected


def _same_pixels_other_metadata() -> bytes:
    """phone_photo("JPEG")'s pixels with only a comment: the two differ in their metadata alone."""
    out = io.BytesIO()
    corner_pixels().save(out, "JPEG", comment=COMMENT + " again")
    return out.getvalue()


def test_a_photo_that_once_cleaned_repeats_another_of_its_claim_is_left_as_it_is(app, settings, uploads):
    claim = make_claim()
    first = stored_as_before(settings, claim.id, phone_photo("JPEG"))
    same = stored_as_before(settings, claim.id, _same_pixels_other_metadata())
    assert clean_photo(file_of(uploads, first), 10**6) == clean_photo(file_of(uploads, same), 10**6)
    kept = (same.stored_name, same.sha256, file_of(uploads, same))

    report = clean_stored_photos(settings.upload_dir, SYSTEM, NOW)

    assert results(report) == [(first.id, CLEANED), (same.id, DUPLICATE)]
    assert f"photo {first.id}" in report.outcomes[1].detail
    assert (fresh(same.id).stored_name, fresh(same.id).sha256, file_of(uploads, same)) == kept
    assert sorted(files_in(uploads)) == sorted(f"claims/{fresh(e.id).stored_name}" for e in (first, same))
    assert [entry.after["evidence_id"] for entry in cleaned_entries()] == [first.id]
    assert results(clean_stored_photos(settings.upload_dir, SYSTEM, NOW)) == [(first.id, ALREADY_CLEAN), (same.id, DUPLICATE)]


def test_the_same_photo_added_while_one_is_being_cleaned_makes_it_a_duplicate_and_nothing_is_written(app, settings, uploads, monkeypatch):
    """The row is checked again under the case's lock, as an upload is: the photo added meanwhile is seen."""
    claim = make_claim()
    old = stored_as_before(settings, claim.id, phone_photo("JPEG"))
    untouched = everything(uploads)
    real_clean_photo = claim_cleanup.clean_photo

    def an_agent_adds_the_same_photo_meanwhile(data, max_bytes):
        cleaned = real_clean_photo(data, max_bytes)
        claims.add_evidence(claim.id, upload(_same_pixels_other_metadata(), "again.jpg", "image/jpeg"), PLATFORM, NOW, settings)
        return cleaned

    monkeypatch.setattr(claim_cleanup, "clean_photo", an_agent_adds_the_same_photo_meanwhile)
    report = clean_stored_photos(settings.upload_dir, SYSTEM, NOW)

    assert results(report) == [(old.id, DUPLICATE)]
    rows, files, counts = everything(uploads)
    assert rows[0] == untouched[0][0] and len(rows) == 2 and len(files) == 2  # the old photo and the new: no temp file
    assert files[f"claims/{old.stored_name}"] == untouched[1][f"claims/{old.stored_name}"] and cleaned_entries() == []


def test_a_missing_damaged_or_replaced_file_is_reported_and_the_others_are_cleaned(app, settings, uploads):
    claim = make_claim()
    missing = stored_as_before(settings, claim.id, phone_photo("JPEG", size=(20, 20)))
    (uploads / "claims" / missing.stored_name).unlink()
    damaged = stored_as_before(settings, claim.id, PDF, extension=".jpg", size=(640, 480))
    replaced = stored_as_before(settings, claim.id, phone_photo("PNG", size=(20, 20)))
    (uploads / "claims" / replaced.stored_name).write_bytes(phone_photo("PNG", size=(21, 20)))
    good = stored_as_before(settings, claim.id, phone_photo("WEBP"))
    good_file = f"claims/{good.stored_name}"
    left = everything(uploads)

    result = cli(app)

    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [f"photo {good.id}: cleaned", "Cleaned 1, already clean 0, duplicates 0, failed 3."]
    assert result.stderr.splitlines() == [
        f"photo {missing.id}: failed: its file {missing.stored_name} is missing",
        f"photo {damaged.id}: failed: the photo is refused (not_an_image)",
        f"photo {replaced.id}: failed: its file {replaced.stored_name} is not the one its row describes (another sha256): "
        "changed on disk?"]
    rows, files, _counts = everything(uploads)
    assert rows[:3] == left[0][:3]
    del left[1][good_file], files[f"claims/{fresh(good.id).stored_name}"]
    assert files == left[1]  # the failed photos' files as they were, the good one's replaced
    assert carries_no_metadata(file_of(uploads, fresh(good.id))) and len(cleaned_entries()) == 1
    assert results(clean_stored_photos(settings.upload_dir, SYSTEM, NOW)) == [
        (missing.id, FAILED), (damaged.id, FAILED), (replaced.id, FAILED), (good.id, ALREADY_CLEAN)]
