"""Load and save the follow-up settings: stored in the shop settings (the shop-wide ones in area "shop", the rest
in area "followup"), validated, every change audited."""
from dataclasses import replace
from datetime import datetime, time, timedelta
from types import MappingProxyType

from flask_babel import lazy_gettext as _l

from ..actor import Actor
from ..audit.services import record
from ..errors import Invalid
from ..extensions import db
from ..settings import store
from ..settings.models import SHOP_KEYS
from .rules import quiet_at_wall
from .template_checks import template_problems
from .texts import TEMPLATE_KINDS
from .values import LOCALES, SCALAR_FIELDS, FollowupSettings

__all__ = ["FollowupSettings", "load_settings", "save_settings", "parse_values"]

_RANGES = {  # field: (lowest, highest)
    "first_reminder_minutes": (1, 24 * 60),
    "second_reminder_hours": (1, 72),
    "max_reminders": (0, 5),
    "auto_close_hours": (1, 24 * 30),
    "repeat_window_days": (1, 3650),
    "greeting_gap_days": (0, 365),
}
_TIMES = ("quiet_start", "quiet_end", "greeting_send_time")
_MOMENTS = ("campaign_start", "campaign_end")  # local wall-clock datetimes, stored as "2026-11-11T00:00"
LONGEST_CAMPAIGN = timedelta(hours=48)  # a festival's first nights, not a way to switch quiet hours off for good


def _template_key(kind: str, locale: str) -> str:
    return f"template:{kind}:{locale}"


def load_settings() -> FollowupSettings:
    """The saved values over the defaults from the issue (30 min, 12 h, 2, 72 h, 22:00–08:00, 10:00, 365, 7)."""
    areas = store.read_areas("followup", "shop")
    rows = {**areas["followup"], **areas["shop"]}
    defaults = FollowupSettings()
    values = {}
    for name in SCALAR_FIELDS:
        if name in rows:
            values[name] = _loaded(name, rows[name])
    templates = dict(defaults.templates)
    for kind in TEMPLATE_KINDS:
        for locale in LOCALES:
            if _template_key(kind, locale) in rows:
                templates[(kind, locale)] = rows[_template_key(kind, locale)]
    return replace(defaults, **values, templates=MappingProxyType(templates))


def _loaded(name: str, stored):
    if name in _TIMES:
        return time.fromisoformat(stored)
    if name in _MOMENTS:
        return None if stored is None else datetime.fromisoformat(stored)
    return stored


def _parse_moment(value) -> datetime | None:
    """A local date and time from a form ("2026-11-11T00:00", "2026-11-11 00:00") or a naive datetime; "" is None."""
    if isinstance(value, datetime):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    text = str(value or "").strip()
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        raise ValueError("a wall-clock time has no zone")
    return moment.replace(second=0, microsecond=0)


def _parse_time(value) -> time:
    if isinstance(value, time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    return time.fromisoformat(str(value).strip())


def _template_items(templates) -> dict:
    """{(kind, locale): text}; "kind:locale" string keys are accepted too (form field names)."""
    out = {}
    for key, text in (templates or {}).items():
        if not isinstance(key, tuple):
            key = tuple(str(key).split(":", 1)) if ":" in str(key) else (str(key), "")
        out[key] = text
    return out


def parse_values(values: dict, current: FollowupSettings) -> FollowupSettings:
    """`current` with `values` applied; raises Invalid naming every bad field."""
    errors, changes = {}, {}
    for name in _RANGES:
        if name not in values:
            continue
        low, high = _RANGES[name]
        try:
            number = int(str(values[name]).strip())
        except ValueError:
            errors[name] = _l("must be a whole number")
            continue
        if not low <= number <= high:
            errors[name] = _l("must be between %(low)s and %(high)s", low=low, high=high)
        changes[name] = number
    for name in _TIMES:
        if name in values:
            try:
                changes[name] = _parse_time(values[name])
            except ValueError:
                errors[name] = _l("must be a time such as 22:00")
    for name in _MOMENTS:
        if name in values:
            try:
                changes[name] = _parse_moment(values[name])
            except ValueError:
                errors[name] = _l("must be a date and time such as 2026-11-11 00:00")
    if "locale" in values:
        if values["locale"] not in LOCALES:
            errors["locale"] = _l("must be one of %(choices)s", choices=", ".join(LOCALES))
        changes["locale"] = values["locale"]
    for name in ("shop_name", "shop_name_en"):
        if name in values:
            changes[name] = str(values[name] or "").strip()
            if len(changes[name]) > 100:
                errors[name] = _l("must be at most %(limit)s characters", limit=100)
    if "notify_platform_shipments" in values:
        changes["notify_platform_shipments"] = bool(values["notify_platform_shipments"])
    templates = dict(current.templates)
    for (kind, locale), text in _template_items(values.get("templates")).items():
        field = f"template_{kind}_{locale}"
        if kind not in TEMPLATE_KINDS or locale not in LOCALES:
            errors[field] = _l("is not a known template")
            continue
        problems = template_problems(text or "")
        if problems:
            errors[field] = " ".join(map(str, problems))
        templates[(kind, locale)] = text
    if errors:
        raise Invalid(_l("Some settings are not valid."), errors)
    result = replace(current, **changes, templates=MappingProxyType(templates))
    _check_together(result)
    return result


def _campaign_problem(start: datetime | None, end: datetime | None) -> str | None:
    if start is None and end is None:
        return None
    if start is None or end is None:
        return _l("give both the start and the end of the campaign, or neither")
    if end <= start:
        return _l("must come after the campaign's start")
    if end - start > LONGEST_CAMPAIGN:
        return _l("a campaign window lasts at most %(hours)s hours", hours=int(LONGEST_CAMPAIGN.total_seconds() // 3600))
    return None


def _check_together(settings: FollowupSettings) -> None:
    problem = _campaign_problem(settings.campaign_start, settings.campaign_end)
    if problem:
        raise Invalid(_l("Some settings are not valid."), {"campaign_end": problem})
    if settings.second_reminder_hours * 60 <= settings.first_reminder_minutes:
        raise Invalid(_l("Some settings are not valid."), {"second_reminder_hours": _l("must come after the first reminder")})
    if quiet_at_wall(settings.greeting_send_time, settings):
        raise Invalid(_l("Some settings are not valid."), {"greeting_send_time": _l("must be outside the quiet hours")})


def _stored_value(value):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%dT%H:%M")
    return value.strftime("%H:%M") if isinstance(value, time) else value


def _stored(settings: FollowupSettings) -> dict:
    out = {name: getattr(settings, name) for name in SCALAR_FIELDS}
    out = {name: _stored_value(value) for name, value in out.items()}
    out.update({_template_key(kind, locale): text for (kind, locale), text in settings.templates.items()})
    return out


def save_settings(values: dict, actor: Actor, now: datetime) -> FollowupSettings:
    """Validate and store; audit "followup.settings" with the fields that changed. Commits."""
    current = load_settings()
    new = parse_values(values, current)
    before_all, after_all = _stored(current), _stored(new)
    changed = [key for key in after_all if before_all.get(key) != after_all[key]]
    if not changed:
        return new
    shop_wide = {key: after_all[key] for key in changed if key in SHOP_KEYS}
    store.write("shop", shop_wide, actor.label, now)
    store.write("followup", {key: after_all[key] for key in changed if key not in shop_wide}, actor.label, now)
    record(actor, "followup.settings", now, before={k: before_all.get(k) for k in changed},
           after={k: after_all[k] for k in changed})
    db.session.commit()
    return new
