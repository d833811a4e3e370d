"""Every page a role may open can be found: linked from the top bar or from a page the role reaches.

The pages come from the app's GET routes (tests/page_catalogue.py), so a new page that nobody links fails here.
"""
from html.parser import HTMLParser
from urllib.parse import urlsplit

from werkzeug.exceptions import HTTPException

from ..page_catalogue import LOGINS, PASSWORD, ROLES, pages, seed_demo


class _Links(HTMLParser):
    """Where a page leads: its links and its GET forms (a refund's "Reject…" opens the reject page by one)."""

    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.hrefs.append(values["href"])
        if tag == "form" and values.get("method", "get").lower() == "get" and values.get("action"):
            self.hrefs.append(values["action"])


def _hrefs(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


def _endpoint(adapter, href: str):
    parts = urlsplit(href)
    if parts.netloc or not parts.path.startswith("/"):
        return None
    try:
        return adapter.match(parts.path, method="GET")[0]
    except HTTPException:
        return None


def _unlinked_pages(app, samples, client, adapter) -> list[str]:
    """The pages this client may open that no other page it may open links to."""
    opened, linked = [], set()
    for page in pages(app, samples)[0]:
        response = client.get(page.url, headers={"Accept-Language": "zh-CN"})
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        opened.append(page.endpoint)
        # a page's links to itself (its tabs, paging, filters) do not make it findable
        linked.update(endpoint for href in _hrefs(response.get_data(as_text=True))
                      if (endpoint := _endpoint(adapter, href)) and endpoint != page.endpoint)
    assert len(opened) >= 5, opened
    return sorted(set(opened) - linked)


def test_every_page_a_role_may_open_is_linked_from_the_ui(sqlite_app, login):
    samples = seed_demo(sqlite_app)  # once for all roles: the demo data takes longer than the pages
    assert pages(sqlite_app, samples)[1] == [], "add a sample for these routes' arguments to tests/page_catalogue.seed_demo"
    adapter = sqlite_app.url_map.bind("localhost")
    unlinked = {}
    for role in ROLES:
        client = sqlite_app.test_client()
        login(client, LOGINS[role], PASSWORD)
        unlinked[role] = _unlinked_pages(sqlite_app, samples, client, adapter)
    assert unlinked == {role: [] for role in ROLES}
