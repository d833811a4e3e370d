"""The operators' dashboard (each headline figure against the period before, the refund-rate trend, alerts) and the
alert settings."""
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from ..app_config import shop_zone
from ..auth.access import current_actor, permission_required
from ..errors import Invalid, ServiceError
from ..followup.forms import ActionForm, _Choice
from ..form_fields import FiniteDecimalField
from ..orders.forms import apply_errors
from ..timeutil import local_date, utcnow
from ..windows import WindowError
from .alert_rules import ALERT_CHANNELS, RULES
from .alerts import alerts_for, load_alert_settings, mark_alert_read, recent_alert_messages, save_alert_settings
from .dashboard import dashboard_figures
from .page_support import window_from_args
from .unpaid_recovery import current_grace

bp = Blueprint("dashboard", __name__, url_prefix="/reports")
CHANNEL_CHOICES = {"": _l("the shop's outbox channel"), "manual": _l("on this dashboard only"), "email": _l("email"),
                   "webhook": _l("webhook")}
RULE_LABELS = {"threshold": _l("30-day refund rate above the threshold"),
               "spike": _l("Last 7 days above the set multiple of the 30-day rate")}
assert set(CHANNEL_CHOICES) == set(ALERT_CHANNELS) and set(RULE_LABELS) == set(RULES)


class AlertSettingsForm(FlaskForm):
    threshold_percent = FiniteDecimalField(_l("Alert when the 30-day refund rate is above (%)"), places=2,
                                     validators=[InputRequired(), NumberRange(min=0.01, max=100)])
    spike_factor = FiniteDecimalField(_l("Spike: the last 7 days above this multiple of the 30-day rate"), places=2,
                                validators=[InputRequired(), NumberRange(min=1, max=10)])
    spike_min_orders = IntegerField(_l("Spike: only with at least this many orders paid in the 7 days"),
                                    validators=[InputRequired(), NumberRange(min=1, max=1_000_000)])
    channel = SelectField(_l("Tell the operators through"), validate_choice=True,
                          choices=[_Choice(code, label) for code, label in CHANNEL_CHOICES.items()])
    email = StringField(_l("Operators' email address (for the email channel)"), validators=[Optional(), Length(max=200)])


@bp.route("/")
@permission_required("reports.view")
def dashboard():
    today = local_date(utcnow(), shop_zone())
    alerts = alerts_for(today, shop_zone())
    try:
        window = window_from_args()
    except WindowError as exc:
        return render_template("reports/dashboard.html", figures=None, errors=exc.fields, args=request.args, alerts=alerts,
                               messages=recent_alert_messages(), rule_labels=RULE_LABELS, done_form=ActionForm()), 422
    figures = dashboard_figures(window, shop_zone(), current_grace())
    return render_template("reports/dashboard.html", figures=figures, errors={}, args=request.args, alerts=alerts,
                           messages=recent_alert_messages(), rule_labels=RULE_LABELS, done_form=ActionForm(),
                           threshold=load_alert_settings().threshold)


@bp.route("/alerts", methods=["GET", "POST"])
@permission_required("alerts.manage")
def alert_settings():
    form = AlertSettingsForm()
    if not form.is_submitted():
        settings = load_alert_settings()
        form.threshold_percent.data = settings.threshold * 100
        form.spike_factor.data, form.spike_min_orders.data = settings.spike_factor, settings.spike_min_orders
        form.channel.data, form.email.data = settings.channel, settings.email
    if form.validate_on_submit():
        values = {name: form[name].data for name in ("threshold_percent", "spike_factor", "spike_min_orders", "channel", "email")}
        try:
            save_alert_settings(values, current_actor(), utcnow())
        except Invalid as exc:
            apply_errors(form, exc.fields, _)
        else:
            flash(_("Alert settings saved."), "info")
            return redirect(url_for("dashboard.alert_settings"))
    status = 422 if form.is_submitted() else 200
    if status == 422:
        flash(_("Nothing was saved: some settings are not valid."), "error")
    return render_template("reports/alert_settings.html", form=form), status


@bp.route("/alerts/<dbid:message_id>/done", methods=["POST"])
@permission_required("alerts.manage")
def alert_done(message_id: int):
    """An operator read an alert kept on the dashboard (the manual channel)."""
    if ActionForm().validate_on_submit():
        try:
            mark_alert_read(message_id, current_actor(), utcnow())
        except ServiceError as exc:
            flash(exc.message, "error")
        else:
            flash(_("Alert marked as read."), "info")
    else:
        flash(_("The form expired; please try again."), "error")
    return redirect(url_for("dashboard.dashboard"))
