"""The customer page (orders, messages, opt-out) and the follow-up panel on the order page."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..auth.access import current_actor, may, permission_required
from ..errors import Conflict, NotFound, ServiceError
from ..orders.refund_views import order_url
from ..timeutil import utcnow
from . import concerns, queries, rules
from .customers import get_customer, orders_of, set_opted_out
from .forms import ActionForm, ConcernForm, OptOutForm
from .jobs import send_reminder_by_hand
from .settings import load_settings


def followup_panel(order) -> dict:
    """Everything templates/orders/_followup.html needs besides `order`; `closes_at`: when ShopCS closes it if still
    unpaid. Concerns are recorded on unpaid orders only (why the buyer hesitates to pay)."""
    closes_at = rules.closes_at(order.placed_at, load_settings()) if order.status == "unpaid" else None
    return {"closes_at": closes_at, "concerns": concerns.concerns_for_order(order.id), "reminders": queries.messages_for_order(order.id),
            "concern_form": ConcernForm(formdata=None), "can_record": may("concerns.record") and order.status == "unpaid",
            "can_remind": may("reminders.send") and order.status == "unpaid", "order_url": order_url(order.order_no)}


def earlier_concerns(order) -> list[concerns.CustomerConcern]:
    """The buyer's concerns heard on their other orders, for the order page: the next sale goes better."""
    return concerns.concerns_for_customer(order.customer_id, except_order_id=order.id, limit=5)


@permission_required("customers.view")
def customer_page(external_id):
    try:
        customer = get_customer(external_id)
    except NotFound:
        abort(404)
    return render_template("followup/customer.html", customer=customer, orders=orders_of(customer),
                           messages=queries.messages_for_customer(customer), order_url=order_url,
                           concerns=concerns.concerns_for_customer(customer.id),
                           form=OptOutForm(formdata=None, opted_out="0" if customer.opted_out else "1"),
                           can_toggle=may("customers.opt_out") and customer.erased_at is None,
                           can_erase=may("customers.erase"))


@permission_required("customers.opt_out")
def toggle_opt_out(external_id):
    form = OptOutForm()
    if form.validate_on_submit() and form.opted_out.data in ("0", "1"):
        try:
            customer = set_opted_out(external_id, form.opted_out.data == "1", current_actor(), utcnow())
        except NotFound:
            abort(404)
        except Conflict as exc:
            flash(str(exc.message), "error")
            return redirect(url_for("followup.customer_page", external_id=external_id))
        flash(_("The customer no longer receives reminders, greetings or promotions.") if customer.opted_out
              else _("The customer receives reminders, greetings and promotions again."), "info")
    else:
        flash(_("Nothing was changed."), "error")
    return redirect(url_for("followup.customer_page", external_id=external_id))


@permission_required("concerns.record")
def record_concern(order_no):
    form = ConcernForm()
    if form.validate_on_submit():
        try:
            concerns.record_concern(order_no, form.category.data, (form.text.data or "").strip(), current_actor(), utcnow())
        except NotFound:
            abort(404)
        except ServiceError as exc:
            flash(_("The concern was not saved: %(reason)s", reason="; ".join(map(str, exc.fields.values())) or exc.message), "error")
        else:
            flash(_("Concern recorded."), "info")
    else:
        for field in form:
            for error in field.errors:
                flash(_("The concern was not saved: %(field)s: %(reason)s", field=field.label.text, reason=error), "error")
    return redirect(order_url(order_no) + "#followup")


@permission_required("reminders.send")
def send_reminder(order_no):
    if ActionForm().validate_on_submit():
        try:
            send_reminder_by_hand(order_no, current_actor(), utcnow())
        except NotFound:
            abort(404)
        except ServiceError as exc:
            flash(_("No reminder was sent: %(reason)s", reason=exc.message), "error")
        else:
            flash(_("Reminder queued; it goes out as soon as the quiet hours allow."), "info")
    return redirect(order_url(order_no) + "#followup")


def register(bp) -> None:
    bp.add_url_rule("/customers/<external_id>", view_func=customer_page)
    bp.add_url_rule("/customers/<external_id>/opt-out", view_func=toggle_opt_out, methods=["POST"])
    bp.add_url_rule("/orders/<order_no>/concerns", view_func=record_concern, methods=["POST"])
    bp.add_url_rule("/orders/<order_no>/reminders", view_func=send_reminder, methods=["POST"])
    bp.app_context_processor(lambda: {"followup_panel": followup_panel, "earlier_concerns": earlier_concerns})
