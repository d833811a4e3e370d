"""The agents' follow-up page: messages waiting to be sent by hand, due soon, sent today, failed and dead."""
from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..app_config import shop_zone
from ..auth.access import current_actor, permission_required
from ..cases.reply_status import reply_sent
from ..errors import NotFound, ServiceError
from ..i18n_labels import cancel_reason, label_lookup
from ..notify import sender
from ..paging import page_number
from ..redirects import safe_local_path
from ..timeutil import utcnow
from . import customer_views, queries, settings_views
from .forms import CHANNEL_LABELS, CONCERN_LABELS, KIND_LABELS, OUTBOX_STATUS_BADGES, OUTBOX_STATUS_LABELS, ActionForm

bp = Blueprint("followup", __name__)
settings_views.register(bp)
customer_views.register(bp)

PER_PAGE = 25


_FILTERS = {"outbox_kind": label_lookup(KIND_LABELS), "outbox_status": label_lookup(OUTBOX_STATUS_LABELS),
            "outbox_badge": label_lookup(OUTBOX_STATUS_BADGES, default="badge-muted"),
            "outbox_channel": label_lookup(CHANNEL_LABELS), "concern_category": label_lookup(CONCERN_LABELS),
            "cancel_reason": cancel_reason}
for _name, _filter in _FILTERS.items():
    bp.add_app_template_filter(_filter, _name)


@bp.route("/followup")
@permission_required("followup.work")
def index():
    tab = request.args.get("tab", "manual")
    tab = tab if tab in queries.TABS else "manual"
    now, zone = utcnow(), shop_zone()
    pagination = queries.tab_page(tab, now, zone, page_number(request.args), PER_PAGE)
    orders, customers = queries.orders_and_customers(pagination.items)
    return render_template("followup/index.html", tab=tab, pagination=pagination, orders=orders, customers=customers,
                           counts=queries.tab_counts(now, zone), form=ActionForm(),
                           here=url_for("followup.index", tab=tab, page=pagination.page))


def _act(message_id: int, action, done: str):
    form = ActionForm()
    back = safe_local_path(form.next.data, url_for("followup.index"))
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


@bp.route("/followup/messages/<dbid:message_id>/sent", methods=["POST"])
@permission_required("followup.work")
def mark_sent(message_id):
    # a case reply given from this list stops its case's first-response clock, as "Mark as given" on the case does
    return _act(message_id, partial(sender.mark_manual_sent, on_sent=reply_sent), _("Marked as sent."))


@bp.route("/followup/messages/<dbid:message_id>/retry", methods=["POST"])
@permission_required("followup.work")
def retry(message_id):
    return _act(message_id, sender.retry, _("The message will be sent again."))
