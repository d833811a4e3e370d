"""The agents' follow-up page: messages waiting to be sent by hand, due soon, sent today, failed and dead."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..auth.access import current_actor, roles_required
from ..errors import NotFound, ServiceError
from ..i18n_labels import cancel_reason
from ..notify import sender
from ..orders.refund_views import safe_back
from ..timeutil import utcnow
from . import customer_views, queries, settings_views
from .forms import CHANNEL_LABELS, CONCERN_LABELS, KIND_LABELS, OUTBOX_STATUS_BADGES, OUTBOX_STATUS_LABELS, ActionForm

bp = Blueprint("followup", __name__)
settings_views.register(bp)
customer_views.register(bp)

FOLLOWUP_ROLES = ("agent", "after_sales", "supervisor")
PER_PAGE = 25


@bp.app_template_filter("outbox_kind")
def _kind_label(code: str) -> str:
    return str(KIND_LABELS.get(code, code))


@bp.app_template_filter("outbox_status")
def _status_label(code: str) -> str:
    return str(OUTBOX_STATUS_LABELS.get(code, code))


@bp.app_template_filter("outbox_badge")
def _status_badge(code: str) -> str:
    return OUTBOX_STATUS_BADGES.get(code, "badge-muted")


@bp.app_template_filter("cancel_reason")
def _cancel_reason(text: str | None) -> str:
    return cancel_reason(text)


@bp.app_template_filter("outbox_channel")
def _channel_label(code: str) -> str:
    return str(CHANNEL_LABELS.get(code, code))


@bp.app_template_filter("concern_category")
def _concern_label(code: str) -> str:
    return str(CONCERN_LABELS.get(code, code))


@bp.route("/followup")
@roles_required(*FOLLOWUP_ROLES)
def index():
    tab = request.args.get("tab", "manual")
    tab = tab if tab in queries.TABS else "manual"
    now, zone = utcnow(), current_app.config["SHOPCS_TIMEZONE"]
    pagination = queries.tab_page(tab, now, zone, request.args.get("page", 1, type=int), PER_PAGE)
    orders, customers = queries.orders_and_customers(pagination.items)
    return render_template("followup/index.html", tab=tab, pagination=pagination, orders=orders, customers=customers,
                           counts=queries.tab_counts(now, zone), form=ActionForm(),
                           here=url_for("followup.index", tab=tab, page=pagination.page))


def _act(message_id: int, action, done: str):
    form = ActionForm()
    back = safe_back(form.next.data, url_for("followup.index"))
    if form.validate_on_submit():
        try:
            action(message_id, current_actor(), utcnow())
        except NotFound:
            abort(404)
        except ServiceError as exc:
            flash(_("Nothing was changed: %(reason)s", reason=exc.message), "error")
        else:
            flash(done, "info")
    return redirect(back)


@bp.route("/followup/messages/<int:message_id>/sent", methods=["POST"])
@roles_required(*FOLLOWUP_ROLES)
def mark_sent(message_id):
    return _act(message_id, sender.mark_manual_sent, _("Marked as sent."))


@bp.route("/followup/messages/<int:message_id>/retry", methods=["POST"])
@roles_required(*FOLLOWUP_ROLES)
def retry(message_id):
    return _act(message_id, sender.retry, _("The message will be sent again."))
