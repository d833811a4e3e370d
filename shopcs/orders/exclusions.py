"""The per-carrier lists of provinces a carrier does not reach, as stored (or the defaults).

Domestic carriers only (an address abroad is not checked). A carrier with no rows uses address.DEFAULT_EXCLUSIONS.
A supervisor who empties a list that has a default leaves one marker row with an empty province, so "reaches
everywhere" is kept as a choice.
"""
import re
from datetime import datetime

from sqlalchemy import delete, select

from ..actor import Actor
from ..audit.services import record
from ..errors import Invalid
from ..extensions import db
from .address import DEFAULT_EXCLUSIONS
from .models import CarrierExclusion
from .shipping import DOMESTIC_CARRIERS

MAX_PROVINCES = 40


# Built once, on the table: the order queue reads the lists on every request, and building an ORM select
# (and loading entities) cost more than running it.
_STORED = select(CarrierExclusion.__table__).order_by(CarrierExclusion.__table__.c.id)


def load_exclusions() -> dict[str, list[str]]:
    stored: dict[str, list[str]] = {}
    for row in db.session.execute(_STORED):
        stored.setdefault(row.carrier, [])
        if row.province:
            stored[row.carrier].append(row.province)
    return {code: stored[code] if code in stored else list(DEFAULT_EXCLUSIONS.get(code, ())) for code in DOMESTIC_CARRIERS}


def parse_provinces(text: str) -> list[str]:
    """One province per line (commas and 、 also separate); blanks and repeats dropped, order kept."""
    names = [part.strip() for part in re.split(r"[\n\r,，、;；]+", text or "")]
    return list(dict.fromkeys(name for name in names if name))


def save_exclusions(lists: dict[str, list[str]], actor: Actor, now: datetime) -> list[str]:
    """Replace the lists of the given carriers; returns the codes that changed (each audited)."""
    errors = {}
    for code, provinces in lists.items():
        if code not in DOMESTIC_CARRIERS:
            errors[code] = "Unknown carrier."
        elif len(provinces) > MAX_PROVINCES or any(len(p) > 50 for p in provinces):
            errors[code] = f"At most {MAX_PROVINCES} provinces of at most 50 characters each."
    if errors:
        raise Invalid("Some lists are not valid.", errors)
    current = load_exclusions()
    changed = []
    for code, provinces in lists.items():
        if provinces == current[code]:
            continue
        db.session.execute(delete(CarrierExclusion).where(CarrierExclusion.carrier == code))
        rows = provinces or ([""] if DEFAULT_EXCLUSIONS.get(code) else [])
        db.session.add_all(CarrierExclusion(carrier=code, province=p) for p in rows)
        record(actor, "carrier.exclusions", now, before={"carrier": code, "provinces": current[code]},
               after={"carrier": code, "provinces": provinces})
        changed.append(code)
    db.session.commit()
    return changed
