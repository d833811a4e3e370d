"""Form field types every page shares. A form uses these instead of WTForms' own where the plain type lets hostile
input through to a 500."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, DecimalField

from .windows import FIRST_DAY, LAST_DAY, parse_day


class FiniteDecimalField(DecimalField):
    """A DecimalField that refuses NaN, sNaN and Infinity with a field error: Decimal("sNaN") parses, and comparing it
    (NumberRange) or rounding it raises InvalidOperation (a 500)."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and not self.data.is_finite():
            self.data = None
            raise ValueError(_l("Enter a number."))


class DayField(DateField):
    """A DateField read by the one bounded day parser (shopcs/windows.py): year 1 or 9999 is a field error, not an
    overflow further on."""

    def process_formdata(self, valuelist):
        if not valuelist or not " ".join(valuelist).strip():
            self.data = None
            return
        self.data, problem = parse_day(" ".join(valuelist).strip())
        if problem:
            raise ValueError(_l("Enter a date as YYYY-MM-DD from %(first)s to %(last)s.", first=FIRST_DAY.isoformat(),
                                last=LAST_DAY.isoformat()))
