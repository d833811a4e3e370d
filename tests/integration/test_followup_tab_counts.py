"""The follow-up page's tab counts: the same rows as each tab lists, exact below the cap and stopping at it, and
"Sent today" only today's (in the shop's zone). Both databases."""
from datetime import timedelta

from shopcs.extensions import db
from shopcs.followup.queries import DUE_SOON, tab_counts, tab_page
from shopcs.notify.models import OutboxMessage

from ..builders import NOW

ZONE = "Asia/Shanghai"  # NOW is 10:00 there: the shop's day began 10 hours ago
_seq = iter(range(1, 10_000))


def _message(status="pending", channel="manual", kind="unpaid_reminder", scheduled_for=NOW, sent_at=None):
    db.session.add(OutboxMessage(dedupe_key=f"test:{next(_seq)}", kind=kind, channel=channel, body="请付款",
                                 scheduled_for=scheduled_for, status=status, sent_at=sent_at, created_at=scheduled_for))


def _scene():
    for minutes in (5, 10, 15):
        _message(scheduled_for=NOW - timedelta(minutes=minutes))  # waiting to be sent by hand
    _message(channel="webhook", scheduled_for=NOW - timedelta(minutes=5))  # due, but not by hand
    _message(kind="alert", scheduled_for=NOW - timedelta(minutes=5))  # the team's own: not a buyer's
    _message(scheduled_for=NOW + DUE_SOON / 2)  # due soon
    _message(scheduled_for=NOW + DUE_SOON * 2)  # later
    for hours in (1, 9):
        _message(status="sent", scheduled_for=NOW - timedelta(hours=hours), sent_at=NOW - timedelta(hours=hours))
    _message(status="sent", scheduled_for=NOW - timedelta(hours=11), sent_at=NOW - timedelta(hours=11))  # yesterday
    _message(status="failed")
    _message(status="dead")
    db.session.commit()


def test_each_tab_counts_the_rows_it_lists_exactly_below_the_cap(app):
    _scene()
    counts = tab_counts(NOW, ZONE)
    assert counts == {"manual": 3, "due": 1, "sent": 2, "failed": 2}
    assert counts == {tab: tab_page(tab, NOW, ZONE, 1).total for tab in counts}


def test_a_tab_count_stops_at_the_cap(app):
    _scene()
    assert tab_counts(NOW, ZONE, cap=2) == {"manual": 2, "due": 1, "sent": 2, "failed": 2}
    assert tab_counts(NOW, ZONE, cap=1) == {"manual": 1, "due": 1, "sent": 1, "failed": 1}
