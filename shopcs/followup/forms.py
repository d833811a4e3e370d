"""Forms of the follow-up pages, and the words the pages show for the outbox's codes."""
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext as pgettext  # lazy; named so that pybabel extracts its context
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateTimeLocalField, HiddenField, IntegerField, SelectField, StringField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from ..form_fields import DayField

try:  # WTForms 3.3 deprecates (value, label) tuples
    from wtforms.fields.choices import SelectChoice as _Choice
except ImportError:  # pragma: no cover - older WTForms
    def _Choice(value, label):
        return (value, label)

CONCERN_LABELS = {
    "price": _l("Price"), "shipping_time": _l("Shipping time"), "size": _l("Size or specification"),
    "payment_method": _l("Payment method"), "quality_doubt": _l("Doubts about quality"),
    "changed_mind": _l("Changed mind"), "other": _l("Other"),
}
KIND_LABELS = {
    "unpaid_reminder": _l("Unpaid-order reminder"), "holiday_greeting": _l("Holiday greeting"),
    "promotion": _l("Promotion"), "shipping_notice": _l("Shipping notice"), "case_reply": _l("Case reply"),
    "alert": _l("Alert"), "case_escalation": _l("Case escalation"), "assistant_reply": _l("Assistant's answer"),
}
OUTBOX_STATUS_LABELS = {"pending": _l("Pending"), "sent": _l("Sent"), "delivered": _l("Delivered to the widget"),
                        "failed": _l("Failed, will retry"), "dead": _l("Dead"), "cancelled": _l("Cancelled")}
OUTBOX_STATUS_BADGES = {"pending": "badge-warn", "sent": "badge-ok", "delivered": "badge-ok", "failed": "badge-danger",
                        "dead": "badge-danger", "cancelled": "badge-muted"}
CHANNEL_LABELS = {"manual": _l("by hand (platform chat)"), "email": _l("email"), "webhook": _l("webhook"),
                  "widget": _l("storefront chat widget")}
TEMPLATE_LOCALE_LABELS = {"zh": _l("Chinese"), "en": _l("English")}


class ActionForm(FlaskForm):
    """A button that posts: CSRF plus where to go back to."""

    next = HiddenField()


class ConcernForm(FlaskForm):
    category = SelectField(_l("Buyer's concern"), choices=[_Choice(code, label) for code, label in CONCERN_LABELS.items()])
    text = TextAreaField(_l("Details"), validators=[Optional(), Length(max=1000)])


class OptOutForm(FlaskForm):
    opted_out = HiddenField(validators=[DataRequired()])  # "1" to opt out, "0" to opt back in


class PromotionForm(FlaskForm):
    name = StringField(pgettext("promotion", "Name"), validators=[DataRequired(), Length(max=100)])
    day = DayField(_l("Day"), validators=[DataRequired()])
    send_time = TimeField(_l("Send time"), validators=[DataRequired()])
    days_before = IntegerField(_l("Days before"), default=0, validators=[NumberRange(min=0, max=60)])


def _number(label):
    """Whole numbers; the ranges are save_settings' to check, so the page and the service agree."""
    return IntegerField(label, validators=[InputRequired(message=_l("Enter a whole number."))])


def _clock(label):
    return TimeField(label, validators=[InputRequired(message=_l("Enter a time such as 22:00."))])


class SettingsForm(FlaskForm):
    """The scalar settings; template fields are added per (kind, locale) by settings_form_class()."""

    first_reminder_minutes = _number(_l("First reminder, minutes after the order was placed"))
    second_reminder_hours = _number(_l("Second reminder, hours after the order was placed"))
    max_reminders = _number(_l("At most this many reminders per order (by hand included)"))
    auto_close_hours = _number(_l("Close an unpaid order after this many hours"))
    quiet_start = _clock(_l("Quiet hours start"))
    quiet_end = _clock(_l("Quiet hours end"))
    campaign_start = DateTimeLocalField(_l("Campaign window starts"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    campaign_end = DateTimeLocalField(_l("Campaign window ends"), format="%Y-%m-%dT%H:%M", validators=[Optional()])
    greeting_send_time = _clock(_l("Greetings go out at"))
    repeat_window_days = _number(_l("Repeat customer: last paid order within this many days"))
    greeting_gap_days = _number(_l("At most one greeting or promotion per customer in this many days"))
    locale = SelectField(_l("Language of messages to buyers"),
                         choices=[_Choice(code, label) for code, label in TEMPLATE_LOCALE_LABELS.items()])
    shop_name = StringField(_l("Shop name in Chinese messages"), validators=[Optional(), Length(max=100)])
    shop_name_en = StringField(_l("Shop name in English messages"), validators=[Optional(), Length(max=100)],
                               description=_l("Empty: English messages use the shop name above."))
    notify_platform_shipments = BooleanField(_l("Also send the shipping notice for shipments the platform reports"))

    scalar_names = ("first_reminder_minutes", "second_reminder_hours", "max_reminders", "auto_close_hours",
                    "quiet_start", "quiet_end", "campaign_start", "campaign_end",
                    "greeting_send_time", "repeat_window_days", "greeting_gap_days",
                    "locale", "shop_name", "shop_name_en", "notify_platform_shipments")


def template_field_name(kind: str, locale: str) -> str:
    """The same name save_settings uses for a template's error."""
    return f"template_{kind}_{locale}"


def settings_form_class(template_keys) -> type:
    """SettingsForm with one text area per template (kind, locale)."""
    fields = {template_field_name(kind, locale): TextAreaField(
        _l("%(kind)s (%(language)s)", kind=KIND_LABELS.get(kind, kind), language=TEMPLATE_LOCALE_LABELS.get(locale, locale)),
        validators=[InputRequired()]) for kind, locale in template_keys}
    return type("TemplatedSettingsForm", (SettingsForm,), fields)
