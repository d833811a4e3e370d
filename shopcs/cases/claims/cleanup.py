"""Cleaning the claim photos stored before uploads were cleaned: those files are the uploads themselves, with the EXIF
a phone writes (the GPS position where the photo was taken, often the buyer's home, and the camera's serial numbers).
Each is replaced by its copy from images.clean_photo, as an upload is stored now, and its row describes the copy.

Photo by photo, each in its own transaction: one that cannot be cleaned is reported and left as it is while the others
go on, and a run cut short is finished by running it again (the photos it cleaned are then already clean)."""
import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ...actor import Actor
from ...audit.services import changes
from ...extensions import db
from ..models import Case
from ..timeline import case_transaction, lock_case, trace
from . import files as claim_files
from .image_parts import carries_no_metadata
from .images import Photo, PhotoRefused, clean_photo
from .models import Claim, ClaimEvidence

ACTION = "claim.evidence_cleaned"
CLEANED, ALREADY_CLEAN, DUPLICATE, FAILED = "cleaned", "already_clean", "duplicate", "failed"
_DESCRIBED = ("content_type", "size", "width", "height", "sha256")  # what a row says of its file


@dataclass(frozen=True)
class Outcome:
    """What became of one photo (a ClaimEvidence id); `detail` says why a duplicate or a failure was left as it is."""
    evidence_id: int
    result: str  # CLEANED (or would be, in a dry run), ALREADY_CLEAN, DUPLICATE or FAILED
    detail: str = ""


@dataclass(frozen=True)
class Report:
    dry_run: bool
    outcomes: tuple[Outcome, ...]

    def count(self, result: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.result == result)

    @property
    def ok(self) -> bool:
        return self.count(FAILED) == 0


class _LeftAsItIs(Exception):
    """A photo that is not cleaned: `result` is DUPLICATE or FAILED, `detail` says why."""

    def __init__(self, result: str, detail: str):
        super().__init__(detail)
        self.result, self.detail = result, detail


def clean_stored_photos(upload_dir: str, actor: Actor, now: datetime, dry_run: bool = False) -> Report:
    """Every photo (its file under `upload_dir`, SHOPCS_UPLOAD_DIR), in the order they were stored: of two photos of
    one claim that are the same once cleaned, the first is cleaned and the other reported as its duplicate. A dry run
    decides the same way and writes nothing. It commits photo by photo and ends the session's transaction: call it
    with nothing of the caller's pending."""
    given: dict[tuple[int, str], int] = {}  # (claim id, sha256 of a cleaned copy) → the photo given it in this run
    outcomes = []
    for evidence_id in db.session.scalars(select(ClaimEvidence.id).order_by(ClaimEvidence.id)).all():
        try:
            outcomes.append(_clean_one(upload_dir, evidence_id, actor, now, dry_run, given))
        except _LeftAsItIs as left:
            outcomes.append(Outcome(evidence_id, left.result, left.detail))
    return Report(dry_run, tuple(outcomes))


def _clean_one(upload_dir: str, evidence_id: int, actor: Actor, now: datetime, dry_run: bool, given: dict) -> Outcome:
    """Already clean is decided from the file's parts, not by cleaning it again and comparing: a JPEG or lossy WebP
    encoded again comes out a little different every time, and would lose a little on every run."""
    stored = _stored(evidence_id)
    data = _uploaded_file(upload_dir, stored)
    if carries_no_metadata(data):
        return Outcome(evidence_id, ALREADY_CLEAN)
    cleaned, photo = _cleaned_copy(data)
    if dry_run:
        _check_not_a_duplicate(stored, photo.sha256, given)
    else:
        _replace(upload_dir, stored, cleaned, photo, actor, now, given)
    given[(stored.claim_id, photo.sha256)] = evidence_id
    return Outcome(evidence_id, CLEANED)


@dataclass(frozen=True)
class _Stored:
    """A photo's row as its file was read: the row is read again, under its case's lock, before it is changed."""
    evidence_id: int
    claim_id: int
    stored_name: str
    sha256: str


def _stored(evidence_id: int) -> _Stored:
    """Read in a transaction of its own, ended at once: none is held open while the file is read and encoded (on
    SQLite, a transaction that read before another connection wrote could not write afterwards)."""
    evidence = db.session.get(ClaimEvidence, evidence_id)
    if evidence is None:  # no code removes a photo's row; someone at the database may have
        db.session.rollback()
        raise _LeftAsItIs(FAILED, "its row was removed while the command ran")
    stored = _Stored(evidence.id, evidence.claim_id, evidence.stored_name, evidence.sha256)
    db.session.rollback()
    return stored


def _uploaded_file(upload_dir: str, stored: _Stored) -> bytes:
    """The file's bytes, which must be those its row describes: a file changed or replaced on disk is not the photo
    that was uploaded, and cleaning it would record it as the evidence."""
    name = stored.stored_name
    try:
        with open(claim_files.stored_path(upload_dir, name), "rb") as handle:
            data = handle.read()
    except ValueError as exc:
        raise _LeftAsItIs(FAILED, f"its stored name {name!r} is not one the app makes") from exc
    except FileNotFoundError as exc:
        raise _LeftAsItIs(FAILED, f"its file {name} is missing") from exc
    except OSError as exc:
        raise _LeftAsItIs(FAILED, f"its file {name} cannot be read ({exc.strerror or exc})") from exc
    if hashlib.sha256(data).hexdigest() != stored.sha256:
        raise _LeftAsItIs(FAILED, f"its file {name} is not the one its row describes (another sha256): changed on disk?")
    return data


def _cleaned_copy(data: bytes) -> tuple[bytes, Photo]:
    """No size limit: the file was accepted once, under the limit of its day. The pixel limit applies, as to any
    photo decoded, and a file no longer accepted (damaged, or an animation, which uploads once were) is reported."""
    try:
        return clean_photo(data, max_bytes=len(data))
    except PhotoRefused as exc:
        raise _LeftAsItIs(FAILED, f"the photo is refused ({exc.code})") from exc


def _check_not_a_duplicate(stored: _Stored, sha256: str, given: dict) -> None:
    """A claim has each photo once (uq_claim_evidence_photo): when another of its photos already is this copy, this
    one is left as it is for a person to decide which to keep; nothing is deleted. `given` holds the copies this run
    gave, which a dry run does not write."""
    other = db.session.scalar(select(ClaimEvidence.id).where(
        ClaimEvidence.claim_id == stored.claim_id, ClaimEvidence.sha256 == sha256, ClaimEvidence.id != stored.evidence_id))
    other = other if other is not None else given.get((stored.claim_id, sha256))
    if other is not None:
        raise _LeftAsItIs(DUPLICATE, f"once cleaned it is the same photo as photo {other}; left as it is, with its metadata")


def _replace(upload_dir: str, stored: _Stored, cleaned: bytes, photo: Photo, actor: Actor, now: datetime, given: dict) -> None:
    """The copy is stored as claims.add_evidence stores an upload: written to a temporary file, the row changed and
    the audit entry added in one transaction under the case's lock, and the file renamed to its new name once that
    commits. A row changed since its file was read is left alone. The old file is removed last, so the row always
    names a whole file."""
    temp = claim_files.write_temp(upload_dir, cleaned)
    new_name = claim_files.new_stored_name(photo.extension)
    try:
        with case_transaction():
            evidence, case = _locked_evidence(stored.evidence_id)
            if evidence is None or (evidence.stored_name, evidence.sha256) != (stored.stored_name, stored.sha256):
                raise _LeftAsItIs(FAILED, "it changed while it was being cleaned; run the command again")
            _check_not_a_duplicate(stored, photo.sha256, given)
            _describe_copy(evidence, case, new_name, photo, actor, now)
    except BaseException:
        claim_files.discard(temp)
        raise
    claim_files.publish(upload_dir, temp, new_name)
    _remove_old_file(upload_dir, stored.stored_name)


def _locked_evidence(evidence_id: int) -> tuple[ClaimEvidence | None, Case | None]:
    """The photo under its case's lock, which claims.add_evidence takes too: a photo added meanwhile is seen."""
    case_id = db.session.scalar(select(Claim.case_id).join(ClaimEvidence, ClaimEvidence.claim_id == Claim.id)
                                .where(ClaimEvidence.id == evidence_id))
    if case_id is None:
        return None, None
    case = lock_case(case_id)
    return db.session.get(ClaimEvidence, evidence_id, populate_existing=True), case


def _describe_copy(evidence: ClaimEvidence, case: Case, new_name: str, photo: Photo, actor: Actor, now: datetime) -> None:
    """The row describes the copy, as for an upload now, so a later upload of the same photo is found the same. The
    audit entry keeps what changed, the upload's own sha256 included: it leads to the entry of the upload."""
    before, after = changes(evidence, list(_DESCRIBED), {name: getattr(photo, name) for name in _DESCRIBED})
    evidence.stored_name = new_name
    for name, value in after.items():
        setattr(evidence, name, value)
    trace(case, ACTION, actor, now, before=before, after={"claim_id": evidence.claim_id, "evidence_id": evidence.id, **after})


def _remove_old_file(upload_dir: str, old_name: str) -> None:
    """After the commit: the row no longer names it. A file that cannot be removed still holds the metadata, so it
    is reported (the photo is cleaned all the same, and the next run finds it already clean)."""
    try:
        claim_files.discard(claim_files.stored_path(upload_dir, old_name))
    except OSError as exc:
        raise _LeftAsItIs(FAILED, f"cleaned, but its old file {old_name} cannot be removed ({exc.strerror or exc}): "
                                  "remove it by hand") from exc
