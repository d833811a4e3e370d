"""Forms for refunds and hand-off notes, and the words the pages show for their codes."""
from uuid import uuid4

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

try:  # WTForms 3.3 deprecates (value, label) tuples
    from wtforms.fields.choices import SelectChoice as _Choice
except ImportError:  # pragma: no cover - older WTForms
    def _Choice(value, label):
        return (value, label)

from ..money import MoneyError, parse_money
from .notes import MAX_BODY
from .refunds import REASONS

REASON_LABELS = {
    "not_as_described": _l("Not as described"), "quality": _l("Quality problem"), "wrong_item": _l("Wrong item"),
    "damaged": _l("Damaged"), "not_received": _l("Not received"), "size": _l("Size does not fit"),
    "changed_mind": _l("Changed mind"), "other": _l("Other"),
}
STATUS_LABELS = {"requested": _l("Requested"), "approved": _l("Approved"), "rejected": _l("Rejected"),
                 "completed": _l("Completed")}
STATUS_BADGES = {"requested": "badge-warn", "approved": "badge-warn", "rejected": "badge-muted", "completed": "badge-ok"}
DEPARTMENT_LABELS = {"after_sales": _l("After-sales"), "shipping": _l("Shipping"), "general": _l("General (no team)")}


class MoneyField(StringField):
    """Text in, Decimal out; a bad amount becomes a field error, never a float."""

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0].strip():
            try:
                self.data = parse_money(valuelist[0])
            except MoneyError as exc:
                raise ValueError(_l("The amount %(reason)s.", reason=_l(str(exc)))) from exc  # i18n_labels lists them

    def _value(self):
        return "" if self.data is None else str(self.data)


class RefundForm(FlaskForm):
    reason = SelectField(_l("Reason"), choices=[_Choice(code, REASON_LABELS[code]) for code in REASONS])
    amount = MoneyField(_l("Amount"))
    with_return = BooleanField(_l("With return of the goods"))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=1000)])
    idempotency_key = HiddenField(validators=[DataRequired(), Length(max=100)])

    def validate_amount(self, field):
        if field.data is None and not field.errors:
            raise ValidationError(_l("Enter the amount to refund."))

    @classmethod
    def fresh(cls) -> "RefundForm":
        """An empty form with a new key: one rendered form can create one refund, however often it is sent."""
        return cls(formdata=None, idempotency_key=uuid4().hex)


class DecisionForm(FlaskForm):
    next = HiddenField()


class RejectForm(DecisionForm):
    note = TextAreaField(_l("Why is it rejected?"), validators=[Optional(), Length(max=1000)])


class NoteForm(FlaskForm):
    department = SelectField(_l("For"), choices=[_Choice(code, label) for code, label in DEPARTMENT_LABELS.items()])
    body = TextAreaField(_l("Note"), validators=[DataRequired(message=_l("Write the note.")), Length(max=MAX_BODY)])

    @classmethod
    def fresh(cls) -> "NoteForm":
        return cls(formdata=None)
