"""The agent's pages: order queue and order page."""
from flask import Blueprint, render_template

from ..auth.access import roles_required

bp = Blueprint("orders", __name__)


@bp.route("/")
@roles_required("agent", "after_sales", "shipping", "supervisor", "operator")
def queue():
    return render_template("orders/queue.html")
