"""The CSV upload page: the same import as `flask orders import`, with the per-row report on the page."""
from flask import Blueprint, flash, render_template
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import RadioField

from ..app_config import shop_zone
from ..auth.access import current_actor, permission_required
from ..timeutil import utcnow
from .csv_import import COLUMNS, OPTIONAL_COLUMNS
from .forms import _Choice
from .import_formats import import_orders_file
from .taobao_export import REQUIRED_COLUMNS

bp = Blueprint("imports", __name__, url_prefix="/imports")


class OrderImportForm(FlaskForm):
    file_format = RadioField(_l("File format"), default="shopcs", choices=[  # a form without it is a ShopCS CSV
        _Choice("shopcs", _l("ShopCS CSV")), _Choice("taobao", _l("Taobao / Tmall order export (千牛 / 卖家中心)"))])
    file = FileField(_l("CSV file"), validators=[FileRequired(_l("Choose a CSV file.")),
                                                 FileAllowed(["csv"], _l("Only .csv files can be imported."))])


@bp.route("/orders", methods=["GET", "POST"])
@permission_required("orders.import")
def orders():
    form, report = OrderImportForm(), None
    if form.validate_on_submit():
        report = import_orders_file(form.file_format.data, form.file.data.read(), current_actor(), utcnow(),
                                    shop_zone())
        if report.ok:
            flash(ngettext("Imported %(num)d order.", "Imported %(num)d orders.", len(report.created) + len(report.updated)), "ok")
    return render_template("imports/orders.html", form=form, report=report, columns=COLUMNS,
                           optional_columns=OPTIONAL_COLUMNS, taobao_columns=REQUIRED_COLUMNS)
