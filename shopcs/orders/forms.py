"""Forms of the agent's pages. Formats and rules are checked again by the services; these catch typing slips."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

try:  # WTForms 3.3 deprecates (value, label) tuples
    from wtforms.fields.choices import SelectChoice as _Choice
except ImportError:  # pragma: no cover - older WTForms
    def _Choice(value, label):
        return (value, label)

from ..form_fields import DayField
from ..i18n_labels import CARRIER_NAMES
from .shipping import CARRIERS

CONFIRM_METHOD_CHOICES = [_Choice("chat", _l("Chat")), _Choice("phone", _l("Phone call")),
                          _Choice("platform", _l("Platform message"))]


class ConfirmAddressForm(FlaskForm):
    method = SelectField(_l("How did the buyer confirm?"), choices=CONFIRM_METHOD_CHOICES,
                         validators=[InputRequired()])


class AddressForm(FlaskForm):
    recipient = StringField(_l("Recipient"), validators=[DataRequired(), Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    province = StringField(_l("Province"), validators=[DataRequired(), Length(max=50)])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=50)])
    district = StringField(_l("District"), validators=[Optional(), Length(max=50)])
    detail = StringField(_l("Street address"), validators=[DataRequired(), Length(max=300)])
    postal_code = StringField(_l("Postal code"), validators=[Optional(), Length(max=20)])


class ShipForm(FlaskForm):
    carrier = SelectField(_l("Carrier"), choices=[_Choice(code, CARRIER_NAMES[code]) for code in CARRIERS],
                          validators=[InputRequired()])
    tracking_no = StringField(_l("Tracking number"), validators=[DataRequired(), Length(max=60)])
    shipped_on = DayField(_l("Ship date"), validators=[DataRequired()])


class PromisedDateForm(FlaskForm):
    promised_ship_date = DayField(_l("Promised ship date"), validators=[Optional()])


class CarrierExclusionsForm(FlaskForm):
    """One textarea per carrier, named excluded_<CODE>; one province per line."""


for _code in CARRIERS:
    setattr(CarrierExclusionsForm, f"excluded_{_code}",
            TextAreaField(CARRIER_NAMES[_code], validators=[Length(max=2000)]))


def apply_errors(form: FlaskForm, fields: dict, translate) -> None:
    """Put a service's field reasons on the form's fields (unknown names are ignored)."""
    for name, reason in fields.items():
        if name in form:
            form[name].errors = [*form[name].errors, translate(reason)]
