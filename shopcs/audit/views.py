"""The audit log page: who changed what, when, before and after."""
from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from ..app_config import shop_zone
from ..auth.access import permission_required
from ..i18n_labels import ACTION_LABELS, label_lookup
from ..orders.numbers import order_id_of, order_nos_of
from ..paging import page_number
from .labels import changes, shown_value
from .search import AuditQuery, search

bp = Blueprint("audit", __name__)
bp.add_app_template_filter(label_lookup(ACTION_LABELS), "audit_action")
bp.add_app_template_filter(shown_value, "audit_value")  # the audit log and the timelines
PER_PAGE = 50


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    order_no = StringField(_l("Order no."), validators=[Optional(), Length(max=64)])
    actor = StringField(_l("Who"), validators=[Optional(), Length(max=100)])
    # chosen from the actions' names; a URL may still name a group ("refund" finds refund.*)
    action = SelectField(_l("Action"), choices=[], validate_choice=False, validators=[Optional(), Length(max=50)])


def _action_choices() -> list[tuple[str, str]]:
    named = sorted(((code, str(label)) for code, label in ACTION_LABELS.items()), key=lambda choice: choice[1])
    return [("", _("Any action")), *named]


@bp.route("/audit")
@permission_required("audit.view")
def index():
    form = AuditFilterForm(request.args)
    form.action.choices = _action_choices()
    query = AuditQuery(**{name: (form[name].data or "")[:100] for name in ("order_no", "actor", "action")})
    order_id = order_id_of(query.order_no.strip()) if query.order_no.strip() else None
    pagination = search(query, page_number(request.args), PER_PAGE, order_id)
    order_nos = order_nos_of({entry.order_id for entry in pagination.items if entry.order_id is not None})
    filters = {name: value for name, value in vars(query).items() if value}
    zone = shop_zone()
    return render_template("audit/index.html", form=form, pagination=pagination, order_nos=order_nos, filters=filters,
                           changes=lambda entry: changes(entry.action, entry.before, entry.after, zone, only_changed=False))
