"""The agents' case pages: the queue (tabs, search, filters, clocks) and a new case; the case page is in case_views."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from ..app_config import outbox_channel, shop_zone
from ..assistant.reading import read_message
from ..auth.access import current_actor, may, permission_required
from ..errors import Forbidden, ServiceError
from ..extensions import db
from ..followup.forms import ActionForm
from ..orders.models import Order
from ..paging import QueryLinks, page_number
from ..timeutil import utcnow
from ..web import fixed_parts, html_text
from . import case_views, owner_views
from .claims import views as claim_views
from .forms import NewCaseForm, apply_errors
from .inputs import CaseInput
from .live import service as live_service
from .live import views as live_views
from .owners import ASSIGNED_ROLES, is_available
from .queue.pages import SEARCH, cases_of_order, list_page, query_from_args, tab_counts
from .queue.rows import rows_html, tabs_html
from .rules import TEAMS
from .services import create_case
from .settings import load_sla_settings
from .view_support import clock_context, clock_view, current_viewer, from_local, local_now, register_filters

bp = Blueprint("cases", __name__, url_prefix="/cases")
register_filters(bp)
live_views.register(bp)  # before case_views: /cases/live is not a case id
case_views.register(bp)
owner_views.register(bp)
claim_views.register(bp)

CUSTOMER_FIELDS = {"customer": "customer_external_id", "customer.external_id": "customer_external_id",
                   "customer.name": "customer_name", "customer.phone": "customer_phone", "customer.email": "customer_external_id"}


@bp.route("/")
@permission_required("cases.work")
def queue():
    viewer, args = current_viewer(), request.args.to_dict()
    query = query_from_args(args, viewer, page_number(request.args))
    page, clocks = list_page(query, viewer), clock_context(utcnow(), load_sla_settings().amber_share)
    fixed = fixed_parts("cases/_queue_fixed.html")  # the texts, label maps and fixed links, once per language
    unread = live_service.unread_among(viewer.user_id, [row.id for row in page.rows])
    rows = rows_html(page.rows, {row.id: clock_view(row, clocks) for row in page.rows}, fixed, unread,
                     html_text(_("New message from the buyer")))
    links = QueryLinks(fixed.queue_url, args)
    tabs = tabs_html(query, tab_counts(viewer, query.team), links, fixed)
    available = is_available(viewer.user_id) if viewer.role in ASSIGNED_ROLES else None  # None: no switch
    return render_template("cases/queue.html", query=query, page=page, search=SEARCH, viewer=viewer, teams=TEAMS,
                           qurl=links, fixed=fixed, tabs_html=tabs, rows_html=rows, available=available,
                           action_form=ActionForm(), live_cursor=live_service.settled_cursor(utcnow()))


def _order(order_no: str | None) -> Order | None:
    order_no = (order_no or "").strip()
    if not order_no or len(order_no) > 64:
        return None
    return db.session.scalar(select(Order).where(Order.order_no == order_no))


def _case_input(form: NewCaseForm) -> CaseInput:
    order_no = (form.order_no.data or "").strip() or None
    customer = None if order_no else {"external_id": (form.customer_external_id.data or "").strip(),
                                      "name": form.customer_name.data or "", "phone": form.customer_phone.data or "",
                                      "email": ""}
    return CaseInput(category=form.category.data, channel=form.channel.data, subject=form.subject.data,
                     body=form.body.data, received_at=from_local(form.received_at.data), severity=form.severity.data,
                     order_no=order_no, customer=customer, reading=read_message(form.body.data))


@bp.route("/new", methods=["GET", "POST"])
@permission_required("cases.work")
def new_case():
    form = NewCaseForm()
    if request.method == "GET":
        form.received_at.data = local_now(utcnow())
        if request.args.get("order_no"):
            form.order_no.data = request.args["order_no"].strip()[:64]
            if _order(form.order_no.data) is None:
                flash(_("No order %(order_no)s: check the number, or open the case without an order.",
                        order_no=form.order_no.data), "warning")
    elif form.validate_on_submit():
        try:
            case = create_case(_case_input(form), current_actor(), utcnow(), shop_zone(),
                               outbox_channel=outbox_channel())
        except Forbidden:
            abort(403)
        except ServiceError as exc:
            db.session.rollback()
            for reason in apply_errors(form, exc.fields, _, CUSTOMER_FIELDS):
                flash(reason, "error")
            if not exc.fields:
                flash(_("Nothing was saved: %(reason)s", reason=str(exc.message)), "error")
        else:
            flash(_("Case #%(id)s opened.", id=case.id), "info")
            return redirect(url_for("cases.case_page", case_id=case.id))
    return render_template("cases/new.html", form=form, order=_order(form.order_no.data))


def case_panel(order) -> dict:
    """What templates/cases/_order_cases.html needs on the order page: the order's cases and a "New case" link."""
    if not may("cases.work"):
        return {"show": False}
    rows, clocks = cases_of_order(order.id, current_viewer()), clock_context(utcnow(), load_sla_settings().amber_share)
    return {"show": True, "rows": rows, "clocks": {row.id: clock_view(row, clocks) for row in rows},
            "new_url": url_for("cases.new_case", order_no=order.order_no)}


@bp.app_context_processor
def _case_helpers():
    return {"case_panel": case_panel}
