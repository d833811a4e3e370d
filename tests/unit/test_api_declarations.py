"""The declarative checker: JSON Schema for the structure, the x-parse parsers for the leaves, dotted paths."""
from datetime import datetime, timezone
from decimal import Decimal

from shopcs.apischema.check import check, check_params
from shopcs.apischema.document import public
from shopcs.apischema.operations import paging, param
from shopcs.apischema.shapes import array, boolean, choice, money, obj, text, time, whole

BODY = obj({
    "name": text(10, required=True), "note": text(20, nullable=True, default=""), "price": money(),
    "fee": money(nullable=True, default="0.00"), "at": time(nullable=True), "kind": choice(("a", "b"), nullable=True, default="a"),
    "flag": boolean(default=False), "rows": array(obj({"n": whole(1, 5)}, required=("n",)), 1, 3),
}, required=("name", "price", "rows"))
GOOD = {"name": "  Li  ", "price": "12.5", "rows": [{"n": 2}]}


def test_values_come_back_as_python_with_defaults_filled_in():
    values, fields = check(BODY, GOOD)
    assert fields == {}
    assert values == {"name": "Li", "note": "", "price": Decimal("12.50"), "fee": Decimal("0.00"), "at": None, "kind": "a",
                      "flag": False, "rows": [{"n": 2}]}


def test_a_time_becomes_aware_utc():
    values, _fields = check(BODY, {**GOOD, "at": "2026-03-04T10:00:00+08:00"})
    assert values["at"] == datetime(2026, 3, 4, 2, tzinfo=timezone.utc)


def test_every_problem_is_named_by_its_dotted_path_at_once():
    bad = {"name": "x" * 11, "price": 1.5, "at": "2026-03-04T10:00:00", "kind": "c", "flag": "yes",
           "rows": [{"n": 2}, {"n": 2.0}, {}, "x"]}
    _values, fields = check(BODY, bad)
    assert fields == {"name": "must be at most 10 characters",
                      "price": 'must be a string with at most three decimals, such as "12.50"',
                      "at": "needs an offset, such as +08:00", "kind": "must be one of a, b", "flag": "must be true or false",
                      "rows": "must hold at most 3 items", "rows.1.n": "must be a whole number", "rows.2.n": "is required",
                      "rows.3": "must be an object"}


def test_missing_and_null_required_fields_are_required_and_blank_text_is_too():
    _values, fields = check(BODY, {"name": "   ", "price": None})
    assert fields == {"name": "is required", "price": "is required", "rows": "is required"}


def test_a_text_limit_counts_without_the_outer_spaces_and_nul_is_refused():
    assert check(BODY, {**GOOD, "name": "  " + "x" * 10 + "  "})[1] == {}
    assert check(BODY, {**GOOD, "name": "a\x00b"})[1] == {"name": "must not contain NUL characters"}


def test_query_parameters_are_read_as_their_declared_types():
    params = [*paging(), param("since", "query", time(), "")]
    assert check_params(params, {"query": {"per_page": "20"}}) == ({"page": 1, "per_page": 20, "since": None}, {})
    _values, fields = check_params(params, {"query": {"page": "²", "per_page": "0", "since": "soon"}})
    assert set(fields) == {"page", "per_page", "since"}


def test_the_published_form_leaves_out_the_checkers_own_keywords():
    published = public(BODY)
    assert "x-parse" not in str(published) and published["properties"]["name"]["maxLength"] == 10
