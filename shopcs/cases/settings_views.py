"""The supervisors' case settings: first-response targets per channel, the amber share and the promise words.

The form posts flat names ("email.minutes", "email.weekdays" once per ticked day); sla.parse_sla_settings and
replies.promises.parse_words (through settings.save_*) are the only judges of what is valid, so the page, the stored JSON
and the services can never disagree. An unticked box is sent as "false"/"" on purpose: a missing value would
silently keep its default.
"""
import re

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ..auth.access import current_actor, permission_required
from ..errors import Invalid
from ..followup.forms import ActionForm
from ..timeutil import utcnow
from .replies.promises import MAX_WORD_CHARS, MAX_WORDS
from .rules import CATEGORIES, CHANNELS
from .settings import (
    MAX_OPEN_LIMIT,
    load_max_open,
    load_promise_words,
    load_sla_settings,
    load_triage,
    save_max_open,
    save_promise_words,
    save_sla_settings,
    save_triage,
)
from .sla import MAX_MINUTES, MIDNIGHT, SlaSettings, Target

bp = Blueprint("case_settings", __name__, url_prefix="/cases")
DAY_NAMES = (_l("Monday"), _l("Tuesday"), _l("Wednesday"), _l("Thursday"), _l("Friday"), _l("Saturday"), _l("Sunday"))
PROBLEMS = {  # sla.parse_sla_settings' reasons, as the form shows them
    f"must be a whole number of minutes between 1 and {MAX_MINUTES}":
        _l("Enter a whole number of minutes from 1 to %(max)s.", max=MAX_MINUTES),
    "must fit within four weeks of business hours": _l("The target must fit within four weeks of these business hours."),
    "must be one or more days, 0 (Monday) to 6 (Sunday)": _l("Tick at least one day."),
    "must be a time such as 09:00": _l("Enter a time such as 09:00."),
    "must be a time such as 18:00 (00:00 or 24:00 for midnight)": _l("Enter a time such as 18:00 (00:00 for midnight)."),
    "must be after the opening time (00:00 for midnight)":
        _l("The closing time must be after the opening time (00:00 for midnight)."),
    "must be a number between 0 and 100": _l("Enter a number from 0 to 100."),
    "must be a whole number from 0 to 100": _l("Enter a whole number from 0 to 100."),
    f"must be one of {', '.join(CATEGORIES)}": _l("Choose a category."),
    "must be true or false": _l("Choose yes or no."),
}


def _day_runs(days: frozenset[int]) -> str:
    """{0..4} → "Monday–Friday"; {0, 2, 5, 6} → "Monday, Wednesday, Saturday–Sunday"; all seven → "every day"."""
    if len(days) == 7:
        return _("every day")
    runs, ordered = [], sorted(days)
    for day in ordered:
        if runs and day == runs[-1][1] + 1:
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return ", ".join(str(DAY_NAMES[a]) if a == b else f"{DAY_NAMES[a]}–{DAY_NAMES[b]}" for a, b in runs)


def describe(target: Target) -> str:
    """What a target means in words, e.g. "240 minutes of working time, Monday–Friday 09:00–18:00, public holidays off"."""
    hours = target.hours
    closes = "24:00" if hours.closes == MIDNIGHT else hours.closes.strftime("%H:%M")
    span = _("round the clock") if hours.daily_minutes() == 24 * 60 else f"{hours.opens.strftime('%H:%M')}–{closes}"
    text = _("%(minutes)s minutes of working time, %(days)s %(hours)s", minutes=target.minutes,
             days=_day_runs(hours.weekdays), hours=span)
    return text + (_(", public holidays off") if hours.public_holidays_off else "")


def _percent(settings: SlaSettings) -> str:
    """0.4 → "40", 0.375 → "37.5": the share as the form's percent, without trailing zeros."""
    return f"{(settings.amber_share * 100).normalize():f}"


def _shown(settings: SlaSettings) -> dict:
    """The form's values for the stored settings, as the inputs show them."""
    values = {"amber_percent": _percent(settings)}
    for channel, target in settings.targets.items():
        hours = target.hours
        values.update({f"{channel}.minutes": str(target.minutes), f"{channel}.opens": hours.opens.strftime("%H:%M"),
                       f"{channel}.closes": hours.closes.strftime("%H:%M"),
                       f"{channel}.weekdays": {str(day) for day in hours.weekdays},
                       f"{channel}.public_holidays_off": hours.public_holidays_off})
    return values


def _posted() -> tuple[dict, dict]:
    """(what the parser reads, what the re-rendered form shows) from the posted form."""
    form, shown = request.form, {"amber_percent": request.form.get("amber_percent", "").strip()}
    for channel in CHANNELS:
        for part in ("minutes", "opens", "closes"):
            shown[f"{channel}.{part}"] = form.get(f"{channel}.{part}", "").strip()[:20]
        shown[f"{channel}.weekdays"] = set(form.getlist(f"{channel}.weekdays"))
        shown[f"{channel}.public_holidays_off"] = bool(form.get(f"{channel}.public_holidays_off"))
    parsed = {name: ",".join(sorted(value)) if isinstance(value, set) else
              ("true" if value else "false") if isinstance(value, bool) else value for name, value in shown.items()}
    return parsed, shown


def _words_problem(reason: str) -> str:
    long_word = re.match(r"“(.*)…” is longer than", reason)
    if long_word:
        return _("“%(word)s…” is longer than %(max)s characters.", word=long_word[1], max=MAX_WORD_CHARS)
    return _("At most %(max)s words, one per line.", max=MAX_WORDS)


def _page(shown=None, errors=None, words_text=None, words_error=None, status=200, max_open_text=None,
          assignment_error=None, triage=None, triage_errors=None):
    settings = load_sla_settings()
    return render_template(
        "case_settings/settings.html", form=ActionForm(formdata=None), channels=CHANNELS, day_names=DAY_NAMES,
        shown=shown or _shown(settings), errors=errors or {}, meanings={c: describe(t) for c, t in settings.targets.items()},
        amber_percent=_percent(settings), words=load_promise_words(), words_error=words_error,
        words_text="\n".join(load_promise_words()) if words_text is None else words_text,
        max_open_text=str(load_max_open()) if max_open_text is None else max_open_text, max_open_limit=MAX_OPEN_LIMIT,
        assignment_error=assignment_error, categories=CATEGORIES, triage=triage or load_triage().as_json(),
        triage_errors=triage_errors or {}), status


@bp.route("/settings")
@permission_required("cases.settings")
def settings_page():
    return _page()


@bp.route("/settings", methods=["POST"])
@permission_required("cases.settings")
def save_targets():
    values, shown = _posted()
    if not ActionForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return _page(shown=shown, status=400)
    try:
        save_sla_settings(values, current_actor(), utcnow())
    except Invalid as exc:
        errors = {name: str(PROBLEMS.get(reason, reason)) for name, reason in exc.fields.items()}
        flash(_("Nothing was saved: some settings are not valid."), "error")
        return _page(shown=shown, errors=errors, status=422)
    flash(_("Response-time targets saved. They apply to cases that arrive from now on."), "info")
    return redirect(url_for("case_settings.settings_page"))


@bp.route("/settings/promise-words", methods=["POST"])
@permission_required("cases.settings")
def save_words():
    text = request.form.get("words", "")[:20000]
    if not ActionForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return _page(words_text=text, status=400)
    try:
        save_promise_words(text, current_actor(), utcnow())
    except Invalid as exc:
        flash(_("Nothing was saved: some settings are not valid."), "error")
        return _page(words_text=text, words_error=_words_problem(str(exc.fields.get("words", ""))), status=422)
    flash(_("Promise words saved."), "info")
    return redirect(url_for("case_settings.settings_page") + "#promise-words")


@bp.route("/settings/assignment", methods=["POST"])
@permission_required("cases.settings")
def save_assignment():
    text = request.form.get("max_open", "").strip()[:20]
    if not ActionForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return _page(max_open_text=text, status=400)
    try:
        save_max_open(text, current_actor(), utcnow())
    except Invalid:
        flash(_("Nothing was saved: some settings are not valid."), "error")
        return _page(max_open_text=text, status=422,
                     assignment_error=_("Enter a whole number from 0 to %(max)s.", max=MAX_OPEN_LIMIT))
    flash(_("Assignment saved."), "info")
    return redirect(url_for("case_settings.settings_page") + "#assignment")


@bp.route("/settings/assistant", methods=["POST"])
@permission_required("cases.settings")
def save_assistant():
    # the box sends "true" after its hidden "false": the last value is the box's state
    values = {name: (request.form.getlist(name) or [""])[-1][:40]
              for name in ("min_confidence", "default_category", "auto_answer")}
    if not ActionForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return _page(triage=values, status=400)
    try:
        save_triage(values, current_actor(), utcnow())
    except Invalid as exc:
        flash(_("Nothing was saved: some settings are not valid."), "error")
        return _page(triage=values, triage_errors={name: str(PROBLEMS.get(reason, reason))
                                                   for name, reason in exc.fields.items()}, status=422)
    flash(_("Assistant settings saved. They apply to conversations that arrive from now on."), "info")
    return redirect(url_for("case_settings.settings_page") + "#assistant")
