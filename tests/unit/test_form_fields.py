"""The shared form field types: a day from the one bounded parser, a decimal that is a finite number."""
from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from flask_babel import Babel
from werkzeug.datastructures import MultiDict
from wtforms import Form

from shopcs.form_fields import DayField, FiniteDecimalField


class _Form(Form):
    day = DayField()
    factor = FiniteDecimalField()


@pytest.fixture(autouse=True)
def _request():
    app = Flask(__name__)
    Babel(app)
    with app.test_request_context():
        yield


def _read(**values) -> _Form:
    form = _Form(MultiDict(values))
    form.validate()
    return form


@pytest.mark.parametrize("text", ["9999-12-31", "0001-01-01", "2026-02-30", "yesterday"])
def test_a_day_the_parser_refuses_is_a_field_error(text):
    form = _read(day=text, factor="1")
    assert form.day.data is None and form.day.errors == ["Enter a date as YYYY-MM-DD from 1900-01-01 to 9998-12-31."]


def test_a_good_day_and_an_empty_one_are_read():
    assert _read(day="2026-11-11").day.data == date(2026, 11, 11)
    assert _read(day="").day.data is None and not _read(day="").day.errors


@pytest.mark.parametrize("text", ["sNaN", "NaN", "Infinity", "-Infinity", "inf"])
def test_a_decimal_that_is_not_finite_is_a_field_error(text):
    form = _read(factor=text)
    assert form.factor.data is None and form.factor.errors == ["Enter a number."]


def test_a_finite_decimal_is_read():
    assert _read(factor="2.50").factor.data == Decimal("2.50")
