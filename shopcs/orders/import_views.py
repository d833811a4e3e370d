"""The CSV upload page: the same import as `flask orders import`, with the per-row report on the page."""
from flask import Blueprint, flash, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired

from ..auth.access import current_actor, roles_required
from ..timeutil import utcnow
from .csv_import import COLUMNS, import_orders_csv

bp = Blueprint("imports", __name__, url_prefix="/imports")


class OrderImportForm(FlaskForm):
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file.")),
                                                 FileAllowed(["csv"], _l("Only .csv files can be imported."))])


@bp.route("/orders", methods=["GET", "POST"])
@roles_required("agent", "supervisor")
def orders():
    form, report = OrderImportForm(), None
    if form.validate_on_submit():
        report = import_orders_csv(form.file.data.read(), current_actor(), utcnow())
        if report.ok:
            flash(_("Imported %(count)d orders.", count=len(report.created) + len(report.updated)), "ok")
    return render_template("imports/orders.html", form=form, report=report, columns=COLUMNS)
