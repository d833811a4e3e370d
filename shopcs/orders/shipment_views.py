"""The order page's shipment flag: an agent looked at a platform's shipment and clears its flag (audited)."""
from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _

from ..auth.access import current_actor, permission_required
from ..errors import Invalid, NotFound
from ..i18n_labels import SHIPMENT_STATUSES, label_lookup, shipment_flags
from ..timeutil import utcnow
from .shipment_intake import clear_flag


@permission_required("orders.ship")
def clear_shipment_flag(order_no, shipment_id):
    try:  # CSRFProtect has checked the form's token
        clear_flag(order_no, shipment_id, current_actor(), utcnow())
    except (NotFound, Invalid):
        abort(404)
    flash(_("The shipment's flag is cleared."), "info")
    return redirect(url_for("orders.order_page", order_no=order_no) + "#shipments")


def register(bp) -> None:
    bp.add_url_rule("/orders/<order_no>/shipments/<dbid:shipment_id>/clear-flag", view_func=clear_shipment_flag,
                    methods=["POST"])
    bp.add_app_template_filter(lambda codes: [str(label) for label in shipment_flags(codes)], "shipment_flags")  # escaped
    bp.add_app_template_filter(label_lookup(SHIPMENT_STATUSES), "shipment_status")
