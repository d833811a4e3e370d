"""GET /webhook-deliveries: what the platforms sent and what became of it, for supervisors and operators.

Not under /webhooks/: that prefix is the platforms' signed, CSRF-exempt machine calls; this is a staff page."""
from dataclasses import replace

from flask import Blueprint, render_template, request, url_for

from ..auth.access import permission_required
from ..i18n_labels import WEBHOOK_OUTCOMES, label_lookup
from ..paging import page_number
from .log import OUTCOMES, SOURCES, DeliveryFilter, deliveries_page

bp = Blueprint("webhook_log", __name__)
bp.add_app_template_filter(label_lookup(WEBHOOK_OUTCOMES), "webhook_outcome")
bp.add_app_template_filter(lambda code: SOURCES.get(code, code), "webhook_source")


@bp.route("/webhook-deliveries")
@permission_required("webhooks.view_log")
def index():
    chosen = DeliveryFilter.from_args(request.args)
    pagination = deliveries_page(chosen, page_number(request.args))

    def filter_url(**changes) -> str:
        """This page with one filter changed and the others kept, from the first page."""
        return url_for("webhook_log.index", **replace(chosen, **changes).args())

    return render_template("webhooks/deliveries.html", pagination=pagination, chosen=chosen, filters=chosen.args(),
                           sources=SOURCES, outcomes=OUTCOMES, filter_url=filter_url)
