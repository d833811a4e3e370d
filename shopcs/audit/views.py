"""The audit log page: who changed what, when, before and after."""
from flask import Blueprint, current_app, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import Length, Optional

from ..auth.access import roles_required
from ..i18n_labels import ACTION_LABELS, label_lookup
from ..paging import page_number
from .labels import changes
from .search import AuditQuery, search

bp = Blueprint("audit", __name__)
bp.add_app_template_filter(label_lookup(ACTION_LABELS), "audit_action")
PER_PAGE = 50


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    order_no = StringField(_l("Order no."), validators=[Optional(), Length(max=64)])
    actor = StringField(_l("Who"), validators=[Optional(), Length(max=100)])
    action = StringField(_l("Action"), validators=[Optional(), Length(max=50)])


@bp.route("/audit")
@roles_required("supervisor", "operator")
def index():
    form = AuditFilterForm(request.args)
    query = AuditQuery(**{name: (form[name].data or "")[:100] for name in ("order_no", "actor", "action")})
    pagination, order_nos = search(query, page_number(request.args), PER_PAGE)
    filters = {name: value for name, value in vars(query).items() if value}
    zone = current_app.config["SHOPCS_TIMEZONE"]
    return render_template("audit/index.html", form=form, pagination=pagination, order_nos=order_nos, filters=filters,
                           changes=lambda entry: changes(entry.action, entry.before, entry.after, zone, only_changed=False))
