"""Supervisor page: the provinces each carrier does not reach (warned about before confirming and shipping)."""
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from ..auth.access import current_actor, permission_required
from ..errors import Invalid
from ..timeutil import utcnow
from .exclusions import load_exclusions, parse_provinces, save_exclusions
from .forms import CarrierExclusionsForm, apply_errors
from .shipping import DOMESTIC_CARRIERS


@permission_required("carriers.manage")
def carrier_exclusions():
    form = CarrierExclusionsForm()
    if form.validate_on_submit():
        lists = {code: parse_provinces(form[f"excluded_{code}"].data)
                 for code in DOMESTIC_CARRIERS if form[f"excluded_{code}"].raw_data}  # a field not sent is not changed
        try:
            changed = save_exclusions(lists, current_actor(), utcnow())
        except Invalid as exc:
            apply_errors(form, {f"excluded_{code}": reason for code, reason in exc.fields.items()}, _)
        else:
            flash(_("Saved: %(carriers)s.", carriers=", ".join(changed)) if changed else _("Nothing was changed."), "info")
            return redirect(url_for("orders.carrier_exclusions"))
    elif not form.is_submitted():
        for code, provinces in load_exclusions().items():
            form[f"excluded_{code}"].data = "\n".join(provinces)
    return render_template("orders/carriers.html", form=form, carriers=DOMESTIC_CARRIERS)


def register(bp) -> None:
    bp.add_url_rule("/carriers/exclusions", view_func=carrier_exclusions, methods=["GET", "POST"])
