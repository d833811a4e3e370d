"""The admin's "Erase personal data" on the customer page: a confirmation page (type the customer ID), then the erasure."""
from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..auth.access import current_actor, permission_required
from ..errors import NotFound
from ..timeutil import utcnow
from .erase import Erasure, erase_customer
from .forms import EraseForm
from .holdings import holdings_of
from .settings import erasure_settings

bp = Blueprint("privacy", __name__)


@bp.route("/customers/<external_id>/erase", methods=["GET", "POST"])
@permission_required("customers.erase")
def erase(external_id):
    """GET asks (what will go, what stays, type the id); POST erases and goes back to the customer's page."""
    settings = erasure_settings(current_app.config)
    try:
        held = holdings_of(external_id, settings.key)
    except NotFound:
        abort(404)
    form = EraseForm(external_id)
    if form.validate_on_submit():
        erasure = erase_customer(external_id, current_actor(), utcnow(), settings)
        flash(_outcome(erasure), "success" if erasure.changed else "info")
        if erasure.files_left:
            flash(_("Some photo files could not be removed from the disk; erasing again tries once more."), "error")
        return redirect(url_for("followup.customer_page", external_id=erasure.customer))
    page = render_template("privacy/erase.html", held=held, form=form)
    return page, 422 if form.errors else 200


def _outcome(erasure: Erasure) -> str:
    if not erasure.again:
        return _("The buyer's personal data was erased (orders: %(orders)s, cases: %(cases)s, messages: %(messages)s). "
                 "Amounts, items and dates stay.", orders=erasure.counts["orders"], cases=erasure.counts["cases"],
                 messages=erasure.counts["messages"])
    if not erasure.changed:
        return _("This buyer was already erased; nothing was left to erase.")
    return _("This buyer was already erased; what came since was erased too.")
