"""The one URL converter for database row ids: `<dbid:case_id>` matches 1..2**31-1 in plain digits, else the route does
not match (404). An id past the database's integer range never reaches a query (PostgreSQL would refuse it: a 500)."""
from werkzeug.routing import IntegerConverter

MAX_DB_ID = 2**31 - 1


class DatabaseIdConverter(IntegerConverter):
    regex = r"\d{1,10}"

    def __init__(self, url_map):
        super().__init__(url_map, fixed_digits=0, min=1, max=MAX_DB_ID, signed=False)
