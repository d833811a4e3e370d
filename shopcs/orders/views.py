"""The agent's pages: order queue, order page, address confirmation and correction, promised date, shipping."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_translations, ngettext
from flask_babel import gettext as _

from ..app_config import outbox_channel, shop_zone
from ..auth.access import current_actor, may, permission_required
from ..capped_counts import at_least, is_capped, shown_count
from ..countries import country_name, is_abroad
from ..errors import Conflict, Forbidden, Invalid, NotFound
from ..followup.notices import shipping_notices
from ..followup.queries import reminders_sent
from ..followup.settings import load_settings
from ..paging import QueryLinks
from ..timeutil import local_date, utcnow
from ..web import fixed_parts, template_language
from . import carrier_views, shipment_views
from . import queue as order_queue
from .address import carriers_not_reaching
from .details import buyer_history, get_order, timeline
from .domain import STATUSES
from .exclusions import load_exclusions
from .forms import ConfirmAddressForm, PromisedDateForm, address_form, apply_errors, ship_form
from .handling import (
    ShipmentInput,
    confirm_address,
    correct_address,
    open_shipping_notes,
    record_shipment,
    set_promised_ship_date,
)
from .queue_rows import RowWords, UnpaidWords, rows_html
from .refund_service import refunded_total
from .shipping import CARRIERS, DOMESTIC_CARRIERS

bp = Blueprint("orders", __name__)
STATUS_BADGES = {"unpaid": "badge-muted", "paid": "badge-warn", "shipped": "badge-ok", "completed": "badge-ok",
                 "cancelled": "badge-muted", "closed": "badge-muted"}
carrier_views.register(bp)
shipment_views.register(bp)


@bp.record_once
def _share_template_helpers(state):
    state.app.jinja_env.globals["STATUS_BADGES"] = STATUS_BADGES
    # a count that stopped at its cap (capped_counts) reads "999+", "more than 999": the queues' tabs
    state.app.jinja_env.filters.update(shown_count=shown_count, count_at_least=at_least)
    state.app.jinja_env.tests["capped_count"] = is_capped
    state.app.jinja_env.filters["country_name"] = lambda code: country_name(code, template_language())
    state.app.jinja_env.tests["abroad"] = is_abroad


def _today():
    return local_date(utcnow(), shop_zone())


def _order_or_404(order_no: str):
    try:
        return get_order(order_no)
    except NotFound:
        abort(404)


@bp.route("/")
@permission_required("orders.view")
def queue():
    # The first value of each parameter, as MultiDict.get gives it; a plain dict, since MultiDict.get raises and
    # catches an exception for each parameter that is not there, and the page asks for a dozen.
    args = request.args.to_dict()
    today, exclusions = _today(), load_exclusions()
    query, counts = order_queue.query_from_args(args, exclusions), order_queue.group_counts(today)
    return render_queue(query, order_queue.list_page(query, today, counts), counts, today, args)


def render_queue(query: order_queue.QueueQuery, page: order_queue.QueuePage, counts: dict[str, int], today,
                 args: dict[str, str]) -> str:
    translations = get_translations()
    fixed = fixed_parts("orders/_queue_fixed.html")  # the texts and fixed links, worked out once per language
    status_labels = {status: translations.ugettext(status) for status in STATUSES}
    words = RowWords(fixed, status_labels, STATUS_BADGES, today, shop_zone(), template_language())
    return render_template(
        "orders/queue.html", query=query, page=page, counts=counts, today=today, args=args, qurl=QueryLinks(url_for("orders.queue"), args),
        fixed=fixed, status_labels=status_labels, rows_html=rows_html(page.rows, words, _unpaid_words(query, page)),
        carrier_names={code: translations.ugettext(CARRIERS[code].name_en) for code in DOMESTIC_CARRIERS})


def _unpaid_words(query: order_queue.QueueQuery, page: order_queue.QueuePage) -> UnpaidWords | None:
    """The Unpaid tab's extra facts: reminders sent (one query for the rows shown) and the time left before closing."""
    if query.group != "unpaid":
        return None
    settings = load_settings()
    return UnpaidWords(
        now=utcnow(), auto_close=settings.auto_close, cap=settings.max_reminders, sent=reminders_sent(page.rows),
        reminders=lambda sent, cap: _("%(sent)s/%(cap)s sent", sent=sent, cap=cap),
        hours=lambda n: ngettext("closes in %(num)s hour", "closes in %(num)s hours", n),
        minutes=lambda n: ngettext("closes in %(num)s minute", "closes in %(num)s minutes", n),
        closing_now=_("closing now"))


def _render_order(order, confirm_form=None, promise_form=None, status=200):
    exclusions = load_exclusions()
    return render_template(
        "orders/order.html", order=order, history=buyer_history(order), events=timeline(order, shop_zone()),
        refunded=refunded_total(order), carriers=CARRIERS, today=_today(),
        not_reaching=carriers_not_reaching(order.province, exclusions, order.country),
        shipping_notes=open_shipping_notes(order.id),
        confirm_form=confirm_form or ConfirmAddressForm(),
        promise_form=promise_form or PromisedDateForm(promised_ship_date=order.promised_ship_date),
        can_confirm=may("orders.change_address"), can_ship=may("orders.ship"),
    ), status


@bp.route("/orders/<order_no>")
@permission_required("orders.view")
def order_page(order_no):
    return _render_order(_order_or_404(order_no))


def _service_failed(exc, order_no: str, form=None):
    """Map a service error: 404/403 abort, a conflict is flashed; returns the response or None for Invalid."""
    if isinstance(exc, NotFound):
        abort(404)
    if isinstance(exc, Forbidden):
        abort(403)
    if isinstance(exc, Conflict):
        flash(_(exc.message), "error")
        return redirect(url_for("orders.order_page", order_no=order_no))
    apply_errors(form, exc.fields, _)
    return None


@bp.route("/orders/<order_no>/confirm-address", methods=["POST"])
@permission_required("orders.change_address")
def confirm(order_no):
    form = ConfirmAddressForm()
    if form.validate_on_submit():
        try:
            order, missing = confirm_address(order_no, form.method.data, current_actor(), utcnow(), load_exclusions())
        except (Invalid, Conflict, NotFound, Forbidden) as exc:
            return _service_failed(exc, order_no, form) or _render_order(_order_or_404(order_no), confirm_form=form)
        if missing:
            flash(_("Address confirmed. Warning: %(carriers)s do not deliver to %(province)s.",
                    carriers=", ".join(_(CARRIERS[c].name_en) for c in missing), province=order.province), "warning")
        else:
            flash(_("Address confirmed."), "info")
        return redirect(url_for("orders.order_page", order_no=order_no))
    return _render_order(_order_or_404(order_no), confirm_form=form)


@bp.route("/orders/<order_no>/address", methods=["GET", "POST"])
@permission_required("orders.change_address")
def edit_address(order_no):
    order = _order_or_404(order_no)
    form = address_form(order, template_language())
    if form.validate_on_submit():
        try:
            _order, changed = correct_address(order_no, {n: form[n].data for n in form.data if n != "csrf_token"},
                                              current_actor(), utcnow())
        except (Invalid, Conflict, NotFound, Forbidden) as exc:
            failed = _service_failed(exc, order_no, form)
            if failed:
                return failed
        else:
            flash(_("Address corrected.") if changed else _("Nothing was changed."), "info")
            return redirect(url_for("orders.order_page", order_no=order_no))
    return render_template("orders/address.html", order=order, form=form)


@bp.route("/orders/<order_no>/promised-ship-date", methods=["POST"])
@permission_required("orders.ship")
def promise(order_no):
    form = PromisedDateForm()
    if form.validate_on_submit():
        try:
            set_promised_ship_date(order_no, form.promised_ship_date.data, current_actor(), utcnow(), _today())
        except (Invalid, Conflict, NotFound, Forbidden) as exc:
            return _service_failed(exc, order_no, form) or _render_order(_order_or_404(order_no), promise_form=form)
        flash(_("Promised ship date saved."), "info")
        return redirect(url_for("orders.order_page", order_no=order_no))
    return _render_order(_order_or_404(order_no), promise_form=form)


@bp.route("/orders/<order_no>/ship", methods=["GET", "POST"])
@permission_required("orders.ship")
def ship(order_no):
    order, exclusions = _order_or_404(order_no), load_exclusions()
    form = ship_form(order.country, shipped_on=_today())
    if form.validate_on_submit():
        data = ShipmentInput(form.carrier.data, form.tracking_no.data, form.shipped_on.data, form.carrier_name.data or "")
        try:
            shipment, missing = record_shipment(order_no, data, current_actor(), utcnow(), _today(), exclusions,
                                                shipping_notices(outbox_channel()))
        except (Invalid, Conflict, NotFound, Forbidden) as exc:
            failed = _service_failed(exc, order_no, form)
            if failed:
                return failed
        else:
            flash(_("Shipped with %(carrier)s, tracking number %(number)s. The buyer's notice is queued.",
                    carrier=shipment.carrier_name or _(CARRIERS[shipment.carrier].name_en), number=shipment.tracking_no),
                  "info")
            if missing:
                flash(_("Warning: %(carrier)s does not deliver to %(province)s.", carrier=_(CARRIERS[data.carrier].name_en),
                        province=order.province), "warning")
            return redirect(url_for("orders.order_page", order_no=order_no))
    return render_template("orders/ship.html", order=order, form=form, carriers=CARRIERS, exclusions=exclusions,
                           not_reaching=carriers_not_reaching(order.province, exclusions, order.country),
                           shipping_notes=open_shipping_notes(order.id))
