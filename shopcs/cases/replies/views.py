"""Reply template pages: everyone who works cases reads and searches them, supervisors and admins write them; and
the case page's picker asks /cases/<id>/templates for them, filled with that case's variables."""
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

try:  # WTForms 3.3 deprecates (value, label) tuples
    from wtforms.fields.choices import SelectChoice as _Choice
except ImportError:  # pragma: no cover - older WTForms
    def _Choice(value, label):
        return (value, label)

from ...api_support import error_response
from ...auth.access import current_actor, may, permission_required
from ...errors import Invalid, NotFound, ServiceError
from ...orders.forms import apply_errors
from ...paging import page_number
from ...timeutil import utcnow
from ...web import template_language
from ..access import check_case_access
from ..queries import get_case
from ..rules import CATEGORIES
from . import templates as service
from .models import BODY_MAX, KEY_MAX, LANGUAGES, TITLE_MAX
from .rules import VARIABLES

bp = Blueprint("reply_templates", __name__)
PER_PAGE = 25

CATEGORY_LABELS = {
    "tracking": _l("Tracking"), "payment": _l("Payment and refund money"), "claim": _l("Damage or loss claim"),
    "after_sales": _l("After-sales"), "pre_sale": _l("Pre-sale question"), "complaint": _l("Complaint or suggestion"),
}
LANGUAGE_LABELS = {"zh_CN": _l("Chinese"), "en": _l("English")}
STATUS_LABELS = {"active": _l("Active"), "inactive": _l("Deactivated"), "all": _l("All")}
_STATUS_ACTIVE = {"active": True, "inactive": False, "all": None}


def _category_label(code):
    return str(CATEGORY_LABELS.get(code, code)) if code else _("Any case")


bp.add_app_template_filter(_category_label, "reply_category")
bp.add_app_template_filter(lambda code: str(LANGUAGE_LABELS.get(code, code)), "reply_language")
# For templates/cases/_template_picker.html, included by the case page whose view knows nothing of these labels.
bp.add_app_template_global(lambda: [(code, str(CATEGORY_LABELS[code])) for code in CATEGORIES], "reply_template_categories")


class TemplateForm(FlaskForm):
    """The service checks everything again (variables above all); these catch typing slips."""

    key = StringField(_l("Key"), validators=[Length(max=KEY_MAX)],
                      description=_l("Lowercase letters, digits, “-” and “_”; the same answer in both languages may share it."))
    category = SelectField(_l("Category"), choices=[_Choice("", _l("Any case"))]
                           + [_Choice(code, CATEGORY_LABELS[code]) for code in CATEGORIES], validate_choice=False)
    language = SelectField(_l("Language"), choices=[_Choice(code, LANGUAGE_LABELS[code]) for code in LANGUAGES],
                           validate_choice=False)
    title = StringField(_l("Title"), validators=[Length(max=TITLE_MAX)])
    body = TextAreaField(_l("Text"), validators=[Length(max=BODY_MAX)])


class EditTemplateForm(TemplateForm):
    key = None  # the key names the answer: it stays


class ConfirmForm(FlaskForm):
    """A button that posts: CSRF only."""


class FilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("Search"), validators=[Optional(), Length(max=service.QUERY_MAX)])
    category = SelectField(_l("Category"), validate_choice=False, choices=[_Choice("", _l("All categories")),
                           _Choice("any", _l("Any case"))] + [_Choice(code, CATEGORY_LABELS[code]) for code in CATEGORIES])
    language = SelectField(_l("Language"), validate_choice=False, choices=[_Choice("", _l("All languages"))]
                           + [_Choice(code, LANGUAGE_LABELS[code]) for code in LANGUAGES])
    status = SelectField(_l("Status"), validate_choice=False,
                         choices=[_Choice(code, label) for code, label in STATUS_LABELS.items()])


def _choice(value, allowed) -> str:
    return value if value in allowed else ""


@bp.route("/reply-templates/")
@permission_required("reply_templates.use")
def index():
    form = FilterForm(request.args)
    filters = {"q": (form.q.data or "").strip()[: service.QUERY_MAX],
               "category": _choice(form.category.data, ("any", *CATEGORIES)),
               "language": _choice(form.language.data, LANGUAGES), "status": _choice(form.status.data, _STATUS_ACTIVE)}
    pagination = service.search_templates(filters["q"], filters["category"] or None, filters["language"] or None,
                                          active=_STATUS_ACTIVE[filters["status"] or "active"],
                                          page=page_number(request.args), per_page=PER_PAGE)
    return render_template("reply_templates/index.html", form=form, pagination=pagination,
                           filters={name: value for name, value in filters.items() if value},
                           may_edit=may("reply_templates.manage"))


def _form_page(form, template=None, status=200):
    return render_template("reply_templates/form.html", form=form, template=template, variables=VARIABLES), status


def _save(form, write):
    """Runs `write(values)` for a valid form; field errors from the service go on the form, nothing is written."""
    if not form.validate_on_submit():
        return None
    values = {name: form[name].data for name in ("key", "category", "language", "title", "body") if name in form}
    try:
        return write(values)
    except Invalid as exc:
        apply_errors(form, exc.fields, _)
        flash(_("Nothing was saved: the template is not valid."), "error")
        return None


@bp.route("/reply-templates/new", methods=["GET", "POST"])
@permission_required("reply_templates.manage")
def new():
    form = TemplateForm()
    if not form.is_submitted() and request.args.get("language") in LANGUAGES:
        form.language.data = request.args["language"]
    template = _save(form, lambda values: service.create_template(values, current_actor(), utcnow()))
    if template is not None:
        flash(_("Reply template %(title)s added.", title=template.title), "info")
        return redirect(url_for("reply_templates.index"))
    return _form_page(form, status=422 if form.is_submitted() else 200)


def _template_or_404(template_id):
    try:
        return service.get_template(template_id)
    except NotFound:
        abort(404)


@bp.route("/reply-templates/<dbid:template_id>/edit", methods=["GET", "POST"])
@permission_required("reply_templates.manage")
def edit(template_id):
    template = _template_or_404(template_id)
    form = EditTemplateForm(obj=template if request.method == "GET" else None)
    if request.method == "GET":
        form.category.data = template.category or ""
    saved = _save(form, lambda values: service.update_template(template.id, values, current_actor(), utcnow()))
    if saved is not None:
        flash(_("Reply template %(title)s saved.", title=saved.title), "info")
        return redirect(url_for("reply_templates.index"))
    return _form_page(form, template, status=422 if form.is_submitted() else 200)


@bp.route("/reply-templates/<dbid:template_id>/deactivate", methods=["GET", "POST"])
@permission_required("reply_templates.manage")
def deactivate(template_id):
    """GET asks for confirmation; the POST from that page deactivates."""
    template = _template_or_404(template_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        service.deactivate_template(template.id, current_actor(), utcnow())
        flash(_("Reply template %(title)s deactivated.", title=template.title), "info")
        return redirect(url_for("reply_templates.index"))
    return render_template("reply_templates/deactivate.html", template=template, form=form)


@bp.route("/cases/<dbid:case_id>/templates")
@login_required
def for_case(case_id):
    """[{id, title, category, language, text}]: active templates filled for the case, as plain text."""
    try:
        case = get_case(case_id)
        check_case_access(current_actor(), case)
    except ServiceError as exc:
        return error_response(exc.status, exc.code, exc.message, exc.fields)
    category = request.args.get("category", "")
    rows = service.rendered_for_case(case, current_user, template_language(), request.args.get("q", ""),
                                     category if category in CATEGORIES or category == "any" else None)
    return jsonify(rows)
