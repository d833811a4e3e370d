"""Hand-off notes: write one on the order page, work through a team's inbox, mark notes done."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.access import current_actor, may, permission_required
from ..errors import Forbidden, NotFound, ServiceError
from ..paging import page_number
from ..redirects import safe_local_path
from ..timeutil import utcnow
from . import notes as service
from .refund_forms import DEPARTMENT_LABELS, DecisionForm, NoteForm
from .refund_views import order_url

bp = Blueprint("notes", __name__)

INBOX_PER_PAGE = 25


def notes_panel(order) -> dict:
    """What templates/orders/_notes.html needs besides `order`."""
    role = current_user.role if current_user.is_authenticated else None
    return {"notes": service.notes_for_order(order.id), "form": NoteForm.fresh(),
            "can_write": may("notes.write"),
            "may_mark_done": lambda note: note.done_at is None and service.may_mark_done(role, note.department),
            "order_url": order_url(order.order_no)}


@bp.app_context_processor
def _note_helpers():
    return {"notes_panel": notes_panel}


@bp.app_template_filter("department")
def _department_label(code: str) -> str:
    return str(DEPARTMENT_LABELS.get(code, code))


@bp.route("/orders/<order_no>/notes", methods=["POST"])
@permission_required("notes.write")
def add(order_no):
    form = NoteForm()
    if form.validate_on_submit():
        try:
            service.add_note(order_no, form.department.data, form.body.data, current_actor(), utcnow())
        except NotFound:
            abort(404)
        except ServiceError as exc:
            flash(_("The note was not saved: %(reason)s", reason="; ".join(map(str, exc.fields.values())) or exc.message), "error")
        else:
            flash(_("Note saved for %(team)s.", team=_department_label(form.department.data)), "info")
    else:
        for field in (form.department, form.body):
            for error in field.errors:
                flash(_("The note was not saved: %(field)s: %(reason)s", field=field.label.text, reason=error), "error")
    return redirect(order_url(order_no) + "#notes")


@bp.route("/notes/<dbid:note_id>/done", methods=["POST"])
@permission_required("notes.mark_done")
def done(note_id):
    form = DecisionForm()
    # back to the first inbox the person works (after-sales before shipping): every role let in here works one
    back = safe_local_path(form.next.data, url_for("notes.inbox_" + service.inbox_departments(current_user.role)[0]))
    if form.validate_on_submit():
        try:
            service.mark_done(note_id, current_actor(), utcnow())
        except NotFound:
            abort(404)
        except Forbidden:
            flash(_("Not allowed: only the team the note is for can mark it done."), "error")
        except ServiceError as exc:
            flash(_("Nothing was changed: %(reason)s", reason=exc.message), "error")
        else:
            flash(_("Note marked as done."), "info")
    return redirect(back)


def _inbox(department: str):
    pagination = service.open_notes(department, page_number(request.args), INBOX_PER_PAGE)
    return render_template("notes/inbox.html", department=department, pagination=pagination, order_url=order_url,
                           here=url_for(request.endpoint, page=pagination.page))


@bp.route("/inbox/after-sales")
@permission_required("inbox.after_sales")
def inbox_after_sales():
    return _inbox("after_sales")


@bp.route("/inbox/shipping")
@permission_required("inbox.shipping")
def inbox_shipping():
    return _inbox("shipping")
