"""Opting out without logging in: the signed unsubscribe link from an email, and the platform's API call."""
from flask import Blueprint, abort, current_app, g, jsonify, render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm

from ..actor import Actor
from ..api_support import error_response, token_required
from ..apischema.operations import CUSTOMERS, describe
from ..apischema.shapes import out_obj, out_text
from ..errors import NotFound
from ..notify.unsubscribe import customer_from_token
from ..timeutil import utcnow
from .customers import get_customer, set_opted_out

bp = Blueprint("optout", __name__)
api_bp = Blueprint("optout_api", __name__, url_prefix="/api/v1")  # CSRF-exempt: bearer token instead


class ConfirmForm(FlaskForm):
    """Only the CSRF token: a link preview or a mail scanner fetching the URL must not unsubscribe anyone."""


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
def unsubscribe(token):
    external_id = customer_from_token(token, current_app.config["SECRET_KEY"])
    if external_id is None:
        abort(404)
    try:
        customer = get_customer(external_id)
    except NotFound:
        abort(404)
    form = ConfirmForm()
    done = False
    if form.validate_on_submit():
        set_opted_out(external_id, True, Actor.system("unsubscribe-link"), utcnow())
        done = True
    return render_template("followup/unsubscribe.html", form=form, done=done or customer.opted_out,
                           title=_("Unsubscribe"))


OPTED_OUT = out_obj({"customer": out_text(), "opted_out": {"type": "boolean"}})


@api_bp.post("/customers/<external_id>/opt-out")
@describe(tag=CUSTOMERS, summary=_l("Opt a customer out of reminders and greetings"), responses={200: OPTED_OUT},
          errors=(401, 404), path_schemas={"external_id": {"type": "string", "minLength": 1, "maxLength": 100, "examples": ["buyer-1"]}},
          description=_l("For the platform's own unsubscribe button. Sending it again changes nothing."))
@token_required
def api_opt_out(external_id):
    try:
        customer = set_opted_out(external_id, True, g.actor, utcnow())
    except NotFound as exc:
        return error_response(404, exc.code, exc.message)
    return jsonify(customer=customer.external_id, opted_out=customer.opted_out)
