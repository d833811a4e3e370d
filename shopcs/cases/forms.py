"""Forms of the case pages and the words they show for the cases' codes. The services check everything again."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

try:  # WTForms 3.3 deprecates (value, label) tuples
    from wtforms.fields.choices import SelectChoice as _Choice
except ImportError:  # pragma: no cover - older WTForms
    def _Choice(value, label):
        return (value, label)

from ..i18n_labels import CASE_SEVERITIES
from ..limits import NOTE_MAX
from .models import BODY_MAX, SUBJECT_MAX
from .rules import CATEGORIES, CHANNELS, SEVERITIES

CATEGORY_LABELS = {"tracking": _l("Tracking (查货)"), "payment": _l("Payment or refund money (查款)"),
                   "claim": _l("Damage or loss claim (理赔)"), "after_sales": _l("After-sales (售后)"),
                   "pre_sale": _l("Pre-sale question (业务咨询)"), "complaint": _l("Complaint or suggestion (投诉建议)")}
CHANNEL_LABELS = {"chat": _l("Online chat"), "phone": _l("Phone"), "email": _l("Email"), "platform": _l("Platform message")}
SEVERITY_LABELS = CASE_SEVERITIES
SEVERITY_BADGES = {"low": "badge-muted", "normal": "", "high": "badge-warn", "critical": "badge-danger"}
STATUS_LABELS = {"new": _l("New"), "open": _l("Open"), "waiting": _l("Waiting on the customer"),
                 "resolved": _l("Resolved"), "closed": _l("Closed")}
STATUS_BADGES = {"new": "badge-warn", "open": "badge-warn", "waiting": "badge-muted", "resolved": "badge-ok",
                 "closed": "badge-muted"}
# The verb of a move, on the status form's choices: "reopen" reads better than "open" for a resolved case.
STATUS_ACTIONS = {"open": _l("Open"), "waiting": _l("Waiting on the customer"), "resolved": _l("Resolved"),
                  "closed": _l("Closed")}
TEAM_LABELS = {"agents": _l("Agents"), "after_sales": _l("After-sales"), "shipping": _l("Shipping"),
               "supervisors": _l("Supervisors")}
EVENT_LABELS = {"reply": _l("Reply to the customer"),  # sent or not: its state badge says
                "reply_logged": _l("Reply given elsewhere"),
                "customer_message": _l("Customer message"), "note": _l("Internal note"), "transfer": _l("Transferred"),
                "status": _l("Status changed"), "escalation": _l("Escalated to the supervisors"),
                "acknowledgement": _l("Escalation acknowledged"), "severity": _l("Severity changed"), "claim": _l("Claim"),
                "owner": _l("Owner changed"), "assistant_reply": _l("Answered by the assistant")}
ESCALATION_LABELS = {"complaint": _l("serious complaint"), "breach": _l("first-response target missed")}
TIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


def _choices(labels: dict, codes: tuple) -> list:
    return [_Choice(code, labels[code]) for code in codes]


class LocalTimeField(DateTimeLocalField):
    """A time in the shop's zone, as <input type="datetime-local"> sends it; the view attaches the zone."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=TIME_FORMATS, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(_l("Enter a date and time such as 2026-03-04 10:30.")) from exc


class NewCaseForm(FlaskForm):
    order_no = StringField(_l("Order no."), validators=[Optional(), Length(max=64)])
    customer_external_id = StringField(_l("Buyer's platform ID"), validators=[Length(max=100)])  # required without an order
    customer_name = StringField(_l("Buyer's name"), validators=[Optional(), Length(max=100)])
    customer_phone = StringField(_l("Buyer's phone"), validators=[Optional(), Length(max=40)])
    category = SelectField(_l("Category"), choices=_choices(CATEGORY_LABELS, CATEGORIES), validators=[InputRequired()])
    channel = SelectField(_l("Channel"), choices=_choices(CHANNEL_LABELS, CHANNELS), validators=[InputRequired()])
    severity = SelectField(_l("Severity"), choices=_choices(SEVERITY_LABELS, SEVERITIES), default="normal",
                           validators=[InputRequired()])
    subject = StringField(_l("Subject"), validators=[DataRequired(), Length(max=SUBJECT_MAX)])
    body = TextAreaField(_l("What the customer wrote or said"), validators=[DataRequired(), Length(max=BODY_MAX)])
    received_at = LocalTimeField(_l("Received at (shop time)"), validators=[Optional()])

    def validate_customer_external_id(self, field):
        if not (self.order_no.data or "").strip() and not (field.data or "").strip():
            raise ValidationError(_l("Enter the order no., or the buyer's platform ID for a case without an order."))


class ReplyForm(FlaskForm):
    body = TextAreaField(_l("Reply"), validators=[DataRequired(), Length(max=BODY_MAX)])
    mode = RadioField(_l("How"), default="send", validators=[InputRequired()], choices=[
        _Choice("send", _l("Send to the customer")), _Choice("logged", _l("Log a reply given elsewhere"))])
    given_at = LocalTimeField(_l("Given at (shop time)"), validators=[Optional()])
    given_channel = SelectField(_l("Given by"), choices=_choices(CHANNEL_LABELS, CHANNELS), default="phone",
                                validators=[Optional()])
    confirm_promises = BooleanField(_l("Send anyway"))

    def validate_given_at(self, field):
        if self.mode.data == "logged" and field.data is None and not field.errors:
            raise ValidationError(_l("Enter when the reply was given."))


class CaseNoteForm(FlaskForm):
    body = TextAreaField(_l("Internal note"), validators=[DataRequired(), Length(max=BODY_MAX)])


class TransferForm(FlaskForm):
    to = SelectField(_l("Hand over to"), validators=[InputRequired()], choices=[])
    note = TextAreaField(_l("What the receiver must know"), validators=[DataRequired(), Length(max=NOTE_MAX)])

    def set_targets(self, people: dict[str, list[tuple[int, str]]]) -> "TransferForm":
        """Teams first, then each team's active people: values "team:<code>" and "user:<id>"."""
        teams = [_Choice(f"team:{code}", _l("%(team)s (team inbox)", team=TEAM_LABELS[code])) for code in TEAM_LABELS
                 if code != "supervisors"]
        self.to.choices = {str(_l("Teams")): teams, **{
            str(TEAM_LABELS[team]): [_Choice(f"user:{user_id}", name) for user_id, name in members]
            for team, members in people.items() if members}}
        return self


class StatusForm(FlaskForm):
    status = SelectField(_l("New status"), validators=[InputRequired()], choices=[])

    def set_statuses(self, statuses) -> "StatusForm":
        self.status.choices = [_Choice(code, STATUS_ACTIONS[code]) for code in statuses]
        return self


class SeverityForm(FlaskForm):
    severity = SelectField(_l("Severity"), choices=_choices(SEVERITY_LABELS, SEVERITIES), validators=[InputRequired()])


class AcknowledgeForm(FlaskForm):
    note = TextAreaField(_l("What was done"), validators=[DataRequired(), Length(max=NOTE_MAX)])


def apply_errors(form: FlaskForm, fields: dict, translate, aliases: dict | None = None) -> list[str]:
    """Put a service's field reasons on the form's fields; returns the reasons no field of the form shows."""
    left = []
    for name, reason in fields.items():
        target = (aliases or {}).get(name, name)
        if target in form:
            form[target].errors = [*form[target].errors, translate(reason)]
        else:
            left.append(f"{name}: {translate(reason)}")
    return left
