"""The erasure's confirmation: the admin types the buyer's id, so a slip of the mouse erases nobody."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired, ValidationError


class EraseForm(FlaskForm):
    confirm_id = StringField(_l("Type the customer ID to confirm"), validators=[DataRequired()])

    def __init__(self, expected: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.expected = expected

    def validate_confirm_id(self, field):
        if (field.data or "").strip() != self.expected:
            raise ValidationError(_l("This is not the customer ID shown above: nothing was erased."))
