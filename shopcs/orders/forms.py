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

from babel import Locale

from ..countries import DOMESTIC, country_problem, is_abroad
from ..form_fields import DayField
from ..i18n_labels import CARRIER_NAMES
from .shipping import DOMESTIC_CARRIERS, carriers_for

CONFIRM_METHOD_CHOICES = [_Choice("chat", _l("Chat")), _Choice("phone", _l("Phone call")),
                          _Choice("platform", _l("Platform message"))]


class ConfirmAddressForm(FlaskForm):
    method = SelectField(_l("How did the buyer confirm?"), choices=CONFIRM_METHOD_CHOICES,
                         validators=[InputRequired()])


class AddressForm(FlaskForm):
    """The province is required in China only (the service checks it); abroad it is the state or region."""
    recipient = StringField(_l("Recipient"), validators=[DataRequired(), Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    country = SelectField(_l("Country"), validators=[DataRequired()])
    province = StringField(_l("Province"), validators=[Optional(), Length(max=50)])
    city = StringField(_l("City"), validators=[DataRequired(), Length(max=50)])
    district = StringField(_l("District"), validators=[Optional(), Length(max=50)])
    detail = StringField(_l("Street address"), validators=[DataRequired(), Length(max=300)])
    address_line2 = StringField(_l("Address line 2"), validators=[Optional(), Length(max=300)])
    postal_code = StringField(_l("Postal code"), validators=[Optional(), Length(max=20)])


def country_choices(locale: str) -> list:
    """Every country by its name in the reader's language, China first."""
    names = Locale.parse(locale).territories
    codes = sorted((code for code in names if code != DOMESTIC and country_problem(code) is None), key=names.get)
    return [_Choice(code, names[code]) for code in (DOMESTIC, *codes)]


def address_form(order, locale: str) -> AddressForm:
    """The form for an order's address; abroad its fields are named as an address abroad writes them."""
    form = AddressForm(obj=order)
    form.country.choices = country_choices(locale)
    if is_abroad(order.country):
        form.province.label.text, form.detail.label.text = _l("State / region"), _l("Address line 1")
    return form


class ShipForm(FlaskForm):
    carrier = SelectField(_l("Carrier"), choices=[_Choice(code, CARRIER_NAMES[code]) for code in DOMESTIC_CARRIERS],
                          validators=[InputRequired()])
    carrier_name = StringField(_l("Carrier name (when Other)"), validators=[Optional(), Length(max=100)])
    tracking_no = StringField(_l("Tracking number"), validators=[DataRequired(), Length(max=60)])
    shipped_on = DayField(_l("Ship date"), validators=[DataRequired()])


def ship_form(country: str, **data) -> ShipForm:
    """The ship form offering the carriers that ship to `country`: the domestic ones at home, else those that
    ship abroad (international carriers, SF International, China Post EMS)."""
    form = ShipForm(**data)
    form.carrier.choices = [_Choice(code, CARRIER_NAMES[code]) for code in carriers_for(country)]
    return form


class PromisedDateForm(FlaskForm):
    promised_ship_date = DayField(_l("Promised ship date"), validators=[Optional()])


class CarrierExclusionsForm(FlaskForm):
    """One textarea per carrier, named excluded_<CODE>; one province per line."""


for _code in DOMESTIC_CARRIERS:
    setattr(CarrierExclusionsForm, f"excluded_{_code}",
            TextAreaField(CARRIER_NAMES[_code], validators=[Length(max=2000)]))


def apply_errors(form: FlaskForm, fields: dict, translate) -> None:
    """Put a service's field reasons on the form's fields (unknown names are ignored)."""
    for name, reason in fields.items():
        if name in form:
            form[name].errors = [*form[name].errors, translate(reason)]
