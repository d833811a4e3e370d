"""The follow-up page's tabs past the cap: "999+" with "more than 999 messages" in both languages."""
from datetime import timedelta

from sqlalchemy import insert

from shopcs.capped_counts import COUNT_CAP
from shopcs.extensions import db
from shopcs.notify.models import OutboxMessage
from shopcs.timeutil import utcnow

from ..builders import make_user


def _dead_messages(count: int, first: int = 0) -> None:
    at = utcnow() - timedelta(days=2)
    db.session.execute(insert(OutboxMessage.__table__), [
        {"dedupe_key": f"test:{i}", "kind": "unpaid_reminder", "channel": "webhook", "body": "请付款",
         "scheduled_for": at, "status": "dead", "attempts": 5, "created_at": at} for i in range(first, first + count)])
    db.session.commit()


def test_a_tab_past_the_cap_shows_999_plus_and_below_it_the_exact_count(sqlite_app, login):
    make_user("amy")
    client = sqlite_app.test_client()
    login(client, "amy")
    _dead_messages(COUNT_CAP - 1)
    below = client.get("/followup?tab=failed").get_data(as_text=True)
    assert '<span class="count">999</span>' in below
    _dead_messages(1, first=COUNT_CAP)  # the thousandth
    chinese = client.get("/followup?tab=failed").get_data(as_text=True)
    english = client.get("/followup?tab=failed", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<span class="count" title="超过 999 条消息">999+</span>' in chinese
    assert '<span class="count" title="More than 999 messages">999+</span>' in english
    assert '<span class="count">0</span>' in english  # the other tabs: exact
