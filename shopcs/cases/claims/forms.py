"""Forms of the claim panel on a claim case's page, and the words it shows for the claims' codes.
The services check everything again; these only turn text into values and catch what is missing."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

try:  # WTForms 3.3 deprecates (value, label) tuples
    from wtforms.fields.choices import SelectChoice as _Choice
except ImportError:  # pragma: no cover - older WTForms
    def _Choice(value, label):
        return (value, label)

from ...limits import NOTE_MAX
from ...orders.refund_forms import MoneyField
from .models import KINDS

KIND_LABELS = {"damaged": _l("Damaged in transit"), "lost": _l("Lost in transit")}
STATUS_LABELS = {"open": _l("Waiting for a decision"), "approved": _l("Approved"), "rejected": _l("Rejected")}
STATUS_BADGES = {"open": "badge-warn", "approved": "badge-ok", "rejected": "badge-muted"}
# What the services' field problems say (English), as the form shows them: _l(text) puts them in the catalogue.
FIELD_PROBLEMS = (_l("must be above zero"), _l("must not be above the amount claimed"),
                  _l("is required to reject a claim"), _l("must be one of damaged, lost"))


class OpenClaimForm(FlaskForm):
    kind = SelectField(_l("What happened"), choices=[_Choice(code, KIND_LABELS[code]) for code in KINDS],
                       validators=[InputRequired()])
    amount = MoneyField(_l("Amount claimed"), validators=[InputRequired(_l("Enter the amount the buyer claims."))])


class EvidenceForm(FlaskForm):
    photo = FileField(_l("Photo (JPEG, PNG or WebP)"), validators=[FileRequired(_l("Choose a photo."))])


class ClaimDecisionForm(FlaskForm):
    decision = RadioField(_l("Decision"), default="approve", validators=[InputRequired()], choices=[
        _Choice("approve", _l("Approve and refund")), _Choice("reject", _l("Reject"))])
    amount = MoneyField(_l("Amount to refund"), validators=[Optional()])
    note = TextAreaField(_l("Note (required to reject)"), validators=[Optional(), Length(max=NOTE_MAX)])
