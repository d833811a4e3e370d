"""The case queue's statements: the open statuses are bound parameters, like every other value (nothing is written
into the SQL text)."""
import pytest
from sqlalchemy.dialects import postgresql, sqlite

from shopcs.cases.escalation import OPEN_STATUSES
from shopcs.cases.page_queries import _counts_statement


@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.psycopg.dialect()])
def test_the_tab_counts_bind_the_open_statuses_as_parameters(dialect):
    compiled = _counts_statement(None, True).compile(dialect=dialect)
    assert "'new'" not in str(compiled) and "'waiting'" not in str(compiled)
    status_lists = [value for name, value in compiled.params.items() if name not in ("viewer_id", "viewer_team")]
    assert status_lists == [list(OPEN_STATUSES)] * 4  # mine, team, unanswered, open
    assert OPEN_STATUSES == ("new", "open", "waiting")
