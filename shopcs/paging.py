"""Paging the lists: reading ?page=, what a pager shows, and the list's links with some parameters changed."""
from urllib.parse import urlencode

MAX_PAGE = 1_000_000  # far beyond any real list; a larger number would overflow the database's integers


def page_number(args) -> int:
    """The requested page: 1 when missing, not a number or below 1, and never above MAX_PAGE."""
    return min(max(args.get("page", 1, type=int), 1), MAX_PAGE)


class PageCount:
    """What a pager reads from a page of a list that has `page`, `per_page` and `total`, in the shape of
    Flask-SQLAlchemy's Pagination (templates/audit/_pager.html and the queues' pagers): mixed into each list's page."""

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


class QueryLinks:
    """A list page's URL with some query parameters changed (None or "" drops one), for its tabs, sort and pager.
    The base URL comes from the caller (url_for once per page, not once per link); the query string is encoded as
    werkzeug's url_for encodes it, so a link reads the same whichever of the two built it."""

    SAFE = "!$'()*,/:;?@"  # what url_for leaves unquoted in a query string

    def __init__(self, base: str, args: dict[str, str]):
        self.base, self.args = base, args

    def __call__(self, **changes) -> str:
        args = {**self.args, **changes}
        query = urlencode([(k, v) for k, v in args.items() if v not in (None, "")], safe=self.SAFE)
        return f"{self.base}?{query}" if query else self.base
