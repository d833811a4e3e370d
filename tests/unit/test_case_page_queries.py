"""The case queue's statements: the open statuses are written into the SQL (no IN parameter to expand on each
execution), and nothing but the code's own plain codes can be written that way."""
import pytest
from sqlalchemy.dialects import postgresql, sqlite

from shopcs.cases.escalation import OPEN_STATUSES
from shopcs.cases.models import Case
from shopcs.cases.queue.pages import _counts_statement, is_one_of


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.psycopg.dialect()])
def test_the_tab_counts_name_the_open_statuses_in_the_statement(dialect):
    compiled = _counts_statement(None, True).compile(dialect=dialect)
    assert str(compiled).count("cases.status IN ('new', 'open', 'waiting')") == 5  # mine, unassigned, team, unanswered, open
    assert "POSTCOMPILE" not in str(compiled) and set(compiled.params) == {"viewer_id", "viewer_team"}
    assert OPEN_STATUSES == ("new", "open", "waiting")


@pytest.mark.parametrize("codes", [(), ("new", "o'pen"), ("new); DROP TABLE cases; --",), ("New",), ("",)])
def test_only_plain_codes_are_written_into_a_statement(codes):
    with pytest.raises(ValueError, match="not plain codes"):
        is_one_of(Case.status, codes)


def test_one_code_and_several_read_the_same_way():
    assert str(is_one_of(Case.status, ("closed",))) == "cases.status IN ('closed')"
    assert str(is_one_of(Case.team, ("after_sales", "shipping"))) == "cases.team IN ('after_sales', 'shipping')"
